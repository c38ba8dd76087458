"""Reading and writing the codebook as CSV or JSON. Pure: bytes and plain
dicts in, plain data out; storing is `apps.actors.codebook`.

CSV: a header row, then one concept a row. Columns: ``name`` (required),
``description``, ``parent`` (the parent's name: a concept of the same file
or of the codebook; it may come after its child) and ``keywords``, separated
by ``|`` (a literal ``|`` or ``\\`` inside a keyword is written ``\\|`` or
``\\\\``, as the registry writes aliases). Rows are numbered as a spreadsheet
shows them: the header is row 1.

JSON: a list of objects (or ``{"concepts": [...]}``) with the same fields;
``parent`` is a name or null, ``keywords`` a list of strings.

Every problem is reported at once, each naming its row and field.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from .codebook_rules import MAX_NAME, CodebookError, clean_keywords
from .registry_io import (
    RegistryFormatError,
    _error,
    csv_rows,
    detect_format,
    join_aliases,
    json_objects,
    load_json,
    split_aliases,
    text_checker,
)

COLUMNS = ("name", "description", "parent", "keywords")


class CodebookFormatError(RegistryFormatError):
    """The file as a whole cannot be read (not its rows)."""


@dataclass
class ConceptRecord:
    where: str
    name: str
    description: str = ""
    parent: str = ""  # a name, "" for none
    keywords: list = field(default_factory=list)


@dataclass
class ParsedCodebook:
    records: list
    errors: list  # [{"where", "field", "message"}]


def _check(where, raw, keywords, errors):
    """A ConceptRecord from a dict of field -> value, or None (errors recorded)."""
    text, failed = text_checker(where, raw, errors)
    ok = True
    name = text("name", required=True, limit=MAX_NAME)
    description = text("description")
    parent = text("parent", limit=MAX_NAME)
    if not failed() and parent == name:
        _error(errors, where, "parent", "a concept cannot be its own parent")
        ok = False
    try:
        keywords = clean_keywords(keywords)
    except CodebookError as exc:
        _error(errors, where, "keywords", str(exc))
        ok = False
    if not ok or failed():
        return None
    return ConceptRecord(where, name, description, parent, keywords)


def _check_duplicates(records, errors):
    first = {}
    for record in records:
        seen = first.setdefault(record.name, record.where)
        if seen != record.where:
            _error(errors, record.where, "name", f"{record.name!r} repeats {seen}")


def parse_csv(data):
    records, errors = [], []
    for where, row in csv_rows(data, COLUMNS, errors, CodebookFormatError):
        record = _check(where, row, split_aliases(row.get("keywords") or ""), errors)
        if record:
            records.append(record)
    _check_duplicates(records, errors)
    return ParsedCodebook(records, errors)


def parse_items(items):
    """Check a list of concept objects (the JSON format, already decoded)."""
    records, errors = [], []
    for where, item in json_objects(items, "concepts", COLUMNS, errors, CodebookFormatError):
        keywords = item.get("keywords")
        record = _check(where, item, [] if keywords is None else keywords, errors)
        if record:
            records.append(record)
    _check_duplicates(records, errors)
    return ParsedCodebook(records, errors)


def parse_json(data):
    return parse_items(load_json(data, CodebookFormatError))


FORMATS = {"csv": parse_csv, "json": parse_json}


def parse(data, filename=None, fmt=None):
    return FORMATS[detect_format(filename, fmt, FORMATS, "codebook", CodebookFormatError)](data)


def csv_pieces(concepts, limit=65536):
    """CSV text of concepts given as dicts (name, description, parent name
    or "", keywords), in the order given, in pieces of about `limit`
    characters: what is held at once is one piece, whatever the codebook."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for c in concepts:
        writer.writerow(
            [c["name"], c["description"], c["parent"] or "", join_aliases(c["keywords"])]
        )
        if out.tell() > limit:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def json_pieces(concepts):
    """The JSON list of the concepts, one item a piece, written exactly as
    ``json.dumps(items, ensure_ascii=False, indent=2)`` would write it whole."""
    first = True
    for c in concepts:
        item = {
            "name": c["name"],
            "description": c["description"],
            "parent": c["parent"] or None,
            "keywords": list(c["keywords"]),
        }
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        yield ("[\n  " if first else ",\n  ") + text
        first = False
    yield "[]\n" if first else "\n]\n"


# The streamed writers of each format (the export), and the whole-text ones.
PIECES = {"csv": csv_pieces, "json": json_pieces}


def write_csv(concepts):
    return "".join(csv_pieces(concepts))


def write_json(concepts):
    return "".join(json_pieces(concepts))
