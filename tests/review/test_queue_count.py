"""The review queue's length (ReviewableCount, kept by triggers on the
documents table) equals a real count of the reviewable documents after every
kind of change that turns `reviewable` on or off, and manage.py rescore
repairs it."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from apps.annotations.counters import recount
from apps.datasets.archive import restore_archive
from apps.documents.models import (
    REVIEWABLE,
    Document,
    ReviewableCount,
    repair_reviewable_count,
    reviewable_count,
)
from apps.projects.models import Project
from apps.review import gold as review_gold
from tests.builders import annotate, span_at
from tests.datasets.test_archive import archive_of
from tests.imports.test_import_destinations import send, two_annotators

from .helpers import MOSCOW, VENEZUELA, add_annotators, document, routing_project

pytestmark = pytest.mark.django_db


def counted(project):
    """(kept, real): the queue's length as stored and as a count finds it."""
    real = Document.objects.filter(REVIEWABLE, project=project).count()
    return reviewable_count(project), real


def assert_counts(project, n):
    assert counted(project) == (n, n)


def both_annotate(doc, users, second=MOSCOW):
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    annotate(doc, users["ben"], [span_at("s1", second)])


def test_submissions_fill_the_queue(project, users):
    docs = [document(project, f"d{i}") for i in range(3)]
    assert_counts(project, 0)
    annotate(docs[0], users["ana"], [span_at("s1", MOSCOW)])
    assert_counts(project, 0)
    for doc in docs:
        both_annotate(doc, users) if doc != docs[0] else annotate(doc, users["ben"])
    assert_counts(project, 3)
    # Each change folded the project's rows into one.
    assert ReviewableCount.objects.filter(project_id=project.pk).count() == 1


def test_accept_empties_it_and_reopen_fills_it_again(project, users):
    doc = document(project)
    both_annotate(doc, users)
    review_gold.accept(doc, users["rita"])
    assert_counts(project, 0)
    review_gold.reopen(doc, users["rita"], "another look")
    assert_counts(project, 1)


def test_routing_keeps_a_document_out_until_its_extra_annotator(users, make_user):
    project = routing_project(users)
    cai, _ = add_annotators(project, make_user, "cai", "dan")
    doc = document(project)
    both_annotate(doc, users, second=VENEZUELA)
    assert_counts(project, 0)
    annotate(doc, cai, [span_at("s1", MOSCOW)])
    assert_counts(project, 1)


def test_a_new_k_moves_documents_in_and_out(project, users):
    for i in range(2):
        both_annotate(document(project, f"d{i}"), users)
    assert_counts(project, 2)
    project.annotators_per_document = 3
    project.save(update_fields=["annotators_per_document"])
    assert_counts(project, 0)
    project.annotators_per_document = 2
    project.save(update_fields=["annotators_per_document"])
    assert_counts(project, 2)


def test_imports_count_annotated_documents_and_not_others(client_for, api, project, users):
    users["ana"].email = "ana@example.org"
    users["ana"].save()
    owner = client_for("olga")
    r = send(
        owner,
        api("documents/import/"),
        two_annotators(3),
        annotations="annotators",
        user_map={"10": "ben"},
    )
    assert r.status_code == 201, r.content
    assert_counts(project, 3)
    # Predictions only: nothing to review.
    r = send(
        owner,
        api("documents/import/"),
        [
            dict(t, data=dict(t["data"], external_id=f"p{i}"))
            for i, t in enumerate(two_annotators(2))
        ],
    )
    assert r.status_code == 201, r.content
    assert_counts(project, 3)


def test_deleting_documents_and_projects(project, users):
    docs = [document(project, f"d{i}") for i in range(3)]
    for doc in docs:
        both_annotate(doc, users)
    Document.objects.filter(pk=docs[0].pk).delete()
    assert_counts(project, 2)
    pk = project.pk
    Project.objects.filter(pk=pk).delete()
    rows = ReviewableCount.objects.filter(project_id=pk)
    assert sum(rows.values_list("documents", flat=True)) == 0


def test_a_restored_project_counts_its_queue(project, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for i in range(2):
        both_annotate(document(project, f"d{i}"), users)
    document(project, "unannotated")
    restored, _ = restore_archive(io.BytesIO(archive_of(project)))
    assert counted(restored) == (2, 2)


def test_recount_of_a_wrong_count_moves_the_document(project, users):
    doc = document(project)
    both_annotate(doc, users)
    Document.objects.filter(pk=doc.pk).update(submitted_count=1)
    assert_counts(project, 0)
    recount()
    assert_counts(project, 1)


def test_rescore_repairs_a_count_edited_by_hand(project, users):
    both_annotate(document(project), users)
    ReviewableCount.objects.filter(project_id=project.pk).update(documents=7)
    ReviewableCount.objects.create(project_id=project.pk, documents=-2)
    out = io.StringIO()
    call_command("rescore", "--project", str(project.pk), stdout=out)
    assert (
        f"Project {project.pk}: the review queue counted 5, holds 1; corrected." in out.getvalue()
    )
    assert_counts(project, 1)
    assert repair_reviewable_count(project) == (1, 1)


def test_the_queue_answers_with_the_kept_count(project, users, client_for):
    for i in range(3):
        both_annotate(document(project, f"d{i}"), users)
    # What the view reports is the kept count, not a COUNT of the documents.
    ReviewableCount.objects.create(project_id=project.pk, documents=10)
    body = client_for("rita").get(f"/api/v1/projects/{project.pk}/review/queue/").json()
    assert body["count"] == 13 and len(body["results"]) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_of_the_count_never_wait_for_each_other():
    """A transaction that turned a document reviewable and stays open (an
    import, say) does not hold up another that turns one reviewable: each
    folds only the rows it can lock. Real threads, PostgreSQL."""
    project = Project.objects.create(name="busy", annotators_per_document=1)
    waiting, first, second = Document.objects.bulk_create(
        Document(project=project, external_id=str(i), text="t") for i in range(3)
    )
    # A committed row of the count, which both writers would fold.
    Document.objects.filter(pk=waiting.pk).update(annotator_count=1, submitted_count=1)
    opened, done = threading.Event(), threading.Event()
    errors = []

    def long_writer():
        try:
            with transaction.atomic():
                Document.objects.filter(pk=first.pk).update(annotator_count=1, submitted_count=1)
                opened.set()
                # Still open while the other writer runs; 10 s is the failure.
                done.wait(timeout=10)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=long_writer)
    thread.start()
    assert opened.wait(timeout=10)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        Document.objects.filter(pk=second.pk).update(annotator_count=1, submitted_count=1)
        # The open transaction's fold is not seen yet: the committed row and this one.
        assert reviewable_count(project) == 2
    finally:
        done.set()
        thread.join(timeout=30)
    assert errors == []
    assert_counts(project, 3)
