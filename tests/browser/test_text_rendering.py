"""How both text screens (the workspace and adjudication) draw the text:
right-to-left text keeps its visual order with labelled words, stance rows
read in full, and stances are drawn in the text as arcs."""

import pytest
from playwright.sync_api import expect

from apps.annotations.models import Span, Stance
from apps.documents.models import Document
from apps.projects.models import Label
from tests.builders import annotate, make_project, span, stance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARABIC = "ندعو إلى الحوار وضبط النفس."
# (start, end) in code points of each word of ARABIC.
ARABIC_WORDS = [(0, 4), (5, 8), (9, 15), (16, 20), (21, 26)]


# The words of the text (split at spaces) in the order they are seen, right
# to left, with the spans drawn; then the same with no span drawn at all.
VISUAL_ORDER = """(state) => {
    const W = window[state];
    const order = () => {
        const words = [];
        const re = /\\S+/g;
        let m;
        while ((m = re.exec(W.text))) {
            const r = W.view.range(m.index, m.index + m[0].length).getBoundingClientRect();
            words.push({ word: m[0], x: r.left + r.width / 2, y: Math.round(r.top) });
        }
        return words.sort((a, b) => a.y - b.y || b.x - a.x).map((w) => w.word);
    };
    const drawn = order();
    W.view.renderAll([]);
    return { drawn, plain: order() };
}"""


COLORS = {"GPE": "#54a24b", "ORG": "#4c78a8", "PERSON": "#e45756"}
COLORS |= {"SUPPORT": "#2ca02c", "OPPOSE": "#d62728", "NEUTRAL": "#7f7f7f"}


@pytest.fixture
def k2(users):
    project = make_project(users, annotators_per_document=2)
    for name, color in COLORS.items():
        Label.objects.filter(project=project, name=name).update(color=color)
    return project


def test_arabic_keeps_its_word_order_with_labelled_words_in_the_workspace(
    page, users, k2, open_workspace
):
    project = k2
    doc = Document.objects.create(project=project, external_id="ar", text=ARABIC)
    annotate(
        doc,
        users["ana"],
        [span("s1", *ARABIC_WORDS[0], "ORG"), span("s2", *ARABIC_WORDS[2], "GPE")],
        submit=False,
    )
    open_workspace(page, doc)
    expect(page.locator("#text .seg[data-tag]")).to_have_count(2)
    order = page.evaluate(VISUAL_ORDER, "accordState")
    assert order["drawn"] == ARABIC.split()
    assert order["drawn"] == order["plain"]


