"""A document's status: document_status() and every count or filter that uses it."""

import pytest
from django.utils import timezone

from apps.documents.models import Document
from apps.front.views.projects import _progress
from apps.front.views.review import status_counts

pytestmark = pytest.mark.django_db

# (external id, annotator_count, submitted_count, adjudicated, annotators_wanted)
SHAPES = [
    ("new", 0, 0, False, None),
    ("adjudicated-untouched", 0, 0, True, None),
    ("in-progress", 1, 0, False, None),
    ("annotated", 2, 2, False, None),
    ("routed-waiting", 2, 2, False, 3),
    ("routed-done", 3, 3, False, 3),
    ("adjudicated", 2, 2, True, None),
]


@pytest.fixture
def documents(project):
    """The project (k = 2) with a document of every shape."""
    now = timezone.now()
    return {
        external_id: Document.objects.create(
            project=project,
            external_id=external_id,
            text="Moscow.",
            annotator_count=assigned,
            submitted_count=submitted,
            adjudicated_at=now if adjudicated else None,
            annotators_wanted=wanted,
        )
        for external_id, assigned, submitted, adjudicated, wanted in SHAPES
    }


def expected(documents):
    return {pk: d.status_for() for pk, d in ((d.pk, d) for d in documents.values())}


def test_with_status_agrees_with_document_status(project, documents):
    want = expected(documents)
    for status in Document.Status:
        got = set(
            Document.objects.filter(project=project)
            .with_status(status)
            .values_list("pk", flat=True)
        )
        assert got == {pk for pk, s in want.items() if s == status}, status
    assert Document.objects.with_status(Document.Status.NEW).get().external_id == "new"


def test_the_dashboard_counts_agree_with_document_status(project, documents):
    want = list(expected(documents).values())
    counts = status_counts(project)
    assert counts["total"] == len(SHAPES)
    for status in Document.Status:
        assert counts[status] == want.count(status), status


def test_the_project_list_counts_a_routed_document_as_done_only_when_it_is(
    project, documents, users
):
    want = list(expected(documents).values())
    done = want.count(Document.Status.ANNOTATED) + want.count(Document.Status.ADJUDICATED)
    progress = _progress([project.pk], users["olga"])[project.pk]
    assert progress["submitted"] == done == 4
