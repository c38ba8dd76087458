"""Creating a project and editing its settings, in a real browser, checked
against the database."""

import re

import pytest
from playwright.sync_api import expect

from apps.actors.models import Actor, Alias
from apps.documents.models import Document
from apps.projects import limits
from apps.projects.models import Label, Project
from tests.builders import annotate, make_document, make_project, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project(users):
    return make_project(users, annotators_per_document=2, blind=True)


def test_create_with_the_news_schema_lands_on_the_project_page(
    page, live_server, users, screenshot_path
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "oscar")
    page.click("#new-project")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#f-name", "Elections 2026")
    page.fill("#f-description", "Who backs whom in the campaign coverage.")
    page.fill("#f-guidelines", "# Actors\n\n- Mark **every** named actor.\n- <b>not bold</b>")
    preview = page.locator("#guidelines-preview")
    expect(preview.locator("h2")).to_have_text("Actors")
    expect(preview.locator("strong")).to_have_text("every")
    expect(preview).to_contain_text("<b>not bold</b>")  # HTML stays text
    page.check("input[name=start][value=news]")
    page.fill("#f-k", "2")
    # A tall viewport rather than full_page: in headless Chromium a full-page
    # shot leaves the next click off target.
    page.set_viewport_size({"width": 1280, "height": 1860})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_path("project-new.png")))
    page.click("#save")

    page.wait_for_url(re.compile(r"/projects/\d+/$"))
    created = Project.objects.get(name="Elections 2026")
    assert page.url.endswith(f"/projects/{created.pk}/")
    assert created.annotators_per_document == 2
    for name in ("PERSON", "ORG", "GPE", "IGO", "SUPPORT", "OPPOSE", "NEUTRAL"):
        expect(page.locator(".labels .chip", has_text=name)).to_have_count(1)
    expect(page.locator("#settings-link")).to_be_visible()
    assert Label.objects.filter(project=created).count() == 7


def test_copy_from_an_owned_project(page, live_server, users, project):
    russia = Actor.objects.create(project=project, name="Russia", kind="state")
    Alias.objects.create(actor=russia, text="Moscow")
    open_page(page, live_server.url, "/projects/new/", "olga")
    page.fill("#f-name", "Copied")
    expect(page.locator("#f-copy-from")).to_be_disabled()
    page.check("input[name=start][value=copy]")
    page.select_option("#f-copy-from", str(project.pk))
    page.click("#save")
    page.wait_for_url(re.compile(r"/projects/\d+/$"))
    copied = Project.objects.get(name="Copied")
    assert set(Label.objects.filter(project=copied).values_list("name", flat=True)) == set(
        Label.objects.filter(project=project).values_list("name", flat=True)
    )
    assert list(Alias.objects.filter(actor__project=copied).values_list("text", flat=True)) == [
        "Moscow"
    ]


def test_validation_errors_show_next_to_their_fields(page, live_server, users):
    open_page(page, live_server.url, "/projects/new/", "oscar")
    page.fill("#f-k", "0")
    page.click("#save")
    name_error = page.locator("#e-name")
    expect(name_error).to_be_visible()
    expect(name_error).to_contain_text("blank")
    expect(page.locator("#f-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-name")).to_be_focused()
    expect(page.locator("#e-annotators_per_document")).to_contain_text("1")
    assert not Project.objects.exists()

    page.fill("#f-name", "Fixed")
    page.fill("#f-k", "1")
    page.click("#save")
    page.wait_for_url(re.compile(r"/projects/\d+/$"))
    assert Project.objects.filter(name="Fixed").exists()


def test_settings_edit(page, live_server, users, project, screenshot_path):
    project.guidelines = "## Stances\n\nA stance has a *holder*."
    project.save()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "olga")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.click("#settings-link")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#f-name")).to_have_value("Venezuela crisis")
    expect(page.locator("#f-k")).to_have_value("2")
    expect(page.locator("#f-blind")).to_be_checked()
    expect(page.locator("#guidelines-preview em")).to_have_text("holder")
    expect(page.locator("#f-threshold")).to_be_disabled()

    page.fill("#f-description", "Coverage of the crisis.")
    page.check("#f-routing")
    page.fill("#f-threshold", "1.5")
    expect(page.locator("#f-unfinished")).to_have_value("1")
    page.fill("#f-unfinished", "0")
    page.select_option("#f-kind-state", "GPE")
    page.click("#save")
    expect(page.locator("#e-routing_threshold")).to_be_visible()
    expect(page.locator("#e-max_unfinished_per_annotator")).to_contain_text("1")
    expect(page.locator("#f-unfinished")).to_have_attribute("aria-invalid", "true")
    project.refresh_from_db()
    assert project.description == ""
    assert project.max_unfinished_per_annotator == 1

    page.fill("#f-threshold", "0.7")
    page.fill("#f-unfinished", "2")
    expect(page.locator("#f-create-concepts")).not_to_be_checked()
    page.check("#f-create-concepts")
    page.click("#save")
    expect(page.locator("#save-status")).to_have_text("Saved.")
    expect(page.locator("#e-routing_threshold")).to_be_hidden()
    expect(page.locator("#e-max_unfinished_per_annotator")).to_be_hidden()
    project.refresh_from_db()
    assert project.max_unfinished_per_annotator == 2
    assert project.description == "Coverage of the crisis."
    assert project.routing_enabled is True
    assert project.routing_threshold == 0.7
    assert project.actor_kind_labels == {"state": "GPE"}
    assert project.annotators_create_concepts is True
    page.screenshot(path=str(screenshot_path("project-settings.png")), full_page=True)