def test_arabic_keeps_its_word_order_with_labelled_words_in_adjudication(
    page, users, k2, sign_in, live_server
):
    project = k2
    doc = Document.objects.create(project=project, external_id="ar", text=ARABIC)
    annotate(doc, users["ana"], [span("s1", *ARABIC_WORDS[0], "ORG"), span("s2", *ARABIC_WORDS[2])])
    annotate(doc, users["ben"], [span("s1", *ARABIC_WORDS[2])])
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/review/{doc.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#text .seg[data-tag]")).to_have_count(2)
    order = page.evaluate(VISUAL_ORDER, "accordReview")
    assert order["drawn"] == ARABIC.split()
    assert order["drawn"] == order["plain"]


# ---------------------------------------------------------------- stances in full, and as arcs

NEWS = (
    "Russian Foreign Ministry spokeswoman Maria Zakharova said Moscow opposed the strikes, "
    "while the European Union urged restraint and backed talks with the U.S. and Caracas.\n"
    "Brazil called on Washington and Caracas to talk.\n" + ARABIC
)
ZAKHAROVA = "Russian Foreign Ministry spokeswoman Maria Zakharova"


def at(piece, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = NEWS.index(piece, start + 1)
    return start, start + len(piece)


NEWS_SPANS = [
    span("s1", *at(ZAKHAROVA), "PERSON"),
    span("s2", *at("Moscow")),
    span("s3", *at("European Union"), "ORG"),
    span("s4", *at("U.S.")),
    span("s5", *at("Caracas")),
    span("s6", *at("Brazil")),
    span("s7", *at("Washington")),
    span("s8", *at("Caracas", 1)),
    span("s9", *at("ندعو"), "ORG"),
    span("s10", *at("الحوار"), "ORG"),
]
NEWS_STANCES = [
    stance("t1", "s1", "s2", "SUPPORT"),
    stance("t2", "s3", "s4", "SUPPORT"),
    stance("t3", "s3", "s5", "OPPOSE"),
    stance("t4", "s6", "s7", "NEUTRAL"),
    stance("t5", "s6", "s8", "SUPPORT"),
    stance("t6", "s2", "s6", "OPPOSE"),  # across lines
    stance("t7", "s9", "s10", "SUPPORT"),  # right to left
]

# Each drawn arc piece: its stance, classes, its line's box, its arrow's tip
# and its label's box, in viewport coordinates.
ARC_PIECES = """() => [...document.querySelectorAll("svg.arcs g.arc")].map((g) => {
    const box = (n) => {
        const r = n.getBoundingClientRect();
        return { l: r.left, r: r.right, t: r.top, b: r.bottom };
    };
    const head = g.querySelector(".head");
    return { key: g.dataset.key, cls: g.getAttribute("class"), line: box(g.querySelector(".line")),
             head: head && box(head), label: box(g.querySelector(".arc-label")),
             text: g.querySelector(".arc-label").textContent };
})"""

# The first box of a span's text, by its UTF-16 range.
SPAN_BOX = """([state, s, e]) => {
    const r = window[state].view.range(s, e).getClientRects()[0];
    return { l: r.left, r: r.right, t: r.top, b: r.bottom, x: (r.left + r.right) / 2 };
}"""


def mid(box):
    return (box["l"] + box["r"]) / 2


def overlap(a, b):
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


def by_text(page, state, piece, occurrence=0):
    start, end = at(piece, occurrence)  # NEWS has no character outside the BMP
    return page.evaluate(SPAN_BOX, [state, start, end])


@pytest.fixture
def news(k2, users):
    doc = Document.objects.create(project=k2, external_id="news", text=NEWS)
    return doc


def stance_ids(page):
    """The workspace's stance ids by the ids of NEWS_STANCES (the server renames them)."""
    return page.evaluate(
        """() => { const W = window.accordState; const out = {};
        for (const t of W.model.stances.values()) {
            const h = W.model.spans.get(t.holder), g = W.model.spans.get(t.target);
            out[`${h.start}-${g.start}`] = t.id; }
        return out; }"""
    )


def test_workspace_stance_rows_read_in_full(page, users, news, open_workspace):
    annotate(news, users["ana"], NEWS_SPANS, NEWS_STANCES, submit=False)
    open_workspace(page, news)
    rows = page.locator("#stance-list li .txt")
    expect(rows).to_have_count(len(NEWS_STANCES))
    cut = page.evaluate(
        """() => [...document.querySelectorAll('#stance-list li .txt')]
            .filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent)"""
    )
    assert cut == []
    row = page.locator("#stance-list li", has_text="European Union → U.S.")
    expect(row).to_have_count(1)
    expect(row.locator(".txt")).to_have_attribute("title", "“European Union” SUPPORT “U.S.”")
    expect(page.locator("#stance-list li", has_text=f"{ZAKHAROVA} → Moscow")).to_have_count(1)


def test_adjudication_stance_rows_tell_near_identical_candidates_apart(
    page, users, news, sign_in, live_server
):
    annotate(
        news, users["ana"], NEWS_SPANS[:5], [stance("t1", "s1", "s3"), stance("t2", "s1", "s5")]
    )
    annotate(news, users["ben"], NEWS_SPANS[:5], [stance("t1", "s1", "s4", "SUPPORT")])
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{news.project_id}/review/{news.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    rows = page.locator("#stance-list li .txt")
    expect(rows).to_have_count(3)
    cut = page.evaluate(
        """() => [...document.querySelectorAll('#stance-list li .txt')]
            .filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent)"""
    )
    assert cut == []
    texts = rows.all_inner_texts()
    assert len(set(texts)) == 3
    assert all(ZAKHAROVA in t for t in texts)
    expect(page.locator("#stance-list li .txt", has_text="“U.S.”")).to_have_attribute(
        "title", f"“{ZAKHAROVA}” SUPPORT “U.S.”"
    )


def test_workspace_draws_stances_as_arcs(page, users, news, open_workspace, screenshot_path):
    page.set_viewport_size({"width": 1280, "height": 720})
    annotate(news, users["ana"], NEWS_SPANS, NEWS_STANCES, submit=False)
    open_workspace(page, news)
    page.wait_for_timeout(100)  # the arcs come at the next frame
    page.screenshot(path=str(screenshot_path("workspace-arcs.png")))
    ids = stance_ids(page)
    pieces = page.evaluate(ARC_PIECES)
    keys = [p["key"] for p in pieces]
    assert sorted(set(keys)) == sorted(ids.values())
    # Across lines: two halves, the holder's and the target's (with the arrow).
    across = [p for p in pieces if p["key"] == ids[f"{at('Moscow')[0]}-{at('Brazil')[0]}"]]
    assert len(across) == 2 and sum(1 for p in across if p["head"]) == 1
    # Within a line: from the holder's middle to an arrow on the target's, above the line.
    br, wa = by_text(page, "accordState", "Brazil"), by_text(page, "accordState", "Washington")
    (arc,) = [p for p in pieces if p["key"] == ids[f"{at('Brazil')[0]}-{at('Washington')[0]}"]]
    assert arc["text"] == "NEUTRAL"
    assert abs(arc["line"]["l"] - br["x"]) < 2 and abs(arc["line"]["r"] - wa["x"]) < 2
    assert abs(mid(arc["head"]) - wa["x"]) < 1
    assert arc["line"]["b"] <= wa["t"] + 1 and arc["line"]["t"] < wa["t"] - 5
    # Right to left: the arc follows what is seen, from ندعو (right) to الحوار (left of it).
    nd, hw = by_text(page, "accordState", "ندعو"), by_text(page, "accordState", "الحوار")
    assert hw["x"] < nd["x"]
    (rtl,) = [p for p in pieces if p["key"] == ids[f"{at('ندعو')[0]}-{at('الحوار')[0]}"]]
    assert abs(mid(rtl["head"]) - hw["x"]) < 1
    assert abs(rtl["line"]["r"] - nd["x"]) < 2
    # No two labels meet; no arc covers a span's tag.
    labels = [p["label"] for p in pieces]
    assert not any(overlap(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :])
    tags = page.evaluate(
        """() => [...document.querySelectorAll('#text .seg[data-tag]')].map((n) => {
            const r = n.getClientRects()[0];
            return { l: r.left, r: r.left + 8, t: r.top, b: r.bottom };
        })"""
    )
    assert not any(overlap(label, tag) for label in labels for tag in tags)

    # A click on an arc selects its stance; Delete removes it.
    label = page.locator(f"svg.arcs g.arc[data-key='{arc['key']}'] .arc-label")
    label.click()
    expect(page.locator("#stance-list li.current")).to_contain_text("Brazil → Washington")
    expect(page.locator(f"svg.arcs g.arc.sel[data-key='{arc['key']}']")).to_have_count(1)
    page.keyboard.press("Delete")
    expect(page.locator(f"svg.arcs g.arc[data-key='{arc['key']}']")).to_have_count(0)
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved", timeout=5000)
    ana = Stance.objects.filter(set__document=news, set__author__username="ana")
    assert ana.count() == len(NEWS_STANCES) - 1

    # The keyboard: . walks the stances, the arc follows; Enter edits the polarity.
    page.keyboard.press("Escape")
    page.keyboard.press(".")
    first = page.evaluate("window.accordState.stance")
    expect(page.locator(f"svg.arcs g.arc.sel[data-key='{first}']")).not_to_have_count(0)
    page.keyboard.press(".")
    second = page.evaluate("window.accordState.stance")
    assert second != first
    expect(page.locator("svg.arcs g.arc.sel")).to_have_count(
        len([p for p in page.evaluate(ARC_PIECES) if p["key"] == second])
    )
    page.keyboard.press("Enter")
    assert (
        page.evaluate("document.activeElement.closest('#stance-list li')?.dataset.stance") == second
    )


def test_dozens_of_stances_on_one_line_stay_legible(page, users, k2, open_workspace):
    words = [f"w{i:02d}" for i in range(40)]
    text = " ".join(words) + "."
    doc = Document.objects.create(project=k2, external_id="many", text=text)
    spans = [span(f"s{i}", 4 * i, 4 * i + 3, "GPE") for i in range(40)]
    # Nested, crossing and neighbouring stances, 36 in all.
    pairs = [(i, i + 1) for i in range(0, 38, 2)] + [(i, i + 3) for i in range(0, 34, 2)]
    stances = [
        stance(f"t{n}", f"s{a}", f"s{b}", ("SUPPORT", "OPPOSE")[n % 2])
        for n, (a, b) in enumerate(pairs)
    ]
    annotate(doc, users["ana"], spans, stances, submit=False)
    page.set_viewport_size({"width": 2400, "height": 600})  # one line
    open_workspace(page, doc)
    pieces = page.evaluate(ARC_PIECES)
    assert len({p["key"] for p in pieces}) == len(stances)
    clear = [p for p in pieces if "crowded" not in p["cls"]]
    assert len(clear) >= len(pieces) * 2 // 3
    labels = [p["label"] for p in clear]
    assert not any(overlap(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :])
    # A faded (crowded) arc comes forward when selected.
    crowded = [p for p in pieces if "crowded" in p["cls"]]
    if crowded:
        page.locator(f"svg.arcs g.arc[data-key='{crowded[0]['key']}'] .hit").first.dispatch_event(
            "click"
        )
        g = page.locator(f"svg.arcs g.arc.sel[data-key='{crowded[0]['key']}']")
        expect(g).to_have_css("opacity", "1")


def test_adjudication_draws_stance_candidates_as_arcs(
    page, users, news, sign_in, live_server, screenshot_path
):
    page.set_viewport_size({"width": 1280, "height": 720})
    annotate(news, users["ana"], NEWS_SPANS, NEWS_STANCES[:4])
    annotate(news, users["ben"], NEWS_SPANS, [NEWS_STANCES[1], NEWS_STANCES[3], NEWS_STANCES[6]])
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{news.project_id}/review/{news.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    pieces = page.evaluate(ARC_PIECES)
    rows = page.eval_on_selector_all("#stance-list li", "(lis) => lis.map((li) => li.dataset.key)")
    assert sorted({p["key"] for p in pieces}) == sorted(rows)
    assert all("dashed" in p["cls"] for p in pieces)  # nothing in gold yet
    br, wa = by_text(page, "accordReview", "Brazil"), by_text(page, "accordReview", "Washington")
    onto = [p for p in pieces if p["head"] and abs(mid(p["head"]) - wa["x"]) < 1]
    (arc,) = [p for p in onto if abs(p["head"]["b"] - wa["t"]) < 3]
    assert abs(arc["line"]["l"] - br["x"]) < 2 and arc["text"] == "NEUTRAL"
    # Click the arc: its row is current; accepted into gold (with all that
    # both annotators made), it is drawn solid.
    page.locator(f"svg.arcs g.arc[data-key='{arc['key']}'] .arc-label").click()
    expect(page.locator("#stance-list li.current")).to_have_attribute("data-key", arc["key"])
    page.keyboard.press("Shift+A")
    expect(page.locator(f"svg.arcs g.arc[data-key='{arc['key']}']:not(.dashed)")).to_have_count(1)
    page.screenshot(path=str(screenshot_path("adjudication-arcs.png")))
    # . and , walk the stance rows, the selected arc with them.
    page.keyboard.press(".")
    current = page.locator("#stance-list li.current").get_attribute("data-key")
    assert current != arc["key"]
    expect(page.locator(f"svg.arcs g.arc.sel[data-key='{current}']")).not_to_have_count(0)


# ---------------------------------------------------------------- long paragraphs, long lists


def test_a_paragraph_without_line_breaks_is_redrawn_a_chunk_at_a_time(
    page, users, k2, open_workspace
):
    sentence = "Moscow and Caracas spoke again about the talks in Brasília. "
    text = (sentence * 120).strip()  # 7,000 characters, no line break
    doc = Document.objects.create(project=k2, external_id="long", text=text)
    spans = [span(f"s{i}", 60 * i, 60 * i + 6) for i in range(0, 120, 3)]
    annotate(doc, users["ana"], spans, submit=False)
    open_workspace(page, doc)
    chunks = page.eval_on_selector_all("#text .chunk", "(cs) => cs.map((c) => c.textContent)")
    assert len(chunks) > 3 and "".join(chunks) == text
    assert all(c.endswith(". ") for c in chunks[:-1])  # cut at sentence ends
    # A new span near the end: only its chunk's elements are made again.
    page.evaluate(
        """() => { window.removed = 0;
        new MutationObserver((ms) => {
            for (const m of ms) window.removed += m.removedNodes.length;
        }).observe(document.getElementById("text"), { childList: true, subtree: true }); }"""
    )
    segments = page.locator("#text .chunk > span").count()
    caracas = text.rindex("Caracas")
    page.evaluate("([a, b]) => window.accordState.selection.show(a, b)", [caracas, caracas + 7])
    page.locator("#text").dispatch_event("mouseup")
    page.keyboard.press("g")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved", timeout=5000)
    removed = page.evaluate("window.removed")
    assert 0 < removed < segments / len(chunks) * 2
    stored = Span.objects.filter(set__author__username="ana", set__document=doc)
    assert stored.filter(start=caracas, end=caracas + 7).exists()


def test_a_long_right_to_left_paragraph_keeps_its_direction_in_every_chunk(
    page, users, k2, open_workspace
):
    # Every chunk after the first opens with a Latin word: it must not turn left to right.
    text = ((ARABIC + " ") * 60 + "Reuters " + (ARABIC + " ") * 60).strip()
    doc = Document.objects.create(project=k2, external_id="long-ar", text=text)
    annotate(doc, users["ana"], [span("s1", *ARABIC_WORDS[0], "ORG")], submit=False)
    open_workspace(page, doc)
    dirs = page.eval_on_selector_all("#text .chunk", "(cs) => cs.map((c) => c.dir)")
    assert len(dirs) > 1 and set(dirs) == {"rtl"}


def test_a_new_span_keeps_the_other_rows_of_the_side_list(page, users, news, open_workspace):
    annotate(news, users["ana"], NEWS_SPANS[:4], submit=False)
    open_workspace(page, news)
    expect(page.locator("#span-list li")).to_have_count(4)
    page.evaluate("document.querySelectorAll('#span-list li').forEach((li) => li.kept = true)")
    page.evaluate("([a, b]) => window.accordState.selection.show(a, b)", list(at("Brazil")))
    page.locator("#text").dispatch_event("mouseup")
    page.keyboard.press("g")
    expect(page.locator("#span-list li")).to_have_count(5)
    kept = page.eval_on_selector_all("#span-list li", "(lis) => lis.map((li) => Boolean(li.kept))")
    assert kept.count(True) == 4 and kept.count(False) == 1  # only the new span's row is new
