"""The label schema editor in a real browser, checked against the database."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.projects.models import Label, Project
from tests.builders import annotate, make_document, make_project, open_page, span_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Moscow condemned the operation."


@pytest.fixture
def project(users):
    project = make_project(users, annotators_per_document=2)
    document = make_document(project, text=TEXT)
    annotate(document, users["ana"], [span_of("s1", TEXT, "Moscow", "GPE")])
    return project


def row(page, name):
    return page.locator(f'.label-row[data-name="{name}"]')


def entity_names(page):
    return page.locator("#list-entity .label-row").evaluate_all(
        "rows => rows.map(r => r.dataset.name)"
    )


def test_owner_adds_recolours_reorders_and_is_told_why_a_label_stays(page, live_server, project):
    open_page(page, live_server.url, f"/projects/{project.pk}/labels/", "olga")
    expect(page.locator("#list-entity .label-row")).to_have_count(3)
    expect(row(page, "GPE")).to_contain_text("Used by 1 span")
    expect(row(page, "ORG")).to_contain_text("Not used yet")

    # Add a label; the shortcut conflicts show while the key is typed.
    page.fill("#add-name", "EVENT")
    shortcut = page.locator("#add-shortcut")
    shortcut_error = page.locator('#add-form .field-error[data-field="shortcut"]')
    shortcut.press_sequentially("p")
    expect(shortcut_error).to_have_text('The key "p" is already the shortcut of PERSON.')
    expect(shortcut).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#add-button")).to_be_disabled()
    shortcut.fill("")
    shortcut.press_sequentially("/")
    expect(shortcut_error).to_contain_text("reserved: it starts a stance in the workspace")
    shortcut.fill("")
    shortcut.press_sequentially("e")  # adjudication's "edit"
    expect(shortcut_error).to_contain_text("reserved: it edits an item in adjudication")
    shortcut.fill("")
    shortcut.press_sequentially("v")
    expect(shortcut_error).to_be_hidden()
    page.locator("#add-color").fill("#22aa55")
    page.fill("#add-description", "A thing that happens: a summit, a strike.")
    page.click("#add-button")
    expect(row(page, "EVENT")).to_be_visible()
    event = Label.objects.get(project=project, name="EVENT")
    assert (event.kind, event.color, event.shortcut) == ("entity", "#22aa55", "v")
    assert event.description == "A thing that happens: a summit, a strike."
    assert entity_names(page) == ["GPE", "ORG", "PERSON", "EVENT"]

    # Recolour ORG; an existing label's key is checked against the others too.
    org = Label.objects.get(project=project, name="ORG")
    row(page, "ORG").locator(f"#shortcut-{org.pk}").fill("")
    row(page, "ORG").locator(f"#shortcut-{org.pk}").press_sequentially("g")
    expect(row(page, "ORG")).to_contain_text('The key "g" is already the shortcut of GPE.')
    expect(page.locator(f"#save-{org.pk}")).to_be_disabled()
    row(page, "ORG").locator(f"#shortcut-{org.pk}").fill("o")
    row(page, "ORG").locator(f"#color-{org.pk}").fill("#aa3377")
    page.click(f"#save-{org.pk}")
    expect(page.locator("#schema-status")).to_have_text("Saved ORG.")
    org.refresh_from_db()
    assert (org.color, org.shortcut) == ("#aa3377", "o")

    # Reorder with the keyboard: EVENT up to the top.
    page.get_by_role("button", name="Move EVENT up").focus()
    for _ in range(3):
        page.keyboard.press("Enter")
        expect(page.locator("#schema-status")).to_have_text("Moved EVENT.")
        page.evaluate("document.getElementById('schema-status').textContent = ''")
    expect(page.get_by_role("button", name="Move EVENT up")).to_be_disabled()
    assert entity_names(page) == ["EVENT", "GPE", "ORG", "PERSON"]
    ordered = Label.objects.filter(project=project, kind="entity").order_by("position")
    assert [label.name for label in ordered] == ["EVENT", "GPE", "ORG", "PERSON"]

    # A label in use cannot be deleted, and the page says why.
    gpe = Label.objects.get(project=project, name="GPE")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#delete-{gpe.pk}")
    expect(row(page, "GPE").locator(".form-error")).to_contain_text(
        "GPE is in use (1 spans); remove those first."
    )
    assert Label.objects.filter(pk=gpe.pk).exists()
    # ... nor change kind.
    row(page, "GPE").locator(f"#kind-{gpe.pk}").select_option("stance")
    page.click(f"#save-{gpe.pk}")
    expect(row(page, "GPE").locator('.field-error[data-field="kind"]')).to_contain_text(
        "its kind cannot change"
    )
    assert Label.objects.get(pk=gpe.pk).kind == "entity"

    # An unused one goes.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#delete-{org.pk}")
    expect(row(page, "ORG")).to_have_count(0)
    assert not Label.objects.filter(pk=org.pk).exists()


def test_a_reviewer_sees_the_schema_read_only(page, live_server, project):
    Label.objects.filter(project=project, name="GPE").update(description="Countries and cities.")
    open_page(page, live_server.url, f"/projects/{project.pk}/labels/", "rita")
    expect(page.locator("#read-only-note")).to_be_visible()
    expect(page.locator("#list-entity .label-row")).to_have_count(3)
    expect(page.locator("#list-stance .label-row")).to_have_count(3)
    expect(row(page, "GPE")).to_contain_text("Countries and cities.")
    expect(row(page, "GPE")).to_contain_text("Used by 1 span")
    expect(page.locator("#add-form")).to_have_count(0)
    expect(
        page.locator(".schema-page input, .schema-page select, .schema-page textarea")
    ).to_have_count(0)
    expect(page.locator(".schema-page button")).to_have_count(0)


def test_a_description_is_the_labels_tooltip_in_the_workspace(
    page, live_server, project, open_workspace
):
    Label.objects.filter(project=project, name="GPE").update(description="Countries and cities.")
    document = project.documents.get()
    open_workspace(page, document, "ben")
    expect(page.locator("#palette button", has_text="GPE")).to_have_attribute(
        "title", "Countries and cities."
    )
    page.locator("#help-button").click()
    key_row = page.locator("#help-keys tr", has_text="Entity label GPE")
    expect(key_row).to_have_attribute("title", "Countries and cities.")
    expect(key_row).to_contain_text("Countries and cities.")


def test_labels_page_screenshot(page, live_server, screenshot_path):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    project = Project.objects.get()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", "accord-demo")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/projects/{project.pk}/labels/")
    page.wait_for_selector("body[data-ready=true]")
    first = page.locator("#add-shortcut")
    taken = Label.objects.filter(project=project).exclude(shortcut="").first()
    page.fill("#add-name", "EVENT2")
    first.press_sequentially(taken.shortcut)
    expect(page.locator('#add-form .field-error[data-field="shortcut"]')).to_be_visible()
    screenshot = screenshot_path("labels.png")
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size < 400_000
