"""What a value from outside must be before Accord stores it.

Checked on the way in, never on the way out: a value that is stored and
cannot be read back (a lone surrogate orjson refuses, a nesting deeper than
its recursion limit, a NUL PostgreSQL refuses) would break every read of the
project for everyone. The import parsers, the JSON request parser, the
serializers and the registry import all ask this one module. Pure: no Django.
"""

import math
import re

from .errors import Invalid

# How deep a stored JSON value (a document's `meta`) may nest. orjson stops
# at 254 levels; a response puts a stored value a few levels down.
MAX_DEPTH = 32
# How deep a request body may nest: a stored value sits a few levels inside it
# (a list of records, each with its `meta`).
MAX_BODY_DEPTH = MAX_DEPTH + 8
# How large one stored JSON value may be, counted as its strings' characters
# plus one per number, boolean, null and container: about its JSON length.
MAX_JSON_SIZE = 1_000_000
# The largest id a database stores (a signed 64-bit integer); SQLite raises
# OverflowError past it, so a larger id names nothing.
MAX_ID = 2**63 - 1
# orjson writes integers in this range only.
MIN_JSON_INT, MAX_JSON_INT = -(2**63), 2**64 - 1

# NUL cannot be stored by PostgreSQL; a lone surrogate (possible through a
# JSON "\\ud800" escape) cannot be encoded as UTF-8, so it could be neither
# hashed nor stored. A regex finds either at C speed on megabytes of text.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(value):
    """Explain why a string cannot be stored and read back, or return None."""
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000), which cannot be stored"
    return f"contains an unpaired surrogate U+{ord(found.group()):04X}, which is not valid text"


def _child(path, key):
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def json_problem(value, path="", max_depth=MAX_DEPTH, max_size=MAX_JSON_SIZE):
    """``(path, message)`` for the first part of `value` that is not plain,
    storable JSON, or None. `path` names `value` itself ("meta"); the path
    returned names the part at fault ("meta.source[2]"); for too deep a
    nesting, the outermost part holding it (a path 33 levels long helps
    nobody). Walks without recursion, so no nesting can exhaust the stack."""
    size = 0
    stack = [(path, value, 0, path)]
    while stack:
        where, item, depth, top = stack.pop()
        if isinstance(item, str):
            size += len(item)
            if problem := unstorable(item):
                return where, problem
        elif isinstance(item, bool) or item is None:
            size += 1
        elif isinstance(item, int):
            size += 1
            if not MIN_JSON_INT <= item <= MAX_JSON_INT:
                return where, "is a number too large to store; send it as a string"
        elif isinstance(item, float):
            size += 1
            if not math.isfinite(item):
                return where, f"is {item}, which is not a JSON number"
        elif isinstance(item, dict | list):
            size += 1
            if depth >= max_depth:
                return top, f"nests too deeply; the limit is {max_depth} levels"
            if isinstance(item, dict):
                for key, child in item.items():
                    if not isinstance(key, str):
                        return where, f"has the key {key!r}; keys are strings"
                    if problem := unstorable(key):
                        return where, f"has a key that {problem}"
                    size += len(key)
                    inner = _child(where, key)
                    stack.append((inner, child, depth + 1, top if depth or path else inner))
            else:
                for index, child in enumerate(item):
                    inner = _child(where, index)
                    stack.append((inner, child, depth + 1, top if depth or path else inner))
        else:
            return where, f"holds a {type(item).__name__}, which is not JSON"
        if max_size is not None and size > max_size:
            return path, f"is too large; the limit is {max_size:,} characters"
    return None


def check_json(value, field, max_depth=MAX_DEPTH, max_size=MAX_JSON_SIZE):
    """Raise Invalid naming `field` when `value` could not be stored and read back."""
    problem = json_problem(value, field, max_depth, max_size)
    if problem:
        where, message = problem
        raise Invalid(message if where == field else f"{where} {message}", field=field)
    return value


def check_text(value, field):
    """Raise Invalid naming `field` when the string `value` cannot be stored."""
    if isinstance(value, str) and (problem := unstorable(value)):
        raise Invalid(problem, field=field)
    return value


def fits_id(value):
    """Whether `value` (from a JSON body) is an integer a database can compare
    with an id: SQLite raises OverflowError on one outside 64 bits."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_ID


def id_problem(value):
    """Why `value` (text from a URL or query string) is not a storable id, or None."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        return f"must be an id (a whole number), got {value!r}"
    if int(text) > MAX_ID:
        return f"{text} is past the largest id ({MAX_ID})"
    return None
