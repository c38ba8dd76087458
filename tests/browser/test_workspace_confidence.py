"""A suggestion's confidence in the workspace: "ORG 87 %" on the text, in
the list and the tooltip, a band as strong as the model is sure; accepting
and rejecting by keyboard as before."""

import re

import pytest
from playwright.sync_api import expect

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from tests.browser.test_workspace import TEXT, ana_spans, saved
from tests.builders import add_prediction, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NBSP = "\u00a0"
MOSCOW_HINT = f"Suggestion: GPE, 87{NBSP}% confident (ner-v2). Enter accepts, Del rejects."


@pytest.fixture
def project(users):
    return make_project(users, annotators_per_document=2, blind=True)


@pytest.fixture
def predicted(project):

    document = Document.objects.create(
        project=project, external_id="d1", title="Strikes", text=TEXT
    )
    caracas, eu = TEXT.index("Caracas"), TEXT.index("European Union")
    add_prediction(
        document,
        "ner-v2",
        [
            {"id": "a", "start": 0, "end": 6, "label": "GPE", "score": 0.87},
            {"id": "b", "start": caracas, "end": caracas + 7, "label": "GPE", "score": 0.31},
            {"id": "c", "start": eu, "end": eu + 14, "label": "ORG"},  # no confidence given
        ],
    )
    return document


def test_confidence_is_shown_and_keys_accept_and_reject(
    page, predicted, open_workspace, screenshot_path
):
    page.set_viewport_size({"width": 1280, "height": 760})
    open_workspace(page, predicted)
    items = page.locator("#pred-list li")
    expect(items).to_have_count(3)
    expect(items.nth(0).locator(".conf")).to_have_text(f"87{NBSP}%")
    expect(items.nth(1).locator(".conf")).to_have_text(f"31{NBSP}%")
    expect(items.nth(2).locator(".conf")).to_have_count(0)
    expect(items.nth(0)).to_have_attribute(
        "title", f"Suggestion: GPE, 87{NBSP}% confident (ner-v2). Enter accepts, Del rejects."
    )
    # On the text: the tag says it, the tooltip says it in words.
    tags = page.locator("#text .seg.tag-pred").evaluate_all("els => els.map(e => e.dataset.tag)")
    assert tags == [f"GPE 87{NBSP}%", f"GPE 31{NBSP}%", "ORG?"]
    moscow = page.locator("#text .seg.pred-only").first
    expect(moscow).to_have_attribute(
        "title", f"Suggestion: GPE, 87{NBSP}% confident (ner-v2). Enter accepts, Del rejects."
    )
    # The surer the model, the stronger the band: alpha ~ 64 + 191 * score.
    images = page.locator("#text .seg.pred-only").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundImage)"
    )
    alphas = [
        float(m.group(1)) if (m := re.search(r"rgba\(\d+, \d+, \d+, ([\d.]+)\) 0px", i)) else 1.0
        for i in images
    ]
    assert alphas == pytest.approx([230 / 255, 123 / 255, 1.0], abs=0.02), images
    # In the list, a suggestion's chip is outlined dashed, as its band on the text.
    outlines = items.locator(".chip").evaluate_all(
        "els => els.map(e => getComputedStyle(e).outlineStyle)"
    )
    assert outlines == ["dashed"] * 3
    page.screenshot(path=str(screenshot_path("workspace-confidence.png")))

    # Keyboard as before: ] to the first item, Enter accepts; ] again, Del rejects.
    page.locator("#text").focus()
    page.keyboard.press("]")
    expect(page.locator("#pred-confidence")).to_have_text(f"87{NBSP}% confident, from ner-v2")
    page.keyboard.press("Enter")
    saved(page)
    assert ana_spans(predicted) == [(0, 6, "GPE")]
    expect(items).to_have_count(2)
    page.keyboard.press("Escape")
    page.keyboard.press("]")
    page.keyboard.press("]")
    expect(page.locator("#pred-confidence")).to_have_text(f"31{NBSP}% confident, from ner-v2")
    page.keyboard.press("Delete")
    saved(page)
    aset = AnnotationSet.objects.get(document=predicted, author__username="ana")
    caracas = TEXT.index("Caracas")
    assert aset.rejected_predictions == [
        {"source": "ner-v2", "start": caracas, "end": caracas + 7, "label": "GPE"}
    ]
    expect(items).to_have_count(1)
    expect(items.first.locator(".conf")).to_have_count(0)
