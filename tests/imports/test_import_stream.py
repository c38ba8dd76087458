"""Imports read, check and store batch by batch in one transaction: a bad
record in a late batch leaves nothing of the earlier batches, repeats are
caught across batches and against the project, and no more than one batch
of records is ever held."""

import json

import pytest

from apps.documents.models import Document
from apps.imports import store
from apps.imports.parsers import Collector, ImportFormatError, parse
from tests.builders import make_project, make_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return make_project(make_users())


def jsonl(records):
    return "\n".join(json.dumps(r) for r in records).encode()


def docs(n, start=0):
    return [{"id": f"d{i}", "text": f"Document number {i}."} for i in range(start, start + n)]


def as_json(records):
    return json.dumps(records).encode()


@pytest.mark.parametrize(
    "name, encode",
    [("a.jsonl", jsonl), ("a.json", as_json)],
)
def test_a_bad_record_in_the_last_batch_stores_nothing_of_the_earlier_ones(
    project, monkeypatch, name, encode
):
    monkeypatch.setattr(store, "BATCH", 3)
    records = [*docs(10), {"id": "bad", "text": ""}]
    report = store.import_file(project, encode(records), name, None)
    assert report["created"] == 0
    where = "line 11" if name.endswith("jsonl") else "record 11"
    assert [(e["where"], e["field"]) for e in report["errors"]] == [(where, "text")]
    assert not Document.objects.filter(project=project).exists()


def test_every_bad_record_is_listed_though_storing_stopped_at_the_first(project, monkeypatch):
    monkeypatch.setattr(store, "BATCH", 2)
    records = [*docs(3), {"id": "x1", "text": 5}, *docs(3, start=3), {"id": "x2"}]
    report = store.import_file(project, jsonl(records), "a.jsonl", None)
    assert [e["where"] for e in report["errors"]] == ["line 4", "line 8"]
    assert not Document.objects.filter(project=project).exists()


def test_a_repeat_in_a_later_batch_is_caught(project, monkeypatch):
    monkeypatch.setattr(store, "BATCH", 2)
    records = [*docs(5), {"id": "d1", "text": "Again."}]
    report = store.import_file(project, jsonl(records), "a.jsonl", None)
    assert [(e["where"], e["field"]) for e in report["errors"]] == [("line 6", "id")]
    assert "repeats line 2" in report["errors"][0]["message"]
    assert not Document.objects.filter(project=project).exists()


def test_documents_already_in_the_project_are_skipped_in_every_batch(project, monkeypatch):
    monkeypatch.setattr(store, "BATCH", 2)
    assert store.import_file(project, jsonl(docs(3, start=2)), "a.jsonl", None)["created"] == 3
    report = store.import_file(project, jsonl(docs(7)), "a.jsonl", None)
    assert (report["created"], report["skipped"]) == (4, 3)
    assert Document.objects.filter(project=project).count() == 7


@pytest.mark.parametrize(
    "name, data",
    [
        ("a.jsonl", jsonl(docs(25))),
        ("a.json", as_json(docs(25))),
        ("a.csv", ("id,text\n" + "".join(f"c{i},Row {i}.\n" for i in range(25))).encode()),
    ],
)
def test_a_sink_never_holds_more_than_one_batch(name, data):
    sizes = []
    collector = Collector(sink=lambda batch: sizes.append(len(batch)), batch=4)

    def add(item, where, **kwargs):
        Collector.add(collector, item, where, **kwargs)
        assert len(collector.records) < collector.batch

    collector.add = add
    result = parse(data, name, collector=collector)
    assert result.records == [] and result.errors == []
    assert sizes == [4] * 6 + [1]


def test_a_json_file_broken_after_its_first_records_is_refused_with_its_position(project):
    data = as_json(docs(3))[:-1] + b', {"id": }]'
    with pytest.raises(ImportFormatError) as caught:
        store.import_file(project, data, "a.json", None)
    assert "is not valid JSON: Expecting value at line 1, column" in str(caught.value)
    assert not Document.objects.filter(project=project).exists()
