"""A button's label stays on one line at 1366 × 768, a common laptop screen:
"Dashboard →" once wrapped its arrow under the word on the review queue."""

import pytest

from tests.builders import annotate, make_project, open_page, sign_in, span_at
from tests.review.helpers import MOSCOW, VENEZUELA, document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The lines each visible button's text takes: the distinct tops of its
# text's boxes (a wrapped label has two).
LINES = """() => [...document.querySelectorAll("button, a.button, a.button-link")]
  .filter((el) => el.offsetParent !== null && el.textContent.trim())
  .map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return [el.textContent.trim(), tops.size];
  })"""


@pytest.fixture
def queued(users):
    """A project whose one document waits for review (its two annotators submitted)."""
    project = make_project(users, annotators_per_document=2)
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW), span_at("s2", VENEZUELA)])
    annotate(doc, users["ben"], [span_at("s1", MOSCOW)])
    return project


def wrapped(page):
    lines = page.evaluate(LINES)
    assert lines, "no button was measured"
    return [label for label, count in lines if count != 1]


def test_the_review_queue_buttons_keep_one_line(page, live_server, users, queued, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/projects/{queued.pk}/review/")
    dashboard = page.get_by_role("link", name="Dashboard →")
    assert dashboard.is_visible()
    assert wrapped(page) == []
    # One line of text: no taller than a lone button beside it on the page.
    sort = page.locator("#q-apply").bounding_box()
    assert dashboard.bounding_box()["height"] <= sort["height"] + 1
    page.screenshot(path=tmp_path / "review-queue-1366.png")


@pytest.mark.parametrize("path", ["dashboard/", "documents/", "jobs/"])
def test_other_pages_with_arrow_buttons_keep_one_line(page, live_server, users, queued, path):
    page.set_viewport_size({"width": 1366, "height": 768})
    open_page(page, live_server.url, f"/projects/{queued.pk}/{path}", "olga")
    assert wrapped(page) == []
