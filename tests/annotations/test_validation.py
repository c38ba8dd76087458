"""validate_set and Schema: pure data in, cleaned data and every error out (no database)."""

import pytest

from apps.annotations.validation import Schema, describe, validate_set

TEXT = "Moscow condemned the U.S. operation against Venezuela."
MOSCOW = {"start": 0, "end": 6, "label": "GPE"}
VENEZUELA = {"start": 44, "end": 53, "label": "GPE"}


def schema(**options):
    return Schema(
        entity_labels={"PERSON", "ORG", "GPE"},
        stance_labels={"SUPPORT", "OPPOSE", "NEUTRAL"},
        **options,
    )


def check(spans=(), stances=(), text=TEXT, **options):
    return validate_set(text, {"spans": list(spans), "stances": list(stances)}, schema(**options))


def only_error(errors):
    assert len(errors) == 1, errors
    return errors[0]


def test_fixture_offsets_are_right():
    assert TEXT[0:6] == "Moscow" and TEXT[44:53] == "Venezuela"


def test_valid_set_is_cleaned():
    clean, errors = check(
        [{"id": "a", **MOSCOW, "text": "Moscow"}, {"id": "b", **VENEZUELA}],
        [{"id": "x", "holder": "a", "target": "b", "polarity": "OPPOSE"}],
    )
    assert errors == []
    assert clean.spans == [
        {"id": "a", "start": 0, "end": 6, "label": "GPE", "actor": None, "score": None},
        {"id": "b", "start": 44, "end": 53, "label": "GPE", "actor": None, "score": None},
    ]
    assert clean.stances == [
        {
            "id": "x",
            "polarity": "OPPOSE",
            "holder": "a",
            "target": "b",
            "concept": None,
            "cue": None,
        }
    ]


# --- offsets -------------------------------------------------------------------------------


def test_end_past_text_length_names_code_points():
    clean, errors = check([{"start": 50, "end": len(TEXT) + 1, "label": "GPE"}])
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "spans[0].end"
    assert str(len(TEXT)) in error["message"]
    assert "code point" in error["message"]


def test_end_equal_to_text_length_is_fine():
    clean, errors = check([{"start": len(TEXT) - 1, "end": len(TEXT), "label": "GPE"}])
    assert errors == [] and clean.spans[0]["end"] == len(TEXT)


def test_start_past_text_length():
    clean, errors = check([{"start": len(TEXT) + 5, "end": len(TEXT) + 6, "label": "GPE"}])
    assert clean is None
    fields = {e["field"] for e in errors}
    assert "spans[0].start" in fields


@pytest.mark.parametrize("start,end", [(6, 6), (10, 6)])
def test_start_not_before_end(start, end):
    clean, errors = check([{"start": start, "end": end, "label": "GPE"}])
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "spans[0].end"
    assert str(start) in error["message"]


@pytest.mark.parametrize("name", ["start", "end"])
def test_negative_offset(name):
    span = {"start": 0, "end": 6, "label": "GPE", name: -1}
    clean, errors = check([span])
    assert clean is None
    error = only_error(errors)
    assert error["field"] == f"spans[0].{name}"
    assert "negative" in error["message"]


@pytest.mark.parametrize("value", [1.0, "1", None, True, False, [1]])
@pytest.mark.parametrize("name", ["start", "end"])
def test_non_integer_and_boolean_offsets(name, value):
    span = {"start": 0, "end": 6, "label": "GPE", name: value}
    clean, errors = check([span])
    assert clean is None
    error = only_error(errors)
    assert error["field"] == f"spans[0].{name}"
    assert "integer" in error["message"]


def test_boolean_true_is_not_one():
    # text[0:1] == "M": if True counted as 1 the set would be valid.
    clean, errors = check([{"start": 0, "end": True, "label": "GPE", "text": "M"}])
    assert clean is None and errors[0]["field"] == "spans[0].end"


# --- text ----------------------------------------------------------------------------------


def test_text_mismatch_shows_both_strings():
    clean, errors = check([{**MOSCOW, "text": "Caracas"}])
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "spans[0].text"
    assert "Caracas" in error["message"]
    assert "Moscow" in error["message"]


def test_text_matching_exactly_is_accepted():
    clean, errors = check([{**MOSCOW, "text": "Moscow"}])
    assert errors == [] and len(clean.spans) == 1


def test_text_is_compared_exactly_not_case_folded():
    clean, errors = check([{**MOSCOW, "text": "moscow"}])
    assert clean is None and only_error(errors)["field"] == "spans[0].text"


# --- labels --------------------------------------------------------------------------------


def test_unknown_label_lists_project_labels():
    clean, errors = check([{**MOSCOW, "label": "LOC"}])
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "spans[0].label"
    assert "LOC" in error["message"]
    for name in ("PERSON", "ORG", "GPE"):
        assert name in error["message"]


