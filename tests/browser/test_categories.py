"""Document categories in the workspace, in a real browser: chosen by key
and by mouse, one per single-choice group and several in a multiple one,
kept across a reload and through a conflict, suggested by prediction sets,
listed in the keys help and shown by the read-only document view."""

import pytest
from playwright.sync_api import expect

from apps.annotations.models import SetCategory
from apps.documents.models import Document
from tests.builders import add_prediction, annotate, make_category_group, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Moscow condemned the strikes on Caracas on Tuesday."


@pytest.fixture
def project(users):
    project = make_project(users, annotators_per_document=2, blind=True)
    make_category_group(
        project, "TONE", ["NEGATIVE", "POSITIVE"], keys={"NEGATIVE": "1", "POSITIVE": "2"}
    )
    make_category_group(
        project,
        "FRAME",
        ["SOVEREIGNTY", "SECURITY"],
        multiple=True,
        keys={"SOVEREIGNTY": "3", "SECURITY": "4"},
    )
    return project


@pytest.fixture
def document(project):
    return Document.objects.create(project=project, external_id="d1", title="Strikes", text=TEXT)


def saved(page):
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved", timeout=5000)


def stored(document, username="ana"):
    return sorted(
        SetCategory.objects.filter(
            set__document=document, set__author__username=username
        ).values_list("label__name", flat=True)
    )


def option(page, name):
    return page.locator(f'#categories input[value="{name}"]')


def test_keys_and_mouse_choose_categories_one_or_several_and_a_reload_keeps_them(
    page, document, open_workspace, screenshot_path
):
    open_workspace(page, document)
    expect(page.locator("#categories")).to_be_visible()
    expect(page.locator("#categories fieldset")).to_have_count(2)
    expect(page.locator('#categories [data-group="TONE"] input[type=radio]')).to_have_count(3)
    expect(page.locator('#categories [data-group="FRAME"] input[type=checkbox]')).to_have_count(2)
    # A single-choice group: a key chooses, another key replaces it.
    page.keyboard.press("1")
    expect(option(page, "NEGATIVE")).to_be_checked()
    page.keyboard.press("2")
    expect(option(page, "POSITIVE")).to_be_checked()
    expect(option(page, "NEGATIVE")).not_to_be_checked()
    # A multiple group: both keys, both kept.
    page.keyboard.press("3")
    page.keyboard.press("4")
    expect(option(page, "SOVEREIGNTY")).to_be_checked()
    expect(option(page, "SECURITY")).to_be_checked()
    saved(page)
    assert stored(document) == ["POSITIVE", "SECURITY", "SOVEREIGNTY"]
    # The mouse: a checkbox off, a radio on; the keys then still work in the text.
    option(page, "SECURITY").click()
    option(page, "NEGATIVE").click()
    expect(page.locator("#text")).to_be_focused()
    saved(page)
    assert stored(document) == ["NEGATIVE", "SOVEREIGNTY"]
    # The chosen one's key again clears its group; "none" does too.
    page.keyboard.press("1")
    expect(
        page.locator("#category-none-" + str(document.project.category_groups.get(name="TONE").pk))
    ).to_be_checked()
    page.keyboard.press("2")
    saved(page)
    assert stored(document) == ["POSITIVE", "SOVEREIGNTY"]
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(option(page, "POSITIVE")).to_be_checked()
    expect(option(page, "SOVEREIGNTY")).to_be_checked()
    expect(option(page, "SECURITY")).not_to_be_checked()
    page.screenshot(path=screenshot_path("workspace-categories.png"))


def test_a_key_never_changes_a_submitted_set(page, document, users, open_workspace):
    annotate(document, users["ana"], categories=["NEGATIVE"])
    open_workspace(page, document)
    expect(option(page, "NEGATIVE")).to_be_checked()
    expect(option(page, "NEGATIVE")).to_be_disabled()
    page.keyboard.press("2")
    expect(option(page, "NEGATIVE")).to_be_checked()
    assert stored(document) == ["NEGATIVE"]


