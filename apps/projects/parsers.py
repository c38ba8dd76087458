"""The API's JSON request parser: a body that could not be stored and read
back is refused here, once, before any view sees it (see `inputs`)."""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.utils import json

from .inputs import MAX_BODY_DEPTH, json_problem, may_hold_unstorable


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, plus: nesting past MAX_BODY_DEPTH is a 400 (the
    standard library would raise RecursionError near 1,000 levels), and so is
    any string or key holding a NUL or a lone surrogate, or an integer past
    64 bits, naming where it is (``spans[0].id``). Stored fields check their
    own tighter limits."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError(
                "JSON parse error - the body nests too deeply; "
                f"the limit is {MAX_BODY_DEPTH} levels."
            ) from None
        except ValueError as exc:  # also UnicodeDecodeError, as DRF's parser has it
            raise ParseError(f"JSON parse error - {exc}") from None
        problem = json_problem(
            data, max_depth=MAX_BODY_DEPTH, max_size=None, strings=may_hold_unstorable(text)
        )
        if problem:
            where, message = problem
            raise ValidationError({where or "body": message})
        return data
