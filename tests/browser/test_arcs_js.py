"""static/accord/arcs.js's levels and dom.js's syncList in real Chromium:
the two pure parts of drawing stances and keeping the side lists."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_levels_nest_keep_labels_apart_and_crowd_past_the_last(page, live_server):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    out = page.evaluate(
        """async () => {
            const { stackPieces, LEVELS } = await import("/static/accord/arcs.js");
            const arc = { label: "SUPPORT" };
            const piece = (name, line, from, to) => ({ name, line, from, to, arc });
            const pieces = [
                piece("outer", 100, 0, 400), piece("inner", 100, 100, 200),
                piece("beside", 100, 500, 700), piece("wider", 100, 0, 450),
                piece("widest", 100, 0, 460),
                // Two short arcs whose labels would meet at the same level.
                piece("short1", 100, 800, 805), piece("short2", 101, 812, 818),
                piece("next line", 140, 0, 400),
            ];
            stackPieces(pieces);
            const by = Object.fromEntries(pieces.map((p) => [p.name, [p.level, p.crowded, p.y]]));
            return { by, LEVELS };
        }"""
    )
    by = out["by"]
    assert out["LEVELS"] == 3
    # Narrower under wider; a piece clear of the others stays on the first level.
    assert [by[n][0] for n in ("inner", "outer", "wider", "widest")] == [0, 1, 2, 3]
    assert by["beside"][0] == 0
    # Past the last level: drawn on it, crowded (faded until selected).
    assert by["widest"][1] is True and by["widest"][2] == by["wider"][2]
    assert not any(by[n][1] for n in ("inner", "outer", "wider", "beside"))
    # Labels keep apart: the second short arc goes up a level; a line is on its own.
    assert {by["short1"][0], by["short2"][0]} == {0, 1}
    assert by["next line"][0] == 0 and by["next line"][2] > by["outer"][2]


def test_sync_list_keeps_rows_whose_signature_holds(page, live_server):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    out = page.evaluate(
        """async () => {
            const { el, syncList } = await import("/static/accord/dom.js");
            const list = document.createElement("ol");
            const draw = (items) => syncList(list, items, (i) => i.id, (i) => i.text,
                (i) => el("li", { text: i.text }));
            draw([{ id: 1, text: "a" }, { id: 2, text: "b" }, { id: 3, text: "c" }]);
            const [a, b, c] = list.children;
            // 2 is gone, 3 changed, 4 is new before 1.
            draw([{ id: 4, text: "d" }, { id: 1, text: "a" }, { id: 3, text: "C" }]);
            const now = [...list.children];
            return { texts: now.map((n) => n.textContent), keptA: now[1] === a,
                     newC: now[2] !== c, goneB: !list.contains(b) };
        }"""
    )
    assert out == {"texts": ["d", "a", "C"], "keptA": True, "newC": True, "goneB": True}
