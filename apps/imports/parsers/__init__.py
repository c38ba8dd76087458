"""
Read uploaded documents (JSONL, JSON, CSV, plain text, zip) into plain records.

Nothing here touches the database: ``parse()`` turns bytes into a
``ParseResult`` of valid ``DocumentRecord``s and one ``RecordError`` per
problem, so the caller can show every problem before saving anything.
"""

import codecs
import datetime
import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass, field

from apps.documents.fields import METADATA_FIELDS, STRING_FIELDS
from apps.projects.inputs import json_problem
from apps.projects.inputs import unstorable as _unstorable

__all__ = [
    "AUTHORSHIP",
    "FORMATS",
    "AnnotationGroup",
    "DocumentRecord",
    "ImportFormatError",
    "ParseResult",
    "PeerAuthor",
    "RecordError",
    "detect_format",
    "open_text",
    "parse",
    "parse_records",
]

FORMATS = ("jsonl", "json", "csv", "txt", "zip", "doccano", "label-studio")
# doccano writes .jsonl and Label Studio .json, so these two are only ever
# chosen by name, never from a file's extension.

EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".txt": "txt",
    ".zip": "zip",
}

# Lengths of the matching Document columns, so an over-long value is reported
# here rather than failing the insert later.
MAX_LENGTHS = {
    "id": 255,
    "title": 1000,
    "outlet": 200,
    "author": 300,
    "section": 200,
    "url": 2000,
}

# Where each format says who made its annotations: the preview shows it, and
# an import of annotators' sets from a format that says nothing quotes it.
NO_AUTHORS = (
    "this format does not say who annotated, so its spans can become prediction "
    "sets or gold, not annotators' sets"
)
AUTHORSHIP = {
    "jsonl": NO_AUTHORS,
    "json": NO_AUTHORS,
    "csv": NO_AUTHORS,
    "txt": NO_AUTHORS,
    "zip": NO_AUTHORS,
    "doccano": (
        "doccano names the annotator in the file names of its per-user export "
        '(a ZIP of one <username>.jsonl per member), or in an "annotator" '
        '(or "username") key on each line'
    ),
    "label-studio": (
        'Label Studio names the annotator in each annotation\'s "completed_by": '
        "a user id, or an object with the user's e-mail"
    ),
}

# What a record holds when a field is absent, to compare two copies of one
# document (see Collector._merge).
DEFAULTS = {"text": None, "meta": {}, "published": None} | dict.fromkeys(STRING_FIELDS, "")

BOM = b"\xef\xbb\xbf"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class RecordError:
    where: str
    field: str | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def record_error(where, field, message):
    """A RecordError whose message starts with where it is, as every one does."""
    return RecordError(where=where, field=field, message=f"{where}: {message}")


@dataclass(frozen=True)
class PeerAuthor:
    """Who made a group of annotations, as the peer tool names them.

    ``key`` is what a user_map is keyed by; ``kind`` says what it is:
    ``"name"`` (a username), ``"email"``, or ``"id"`` (a number only the peer
    tool knows, which is never matched to an Accord user by itself).
    ``aliases``: other keys a user_map may use for the same person (the id
    beside an e-mail); ``label``: how a person reads it.
    """

    key: str
    kind: str = "name"
    label: str = ""
    aliases: tuple = ()

    @property
    def shown(self):
        return self.label or self.key


@dataclass
class AnnotationGroup:
    """The spans, stances and document categories one author made on one
    record (or predictions).

    ``where`` is the line or task it was read from (a doccano document in
    several per-user files has a group from each); ``prefix`` the path of the
    group in that record (``annotations[1]``), put before the paths of its
    spans in messages; ``author_field`` where the author is named, and
    ``author_problem`` what is wrong with it (which matters only to an import
    of annotators' sets). ``problems``: what is wrong with the group,
    reported only when the import would store it (a prediction import takes
    only the first group, as it always has).
    """

    spans: list
    stances: list
    where: str
    prefix: str | None = None
    author: PeerAuthor | None = None
    author_field: str | None = None
    author_problem: str | None = None
    predicted: bool = False
    problems: list = field(default_factory=list)
    categories: list = field(default_factory=list)  # category label names

    def error(self, inner, message):
        """A problem at `inner`, a path inside the group; the message is
        said relative to the group, which it names first."""
        said = f"{self.prefix}: {message}" if self.prefix else message
        self.problems.append(record_error(self.where, self.path(inner), said))

    def path(self, inner):
        """The full path of `inner` (a field inside the group) in the record."""
        if not self.prefix:
            return inner
        return f"{self.prefix}.{inner}" if inner else self.prefix