def test_stance_label_as_span_label():
    clean, errors = check([{**MOSCOW, "label": "SUPPORT"}])
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "spans[0].label"
    assert "stance label" in error["message"]


def test_missing_label():
    clean, errors = check([{"start": 0, "end": 6}])
    assert clean is None and only_error(errors)["field"] == "spans[0].label"


def test_entity_label_as_stance_polarity():
    clean, errors = check(
        [{"id": "a", **MOSCOW}, {"id": "b", **VENEZUELA}],
        [{"holder": "a", "target": "b", "polarity": "GPE"}],
    )
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "stances[0].polarity"
    assert "entity label" in error["message"]


def test_unknown_polarity_lists_stance_labels():
    clean, errors = check(
        [{"id": "a", **MOSCOW}, {"id": "b", **VENEZUELA}],
        [{"holder": "a", "target": "b", "polarity": "AGAINST"}],
    )
    assert clean is None
    message = only_error(errors)["message"]
    for name in ("SUPPORT", "OPPOSE", "NEUTRAL"):
        assert name in message


# --- stance references ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["holder", "target", "cue"])
def test_stance_reference_to_missing_span(name):
    stance = {"holder": "a", "target": "b", "polarity": "OPPOSE", name: "zzz"}
    clean, errors = check([{"id": "a", **MOSCOW}, {"id": "b", **VENEZUELA}], [stance])
    assert clean is None
    error = only_error(errors)
    assert error["field"] == f"stances[0].{name}"
    assert "zzz" in error["message"]


def test_stance_cue_pointing_at_a_span_is_kept():
    cue = {"id": "c", "start": 7, "end": 16, "label": "ORG"}
    clean, errors = check(
        [{"id": "a", **MOSCOW}, {"id": "b", **VENEZUELA}, cue],
        [{"holder": "a", "target": "b", "polarity": "OPPOSE", "cue": "c"}],
    )
    assert errors == [] and clean.stances[0]["cue"] == "c"


@pytest.mark.parametrize("name", ["holder", "target"])
def test_stance_holder_and_target_are_required(name):
    stance = {"holder": "a", "target": "b", "polarity": "OPPOSE"}
    del stance[name]
    clean, errors = check([{"id": "a", **MOSCOW}, {"id": "b", **VENEZUELA}], [stance])
    assert clean is None and only_error(errors)["field"] == f"stances[0].{name}"


def test_stance_may_not_point_at_another_stance():
    clean, errors = check(
        [{"id": "a", **MOSCOW}, {"id": "b", **VENEZUELA}],
        [
            {"id": "t", "holder": "a", "target": "b", "polarity": "OPPOSE"},
            {"holder": "a", "target": "t", "polarity": "SUPPORT"},
        ],
    )
    assert clean is None and only_error(errors)["field"] == "stances[1].target"


def test_holder_equal_to_target():
    clean, errors = check(
        [{"id": "a", **MOSCOW}], [{"holder": "a", "target": "a", "polarity": "SUPPORT"}]
    )
    assert clean is None
    assert only_error(errors)["field"] == "stances[0].target"


# --- ids -----------------------------------------------------------------------------------


def test_duplicate_span_ids():
    clean, errors = check([{"id": "a", **MOSCOW}, {"id": "a", **VENEZUELA}])
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "spans[1].id"
    assert "spans[0]" in error["message"]


def test_span_and_stance_share_one_id_namespace():
    clean, errors = check(
        [{"id": "a", **MOSCOW}, {"id": "b", **VENEZUELA}],
        [{"id": "a", "holder": "a", "target": "b", "polarity": "OPPOSE"}],
    )
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "stances[0].id"
    assert "spans[0]" in error["message"]


def test_duplicate_stance_ids():
    clean, errors = check(
        [{"id": "a", **MOSCOW}, {"id": "b", **VENEZUELA}],
        [
            {"id": "t", "holder": "a", "target": "b", "polarity": "OPPOSE"},
            {"id": "t", "holder": "b", "target": "a", "polarity": "OPPOSE"},
        ],
    )
    assert clean is None and only_error(errors)["field"] == "stances[1].id"


def test_integer_id_is_the_same_as_its_string():
    clean, errors = check([{"id": 1, **MOSCOW}, {"id": "1", **VENEZUELA}])
    assert clean is None and only_error(errors)["field"] == "spans[1].id"


def test_duplicate_identical_spans():
    clean, errors = check([dict(MOSCOW), dict(MOSCOW)])
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "spans[1]"
    assert "spans[0]" in error["message"]


def test_same_offsets_different_label_is_not_a_duplicate():
    clean, errors = check([dict(MOSCOW), {**MOSCOW, "label": "ORG"}])
    assert errors == [] and len(clean.spans) == 2


