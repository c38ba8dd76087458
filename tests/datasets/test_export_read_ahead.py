"""read_ahead: the export's next chunk read in a thread on the caller's own
connection, while the caller builds and writes the chunk before it."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.datasets.export import Exporter, export, read_ahead
from apps.datasets.options import ExportOptions
from apps.documents.models import Document
from tests.builders import annotate, span

pytestmark = pytest.mark.django_db


def reader_threads():
    return [t for t in threading.enumerate() if t.name == "export-read-ahead"]


def counts(n):
    """n counts of the documents, each a query made when it is reached."""
    for _ in range(n):
        yield Document.objects.count()


def test_the_reads_run_on_the_callers_connection_in_its_transaction(project):
    # Made in the test's transaction, not committed: another connection would not see it.
    Document.objects.create(project=project, external_id="new", text="Moscow.")
    with CaptureQueriesContext(connection) as captured:
        seen = list(read_ahead(counts(3)))
    assert seen == [Document.objects.count()] * 3
    assert len(captured) == 3
    assert not reader_threads() and not connection.allow_thread_sharing


def test_an_error_of_a_read_reaches_the_caller_after_the_reads_before_it(project):
    def reads():
        yield Document.objects.count()
        raise LookupError("the second chunk")

    taken = []
    with pytest.raises(LookupError, match="the second chunk"):
        for item in read_ahead(reads()):
            taken.append(item)
    assert taken == [Document.objects.count()]
    assert not reader_threads() and not connection.allow_thread_sharing


def test_closing_early_stops_the_reads_and_frees_the_connection(project):
    made = []

    def reads():
        for n in range(100):
            made.append(n)
            yield Document.objects.count()

    items = read_ahead(reads())
    next(items)
    items.close()
    assert not reader_threads() and not connection.allow_thread_sharing
    # The first item taken, at most one waiting and one being made when it stopped.
    assert len(made) <= 3
    assert Document.objects.filter(project=project).count() >= 0  # the connection still serves


@pytest.fixture
def annotated(project, users):
    for i in range(7):
        document = Document.objects.create(
            project=project, external_id=f"d{i}", text=f"Moscow spoke {i}."
        )
        annotate(document, users["ana"], [span("s1", 0, 6, "GPE")], submit=True)
    return project


def test_an_export_left_after_its_first_document_leaves_no_reader(annotated):
    documents = iter(Exporter(annotated, ExportOptions(source="all", chunk_size=2)))
    assert next(documents).external_id == "d0"
    documents.close()
    assert not reader_threads() and not connection.allow_thread_sharing
    stream, _ = export(annotated, "jsonl", ExportOptions(source="all", chunk_size=2))
    assert b"".join(stream).count(b"\n") == 7


def test_the_documents_seen_are_those_the_caller_took(annotated):
    exporter = Exporter(annotated, ExportOptions(source="all", chunk_size=2))
    chunks = exporter.chunks()
    first = list(next(chunks))
    assert [d.external_id for d in first] == ["d0", "d1"]
    assert exporter.documents_seen == 2
    assert sum(len(list(chunk)) for chunk in chunks) == 5
    assert exporter.documents_seen == 7
