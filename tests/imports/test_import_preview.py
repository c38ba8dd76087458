"""POST …/documents/import/preview/: what an import would do, storing nothing."""

import io
import json

import pytest

from apps.documents.models import Document
from tests.builders import make_document

pytestmark = pytest.mark.django_db


def upload(name, text):
    file = io.BytesIO(text.encode())
    file.name = name
    return file


@pytest.fixture
def preview(client_for, api):
    owner = client_for("olga")

    def call(name, text, **extra):
        return owner.post(
            api("documents/import/preview/"),
            {"file": upload(name, text), **extra},
            format="multipart",
        )

    return call


def test_the_preview_shows_what_would_be_stored_and_stores_nothing(project, preview):
    make_document(project, "d1", text="Already here.")
    lines = [
        {"id": "d1", "text": "Already here."},
        {
            "id": "d2",
            "text": "Caracas answered. " * 30,
            "title": "Caracas",
            "published": "2026-01-04",
            "spans": [{"start": 0, "end": 7, "label": "GPE"}],
        },
    ]
    response = preview("wire.jsonl", "\n".join(json.dumps(line) for line in lines))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["format"] == "jsonl"
    assert (body["documents"], body["new"], body["duplicates"], body["with_spans"]) == (2, 1, 1, 1)
    assert body["errors"] == []
    first, second = body["preview"]
    assert first["duplicate"] is True and second["duplicate"] is False
    assert second["title"] == "Caracas" and second["published"] == "2026-01-04"
    assert len(second["text"]) == 300 and second["length"] == len("Caracas answered. " * 30)
    assert second["spans"] == 1
    assert Document.objects.filter(project=project).count() == 1


def test_the_preview_lists_every_problem_by_record_and_field(project, preview):
    text = "\n".join(
        [
            json.dumps({"id": "a", "text": "Fine."}),
            json.dumps({"id": "b"}),
            json.dumps(
                {"id": "c", "text": "Moscow.", "spans": [{"start": 0, "end": 6, "label": "NOPE"}]}
            ),
        ]
    )
    body = preview("wire.jsonl", text).json()
    wheres = [(e["where"], e["field"]) for e in body["errors"]]
    assert ("line 2", "text") in wheres
    assert any(where == "line 3" and "label" in (field or "") for where, field in wheres)
    assert not Document.objects.filter(project=project).exists()


def test_the_format_is_detected_or_given(preview):
    assert preview("wire.csv", "id,text\nx,Hello.\n").json()["format"] == "csv"
    given = preview("wire.txt", '{"text": "Hi"}', format="jsonl").json()
    assert given["format"] == "jsonl" and given["documents"] == 1
    refused = preview("wire.bin", "x")
    assert refused.status_code == 400 and "cannot tell the format" in refused.json()["detail"]
