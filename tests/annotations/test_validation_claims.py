"""validate_set on claims: stances on concepts and document categories (no database)."""

import pytest

from apps.annotations.validation import Schema, validate_set

TEXT = "Moscow defends Venezuela's sovereignty."
MOSCOW = {"id": "m", "start": 0, "end": 6, "label": "GPE"}
VENEZUELA = {"id": "v", "start": 15, "end": 24, "label": "GPE"}
CATEGORIES = {
    "FRAME_CONFLICT": ("FRAME", False),
    "FRAME_LAW": ("FRAME", False),
    "TOPIC_OIL": ("TOPIC", True),
    "TOPIC_MILITARY": ("TOPIC", True),
}


def check(stances=(), categories=None, concepts=frozenset({7, 8}), merged=None):
    schema = Schema(
        entity_labels={"GPE"},
        stance_labels={"SUPPORT", "OPPOSE"},
        concepts=set(concepts),
        merged_concepts=merged or {},
        categories=CATEGORIES,
    )
    data = {"spans": [MOSCOW, VENEZUELA], "stances": list(stances)}
    if categories is not None:
        data["categories"] = categories
    return validate_set(TEXT, data, schema)


def only_error(errors):
    assert len(errors) == 1, errors
    return errors[0]


def test_a_stance_on_a_concept_is_cleaned_with_no_target():
    clean, errors = check([{"holder": "m", "concept": 7, "polarity": "SUPPORT"}])
    assert errors == []
    assert clean.stances == [
        {
            "id": "t1",
            "polarity": "SUPPORT",
            "concept": 7,
            "holder": "m",
            "target": None,
            "cue": None,
        }
    ]


def test_a_stance_on_a_span_keeps_concept_none():
    clean, _ = check([{"holder": "m", "target": "v", "polarity": "OPPOSE"}])
    assert clean.stances[0]["concept"] is None and clean.stances[0]["target"] == "v"


@pytest.mark.parametrize(
    ("stance", "field", "says"),
    [
        (
            {"holder": "m", "target": "v", "concept": 7, "polarity": "SUPPORT"},
            "concept",
            "not both",
        ),
        ({"holder": "m", "polarity": "SUPPORT"}, "target", "or give a concept id"),
        ({"holder": "m", "concept": 99, "polarity": "SUPPORT"}, "concept", "no concept 99"),
        ({"holder": "m", "concept": "7", "polarity": "SUPPORT"}, "concept", "an integer"),
        ({"holder": "m", "concept": True, "polarity": "SUPPORT"}, "concept", "an integer"),
        ({"holder": "m", "concept": 2**70, "polarity": "SUPPORT"}, "concept", "no concept"),
        ({"concept": 7, "polarity": "SUPPORT"}, "holder", "is required"),
        ({"holder": "m", "concept": 7, "polarity": "GPE"}, "polarity", "entity label"),
    ],
)
def test_each_wrong_concept_stance_says_which_field_and_why(stance, field, says):
    clean, errors = check([stance])
    error = only_error(errors)
    assert clean is None
    assert error["field"] == f"stances[0].{field}" and says in error["message"], error


def test_a_merged_concept_names_its_survivor():
    _, errors = check([{"holder": "m", "concept": 5, "polarity": "SUPPORT"}], merged={5: 7})
    assert "merged into concept 7" in only_error(errors)["message"]


def test_the_same_claim_twice_is_refused_but_another_polarity_is_not():
    claim = {"holder": "m", "concept": 7, "polarity": "SUPPORT"}
    _, errors = check([claim, dict(claim)])
    assert "same holder, concept and polarity" in only_error(errors)["message"]
    clean, errors = check([claim, {**claim, "polarity": "OPPOSE"}, {**claim, "concept": 8}])
    assert errors == [] and len(clean.stances) == 3


def test_categories_are_cleaned_sorted_and_once():
    clean, errors = check(categories=["TOPIC_OIL", "FRAME_LAW", "TOPIC_MILITARY"])
    assert errors == []
    assert clean.categories == ["FRAME_LAW", "TOPIC_MILITARY", "TOPIC_OIL"]
    clean, _ = check()
    assert clean.categories == []


@pytest.mark.parametrize(
    ("categories", "field", "says"),
    [
        ("FRAME_LAW", "categories", "must be a list"),
        (["FRAME_LAW", "FRAME_CONFLICT"], "categories[1]", "FRAME takes one category"),
        (["TOPIC_OIL", "TOPIC_OIL"], "categories[1]", "repeats categories[0]"),
        (["FRAME_NONE"], "categories[0]", "unknown category FRAME_NONE"),
        (["GPE"], "categories[0]", "not a category label"),
        ([3], "categories[0]", "must be a category label name"),
    ],
)
def test_each_wrong_category_says_which_and_why(categories, field, says):
    clean, errors = check(categories=categories)
    error = only_error(errors)
    assert clean is None
    assert error["field"] == field and says in error["message"], error