@dataclass
class DocumentRecord:
    external_id: str
    text: str
    where: str
    title: str = ""
    meta: dict = field(default_factory=dict)
    outlet: str = ""
    author: str = ""
    section: str = ""
    url: str = ""
    published: datetime.date | None = None
    # What came with the document: people's annotations (each with its
    # author when the format says it) and, after them, predictions.
    groups: list = field(default_factory=list)

    @property
    def annotations(self):
        return [g for g in self.groups if not g.predicted]

    @property
    def predictions(self):
        return [g for g in self.groups if g.predicted]


@dataclass
class ParseResult:
    records: list[DocumentRecord]
    errors: list[RecordError]
    # Where the format says who annotated (AUTHORSHIP), for the preview.
    authorship: str = NO_AUTHORS


class ImportFormatError(ValueError):
    """
    The whole input cannot be read (unknown format, not UTF-8, zip too large
    ...). str() is the readable message.
    """


class NotUtf8(ImportFormatError):
    """The input is not UTF-8 text (the message names the first bad byte)."""


def detect_format(filename: str, format: str | None = None) -> str:
    """Return one of FORMATS: ``format`` if given, else from the file name."""
    if format:
        if format.lower() in FORMATS:
            return format.lower()
        raise ImportFormatError(f'unknown format "{format}"; the formats are {", ".join(FORMATS)}')
    name = filename or ""
    dot = name.rfind(".")
    fmt = EXTENSIONS.get(name[dot:].lower()) if dot > 0 else None
    if fmt is None:
        subject = f'"{name}"' if name else "a file without a name"
        raise ImportFormatError(
            f"cannot tell the format of {subject}; understood extensions are "
            f"{', '.join(EXTENSIONS)} (or give the format explicitly)"
        )
    return fmt


def parse(
    data,
    filename: str = "",
    format: str | None = None,
    max_bytes: int | None = None,
    collector=None,
) -> ParseResult:
    """Parse one upload, its bytes or a binary file of them (readable and
    seekable: a job's file, read a chunk at a time). Raise ImportFormatError
    if unreadable. Every format but plain text is read as it is parsed,
    once, its bytes checked for UTF-8 as they are decoded (open_text).

    ``collector``: a Collector with a sink, to have the records handed on in
    batches as they are read (see Collector) instead of returned."""
    # Imported here because the format modules import from this package.
    from . import archive, doccano, jsonl, label_studio, plain, table

    fmt = detect_format(filename, format)
    label = filename or "the file"
    raw = _as_file(data)
    size = raw.seek(0, io.SEEK_END)
    raw.seek(0)
    if max_bytes is not None and size > max_bytes:
        raise ImportFormatError(f"{label} is {size} bytes; the limit is {max_bytes} bytes")
    if collector is None:
        collector = Collector()
    collector.authorship = AUTHORSHIP[fmt]
    if fmt == "zip":
        archive.read_zip(raw, filename, collector, max_bytes=max_bytes)
    elif fmt == "doccano" and archive.is_zip(raw):
        # doccano's export of a project without shared annotations: one
        # <username>.jsonl per member, zipped.
        archive.read_zip(
            raw, filename, collector, max_bytes=max_bytes, member_reader=doccano.read_member
        )
    elif fmt == "txt":
        # A .txt file is one document anyway.
        plain.read_upload(
            decode(data if isinstance(data, bytes) else raw.read(), label), filename, collector
        )
    else:
        text = open_text(raw, label, newline="" if fmt == "csv" else "\n")
        try:
            if fmt == "jsonl":
                jsonl.read_jsonl(text, collector)
            elif fmt == "doccano":
                doccano.read_doccano(text, collector)
            elif fmt == "csv":
                table.read_csv(text, collector)
            elif fmt == "json":
                jsonl.read_json(text, label, collector)
            else:
                label_studio.read_label_studio(text, label, collector)
            read_to_end(text)
        except NotUtf8:
            raise
        except ImportFormatError:
            # A file that is not UTF-8 is refused as that, whatever else is
            # wrong with it, as when it was checked before it was read.
            check_utf8(raw, label)
            raise
    return collector.result()


