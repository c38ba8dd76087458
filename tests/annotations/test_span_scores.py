"""A prediction span's score (a model's confidence, 0 to 1): kept on
prediction sets only, refused elsewhere naming the span, shown by the API."""

import math

import pytest
from django.db import IntegrityError, transaction

from apps.annotations.models import AnnotationSet, Span
from apps.annotations.validation import Schema, validate_set
from apps.documents.models import Document
from tests.builders import add_prediction, annotate

TEXT = "Moscow condemned the U.S. operation against Venezuela."
MOSCOW = {"id": "m", "start": 0, "end": 6, "label": "GPE"}
VENEZUELA = {"id": "v", "start": 44, "end": 53, "label": "GPE"}
SCHEMA = Schema(entity_labels={"GPE", "ORG"}, stance_labels={"OPPOSE"})


def check(spans, scores):
    return validate_set(TEXT, {"spans": spans}, SCHEMA, scores)


# --- the pure rule ------------------------------------------------------------------------


def test_a_prediction_span_keeps_its_score_as_a_float_and_none_without_one():
    clean, errors = check([{**MOSCOW, "score": 1}, {**VENEZUELA, "score": 0.25}], scores=True)
    assert errors == []
    assert [(s["id"], s["score"]) for s in clean.spans] == [("m", 1.0), ("v", 0.25)]
    assert isinstance(clean.spans[0]["score"], float)
    clean, errors = check([MOSCOW, {**VENEZUELA, "score": None}], scores=True)
    assert [s["score"] for s in clean.spans] == [None, None]


@pytest.mark.parametrize("score", [-0.01, 1.5, True, "0.9", math.nan, math.inf, [0.5]])
def test_a_score_outside_0_to_1_or_not_a_number_names_the_span(score):
    clean, errors = check([MOSCOW, {**VENEZUELA, "score": score}], scores=True)
    assert clean is None
    assert errors == [
        {"field": "spans[1].score", "message": f"must be a number from 0 to 1, got {score!r}"}
    ]


def test_annotator_and_gold_sets_refuse_a_score_naming_the_span():
    clean, errors = check([MOSCOW, {**VENEZUELA, "score": 0.9}], scores=False)
    assert clean is None
    assert [e["field"] for e in errors] == ["spans[1].score"]
    assert "only a prediction set's spans carry a score" in errors[0]["message"]
    # An explicit null is no score at all.
    clean, errors = check([{**MOSCOW, "score": None}], scores=False)
    assert errors == [] and clean.spans[0]["score"] is None


# --- stored and shown ---------------------------------------------------------------------


@pytest.fixture
def doc(project):
    return Document.objects.create(project=project, external_id="d1", text=TEXT)


def test_the_api_shows_prediction_scores_and_null_on_annotator_spans(doc, users, client_for, api):
    add_prediction(doc, "model-v3", [{**MOSCOW, "score": 0.87}, VENEZUELA])
    annotate(doc, users["ana"], [MOSCOW])
    r = client_for("olga").get(api(f"documents/{doc.pk}/annotations/"))
    assert r.status_code == 200, r.content
    by_kind = {s["kind"]: s for s in r.json()}
    assert [(s["id"], s["score"]) for s in by_kind["prediction"]["spans"]] == [
        ("m", 0.87),
        ("v", None),
    ]
    assert [s["score"] for s in by_kind["annotator"]["spans"]] == [None]


def test_an_annotator_put_with_a_score_is_refused_and_changes_nothing(doc, client_for, api):
    ana = client_for("ana")
    mine = api(f"documents/{doc.pk}/annotations/mine/")
    taken = ana.post(mine).json()
    r = ana.put(
        mine, {"version": taken["version"], "spans": [{**MOSCOW, "score": 0.5}]}, format="json"
    )
    assert r.status_code == 400, r.content
    assert [e["field"] for e in r.json()["errors"]] == ["spans[0].score"]
    assert ana.get(mine).json()["version"] == taken["version"]
    assert not Span.objects.filter(set_id=taken["id"]).exists()


def test_a_gold_put_with_a_score_is_refused(doc, users, client_for, api):
    annotate(doc, users["ana"], [MOSCOW])
    annotate(doc, users["ben"], [MOSCOW])
    rita = client_for("rita")
    gold = api(f"documents/{doc.pk}/gold/")
    r = rita.put(gold, {"version": 1, "spans": [{**MOSCOW, "score": 0.5}]}, format="json")
    assert r.status_code == 400, r.content
    assert [e["field"] for e in r.json()["errors"]] == ["spans[0].score"]
    assert not AnnotationSet.objects.filter(document=doc, kind="gold").exists()


def test_the_database_refuses_a_score_outside_0_to_1(doc):
    aset = add_prediction(doc, "model", [MOSCOW])
    span = Span.objects.get(set=aset)
    span.score = 1.01
    with pytest.raises(IntegrityError), transaction.atomic():
        span.save()
