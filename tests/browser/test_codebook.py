"""The codebook page in a real browser, checked against the database."""

import pytest
from playwright.sync_api import expect

from apps.actors.models import Concept
from apps.annotations.models import Stance
from tests.builders import (
    annotate,
    concept_stance,
    make_document,
    make_project,
    open_page,
    sign_in,
    span_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Moscow defended sovereignty."


@pytest.fixture
def project(users):
    return make_project(users, annotators_per_document=2, blind=True)


@pytest.fixture
def codebook(project):
    law = Concept.objects.create(project=project, name="International law", keywords=["law"])
    charter = Concept.objects.create(
        project=project,
        name="UN Charter",
        parent=law,
        keywords=["Charter", "Carta de la ONU"],
        description="The Charter of 1945.",
    )
    Concept.objects.create(project=project, name="Article 2(4)", parent=charter)
    sovereignty = Concept.objects.create(project=project, name="Souveraineté")
    return {"law": law, "charter": charter, "sovereignty": sovereignty}


def open_codebook(page, live_server, project, username):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, live_server.url, f"/projects/{project.pk}/codebook/", username)


def tree_texts(page):
    return [
        (item.get_attribute("aria-level"), item.locator(".cb-name").inner_text())
        for item in page.locator("#concept-tree li[role=treeitem]").all()
    ]


def test_a_member_sees_the_tree_searches_and_opens_a_concept_by_keyboard(
    page, live_server, project, codebook, users
):
    document = make_document(project, "d1", TEXT)
    annotate(
        document,
        users["ana"],
        [span_of("s1", TEXT, "Moscow", "GPE")],
        [concept_stance("t1", "s1", codebook["sovereignty"].pk)],
    )
    open_codebook(page, live_server, project, "ana")
    assert tree_texts(page) == [
        ("1", "International law"),
        ("2", "UN Charter"),
        ("3", "Article 2(4)"),
        ("1", "Souveraineté"),
    ]
    # An annotator may look, not manage (the setting is off).
    expect(page.locator("#new-concept")).to_have_count(0)
    expect(page.locator("#import-file")).to_have_count(0)

    page.locator("body").press("/")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("carta")  # a keyword
    expect(page.locator("#concept-tree li[role=treeitem]")).to_have_count(1)
    expect(page.locator("#concept-tree li").first).to_contain_text("International law › UN Charter")
    page.keyboard.press("Enter")
    expect(page.locator("#detail-name")).to_have_text("UN Charter")
    expect(page.locator("#detail-path")).to_have_text("International law › UN Charter")
    expect(page.locator("#detail-keywords")).to_contain_text("Carta de la ONU")
    expect(page.locator("#detail-children")).to_contain_text("Article 2(4)")
    expect(page.locator("#edit-concept")).to_have_count(0)

    page.fill("#q", "souverainete")  # accents optional
    expect(page.locator("#concept-tree li[role=treeitem]")).to_have_count(1)
    page.fill("#q", "")
    expect(page.locator("#concept-tree li[role=treeitem]")).to_have_count(4)
    page.locator("#q").focus()
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#detail-name")).to_have_text("Souveraineté")
    expect(page.locator("#detail-uses")).to_have_text("Used by 1 stance.")