def _as_file(data):
    """Bytes as a binary file (sharing them, no copy); a file as it is."""
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(data)
    return data


def parse_records(items, where_prefix: str = "record") -> ParseResult:
    """Parse an already decoded list of dicts, e.g. the body of an API call."""
    if not isinstance(items, list):
        raise ImportFormatError(f"expected a list of records, got {describe_type(items)}")
    collector = Collector()
    collector.add_all(items, where_prefix)
    return collector.result()


def decode(data, label):
    """Decode UTF-8 bytes, dropping one leading byte order mark."""
    skipped = len(BOM) if data.startswith(BOM) else 0
    try:
        return bytes(data[skipped:]).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(_as_file(data), exc.start + skipped, label) from None


def _not_utf8(raw, offset, label):
    """The refusal of a file (binary, seekable) with a bad byte at `offset`."""
    raw.seek(0)
    head = raw.read(2)
    raw.seek(offset)
    byte = raw.read(1)[0]
    hint = ""
    if head in (b"\xff\xfe", b"\xfe\xff"):
        hint = " It looks like UTF-16; save it as UTF-8."
    return NotUtf8(
        f"{label} is not UTF-8 text: invalid byte 0x{byte:02x} at byte offset {offset}.{hint}"
    )


CHECK_CHUNK = 1 << 20  # bytes checked for UTF-8 at a time


def check_utf8(raw, label):
    """Refuse (NotUtf8) a binary file (seekable) that is not UTF-8 after one
    leading byte order mark, naming the first bad byte's offset in the file;
    read a chunk at a time, so nothing grows with the file."""
    raw.seek(0)
    at = len(BOM) if raw.read(len(BOM)) == BOM else 0
    raw.seek(at)
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := raw.read(CHECK_CHUNK):
        pending = len(decoder.getstate()[0])
        if not pending and chunk.isascii():
            at += len(chunk)
            continue
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise _not_utf8(raw, at - pending + exc.start, label) from None
        at += len(chunk)
    pending = len(decoder.getstate()[0])
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _not_utf8(raw, at - pending + exc.start, label) from None


class Utf8Text(io.TextIOWrapper):
    """A text file of UTF-8 bytes that refuses them, at the first bad byte
    it meets, as check_utf8 does: the bytes are checked as they are
    decoded, so a job's file is read once, not once to check it and again
    to parse it. The refusal comes from a second read, from the start, that
    finds the bad byte's offset in the file, which the decoder here does
    not know (it decodes blocks)."""

    def _refuse(self):
        raw = self.buffer
        check_utf8(raw, self.label)
        # The decoder and the check disagree: say so rather than pass.
        raise NotUtf8(f"{self.label} is not UTF-8 text.")

    def read(self, size=-1):
        try:
            return super().read(size)
        except UnicodeDecodeError:
            self._refuse()

    def readline(self, size=-1):
        try:
            return super().readline(size)
        except UnicodeDecodeError:
            self._refuse()

    def __next__(self):
        try:
            return super().__next__()
        except UnicodeDecodeError:
            self._refuse()


def open_text(data, label, newline="\n", check_first=False):
    """UTF-8 bytes, or a binary file of them (readable, seekable), as a text
    file read line by line, without one leading byte order mark: the text is
    decoded as it is read, never all at once beside the bytes (a large
    import holds one batch, and of a job's file one chunk). A bad byte is
    refused (NotUtf8) as ``decode`` refuses it, when the reader reaches it;
    ``check_first``: before anything is read instead (a ZIP member, whose
    refusal is a record error while the other members are still read, so
    none of its records may have been taken). ``newline``: as
    io.TextIOWrapper takes it ("\n": lines end at "\n" only, which JSON
    Lines needs; "": as csv needs). The text file's ``size`` is the bytes'."""
    raw = _as_file(data)
    if check_first:
        check_utf8(raw, label)
    size = raw.seek(0, io.SEEK_END)
    raw.seek(0)
    raw.seek(len(BOM) if raw.read(len(BOM)) == BOM else 0)
    text = Utf8Text(raw, encoding="utf-8", newline=newline)
    text.label = label
    text.size = size  # how far through it a reader is: jsonl.lines, table.read_csv
    return text


