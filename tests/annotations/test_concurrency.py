"""Many annotators asking for work at once never push a document past k, and
one annotator asking many times at once never holds more documents than
the project allows.

Real threads, each with its own database connection, against PostgreSQL:
SQLite serialises every write transaction, so it cannot show the race.
"""

import threading

import pytest
from django.db import connections, transaction

from apps.annotations.assignment import (
    DocumentFull,
    HoldingLimit,
    _lock_member,
    claim,
    next_document,
)
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
            document, aset, _ = found
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
    Membership.objects.bulk_create(
        Membership(project=project, user=u, role=Role.ANNOTATOR) for u in users
    )
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


def one_annotator_project(make_user, limit, documents=30):
    project = Project.objects.create(
        name="race", annotators_per_document=2, max_unfinished_per_annotator=limit
    )
    user = make_user("ana")
    Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
    Document.objects.bulk_create(
        Document(project=project, external_id=str(i), text=f"text {i}") for i in range(documents)
    )
    return project, user


def held(user):
    return AnnotationSet.objects.filter(author=user, kind="annotator", status="in_progress")


@pytest.mark.parametrize("limit", [1, 3])
def test_simultaneous_next_of_one_annotator_takes_at_most_the_limit(make_user, limit):
    """20 `next` at once from one user used to take 5 documents: every one
    resumes what the first ones took."""
    project, user = one_annotator_project(make_user, limit)
    results, errors = run_in_threads(20, lambda index: next_document(project, user)[0].pk)
    assert errors == []
    taken = set(held(user).values_list("document_id", flat=True))
    assert len(taken) == limit
    assert set(results) == taken
    for document in Document.objects.filter(project=project):
        sets = AnnotationSet.objects.filter(document=document).count()
        assert document.annotator_count == sets == (1 if document.pk in taken else 0)


def test_simultaneous_claims_of_one_annotator_on_many_documents(make_user):
    project, user = one_annotator_project(make_user, limit=2, documents=12)
    documents = list(Document.objects.filter(project=project).order_by("id"))
    for document in documents:
        document.project = project

    def work(index):
        try:
            claim(documents[index], user)
            return "claimed"
        except HoldingLimit:
            return "refused"

    results, errors = run_in_threads(len(documents), work)
    assert errors == []
    assert results.count("claimed") == 2
    assert held(user).count() == 2
    assert (
        sum(Document.objects.filter(project=project).values_list("annotator_count", flat=True)) == 2
    )


def test_one_members_claim_does_not_hold_up_another(make_user):
    """The membership lock is one row: while ana's claim holds hers, ben's
    goes through (a lock joined to the project's row would make him wait)."""
    project, ana = one_annotator_project(make_user, limit=1, documents=2)
    ben = make_user("ben")
    Membership.objects.create(project=project, user=ben, role=Role.ANNOTATOR)
    document = Document.objects.filter(project=project).order_by("id").first()
    document.project = project
    done = threading.Event()

    def bens_claim():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SET lock_timeout = '5s'")
            claim(document, ben)
            done.set()
        finally:
            connections.close_all()

    with transaction.atomic():
        _lock_member(project.pk, ana)
        thread = threading.Thread(target=bens_claim)
        thread.start()
        thread.join(timeout=10)
        assert done.is_set(), "ben's claim waited for ana's lock"
    assert AnnotationSet.objects.filter(author=ben).count() == 1