def test_a_suggested_category_is_accepted_with_one_action(
    page, document, open_workspace, screenshot_path
):
    add_prediction(document, source="tone-model", categories=["NEGATIVE", "SECURITY"])
    open_workspace(page, document)
    mark = page.get_by_role("button", name="Accept the suggested category NEGATIVE")
    expect(mark).to_be_visible()
    expect(mark).to_have_attribute("title", "Suggested by tone-model: click to choose it")
    page.screenshot(path=screenshot_path("workspace-category-suggestions.png"))
    mark.click()
    expect(option(page, "NEGATIVE")).to_be_checked()
    expect(mark).to_be_hidden()
    saved(page)
    assert stored(document) == ["NEGATIVE"]
    # Shift + A takes the rest of the suggestions.
    page.locator("#text").focus()
    page.keyboard.press("Shift+A")
    expect(option(page, "SECURITY")).to_be_checked()
    saved(page)
    assert stored(document) == ["NEGATIVE", "SECURITY"]


def test_a_conflict_keeps_the_categories_of_both_tabs(page, context, document, open_workspace):
    open_workspace(page, document)
    other = context.new_page()
    other.goto(page.url)
    other.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("3")
    page.keyboard.press("1")
    saved(page)
    # The other tab is behind: its choice is a 409, and keeping mine puts it
    # on top of theirs (its TONE replaces theirs, FRAME adds up).
    other.locator("#text").focus()
    other.keyboard.press("4")
    other.keyboard.press("2")
    expect(other.locator("#conflict")).to_be_visible()
    expect(other.locator("#save-state")).to_have_attribute("data-state", "conflict")
    other.reload()
    other.wait_for_selector("body[data-ready=true]")
    expect(other.locator("#conflict")).to_be_visible()
    other.click("#keep-mine")
    saved(other)
    assert stored(document) == ["POSITIVE", "SECURITY", "SOVEREIGNTY"]
    expect(option(other, "SOVEREIGNTY")).to_be_checked()
    expect(option(other, "NEGATIVE")).not_to_be_checked()
    # "Reload theirs" in the first tab takes the server's categories.
    page.keyboard.press("4")
    expect(page.locator("#conflict")).to_be_visible()
    page.click("#reload-theirs")
    expect(option(page, "POSITIVE")).to_be_checked()
    expect(option(page, "SECURITY")).to_be_checked()
    assert stored(document) == ["POSITIVE", "SECURITY", "SOVEREIGNTY"]


def test_the_keys_help_lists_the_categories(page, document, open_workspace):
    open_workspace(page, document)
    page.keyboard.press("?")
    help_keys = page.locator("#help-keys")
    expect(help_keys).to_contain_text("Category of TONE: NEGATIVE")
    expect(help_keys).to_contain_text("Category of FRAME: SECURITY")


def test_the_document_view_shows_each_sets_categories(
    page, document, users, live_server, screenshot_path
):
    from tests.builders import open_page

    annotate(document, users["ana"], categories=["POSITIVE", "SOVEREIGNTY"])
    add_prediction(document, source="tone-model", categories=["NEGATIVE"])
    open_page(
        page,
        live_server.url,
        f"/projects/{document.project_id}/documents/{document.pk}/view/",
        "olga",
    )
    categories = page.locator("#set-categories")
    expect(categories).to_contain_text("POSITIVE")
    expect(categories).to_contain_text("SOVEREIGNTY")
    page.screenshot(path=screenshot_path("document-view-categories.png"))
    page.keyboard.press("]")
    expect(categories).to_contain_text("NEGATIVE")
    expect(categories).not_to_contain_text("POSITIVE")


def test_the_project_page_lists_the_categories_with_their_keys_and_groups(
    page, live_server, project, screenshot_path
):
    from tests import builders

    builders.sign_in(page, live_server.url, "ana")
    page.goto(f"{live_server.url}/projects/{project.pk}/")  # server-rendered, no script
    rows = page.locator("#category-labels tr")
    expect(rows).to_have_count(4)
    security = rows.filter(has_text="SECURITY")
    expect(security.locator("kbd")).to_have_text("4")
    expect(security).to_contain_text("FRAME")
    expect(rows.filter(has_text="NEGATIVE")).to_contain_text("TONE")
    page.locator(".labels").screenshot(path=screenshot_path("project-labels-categories.png"))
