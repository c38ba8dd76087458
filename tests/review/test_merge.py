"""merge.py: candidates with votes, auto-merge, decisions and their reversal, over plain data."""

import pytest

from apps.projects.limits import MAX_ANNOTATORS
from apps.review import merge
from apps.review.merge import Change, Gold, MergeError
from tests.builders import span, stance

MOSCOW = (0, 6, "GPE")
VENEZUELA = (39, 48, "GPE")
RODRIGUEZ = (61, 70, "PERSON")


def three_annotators():
    """ana, ben, cai (k = 3): Moscow by all three with actors 1, 1, 2; Venezuela
    by ana and ben with actors 5 and 6 (a tie); Rodriguez by cai alone; the
    OPPOSE stance Moscow → Venezuela by ana and ben, SUPPORT by cai."""
    return {
        "ana": {
            "spans": [span("a1", *MOSCOW, 1), span("a2", *VENEZUELA, 5)],
            "stances": [stance("at", "a1", "a2")],
        },
        "ben": {
            "spans": [span("b1", *MOSCOW, 1), span("b2", *VENEZUELA, 6)],
            "stances": [stance("bt", "b1", "b2")],
        },
        "cai": {
            "spans": [span("c1", *MOSCOW, 2), span("c2", *RODRIGUEZ)],
            "stances": [stance("ct", "c1", "c2", "SUPPORT")],
        },
    }


def test_candidates_list_each_distinct_item_with_who_made_it():
    cands = merge.candidates(three_annotators())
    assert cands["annotators"] == ["ana", "ben", "cai"]
    assert [(c["key"], c["annotators"]) for c in cands["spans"]] == [
        (MOSCOW, ["ana", "ben", "cai"]),
        (VENEZUELA, ["ana", "ben"]),
        (RODRIGUEZ, ["cai"]),
    ]
    moscow, venezuela, _ = cands["spans"]
    assert moscow["actors"] == {"ana": 1, "ben": 1, "cai": 2}
    assert (moscow["actor"], moscow["tie"]) == (1, False)
    assert (venezuela["actor"], venezuela["tie"]) == (None, True)
    assert [(c["key"], c["annotators"]) for c in cands["stances"]] == [
        ((MOSCOW, VENEZUELA, "OPPOSE"), ["ana", "ben"]),
        ((MOSCOW, RODRIGUEZ, "SUPPORT"), ["cai"]),
    ]


def test_unlinked_votes_do_not_make_a_tie():
    sets = {
        "ana": {"spans": [span("a", *MOSCOW, 4)]},
        "ben": {"spans": [span("b", *MOSCOW, None)]},
    }
    [cand] = merge.candidates(sets)["spans"]
    assert (cand["actor"], cand["tie"]) == (4, False)


def test_auto_merge_takes_spans_with_enough_votes_and_flags_ties():
    cands = merge.candidates(three_annotators())
    result = merge.auto_merge(cands, Gold(), 2)
    assert {k: v["actor"] for k, v in result.gold.spans.items()} == {MOSCOW: 1, VENEZUELA: None}
    assert [c["key"] for c in result.ties] == [VENEZUELA]
    assert list(result.gold.stances) == [(MOSCOW, VENEZUELA, "OPPOSE")]


def test_auto_merge_threshold_three_takes_only_the_unanimous():
    cands = merge.candidates(three_annotators())
    result = merge.auto_merge(cands, Gold(), 3)
    assert list(result.gold.spans) == [MOSCOW]
    assert result.ties == []
    # The OPPOSE stance has only two votes; nothing else qualifies either.
    assert result.gold.stances == {}


def test_auto_merge_threshold_one_takes_everything():
    cands = merge.candidates(three_annotators())
    result = merge.auto_merge(cands, Gold(), 1)
    assert set(result.gold.spans) == {MOSCOW, VENEZUELA, RODRIGUEZ}
    assert set(result.gold.stances) == {
        (MOSCOW, VENEZUELA, "OPPOSE"),
        (MOSCOW, RODRIGUEZ, "SUPPORT"),
    }