def test_duplicate_identical_stances():
    stance = {"holder": "a", "target": "b", "polarity": "OPPOSE"}
    clean, errors = check(
        [{"id": "a", **MOSCOW}, {"id": "b", **VENEZUELA}], [dict(stance), dict(stance)]
    )
    assert clean is None and only_error(errors)["field"] == "stances[1]"


def test_server_made_ids_skip_taken_ids():
    cue = {"start": 7, "end": 16, "label": "ORG"}
    clean, errors = check(
        [{"id": "s1", **MOSCOW}, dict(VENEZUELA), {"id": "t1", **cue}, {**cue, "label": "GPE"}],
        [
            {"holder": "s1", "target": "t1", "polarity": "OPPOSE"},
            {"id": "s2", "holder": "t1", "target": "s1", "polarity": "SUPPORT"},
            {"holder": "s1", "target": "t1", "polarity": "NEUTRAL"},
        ],
    )
    assert errors == []
    span_ids = [s["id"] for s in clean.spans]
    stance_ids = [t["id"] for t in clean.stances]
    # s1 and s2 (a stance's id) are taken: the server makes s3, s4; t1 is a span's id.
    assert span_ids == ["s1", "s3", "t1", "s4"]
    assert stance_ids == ["t2", "s2", "t3"]
    every = span_ids + stance_ids
    assert len(set(every)) == len(every)


def test_server_made_ids_start_at_one():
    clean, errors = check(
        [dict(MOSCOW), dict(VENEZUELA)],
    )
    assert errors == [] and [s["id"] for s in clean.spans] == ["s1", "s2"]


# --- actors --------------------------------------------------------------------------------


def test_merged_actor_names_survivor():
    clean, errors = check([{**MOSCOW, "actor": 7}], actors={9}, merged_actors={7: 9})
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "spans[0].actor"
    assert "merged" in error["message"]
    assert "9" in error["message"]


def test_unknown_actor():
    clean, errors = check([{**MOSCOW, "actor": 42}], actors={1, 2})
    assert clean is None
    error = only_error(errors)
    assert error["field"] == "spans[0].actor"
    assert "42" in error["message"]


def test_known_actor_is_kept():
    clean, errors = check([{**MOSCOW, "actor": 2}], actors={1, 2})
    assert errors == [] and clean.spans[0]["actor"] == 2


@pytest.mark.parametrize("value", ["2", True, 2.0])
def test_actor_must_be_an_integer(value):
    clean, errors = check([{**MOSCOW, "actor": value}], actors={1, 2})
    assert clean is None and only_error(errors)["field"] == "spans[0].actor"


# --- all errors at once ---------------------------------------------------------------------


def test_every_error_is_reported_at_once():
    clean, errors = check(
        [
            {"start": -1, "end": 6, "label": "GPE"},
            {**MOSCOW, "label": "LOC"},
            {**VENEZUELA, "text": "Caracas"},
        ]
    )
    assert clean is None
    assert [e["field"] for e in errors] == ["spans[0].start", "spans[1].label", "spans[2].text"]


def test_errors_in_spans_and_stances_together():
    clean, errors = check(
        [{"id": "a", **MOSCOW, "label": "LOC"}, {"id": "b", **VENEZUELA}],
        [{"holder": "a", "target": "b", "polarity": "LIKES"}],
    )
    assert clean is None
    assert [e["field"] for e in errors] == ["spans[0].label", "stances[0].polarity"]


def test_spans_and_stances_must_be_lists():
    clean, errors = validate_set(TEXT, {"spans": {"a": 1}, "stances": "x"}, schema())
    assert clean is None
    assert {e["field"] for e in errors} == {"spans", "stances"}


# --- describe ------------------------------------------------------------------------------


def test_describe_joins_field_and_message():
    errors = [
        {"field": "spans[0].start", "message": "must not be negative, got -1"},
        {"field": "spans[1].label", "message": "is required"},
    ]
    assert describe(errors) == (
        "spans[0].start: must not be negative, got -1; spans[1].label: is required"
    )


def test_describe_limits_and_counts_the_rest():
    errors = [{"field": f"spans[{i}]", "message": "bad"} for i in range(8)]
    text = describe(errors)
    assert text.count("bad") == 5
    assert "spans[4]" in text and "spans[5]" not in text
    assert text.endswith("and 3 more")


def test_describe_exactly_at_limit_has_no_more():
    errors = [{"field": f"spans[{i}]", "message": "bad"} for i in range(5)]
    assert "more" not in describe(errors)


def test_describe_of_real_errors():
    _clean, errors = check([{**MOSCOW, "text": "Caracas"}])
    text = describe(errors)
    assert text.startswith("spans[0].text: ")
    assert "Caracas" in text and "Moscow" in text