def read_to_end(text):
    """Read what a reader left of a text file (open_text), so a bad byte
    after the end of what it needed is still refused."""
    while text.read(CHECK_CHUNK):
        pass


def content_id(text):
    """A stable id for a record without one, so re-imports are idempotent."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def describe_type(value):
    """Name a value's type the way a JSON user would."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


def show(value, limit=60):
    """Quote a bad value for a message, shortened."""
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        shown = repr(value)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return shown


def parse_published(value):
    """Return (date, None) or (None, problem) for a "published" value."""
    if isinstance(value, str):
        try:
            if ISO_DATE.fullmatch(value):
                return datetime.date.fromisoformat(value), None
            if ISO_DATE.match(value) and value[10:11] in ("T", " "):
                return datetime.datetime.fromisoformat(value).date(), None
        except ValueError:
            pass
    return None, (
        f'"published" must be a date like "2024-05-31" or an ISO datetime, got {show(value)}'
    )


def _never(value):
    """`unstorable` for strings already known to be storable."""
    return None


class Collector:
    """
    Gather valid records and errors of one input. Ids are remembered across
    everything added, so repeats are caught across all members of a zip.
    """

    def __init__(self, authorship=NO_AUTHORS, sink=None, batch=1000):
        self.records = []
        self.errors = []
        self.seen = {}  # external id -> where it first appeared
        self.mergeable = {}  # external id -> a record other authors' groups may join
        self.authorship = authorship
        # With a sink, records are handed to it `batch` at a time as they are
        # read and not kept, so a large input is never all in memory; a
        # mergeable record (one author's copy of a doccano document) is kept
        # until the end, since a later line may still add its groups.
        self.sink = sink
        self.batch = batch
        self.held = []
        self.count = 0  # records read, handed on or kept
        # How far through its input the reader is, 0 to 1 (None: not known).
        self.fraction = None

    def result(self):
        if self.sink is not None:
            self._flush(self.records + self.held)
            self.records, self.held = [], []
        return ParseResult(records=self.records, errors=self.errors, authorship=self.authorship)

    def _flush(self, records):
        for start in range(0, len(records), self.batch):
            self.sink(records[start : start + self.batch])

    def error(self, where, field, message):
        self.errors.append(record_error(where, field, message))

    def add_all(self, items, where_prefix):
        for number, item in enumerate(items, start=1):
            self.add(item, f"{where_prefix} {number}")

    def add(self, item, where, groups=None, merge=False, storable=False):
        """Validate one raw record; keep it, or report all its problems.

        ``groups``: the record's annotation groups as a peer format's reader
        made them; without it, the record's own ``spans`` and ``stances`` are
        its one group. ``merge``: the record is one author's copy of a
        document (doccano writes one file per annotator), so a later record
        with the same id and the same content adds its groups to this one
        instead of being a repeat. ``storable``: the caller knows no string
        in `item` holds NUL or a lone surrogate (its JSON text holds neither,
        see inputs.may_hold_unstorable), so none is searched for one.
        """
        unstorable = _never if storable else _unstorable
        if not isinstance(item, dict):
            self.error(where, None, f"a record must be a JSON object, got {describe_type(item)}")
            return
        errors_before = len(self.errors)
        values = {}

        text = item.get("text")
        if text is None:
            self.error(where, "text", '"text" is required')
        elif not isinstance(text, str) or text == "":
            self.error(where, "text", f'"text" must be a non-empty string, got {show(text)}')
        elif problem := unstorable(text):
            self.error(where, "text", f'"text" {problem}')
        else:
            values["text"] = text

        external_id = self._external_id(item.get("id"), where, unstorable)

        for name in STRING_FIELDS:
            value = item.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                self.error(where, name, f'"{name}" must be a string, got {show(value)}')
            elif len(value) > MAX_LENGTHS[name]:
                self.error(
                    where,
                    name,
                    f'"{name}" is {len(value)} characters long; the limit is {MAX_LENGTHS[name]}',
                )
            elif problem := unstorable(value):
                self.error(where, name, f'"{name}" {problem}')
            else:
                values[name] = value

        meta = item.get("meta")
        if meta is not None:
            if not isinstance(meta, dict):
                self.error(where, "meta", f'"meta" must be a JSON object, got {show(meta)}')
            elif problem := json_problem(meta, "meta", strings=not storable):
                self.error(where, "meta", f'"{problem[0]}" {problem[1]}')
            else:
                values["meta"] = meta

        # An empty string is how a blank spreadsheet cell or form field arrives.
        published = item.get("published")
        if published not in (None, ""):
            values["published"], problem = parse_published(published)
            if problem:
                self.error(where, "published", problem)

        if groups is None:
            groups = self._own_group(item, where)

        derived = external_id is None and "text" in values
        if derived:
            external_id = content_id(values["text"])
        if merge and external_id in self.mergeable:
            if len(self.errors) == errors_before:
                self._merge(self.mergeable[external_id], values, groups, where)
            return
        if external_id is not None:
            self._check_repeat(external_id, where, derived=derived)
        if len(self.errors) == errors_before:
            record = DocumentRecord(external_id=external_id, where=where, groups=groups, **values)
            self.count += 1
            if merge:
                self.mergeable[external_id] = record
            if merge and self.sink is not None:
                self.held.append(record)
                return
            self.records.append(record)
            if self.sink is not None and len(self.records) >= self.batch:
                records, self.records = self.records, []
                self.sink(records)

    def _own_group(self, item, where):
        """The spans, stances and categories of a record in Accord's own
        shape, as one group without an author (none when it has none)."""
        values = {}
        for name in ("spans", "stances", "categories"):
            value = item.get(name)
            if value is None:
                continue
            if isinstance(value, list):
                values[name] = value
            else:
                self.error(where, name, f'"{name}" must be a list, got {show(value)}')
        if not any(values.values()):
            return []
        return [
            AnnotationGroup(
                values.get("spans", []),
                values.get("stances", []),
                where,
                categories=values.get("categories", []),
            )
        ]

    def _merge(self, record, values, groups, where):
        """Add another author's groups to `record`: the document itself must
        be the same, and each author must appear once."""
        for name in ("text", *METADATA_FIELDS):
            if values.get(name, DEFAULTS[name]) != getattr(record, name):
                self.error(
                    where,
                    name,
                    f'"{name}" differs from {record.where}, which has the same id '
                    f'"{record.external_id}"',
                )
                return
        authors = {g.author.key: g for g in record.groups if g.author is not None}
        for group in groups:
            earlier = authors.get(group.author.key) if group.author is not None else None
            if earlier is not None:
                self.error(
                    where,
                    group.author_field,
                    f"{group.author.shown} already annotated this document in {earlier.where}",
                )
                return
        record.groups.extend(groups)

    def _external_id(self, value, where, unstorable=None):
        """Return the record's own id, or None if it has none or a bad one.
        Its repeats are checked by the caller."""
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            # 1000 bits is about 300 digits, over the limit; str() of a huge
            # int would even raise.
            if value.bit_length() > 1000:
                self.error(where, "id", f'"id" is too long; the limit is {MAX_LENGTHS["id"]}')
                return None
            external_id = str(value)
        elif isinstance(value, str):
            external_id = value
        else:
            self.error(where, "id", f'"id" must be a string or an integer, got {show(value)}')
            return None
        if external_id == "":
            self.error(where, "id", '"id" must not be empty; leave it out to derive one')
            return None
        if len(external_id) > MAX_LENGTHS["id"]:
            self.error(
                where,
                "id",
                f'"id" is {len(external_id)} characters long; the limit is {MAX_LENGTHS["id"]}',
            )
            return None
        if problem := (unstorable or _unstorable)(external_id):
            self.error(where, "id", f'"id" {problem}')
            return None
        return external_id

    def _check_repeat(self, external_id, where, derived=False):
        first = self.seen.get(external_id)
        if first is None:
            self.seen[external_id] = where
            return
        if derived:
            message = f'has the same text as {first} (without an "id", the id comes from the text)'
        else:
            message = f'id "{external_id}" repeats {first}'
        self.error(where, "id", message)
