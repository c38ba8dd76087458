"""merge.py for stances on concepts and document categories: candidates,
auto-merge (single-choice groups), decisions, reversal, diff and provenance."""

import pytest

from apps.review import merge
from apps.review.merge import Gold, MergeError
from tests.builders import concept_stance, span, stance

MOSCOW = (0, 6, "GPE")
KYIV = (20, 24, "GPE")
CHARTER = 7  # a concept id
SANCTIONS = 8
# label -> (group, multiple), as ProjectSchema.categories gives them
GROUPS = {
    "Politics": ("Topic", False),
    "Economy": ("Topic", False),
    "War": ("Topic", False),
    "Opinion": ("Genre", True),
    "Analysis": ("Genre", True),
}


def sets():
    """ana, ben, cai: Moscow SUPPORTs the Charter (ana, ben), OPPOSEs it (cai);
    Topic Politics (ana, ben), War (cai); Genre Opinion (all), Analysis (ana)."""
    return {
        "ana": {
            "spans": [span("a1", *MOSCOW), span("a2", *KYIV)],
            "stances": [stance("at", "a1", "a2"), concept_stance("ac", "a1", CHARTER)],
            "categories": ["Analysis", "Opinion", "Politics"],
        },
        "ben": {
            "spans": [span("b1", *MOSCOW)],
            "stances": [concept_stance("bc", "b1", CHARTER, cue="b1")],
            "categories": ["Opinion", "Politics"],
        },
        "cai": {
            "spans": [span("c1", *MOSCOW)],
            "stances": [concept_stance("cc", "c1", CHARTER, "OPPOSE")],
            "categories": ["Opinion", "War"],
        },
    }


def test_candidates_keep_concept_stances_apart_from_stances_and_count_categories():
    cands = merge.candidates(sets())
    assert [(c["key"], c["annotators"]) for c in cands["stances"]] == [
        ((MOSCOW, KYIV, "OPPOSE"), ["ana"])
    ]
    assert [(c["key"], c["annotators"]) for c in cands["concept_stances"]] == [
        ((MOSCOW, CHARTER, "OPPOSE"), ["cai"]),
        ((MOSCOW, CHARTER, "SUPPORT"), ["ana", "ben"]),
    ]
    support = cands["concept_stances"][1]
    assert support["cues"] == {"ana": None, "ben": MOSCOW}
    assert [(c["key"], c["annotators"]) for c in cands["categories"]] == [
        ("Analysis", ["ana"]),
        ("Opinion", ["ana", "ben", "cai"]),
        ("Politics", ["ana", "ben"]),
        ("War", ["cai"]),
    ]


def test_gold_payload_round_trip_keeps_concept_stances_and_categories():
    payload = {
        "spans": [span("s1", *MOSCOW)],
        "stances": [concept_stance("t1", "s1", CHARTER)],
        "categories": ["Opinion", "Politics"],
    }
    gold = merge.gold_from_payload(payload)
    assert gold.concept_stances == {(MOSCOW, CHARTER, "SUPPORT"): {"cue": None, "id": "t1"}}
    assert gold.categories == {"Opinion", "Politics"}
    out = merge.gold_to_payload(gold)
    assert out["stances"] == [
        {
            "id": "t1",
            "holder": "s1",
            "target": None,
            "concept": CHARTER,
            "polarity": "SUPPORT",
            "cue": None,
        }
    ]
    assert out["categories"] == ["Opinion", "Politics"]


def test_auto_merge_takes_concept_stances_and_the_single_choice_winner():
    result = merge.auto_merge(merge.candidates(sets()), Gold(), 2, GROUPS)
    assert set(result.gold.concept_stances) == {(MOSCOW, CHARTER, "SUPPORT")}
    # The cue most voters gave is ben's alone (ana gave none), so it goes in.
    assert result.gold.concept_stances[(MOSCOW, CHARTER, "SUPPORT")]["cue"] == MOSCOW
    assert result.gold.categories == {"Opinion", "Politics"}
    assert [c["key"] for c in result.categories] == ["Opinion", "Politics"]
    assert result.category_ties == []


def test_auto_merge_lists_a_single_choice_tie_and_merges_neither():
    result = merge.auto_merge(merge.candidates(sets()), Gold(), 1, GROUPS)
    # At one vote: Politics 2, War 1, so Politics wins; Genre takes several.
    assert result.gold.categories == {"Analysis", "Opinion", "Politics"}
    two = {
        "ana": {"categories": ["Politics"]},
        "ben": {"categories": ["War"]},
    }
    tied = merge.auto_merge(merge.candidates(two), Gold(), 1, GROUPS)
    assert tied.gold.categories == set()
    [tie] = tied.category_ties
    assert tie["group"] == "Topic"
    assert [c["key"] for c in tie["categories"]] == ["Politics", "War"]


def test_auto_merge_leaves_a_single_choice_group_the_reviewer_chose():
    result = merge.auto_merge(merge.candidates(sets()), Gold(categories={"War"}), 2, GROUPS)
    assert result.gold.categories == {"War", "Opinion"}


def test_auto_merge_skips_a_concept_stance_whose_holder_is_not_in_gold():
    two = {"ana": sets()["ana"], "ben": {"spans": [span("b1", *KYIV)], "stances": []}}
    cands = merge.candidates(two)
    cands["concept_stances"][0]["annotators"] = ["ana", "ben"]  # enough votes
    result = merge.auto_merge(cands, Gold(), 2, GROUPS)
    assert result.gold.concept_stances == {}
    assert [c["key"] for c in result.skipped_concept_stances] == [(MOSCOW, CHARTER, "SUPPORT")]


