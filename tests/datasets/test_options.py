"""The one export-options parser (apps/datasets/options.py), on plain data."""

import datetime

import pytest

from apps.datasets.options import ExportOptions, OptionsError, parse_export, parse_release
from apps.datasets.splits import DEFAULT_RATIOS


def error_of(parse, data):
    with pytest.raises(OptionsError) as caught:
        parse(data)
    return caught.value


def test_nothing_given_is_the_defaults():
    format_name, options = parse_export({})
    assert format_name == "jsonl"
    assert options == ExportOptions()


def test_strings_and_typed_values_mean_the_same():
    typed = {
        "format": "network",
        "source": "all",
        "include_text": False,
        "seed": 7,
        "ratios": {"train": 0.5, "test": 0.5},
        "split": "test",
        "published_from": datetime.date(2024, 1, 1),
        "slice": "year",
        "label": "GPE",
        "annotators": "names",
    }
    strings = typed | {
        "include_text": "false",
        "seed": "7",
        "ratios": "train:0.5,test:0.5",
        "published_from": "2024-01-01",
    }
    assert parse_export(typed) == parse_export(strings)
    _, options = parse_export(strings)
    assert (options.source, options.include_text, options.seed) == ("all", False, 7)
    assert options.split == "test" and options.format_options == {"slice": "year"}
    assert options.published_from == datetime.date(2024, 1, 1) and options.label == "GPE"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({"format": "conll", "include_text": "false"}, "format"),
        ({"source": "mine"}, "source"),
        ({"annotators": "emails"}, "annotators"),
        ({"split": "holdout"}, "split"),
        ({"ratios": "train:0.5,test:0.1", "split": "train"}, "ratios"),
        ({"published_to": "May"}, "published_to"),
        ({"include_text": "maybe"}, "include_text"),
        ({"seed": "-1"}, "seed"),
        ({"seed": "x"}, "seed"),
        ({"seed": True}, "seed"),
        ({"slice": "week"}, "slice"),
    ],
)
def test_an_export_error_names_its_field(data, field):
    error = error_of(parse_export, data)
    assert error.field == field and str(error) == error.message


def test_a_split_must_be_one_of_the_ratios_given():
    _, options = parse_export({"ratios": "a:0.5,b:0.5", "split": "b"})
    assert options.split == "b"
    assert "train" in error_of(parse_export, {"split": "a"}).message  # the default ratios


def test_standoff_refusal_lists_the_standoff_formats():
    message = error_of(parse_export, {"format": "xmi", "include_text": False}).message
    assert "without the text" in message and "jsonl" in message


def test_a_release_request_is_parsed_to_release_fields():
    clean = parse_release({"name": " v1 ", "formats": ["jsonl", "brat"], "seed": 3})
    assert clean == {
        "name": "v1",
        "formats": ["jsonl", "brat"],
        "include_text": True,
        "source": "gold",
        "annotators": "pseudonyms",
        "seed": 3,
        "ratios": dict(DEFAULT_RATIOS),
        "licence_text": "",
        "licence_annotations": "",
        "claims_window": {},
    }


def test_a_release_of_the_claims_takes_a_window_and_concepts():
    data = {"name": "v1", "formats": ["claims-network", "jsonl"], "start": "2026-01-01"}
    assert parse_release({**data, "concepts": [3, 7, 3]})["claims_window"] == {
        "start": "2026-01-01",
        "end": None,
        "concepts": [3, 7],
    }
    assert parse_release({**data, "concepts": "3,7"})["claims_window"]["concepts"] == [3, 7]
    window = parse_release({"name": "v1", "formats": ["statements"], "end": "2026-02-01"})
    assert window["claims_window"] == {"start": None, "end": "2026-02-01", "concepts": None}


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"formats": ["jsonl"], "start": "2026-01-01"}, "start", "claims-network and statements"),
        ({"formats": ["jsonl"], "concepts": [1]}, "concepts", "choose one of them"),
        ({"formats": ["statements"], "start": "2026-13-01"}, "start", 'a date like "2024-05-31"'),
        ({"formats": ["statements"], "start": "2026-02-01", "end": "2026-02-01"}, "end", "after"),
        ({"formats": ["statements"], "concepts": ["x"]}, "concepts", "concept ids"),
        ({"formats": ["statements"], "concepts": {"a": 1}}, "concepts", "a list of concept ids"),
    ],
)
def test_a_release_window_error_names_its_field(data, field, words):
    error = error_of(parse_release, {"name": "v1", **data})
    assert error.field == field and words in error.message


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"formats": []}, "formats"),
        ({"formats": ["jsonl", "jsonl"]}, "formats"),
        ({"formats": ["jsonl", "pdf"]}, "formats[1]"),
        ({"formats": ["conll"], "include_text": False}, "formats[0]"),
        ({"ratios": {"train": 0.5}}, "ratios"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**31}, "seed"),
        ({"source": "everything"}, "source"),
        ({"annotators": "emails"}, "annotators"),
        ({"licence_text": 5}, "licence_text"),
    ],
)
def test_a_release_error_names_its_field(data, field):
    assert error_of(parse_release, {"name": "v1"} | data).field == field


def test_a_release_body_must_be_an_object():
    assert error_of(parse_release, ["v1"]).field is None