def test_auto_merge_stance_needs_holder_and_target_in_gold():
    # Both annotators made the stance, but disagree on the target's label:
    # the stance's identity differs, and neither target reaches two votes.
    sets = {
        "ana": {
            "spans": [span("a1", *MOSCOW), span("a2", *(39, 48, "ORG"))],
            "stances": [stance("t", "a1", "a2")],
        },
        "ben": {
            "spans": [span("b1", *MOSCOW), span("b2", *(39, 48, "ORG"))],
            "stances": [stance("t", "b1", "b2")],
        },
        "cai": {"spans": [span("c1", *MOSCOW)], "stances": []},
    }
    cands = merge.candidates(sets)
    # With min 3, the stance (2 votes) is not taken anyway; with min 2 it is,
    # because both its spans made it too.
    assert merge.auto_merge(cands, Gold(), 2).gold.stances
    # Now take the target out of gold before merging stances: a reviewer
    # rejected it, so auto-merge of the stance must skip it.
    gold = Gold(spans={MOSCOW: {"actor": None, "id": "s1"}})
    cands["spans"] = [c for c in cands["spans"] if c["key"] == MOSCOW]
    result = merge.auto_merge(cands, gold, 2)
    assert result.gold.stances == {}
    assert [c["key"] for c in result.skipped_stances] == [(MOSCOW, (39, 48, "ORG"), "OPPOSE")]


def test_auto_merge_keeps_what_the_reviewer_already_put_in_gold():
    cands = merge.candidates(three_annotators())
    gold = Gold(spans={MOSCOW: {"actor": 9, "id": "mine"}})
    result = merge.auto_merge(cands, gold, 2)
    assert result.gold.spans[MOSCOW] == {"actor": 9, "id": "mine"}
    assert MOSCOW not in [c["key"] for c in result.spans]
    assert gold.spans == {MOSCOW: {"actor": 9, "id": "mine"}}  # the input is untouched


@pytest.mark.parametrize("threshold", [0, MAX_ANNOTATORS + 1])
def test_auto_merge_refuses_a_threshold_out_of_range(threshold):
    with pytest.raises(MergeError, match=f"from 1 to {MAX_ANNOTATORS}"):
        merge.auto_merge(merge.candidates({}), Gold(), threshold)


def test_gold_payload_round_trip_keeps_ids_and_gives_new_ones():
    gold = Gold(
        spans={MOSCOW: {"actor": 1, "id": "s1"}, VENEZUELA: {"actor": None, "id": None}},
        stances={(MOSCOW, VENEZUELA, "OPPOSE"): {"cue": None, "id": None}},
    )
    payload = merge.gold_to_payload(gold)
    assert [s["id"] for s in payload["spans"]] == ["s1", "s2"]
    assert payload["stances"] == [
        {
            "id": "t1",
            "holder": "s1",
            "target": "s2",
            "concept": None,
            "polarity": "OPPOSE",
            "cue": None,
        }
    ]
    again = merge.gold_from_payload(payload)
    assert set(again.spans) == set(gold.spans) and set(again.stances) == set(gold.stances)


def item(key, actor=None):
    return merge.span_item(key, actor)


def test_accept_then_reverse_restores_gold():
    gold = Gold()
    change = merge.plan(gold, "accept", "span", item(MOSCOW, 1))
    after = merge.apply(gold, change)
    assert after.spans[MOSCOW]["actor"] == 1
    assert merge.revert(after, change).spans == {}


def test_accepting_a_span_already_in_gold_is_refused():
    gold = Gold(spans={MOSCOW: {"actor": 1, "id": "s1"}})
    with pytest.raises(MergeError, match="already"):
        merge.plan(gold, "accept", "span", item(MOSCOW, 1))
    # With another actor it is a change of link, and reversible.
    change = merge.plan(gold, "accept", "span", item(MOSCOW, 2))
    changed = merge.apply(gold, change)
    assert changed.spans[MOSCOW]["actor"] == 2
    assert merge.revert(changed, change).spans[MOSCOW]["actor"] == 1


