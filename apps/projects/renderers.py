import json

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from .rendered import Rendered

_fallback = JSONEncoder().default


def _default(obj):
    # JSON rendered before (a set's contents, apps/projects/rendered.py): as it is.
    if type(obj) is Rendered:
        return orjson.Fragment(obj.raw)
    return _fallback(obj)


class _FallbackEncoder(JSONEncoder):
    def default(self, obj):
        if type(obj) is Rendered:
            return obj.value()
        return super().default(obj)


class FastJSONRenderer(JSONRenderer):
    """JSON through orjson: several times faster than the standard library on
    the document and annotation lists; types orjson does not know (lazy
    strings, Decimal) fall back to DRF's encoder, and a `Rendered` value is
    spliced in as the JSON it holds.

    What orjson refuses (a lone surrogate, nesting past 254 levels, an
    integer past 64 bits) is refused on the way in (`inputs`), but a row
    stored before that could still hold it. Such a response is written by
    the standard library instead, with every non-ASCII character escaped: a
    lone surrogate comes back as the same ``\\ud800`` escape it came in as,
    and one old row never makes the whole list a 500. A `Rendered` value is
    decoded back for it, so that answer is the one it would be without."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        try:
            return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:
            return json.dumps(data, cls=_FallbackEncoder, separators=(",", ":")).encode("ascii")
