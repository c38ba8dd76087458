"""The documents page in Chromium: filter, page by cursor both ways, open a
document, and (owners) delete one nobody has taken."""

import pytest
from playwright.sync_api import expect

from apps.documents.models import Document
from tests.builders import annotate, make_document, open_page, span_of

pytestmark = pytest.mark.browser


@pytest.fixture
def documents(project, users):
    docs = [
        Document(
            project=project,
            external_id=f"d{n:03}",
            title=f"Wire {n}",
            text=f"Story {n}.",
            outlet="Reuters" if n % 2 else "AP",
        )
        for n in range(1, 231)
    ]
    Document.objects.bulk_create(docs)
    make_document(project, "caracas", text="Caracas answered.", title="Caracas answers")
    taken = make_document(
        project, "moscow", text="Moscow condemned the strikes.", title="Moscow condemns"
    )
    annotate(taken, users["ana"], [span_of("s1", taken.text, "Moscow", "GPE")])
    return taken


def rows(page):
    return page.locator("#doc-rows tr")


def test_filter_and_page_through(page, live_server, project, documents, screenshot_path):
    open_page(page, live_server.url, f"/projects/{project.pk}/documents/", "rita")
    expect(rows(page)).to_have_count(100)
    expect(page.locator("#page-info")).to_have_text("Documents 1–100 (page 1)")
    page.click("#next")
    expect(page.locator("#page-info")).to_have_text("Documents 101–200 (page 2)")
    expect(rows(page).first).to_contain_text("d101")
    page.click("#next")
    expect(rows(page)).to_have_count(32)  # 230 wires, Caracas and Moscow
    expect(page.locator("#next")).to_be_disabled()
    page.click("#prev")
    expect(rows(page).first).to_contain_text("d101")

    # A filter starts again from the first page.
    page.fill("#q", "Moscow")
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Moscow condemns")
    expect(rows(page).first).to_contain_text("1 of 1 submitted")
    expect(page.locator("#prev")).to_be_disabled()
    page.select_option("#status", "new")
    page.click("#filters button[type=submit]")
    expect(page.locator("#doc-rows")).to_contain_text("No document matches.")
    page.click("#filters button[type=reset]")
    page.fill("#outlet", "AP")
    page.click("#filters button[type=submit]")
    expect(rows(page)).to_have_count(100)
    expect(page.locator("#doc-rows")).not_to_contain_text("Reuters")
    # Reviewers are not offered deletion.
    expect(page.locator("#doc-rows button")).to_have_count(0)
    page.screenshot(path=screenshot_path("documents.png"), full_page=False)

    # A title opens the document with every set on the adjudication screen.
    page.click("#filters button[type=reset]")
    page.fill("#q", "Moscow")
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(1)
    page.click("#doc-rows a")
    page.wait_for_url(f"**/projects/{project.pk}/review/{documents.pk}/")


def test_owner_deletes_an_untouched_document_only(page, live_server, project, documents):
    open_page(page, live_server.url, f"/projects/{project.pk}/documents/", "olga")
    page.fill("#q", "Caracas")
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#doc-rows button:has-text('Delete')")
    expect(page.locator("#doc-rows")).to_contain_text("No document matches.")
    assert not Document.objects.filter(project=project, external_id="caracas").exists()
    # The annotated document offers no deletion.
    page.fill("#q", "Moscow")
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(1)
    expect(page.locator("#doc-rows button")).to_have_count(0)