def gold_with_stance():
    return Gold(
        spans={MOSCOW: {"actor": None, "id": "s1"}, VENEZUELA: {"actor": None, "id": "s2"}},
        stances={(MOSCOW, VENEZUELA, "OPPOSE"): {"cue": None, "id": "t1"}},
    )


def test_rejecting_a_span_takes_its_stances_and_reversing_brings_them_back():
    gold = gold_with_stance()
    change = merge.plan(gold, "reject", "span", item(VENEZUELA))
    after = merge.apply(gold, change)
    assert set(after.spans) == {MOSCOW} and after.stances == {}
    back = merge.revert(after, change)
    assert set(back.spans) == {MOSCOW, VENEZUELA}
    assert set(back.stances) == {(MOSCOW, VENEZUELA, "OPPOSE")}


def test_editing_a_span_moves_its_stances():
    gold = gold_with_stance()
    wider = (39, 48, "ORG")
    change = merge.plan(gold, "edit", "span", item(VENEZUELA), merge.span_item(wider, None))
    after = merge.apply(gold, change)
    assert set(after.spans) == {MOSCOW, wider}
    assert set(after.stances) == {(MOSCOW, wider, "OPPOSE")}
    assert set(merge.revert(after, change).stances) == set(gold.stances)


def test_a_stance_needs_its_holder_and_target_in_gold():
    gold = Gold(spans={MOSCOW: {"actor": None, "id": "s1"}})
    new = merge.stance_item((MOSCOW, VENEZUELA, "OPPOSE"), None)
    with pytest.raises(MergeError) as caught:
        merge.plan(gold, "accept", "stance", new)
    assert caught.value.field == "stance.target"


def test_reversal_is_refused_when_gold_changed_since():
    gold = Gold()
    accept = merge.plan(gold, "accept", "span", item(MOSCOW, 1))
    after = merge.apply(gold, accept)
    relink = merge.plan(after, "accept", "span", item(MOSCOW, 2))
    later = merge.apply(after, relink)
    with pytest.raises(MergeError, match="changed since"):
        merge.revert(later, accept)
    # Reversing the later one first, then the earlier, works.
    assert merge.revert(merge.revert(later, relink), accept).spans == {}


def test_reversing_an_accepted_span_under_a_stance_is_refused():
    gold = Gold(spans={VENEZUELA: {"actor": None, "id": "s2"}})
    accept = merge.plan(gold, "accept", "span", item(MOSCOW))
    with_moscow = merge.apply(gold, accept)
    stance_change = merge.plan(
        with_moscow, "add", "stance", merge.stance_item((MOSCOW, VENEZUELA, "OPPOSE"), None)
    )
    full = merge.apply(with_moscow, stance_change)
    with pytest.raises(MergeError, match="holder"):
        merge.revert(full, accept)


def test_rejecting_what_is_not_in_gold_changes_nothing_and_editing_it_is_refused():
    nothing = {"spans": [], "stances": [], "concept_stances": [], "categories": []}
    assert merge.plan(Gold(), "reject", "span", item(MOSCOW)) == Change(nothing, nothing)
    with pytest.raises(MergeError, match="not in the gold set"):
        merge.plan(Gold(), "edit", "span", item(MOSCOW), item(VENEZUELA))
    cands = merge.candidates(three_annotators())
    assert merge.rejected_candidate(cands, "span", item(RODRIGUEZ))
    assert not merge.rejected_candidate(cands, "span", item((7, 16, "ORG")))
    with pytest.raises(MergeError, match="unknown action"):
        merge.plan(Gold(), "approve", "span", item(MOSCOW))
    with pytest.raises(MergeError) as caught:
        merge.plan(Gold(), "accept", "span", {"start": "0", "end": 6, "label": "GPE"})
    assert caught.value.field == "span.start"


def test_diff_names_accepts_adds_rejects_and_edits():
    cands = merge.candidates(three_annotators())
    old = Gold(spans={RODRIGUEZ: {"actor": None, "id": "s9"}, VENEZUELA: {"actor": 5, "id": "v"}})
    new = Gold(
        spans={
            MOSCOW: {"actor": 2, "id": None},  # cai linked 2: an accept
            (7, 16, "ORG"): {"actor": None, "id": None},  # nobody made it: an add
            VENEZUELA: {"actor": 6, "id": "v"},  # relinked: an edit
        }
    )
    actions = [
        (a, c.before.get("spans") or c.after.get("spans"))
        for a, _, c in merge.diff(old, new, cands)
    ]
    assert [a for a, _ in actions] == ["accept", "add", "edit", "reject"]


