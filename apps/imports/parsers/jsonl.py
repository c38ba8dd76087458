"""JSON Lines (one record per line) and JSON (a list of records)."""

import json
import re

from . import ImportFormatError, describe_type


def _reject_constant(name):
    # NaN and Infinity are not JSON, and PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not valid JSON")


DECODER = json.JSONDecoder(parse_constant=_reject_constant)
WHITESPACE = re.compile(r"[ \t\n\r]*")


def loads(text):
    return json.loads(text, parse_constant=_reject_constant)


def lines(source, collector=None):
    """``(number, line)`` for each line of a text file (parsers.open_text:
    lines end at "\n" only), one at a time; the collector's ``fraction``
    follows how far through the file it is."""
    size = getattr(source, "size", 0)
    read = 0  # bytes of the lines so far (the file reads ahead in blocks)
    for number, line in enumerate(source, start=1):
        if collector is not None and size:
            read += len(line) if line.isascii() else len(line.encode("utf-8"))
            collector.fraction = min(read / size, 1.0)
        if line.endswith("\n"):
            line = line[:-1]
        yield number, line


def items(text, label, what, collector=None):
    """The values of the JSON list that `text` holds, decoded one at a time,
    so that no list of every record is ever built. Raises ImportFormatError,
    as ``loads`` of the whole text would, when it is not JSON or not a list
    (``what`` names its items in that message)."""
    end = WHITESPACE.match(text, 0).end()
    if text[end : end + 1] != "[":
        # Not a list: the whole text, decoded, says what it is instead.
        value = _whole(text, label)
        raise ImportFormatError(
            f"{label} must hold a JSON list of {what}, got {describe_type(value)}"
        )
    index = WHITESPACE.match(text, end + 1).end()
    if text[index : index + 1] == "]":
        index += 1
    else:
        while True:
            try:
                value, index = DECODER.raw_decode(text, index)
            except json.JSONDecodeError as exc:
                raise _not_json(label, exc) from None
            except (ValueError, RecursionError) as exc:
                raise _not_json(label, exc) from None
            if collector is not None:
                collector.fraction = index / len(text)
            yield value
            index = WHITESPACE.match(text, index).end()
            delimiter = text[index : index + 1]
            index = WHITESPACE.match(text, index + 1).end()
            if delimiter == "]":
                break
            if delimiter != ",":
                raise _not_json(
                    label, json.JSONDecodeError("Expecting ',' delimiter", text, index - 1)
                )
    rest = WHITESPACE.match(text, index).end()
    if rest != len(text):
        raise _not_json(label, json.JSONDecodeError("Extra data", text, rest))


def _whole(text, label):
    try:
        return loads(text)
    except (ValueError, RecursionError) as exc:
        raise _not_json(label, exc) from None


def _not_json(label, exc):
    if isinstance(exc, json.JSONDecodeError):
        message = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    elif isinstance(exc, RecursionError):
        message = "nested too deeply"
    else:
        message = str(exc)
    return ImportFormatError(f"{label} is not valid JSON: {message}")


def json_lines(source, collector, prefix=""):
    """``(where, value)`` for each non-blank line of a text file
    (parsers.open_text) that is JSON; where is "line N". A line that is not
    JSON is reported to the collector and skipped."""
    # Split on "\n" only (open_text's newline): str.splitlines() would also
    # split on U+2028, U+0085 and others, which may sit unescaped inside a
    # JSON string.
    for number, line in lines(source, collector):
        where = f"{prefix}line {number}"
        if line.endswith("\r"):
            line = line[:-1]
        if not line.strip():
            continue
        try:
            yield where, loads(line)
        except json.JSONDecodeError as exc:
            collector.error(where, None, f"not valid JSON: {exc.msg} at column {exc.colno}")
        except (ValueError, RecursionError) as exc:
            # Huge integers, NaN, absurdly deep nesting.
            message = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
            collector.error(where, None, f"not valid JSON: {message}")


def read_jsonl(source, collector, prefix=""):
    """Add one record per non-blank line of a text file (parsers.open_text)."""
    for where, item in json_lines(source, collector, prefix):
        collector.add(item, where)


def read_json(text, label, collector, prefix=""):
    """Add the records of a JSON list, one at a time; where is "record N"."""
    for number, item in enumerate(items(text, label, "records", collector), start=1):
        collector.add(item, f"{prefix}record {number}")
