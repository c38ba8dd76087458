"""JSON Lines (one record per line) and JSON (a list of records)."""

import json

from . import ImportFormatError, describe_type


def _reject_constant(name):
    # NaN and Infinity are not JSON, and PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not valid JSON")


def loads(text):
    return json.loads(text, parse_constant=_reject_constant)


def json_lines(text, collector, prefix=""):
    """``(where, value)`` for each non-blank line that is JSON; where is "line N".
    A line that is not JSON is reported to the collector and skipped."""
    # Split on "\n" only: str.splitlines() would also split on U+2028, U+0085
    # and others, which may sit unescaped inside a JSON string.
    for number, line in enumerate(text.split("\n"), start=1):
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


def read_jsonl(text, collector, prefix=""):
    """Add one record per non-blank line."""
    for where, item in json_lines(text, collector, prefix):
        collector.add(item, where)


def read_json(text, label, collector, prefix=""):
    """Add the records of a JSON list; where is "record N"."""
    try:
        items = loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"{label} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except ValueError as exc:
        raise ImportFormatError(f"{label} is not valid JSON: {exc}") from None
    except RecursionError:
        raise ImportFormatError(f"{label} is not valid JSON: nested too deeply") from None
    if not isinstance(items, list):
        raise ImportFormatError(
            f"{label} must hold a JSON list of records, got {describe_type(items)}"
        )
    collector.add_all(items, f"{prefix}record")
