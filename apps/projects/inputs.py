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


# A NUL or a lone surrogate reaches a decoded JSON string escaped ("\\u0000",
# "\\ud800"), or raw in the text when a client names an odd charset (the
# parser refuses a raw NUL, not a raw surrogate): text holding neither needs
# no look at its strings. Two searches at C speed over the whole text.
ESCAPED_UNSTORABLE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def may_hold_unstorable(json_text):
    """Whether decoding `json_text` may give a string with NUL or a lone surrogate."""
    return bool(UNSTORABLE.search(json_text) or ESCAPED_UNSTORABLE.search(json_text))


def _child(path, key):
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _scalar_problem(item, strings=True):
    """Why a JSON leaf (not a list or an object) cannot be stored, or None."""
    if isinstance(item, str):
        return unstorable(item) if strings else None
    if item is None or isinstance(item, bool):
        return None
    if isinstance(item, int):
        if MIN_JSON_INT <= item <= MAX_JSON_INT:
            return None
        return "is a number too large to store; send it as a string"
    if isinstance(item, float):
        return None if math.isfinite(item) else f"is {item}, which is not a JSON number"
    return f"holds a {type(item).__name__}, which is not JSON"


def _path(path, trail):
    """The path of a `trail`: (parent's trail, key) pairs, built only when
    something is wrong, so the walk makes no string per value."""
    keys = []
    while trail is not None:
        trail, key = trail
        keys.append(key)
    for key in reversed(keys):
        path = _child(path, key)
    return path


def _outermost(path, trail):
    """The part to name for too deep a nesting: `path` itself when given,
    else the top-level field holding it (a path 33 levels long helps nobody)."""
    if path or trail is None:
        return path
    while trail[0] is not None:
        trail = trail[0]
    return _child("", trail[1])


def json_problem(value, path="", max_depth=MAX_DEPTH, max_size=MAX_JSON_SIZE, strings=True):
    """``(path, message)`` for the first part of `value` that is not plain,
    storable JSON, or None. `path` names `value` itself ("meta"); the path
    returned names the part at fault ("meta.source[2]"). `max_size` None: no
    size limit (a request body's size is limited where it is read).
    `strings` False: the caller knows no string can hold NUL or a lone
    surrogate (see `may_hold_unstorable`). Walks without recursion, so no
    nesting can exhaust the stack."""
    if not isinstance(value, dict | list):
        problem = _scalar_problem(value, strings)
        return (path, problem) if problem else None
    size = 0
    stack = [(value, 1, None)]  # a container, its nesting level, its trail
    while stack:
        item, depth, trail = stack.pop()
        if depth > max_depth:
            return _outermost(path, trail), f"nests too deeply; the limit is {max_depth} levels"
        size += 1
        if isinstance(item, dict) and strings:
            for key in item:
                if not isinstance(key, str):
                    return _path(path, trail), f"has the key {key!r}; keys are strings"
                if problem := unstorable(key):
                    return _path(path, trail), f"has a key that {problem}"
        if isinstance(item, dict):
            if max_size is not None:
                size += sum(map(len, item))
            children = item.items()
        else:
            children = enumerate(item)
        for key, child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1, (trail, key)))
                continue
            if problem := _scalar_problem(child, strings):
                return _path(path, (trail, key)), problem
            if max_size is not None:
                size += len(child) if isinstance(child, str) else 1
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
