"""Tests for apps.imports.parsers: plain Python, no database."""

import datetime
import hashlib
import io
import json
import struct
import zipfile

import pytest

from apps.imports.parsers import (
    FORMATS,
    AnnotationGroup,
    DocumentRecord,
    ImportFormatError,
    ParseResult,
    RecordError,
    detect_format,
    parse,
    parse_records,
)

QUOC_DECOMPOSED = "Quo\u0302\u0301c"  # "Quốc" as o + combining circumflex + acute
FLAG = "\U0001f1fb\U0001f1f3"  # regional indicators V + N
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # ZWJ sequence
TRICKY = f"{QUOC_DECOMPOSED} {FLAG} {FAMILY}\r\nline two"


def jsonl(*lines, newline="\n"):
    return newline.join(lines).encode()


def record(**fields):
    return json.dumps(fields, ensure_ascii=False)


def make_zip(members):
    """Build a zip in memory from a list of (name, bytes) pairs, in that order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def content_id(text):
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def messages(result):
    return [error.message for error in result.errors]


# detect_format


@pytest.mark.parametrize(
    "filename, expected",
    [
        ("news.jsonl", "jsonl"),
        ("news.NDJSON", "jsonl"),
        ("news.json", "json"),
        ("news.csv", "csv"),
        ("story.txt", "txt"),
        ("bundle.zip", "zip"),
    ],
)
def test_detect_format_by_extension(filename, expected):
    assert detect_format(filename) == expected


def test_detect_format_explicit_format_wins_over_extension():
    assert detect_format("export.txt", "jsonl") == "jsonl"


def test_detect_format_rejects_unknown_explicit_format():
    with pytest.raises(ImportFormatError) as info:
        detect_format("news.jsonl", "xml")
    assert '"xml"' in str(info.value)
    for name in FORMATS:
        assert name in str(info.value)


@pytest.mark.parametrize("filename", ["report.pdf", "README", "", "archive.tar.gz"])
def test_detect_format_unknown_extension(filename):
    with pytest.raises(ImportFormatError) as info:
        detect_format(filename)
    for extension in (".jsonl", ".ndjson", ".json", ".csv", ".txt", ".zip"):
        assert extension in str(info.value)


def test_parse_explicit_format_overrides_extension():
    data = jsonl(record(id="a", text="hello"))
    # As .txt the whole file would be one document with the JSON as its text.
    result = parse(data, "export.txt", format="jsonl")
    assert [(r.external_id, r.text) for r in result.records] == [("a", "hello")]
    assert parse(data, "export.txt").records[0].text == data.decode()


def test_parse_unknown_extension_raises():
    with pytest.raises(ImportFormatError):
        parse(b"hello", "story.docx")


# Bytes


def test_max_bytes():
    data = jsonl(record(text="hello"))
    with pytest.raises(ImportFormatError) as info:
        parse(data, "news.jsonl", max_bytes=len(data) - 1)
    assert str(info.value) == (
        f"news.jsonl is {len(data)} bytes; the limit is {len(data) - 1} bytes"
    )
    assert len(parse(data, "news.jsonl", max_bytes=len(data)).records) == 1


@pytest.mark.parametrize(
    "filename, data",
    [
        ("news.jsonl", record(id="a", text="hello").encode()),
        ("news.csv", b"id,text\na,hello\n"),
        ("a.txt", b"hello"),
    ],
)
def test_bom_is_dropped(filename, data):
    result = parse(b"\xef\xbb\xbf" + data, filename)
    assert result.errors == []
    assert result.records[0].text == "hello"
    if filename != "a.txt":
        # With the BOM kept, the first key or column would be "\ufeffid".
        assert result.records[0].external_id == "a"


def test_only_one_bom_is_dropped():
    result = parse(b"\xef\xbb\xbf\xef\xbb\xbfhello", "a.txt")
    assert result.records[0].text == "\ufeffhello"


@pytest.mark.parametrize("filename", ["news.jsonl", "news.json", "news.csv", "a.txt"])
def test_invalid_utf8_names_file_and_offset(filename):
    data = b"\xef\xbb\xbfabc\xe9def"  # Latin-1 "é" after a BOM
    with pytest.raises(ImportFormatError) as info:
        parse(data, filename)
    assert filename in str(info.value)
    assert "byte offset 6" in str(info.value)


@pytest.mark.parametrize(
    "filename, data",
    [
        # A bad byte is found as the file is read, after what came before it;
        # it is refused as before, whatever else is wrong with the file.
        ("news.jsonl", b'{"text": 5}\n{"text": "a"}\n{"text": "caf\xe9"}\n'),
        ("news.json", b'[{"text": "a"}, {"text": } "caf\xe9"]'),
        ("news.json", b'{"text": "a"} "caf\xe9"'),
        ("news.csv", b"id,body\n1,caf\xe9\n"),
        ("news.jsonl", b'{"text": "a"}\n' * 5000 + b'{"text": "caf\xe9"}\n'),
    ],
)
def test_a_bad_byte_anywhere_is_the_refusal(filename, data):
    with pytest.raises(ImportFormatError) as info:
        parse(data, filename)
    offset = data.index(b"\xe9")
    assert str(info.value) == (
        f"{filename} is not UTF-8 text: invalid byte 0xe9 at byte offset {offset}."
    )


def test_a_multibyte_character_cut_off_by_the_end_of_the_file_is_refused():
    with pytest.raises(ImportFormatError) as info:
        parse(b'{"text": "a"}\n\xf0\x9f\x98', "news.jsonl")
    assert "invalid byte 0xf0 at byte offset 14" in str(info.value)


@pytest.mark.parametrize("name", ["a.json", "a.jsonl"])
def test_a_zip_member_with_a_bad_byte_gives_none_of_its_records(name):
    # Its first record is read long before the bad byte (past what a text
    # file decodes at a time), yet it is not taken: the member's refusal is
    # an error beside the other members' records.
    good = [{"id": "a", "text": "fine"}, {"id": "b", "text": "long " * 20000}]
    bad = b'{"text": "caf\xe9"}'
    if name.endswith(".json"):
        content = json.dumps(good).encode()[:-1] + b", " + bad + b"]"
    else:
        content = b"".join(json.dumps(r).encode() + b"\n" for r in good) + bad
    data = make_zip([(name, content), ("c.txt", b"fine")])
    result = parse(data, "data.zip")
    assert [r.external_id for r in result.records] == ["c"]
    assert [(e.where, e.field) for e in result.errors] == [(f"data.zip: {name}", None)]
    offset = content.index(b"\xe9")
    assert f"invalid byte 0xe9 at byte offset {offset}" in result.errors[0].message


# Text is stored exactly


def test_jsonl_keeps_text_exactly():
    text = f"  {TRICKY}\n\u00a0trailing  "
    result = parse(jsonl(record(id="a", text=text)), "news.jsonl")
    assert result.records[0].text == text
    assert result.records[0].text.encode() == text.encode()
    assert "\r\n" in result.records[0].text
    assert QUOC_DECOMPOSED in result.records[0].text  # not NFC "Quốc"
    assert "Qu\u1ed1c" not in result.records[0].text


def test_jsonl_with_crlf_line_endings():
    data = jsonl(record(id="a", text="x"), record(id="b", text="y"), newline="\r\n") + b"\r\n"
    result = parse(data, "news.jsonl")
    assert result.errors == []
    assert [r.text for r in result.records] == ["x", "y"]


def test_jsonl_splits_on_newline_only():
    # Raw U+2028, U+2029 and U+0085 are legal inside JSON strings;
    # str.splitlines() would break the record apart.
    text = "one\u2028two\u2029three\u0085four\x0bfive\x1cend"
    data = jsonl(record(id="a", text=text), record(id="b", text="next"))
    assert "\u2028".encode() in data
    result = parse(data, "news.jsonl")
    assert result.errors == []
    assert result.records[0].text == text
    assert result.records[1].where == "line 2"


def test_jsonl_blank_lines_skipped_and_line_numbers_physical():
    data = jsonl("", record(id="a", text="x"), "   ", "\t", record(id="b", text=""), "")
    result = parse(data, "news.jsonl")
    assert [r.where for r in result.records] == ["line 2"]
    assert result.errors[0].where == "line 5"
    assert result.errors[0].message == 'line 5: "text" must be a non-empty string, got ""'


def test_jsonl_malformed_json_is_a_record_error():
    data = jsonl(record(id="a", text="x"), '{"id": "b", text: "y"}', record(id="c", text="z"))
    result = parse(data, "news.jsonl")
    assert [r.external_id for r in result.records] == ["a", "c"]
    [error] = result.errors
    assert (error.where, error.field) == ("line 2", None)
    assert error.message.startswith("line 2: not valid JSON: Expecting property name")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_jsonl_rejects_non_standard_constants(value):
    result = parse(f'{{"text": "x", "meta": {{"score": {value}}}}}'.encode(), "news.jsonl")
    assert result.records == []
    assert result.errors[0].field is None
    assert value in result.errors[0].message


def test_jsonl_record_must_be_an_object():
    result = parse(jsonl('["text", "x"]', '"just text"', "12"), "news.jsonl")
    assert result.records == []
    assert [(e.where, e.field) for e in result.errors] == [
        ("line 1", None),
        ("line 2", None),
        ("line 3", None),
    ]
    assert result.errors[0].message == "line 1: a record must be a JSON object, got a list"


def test_unknown_keys_are_ignored():
    result = parse(jsonl(record(id="a", text="x", source="wire", extra={"k": 1})), "news.jsonl")
    assert result.errors == []
    assert result.records[0].meta == {}


def test_jsonl_unpaired_surrogate_is_an_error_not_a_crash():
    result = parse(b'{"text": "bad \\ud800 half"}', "news.jsonl")
    assert result.records == []
    assert result.errors[0].field == "text"


def test_nul_character_is_an_error():
    result = parse(b'{"id": "a", "text": "x\\u0000y"}', "news.jsonl")
    assert result.records == []
    assert result.errors[0].field == "text"


@pytest.mark.parametrize(
    "line, where",
    [
        (b'{"id": "a\\u0000", "text": "x"}', "id"),
        (b'{"id": "a", "text": "x", "title": "t\\u0000"}', "title"),
        (b'{"id": "a", "text": "x", "outlet": "\\uDFFF"}', "outlet"),
        (b'{"id": "a", "text": "x", "meta": {"k": ["v", "\\ud83d"]}}', "meta"),
        (b'{"id": "a", "text": "x", "meta": {"k\\u0000": 1}}', "meta"),
    ],
)
def test_an_unstorable_string_is_found_in_any_field_of_a_line(line, where):
    # Lines holding no escape of NUL or a surrogate skip the search of
    # their strings; these hold one, so every field is searched.
    result = parse(line + b"\n" + b'{"id": "b", "text": "fine"}', "news.jsonl")
    assert [r.external_id for r in result.records] == ["b"]
    assert [(e.where, e.field) for e in result.errors] == [("line 1", where)]


# Fields


def test_all_fields():
    spans = [{"start": 0, "end": 5, "label": "ACTOR", "anything": [1, {"x": None}]}, "odd"]
    stances = [{"target": "X", "stance": "favor"}]
    meta = {"outlet": "ignored here", "nested": {"a": [1, 2]}}
    item = {
        "id": "a1",
        "text": "Hello",
        "title": "A title",
        "meta": meta,
        "outlet": "VnExpress",
        "author": "Lan",
        "section": "Politics",
        "url": "https://example.com/a1",
        "published": "2024-05-31",
        "spans": spans,
        "stances": stances,
    }
    result = parse(jsonl(json.dumps(item)), "news.jsonl")
    assert result.errors == []
    assert result.records == [
        DocumentRecord(
            external_id="a1",
            text="Hello",
            where="line 1",
            title="A title",
            meta=meta,
            outlet="VnExpress",
            author="Lan",
            section="Politics",
            url="https://example.com/a1",
            published=datetime.date(2024, 5, 31),
            groups=[AnnotationGroup(spans, stances, "line 1")],
        )
    ]


def test_outlet_inside_meta_is_not_lifted():
    result = parse_records([{"text": "x", "meta": {"outlet": "VnExpress", "author": "Lan"}}])
    assert result.records[0].outlet == ""
    assert result.records[0].author == ""
    assert result.records[0].meta == {"outlet": "VnExpress", "author": "Lan"}


def test_spans_and_stances_passed_through_untouched():
    spans = [{"start": "not validated here"}, 3, None]
    result = parse_records([{"text": "x", "spans": spans, "stances": []}])
    [group] = result.records[0].groups
    assert group.spans is spans and group.stances == []
    assert group.author is None  # Accord's own records say nobody


def test_a_record_without_spans_or_stances_has_no_group():
    result = parse_records([{"text": "x", "spans": [], "stances": []}, {"text": "y"}])
    assert [r.groups for r in result.records] == [[], []]


@pytest.mark.parametrize("name", ["spans", "stances"])
def test_spans_and_stances_must_be_lists(name):
    result = parse_records([{"text": "x", name: {"start": 0}}])
    assert result.records == []
    assert result.errors[0].field == name


def test_int_id_kept_as_decimal_text():
    result = parse(jsonl(record(id=12, text="x"), record(id=-3, text="y")), "news.jsonl")
    assert [r.external_id for r in result.records] == ["12", "-3"]


@pytest.mark.parametrize("value", [1.5, 12.0, True, False, ["a"], {"a": 1}])
def test_bad_id_types(value):
    result = parse_records([{"id": value, "text": "x"}])
    assert result.records == []
    [error] = result.errors
    assert error.field == "id"
    assert error.message.startswith('record 1: "id" must be a string or an integer, got ')


def test_empty_id_is_an_error():
    result = parse_records([{"id": "", "text": "x"}])
    assert result.records == []
    assert result.errors[0].field == "id"


def test_id_length_limit():
    result = parse_records([{"id": "a" * 255, "text": "x"}, {"id": "b" * 256, "text": "y"}])
    assert [r.external_id for r in result.records] == ["a" * 255]
    assert result.errors[0].where == "record 2"
    assert result.errors[0].field == "id"


def test_huge_int_id_is_an_error_not_a_crash():
    result = parse_records([{"id": 10**5000, "text": "x"}])
    assert result.errors[0].field == "id"


def test_missing_id_gets_a_stable_content_id():
    text = f"{TRICKY} body"
    first = parse(jsonl(record(text=text)), "news.jsonl")
    second = parse(jsonl(record(text=text, id=None)), "again.jsonl")
    assert first.records[0].external_id == content_id(text)
    assert second.records[0].external_id == content_id(text)
    assert first.records[0].external_id.startswith("sha256:")
    assert len(first.records[0].external_id) == len("sha256:") + 16


def test_duplicate_ids():
    data = jsonl(
        record(id="a1", text="x"),
        record(id="a1", text="y"),
        record(id="12", text="z"),
        record(id=12, text="w"),
    )
    result = parse(data, "news.jsonl")
    assert [r.where for r in result.records] == ["line 1", "line 3"]
    assert [(e.where, e.field) for e in result.errors] == [("line 2", "id"), ("line 4", "id")]
    assert result.errors[0].message == 'line 2: id "a1" repeats line 1'
    assert result.errors[1].message == 'line 4: id "12" repeats line 3'


def test_same_text_without_ids_is_a_repeat():
    result = parse(jsonl(record(text="same"), record(text="same")), "news.jsonl")
    assert len(result.records) == 1
    assert result.errors[0].field == "id"
    assert "line 1" in result.errors[0].message


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-31", datetime.date(2024, 5, 31)),
        ("2024-05-31T23:30:00", datetime.date(2024, 5, 31)),
        ("2024-05-31T23:30:00+07:00", datetime.date(2024, 5, 31)),
        ("2024-05-31 08:00", datetime.date(2024, 5, 31)),
        (None, None),
    ],
)
def test_published(value, expected):
    result = parse_records([{"text": "x", "published": value}])
    assert result.errors == []
    assert result.records[0].published == expected


@pytest.mark.parametrize(
    "value", ["31/05/2024", "2024-02-30", "20240531", "yesterday", 20240531, "2024-05-31junk"]
)
def test_bad_published(value):
    result = parse_records([{"text": "x", "published": value}])
    assert result.records == []
    [error] = result.errors
    assert error.field == "published"
    assert json.dumps(value) in error.message


def test_text_required_and_typed():
    result = parse_records([{"id": "a"}, {"id": "b", "text": 12}, {"id": "c", "text": ""}])
    assert result.records == []
    assert [e.field for e in result.errors] == ["text", "text", "text"]
    assert result.errors[1].message == 'record 2: "text" must be a non-empty string, got 12'


def test_whitespace_text_is_kept_not_stripped():
    result = parse_records([{"text": " \n "}])
    assert result.records[0].text == " \n "


def test_optional_strings_and_limits():
    items = [
        {"text": "a", "title": 5},
        {"text": "b", "title": "t" * 1001},
        {"text": "c", "outlet": ["a"]},
        {"text": "d", "url": {"href": "u"}},
        {"text": "e", "meta": "not an object"},
        {"text": "f", "title": "t" * 1000},
    ]
    result = parse_records(items)
    assert [e.field for e in result.errors] == ["title", "title", "outlet", "url", "meta"]
    assert [r.where for r in result.records] == ["record 6"]


def test_every_problem_of_a_record_is_reported():
    result = parse_records(
        [{"id": 1.5, "text": "", "published": "soon", "spans": "no", "meta": 3, "title": 1}]
    )
    assert result.records == []
    assert {e.field for e in result.errors} == {
        "id",
        "text",
        "published",
        "spans",
        "meta",
        "title",
    }
    assert all(e.where == "record 1" for e in result.errors)


def test_record_error_as_dict():
    error = RecordError(where="line 4", field="text", message='line 4: "text" is required')
    assert error.as_dict() == {
        "where": "line 4",
        "field": "text",
        "message": 'line 4: "text" is required',
    }


# parse_records and .json


def test_parse_records_where_prefix():
    result = parse_records([{"text": "x"}, {"text": 1}], where_prefix="document")
    assert isinstance(result, ParseResult)
    assert result.records[0].where == "document 1"
    assert result.errors[0].message.startswith("document 2: ")


@pytest.mark.parametrize("items", [{"text": "x"}, "text", None, ({"text": "x"},)])
def test_parse_records_needs_a_list(items):
    with pytest.raises(ImportFormatError):
        parse_records(items)


def test_json_list():
    data = json.dumps([{"id": "a", "text": TRICKY}, "oops", {"id": "a", "text": "y"}])
    result = parse(data.encode(), "news.json")
    assert [(r.external_id, r.text, r.where) for r in result.records] == [("a", TRICKY, "record 1")]
    assert [(e.where, e.field) for e in result.errors] == [("record 2", None), ("record 3", "id")]
    assert result.errors[1].message == 'record 3: id "a" repeats record 1'


def test_json_malformed_raises_with_position():
    with pytest.raises(ImportFormatError) as info:
        parse(b'[\n  {"text": "x"},\n  {"text": }\n]', "news.json")
    assert "line 3, column 12" in str(info.value)
    assert "news.json" in str(info.value)


def test_json_must_be_a_list():
    with pytest.raises(ImportFormatError):
        parse(b'{"text": "x"}', "news.json")


# CSV


def test_csv_keeps_quoted_crlf_and_unicode():
    data = f'id,text\r\na,"{TRICKY}"\r\n'.encode()
    result = parse(data, "news.csv")
    assert result.errors == []
    assert result.records[0].text == TRICKY
    assert "\r\n" in result.records[0].text


def test_csv_without_text_column():
    with pytest.raises(ImportFormatError) as info:
        parse(b"a,b\n1,2\n", "news.csv")
    assert str(info.value) == 'the CSV has no "text" column (columns: a, b)'


def test_csv_empty_file():
    with pytest.raises(ImportFormatError):
        parse(b"", "news.csv")


def test_csv_known_and_extra_columns():
    data = (
        b"ID,Text,title,outlet,author,section,url,published,topic,score,notes\n"
        b"a,body,T,O,A,S,https://u,2024-01-02,economy,0.5,\n"
    )
    result = parse(data, "news.csv")
    assert result.errors == []
    [r] = result.records
    assert (r.external_id, r.text, r.title, r.outlet, r.author, r.section, r.url) == (
        "a",
        "body",
        "T",
        "O",
        "A",
        "S",
        "https://u",
    )
    assert r.published == datetime.date(2024, 1, 2)
    # Extra columns become meta as strings; the empty "notes" cell is skipped.
    assert r.meta == {"topic": "economy", "score": "0.5"}


def test_csv_empty_id_cell_gets_content_id():
    result = parse(b"id,text\n,hello\n", "news.csv")
    assert result.records[0].external_id == content_id("hello")


def test_csv_row_numbers_count_spreadsheet_rows():
    data = (
        b"id,text,published\n"  # row 1
        b'a,"first\nspans\nthree lines",\n'  # row 2
        b"b,second,\n"  # row 3
        b"\n"  # row 4 (blank)
        b"c,third,not a date\n"  # row 5
        b"a,fourth,\n"  # row 6
    )
    result = parse(data, "news.csv")
    assert [r.where for r in result.records] == ["row 2", "row 3"]
    assert [(e.where, e.field) for e in result.errors] == [("row 5", "published"), ("row 6", "id")]
    assert result.errors[0].message.startswith('row 5: "published" must be a date')
    assert result.errors[1].message == 'row 6: id "a" repeats row 2'


def test_csv_row_with_more_cells_than_header():
    result = parse(b"id,text\na,x,surplus\nb,y,\n", "news.csv")
    assert [r.external_id for r in result.records] == ["b"]
    [error] = result.errors
    assert (error.where, error.field) == ("row 2", None)


def test_csv_empty_text_cell():
    result = parse(b"id,text\na,\n", "news.csv")
    assert result.errors[0].field == "text"


def test_csv_long_field():
    text = "x" * 300_000  # over the csv module's default field limit
    result = parse(f'id,text\na,"{text}"\n'.encode(), "news.csv")
    assert result.records[0].text == text


def test_csv_unclosed_quote_raises():
    with pytest.raises(ImportFormatError) as info:
        parse(b'id,text\na,"never closed\nb,y\n', "news.csv")
    assert "row 2" in str(info.value)


# Plain text


def test_txt_whole_file_is_the_text():
    text = f"{TRICKY}\r\n\r\n  last line\n"
    result = parse(text.encode(), "Bài 1.txt")
    assert result.records == [
        DocumentRecord(external_id="Bài 1", text=text, where="file Bài 1.txt", title="Bài 1")
    ]


def test_txt_empty_file_is_an_error():
    result = parse(b"", "empty.txt")
    assert result.records == []
    [error] = result.errors
    assert (error.where, error.field) == ("file empty.txt", "text")


# Zip


def test_zip_mixed_members():
    data = make_zip(
        [
            ("b/news.jsonl", jsonl(record(id="j1", text="jsonl one"), "{broken")),
            ("a/story.txt", TRICKY.encode()),
            ("c.csv", b"id,text,topic\nc1,csv one,war\n"),
            ("d.json", json.dumps([{"id": "d1", "text": "json one"}]).encode()),
            ("e.ndjson", jsonl(record(id="e1", text="ndjson one"))),
            ("__MACOSX/a/._story.txt", b"\x00\x05resource fork"),
            ("__MACOSX/b/news.jsonl", b"\x00\x05resource fork"),
            ("a/.DS_Store", b"\x00\x00"),
            ("empty-folder/", b""),
            ("photo.png", b"\x89PNG"),
        ]
    )
    result = parse(data, "data.zip")
    assert [(r.external_id, r.where) for r in result.records] == [
        ("a/story", "data.zip: a/story.txt"),  # sorted by member name
        ("j1", "data.zip: b/news.jsonl line 1"),
        ("c1", "data.zip: c.csv row 2"),
        ("d1", "data.zip: d.json record 1"),
        ("e1", "data.zip: e.ndjson line 1"),
    ]
    story = result.records[0]
    assert story.text == TRICKY
    assert story.title == "story"
    assert result.records[2].meta == {"topic": "war"}
    assert [(e.where, e.field) for e in result.errors] == [
        ("data.zip: b/news.jsonl line 2", None),
        ("data.zip: photo.png", None),
    ]
    assert ".txt" in result.errors[1].message
    assert ".csv" in result.errors[1].message


def test_zip_txt_member_id_is_path_without_extension():
    result = parse(make_zip([("2024/05/Quốc hội.txt", b"text")]), "data.zip")
    record_ = result.records[0]
    assert record_.external_id == "2024/05/Quốc hội"
    assert record_.title == "Quốc hội"


def test_zip_utf8_names_without_flag_are_recovered():
    # Some zip tools write UTF-8 names without setting the UTF-8 flag, so
    # zipfile reads them as cp437. Write an ASCII name of the same byte length,
    # then put the UTF-8 bytes in its place.
    name = "Quốc.txt"
    placeholder = "Q" * len(name.encode())
    data = make_zip([(placeholder, b"text")])
    data = data.replace(placeholder.encode(), name.encode())
    result = parse(data, "data.zip")
    assert [(r.external_id, r.where) for r in result.records] == [("Quốc", "data.zip: Quốc.txt")]


def test_zip_duplicate_ids_across_members():
    data = make_zip(
        [
            ("a.jsonl", jsonl(record(id="x", text="one"))),
            ("b.csv", b"id,text\nx,two\n"),
            ("x.txt", b"three"),
        ]
    )
    result = parse(data, "data.zip")
    assert [r.where for r in result.records] == ["data.zip: a.jsonl line 1"]
    assert [e.message for e in result.errors] == [
        'data.zip: b.csv row 2: id "x" repeats data.zip: a.jsonl line 1',
        'data.zip: x.txt: id "x" repeats data.zip: a.jsonl line 1',
    ]


def test_zip_unreadable_member_is_an_error_for_that_member():
    data = make_zip(
        [
            ("a.txt", b"caf\xe9"),
            ("b.csv", b"no,body\n"),
            ("c.json", b"[{"),
            ("d.txt", b"fine"),
        ]
    )
    result = parse(data, "data.zip")
    assert [r.external_id for r in result.records] == ["d"]
    assert [(e.where, e.field) for e in result.errors] == [
        ("data.zip: a.txt", None),
        ("data.zip: b.csv", None),
        ("data.zip: c.json", None),
    ]
    assert "byte offset 3" in result.errors[0].message


def test_zip_bomb_guard_uses_declared_sizes():
    data = make_zip([("big.txt", b"a" * 1_000_000)])
    assert len(data) < 10_000  # compresses to almost nothing
    with pytest.raises(ImportFormatError) as info:
        parse(data, "data.zip", max_bytes=10_000)
    assert "1000000 bytes" in str(info.value)
    assert len(parse(data, "data.zip").records) == 1


def test_zip_member_larger_than_declared_is_refused():
    data = make_zip([("big.txt", b"a" * 100_000)])
    # Make both headers claim 10 bytes, as a crafted bomb would.
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data = bytearray(data)
    struct.pack_into("<I", data, local + 22, 10)
    struct.pack_into("<I", data, central + 24, 10)
    with pytest.raises(ImportFormatError):
        parse(bytes(data), "data.zip", max_bytes=1000)


def test_zip_refuses_nested_archives():
    inner = make_zip([("a.txt", b"hello")])
    with pytest.raises(ImportFormatError) as info:
        parse(make_zip([("a.txt", b"x"), ("inner.zip", inner)]), "data.zip")
    assert "inner.zip" in str(info.value)


def test_corrupt_zip():
    with pytest.raises(ImportFormatError):
        parse(b"PK\x03\x04 definitely not a zip", "data.zip")
    data = make_zip([("a.txt", b"hello " * 100)])
    with pytest.raises(ImportFormatError):
        parse(data[:60], "data.zip")


def test_zip_max_bytes_applies_to_the_archive_itself():
    data = make_zip([("a.txt", b"hello")])
    with pytest.raises(ImportFormatError):
        parse(data, "data.zip", max_bytes=len(data) - 1)


# --------------------------------------------------------------------------- doccano offsets

DOCCANO_TEXT = "😀 Maduro 🇻🇪 spoke"  # 17 code points, 20 UTF-16 code units


def doccano(start, end):
    line = {
        "text": DOCCANO_TEXT,
        "entities": [{"id": 1, "label": "PERSON", "start_offset": start, "end_offset": end}],
    }
    return parse(json.dumps(line, ensure_ascii=False).encode(), "d.jsonl", "doccano")


def group_problems(result):
    """The problems of the parsed file's first annotation group: the store
    reports them when it would store that group."""
    assert not result.errors
    return result.records[0].groups[0].problems


def test_doccano_utf16_offsets_become_code_points_up_to_the_end():
    maduro = doccano(3, 9)
    assert not group_problems(maduro)
    span = maduro.records[0].groups[0].spans[0]
    assert (span["start"], span["end"]) == (2, 8)
    last = doccano(10, 20)  # the flag and "spoke", to the very end
    span = last.records[0].groups[0].spans[0]
    assert not group_problems(last) and (span["start"], span["end"]) == (9, 17)


def test_doccano_offsets_outside_the_text_are_reported_in_utf16_units():
    problems = group_problems(doccano(10, 21))
    assert [e.field for e in problems] == ["entities[0].end_offset"]
    assert "21 is past the end of the text (20 UTF-16 code units)" in problems[0].message
    assert problems[0].message.startswith("line 1: ")


def test_doccano_offset_inside_a_surrogate_pair_is_refused():
    assert "not a character boundary" in group_problems(doccano(1, 9))[0].message
