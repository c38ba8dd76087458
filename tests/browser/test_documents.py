"""The documents page in Chromium: filter, sort, page by cursor both ways,
open a document read-only, and (owners) delete one nobody has taken and
reassign an unfinished set."""

import pytest
from playwright.sync_api import expect

from apps.documents.models import Document
from tests.builders import add_gold, annotate, make_document, open_page, span_of, stance

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

    # A title opens the document read-only; "adjudicate" beside it the
    # adjudication screen.
    page.click("#filters button[type=reset]")
    page.fill("#q", "Moscow")
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(1)
    expect(page.locator("#doc-rows a:has-text('adjudicate')")).to_have_attribute(
        "href", f"/projects/{project.pk}/review/{documents.pk}/"
    )
    page.click("#doc-rows a:has-text('Moscow condemns')")
    page.wait_for_url(f"**/projects/{project.pk}/documents/{documents.pk}/view/")


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


def test_sort_then_page_forward_and_back(page, live_server, project, documents):
    Document.objects.filter(project=project, external_id__in=["d005", "d150"]).update(
        published="2024-05-01"
    )
    Document.objects.filter(project=project, external_id="d007").update(published="2024-06-01")
    open_page(page, live_server.url, f"/projects/{project.pk}/documents/", "rita")
    page.select_option("#ordering", "-published")
    expect(rows(page).nth(0)).to_contain_text("d007")
    # Ties by id, in the direction of the sort; undated documents last.
    expect(rows(page).nth(1)).to_contain_text("d150")
    expect(rows(page).nth(2)).to_contain_text("d005")
    expect(rows(page).nth(3)).to_contain_text("Moscow condemns")
    page.click("#next")
    expect(page.locator("#page-info")).to_have_text("Documents 101–200 (page 2)")
    page.click("#next")
    expect(rows(page)).to_have_count(32)
    page.click("#prev")
    page.click("#prev")
    expect(rows(page).nth(0)).to_contain_text("d007")
    # The last change comes first in its own order: Moscow is the only one annotated.
    page.select_option("#ordering", "-last_activity")
    expect(page.locator("#page-info")).to_have_text("Documents 1–100 (page 1)")
    expect(rows(page).nth(0)).to_contain_text("Moscow condemns")


def test_a_document_opens_read_only_with_every_set(
    page, live_server, project, users, screenshot_path
):
    doc = make_document(project, "m2", text="Moscow condemned Caracas. 🇻🇪 Quito agreed.")
    annotate(doc, users["ana"], [span_of("s1", doc.text, "Moscow", "GPE")])
    annotate(
        doc,
        users["ben"],
        [span_of("s1", doc.text, "Caracas", "GPE"), span_of("s2", doc.text, "Quito", "GPE")],
        [stance("t1", "s2", "s1", "SUPPORT")],
    )
    add_gold(doc, spans=[span_of("g1", doc.text, "Quito", "GPE")])
    open_page(page, live_server.url, f"/projects/{project.pk}/documents/{doc.pk}/view/", "rita")
    choice = page.locator("#set-choice option")
    expect(choice).to_have_text(["Gold", "ana (submitted)", "ben (submitted)"])
    # Gold first; past the emoji the UTF-16 offsets still land on "Quito".
    expect(page.locator("#span-list li")).to_have_text(["GPEQuito"])
    expect(page.locator("#text")).to_contain_text("Quito agreed.")
    page.keyboard.press("]")
    page.keyboard.press("]")
    expect(page.locator("#set-summary")).to_contain_text("ben (submitted)")
    expect(page.locator("#span-list li")).to_have_count(2)
    expect(page.locator("#stance-list li")).to_have_text(["QuitoSUPPORTCaracas"])
    # The stance is drawn in the text too, as in the workspace; a click marks it.
    arc = page.locator("svg.arcs g.arc")
    expect(arc).to_have_count(1)
    expect(arc.locator("text")).to_have_text("SUPPORT")
    arc.locator(".arc-label").click()
    expect(page.locator("#stance-list li.current")).to_have_count(1)
    # Nothing to edit: no palette, no submit, no editable text.
    expect(page.locator("#palette, #submit-button, [contenteditable]")).to_have_count(0)
    expect(page.locator("#adjudicate-link")).to_be_visible()
    # The toolbar's spacer pushes "Adjudicate" to the right edge.
    bar = page.locator(".ws-toolbar").bounding_box()
    link = page.locator("#adjudicate-link").bounding_box()
    assert bar["x"] + bar["width"] - (link["x"] + link["width"]) < 40
    page.screenshot(path=screenshot_path("document-view.png"), full_page=False)


def test_a_blind_annotator_sees_only_their_own_set(page, live_server, project, users):
    doc = make_document(project, "m3", text="Moscow condemned Caracas.")
    annotate(doc, users["ana"], [span_of("s1", doc.text, "Moscow", "GPE")])
    annotate(doc, users["ben"], [span_of("s1", doc.text, "Caracas", "GPE")])
    open_page(page, live_server.url, f"/projects/{project.pk}/documents/{doc.pk}/view/", "ana")
    expect(page.locator("#set-choice option")).to_have_text(["ana (submitted)"])
    expect(page.locator("#adjudicate-link")).to_have_count(0)


def test_owner_reassigns_an_unfinished_set(page, live_server, project, users, tmp_path):
    doc = make_document(project, "r1", text="Moscow condemned Caracas.", title="Unfinished")
    aset = annotate(doc, users["ana"], [span_of("s1", doc.text, "Moscow", "GPE")], submit=False)
    open_page(page, live_server.url, f"/projects/{project.pk}/documents/", "olga")
    page.fill("#q", "Unfinished")
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(1)
    page.click("#doc-rows button:has-text('Reassign')")
    expect(page.locator("#reassign-dialog")).to_be_visible()
    expect(page.locator("#reassign-from option")).to_have_text(["ana"])
    # Someone who already holds an unfinished document is refused, naming the rule.
    other = make_document(project, "r2", text="Quito agreed.")
    annotate(other, users["ben"], [span_of("s1", other.text, "Quito", "GPE")], submit=False)
    page.select_option("#reassign-to", "ben")
    page.click("#reassign-form button[type=submit]")
    expect(page.locator("#reassign-error")).to_contain_text("unfinished")
    # Looked at, not documented: the README shows the page itself.
    page.screenshot(path=tmp_path / "documents-reassign.png", full_page=False)
    page.select_option("#reassign-to", "rita")
    page.click("#reassign-form button[type=submit]")
    expect(page.locator("#reassign-dialog")).to_be_hidden()
    aset.refresh_from_db()
    assert aset.author.username == "rita" and aset.spans.count() == 1
