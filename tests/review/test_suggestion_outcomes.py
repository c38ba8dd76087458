"""What became of each prediction source's suggestions (accepted, rejected,
left): the pure count, and the reader a recommender calls, in constant queries."""

import pytest

from apps.review.agreement import prediction_agreement, suggestion_outcomes
from apps.review.outcomes import suggestion_outcomes_of
from tests.builders import add_gold, add_prediction, annotate, span_at
from tests.review.helpers import MOSCOW, OPERATION, RODRIGUEZ, VENEZUELA, document

M = {**MOSCOW}
V = {**VENEZUELA}
R = {**RODRIGUEZ}


def rejection(source, where):
    return {"source": source, **where}


def test_accepted_rejected_and_left_per_suggestion_and_set():
    predictions = {1: {"ner": [M, V, R], "aliases": [M]}, 2: {"ner": [M]}}
    sets = {
        1: {
            "ana": {"spans": [M], "rejected_predictions": [rejection("ner", V)]},
            # The same span with another label is not the suggestion.
            "ben": {"spans": [{**V, "label": "ORG"}], "rejected_predictions": []},
            "gold": {"spans": [M, R], "rejected_predictions": []},
        }
    }
    assert suggestion_outcomes(predictions, sets) == {
        # ana: M accepted, V rejected, R left; ben: all left; gold: M, R accepted, V left.
        "ner": {"accepted": 3, "rejected": 1, "left": 5},
        "aliases": {"accepted": 2, "rejected": 0, "left": 1},
    }
    # A rejection names its source: ner's rejection of V is not one of another source's.
    sets = {1: {"ana": {"spans": [], "rejected_predictions": [rejection("aliases", V)]}}}
    assert suggestion_outcomes({1: {"ner": [V]}}, sets) == {
        "ner": {"accepted": 0, "rejected": 0, "left": 1}
    }
    assert suggestion_outcomes({1: {"ner": [V]}}, {}) == {}


def test_the_agreement_report_counts_the_same_way():
    predictions = {1: {"ner": [M, V]}}
    sets = {1: {"ana": {"spans": [M], "rejected_predictions": [rejection("ner", V)]}}}
    (row,) = prediction_agreement(predictions, sets)["sources"]
    assert (row["accepted"], row["rejected"], row["unreviewed"]) == (1, 1, 0)
    assert row["acceptance"]["value"] == 0.5


@pytest.mark.django_db
def test_the_reader_counts_submitted_annotator_sets_and_gold_only(project, users):
    doc = document(project, "d1")
    other = document(project, "d2")
    add_prediction(doc, "ner-v1", [span_at("p1", MOSCOW), span_at("p2", VENEZUELA)])
    add_prediction(doc, "aliases", [span_at("p1", RODRIGUEZ)])
    add_prediction(other, "ner-v1", [span_at("p1", OPERATION)])
    annotate(
        doc,
        users["ana"],
        [span_at("s1", MOSCOW)],
        rejected=[rejection("ner-v1", VENEZUELA), rejection("aliases", RODRIGUEZ)],
    )
    # Unsubmitted work is not yet anyone's word on the suggestions.
    annotate(doc, users["ben"], [span_at("s1", VENEZUELA)], submit=False)
    add_gold(doc, spans=[span_at("g1", MOSCOW), span_at("g2", VENEZUELA)], adjudicate=False)
    assert suggestion_outcomes_of(project.documents.all()) == {
        "ner-v1": {"accepted": 3, "rejected": 1, "left": 0},
        "aliases": {"accepted": 0, "rejected": 1, "left": 1},
    }
    assert suggestion_outcomes_of(project.documents.all(), sources=["aliases"]) == {
        "aliases": {"accepted": 0, "rejected": 1, "left": 1},
    }
    assert suggestion_outcomes_of(project.documents.filter(pk=other.pk)) == {}


@pytest.mark.django_db
def test_the_reader_costs_three_queries_whatever_the_documents(
    project, users, django_assert_max_num_queries
):
    for i in range(30):
        doc = document(project, f"d{i}")
        add_prediction(doc, f"model-{i % 3}", [span_at("p1", MOSCOW), span_at("p2", VENEZUELA)])
        if i % 2:
            annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
            add_gold(doc, spans=[span_at("g1", VENEZUELA)], adjudicate=False)
    with django_assert_max_num_queries(3):
        counts = suggestion_outcomes_of(project.documents.all())
    assert sum(c["accepted"] for c in counts.values()) == 30
    assert sum(c["left"] for c in counts.values()) == 30
