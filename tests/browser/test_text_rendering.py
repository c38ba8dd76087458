"""How both text screens (the workspace and adjudication) draw the text:
right-to-left text keeps its visual order with labelled words, stance rows
read in full, and stances are drawn in the text as arcs."""

import pytest
from playwright.sync_api import expect

from apps.documents.models import Document
from tests.builders import annotate, make_project, span

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


@pytest.fixture
def k2(users):
    return make_project(users, annotators_per_document=2)


def test_arabic_keeps_its_word_order_with_labelled_words_in_the_workspace(
    page, users, k2, open_workspace, screenshot_path
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
    page.locator("#text").screenshot(path=str(screenshot_path("workspace-rtl.png")))
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
