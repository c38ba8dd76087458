"""A model's confidence with its prediction sets: each span's score from the
suggester, and each document's uncertainty written with the sets."""

import math

import pytest
from django.test import override_settings

from apps.annotations.models import AnnotationSet, Span
from apps.annotations.sets import ProjectSchema
from apps.documents.models import Document
from apps.mentions.preannotate import PreannotateError, preannotate, write_predictions

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned the U.S. operation against Venezuela."


def scored_suggester(document, registry):
    """A model that is sure of Moscow and not of Venezuela."""
    return [
        {"start": 0, "end": 6, "label": "GPE", "score": 0.92},
        {"start": 44, "end": 53, "label": "GPE", "score": 0.41},
    ]


def badly_scored_suggester(document, registry):
    return [{"start": 0, "end": 6, "label": "GPE", "score": 1.7}]


@pytest.fixture
def docs(project):
    return [
        Document.objects.create(project=project, external_id=f"d{i}", text=TEXT) for i in range(3)
    ]


def test_a_suggesters_scores_are_stored_on_its_prediction_spans(project, docs):
    config = {"model": {"callable": f"{__name__}.scored_suggester"}}
    with override_settings(ACCORD_SUGGESTERS=config):
        preannotate(project, "model")
    scores = sorted(
        Span.objects.filter(set__source="model", set__document=docs[0]).values_list(
            "start", "score"
        )
    )
    assert scores == [(0, 0.92), (44, 0.41)]


def test_an_invalid_score_stops_the_run_naming_document_and_field(project, docs):
    config = {"model": {"callable": f"{__name__}.badly_scored_suggester"}}
    with override_settings(ACCORD_SUGGESTERS=config), pytest.raises(PreannotateError) as info:
        preannotate(project, "model")
    assert f"document {docs[0].pk}" in str(info.value)
    assert "spans[0].score: must be a number from 0 to 1, got 1.7" in str(info.value)
    assert not AnnotationSet.objects.exists()


def cleaned_for(project, documents):
    schema = ProjectSchema(project)
    out = {}
    for d in documents:
        clean, errors = schema.validate(
            d.text, {"spans": [{"start": 0, "end": 6, "label": "GPE", "score": 0.5}]}, True
        )
        assert not errors
        out[d.pk] = clean
    return out, schema.label_ids


def test_write_predictions_stores_uncertainty_and_leaves_other_documents_theirs(project, docs):
    a, b, c = docs
    Document.objects.filter(pk=c.pk).update(uncertainty=0.3)
    cleaned, label_ids = cleaned_for(project, [a, b])
    write_predictions(project, "model-v1", cleaned, label_ids, uncertainty={a.pk: 0.8, b.pk: 0})
    assert dict(Document.objects.values_list("pk", "uncertainty")) == {
        a.pk: 0.8,
        b.pk: 0.0,
        c.pk: 0.3,
    }
    # The next model's word replaces it; None clears it.
    write_predictions(project, "model-v2", cleaned, label_ids, uncertainty={a.pk: None})
    assert dict(Document.objects.values_list("pk", "uncertainty")) == {
        a.pk: None,
        b.pk: 0.0,
        c.pk: 0.3,
    }


def test_write_predictions_never_writes_another_projects_document(project, users, docs):
    from tests.builders import make_project

    other = make_project(users, name="Other")
    theirs = Document.objects.create(project=other, external_id="x", text=TEXT)
    cleaned, label_ids = cleaned_for(project, docs[:1])
    write_predictions(project, "m", cleaned, label_ids, uncertainty={theirs.pk: 0.9})
    theirs.refresh_from_db()
    assert theirs.uncertainty is None


@pytest.mark.parametrize("value", [-0.1, math.nan, math.inf, "high", True])
def test_a_wrong_uncertainty_stores_nothing_and_names_the_document(project, docs, value):
    cleaned, label_ids = cleaned_for(project, docs[:1])
    with pytest.raises(PreannotateError) as info:
        write_predictions(project, "m", cleaned, label_ids, uncertainty={docs[0].pk: value})
    assert f"uncertainty of document {docs[0].pk}" in str(info.value)
    assert not AnnotationSet.objects.exists()
    assert not Document.objects.exclude(uncertainty=None).exists()
