"""static/accord/labels.js in real Chromium: colours, shortcut keys, the
palette and chips both text pages draw from the project's labels."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = [
    {"name": "GPE", "kind": "entity", "color": "#54a24b", "shortcut": "g"},
    {"name": "ORG", "kind": "entity", "color": "red", "shortcut": "O"},
    {"name": "PER", "kind": "entity", "color": "", "shortcut": ""},
    {"name": "OPPOSE", "kind": "stance", "color": "#d62728", "shortcut": "x"},
]


def test_colours_keys_palette_and_chips(page, live_server):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    out = page.evaluate(
        """async (labels) => {
            const { LabelSet } = await import("/static/accord/labels.js");
            const set = new LabelSet().load(labels);
            const picked = [];
            const node = document.createElement("div");
            set.drawPalette(node, { title: (l) => `add ${l.name}`, onPick: (n) => picked.push(n) });
            for (const button of node.querySelectorAll("button")) button.click();
            const chip = set.chip("GPE", "a title");
            const plain = set.chip("NOPE");
            return {
                colors: ["GPE", "ORG", "PER", "OPPOSE", "NOPE"].map((n) => set.color(n)),
                entity: [...set.entity.keys()], stance: [...set.stance.keys()],
                keys: [...["g", "G", "o", "O", "x"].map((k) => set.entityKey(k)),
                       set.stanceKey("X"), set.forKey("stance", "g")],
                palette: [...node.querySelectorAll("button")].map((b) => [b.textContent, b.title]),
                picked,
                chip: [chip.textContent, chip.title, chip.style.getPropertyValue("--c")],
                plain: [plain.hasAttribute("title"), plain.style.getPropertyValue("--c")],
            };
        }""",
        LABELS,
    )
    # Only #rrggbb reaches the CSS; anything else is grey.
    assert out["colors"] == ["#54a24b", "#888888", "#888888", "#d62728", "#888888"]
    assert (out["entity"], out["stance"]) == (["GPE", "ORG", "PER"], ["OPPOSE"])
    # A key matches its shortcut as typed or lowered (G finds g, o does not
    # find O); entity and stance keys stay apart.
    assert out["keys"] == ["GPE", "GPE", None, "ORG", None, "OPPOSE", None]
    assert out["palette"] == [["GPEg", "add GPE"], ["ORGO", "add ORG"], ["PER", "add PER"]]
    assert out["picked"] == ["GPE", "ORG", "PER"]
    assert out["chip"] == ["GPE", "a title", "#54a24b"]
    assert out["plain"] == [False, "#888888"]