def test_owner_creates_edits_refuses_a_loop_merges_and_deletes(
    page, live_server, project, codebook, users, screenshot_path
):
    document = make_document(project, "d1", TEXT)
    aset = annotate(
        document,
        users["ana"],
        [span_of("s1", TEXT, "Moscow", "GPE")],
        [concept_stance("t1", "s1", codebook["charter"].pk)],
    )
    open_codebook(page, live_server, project, "olga")

    # A sub-concept, from the selected concept's panel.
    page.locator("#concept-tree li", has_text="International law").first.click()
    page.click("#add-child")
    expect(page.locator("#f-parent")).to_have_value(str(codebook["law"].pk))
    page.fill("#f-name", "Use of force")
    page.fill("#f-keywords", "force\narmed attack\n\nForce")
    page.click("#edit-save")
    expect(page.locator("#detail-name")).to_have_text("Use of force")
    expect(page.locator("#detail-path")).to_have_text("International law › Use of force")
    made = Concept.objects.get(project=project, name="Use of force")
    assert made.parent == codebook["law"]
    assert made.keywords == ["force", "armed attack"]
    page.screenshot(path=str(screenshot_path("codebook.png")), full_page=True)

    # A name already taken is refused beside the field.
    page.click("#new-concept")
    page.fill("#f-name", "UN Charter")
    page.click("#edit-save")
    expect(page.locator('.field-error[data-field="name"]')).to_contain_text("already a concept")
    page.click("#edit-cancel")

    # International law cannot go under its own sub-concept: not offered.
    page.locator("#concept-tree li", has_text="International law").first.click()
    page.click("#edit-concept")
    options = page.locator("#f-parent option").all_inner_texts()
    assert [o.strip() for o in options] == ["— top level —", "Souveraineté"]
    page.click("#edit-cancel")

    # Deleting a concept with sub-concepts says why not.
    page.click("#delete-concept")
    page.click("#delete-concept")  # the second click confirms
    expect(page.locator("#detail-error")).to_contain_text("it has 2 sub-concepts")
    assert Concept.objects.filter(pk=codebook["law"].pk).exists()

    # Merge the UN Charter into Souveraineté: its stance and sub-concept follow.
    page.locator("#concept-tree li", has_text="UN Charter").first.click()
    page.click("#merge-concept")
    page.select_option("#merge-into", str(codebook["sovereignty"].pk))
    expect(page.locator("#merge-summary")).to_contain_text("1 stance will take a position on")
    expect(page.locator("#merge-summary")).to_contain_text("1 sub-concept will move under it")
    page.click("#merge-confirm")
    expect(page.locator("#merge-notice")).to_contain_text("Merged UN Charter into Souveraineté")
    expect(page.locator("#detail-name")).to_have_text("Souveraineté")
    assert Stance.objects.get(set=aset).concept_id == codebook["sovereignty"].pk
    assert tree_texts(page) == [
        ("1", "International law"),
        ("2", "Use of force"),
        ("1", "Souveraineté"),
        ("2", "Article 2(4)"),
    ]
    page.check("#show-merged")
    expect(page.locator("#concept-tree li.is-merged")).to_contain_text("UN Charter")
    page.locator("#concept-tree li.is-merged").click()
    expect(page.locator("#merge-record")).to_contain_text("Merged into Souveraineté by olga")
    page.uncheck("#show-merged")

    page.locator("#concept-tree li", has_text="Use of force").first.click()
    page.click("#delete-concept")
    page.click("#delete-concept")
    expect(page.locator("#concept-tree li", has_text="Use of force")).to_have_count(0)
    assert not Concept.objects.filter(name="Use of force").exists()


def test_import_lists_bad_rows_then_imports(page, live_server, project, tmp_path):
    open_codebook(page, live_server, project, "olga")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,parent,keywords\nA,Nowhere,\nB,,\n", encoding="utf-8")
    page.set_input_files("#import-file", str(bad))
    expect(page.locator("#import-detail")).to_contain_text("Nothing was imported")
    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    expect(page.locator("#import-errors")).to_contain_text("row 2")
    expect(page.locator("#import-errors")).to_contain_text("parent")
    assert not Concept.objects.exists()

    good = tmp_path / "good.csv"
    good.write_text("name,parent,keywords\nB,A,b\nA,,a|alpha\n", encoding="utf-8")
    page.set_input_files("#import-file", str(good))
    expect(page.locator("#import-result")).to_contain_text("2 created")
    expect(page.locator("#concept-tree li[role=treeitem]")).to_have_count(2)
    assert tree_texts(page) == [("1", "A"), ("2", "B")]


def test_annotators_add_concepts_when_the_setting_is_on(page, live_server, project):
    project.annotators_create_concepts = True
    project.save(update_fields=["annotators_create_concepts"])
    open_codebook(page, live_server, project, "ana")
    page.click("#new-concept")
    page.fill("#f-name", "Oil")
    page.click("#edit-save")
    expect(page.locator("#detail-name")).to_have_text("Oil")
    expect(page.locator("#edit-concept")).to_have_count(0)  # creating is all
    assert Concept.objects.filter(project=project, name="Oil").exists()


def test_the_project_page_links_the_codebook(page, live_server, project):
    sign_in(page, live_server.url, "ana")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.click("#codebook-link")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("h1")).to_have_text("Codebook")
