"""The adjudication screen at a common laptop width: one toolbar line, decision
rows whose Reverse button never covers their text, counts that read right."""

import pytest
from playwright.sync_api import expect

from apps.projects.models import Label
from tests.builders import annotate, make_document, make_project, span
from tests.review.helpers import add_annotators, k3_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def k3(users, make_user):
    project, doc = k3_project(users, make_user)
    # A schema as wide as a real one: every label is a palette button.
    for name, key in (("IGO", "i"), ("EVENT", "v"), ("LAW", "l"), ("PARTY", "y")):
        Label.objects.create(project=project, kind="entity", name=name, shortcut=key)
    return project, doc


def open_review(page, live_server, sign_in, project, doc):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/review/{doc.pk}/")
    page.wait_for_selector("body[data-ready=true]")


def test_the_toolbar_is_one_line_at_1366_pixels(page, live_server, sign_in, k3):
    open_review(page, live_server, sign_in, *k3)
    tops = page.locator(".ws-toolbar > :visible").evaluate_all(
        "nodes => nodes.map((n) => Math.round(n.getBoundingClientRect().top))"
    )
    heights = page.locator(".ws-toolbar").evaluate("t => t.getBoundingClientRect().height")
    assert heights < 60, f"the toolbar wraps: {heights}px high, item tops {tops}"
    # The spacer still pushes the document's buttons to the right edge.
    bar = page.locator(".ws-toolbar").bounding_box()
    accept = page.locator("#accept-doc").bounding_box()
    assert bar["x"] + bar["width"] - (accept["x"] + accept["width"]) < 40


def test_agreement_choices_say_majority_and_all_once(page, live_server, sign_in, k3):
    open_review(page, live_server, sign_in, *k3)
    options = page.locator("#min-agreement option").all_inner_texts()
    assert options == ["1 of 3", "2 of 3 (majority)", "3 of 3 (all)"]


LONG = "the Ministry of Foreign Affairs of the Bolivarian Republic of Venezuela"


def test_a_reverse_button_never_covers_its_decisions_text(
    page, live_server, sign_in, users, make_user, tmp_path
):
    project = make_project(users, annotators_per_document=3)
    (cai,) = add_annotators(project, make_user, "cai")
    doc = make_document(project, "d1", text=f"Moscow condemned {LONG}.")
    start = doc.text.index(LONG)
    for who in (users["ana"], users["ben"], cai):
        annotate(doc, who, [span("s1", start, start + len(LONG), "ORG")])
    open_review(page, live_server, sign_in, project, doc)
    page.locator("#span-list li").first.click()
    page.keyboard.press("a")  # accept the one candidate: a decision with a long text
    rows = page.locator("#decision-list li")
    expect(rows).to_have_count(1)
    button = rows.first.locator("button.reverse").bounding_box()
    text = rows.first.locator(".what")
    boxes = text.evaluate(
        "t => [...t.getClientRects()].map((r) => [r.left, r.top, r.right, r.bottom])"
    )
    assert len(boxes) > 1, "the decision's text is long enough to wrap"
    for left, top, right, bottom in boxes:
        apart = (
            right <= button["x"]
            or left >= button["x"] + button["width"]
            or bottom <= button["y"]
            or top >= button["y"] + button["height"]
        )
        assert apart, "the Reverse button covers the decision's text"
    page.locator("#decision-list").screenshot(path=tmp_path / "decision-row.png")


def test_with_two_annotators_all_is_said_once(page, live_server, sign_in, users):
    project = make_project(users, annotators_per_document=2)
    doc = make_document(project, "d1", text="Moscow spoke.")
    for who in ("ana", "ben"):
        annotate(doc, users[who], [span("s1", 0, 6, "GPE")])
    open_review(page, live_server, sign_in, project, doc)
    options = page.locator("#min-agreement option").all_inner_texts()
    assert options == ["1 of 2", "2 of 2 (all)"]  # not "2 of 2 (majority) (all)"
    page.locator("#span-list li").first.click()
    page.keyboard.press("a")
    expect(page.locator("#gold-count")).to_contain_text("1 span · 0 stances")
