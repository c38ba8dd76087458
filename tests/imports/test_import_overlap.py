"""An import stores each batch while the next is read (overlap.Writer): on
PostgreSQL on a thread of its own, in the import's one transaction; a
failed write stops the import with nothing stored; the documents' sort keys
are written with their rows; foreign keys are checked per statement inside
the import and deferred again after it."""

import json
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from apps.annotations.models import AnnotationSet
from apps.annotations.sets import refresh_sort_keys
from apps.documents.models import Document
from apps.imports import store
from apps.imports.overlap import Writer
from apps.projects.models import Membership
from tests.builders import make_project, make_users

pytestmark = pytest.mark.django_db

deferrable_keys = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="deferred foreign keys are PostgreSQL's"
)


@pytest.fixture
def users():
    return make_users()


@pytest.fixture
def project(users):
    return make_project(users)


def jsonl(n, spans_every=0):
    lines = []
    for i in range(n):
        record = {"id": f"d{i}", "text": f"Caracas and Lima, number {i}."}
        if spans_every and i % spans_every == 0:
            record["spans"] = [{"id": "s1", "start": 0, "end": 7, "label": "GPE"}]
        lines.append(json.dumps(record))
    return "\n".join(lines).encode()


def test_every_batch_is_stored_by_the_writer_in_the_import_transaction(project, monkeypatch):
    monkeypatch.setattr(store, "BATCH", 3)
    threads = []
    original = store.ImportRun._store

    def recording(run, records, cleaned):
        threads.append(threading.get_ident())
        original(run, records, cleaned)

    monkeypatch.setattr(store.ImportRun, "_store", recording)
    report = store.import_file(project, jsonl(10, spans_every=2), "a.jsonl", None)
    assert report["created"] == 10
    assert len(threads) == 4
    main = threading.get_ident()
    if connection.vendor == "postgresql":
        assert len(set(threads)) == 1 and main not in threads
    else:
        assert set(threads) == {main}
    assert Document.objects.filter(project=project).count() == 10
    assert AnnotationSet.objects.filter(document__project=project).count() == 5


def test_a_write_that_fails_in_a_later_batch_leaves_nothing_stored(project, monkeypatch):
    monkeypatch.setattr(store, "BATCH", 3)
    calls = []
    original = store._insert_sets

    def failing(sets, now):
        calls.append(len(sets))
        if len(calls) == 2:  # as when another import took the same key meanwhile
            raise IntegrityError("duplicate key")
        return original(sets, now)

    monkeypatch.setattr(store, "_insert_sets", failing)
    with pytest.raises(store.ImportConflict):
        store.import_file(project, jsonl(12, spans_every=1), "a.jsonl", None)
    assert calls == [3, 3]  # the batches after the failure were not written
    assert not Document.objects.filter(project=project).exists()
    assert not AnnotationSet.objects.filter(document__project=project).exists()


def test_the_writes_error_wins_over_what_the_caller_raised_after_it():
    def write():
        raise IntegrityError("the write's")

    with pytest.raises(IntegrityError, match="the write's"), Writer() as writer:
        writer.submit(write)
        raise ValueError("the caller's, a consequence")


def test_writes_run_one_at_a_time_in_the_order_submitted():
    done = []
    with Writer() as writer:
        for n in range(5):
            writer.submit(done.append, n)
        writer.wait()
        assert done == [0, 1, 2, 3, 4]


def test_the_sort_keys_written_with_the_documents_are_those_of_their_sets(project):
    report = store.import_file(project, jsonl(6, spans_every=3), "a.jsonl", None)
    assert report["created"] == 6
    documents = Document.objects.filter(project=project)
    stored = {d.external_id: (d.last_activity, d.last_submitted_at) for d in documents}
    for external_id in ("d0", "d3"):
        updated = AnnotationSet.objects.get(document__external_id=external_id).updated_at
        assert stored[external_id] == (updated, None)
    assert {stored[e] for e in ("d1", "d2", "d4", "d5")} == {(None, None)}
    refresh_sort_keys(documents)
    again = {d.external_id: (d.last_activity, d.last_submitted_at) for d in documents.all()}
    assert again == stored


@deferrable_keys
def test_foreign_keys_are_deferred_to_the_commit_again_after_an_import(project, users):
    store.import_file(project, jsonl(2), "a.jsonl", None)
    with pytest.raises(RuntimeError), transaction.atomic():
        # A membership of no project: refused at the commit, not yet here.
        Membership.objects.create(project_id=10**9, user=users["oscar"])
        raise RuntimeError("roll it back")


@deferrable_keys
def test_foreign_keys_are_checked_per_statement_inside_an_import(project, monkeypatch):
    original = store._insert_documents

    def orphan(project_, records, sets, now):
        ids = original(project_, records, sets, now)
        Membership.objects.create(project_id=10**9, user_id=project_.memberships.first().user_id)
        return ids

    monkeypatch.setattr(store, "_insert_documents", orphan)
    with pytest.raises(store.ImportConflict):
        store.import_file(project, jsonl(2), "a.jsonl", None)
    assert not Document.objects.filter(project=project).exists()
