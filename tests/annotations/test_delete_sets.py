"""delete_sets: prediction sets only, since it keeps no document counts."""

import pytest

from apps.annotations.models import AnnotationSet, Span
from apps.annotations.sets import delete_sets
from apps.documents.models import Document
from tests.builders import add_gold, add_prediction, annotate, make_document, span_of

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned Caracas."


def _spans():
    return [span_of("s1", TEXT, "Moscow", "GPE")]


def test_prediction_sets_are_deleted_with_their_spans(project):
    document = make_document(project, text=TEXT)
    prediction = add_prediction(document, spans=_spans())
    delete_sets([(prediction.pk, document.pk)])
    assert not AnnotationSet.objects.filter(pk=prediction.pk).exists()
    assert not Span.objects.filter(set_id=prediction.pk).exists()


def test_an_annotator_set_is_refused_and_nothing_is_deleted(project, users):
    document = make_document(project, text=TEXT)
    prediction = add_prediction(document, spans=_spans())
    mine = annotate(document, users["ana"], spans=_spans())
    assert (document.annotator_count, document.submitted_count) == (1, 1)

    with pytest.raises(ValueError, match="prediction sets only"):
        delete_sets([(prediction.pk, document.pk), (mine.pk, document.pk)])

    # Deleting it here would leave the document counting a set it no longer has.
    assert set(AnnotationSet.objects.values_list("pk", flat=True)) == {prediction.pk, mine.pk}
    assert Span.objects.filter(set_id__in=[prediction.pk, mine.pk]).count() == 2
    document = Document.objects.get(pk=document.pk)
    assert (document.annotator_count, document.submitted_count) == (1, 1)


def test_a_gold_set_is_refused(project):
    document = make_document(project, text=TEXT)
    gold = add_gold(document, spans=_spans())
    with pytest.raises(ValueError, match="prediction sets only"):
        delete_sets([(gold.pk, document.pk)])
    assert AnnotationSet.objects.filter(pk=gold.pk).exists()
