"""Submitting a set with no span while suggestions wait asks first."""

import pytest
from playwright.sync_api import expect

from apps.annotations.assignment import claim
from apps.annotations.models import AnnotationSet, Span
from apps.documents.models import Document
from tests.builders import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Moscow condemned the strikes; Caracas answered."


@pytest.fixture
def document(users):
    project = make_project(users, annotators_per_document=2)
    doc = Document.objects.create(project=project, external_id="d1", text=TEXT)
    gpe = project.labels.get(name="GPE")
    pred = AnnotationSet.objects.create(document=doc, kind="prediction", source="matcher")
    Span.objects.create(set=pred, sid="a", start=0, end=6, label=gpe)
    Span.objects.create(set=pred, sid="b", start=30, end=37, label=gpe)
    claim(doc, users["ana"])
    return doc


def mine(document):
    return AnnotationSet.objects.get(document=document, author__username="ana")


def test_no_span_and_pending_suggestions_asks_before_submitting(
    page, document, open_workspace, screenshot_path
):
    open_workspace(page, document)
    expect(page.locator("#pred-list li")).to_have_count(2)
    page.locator("#text").focus()
    page.keyboard.press("Control+Enter")
    dialog = page.locator("#submit-empty")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("2 suggestions wait to be accepted or rejected")
    page.screenshot(path=screenshot_path("submit-empty.png"))
    # Enter takes the safe default: back to the suggestions, nothing submitted.
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#accept-all")).to_be_focused()
    assert mine(document).submitted_at is None

    # Asked again, the annotator means it: the empty set is submitted.
    page.click("#submit-button")
    page.click("#submit-empty-confirm")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "submitted")
    assert mine(document).submitted_at is not None


def test_a_set_with_spans_or_no_suggestions_submits_at_once(page, document, open_workspace):
    AnnotationSet.objects.filter(document=document, kind="prediction").delete()
    open_workspace(page, document)
    page.click("#submit-button")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "submitted")
    expect(page.locator("#submit-empty")).to_be_hidden()
