"""A release is one snapshot: built in one transaction, and leaves no files when it fails."""

import threading

import pytest
from django.db import connection

from apps.annotations.models import AnnotationSet
from apps.datasets.formats import FORMATS
from apps.datasets.models import Release, ReleaseFile
from apps.datasets.releases import create_release
from apps.documents.models import Document
from apps.projects.models import Job
from tests.builders import add_set, make_project, span_of


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


class Hooked:
    """A real format whose writer first runs ``before`` (the fault or the change injected)."""

    def __init__(self, original, before):
        self.original, self.before = original, before

    def __getattr__(self, name):
        return getattr(self.original, name)

    @property
    def write(self):
        def write(documents, context):
            self.before()
            yield from self.original.write(documents, context)

        return write


def hook(monkeypatch, name, before):
    monkeypatch.setitem(FORMATS, name, Hooked(FORMATS[name], before))


def gold_document(project, external_id, text):
    document = Document.objects.create(project=project, external_id=external_id, text=text)
    add_set(document, AnnotationSet.Kind.GOLD, [span_of("s1", text, text.split()[0], "GPE")])
    return document


@pytest.mark.django_db
def test_a_failed_build_leaves_no_files(gold_project, users, media, monkeypatch):
    def boom():
        raise RuntimeError("disk full")

    hook(monkeypatch, "conll", boom)
    body = {"name": "v1", "formats": ["jsonl", "conll"]}
    release, job = create_release(gold_project, body, users["olga"])
    release.refresh_from_db()
    job.refresh_from_db()
    assert release.status == Release.Status.FAILED and release.error == "RuntimeError"
    assert job.status == Job.Status.FAILED
    assert not ReleaseFile.objects.filter(release=release).exists()
    # The jsonl files were stored before conll failed; none is left.
    assert [p for p in media.rglob("*") if p.is_file()] == []


@pytest.mark.postgres  # PostgreSQL's isolation levels
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_mid_build_is_in_no_file_of_the_release(users, media, monkeypatch):
    project = make_project(users)
    gold_document(project, "first", "Caracas spoke.")
    seen = {}

    def commit_a_document_elsewhere():
        seen["isolation"] = _isolation()
        if "done" in seen:
            return

        def other_connection():
            try:
                gold_document(project, "late", "Zanzibar spoke.")
            finally:
                connection.close()

        thread = threading.Thread(target=other_connection)
        thread.start()
        thread.join()
        seen["done"] = True

    hook(monkeypatch, "conll", commit_a_document_elsewhere)
    body = {"name": "v1", "formats": ["jsonl", "conll"], "ratios": {"train": 1.0}}
    release, _ = create_release(project, body, users["olga"])
    release.refresh_from_db()
    assert release.status == Release.Status.READY, release.error
    assert seen == {"isolation": "repeatable read", "done": True}
    assert Document.objects.filter(external_id="late").exists()
    for stored in ReleaseFile.objects.filter(release=release):
        with stored.file.open("rb") as handle:
            assert b"Zanzibar" not in handle.read(), stored.name
    assert [d["id"] for d in release.manifest["documents"]] == ["first"]
    again, _ = create_release(project, body | {"name": "v2"}, users["olga"])
    again.refresh_from_db()
    assert [d["id"] for d in again.manifest["documents"]] == ["first", "late"]


def _isolation():
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        return cursor.fetchone()[0]
