"""Reading and writing the actor registry as CSV or JSON. Pure: bytes and
plain dicts in, plain data out; storing is `apps.actors.registry`.

CSV: a header row, then one actor a row. Columns: ``name`` (required),
``kind``, ``country``, ``wikidata_id``, ``description``, ``aliases``
(case-sensitive aliases) and ``aliases_case_insensitive``, each alias list
separated by ``|`` (a literal ``|`` or ``\\`` inside an alias is written
``\\|`` or ``\\\\``). Rows are numbered as a spreadsheet shows them: the
header is row 1.

JSON: a list of objects (or ``{"actors": [...]}``) with the same fields;
``aliases`` is a list of strings (case-sensitive) or of
``{"text": …, "case_sensitive": false}``.

Every problem is reported at once, each naming its row and field.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field

from apps.projects.inputs import unstorable

KINDS = ("person", "organization", "state", "igo", "group", "other")
DEFAULT_KIND = "other"
MAX_NAME = 300
COLUMNS = (
    "name",
    "kind",
    "country",
    "wikidata_id",
    "description",
    "aliases",
    "aliases_case_insensitive",
)
JSON_FIELDS = ("name", "kind", "country", "wikidata_id", "description", "aliases")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")


class RegistryFormatError(ValueError):
    """The file as a whole cannot be read (not its rows)."""


@dataclass
class ActorRecord:
    where: str
    name: str
    kind: str = DEFAULT_KIND
    country: str = ""
    wikidata_id: str = ""
    description: str = ""
    # [(text, case_sensitive)] in file order, without repeats.
    aliases: list = field(default_factory=list)


@dataclass
class ParsedRegistry:
    records: list
    errors: list  # [{"where", "field", "message"}]


def _error(errors, where, column, message):
    errors.append({"where": where, "field": column, "message": f"{where}, {column}: {message}"})


# --------------------------------------------------------------------------- aliases in CSV


def join_aliases(texts):
    return "|".join(t.replace("\\", "\\\\").replace("|", "\\|") for t in texts)


def split_aliases(value):
    """Split on unescaped "|"; "\\|" is a "|" and "\\\\" a backslash."""
    parts, current, chars = [], [], iter(value)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == "|":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


# --------------------------------------------------------------------------- checking a record


def text_checker(where, raw, errors):
    """`text(name, required=False, limit=None)`: the stripped text of field
    `name` of `raw` ("" when absent), a problem recorded in `errors`; and
    `failed()`, whether any field read so far had one."""
    problems = []

    def text(name, required=False, limit=None):
        value = raw.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems.append(name)
            _error(errors, where, name, f"must be text, got {value!r}")
            return ""
        value = value.strip()
        if problem := unstorable(value):
            problems.append(name)
            _error(errors, where, name, problem)
            return ""
        if required and not value:
            problems.append(name)
            _error(errors, where, name, "is required")
        if limit and len(value) > limit:
            problems.append(name)
            _error(errors, where, name, f"is longer than {limit} characters")
        return value

    return text, lambda: bool(problems)


def _check(where, raw, errors):
    """An ActorRecord from a dict of field -> value, or None (errors recorded)."""
    text, failed = text_checker(where, raw, errors)
    ok = True
    name = text("name", required=True, limit=MAX_NAME)
    kind = text("kind") or DEFAULT_KIND
    if kind not in KINDS:
        _error(errors, where, "kind", f"{kind!r} is not a kind; use one of {', '.join(KINDS)}")
        ok = False
    country = text("country")
    if country and not _COUNTRY.match(country):
        _error(errors, where, "country", f"{country!r} is not an ISO 3166-1 alpha-2 code like RU")
        ok = False
    wikidata_id = text("wikidata_id")
    if wikidata_id and not _WIKIDATA.match(wikidata_id):
        _error(errors, where, "wikidata_id", f"{wikidata_id!r} is not a Wikidata id like Q159")
        ok = False
    description = text("description")
    aliases = []
    seen = set()
    for alias, case_sensitive, column in raw.get("_aliases", ()):
        if problem := unstorable(alias):
            _error(errors, where, column, f"an alias {problem}")
            ok = False
            continue
        if len(alias) > MAX_NAME:
            _error(errors, where, column, f"alias {alias[:40]!r}… is longer than {MAX_NAME}")
            ok = False
            continue
        if alias in seen:
            _error(errors, where, column, f"alias {alias!r} is listed twice")
            ok = False
            continue
        seen.add(alias)
        aliases.append((alias, case_sensitive))
    if not ok or failed():
        return None
    return ActorRecord(where, name, kind, country, wikidata_id, description, aliases)


def _check_duplicates(records, errors):
    """Two rows may not name the same actor (by name or by Wikidata id)."""
    first = {}
    for record in records:
        for key, column in ((record.name, "name"), (record.wikidata_id, "wikidata_id")):
            if not key:
                continue
            seen = first.setdefault((column, key), record.where)
            if seen != record.where:
                _error(errors, record.where, column, f"{key!r} repeats {seen}")


# --------------------------------------------------------------------------- parsing


def _decode(data):
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryFormatError(
            f"The file is not UTF-8 text (byte {exc.start} cannot be decoded)."
        ) from None


def csv_rows(data, columns, errors, format_error=RegistryFormatError):
    """``(where, row)`` of each row of a CSV file whose header names `name`
    and only `columns`; blank lines are skipped, a row with more cells than
    the header is recorded in `errors`. A file that cannot be read as such
    raises `format_error`."""
    reader = csv.DictReader(io.StringIO(_decode(data), newline=""))
    header = reader.fieldnames
    if not header:
        raise format_error("The CSV file is empty; it needs a header row with `name`.")
    header = [column.strip() if column else column for column in header]
    reader.fieldnames = header
    if "name" not in header:
        raise format_error(
            f"The CSV header has no `name` column (it has {', '.join(map(str, header))})."
        )
    unknown = [c for c in header if c not in columns]
    if unknown:
        raise format_error(
            f"Unknown CSV column(s) {', '.join(map(repr, unknown))}; "
            f"the columns are {', '.join(columns)}."
        )
    try:
        for row in reader:
            where = f"row {reader.line_num}"
            if None in row:
                _error(errors, where, "row", "has more cells than the header has columns")
                continue
            if any((value or "").strip() for value in row.values()):
                yield where, row
    except csv.Error as exc:
        raise format_error(
            f"The CSV file cannot be read near row {reader.line_num}: {exc}"
        ) from None


def parse_csv(data):
    records, errors = [], []
    for where, row in csv_rows(data, COLUMNS, errors):
        aliases = [
            (alias, True, "aliases") for alias in split_aliases(row.get("aliases") or "")
        ] + [
            (alias, False, "aliases_case_insensitive")
            for alias in split_aliases(row.get("aliases_case_insensitive") or "")
        ]
        record = _check(where, {**row, "_aliases": aliases}, errors)
        if record:
            records.append(record)
    _check_duplicates(records, errors)
    return ParsedRegistry(records, errors)


def json_objects(items, key, fields, errors, format_error=RegistryFormatError):
    """``(where, item)`` of each object of a decoded JSON list (or of
    ``{key: [...]}``) that holds only `fields` (and an ignored `id`); other
    items are recorded in `errors`. `key` names the list ("actors"), its
    singular an item that is not an object."""
    if isinstance(items, dict) and isinstance(items.get(key), list):
        items = items[key]
    if not isinstance(items, list):
        raise format_error(f'A JSON file of {key} is a list of {key}, or {{"{key}": [...]}}.')
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            _error(errors, where, key[:-1], "must be an object with at least a name")
            continue
        unknown = sorted(set(item) - set(fields) - {"id"})
        if unknown:
            _error(
                errors,
                where,
                unknown[0],
                f"unknown field(s) {', '.join(unknown)}; the fields are {', '.join(fields)}",
            )
            continue
        yield where, item


def parse_items(items):
    """Check a list of actor objects (the JSON format, already decoded)."""
    records, errors = [], []
    for where, item in json_objects(items, "actors", JSON_FIELDS, errors):
        aliases_in = item.get("aliases") or []
        aliases = []
        if not isinstance(aliases_in, list):
            _error(errors, where, "aliases", "must be a list")
            continue
        bad = False
        for position, alias in enumerate(aliases_in):
            column = f"aliases[{position}]"
            if isinstance(alias, str):
                alias = {"text": alias}
            text = alias.get("text") if isinstance(alias, dict) else None
            case_sensitive = alias.get("case_sensitive", True) if isinstance(alias, dict) else None
            if not isinstance(text, str) or not text.strip():
                _error(
                    errors, where, column, "must be a non-empty string or {text, case_sensitive}"
                )
                bad = True
            elif not isinstance(case_sensitive, bool):
                _error(errors, where, f"{column}.case_sensitive", "must be true or false")
                bad = True
            else:
                aliases.append((text.strip(), case_sensitive, column))
        record = _check(where, {**item, "_aliases": aliases}, errors)
        if record and not bad:
            records.append(record)
    _check_duplicates(records, errors)
    return ParsedRegistry(records, errors)


def load_json(data, format_error=RegistryFormatError):
    """The decoded JSON of an uploaded file, or `format_error` saying why not."""
    try:
        return json.loads(_decode(data))
    except ValueError as exc:
        raise format_error(f"The file is not valid JSON: {exc}.") from None
    except RecursionError:
        raise format_error("The file is not valid JSON: it nests too deeply.") from None


def parse_json(data):
    return parse_items(load_json(data))


FORMATS = {"csv": parse_csv, "json": parse_json}


def detect_format(
    filename, given=None, formats=FORMATS, what="registry", format_error=RegistryFormatError
):
    """The format of an upload: `given`, else its file name's extension."""
    fmt = (given or "").lower().lstrip(".")
    if not fmt and filename and "." in filename:
        fmt = filename.rsplit(".", 1)[1].lower()
    if fmt not in formats:
        raise format_error(
            f"Cannot tell the {what} format of {filename or 'the upload'!r}; "
            "send a .csv or .json file, or give format=csv|json."
        )
    return fmt


def parse(data, filename=None, fmt=None):
    return FORMATS[detect_format(filename, fmt)](data)


# --------------------------------------------------------------------------- writing


def write_csv(actors):
    """CSV text of actors given as export dicts (see `to_json_items`)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for actor in actors:
        sensitive = [a["text"] for a in actor["aliases"] if a["case_sensitive"]]
        insensitive = [a["text"] for a in actor["aliases"] if not a["case_sensitive"]]
        writer.writerow(
            [
                actor["name"],
                actor["kind"],
                actor["country"],
                actor["wikidata_id"],
                actor["description"],
                join_aliases(sensitive),
                join_aliases(insensitive),
            ]
        )
    return out.getvalue()


def write_json(actors):
    items = [
        {
            "name": a["name"],
            "kind": a["kind"],
            "country": a["country"],
            "wikidata_id": a["wikidata_id"],
            "description": a["description"],
            "aliases": [
                {"text": alias["text"], "case_sensitive": alias["case_sensitive"]}
                for alias in a["aliases"]
            ],
        }
        for a in actors
    ]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
