"""CSV with a header row; one record per row."""

import csv

from apps.documents.fields import METADATA_FIELDS

from . import ImportFormatError

# Columns read as document fields; any other column goes into meta.
KNOWN_COLUMNS = ("id", "text", *(name for name in METADATA_FIELDS if name != "meta"))


def read_csv(source, collector, prefix=""):
    """
    Add one record per row of a text file (parsers.open_text with newline="",
    which keeps CRLF inside quoted cells as written). Rows are numbered as a
    spreadsheet shows them: the header is row 1, and a quoted multi-line cell
    still counts as one row.
    """
    # No field can be longer than the whole input, so that is the only limit
    # needed; the csv default of 128 KiB is shorter than some articles.
    size = getattr(source, "size", 0)
    if size > csv.field_size_limit():
        csv.field_size_limit(size)
    # strict=True makes an unclosed quote an error instead of swallowing the
    # rest of the file.
    reader = csv.reader(source, strict=True)
    # Rows are added as they are read, so a large file is never all in
    # memory; a row that cannot be read is an error of the whole input, and an
    # import with any error stores nothing (rows added before it included).
    header = None
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if not any(row):
                # Blank rows are skipped, but they still have a row number.
                continue
            if header is None:
                header = _read_header(row)
            else:
                _read_row(header, row, f"{prefix}row {number}", collector)
    except csv.Error as exc:
        raise ImportFormatError(f"the CSV cannot be read at row {number + 1}: {exc}") from None
    if header is None:
        raise ImportFormatError('the CSV is empty; it needs a header row with a "text" column')


def _read_header(row):
    """Return the column names: known ones lowercased, others as written."""
    names = []
    for index, cell in enumerate(row, start=1):
        name = cell.strip()
        if name.lower() in KNOWN_COLUMNS:
            name = name.lower()
        elif not name:
            name = f"column {index}"
        if name in names:
            raise ImportFormatError(f'the CSV has the column "{name}" twice')
        names.append(name)
    if "text" not in names:
        message = f'the CSV has no "text" column (columns: {", ".join(row)})'
        for separator, label in ((";", "semicolons"), ("\t", "tabs")):
            if len(row) == 1 and separator in row[0]:
                message += f". It seems separated by {label}; save it as comma-separated CSV"
        raise ImportFormatError(message)
    return names


def _read_row(header, row, where, collector):
    extra = row[len(header) :]
    if any(extra):
        # Empty trailing cells are harmless (spreadsheets add them); a value
        # without a column would be lost silently.
        collector.error(
            where, None, f"has {len(row)} cells but the header has {len(header)} columns"
        )
        return
    item = {}
    meta = {}
    for name, cell in zip(header, row, strict=False):
        if name in KNOWN_COLUMNS:
            # An empty cell means "not given"; the validator reports an
            # empty text.
            if cell or name == "text":
                item[name] = cell
        elif cell:
            meta[name] = cell
    if meta:
        item["meta"] = meta
    collector.add(item, where)
