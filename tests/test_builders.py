"""The builders leave documents as production does: counters, status, adjudication."""

import pytest

from apps.annotations.assignment import DocumentFull
from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from apps.review.models import AdjudicationEvent
from tests import builders

pytestmark = pytest.mark.django_db

TEXT = "Moscow backs Caracas."


def test_annotate_counts_the_set_and_its_submission(project, users):
    document = builders.make_document(project, text=TEXT)
    builders.annotate(document, users["ana"], [builders.span("s1", 0, 6)])
    builders.annotate(
        document, users["ben"], [builders.span_of("s1", TEXT, "Caracas", "GPE")], submit=False
    )
    document.refresh_from_db()
    assert (document.annotator_count, document.submitted_count) == (2, 1)
    assert document.status_for() == Document.Status.IN_PROGRESS
    with pytest.raises(DocumentFull):  # k = 2: claim refuses a third annotator
        builders.annotate(document, users["rita"])


def test_gold_is_accepted_by_a_reviewer_and_reopened_for_more_annotators(project, users):
    document = builders.make_document(project, text=TEXT)
    gold = builders.add_set(document, AnnotationSet.Kind.GOLD, [builders.span("s1", 0, 6)])
    assert gold.status == AnnotationSet.Status.SUBMITTED and document.adjudicated_at is not None
    assert AdjudicationEvent.objects.get(document=document).user == users["rita"]
    with pytest.raises(DocumentFull):
        builders.annotate(document, users["ana"])
    with builders.reopened(document, users["rita"]):
        builders.annotate(document, users["ana"])
    document.refresh_from_db()
    assert document.adjudicated_at is not None and document.submitted_count == 1


def test_a_draft_gold_and_a_prediction_stay_out_of_the_counts(project):
    document = builders.make_document(project, text=TEXT)
    draft = builders.add_gold(document, spans=[builders.span("s1", 0, 6)], adjudicate=False)
    prediction = builders.add_prediction(document, "model", [builders.span("s1", 0, 6)])
    document.refresh_from_db()
    assert draft.status == AnnotationSet.Status.IN_PROGRESS and document.adjudicated_at is None
    assert prediction.status == AnnotationSet.Status.SUBMITTED
    assert (document.annotator_count, document.submitted_count) == (0, 0)


def test_an_invalid_payload_fails_the_builder(project, users):
    document = builders.make_document(project, text=TEXT)
    with pytest.raises(AssertionError):
        builders.annotate(document, users["ana"], [builders.span("s1", 0, 99)])