def test_provenance_says_who_made_each_gold_item_or_that_the_reviewer_did():
    cands = merge.candidates(three_annotators())
    gold = Gold(
        spans={
            MOSCOW: {"actor": 2, "id": "s1"},  # as cai linked it
            VENEZUELA: {"actor": 99, "id": "s2"},  # an actor nobody linked: changed
            (40, 48, "GPE"): {"actor": None, "id": "s3"},  # overlaps Venezuela: changed
            (7, 16, "ORG"): {"actor": None, "id": "s4"},  # nothing near: added
        },
        stances={
            (MOSCOW, VENEZUELA, "OPPOSE"): {"cue": None, "id": "t1"},
            (MOSCOW, VENEZUELA, "SUPPORT"): {"cue": None, "id": "t2"},
            (MOSCOW, (7, 16, "ORG"), "OPPOSE"): {"cue": None, "id": "t3"},
        },
    )
    origins = merge.provenance(gold, cands)
    spans = origins["spans"]
    # Only cai linked actor 2; ana and ben made Moscow with actor 1.
    assert spans[MOSCOW] == {
        "origin": "annotators",
        "annotators": ["cai"],
        "from": [{"span": item(MOSCOW, 1), "annotators": ["ana", "ben"]}],
    }
    assert spans[VENEZUELA] == {
        "origin": "changed",
        "annotators": [],
        "from": [
            {"span": item(VENEZUELA, 5), "annotators": ["ana"]},
            {"span": item(VENEZUELA, 6), "annotators": ["ben"]},
        ],
    }
    assert spans[(40, 48, "GPE")]["from"] == spans[VENEZUELA]["from"]
    assert spans[(7, 16, "ORG")] == {"origin": "added", "annotators": [], "from": []}
    stances = origins["stances"]
    assert stances[(MOSCOW, VENEZUELA, "OPPOSE")]["origin"] == "annotators"
    assert stances[(MOSCOW, VENEZUELA, "OPPOSE")]["annotators"] == ["ana", "ben"]
    assert stances[(MOSCOW, VENEZUELA, "SUPPORT")] == {
        "origin": "changed",
        "annotators": [],
        "from": [
            {
                "stance": merge.stance_item((MOSCOW, VENEZUELA, "OPPOSE"), None),
                "annotators": ["ana", "ben"],
            }
        ],
    }
    assert stances[(MOSCOW, (7, 16, "ORG"), "OPPOSE")]["origin"] == "added"


def test_provenance_of_a_changed_span_names_no_one_for_an_item_they_did_not_make():
    """Issue 12.10: ana made Venezuela, ben only an overlapping span; the
    changed gold Venezuela must not read as made "from ana, ben"."""
    cands = merge.candidates(
        {
            "ana": {"spans": [span("a1", *VENEZUELA, 5)], "stances": []},
            "ben": {"spans": [span("b1", 40, 48, "GPE")], "stances": []},
        }
    )
    gold = Gold(spans={VENEZUELA: {"actor": 7, "id": "s1"}})
    entry = merge.provenance(gold, cands)["spans"][VENEZUELA]
    assert entry["origin"] == "changed"
    assert entry["annotators"] == []
    assert entry["from"] == [
        {"span": item(VENEZUELA, 5), "annotators": ["ana"]},
        {"span": item((40, 48, "GPE")), "annotators": ["ben"]},
    ]


def test_change_shape_is_plain_json():
    change = merge.plan(Gold(), "accept", "span", item(MOSCOW, 1))
    assert isinstance(change, Change)
    assert change.after == {
        "spans": [{"start": 0, "end": 6, "label": "GPE", "actor": 1}],
        "stances": [],
        "concept_stances": [],
        "categories": [],
    }
