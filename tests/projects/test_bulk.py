"""Rows written in bulk (apps.projects.bulk.create): their ids come back in
the order of the rows, their values are stored as given, and a unique key
another row holds is Django's IntegrityError, which an import answers as
ImportConflict with nothing stored."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.documents.models import Document
from apps.imports import store
from apps.imports.parsers import parse_records
from apps.imports.store import ImportConflict, import_records
from apps.projects import bulk
from tests.builders import make_document, make_project

pytestmark = pytest.mark.django_db

NAMES = (
    "project_id",
    "external_id",
    "text",
    "title",
    "meta",
    "outlet",
    "author",
    "section",
    "url",
    "published",
    "created_at",
    "annotator_count",
    "submitted_count",
    "wanted",
    "shuffle_seed",
)


def rows(project, n):
    now = timezone.now()
    return [
        (
            project.pk,
            f"d{i}",
            f"Text {i}.",
            f"Title {i}",
            {"n": i},
            "Wire",
            "",
            "",
            "",
            datetime.date(2024, 1, 1 + i),
            now,
            0,
            0,
            1,
            0,
        )
        for i in range(n)
    ]


def test_ids_come_back_in_the_order_of_the_rows_over_several_statements(users, monkeypatch):
    # 14 columns, 30 parameters a statement: 2 rows each, so 13 rows take 7.
    monkeypatch.setattr(connection.features, "max_query_params", 30)
    project = make_project(users)
    ids = bulk.create(Document, NAMES, rows(project, 13))
    assert len(set(ids)) == 13
    stored = {d.pk: d for d in Document.objects.filter(project=project)}
    for i, pk in enumerate(ids):
        doc = stored[pk]
        assert (doc.external_id, doc.text, doc.title) == (f"d{i}", f"Text {i}.", f"Title {i}")
        assert (doc.meta, doc.outlet) == ({"n": i}, "Wire")
        assert doc.published == datetime.date(2024, 1, 1 + i)


def test_a_unique_key_held_already_is_an_integrity_error(users):
    project = make_project(users)
    make_document(project, "d1")
    with pytest.raises(IntegrityError, match=r"(?i)unique"), transaction.atomic():
        bulk.create(Document, NAMES, rows(project, 3))
    assert Document.objects.filter(project=project).count() == 1


def test_an_import_meeting_ids_stored_meanwhile_stores_nothing(users, monkeypatch):
    project = make_project(users)
    make_document(project, "b")
    # As if another import had stored "b" after this one looked.
    monkeypatch.setattr(store, "_existing_ids", lambda project, ids: set())
    records = parse_records([{"id": "a", "text": "Moscow."}, {"id": "b", "text": "Lima."}])
    with pytest.raises(ImportConflict):
        import_records(project, records)
    assert list(Document.objects.filter(project=project).values_list("external_id", flat=True)) == [
        "b"
    ]
