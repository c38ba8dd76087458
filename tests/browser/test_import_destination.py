"""The import page in Chromium: a Label Studio export whose annotations land
as annotators' sets, one peer author matched by e-mail and the other mapped
to a member in the table; the sets then appear on the documents and review
pages."""

import json

import pytest
from playwright.sync_api import expect

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from tests.builders import open_page
from tests.imports.label_studio_files import TEXT, by, region

pytestmark = pytest.mark.browser


def tasks():
    return [
        {
            "id": n,
            "data": {"text": TEXT, "external_id": f"ls-{n}", "title": f"Meeting {n}"},
            "annotations": [
                by(10, region("a", 0, 6), region("b", 11, 16)),
                by({"id": 11, "email": "ana@example.org", "first_name": "Ana"}, region("c", 0, 6)),
            ],
        }
        for n in (1, 2)
    ]


def test_import_annotations_as_annotators_sets_with_a_mapping(
    page, live_server, project, users, tmp_path, screenshot_path
):
    users["ana"].email = "ana@example.org"
    users["ana"].save()
    path = tmp_path / "label-studio.json"
    path.write_text(json.dumps(tasks()), "utf-8")
    open_page(page, live_server.url, f"/projects/{project.pk}/import/", "olga")
    page.select_option("#format", "label-studio")
    page.set_input_files("#file", str(path))
    expect(page.locator("#summary")).to_contain_text("2 new ones to store")
    # As predictions (the default) the authors are listed, their selects idle.
    expect(page.locator("#author-rows tr")).to_have_count(2)
    expect(page.locator("#authorship")).to_contain_text("Choose “annotators' sets”")
    expect(page.locator("#author-rows select").first).to_be_disabled()

    page.check("input[name=annotations][value=annotators]")
    # Ana is matched by her e-mail; Label Studio user 10 is only an id.
    ana_row = page.locator("#author-rows tr", has_text="Ana <ana@example.org>")
    expect(ana_row.locator("select")).to_have_value("ana")
    expect(ana_row).to_contain_text("same e-mail")
    expect(page.locator("#problem-rows")).to_contain_text("Label Studio user 10")
    expect(page.locator("#problem-rows")).to_contain_text("annotations[0].completed_by")
    expect(page.locator("#import-button")).to_be_disabled()

    select = page.get_by_label("Label Studio user 10")
    select.focus()
    select.select_option("ben")
    expect(page.locator("#problems-block")).to_be_hidden()
    expect(page.locator("#summary")).to_contain_text("with 4 annotators' sets")
    expect(page.get_by_label("Label Studio user 10")).to_be_focused()
    expect(page.locator("#import-button")).to_be_enabled()
    page.screenshot(path=screenshot_path("import-annotators.png"), full_page=True)
    assert not Document.objects.filter(project=project).exists()

    page.click("#import-button")
    expect(page.locator("#result")).to_contain_text("Imported 2 documents with 4 annotators' sets.")
    sets = AnnotationSet.objects.filter(document__project=project, kind="annotator")
    assert sorted(sets.values_list("document__external_id", "author__username", "status")) == [
        ("ls-1", "ana", "submitted"),
        ("ls-1", "ben", "submitted"),
        ("ls-2", "ana", "submitted"),
        ("ls-2", "ben", "submitted"),
    ]

    page.click("#result a")
    page.wait_for_url(f"**/projects/{project.pk}/documents/")
    row = page.locator("tr", has_text="ls-1")
    expect(row).to_contain_text("2 of 2 submitted")
    row.get_by_role("link", name="Meeting 1", exact=True).click()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("body")).to_contain_text("ana")
    expect(page.locator("body")).to_contain_text("ben")
