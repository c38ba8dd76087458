"""static/accord/store.js's rebase ("keep mine" after a conflict) in real Chromium."""

import pytest

from tests.builders import span, stance

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
