"""static/accord/store.js's rebase ("keep mine" after a conflict) in real Chromium."""

import pytest

from tests.builders import concept_stance, span, stance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rebase(page, live_server, base, mine, theirs):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    return page.evaluate(
        """async ([base, mine, theirs]) => {
            const { rebase } = await import("/static/accord/store.js");
            return rebase(base, mine, theirs);
        }""",
        [base, mine, theirs],
    )


def test_my_stances_follow_the_span_theirs_replaced(page, live_server):
    # Both tabs made Moscow, Caracas and "condemned" apart (other ids); mine
    # also drew a stance between them. Keeping mine keeps that stance, on
    # the ids of the spans kept.
    base = {"spans": [], "stances": []}
    mine = {
        "spans": [span("m1", 0, 6), span("m2", 32, 39), span("m3", 7, 16, "ORG")],
        "stances": [stance("t1", "m1", "m2", cue="m3")],
    }
    theirs = {
        "spans": [span("o1", 0, 6), span("o2", 32, 39), span("o3", 7, 16, "ORG")],
        "stances": [],
    }
    out = rebase(page, live_server, base, mine, theirs)
    assert sorted(s["id"] for s in out["spans"]) == ["o1", "o2", "o3"]
    assert out["stances"] == [stance("t1", "o1", "o2", cue="o3")]


def test_a_stance_both_drew_is_kept_once(page, live_server):
    base = {"spans": [], "stances": []}
    mine = {"spans": [span("m1", 0, 6), span("m2", 32, 39)], "stances": [stance("t1", "m1", "m2")]}
    theirs = {
        "spans": [span("o1", 0, 6), span("o2", 32, 39)],
        "stances": [stance("t2", "o1", "o2")],
    }
    out = rebase(page, live_server, base, mine, theirs)
    assert out["stances"] == [stance("t2", "o1", "o2")]


def test_distinct_spans_and_dangling_stances_are_unchanged(page, live_server):
    base = {"spans": [span("a", 0, 6)], "stances": []}
    mine = {"spans": [span("a", 0, 6), span("m2", 32, 39)], "stances": [stance("t1", "a", "m2")]}
    theirs = {"spans": [span("o9", 40, 45)], "stances": []}  # they deleted a
    out = rebase(page, live_server, base, mine, theirs)
    assert sorted(s["id"] for s in out["spans"]) == ["m2", "o9"]
    assert out["stances"] == []


def test_keeping_mine_keeps_my_stances_on_concepts(page, live_server):
    # Stances on concepts have no target span: rebase keeps them on their
    # holder (followed to the span kept), once each, and drops them with it.
    base = {"spans": [], "stances": []}
    mine = {
        "spans": [span("m1", 0, 6), span("m2", 32, 39)],
        "stances": [
            concept_stance("t1", "m1", 7),
            concept_stance("t2", "m1", 8, "OPPOSE"),
            concept_stance("t3", "m2", 7),
        ],
    }
    theirs = {
        "spans": [span("o1", 0, 6)],  # they made Moscow apart, and not Caracas
        "stances": [concept_stance("t9", "o1", 7)],  # and the same stance on 7
    }
    out = rebase(page, live_server, base, mine, theirs)
    assert sorted(s["id"] for s in out["spans"]) == ["m2", "o1"]
    assert sorted(out["stances"], key=lambda t: t["id"]) == [
        concept_stance("t2", "o1", 8, "OPPOSE"),
        concept_stance("t3", "m2", 7),
        concept_stance("t9", "o1", 7),
    ]


def test_a_stance_on_a_concept_goes_with_its_holder(page, live_server):
    base = {"spans": [span("a", 0, 6)], "stances": [concept_stance("t1", "a", 7)]}
    mine = {"spans": [span("a", 0, 6)], "stances": [concept_stance("t1", "a", 7, "OPPOSE")]}
    theirs = {"spans": [], "stances": []}  # they deleted the holder
    assert rebase(page, live_server, base, mine, theirs)["stances"] == []


def test_the_set_model_keeps_stances_on_concepts_apart(page, live_server):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    out = page.evaluate(
        """async () => {
            const { SetModel } = await import("/static/accord/store.js");
            const span = (id, start, end) => ({ id, start, end, label: "GPE" });
            const onSovereignty = {
                id: "t1", holder: "a", target: null, concept: 7, polarity: "SUPPORT", cue: null,
            };
            const m = new SetModel({
                id: 1, version: 1, spans: [span("a", 0, 6), span("b", 7, 9)],
                stances: [onSovereignty],
            });
            const same = m.addStance("a", null, "SUPPORT", null, 7); // the one it has
            const other = m.addStance("a", null, "SUPPORT", null, 8);
            const onSpan = m.addStance("a", "b", "SUPPORT");
            const both = m.addStance("a", "b", "OPPOSE", null, 7); // target and concept
            const noHolder = m.addStance("z", null, "SUPPORT", null, 7);
            const clash = m.setPolarity(other.id, "SUPPORT"); // itself: a repeat
            const moved = m.setPolarity(other.id, "OPPOSE");
            return { same: same.id, both, noHolder, clash, moved, content: m.content().stances,
                     onSpan: onSpan.concept };
        }"""
    )
    assert out["same"] == "t1"
    assert (out["both"], out["noHolder"], out["clash"], out["moved"], out["onSpan"]) == (
        None,
        None,
        False,
        True,
        None,
    )
    assert [(t["target"], t["concept"], t["polarity"]) for t in out["content"]] == [
        (None, 7, "SUPPORT"),
        (None, 8, "OPPOSE"),
        ("b", None, "SUPPORT"),
    ]


def test_a_rejection_outlives_the_recommender_version_that_made_it(page, live_server):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    out = page.evaluate(
        """async () => {
            const { SetModel } = await import("/static/accord/store.js");
            const rejected = { source: "recommender-v3", start: 0, end: 6, label: "GPE" };
            const m = new SetModel({ id: 1, version: 1, spans: [], stances: [],
                rejected_predictions: [rejected] });
            const span = { start: 0, end: 6, label: "GPE" };
            return {
                nextVersion: m.isRejected("recommender-v4", span),
                otherSource: m.isRejected("aliases", span),
                again: m.rejectPrediction("recommender-v4", span),
                kept: m.content().rejected_predictions,
            };
        }"""
    )
    assert out["nextVersion"] is True
    assert out["otherSource"] is False  # another suggester's suggestion is its own
    assert out["again"] is False
    # The stored rejection keeps the version that was rejected (its outcomes count).
    assert out["kept"] == [{"source": "recommender-v3", "start": 0, "end": 6, "label": "GPE"}]
