"""The API side of conditional requests (apps/projects/conditional.py):
answering 304 to a matching If-None-Match, and tagging every answer."""

from rest_framework import status as codes
from rest_framework.response import Response

from ..conditional import CACHE_CONTROL, if_match_fails, none_match
from ..errors import PreconditionFailed


def tag_headers(tag):
    return {"ETag": tag, "Cache-Control": CACHE_CONTROL}


def answer(request, tag, build, status=codes.HTTP_200_OK):
    """304 without a body when the request's If-None-Match names `tag`
    (GET and HEAD only), else `build()`'s data; both carry the ETag."""
    if request.method in ("GET", "HEAD") and none_match(request.headers.get("If-None-Match"), tag):
        return Response(status=codes.HTTP_304_NOT_MODIFIED, headers=tag_headers(tag))
    return Response(build(), status=status, headers=tag_headers(tag))


def check_if_match(request, tag, version):
    """PreconditionFailed (412, with the current `version`) when the request's
    If-Match does not name `tag`, the current one."""
    if if_match_fails(request.headers.get("If-Match"), tag):
        raise PreconditionFailed(
            "The set changed since you read it: If-Match names another version than "
            f"the current one ({version}). Reload it and apply your change again.",
            version=version,
        )
