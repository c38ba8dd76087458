"""The review queue ordered by the model's disagreement, chosen with the
keyboard in a real browser, checked against the cached scores."""

import pytest
from playwright.sync_api import expect

from tests.builders import add_prediction, annotate, make_project, sign_in, span_at
from tests.review.helpers import MOSCOW, RODRIGUEZ, VENEZUELA, document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued(users):
    project = make_project(users, annotators_per_document=2)
    docs = []
    for i, title in enumerate(["Close call", "Far off", "Unseen"]):
        doc = document(project, f"d{i}")
        doc.title = title
        doc.save(update_fields=["title"])
        annotate(doc, users["ana"], [span_at("s1", MOSCOW), span_at("s2", VENEZUELA)])
        annotate(doc, users["ben"], [span_at("s1", MOSCOW)])
        docs.append(doc)
    add_prediction(docs[0], "ner-v1", [span_at("p1", MOSCOW)])
    add_prediction(docs[1], "ner-v1", [span_at("p1", RODRIGUEZ)])
    return project, docs


def titles(page):
    return page.locator("#queue tbody tr a.open").all_inner_texts()


def test_the_queue_sorts_by_the_models_disagreement_with_the_keyboard(
    page, live_server, users, queued, screenshot_path
):
    project, docs = queued
    page.set_viewport_size({"width": 1280, "height": 640})
    sign_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/review/")
    expect(page.locator("#queue-sort")).to_be_visible()
    assert titles(page) == [
        "Close call",
        "Far off",
        "Unseen",
    ]  # equal among themselves: import order
    sort = page.locator("#q-sort")
    sort.focus()
    page.keyboard.press("End")
    expect(sort).to_have_value("model")
    page.keyboard.press("Tab")
    expect(page.locator("#q-source")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#q-apply")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=model**")
    expect(page.locator("#queue th", has_text="Model")).to_be_visible()
    assert titles(page) == ["Far off", "Close call", "Unseen"]
    expect(page.locator("#q-help")).to_contain_text("ner-v1")
    far = page.locator(f"#queue tr[data-document='{docs[1].pk}'] td.model-score")
    expect(far).to_contain_text("1.00")
    expect(page.locator(f"#queue tr[data-document='{docs[2].pk}'] td.model-score")).to_have_text(
        "—"
    )
    page.screenshot(path=str(screenshot_path("queue-by-model.png")))