def claim(polarity="SUPPORT", concept=CHARTER, cue=None):
    return merge.concept_stance_item((MOSCOW, concept, polarity), cue)


def test_a_concept_stance_needs_its_holder_then_reverses_exactly():
    with pytest.raises(MergeError) as error:
        merge.plan(Gold(), "accept", "concept_stance", claim())
    assert error.value.field == "concept_stance.holder"
    gold = Gold(spans={MOSCOW: {"actor": None, "id": "s1"}})
    change = merge.plan(gold, "accept", "concept_stance", claim())
    after = merge.apply(gold, change)
    assert set(after.concept_stances) == {(MOSCOW, CHARTER, "SUPPORT")}
    edit = merge.plan(after, "edit", "concept_stance", claim(), claim("OPPOSE", SANCTIONS))
    edited = merge.apply(after, edit)
    assert set(edited.concept_stances) == {(MOSCOW, SANCTIONS, "OPPOSE")}
    with pytest.raises(MergeError, match="changed since"):
        merge.revert(edited, change)
    assert merge.revert(merge.revert(edited, edit), change).concept_stances == {}


def test_rejecting_or_moving_a_holder_span_takes_its_concept_stances_along():
    gold = Gold(
        spans={MOSCOW: {"actor": None, "id": "s1"}},
        concept_stances={(MOSCOW, CHARTER, "SUPPORT"): {"cue": MOSCOW, "id": "t1"}},
    )
    reject = merge.plan(gold, "reject", "span", merge.span_item(MOSCOW, None))
    assert reject.before["concept_stances"] == [claim(cue=MOSCOW)]
    assert merge.apply(gold, reject).concept_stances == {}
    wider = (0, 7, "GPE")
    edit = merge.plan(
        gold, "edit", "span", merge.span_item(MOSCOW, None), merge.span_item(wider, None)
    )
    moved = merge.apply(gold, edit)
    assert moved.concept_stances == {(wider, CHARTER, "SUPPORT"): {"cue": wider, "id": None}}
    with pytest.raises(MergeError, match="would lose its holder"):
        merge.apply(gold, merge.Change({"spans": [merge.span_item(MOSCOW, None)]}, {}))


def test_a_category_of_a_single_choice_group_replaces_the_one_in_gold():
    gold = Gold(categories={"Politics", "Opinion"})
    change = merge.plan(gold, "accept", "category", {"label": "War"}, groups=GROUPS)
    assert change.before["categories"] == [{"label": "Politics"}]
    assert change.after["categories"] == [{"label": "War"}]
    after = merge.apply(gold, change)
    assert after.categories == {"War", "Opinion"}
    assert merge.revert(after, change).categories == {"Politics", "Opinion"}
    several = merge.plan(gold, "accept", "category", {"label": "Analysis"}, groups=GROUPS)
    assert several.before["categories"] == []
    with pytest.raises(MergeError, match="already in the gold set"):
        merge.plan(gold, "add", "category", {"label": "Opinion"}, groups=GROUPS)
    edit = merge.plan(gold, "edit", "category", {"label": "Opinion"}, {"label": "Analysis"})
    assert merge.apply(gold, edit).categories == {"Politics", "Analysis"}
    with pytest.raises(MergeError) as error:
        merge.plan(gold, "accept", "category", {"name": "War"})
    assert error.value.field == "category.label"


def test_rejected_candidates_diff_and_provenance_cover_the_new_layers():
    cands = merge.candidates(sets())
    assert merge.rejected_candidate(cands, "category", {"label": "War"})
    assert not merge.rejected_candidate(cands, "category", {"label": "Economy"})
    assert merge.rejected_candidate(cands, "concept_stance", claim("OPPOSE"))
    old = Gold(spans={MOSCOW: {"actor": None, "id": "s1"}}, categories={"War"})
    new = old.copy()
    new.categories = {"Politics", "Economy"}
    new.concept_stances[(MOSCOW, CHARTER, "SUPPORT")] = {"cue": None, "id": None}
    changes = [(a, t, c.before, c.after) for a, t, c in merge.diff(old, new, cands)]
    assert changes == [
        ("accept", "concept_stance", {"concept_stances": []}, {"concept_stances": [claim()]}),
        ("add", "category", {"categories": []}, {"categories": [{"label": "Economy"}]}),
        ("accept", "category", {"categories": []}, {"categories": [{"label": "Politics"}]}),
        ("reject", "category", {"categories": [{"label": "War"}]}, {"categories": []}),
    ]
    origins = merge.provenance(new, cands, GROUPS)
    support = origins["concept_stances"][(MOSCOW, CHARTER, "SUPPORT")]
    assert support["origin"] == "annotators" and support["annotators"] == ["ana", "ben"]
    assert support["from"] == [{"concept_stance": claim("OPPOSE"), "annotators": ["cai"]}]
    economy = origins["categories"]["Economy"]
    assert (economy["origin"], economy["annotators"]) == ("changed", [])
    assert {f["category"]["label"] for f in economy["from"]} == {"Politics", "War"}
    assert origins["categories"]["Politics"]["annotators"] == ["ana", "ben"]
