"""JSON Lines (one record per line) and JSON (a list of records)."""

import json
import re

from apps.projects.inputs import may_hold_unstorable

from . import ImportFormatError, describe_type


def _reject_constant(name):
    # NaN and Infinity are not JSON, and PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not valid JSON")


DECODER = json.JSONDecoder(parse_constant=_reject_constant)
WHITESPACE = re.compile(r"[ \t\n\r]*")


def loads(text):
    """json.loads(text) refusing NaN and Infinity, with one decoder for every
    line (json.loads builds a new one per call given an option)."""
    if text.startswith("\ufeff"):
        # As json.loads says it.
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return DECODER.decode(text)


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


# How much text a JSON list's reader asks of its file at a time (characters).
READ_SIZE = 1 << 16
# A value that fails to decode this close to the end of what has been read
# may only be cut off (a number, a literal or an escape split by the read):
# read on before calling it an error.
CUT_MARGIN = 16


class _Window:
    """A sliding window on a text file: the part of the text read and not
    yet consumed, with how many characters and lines came before it, so an
    error anywhere is placed by its line and column in the whole text."""

    def __init__(self, source, label, read_size):
        self.source = source
        self.label = label
        self.read_size = read_size
        self.text = ""
        self.at = 0  # position in self.text
        self.dropped = 0  # characters of the file before self.text
        self.lines = 0  # "\n" among them
        self.line_start = 0  # file position just after the last of them
        self.eof = False

    def more(self, at_least=0):
        """Read on (at least `at_least` characters, else READ_SIZE), dropping
        what is consumed; False, and nothing moved, at the end of the file."""
        if self.eof:
            return False
        piece = self.source.read(max(self.read_size, at_least))
        if not piece:
            self.eof = True
            return False
        gone = self.text[: self.at]
        newlines = gone.count("\n")
        if newlines:
            self.lines += newlines
            self.line_start = self.dropped + gone.rindex("\n") + 1
        self.dropped += self.at
        self.text = self.text[self.at :] + piece
        self.at = 0
        return True

    def skip_space(self):
        """Move past whitespace; the next character, or "" at the end of the file."""
        while True:
            self.at = WHITESPACE.match(self.text, self.at).end()
            if self.at < len(self.text) or not self.more():
                return self.text[self.at : self.at + 1]

    def decode(self):
        """Decode the value at the current position and move past it. A
        value cut off by the end of what is read is read on, never decoded
        from its part."""
        while True:
            try:
                value, end = DECODER.raw_decode(self.text, self.at)
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated string") or (
                    exc.pos >= len(self.text) - CUT_MARGIN
                )
                # Doubling what is read keeps a long record linear to read.
                if cut and self.more(len(self.text) - self.at):
                    continue
                raise self.error(exc.msg, exc.pos) from None
            except (ValueError, RecursionError) as exc:
                # Huge integers, NaN, absurdly deep nesting.
                raise _not_json(self.label, exc) from None
            # A number ending near where the read ends may go on ("1" of
            # "1E+2", "12" of "123"): decode it again with more text.
            if end > len(self.text) - CUT_MARGIN and self.more():
                continue
            self.at = end
            return value

    def error(self, message, at):
        """The refusal of a JSON error at `at` (in self.text), placed by its
        line and column in the whole text."""
        error = json.JSONDecodeError(message, self.text, at)
        before = self.text.count("\n", 0, at)
        error.pos = self.dropped + at
        error.lineno = self.lines + before + 1
        start = self.text.rfind("\n", 0, at) + 1 + self.dropped if before else self.line_start
        error.colno = error.pos - start + 1
        return _not_json(self.label, error)


def items(source, label, what, collector=None, read_size=None):
    """The values of the JSON list that a text file (parsers.open_text)
    holds, decoded one at a time from a window that slides along the file,
    so neither the whole text nor a list of every record is ever built.
    Raises ImportFormatError, as ``loads`` of the whole text would, when it
    is not JSON or not a list (``what`` names its items in that message)."""
    window = _Window(source, label, read_size or READ_SIZE)
    size = getattr(source, "size", 0)
    if window.skip_space() != "[":
        # Not a list: the whole value, decoded, says what it is instead.
        value = window.decode()
        if window.skip_space():
            raise window.error("Extra data", window.at)
        raise ImportFormatError(
            f"{label} must hold a JSON list of {what}, got {describe_type(value)}"
        )
    window.at += 1
    if window.skip_space() == "]":
        window.at += 1
    else:
        while True:
            value = window.decode()
            if collector is not None and size:
                collector.fraction = min(source.buffer.tell() / size, 1.0)
            yield value
            delimiter = window.skip_space()
            if delimiter == "]":
                window.at += 1
                break
            if delimiter != ",":
                raise window.error("Expecting ',' delimiter", window.at)
            window.at += 1
            window.skip_space()
    if window.skip_space():
        raise window.error("Extra data", window.at)


def _not_json(label, exc):
    if isinstance(exc, json.JSONDecodeError):
        message = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    elif isinstance(exc, RecursionError):
        message = "nested too deeply"
    else:
        message = str(exc)
    return ImportFormatError(f"{label} is not valid JSON: {message}")


def json_lines(source, collector, prefix="", with_line=False):
    """``(where, value)`` for each non-blank line of a text file
    (parsers.open_text) that is JSON; where is "line N". A line that is not
    JSON is reported to the collector and skipped. ``with_line``:
    ``(where, value, line)``."""
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
            value = loads(line)
        except json.JSONDecodeError as exc:
            collector.error(where, None, f"not valid JSON: {exc.msg} at column {exc.colno}")
        except (ValueError, RecursionError) as exc:
            # Huge integers, NaN, absurdly deep nesting.
            message = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
            collector.error(where, None, f"not valid JSON: {message}")
        else:
            yield (where, value, line) if with_line else (where, value)


def read_jsonl(source, collector, prefix=""):
    """Add one record per non-blank line of a text file (parsers.open_text)."""
    for where, item, line in json_lines(source, collector, prefix, with_line=True):
        # Two searches of the line at C speed spare a search of each of its
        # strings (most lines hold neither NUL nor a surrogate's escape).
        collector.add(item, where, storable=not may_hold_unstorable(line))


def read_json(source, label, collector, prefix=""):
    """Add the records of the JSON list a text file (parsers.open_text)
    holds, one at a time; where is "record N"."""
    for number, item in enumerate(items(source, label, "records", collector), start=1):
        collector.add(item, f"{prefix}record {number}")
