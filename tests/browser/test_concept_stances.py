"""Stances on concepts in the annotator's workspace, in a real browser: drawn
by keyboard and by mouse, a concept created inline when the user may and not
otherwise, kept through a reload, changed and deleted; and shown read-only on
the document's page. Each checked against what the database stored."""

import pytest
from playwright.sync_api import expect

from apps.actors.models import Concept
from apps.annotations.models import Stance
from apps.documents.models import Document
from tests.browser.test_workspace import drag, saved
from tests.builders import (
    add_prediction,
    annotate,
    concept_stance,
    make_project,
    open_page,
    span_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Moscow condemned the strikes on Caracas on Tuesday."


@pytest.fixture
def project(users):
    return make_project(users, blind=True)


@pytest.fixture
def document(project):
    return Document.objects.create(project=project, external_id="d1", title="Strikes", text=TEXT)


@pytest.fixture
def codebook(project):
    law = Concept.objects.create(project=project, name="International law", keywords=["law"])
    return {
        "law": law,
        "sovereignty": Concept.objects.create(
            project=project, name="State sovereignty", parent=law, keywords=["sovereign"]
        ),
        "trade": Concept.objects.create(project=project, name="Free trade"),
    }


def moscow(page):
    """Moscow, a GPE span, selected."""
    drag(page, 0, 6)
    page.keyboard.press("g")
    saved(page)


def concept_stances(document, username="ana"):
    return list(
        Stance.objects.filter(set__document=document, set__author__username=username).values_list(
            "holder__start", "target", "concept__name", "polarity__name", "cue__start"
        )
    )


def badge(page):
    return page.locator("#text .seg[data-badge]")


def test_draw_a_concept_stance_by_keyboard_then_reload_change_and_delete(
    page, document, codebook, open_workspace, screenshot_path
):
    open_workspace(page, document)
    moscow(page)
    cue = TEXT.index("condemned")
    drag(page, cue, cue + 9)
    page.keyboard.press("o")
    page.keyboard.press("Escape")
    page.keyboard.press("]")  # Moscow
    page.keyboard.press("/")
    expect(page.locator("#banner")).to_contain_text("/ again for a concept")
    page.keyboard.press("/")
    expect(page.locator("#concept-dialog")).to_be_visible()
    # Search as you type, over names and keywords, with the hierarchy's path.
    page.keyboard.type("sovereign")
    results = page.locator("#concept-results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("State sovereignty")
    expect(results.first).to_contain_text("International law › State sovereignty")
    page.fill("#concept-q", "law")  # International law, by name and keyword
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("International law")
    page.fill("#concept-q", "state")
    expect(results).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("#concept-dialog")).to_be_hidden()
    expect(page.locator("#banner")).to_contain_text(
        "On International law › State sovereignty. Polarity"
    )
    page.keyboard.press("s")
    expect(page.locator("#banner")).to_contain_text("cue")
    page.keyboard.press("]")  # condemned, the cue
    page.keyboard.press("Enter")
    saved(page)
    assert concept_stances(document) == [(0, None, "State sovereignty", "SUPPORT", cue)]
    expect(badge(page)).to_have_attribute("data-badge", "→ State sovereignty SUPPORT")
    expect(badge(page)).to_have_attribute(
        "title", "“Moscow” SUPPORT concept “International law › State sovereignty”"
    )
    row = page.locator("#stance-list li")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Moscow → ◇ International law › State sovereignty (cue: condemned)")
    expect(page.locator("#stance-list select")).to_have_value("SUPPORT")
    assert page.locator("svg.arcs g.arc").count() == 0  # nothing in the text to point at

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(badge(page)).to_have_attribute("data-badge", "→ State sovereignty SUPPORT")
    expect(row).to_contain_text("Moscow → ◇ International law › State sovereignty")
    page.screenshot(path=screenshot_path("workspace-concept-stance.png"), full_page=True)

    # The same keys as any stance: "." selects it, a polarity key changes it.
    page.locator("#text").focus()
    page.keyboard.press(".")
    expect(page.locator("#stance-list li.current")).to_have_count(1)
    expect(page.locator("#banner")).to_contain_text(
        "Stance Moscow → ◇ International law › State sovereignty (SUPPORT)"
    )
    page.keyboard.press("x")
    saved(page)
    expect(badge(page)).to_have_attribute("data-badge", "→ State sovereignty OPPOSE")
    assert concept_stances(document) == [(0, None, "State sovereignty", "OPPOSE", cue)]
    page.keyboard.press("Delete")
    saved(page)
    assert concept_stances(document) == []
    expect(badge(page)).to_have_count(0)
    expect(row).to_have_count(0)


def test_draw_a_concept_stance_by_mouse(page, document, codebook, open_workspace):
    open_workspace(page, document)
    moscow(page)
    page.click("#detail button:has-text('Stance from here')")
    page.click("#stance-on-concept")
    page.fill("#concept-q", "free")
    page.locator("#concept-results li", has_text="Free trade").click()
    page.click("#banner button:has-text('OPPOSE')")
    page.keyboard.press("Escape")
    saved(page)
    assert concept_stances(document) == [(0, None, "Free trade", "OPPOSE", None)]
    expect(badge(page)).to_have_attribute("data-badge", "→ Free trade OPPOSE")
    # Esc in the picker goes back to choosing a target span.
    page.keyboard.press("Escape")
    page.locator("#text .seg").first.click()
    page.keyboard.press("/")
    page.keyboard.press("/")
    page.keyboard.press("Escape")
    expect(page.locator("#concept-dialog")).to_be_hidden()
    expect(page.locator("#banner")).to_contain_text("choose the target span")
    # The list's remove button, as for any stance.
    page.locator("#stance-list li button[title='Remove stance']").click()
    saved(page)
    assert concept_stances(document) == []


def test_an_owner_creates_a_concept_inline(page, document, codebook, open_workspace):
    open_workspace(page, document, "olga")
    moscow(page)
    page.keyboard.press("/")
    page.keyboard.press("/")
    page.keyboard.type("Non-intervention")
    expect(page.locator("#concept-results")).to_contain_text("Create it below")
    expect(page.locator("#concept-create")).to_have_text("Create concept “Non-intervention”")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#concept-dialog")).to_be_hidden()
    page.keyboard.press("n")
    page.keyboard.press("Escape")
    saved(page)
    created = Concept.objects.get(project=document.project, name="Non-intervention")
    assert concept_stances(document, "olga") == [(0, None, "Non-intervention", "NEUTRAL", None)]
    assert created.parent is None
    expect(badge(page)).to_have_attribute("data-badge", "→ Non-intervention NEUTRAL")


def test_an_annotator_cannot_create_a_concept_unless_the_project_lets_them(
    page, document, codebook, open_workspace
):
    open_workspace(page, document)
    moscow(page)
    page.keyboard.press("/")
    page.keyboard.press("/")
    page.keyboard.type("Non-intervention")
    expect(page.locator("#concept-results")).to_contain_text("Only the owner adds concepts")
    expect(page.locator("#concept-create")).to_be_hidden()
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#concept-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    assert not Concept.objects.filter(name="Non-intervention").exists()
    assert concept_stances(document) == []


def test_suggested_concept_stances_come_along_with_accept_all(
    page, document, codebook, open_workspace
):
    add_prediction(
        document,
        spans=[span_of("p1", TEXT, "Moscow", "GPE")],
        stances=[concept_stance("t1", "p1", codebook["trade"].pk, "OPPOSE")],
    )
    open_workspace(page, document)
    page.click("#accept-all")
    saved(page)
    assert concept_stances(document) == [(0, None, "Free trade", "OPPOSE", None)]
    expect(badge(page)).to_have_attribute("data-badge", "→ Free trade OPPOSE")


def test_the_document_page_shows_concept_stances(
    page, live_server, project, document, codebook, users
):
    annotate(
        document,
        users["ana"],
        spans=[span_of("s1", TEXT, "Moscow", "GPE"), span_of("s2", TEXT, "Caracas", "GPE")],
        stances=[concept_stance("t1", "s1", codebook["sovereignty"].pk, "SUPPORT")],
    )
    path = f"/projects/{project.pk}/documents/{document.pk}/view/"
    open_page(page, live_server.url, path, "rita")
    expect(badge(page)).to_have_attribute("data-badge", "→ State sovereignty SUPPORT")
    expect(page.locator("#stance-list li")).to_contain_text(
        "◇ International law › State sovereignty"
    )
    expect(page.locator("#stance-list li")).to_have_attribute(
        "title", "“Moscow” SUPPORT concept “International law › State sovereignty”"
    )


def test_badges_of_nested_holders_stay_legible(
    page, document, codebook, users, open_workspace, screenshot_path
):
    text = "The European Union said Washington had acted alone, while Brazil urged talks."
    Document.objects.filter(pk=document.pk).update(text=text)
    annotate(
        document,
        users["ana"],
        spans=[
            span_of("s1", text, "European Union", "ORG"),
            span_of("s2", text, "Union", "GPE"),
            span_of("s3", text, "Washington", "GPE"),
            span_of("s4", text, "Brazil", "GPE"),
        ],
        stances=[
            concept_stance("t1", "s1", codebook["sovereignty"].pk, "SUPPORT"),
            concept_stance("t2", "s2", codebook["trade"].pk, "OPPOSE"),
            concept_stance("t3", "s3", codebook["trade"].pk, "SUPPORT"),
            {"id": "t4", "holder": "s4", "target": "s3", "polarity": "OPPOSE", "cue": None},
        ],
        submit=False,
    )
    open_workspace(page, document)
    # Both holders end after "Union": one badge there, each stance in turn.
    union = page.locator("#text .seg[data-badge*='Free trade OPPOSE']")
    expect(union).to_have_attribute(
        "data-badge", "→ State sovereignty SUPPORT · → Free trade OPPOSE"
    )
    expect(union).to_have_text("Union")
    expect(page.locator("#text .seg[data-badge]")).to_have_count(2)
    expect(page.locator("svg.arcs g.arc")).to_have_count(1)  # the stance on a span only
    expect(page.locator("#stance-list li")).to_have_count(4)
    page.screenshot(path=screenshot_path("workspace-concept-badges.png"), full_page=True)


def test_a_concept_merged_while_the_workspace_is_open_moves_the_stance_to_the_survivor(
    page, document, codebook, open_workspace, users
):
    from apps.mentions.merge import merge_concepts

    open_workspace(page, document)
    moscow(page)
    page.keyboard.press("/")
    page.keyboard.press("/")
    page.keyboard.type("free")
    expect(page.locator("#concept-results li")).to_have_count(1)
    # The owner merges Free trade into State sovereignty meanwhile.
    merge_concepts(codebook["trade"], codebook["sovereignty"], users["olga"])
    page.keyboard.press("Enter")
    expect(page.locator("#banner")).to_contain_text("On Free trade. Polarity")
    page.keyboard.press("x")  # OPPOSE
    expect(page.locator("#banner")).to_contain_text("Stance added")
    page.keyboard.press("Escape")  # no cue
    # The refusal named the survivor: the stance moved to it and was saved.
    expect(page.locator("#banner")).to_contain_text(
        "A concept was merged while you worked: 1 stance moved (Free trade → "
    )
    expect(page.locator("#banner")).to_contain_text("State sovereignty")
    saved(page)
    assert concept_stances(document) == [(0, None, "State sovereignty", "OPPOSE", None)]
    expect(badge(page)).to_have_attribute("data-badge", "→ State sovereignty OPPOSE")
    page.screenshot(path="/tmp/shots-claims/workspace-merged-concept.png", full_page=True)
