"""The actor registry page in a real browser, checked against the database and the API."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from playwright.sync_api import expect

from apps.actors.models import Actor, Alias
from apps.annotations.models import AnnotationSet, Span
from apps.documents.models import Document
from apps.projects.models import Label
from tests.builders import make_project, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Moscow condemned the strikes; the Kremlin said Caracas was wrong."


@pytest.fixture
def project(users):
    return make_project(users, annotators_per_document=2, blind=True)


def add_actor(project, name, kind="state", aliases=(), **extra):
    actor = Actor.objects.create(project=project, name=name, kind=kind, **extra)
    Alias.objects.bulk_create(Alias(actor=actor, text=text) for text in aliases)
    return actor


def open_registry(page, live_server, sign_in, project, username):
    open_page(page, live_server.url, f"/projects/{project.pk}/actors/", username)


def test_search_finds_an_actor_by_alias_and_keys_open_it(page, live_server, sign_in, project):
    add_actor(project, "Russia", aliases=["the Kremlin", "Moscow"], country="RU")
    add_actor(project, "Venezuela", aliases=["Caracas"], country="VE")
    add_actor(project, "Brazil", country="BR")
    page.context.clear_cookies()
    open_registry(page, live_server, sign_in, project, "ana")
    rows = page.locator("#actor-rows tr")
    expect(rows).to_have_count(3)

    page.locator("body").press("/")  # / focuses the search
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("kreml")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Russia")
    expect(rows.first).to_contain_text("the Kremlin")

    page.fill("#q", "")
    expect(rows).to_have_count(3)
    page.select_option("#kind", "state")
    page.fill("#country", "ve")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Venezuela")
    page.fill("#country", "")
    expect(rows).to_have_count(3)

    # Arrow keys move in the list, Enter opens the actor.
    page.locator("#q").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#detail-name")).to_have_text("Russia")  # Brazil, Russia, Venezuela
    expect(page.locator("#detail-aliases")).to_contain_text("Moscow")
    # An annotator is not offered edit, merge or delete.
    expect(page.locator("#edit-actor")).to_have_count(0)
    expect(page.locator("#merge-actor")).to_have_count(0)


def test_create_an_actor_with_two_aliases(page, live_server, sign_in, project):
    page.context.clear_cookies()
    open_registry(page, live_server, sign_in, project, "ana")
    page.click("#new-actor")
    page.fill("#f-name", "Delcy Rodríguez")
    page.select_option("#f-kind", "person")
    page.fill("#f-country", "ve")
    page.fill("#f-wikidata", "Q56370")
    page.click("#add-alias")
    page.keyboard.type("Rodríguez")
    page.click("#add-alias")
    page.keyboard.type("delcy")
    page.locator("#alias-rows li").nth(1).locator(".alias-case").uncheck()
    page.click("#edit-save")
    expect(page.locator("#edit-dialog")).not_to_be_visible()
    expect(page.locator("#detail-name")).to_have_text("Delcy Rodríguez")
    expect(page.locator("#actor-rows tr")).to_have_count(1)

    actor = Actor.objects.get(project=project)
    assert (actor.name, actor.kind, actor.country, actor.wikidata_id) == (
        "Delcy Rodríguez",
        "person",
        "VE",
        "Q56370",
    )
    assert sorted(actor.aliases.values_list("text", "case_sensitive")) == [
        ("Rodríguez", True),
        ("delcy", False),
    ]

    # A second actor with the same name is refused with the API's message at the field.
    page.click("#new-actor")
    page.fill("#f-name", "Delcy Rodríguez")
    page.click("#edit-save")
    expect(page.locator('.field-error[data-field="name"]')).to_contain_text("already an actor")
    assert Actor.objects.filter(project=project).count() == 1


def test_merge_moves_mentions_to_the_survivor_and_shows_the_record(
    page, live_server, sign_in, project, users, client_for
):
    kremlin = add_actor(project, "Kremlin", aliases=["the Kremlin"])
    russia = add_actor(project, "Russia", aliases=["Moscow"])
    document = Document.objects.create(
        project=project, external_id="d1", title="Strikes", text=TEXT
    )
    gpe = Label.objects.get(project=project, name="GPE")
    ana_set = AnnotationSet.objects.create(document=document, kind="annotator", author=users["ana"])
    gold = AnnotationSet.objects.create(document=document, kind="gold")
    k = TEXT.index("the Kremlin")
    Span.objects.create(set=ana_set, sid="s1", start=0, end=6, label=gpe, actor=russia)
    Span.objects.create(set=ana_set, sid="s2", start=k, end=k + 11, label=gpe, actor=kremlin)
    Span.objects.create(set=gold, sid="s1", start=k, end=k + 11, label=gpe, actor=kremlin)

    open_registry(page, live_server, sign_in, project, "rita")
    page.locator("#actor-rows tr", has_text="Kremlin").first.click()
    expect(page.locator("#mention-count")).to_have_text("(2)")
    expect(page.locator("#mentions mark").first).to_have_text("the Kremlin")
    expect(page.locator("#mentions")).to_contain_text("gold")

    page.click("#merge-actor")
    # The picker chooses a survivor here; its hidden "Create actor" stays hidden.
    expect(page.locator("#actor-dialog")).to_be_visible()
    expect(page.locator("#actor-dialog .create-actor")).to_be_hidden()
    expect(page.get_by_role("button", name="Create actor")).to_have_count(0)
    page.fill("#actor-q", "Moscow")  # the survivor, found by its alias
    expect(page.locator("#actor-results li")).to_have_count(1)
    page.keyboard.press("Enter")
    summary = page.locator("#merge-summary")
    expect(summary).to_contain_text("Kremlin (2 mentions, 1 alias) into Russia (1 mention)")
    page.click("#merge-confirm")
    expect(page.locator("#merge-notice")).to_contain_text("2 mentions moved")
    expect(page.locator("#detail-name")).to_have_text("Russia")
    expect(page.locator("#mention-count")).to_have_text("(3)")
    expect(page.locator("#actor-rows tr")).to_have_count(1)

    # Over the API: every mention follows the survivor; the merged actor keeps none.
    api = client_for("rita")
    base = f"/api/v1/projects/{project.pk}/actors/"
    survivor = api.get(f"{base}{russia.pk}/mentions/").json()
    assert survivor["count"] == 3
    assert {(m["set"]["kind"], m["text"]) for m in survivor["results"]} == {
        ("annotator", "Moscow"),
        ("annotator", "the Kremlin"),
        ("gold", "the Kremlin"),
    }
    assert api.get(f"{base}{kremlin.pk}/mentions/").json()["count"] == 0
    record = api.get(f"{base}{kremlin.pk}/?include_merged=true").json()
    assert (record["merged_into"], record["merged_by"]) == (russia.pk, "rita")

    # The merge is shown: "show merged" lists it with who and when.
    page.check("#show-merged")
    expect(page.locator("#actor-rows tr")).to_have_count(2)
    page.locator("#actor-rows tr.is-merged").click()
    expect(page.locator("#merge-record")).to_contain_text("Merged into Russia by rita on")
    expect(page.locator("#mentions")).to_contain_text("moved to the actor it was merged into")
    page.click("#merged-into-link")
    expect(page.locator("#detail-name")).to_have_text("Russia")


def test_import_with_a_bad_row_lists_row_and_field_and_stores_nothing(
    page, live_server, sign_in, project, tmp_path
):
    add_actor(project, "Russia")
    csv = tmp_path / "actors.csv"
    csv.write_text(
        "name,kind,country,aliases\n"
        "Venezuela,state,VE,Caracas\n"
        "Mars,planet,123,\n"
        "Iran,state,IR,Tehran\n",
        encoding="utf-8",
    )
    open_registry(page, live_server, sign_in, project, "rita")
    page.set_input_files("#import-file", str(csv))
    errors = page.locator("#import-errors tbody tr")
    expect(page.locator("#import-detail")).to_contain_text("Nothing was imported")
    expect(errors.first).to_contain_text("row 3")
    expect(errors.first).to_contain_text("kind")
    expect(page.locator("#import-errors")).to_contain_text("country")
    assert list(Actor.objects.filter(project=project).values_list("name", flat=True)) == ["Russia"]

    # A good file imports, and the list shows what arrived.
    csv.write_text("name,kind,country,aliases\nVenezuela,state,VE,Caracas\n", encoding="utf-8")
    page.set_input_files("#import-file", str(csv))
    expect(page.locator("#import-result")).to_contain_text("1 created")
    expect(page.locator("#actor-rows tr")).to_have_count(2)
    assert Actor.objects.get(project=project, name="Venezuela").aliases.get().text == "Caracas"


def test_registry_screenshot(page, live_server, screenshot_path):
    """The README's screenshot of the registry, on the demo project."""
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    actor = (
        Actor.objects.filter(merged_into=None)
        .annotate(n=Count("spans"))
        .order_by("-n", "name")
        .first()
    )
    assert actor.n > 0, "the demo links spans to actors"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "rita")
    page.fill("#id_password", "accord-demo")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/projects/{actor.project_id}/actors/")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#q", actor.name)
    page.locator("#actor-rows tr", has=page.locator("strong", has_text=actor.name)).first.click()
    expect(page.locator("#mentions mark").first).to_be_visible()
    page.fill("#q", "")
    expect(page.locator("#actor-rows tr").nth(1)).to_be_visible()
    screenshot = screenshot_path("registry.png")
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size < 300_000


