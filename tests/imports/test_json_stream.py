"""A JSON list (and a Label Studio export) is decoded a record at a time
from a window sliding along the file: the same values and the same errors
as decoding the whole text, wherever the reads cut it, and never much more
of the text held than the longest record."""

import json

import pytest

from apps.imports.parsers import ImportFormatError, open_text, parse
from apps.imports.parsers.jsonl import items

# Read sizes that cut the text everywhere: inside strings, escapes,
# surrogate pairs, numbers, literals and the whitespace between records.
READ_SIZES = [1, 2, 3, 5, 7, 16, 64, 1 << 16]

AWKWARD = [
    # Brackets, commas and quotes inside strings; escapes of every kind.
    '[{"text": "a ] b, c [ d", "id": "x]"}, {"text": "q\\"]\\\\", "meta": {"a": [1, [2, "]"]]}}]',
    '[{"text": "\\ud83d\\ude00 \\u00e9\\n\\t\\/\\b\\f\\r", "id": 1}]',
    '[{"text": "😀🇻🇪 emoji stay whole", "n": -12.5e-3, "big": 123456789012345678901234567890}]',
    # A lone surrogate escape (refused later, by the record's check).
    '[{"text": "\\ud800 lone", "x": "\\udfff"}]',
    # Whitespace of every JSON kind, anywhere it may be.
    ' \r\n\t[ \n {"text"\n:\r\n"a"\t}\r\n ,\n\n{ "text" : "b" }  \n]\n\t ',
    "[]",
    "  [ \n ]  ",
    '[1, 23456, true, false, null, "s", [], {}, [[[]]], -0, 1E+2]',
    # Raw U+2028 and U+0085 are legal inside strings.
    '[{"text": "a\u2028b\u0085c"}]',
]


def decoded(text, read_size):
    return list(items(open_text(text.encode(), "f.json"), "f.json", "records", None, read_size))


@pytest.mark.parametrize("read_size", READ_SIZES)
@pytest.mark.parametrize("text", AWKWARD)
def test_the_values_are_those_of_the_whole_text(text, read_size):
    assert decoded(text, read_size) == json.loads(text)


def whole_text_error(text):
    """What decoding the whole text says, in the import's words."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"f.json is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    raise AssertionError(f"{text!r} is valid JSON")


MALFORMED = [
    "",
    "   \n  ",
    "[",
    "[\n",
    '[{"text": "a"}',
    '[{"text": "a"},',
    '[{"text": "a"},]',
    '[{"text": "a"} {"text": "b"}]',
    '[{"text": "a"}\n\n   x {"text": "b"}]',
    '[{"text": "a"}]]',
    '[{"text": "a"}] trailing',
    '[{"text": "a"}]\n\n  {"text": "b"}',
    '[{"text": "unterminated}]',
    '[{"text": "a"}, {"text": "bad \\x escape"}]',
    '[{"text": "a"}, {"text": "cut \\u12"}]',
    '[\n  {"text": "x"},\n  {"text": }\n]',
    '[{"text": "a", "n": 12',
    '[{"text": "a", "n": tru}]',
    '[{"text": "a",\n "n": 1.}]',
    '[{"text": "a\nraw newline"}]',
    '[{"text": "a"}, {"text" "b"}]',
    '[{"text": "a"}, {text: "b"}]',
    '{"text": "not a list"',
    '{"text": "a"} extra',
]


@pytest.mark.parametrize("read_size", READ_SIZES)
@pytest.mark.parametrize("text", MALFORMED)
def test_a_malformed_list_is_refused_where_the_whole_text_is(text, read_size):
    with pytest.raises(ImportFormatError) as caught:
        decoded(text, read_size)
    assert str(caught.value) == whole_text_error(text)


@pytest.mark.parametrize("read_size", [1, 7, 1 << 16])
@pytest.mark.parametrize(
    "text, got",
    [('{"text": "a"}', "an object"), ('"text"', "a string"), ("12", "a number"), ("null", "null")],
)
def test_a_file_that_is_not_a_list_says_what_it_holds(text, got, read_size):
    with pytest.raises(ImportFormatError) as caught:
        decoded(text, read_size)
    assert str(caught.value) == f"f.json must hold a JSON list of records, got {got}"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_constants_that_are_not_json_are_refused(constant):
    with pytest.raises(ImportFormatError) as caught:
        decoded(f'[{{"text": "a"}}, {{"n": {constant}}}]', 3)
    assert str(caught.value) == f"f.json is not valid JSON: {constant} is not valid JSON"


class Reads:
    """A text file that remembers how much each read asked for."""

    def __init__(self, source):
        self.source, self.sizes = source, []
        self.size, self.buffer = source.size, source.buffer

    def read(self, size):
        self.sizes.append(size)
        return self.source.read(size)


def test_the_text_held_does_not_grow_with_the_number_of_records():
    record = {"text": "x" * 500, "id": "d", "meta": {"k": "]" * 50}}
    for n in (100, 2000):
        data = json.dumps([{**record, "id": f"d{i}"} for i in range(n)]).encode()
        source = Reads(open_text(data, "f.json"))
        assert len(list(items(source, "f.json", "records", None, 256))) == n
        # A record is over 256 characters: a read grows to hold it, no more.
        assert max(source.sizes) <= 1024, n


def test_one_long_record_is_read_in_growing_reads_not_one_per_block():
    data = json.dumps([{"text": "y" * 100_000}, {"text": "z"}]).encode()
    source = Reads(open_text(data, "f.json"))
    assert [r["text"][0] for r in items(source, "f.json", "records", None, 64)] == ["y", "z"]
    assert len(source.sizes) < 20  # doubling, not 100,000 / 64 reads


def test_errors_name_the_record_and_field_after_the_first_reads(monkeypatch):
    from apps.imports.parsers import jsonl

    monkeypatch.setattr(jsonl, "READ_SIZE", 5)
    data = json.dumps(
        [{"id": "a", "text": "🇻🇪 one"}, {"id": "b", "text": 5}, {"id": "a", "text": "two"}]
    )
    result = parse(data.encode(), "news.json")
    assert [r.text for r in result.records] == ["🇻🇪 one"]
    assert [(e.where, e.field) for e in result.errors] == [("record 2", "text"), ("record 3", "id")]


def test_a_label_studio_export_is_read_a_task_at_a_time(monkeypatch):
    from apps.imports.parsers import jsonl

    monkeypatch.setattr(jsonl, "READ_SIZE", 3)
    tasks = [
        {"id": 7, "data": {"text": "Maduro 😀 spoke ] ,"}, "annotations": []},
        {"id": 8, "data": {"text": "Again"}, "annotations": [{"result": "bad"}]},
        {"data": "nope"},
    ]
    result = parse(json.dumps(tasks, indent=2).encode(), "ls.json", "label-studio")
    assert [(r.external_id, r.text) for r in result.records] == [
        ("7", "Maduro 😀 spoke ] ,"),
        ("8", "Again"),
    ]
    assert [(e.where, e.field) for e in result.errors] == [("task 3", "data")]
    with pytest.raises(ImportFormatError) as caught:
        parse(b'[{"id": 1, "data": {"text": "a"}}', "ls.json", "label-studio")
    assert "ls.json is not valid JSON: Expecting ',' delimiter at line 1, column 34" in str(
        caught.value
    )
