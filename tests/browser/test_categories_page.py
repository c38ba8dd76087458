"""The label schema editor's document categories in a real browser: an
owner makes groups that take one or several, adds categories to them with
keys and colours, reorders and edits them, and is told why a group stays."""

import pytest
from playwright.sync_api import expect

from apps.projects.models import CategoryGroup, Label
from tests.builders import annotate, make_category_group, make_document, make_project, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project(users):
    return make_project(users, annotators_per_document=2)


def block(page, name):
    return page.locator(f'.group-block[data-group="{name}"]')


def test_owner_builds_category_groups_and_their_labels(page, live_server, project, screenshot_path):
    open_page(page, live_server.url, f"/projects/{project.pk}/labels/", "olga")
    expect(page.locator("#groups")).to_contain_text("No category group yet.")
    # A group that takes one, then one that takes several.
    page.fill("#add-group-name", "TONE")
    page.fill("#add-group-description", "The article's tone")
    page.click("#add-group-button")
    expect(block(page, "TONE")).to_be_visible()
    page.fill("#add-group-name", "FRAME")
    page.select_option("#add-group-multiple", "true")
    page.click("#add-group-button")
    expect(block(page, "FRAME")).to_be_visible()
    assert list(CategoryGroup.objects.values_list("name", "multiple", "position")) == [
        ("TONE", False, 0),
        ("FRAME", True, 1),
    ]
    # "Add a category" sets the add form to that group; the group field shows
    # for kind category only.
    tone = CategoryGroup.objects.get(name="TONE")
    page.click(f"#group-add-{tone.pk}")
    expect(page.locator("#add-kind")).to_have_value("category")
    expect(page.locator("#add-group")).to_have_value("TONE")
    expect(page.locator("#add-name")).to_be_focused()
    page.fill("#add-name", "NEGATIVE")
    page.fill("#add-shortcut", "1")
    page.locator("#add-color").fill("#cc3333")
    page.click("#add-button")
    expect(block(page, "TONE").locator('.label-row[data-name="NEGATIVE"]')).to_be_visible()
    # The form stays on the group for the next one; a reserved key is refused as it is typed.
    expect(page.locator("#add-group")).to_have_value("TONE")
    page.fill("#add-name", "POSITIVE")
    page.locator("#add-shortcut").press_sequentially("?")
    expect(page.locator('#add-form .field-error[data-field="shortcut"]')).to_contain_text(
        "reserved"
    )
    page.fill("#add-shortcut", "2")
    page.click("#add-button")
    expect(block(page, "TONE").locator(".label-row")).to_have_count(2)
    frame = CategoryGroup.objects.get(name="FRAME")
    page.click(f"#group-add-{frame.pk}")
    page.fill("#add-name", "SOVEREIGNTY")
    page.click("#add-button")
    expect(block(page, "FRAME").locator('.label-row[data-name="SOVEREIGNTY"]')).to_be_visible()
    negative = Label.objects.get(name="NEGATIVE")
    assert (negative.kind, negative.group.name, negative.shortcut, negative.color) == (
        "category",
        "TONE",
        "1",
        "#cc3333",
    )
    # An entity label hides the group field and has no group.
    page.select_option("#add-kind", "entity")
    expect(page.locator("#add-form .field-group")).to_be_hidden()
    # Reorder the groups; switch TONE to several and back.
    page.click('[aria-label="Move the group FRAME up"]')
    expect(page.locator(".group-block").first).to_have_attribute("data-group", "FRAME")
    assert list(CategoryGroup.objects.order_by("position").values_list("name", flat=True)) == [
        "FRAME",
        "TONE",
    ]
    page.select_option(f"#group-multiple-{tone.pk}", "true")
    page.click(f"#group-save-{tone.pk}")
    expect(page.locator("#schema-status")).to_have_text("Saved the group TONE.")
    assert CategoryGroup.objects.get(pk=tone.pk).multiple is True
    # Move a category to the other group.
    page.select_option(f"#group-{negative.pk}", "FRAME")
    page.click(f"#save-{negative.pk}")
    expect(block(page, "FRAME").locator('.label-row[data-name="NEGATIVE"]')).to_be_visible()
    assert Label.objects.get(pk=negative.pk).group_id == frame.pk
    page.screenshot(path=screenshot_path("schema-categories.png"), full_page=True)


def test_the_page_says_why_a_group_stays(page, live_server, project, users):
    make_category_group(project, "FRAME", ["SOVEREIGNTY", "SECURITY"], multiple=True)
    document = make_document(project, text="Moscow spoke.")
    annotate(document, users["ana"], categories=["SOVEREIGNTY", "SECURITY"])
    frame = CategoryGroup.objects.get(name="FRAME")
    open_page(page, live_server.url, f"/projects/{project.pk}/labels/", "olga")
    expect(block(page, "FRAME").locator('.label-row[data-name="SECURITY"]')).to_contain_text(
        "Used by 1 set"
    )
    page.on("dialog", lambda dialog: dialog.accept())
    page.click(f"#group-delete-{frame.pk}")
    expect(block(page, "FRAME").locator(".group-form > .form-error")).to_contain_text(
        "has labels (SOVEREIGNTY, SECURITY)"
    )
    page.select_option(f"#group-multiple-{frame.pk}", "false")
    page.click(f"#group-save-{frame.pk}")
    expect(
        block(page, "FRAME").locator('.group-form .field-error[data-field="multiple"]')
    ).to_contain_text("has SECURITY and SOVEREIGNTY in one set")
    assert CategoryGroup.objects.get(pk=frame.pk).multiple is True


def test_an_annotator_sees_the_groups_read_only(page, live_server, project):
    make_category_group(project, "TONE", ["NEGATIVE", "POSITIVE"], keys={"NEGATIVE": "1"})
    open_page(page, live_server.url, f"/projects/{project.pk}/labels/", "ana")
    expect(block(page, "TONE")).to_contain_text("A document takes one category.")
    expect(block(page, "TONE").locator(".label-row")).to_have_count(2)
    expect(page.locator("#add-group-form")).to_have_count(0)
    expect(page.locator("#groups input, #groups select")).to_have_count(0)
