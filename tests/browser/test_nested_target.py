"""Choosing a stance's target among nested spans: a click takes the innermost
as the candidate, each further click the span around it, Enter takes it."""

import pytest
from playwright.sync_api import expect

from apps.annotations.assignment import claim
from apps.annotations.models import Span, Stance
from apps.documents.models import Document
from tests.browser.test_workspace import click_at
from tests.builders import add_gold, annotate, make_project, span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Moscow rebuked the Russian Foreign Ministry critics."
OUTER = TEXT.index("Russian Foreign Ministry")
INNER = TEXT.index("Russian")


@pytest.fixture
def document(users):
    project = make_project(users, annotators_per_document=2)
    doc = Document.objects.create(project=project, external_id="d1", text=TEXT)
    aset, _ = claim(doc, users["ana"])
    labels = {label.name: label for label in project.labels.all()}
    Span.objects.create(set=aset, sid="m", start=0, end=6, label=labels["GPE"])
    Span.objects.create(set=aset, sid="o", start=OUTER, end=OUTER + 24, label=labels["ORG"])
    Span.objects.create(set=aset, sid="r", start=INNER, end=INNER + 7, label=labels["GPE"])
    return doc


def test_a_second_click_walks_out_to_the_span_around(page, document, open_workspace):
    open_workspace(page, document)
    click_at(page, 2)  # Moscow
    page.keyboard.press("/")
    expect(page.locator("#banner")).to_contain_text("choose the target")
    click_at(page, INNER + 2)  # inside "Russian", inside "Russian Foreign Ministry"
    banner = page.locator("#banner")
    expect(banner).to_contain_text("Target: “Russian”. Click again for the span around it")
    click_at(page, INNER + 2)
    expect(banner).to_contain_text("Target: “Russian Foreign Ministry”")
    page.keyboard.press("Enter")
    expect(banner).to_contain_text("Polarity")
    page.keyboard.press("x")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved", timeout=5000)
    stance = Stance.objects.get(set__author__username="ana")
    assert (stance.holder.sid, stance.target.sid, stance.polarity.name) == ("m", "o", "OPPOSE")


def test_a_click_on_a_span_nothing_nests_takes_it_at_once(page, document, open_workspace):
    open_workspace(page, document)
    click_at(page, OUTER + 12)  # "Foreign": only the outer span
    page.keyboard.press("/")
    click_at(page, 2)  # Moscow: one span there
    expect(page.locator("#banner")).to_contain_text("Polarity")


def test_adjudication_walks_out_the_same_way(page, live_server, sign_in, users):
    project = make_project(users, annotators_per_document=2)
    doc = Document.objects.create(project=project, external_id="d2", text=TEXT)
    spans = [
        span("m", 0, 6, "GPE"),
        span("o", OUTER, OUTER + 24, "ORG"),
        span("r", INNER, INNER + 7, "GPE"),
    ]
    for who in ("ana", "ben"):
        annotate(doc, users[who], spans)
    add_gold(doc, spans=spans, adjudicate=False)
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/review/{doc.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    page.locator("#span-list li", has_text="Moscow").first.click()
    page.keyboard.press("/")
    banner = page.locator("#banner")
    expect(banner).to_contain_text("choose the target")
    click_at(page, INNER + 2)
    expect(banner).to_contain_text("Target: “Russian”. Click again for the span around it")
    click_at(page, INNER + 2)
    expect(banner).to_contain_text("Target: “Russian Foreign Ministry”")
    page.keyboard.press("Enter")
    expect(banner).to_contain_text("press a polarity key")
    page.keyboard.press("x")
    expect(page.locator("#stance-list li.in-gold")).to_have_count(1)
    gold = Stance.objects.get(set__document=doc, set__kind="gold")
    assert (gold.holder.start, gold.target.start, gold.target.end) == (0, OUTER, OUTER + 24)
