"""The one upload limit, for every endpoint that takes a file (documents, actors).

`ACCORD_IMPORT_MAX_BYTES` bounds what an import may read: a declared length
over it is refused before the body is read, and a file without one (a chunked
upload) before the file is read.
"""

from django.conf import settings

from ..errors import TooLarge


def check_request_size(request):
    """413 when the request declares a body over the limit."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # not a length: the parser will read no more than is sent
    _check(length)


def check_upload_size(upload):
    """413 when an uploaded file is over the limit."""
    _check(upload.size)


def upload_limit():
    return settings.ACCORD_IMPORT_MAX_BYTES


def _check(size):
    limit = upload_limit()
    if size > limit:
        raise TooLarge(
            f"The upload is {size:,} bytes; the import limit is {limit:,} bytes. "
            "Split the file, or ask the administrator to raise ACCORD_IMPORT_MAX_BYTES."
        )
