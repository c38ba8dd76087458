"""The search vectors an import puts off (migration documents/0009): imported
documents are found before their vectors are filled and after, single
writes are indexed by the trigger at once, fill_search fills every one, and
the import stays all or nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.documents import search as search_module
from apps.documents.models import Document
from apps.documents.search import LATER, fill_search, search
from apps.imports.parsers import parse_records
from apps.imports.store import import_records
from tests.builders import make_document, make_project

pytestmark = pytest.mark.django_db

postgres = pytest.mark.postgres


def found(project, q):
    documents = Document.objects.filter(project=project).order_by("id")
    return [d.external_id for d in search(documents, q)]


def imported(project, texts):
    report = import_records(
        project, parse_records([{"id": ext, "text": text} for ext, text in texts.items()])
    )
    assert not report["errors"], report["errors"]
    return report


def unfilled(project):
    """External ids of the project's documents whose vector is NULL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT external_id FROM documents_document"
            " WHERE project_id = %s AND search IS NULL ORDER BY id",
            [project.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def setting():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [LATER])
        return cursor.fetchone()[0]


TEXTS = {"a": "Moscow condemned the strike.", "b": "Caracas and MOSCOW spoke.", "c": "Lima."}


def test_an_imported_document_is_found_before_and_after_the_fill(users):
    project = make_project(users)
    imported(project, TEXTS)
    before = [found(project, q) for q in ("moscow", "moscow caracas", "nowhere", "lima")]
    assert before == [["a", "b"], ["b"], [], ["c"]]
    assert fill_search.func(project.pk) == (3 if connection.vendor == "postgresql" else 0)
    after = [found(project, q) for q in ("moscow", "moscow caracas", "nowhere", "lima")]
    assert after == before


@postgres
def test_an_import_leaves_its_vectors_to_the_fill(users):
    project = make_project(users)
    imported(project, TEXTS)
    assert unfilled(project) == ["a", "b", "c"]
    # Whole words only, as the stored vectors answer.
    assert found(project, "mosc") == []
    fill_search.func(project.pk)
    assert unfilled(project) == []
    assert found(project, "mosc") == []


@postgres
def test_the_fill_is_enqueued_when_the_import_commits(users, django_capture_on_commit_callbacks):
    project = make_project(users)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        imported(project, TEXTS)
    # The test backend runs the task at once, as a worker would soon after.
    assert len(callbacks) == 1
    assert unfilled(project) == []


@postgres
def test_single_writes_are_indexed_by_the_trigger(users):
    project = make_project(users)
    doc = make_document(project, "a", "Moscow spoke.", title="Talks")
    assert unfilled(project) == []
    doc.text = "Caracas spoke."
    doc.save()
    assert unfilled(project) == []
    assert found(project, "caracas talks") == ["a"]
    assert found(project, "moscow") == []
    Document.objects.filter(pk=doc.pk).update(title="Summit")
    assert found(project, "summit caracas") == ["a"]


@postgres
def test_only_the_import_puts_its_vectors_off(users):
    project = make_project(users)
    imported(project, {"a": "Moscow."})
    # The rest of the transaction writes with the trigger again.
    assert setting() == "off"
    make_document(project, "b", "Moscow too.")
    assert unfilled(project) == ["a"]


@postgres
def test_the_fill_takes_every_document_of_its_project_in_batches(users, monkeypatch):
    monkeypatch.setattr(search_module, "FILL_BATCH", 2)
    project = make_project(users)
    other = make_project(users, name="Other")
    imported(project, {f"d{i}": f"Moscow {i}." for i in range(5)})
    imported(other, {"x": "Moscow."})
    with CaptureQueriesContext(connection) as queries:
        assert fill_search.func(project.pk) == 5
    updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 3  # 2 + 2 + 1
    assert unfilled(project) == []
    assert unfilled(other) == ["x"]
    assert fill_search.func(project.pk) == 0


def test_a_refused_import_stores_nothing_and_puts_nothing_off(users):
    project = make_project(users)
    report = import_records(
        project, parse_records([{"id": "a", "text": "Moscow."}, {"id": "b", "text": ""}])
    )
    assert report["errors"]
    assert not Document.objects.filter(project=project).exists()
    if connection.vendor == "postgresql":
        assert setting() in ("", "off")
    make_document(project, "c", "Moscow.")
    assert found(project, "moscow") == ["c"]


@postgres
def test_unfilled_documents_are_read_off_their_partial_index(users):
    project = make_project(users)
    imported(project, {f"d{i}": f"Moscow {i}." for i in range(30)})
    # Unfiltered and unordered, as in test_scale_paths: on 30 rows a project's
    # own index is cheapest whatever the search; what must hold is that both
    # arms of the search are conditions of an index.
    with CaptureQueriesContext(connection) as queries:
        list(search(Document.objects.order_by(), "nowhere"))
    (sql,) = [q["sql"] for q in queries.captured_queries if "plainto_tsquery" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "document_unindexed" in plan and "document_search" in plan, plan


@pytest.mark.parametrize("filled", [False, True], ids=["unfilled", "filled"])
def test_a_search_costs_the_same_queries_at_any_size(users, client_for, filled):
    client = client_for("olga")
    counts = []
    for n in (2, 40):
        project = make_project(users, name=f"p{n}")
        imported(project, {f"d{i}": f"Moscow text {i}." for i in range(n)})
        if filled:
            fill_search.func(project.pk)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/projects/{project.pk}/documents/", {"q": "moscow"})
        assert response.status_code == 200
        assert len(response.json()["results"]) == n
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 3, counts