def test_least_certain_first_is_chosen_with_the_keyboard(
    page, live_server, users, project, screenshot_path
):
    open_page(page, live_server.url, f"/projects/{project.pk}/settings/", "olga")
    order = page.locator("#f-order")
    expect(order.locator("option")).to_have_text(
        ["Import order", "Random (seeded)", "Least certain first"]
    )
    order.focus()
    page.keyboard.press("End")  # a closed select moves to its last option
    expect(order).to_have_value("uncertain")
    expect(page.locator("#h-order")).to_contain_text("least certain first")
    page.fill("#f-seed", "7")
    page.press("#f-seed", "Enter")  # Enter in a field saves the form
    expect(page.locator("#save-status")).to_have_text("Saved.")
    project.refresh_from_db()
    assert (project.assignment_order, project.assignment_seed) == ("uncertain", 7)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#f-order")).to_have_value("uncertain")
    page.locator("#f-order").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path("project-settings-uncertain.png")))


# (input, value typed, the field the error is shown beside, words of the message)
OUT_OF_RANGE = [
    ("#f-k", "0", "annotators_per_document", "greater than or equal to 1"),
    ("#f-k", str(limits.MAX_ANNOTATORS + 1), "annotators_per_document", "less than or equal to"),
    ("#f-seed", "-1", "assignment_seed", "greater than or equal to 0"),
    ("#f-seed", str(limits.MAX_SEED + 1), "assignment_seed", "less than or equal to"),
    ("#f-threshold", "-1", "routing_threshold", "greater than or equal to 0"),
    ("#f-threshold", "1.5", "routing_threshold", "less than or equal to 1"),
    ("#f-max", "0", "routing_max_annotators", "greater than or equal to 1"),
    ("#f-max", str(limits.MAX_ANNOTATORS + 1), "routing_max_annotators", "less than or equal to"),
    ("#f-max", "1", "routing_max_annotators", "at least annotators_per_document (2)"),
]


def test_every_bound_is_shown_beside_its_setting_and_nothing_is_saved(
    page, live_server, users, project
):
    open_page(page, live_server.url, f"/projects/{project.pk}/settings/", "olga")
    page.check("#f-routing")
    before = Project.objects.filter(pk=project.pk).values().get()
    for selector, typed, field, message in OUT_OF_RANGE:
        good = page.input_value(selector)
        page.fill(selector, typed)
        page.click("#save")
        error = page.locator(f"#e-{field}")
        expect(error).to_contain_text(message)
        expect(page.locator(selector)).to_have_attribute("aria-invalid", "true")
        expect(page.locator(selector)).to_be_focused()
        assert Project.objects.filter(pk=project.pk).values().get() == before, (selector, typed)
        page.fill(selector, good)
    page.fill("#f-k", str(limits.MAX_ANNOTATORS))
    page.fill("#f-max", str(limits.MAX_ANNOTATORS))
    page.fill("#f-seed", str(limits.MAX_SEED))
    page.click("#save")
    expect(page.locator("#save-status")).to_have_text("Saved.")
    expect(page.locator(".field-error:visible")).to_have_count(0)
    project.refresh_from_db()
    assert (
        project.annotators_per_document == project.routing_max_annotators == limits.MAX_ANNOTATORS
    )
    assert project.assignment_seed == limits.MAX_SEED


def test_delete_behind_the_typed_name(page, live_server, users, project):
    document = make_document(project)
    annotate(document, users["ana"])
    open_page(page, live_server.url, f"/projects/{project.pk}/settings/", "olga")
    counts = page.locator("#delete-counts")
    expect(counts).to_contain_text("1 document")
    expect(counts).to_contain_text("1 annotation set")
    delete = page.locator("#delete")
    expect(delete).to_be_disabled()
    page.fill("#f-confirm", "Venezuela")
    expect(delete).to_be_disabled()
    page.press("#f-confirm", "Enter")  # a wrong name deletes nothing
    assert Project.objects.filter(pk=project.pk).exists()
    page.fill("#f-confirm", "Venezuela crisis")
    expect(delete).to_be_enabled()
    delete.click()
    page.wait_for_url(f"{live_server.url}/projects/")
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Document.objects.filter(pk=document.pk).exists()
    expect(page.locator("body")).not_to_contain_text("Venezuela crisis")


def test_reviewers_get_403_on_settings(page, live_server, users, project):
    sign_in(page, live_server.url, "rita")
    response = page.goto(f"{live_server.url}/projects/{project.pk}/settings/")
    assert response.status == 403
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    expect(page.locator("#settings-link")).to_have_count(0)