def test_mentions_link_to_the_workspace_only_from_the_callers_own_set(
    page, live_server, sign_in, project, users
):
    # Opening the workspace creates a set for the caller: a mention in
    # someone else's set must not send the caller there.
    kremlin = add_actor(project, "Kremlin")
    document = Document.objects.create(
        project=project, external_id="d1", title="Strikes", text=TEXT
    )
    gpe = Label.objects.get(project=project, name="GPE")
    k = TEXT.index("the Kremlin")
    ana_set = AnnotationSet.objects.create(document=document, kind="annotator", author=users["ana"])
    gold = AnnotationSet.objects.create(document=document, kind="gold")
    Span.objects.create(set=ana_set, sid="s1", start=k, end=k + 11, label=gpe, actor=kremlin)
    Span.objects.create(set=gold, sid="s1", start=k, end=k + 11, label=gpe, actor=kremlin)
    workspace = f"/projects/{project.pk}/documents/{document.pk}/"
    review = f"/projects/{project.pk}/review/{document.pk}/"

    open_registry(page, live_server, sign_in, project, "rita")
    page.locator("#actor-rows tr", has_text="Kremlin").first.click()
    expect(page.locator("#mention-count")).to_have_text("(2)")
    links = page.locator("#mentions .mention-head a")
    expect(links).to_have_count(2)
    assert {links.nth(i).get_attribute("href") for i in range(2)} == {review}
    links.first.click()
    page.wait_for_url(f"{live_server.url}{review}")
    # Until the review screen has read the document, a write from this
    # thread can meet its reads on the shared in-memory SQLite ("table is locked").
    page.wait_for_selector("body[data-ready=true]")
    assert not AnnotationSet.objects.filter(author=users["rita"]).exists()

    # An annotator of an open (not blind) project sees a colleague's mention
    # too, but may open only her own in the workspace.
    project.blind = False
    project.save()
    ben_set = AnnotationSet.objects.create(document=document, kind="annotator", author=users["ben"])
    Span.objects.create(set=ben_set, sid="s1", start=k, end=k + 11, label=gpe, actor=kremlin)
    page.context.clear_cookies()
    open_registry(page, live_server, sign_in, project, "ana")
    page.locator("#actor-rows tr", has_text="Kremlin").first.click()
    own = page.locator("#mentions li", has_text="ana")
    expect(own.locator(".mention-head a")).to_have_attribute("href", workspace)
    other = page.locator("#mentions li", has_text="ben")
    expect(other).to_have_count(1)
    expect(other.locator(".mention-head a")).to_have_count(0)
    expect(other.locator(".doc-title")).to_have_text("Strikes")


