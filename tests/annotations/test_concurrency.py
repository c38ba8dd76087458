"""Many annotators asking for work at once never push a document past k.

Real threads, each with its own database connection, against PostgreSQL:
SQLite serialises every write transaction, so it cannot show the race.
"""

import threading

import pytest
from django.db import connections

from apps.annotations.assignment import DocumentFull, claim, next_document
from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from apps.projects.models import Membership, Project, Role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_in_threads(count, work):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_next_never_exceeds_k_under_simultaneous_requests(make_user):
    workers = 12
    project = Project.objects.create(name="race", annotators_per_document=3)
    users = [make_user(f"u{i}") for i in range(workers)]
    Membership.objects.bulk_create(
        Membership(project=project, user=u, role=Role.ANNOTATOR) for u in users
    )
    Document.objects.bulk_create(
        Document(project=project, external_id=str(i), text=f"text {i}") for i in range(5)
    )

    def work(index):
        taken = []
        # Each annotator keeps asking until nothing is left for them.
        while True:
            found = next_document(project, users[index])
            if found is None:
                return taken
            document, aset = found
            taken.append(document.pk)
            AnnotationSet.objects.filter(pk=aset.pk).update(status="submitted")

    results, errors = run_in_threads(workers, work)
    assert errors == []
    counts = {}
    for taken in results:
        assert len(taken) == len(set(taken)), "an annotator got the same document twice"
        for pk in taken:
            counts[pk] = counts.get(pk, 0) + 1
    # 5 documents × k=3 = 15 slots for 12 annotators: every slot is filled, none twice.
    assert sorted(counts.values()) == [3, 3, 3, 3, 3]
    for document in Document.objects.all():
        sets = AnnotationSet.objects.filter(document=document, kind="annotator").count()
        assert sets == document.annotator_count == 3


def test_claim_on_one_document_admits_exactly_k(make_user):
    workers = 10
    project = Project.objects.create(name="race", annotators_per_document=2)
    users = [make_user(f"u{i}") for i in range(workers)]
    document = Document.objects.create(project=project, external_id="d", text="text")
    document.project = project

    def work(index):
        try:
            claim(document, users[index])
            return "claimed"
        except DocumentFull:
            return "full"

    results, errors = run_in_threads(workers, work)
    assert errors == []
    assert results.count("claimed") == 2
    assert results.count("full") == workers - 2
    document.refresh_from_db()
    assert document.annotator_count == 2
    assert AnnotationSet.objects.filter(document=document).count() == 2
