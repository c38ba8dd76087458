"""Conditional requests: ETags of what a response depends on, If-None-Match
(304) and If-Match (412). Pure: no ORM; the views say what a tag covers.

A tag is opaque: a keyed BLAKE2b digest of the parts a representation is
made from (a set's id and version, the project's schema version, who asks
and what they may see). Nothing in it can be read back, so a tag never tells
one member what another's work is at; and it changes whenever any part does,
so a renamed label, another role or anonymous review gives another tag.
"""

import hashlib

import orjson
from django.conf import settings

# Revalidate every time (no-cache) and keep out of shared caches (private):
# a browser or client stores the body and asks with If-None-Match.
CACHE_CONTROL = "private, no-cache"


def _encoded(parts):
    """`parts` as bytes, equal exactly when the parts are: JSON by orjson (a
    page's rows, datetimes and all, cost a tenth of their repr()), or the
    repr() of what JSON cannot hold (an integer past 64 bits, a lone
    surrogate, a Decimal), kept apart from every JSON encoding by its prefix."""
    try:
        return orjson.dumps(parts, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        return b"repr:" + repr(parts).encode("utf-8", "backslashreplace")


def etag(*parts):
    """The strong ETag (quoted) of a representation made from `parts`
    (numbers, strings, datetimes, None, and tuples and dicts of them; at one
    place in `parts` always the same type)."""
    key = hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32).digest()
    digest = hashlib.blake2b(_encoded(parts), key=key, digest_size=16)
    return f'"{digest.hexdigest()}"'


def _tags(header):
    """The entity tags of an If-None-Match / If-Match header value, weak
    prefixes kept; '*' alone is ['*']."""
    return [part.strip() for part in (header or "").split(",") if part.strip()]


def none_match(header, tag):
    """Whether If-None-Match `header` names `tag` (weak comparison: `W/` is
    ignored), so the answer is 304."""
    for candidate in _tags(header):
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


def if_match_fails(header, tag):
    """Whether If-Match `header` (None: absent) refuses `tag` (strong
    comparison: a weak tag never matches), so the answer is 412."""
    if header is None:
        return False
    return not any(candidate in ("*", tag) for candidate in _tags(header))
