"""annotator_progress: each annotator's work, in a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from apps.annotations.models import AnnotationSet
from apps.review.progress import annotator_progress
from tests.builders import add_member, annotate, make_document

pytestmark = pytest.mark.django_db


def test_counts_and_median_time(project, users):
    docs = [make_document(project, f"d{n}", text="Moscow spoke.") for n in range(3)]
    for doc in docs:
        annotate(doc, users["ana"])
    annotate(docs[0], users["ben"], submit=False)
    sets = AnnotationSet.objects.filter(author=users["ana"]).order_by("id")
    start = timezone.now() - datetime.timedelta(hours=1)
    for minutes, aset in zip((2, 4, 30), sets, strict=True):
        AnnotationSet.objects.filter(pk=aset.pk).update(
            created_at=start, submitted_at=start + datetime.timedelta(minutes=minutes)
        )
    rows = {row["username"]: row for row in annotator_progress(project)}
    assert (rows["ana"]["assigned"], rows["ana"]["submitted"], rows["ana"]["in_progress"]) == (
        3,
        3,
        0,
    )
    assert rows["ana"]["median_seconds"] == 240
    assert (rows["ben"]["in_progress"], rows["ben"]["median_seconds"]) == (1, None)
    assert set(rows) == {"ana", "ben"}


@pytest.mark.parametrize("annotators", [2, 12])
def test_constant_queries(project, users, annotators, django_assert_max_num_queries):
    for n in range(annotators):
        annotate(
            make_document(project, f"d{n}", text="Moscow spoke."), add_member(project, f"a{n}")
        )
    with django_assert_max_num_queries(2):
        assert len(annotator_progress(project)) == annotators


def test_every_annotator_has_a_median_however_many_others_submitted(project, users, monkeypatch):
    from apps.review import progress

    monkeypatch.setattr(progress, "MEDIAN_WINDOW", 1)
    docs = [make_document(project, f"d{n}", text="Moscow spoke.") for n in range(3)]
    annotate(docs[0], users["ben"])  # the oldest submission
    annotate(docs[1], users["ana"])
    annotate(docs[2], users["ana"])
    rows = {row["username"]: row for row in annotator_progress(project)}
    assert rows["ben"]["median_seconds"] is not None
    assert rows["ana"]["median_seconds"] is not None