def test_search_ignores_accents_and_case_as_users_type(page, live_server, sign_in, project):
    add_actor(project, "Nguyễn Phú Trọng", kind="person")
    add_actor(project, "Łódź", kind="other", aliases=["Lodzer Stadt"])
    add_actor(project, "Brazil", country="BR")
    open_registry(page, live_server, sign_in, project, "ana")
    rows = page.locator("#actor-rows tr")
    expect(rows).to_have_count(3)
    page.fill("#q", "nguyen")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nguyễn Phú Trọng")
    page.fill("#q", "LODZ")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Łódź")


def test_a_new_actor_is_shown_in_the_list_whatever_was_searched(
    page, live_server, sign_in, project
):
    add_actor(project, "Venezuela", aliases=["Caracas"])
    add_actor(project, "Brazil")
    open_registry(page, live_server, sign_in, project, "ana")
    rows = page.locator("#actor-rows tr")
    page.fill("#q", "venez")
    expect(rows).to_have_count(1)
    page.click("#new-actor")
    page.fill("#f-name", "Delcy Rodríguez")
    page.click("#edit-save")
    expect(page.locator("#edit-dialog")).not_to_be_visible()
    expect(page.locator("#detail-name")).to_have_text("Delcy Rodríguez")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Delcy Rodríguez")
    expect(page.locator("#q")).to_have_value("Delcy Rodríguez")


def test_the_merge_picker_never_offers_the_actor_itself(page, live_server, sign_in, project):
    add_actor(project, "Kremlin")
    add_actor(project, "Russia")
    open_registry(page, live_server, sign_in, project, "rita")
    page.locator("#actor-rows tr", has_text="Kremlin").first.click()
    expect(page.locator("#detail-name")).to_have_text("Kremlin")
    page.click("#merge-actor")
    results = page.locator("#actor-results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Russia")
    page.fill("#actor-q", "krem")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("No actor matches")
