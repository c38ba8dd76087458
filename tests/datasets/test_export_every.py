"""documents=every: the whole corpus, every document of the project with the
sets of the source it has, or none, in the formats written per document."""

import json

import pytest

from apps.annotations.models import AnnotationSet
from apps.datasets.formats import FORMATS
from apps.documents.models import Document
from tests.builders import add_set

pytestmark = pytest.mark.django_db

PER_DOCUMENT = [n for n, f in FORMATS.items() if f.per_document and f.available()]
NOT_PER_DOCUMENT = [n for n, f in FORMATS.items() if not f.per_document]


def body(response):
    assert response.status_code == 200, getattr(response, "content", b"")
    return b"".join(response.streaming_content)


def export(client, project, **params):
    return client.get(f"/api/v1/projects/{project.pk}/export/", params)


def imported(project, n):
    Document.objects.bulk_create(
        Document(project=project, external_id=f"i{i:03}", text=f"Moscow spoke {i}.")
        for i in range(n)
    )


def gold_on(project, external_id):
    document = Document.objects.get(project=project, external_id=external_id)
    add_set(
        document,
        AnnotationSet.Kind.GOLD,
        [{"id": "s1", "start": 0, "end": 6, "label": "GPE"}],
        adjudicated=True,
    )


def test_every_document_is_exported_with_its_gold_or_none(project, client_for):
    imported(project, 30)
    gold_on(project, "i004")
    olga = client_for("olga")
    assert len(body(export(olga, project, format="jsonl")).splitlines()) == 1
    lines = [json.loads(x) for x in body(export(olga, project, documents="every")).splitlines()]
    assert [x["id"] for x in lines] == [f"i{i:03}" for i in range(30)]
    with_spans = [x["id"] for x in lines if x.get("spans")]
    assert with_spans == ["i004"]


@pytest.mark.parametrize("fmt", PER_DOCUMENT)
def test_each_per_document_format_writes_documents_without_sets(project, client_for, fmt):
    imported(project, 3)
    response = export(client_for("olga"), project, format=fmt, source="all", documents="every")
    assert response["Content-Disposition"].endswith(f'-all-every.{FORMATS[fmt].suffix}"')
    data = body(response)
    assert data
    if FORMATS[fmt].media_type == "application/x-ndjson" or fmt in ("jsonl", "doccano"):
        assert len(data.splitlines()) == 3


@pytest.mark.parametrize("fmt", NOT_PER_DOCUMENT)
def test_formats_without_a_place_for_a_document_refuse_every(project, client_for, fmt):
    response = export(client_for("olga"), project, format=fmt, documents="every")
    assert response.status_code == 400
    assert "documents=every is for the formats written per document" in json.dumps(response.json())


def test_an_unknown_choice_of_documents_names_the_field(project, client_for):
    response = export(client_for("olga"), project, documents="some")
    assert response.status_code == 400
    assert "documents" in json.dumps(response.json())


@pytest.mark.parametrize("n", [20, 1200])
def test_the_corpus_export_runs_constant_queries_per_chunk(
    project, client_for, django_assert_max_num_queries, n
):
    # Chunks of 500: 20 documents are one chunk, 1,200 are three.
    imported(project, n)
    gold_on(project, "i001")
    chunks = -(-n // 500)
    olga = client_for("olga")
    with django_assert_max_num_queries(6 + 6 * chunks):
        data = body(export(olga, project, format="conll", documents="every"))
    assert data.count(b"-DOCSTART-") == n


def test_a_label_keeps_every_document_but_only_its_annotations(project, client_for):
    imported(project, 5)
    gold_on(project, "i002")
    lines = body(export(client_for("olga"), project, documents="every", label="PERSON"))
    records = [json.loads(x) for x in lines.splitlines()]
    assert len(records) == 5
    assert not any(x.get("spans") for x in records)
