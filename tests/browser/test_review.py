"""Review in a real browser: the queue, the adjudication screen and the
dashboard, checked against what the API stores and computes."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.actors.models import Actor
from apps.annotations.models import AnnotationSet
from apps.datasets.management.commands.demo import PASSWORD, PROJECT_NAME
from apps.documents.models import Document
from apps.projects.models import Label, Project
from apps.review.models import Decision
from tests.browser.test_workspace import drag
from tests.builders import make_project
from tests.builders import sign_in as sign_in_as
from tests.review.helpers import TEXT, add_annotators, document, three_way

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLORS = {"GPE": "#54a24b", "ORG": "#4c78a8", "PERSON": "#e45756", "OPPOSE": "#d62728"}


@pytest.fixture
def k3(users, make_user):
    """k = 3; ana, ben and cai submitted sets that partly disagree
    (tests/review/helpers.three_way): Moscow by all three, Venezuela by ana
    and ben, Rodriguez by cai; OPPOSE Moscow → Venezuela by ana and ben,
    SUPPORT Moscow → Rodriguez by cai."""
    project = make_project(users, annotators_per_document=3)
    for name, color in COLORS.items():
        Label.objects.filter(project=project, name=name).update(color=color)
    russia = Actor.objects.create(project=project, name="Russia", kind="state")
    Actor.objects.create(project=project, name="Venezuela", kind="state")
    (cai,) = add_annotators(project, make_user, "cai")
    doc = document(project)
    doc.title = "Moscow and Caracas"
    doc.save(update_fields=["title"])
    three_way(doc, users["ana"], users["ben"], cai)
    return project, doc, russia


def settled(page):
    expect(page.locator("body")).to_have_attribute("data-busy", "false", timeout=5000)
    expect(page.locator("#banner")).not_to_have_attribute("data-kind", "error")


def api_get(page, live_server, path):
    return page.evaluate(
        """async (url) => (await fetch(url, {credentials: "same-origin"})).json()""",
        f"{live_server.url}/api/v1/{path}",
    )


def test_reviewer_adjudicates_a_document(page, live_server, sign_in, k3, screenshot_path):
    project, doc, russia = k3
    page.set_viewport_size({"width": 1280, "height": 720})
    sets_before = list(AnnotationSet.objects.order_by("id").values())
    sign_in(page, "rita")
    page.click(f"a[href='/projects/{project.pk}/']")  # the project list, then the project page
    page.click("#review-links >> text=Review queue")
    # Submitted of wanted: the document's stored count of wanted annotators.
    expect(page.locator("#queue")).to_contain_text("(3/3)")
    page.screenshot(path=screenshot_path("queue.png"))
    page.click(f"#queue a[href='/projects/{project.pk}/review/{doc.pk}/']")
    page.wait_for_selector("body[data-ready=true]")
    # Opening the queue and the adjudication screen only reads: no gold set
    # yet, no decision, the annotators' sets as they were.
    assert list(AnnotationSet.objects.order_by("id").values()) == sets_before
    assert not Decision.objects.exists()
    missing = page.evaluate(
        """async (url) => (await fetch(url, {credentials: "same-origin"})).status""",
        f"{live_server.url}/api/v1/projects/{project.pk}/documents/{doc.pk}/gold/",
    )
    assert missing == 404

    spans = page.locator("#span-list li")
    expect(spans).to_have_count(3)
    expect(spans.nth(0)).to_contain_text("3/3")
    expect(spans.nth(1)).to_contain_text("2/3")
    expect(spans.nth(2)).to_contain_text("1/3")
    expect(spans.nth(2).locator(".lane.on")).to_have_count(1)  # only cai's lane
    expect(page.locator("#min-agreement")).to_have_value("2")  # majority of 3

    page.click("#auto-merge")
    settled(page)
    expect(page.locator("#banner")).to_contain_text(
        "Accepted 2 spans and 1 stance made by at least 2 annotators"
    )
    expect(page.locator("#span-list li.in-gold")).to_have_count(2)
    expect(page.locator("#stance-list li.in-gold")).to_have_count(1)

    # Keyboard: j down to the first stance (OPPOSE Moscow → Venezuela), r rejects it.
    page.locator("#text").focus()
    for _ in range(4):
        page.keyboard.press("j")
    current = page.locator(".cand.current")
    expect(current).to_contain_text("OPPOSE")
    page.keyboard.press("r")
    settled(page)
    expect(page.locator("#stance-list li.in-gold")).to_have_count(0)

    # Add a span by selecting "operation" and pressing its label key, with a rationale.
    page.fill("#rationale", "the operation is an actor here")
    page.locator("#text").focus()
    operation = TEXT.index("operation")
    drag(page, operation + 1, operation + 7)  # snaps to the whole word
    page.keyboard.press("o")
    settled(page)
    expect(page.locator("#span-list li")).to_have_count(4)
    expect(page.locator("#gold-list")).to_contain_text("added by a reviewer")
    expect(page.locator("#decision-list li")).to_have_count(5)
    # A decided span names its actor, so a relink alone reads as a change.
    expect(page.locator("#decision-list")).to_contain_text(f"({russia.name})")

    screenshot = screenshot_path("review.png")
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size < 300_000

    page.click("#accept-doc")
    settled(page)
    expect(page.locator("#state")).to_contain_text("Adjudicated")
    expect(page.locator("#reopen-button")).to_be_visible()

    gold = api_get(page, live_server, f"projects/{project.pk}/documents/{doc.pk}/gold/")
    assert sorted((s["start"], s["end"], s["label"], s["actor"]) for s in gold["spans"]) == [
        (0, 6, "GPE", russia.pk),
        (21, 30, "ORG", None),
        (39, 48, "GPE", None),  # the linked actors tied: none
    ]
    assert gold["stances"] == []
    assert gold["adjudicated"] is True
    doc.refresh_from_db()
    assert doc.status_for() == Document.Status.ADJUDICATED
    decisions = list(
        Decision.objects.filter(document=doc)
        .order_by("id")
        .values_list("action", "item_type", "source", "rationale")
    )
    assert [d[:3] for d in decisions] == [
        ("accept", "span", "auto"),
        ("accept", "span", "auto"),
        ("accept", "stance", "auto"),
        ("reject", "stance", "reviewer"),
        ("add", "span", "reviewer"),
    ]
    assert decisions[-1][3] == "the operation is an actor here"


def test_edit_reverse_and_reopen(page, live_server, sign_in, k3):
    project, doc, _ = k3
    sign_in(page, "olga")
    page.goto(f"{live_server.url}/projects/{project.pk}/review/{doc.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    # Accept Rodriguez (1/3) with the button, then relabel it with a label key.
    page.locator("#span-list li").nth(2).click()
    page.keyboard.press("a")
    settled(page)
    page.keyboard.press("g")
    settled(page)
    gold = api_get(page, live_server, f"projects/{project.pk}/documents/{doc.pk}/gold/")
    assert [(s["start"], s["label"]) for s in gold["spans"]] == [(62, "GPE")]
    # Reverse the relabel from the decision list (newest first).
    page.locator("#decision-list li").first.locator("button.reverse").click()
    settled(page)
    gold = api_get(page, live_server, f"projects/{project.pk}/documents/{doc.pk}/gold/")
    assert [(s["start"], s["label"]) for s in gold["spans"]] == [(62, "PERSON")]
    expect(page.locator("#decision-list li.reversed")).to_have_count(1)
    # e: edit the bounds by selecting "welcomed Rodriguez", Enter saves.
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    expect(page.locator("#help-keys")).to_contain_text("Accept all agreed")
    page.keyboard.press("Escape")
    page.locator("#text").focus()
    page.keyboard.press("e")
    expect(page.locator("#edit")).to_be_visible()
    welcomed = TEXT.index("welcomed")
    drag(page, welcomed + 1, TEXT.index("Rodriguez") + 4)
    expect(page.locator("#edit-preview")).to_have_text("“welcomed Rodriguez”")
    page.keyboard.press("Enter")
    settled(page)
    gold = api_get(page, live_server, f"projects/{project.pk}/documents/{doc.pk}/gold/")
    assert [(s["start"], s["end"], s["label"]) for s in gold["spans"]] == [(53, 71, "PERSON")]
    assert Decision.objects.filter(document=doc, action="edit", reversed_at=None).count() == 1
    # Accept the document, reopen it with a reason.
    page.keyboard.press("Control+Enter")
    settled(page)
    page.click("#reopen-button")
    page.fill("#reopen-reason", "Rodriguez needs a second look")
    page.keyboard.press("Enter")
    settled(page)
    expect(page.locator("#history")).to_contain_text("Rodriguez needs a second look")
    doc.refresh_from_db()
    assert doc.adjudicated_at is None


def test_version_conflict_shows_a_message_and_reloads(page, live_server, sign_in, k3, users):
    from apps.review import gold as gold_ops

    project, doc, _ = k3
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/review/{doc.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#auto-merge")
    settled(page)
    # Another reviewer accepts Rodriguez behind this page's back.
    review = gold_ops.load(doc)
    gold_ops.decide(
        review,
        project,
        users["olga"],
        "accept",
        "span",
        {"start": 62, "end": 71, "label": "PERSON", "actor": None},
        None,
        "",
        review.gold_set.version,
    )
    page.locator("#span-list li").nth(0).click()
    page.keyboard.press("r")  # reject Moscow on a stale version
    expect(page.locator("#conflict")).to_be_visible()
    settled(page)
    # The screen now shows their change; retrying applies mine on top.
    expect(page.locator("#span-list li.in-gold")).to_have_count(3)
    page.click("#retry")
    settled(page)
    gold = api_get(page, live_server, f"projects/{project.pk}/documents/{doc.pk}/gold/")
    assert sorted(s["start"] for s in gold["spans"]) == [39, 62]


def test_dashboard_shows_the_label_chart_and_the_matrix(page, live_server, sign_in, k3):
    project, _, _ = k3
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/dashboard/")
    page.wait_for_selector("body[data-ready=true]")
    # ana and ben agree on both spans (F1 1); each agrees with cai on Moscow
    # only (2·1 / 4 = 0.5). GPE: 4 exact matches over 10 spans in the pairs
    # (0.8), PERSON: cai's Rodriguez matched by no one (0.0).
    chart = page.locator("#label-chart-svg")
    gpe = chart.locator("g[data-label=GPE]")
    expect(gpe.locator("text[data-kind=exact]")).to_have_text("e 0.800")
    expect(gpe.locator("text[data-kind=partial]")).to_have_text("p 0.800")
    expect(gpe.locator(".support")).to_have_text("support 5")
    person = chart.locator("g[data-label=PERSON]")
    expect(person.locator("text[data-kind=exact]")).to_have_text("e 0.000")
    expect(person.locator(".support")).to_have_text("support 1")

    matrix = page.locator("#pair-matrix-svg")
    expect(matrix.locator("g[data-a=ana][data-b=ben] text")).to_have_text("1.00")
    expect(matrix.locator("g[data-a=ben][data-b=ana] text")).to_have_text("1.00")
    expect(matrix.locator("g[data-a=ana][data-b=cai] text")).to_have_text("0.50")
    expect(matrix.locator("g[data-a=cai][data-b=cai] text")).to_have_text("—")

    figure = page.locator("[data-figure='Span F1, exact']")
    expect(figure).to_contain_text("0.667")  # 4 pair matches · 2 / 12 spans
    expect(figure).to_contain_text("12 spans")
    # ana and ben matched one stance, both OPPOSE: kappa needs two categories.
    expect(page.locator("[data-figure='Stance polarity κ']")).to_contain_text(
        "not computable: only one category was used"
    )
    expect(page.locator("[data-figure='Stance polarity κ']")).to_contain_text(
        "1 matched stance pair"
    )
    expect(page.locator("#progress-legend")).to_contain_text("awaiting review: 1")


def test_data_stays_text_on_the_adjudication_screen(page, live_server, sign_in, users, make_user):
    xss = '<img src=x onerror="window.pwned=1">'
    project = make_project(users, annotators_per_document=3, anonymous_review=True)
    Actor.objects.create(project=project, name=xss, kind="state")
    Actor.objects.create(project=project, name="Venezuela", kind="state")
    (cai,) = add_annotators(project, make_user, "cai")
    doc = document(project, text=TEXT + " " + xss)
    three_way(doc, users["ana"], users["ben"], cai)
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/review/{doc.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#text")).to_contain_text(xss)
    expect(page.locator("#span-list")).to_contain_text(f"→ {xss}")
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.pwned") is None
    # Anonymous review: lanes and lists name "Annotator A / B / C", never the users.
    expect(page.locator("#lane-legend")).to_contain_text("Annotator A")
    assert "ana" not in page.locator("#side").inner_text().lower().replace("annotator", "")


def open_review(page, live_server, sign_in, project, doc, username="rita"):
    sign_in(page, username)
    page.goto(f"{live_server.url}/projects/{project.pk}/review/{doc.pk}/")
    page.wait_for_selector("body[data-ready=true]")


def gold_spans(page, live_server, project, doc):
    gold = api_get(page, live_server, f"projects/{project.pk}/documents/{doc.pk}/gold/")
    return sorted((s["start"], s["end"], s["label"]) for s in (gold.get("spans") or []))


def test_a_row_made_current_drops_the_old_text_selection(page, live_server, sign_in, k3):
    project, doc, _ = k3
    open_review(page, live_server, sign_in, project, doc)
    operation = TEXT.index("operation")
    page.locator("#text").focus()
    drag(page, operation + 1, operation + 7)
    expect(page.locator("#banner")).to_contain_text("Selected")
    # Clicking a row makes it current: the label key relabels that row (here:
    # adds Moscow as ORG), never the selection made before.
    page.locator("#span-list li").nth(0).click()
    page.keyboard.press("o")
    settled(page)
    assert gold_spans(page, live_server, project, doc) == [(0, 6, "ORG")]
    # The same after j/k.
    drag(page, operation + 1, operation + 7)
    expect(page.locator("#banner")).to_contain_text("Selected")
    page.keyboard.press("j")
    page.keyboard.press("g")
    settled(page)
    assert (operation, operation + 9, "GPE") not in gold_spans(page, live_server, project, doc)
    assert all(start != operation for start, _, _ in gold_spans(page, live_server, project, doc))


def test_reopen_enables_the_row_buttons_and_a_stance_edit_ignores_selections(
    page, live_server, sign_in, k3
):
    project, doc, _ = k3
    open_review(page, live_server, sign_in, project, doc)
    page.fill("#rationale", "kept for the next decision")
    page.click("#auto-merge")
    settled(page)
    # Accept all agreed does not send the rationale, so the box keeps it.
    expect(page.locator("#rationale")).to_have_value("kept for the next decision")
    page.locator("#text").focus()
    page.keyboard.press("Control+Enter")
    settled(page)
    edit_buttons = page.locator("#span-list li button[title='Edit (e)']")
    expect(edit_buttons.first).to_be_disabled()
    page.click("#reopen-button")
    page.fill("#reopen-reason", "a second look")
    page.keyboard.press("Enter")
    settled(page)
    expect(page.locator("#reopen-button")).to_be_hidden()
    # The lists were drawn after the gold set thawed: their buttons work.
    expect(edit_buttons.first).to_be_enabled()
    expect(edit_buttons.nth(2)).to_be_enabled()

    # Editing a stance, a text selection changes nothing (and throws nothing).
    page.locator("#stance-list li").first.click()
    page.keyboard.press("e")
    expect(page.locator("#edit")).to_be_visible()
    operation = TEXT.index("operation")
    drag(page, operation + 1, operation + 7)
    expect(page.locator("#edit")).to_be_visible()
    expect(page.locator("#edit-label")).to_be_visible()


def test_a_write_whose_reload_fails_says_saved(page, live_server, sign_in, k3):
    project, doc, _ = k3
    open_review(page, live_server, sign_in, project, doc)

    def fail_reloads(route):
        if route.request.method == "GET":
            route.fulfill(status=503, body="down")
        else:
            route.continue_()

    page.route("**/review/", fail_reloads)
    page.locator("#span-list li").nth(0).click()
    page.keyboard.press("a")
    expect(page.locator("#state")).to_have_text("Saved — not reloaded")
    expect(page.locator("#banner")).to_contain_text("saved, but the page could not reload")
    assert gold_spans(page, live_server, project, doc) == [(0, 6, "GPE")]


def test_dashboard_shows_each_annotators_work_and_agreement(
    page, live_server, sign_in, k3, screenshot_path
):
    project, _, _ = k3
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/dashboard/")
    page.wait_for_selector("body[data-ready=true]")
    rows = page.locator("#annotator-table tbody tr")
    expect(rows).to_have_count(3)
    ana = page.locator("#annotator-table tr[data-name=ana]")
    expect(ana.locator("td").nth(1)).to_have_text("1")  # assigned
    expect(ana.locator("td").nth(3)).to_have_text("1")  # submitted
    # ana: F1 1.00 with ben, 0.50 with cai; cai: 0.50 with each.
    expect(ana.locator(".agreement-cell")).to_have_text("0.75")
    expect(page.locator("#annotator-table tr[data-name=cai] .agreement-cell")).to_have_text("0.50")
    page.screenshot(path=screenshot_path("dashboard.png"), full_page=True)


def test_dashboard_names_annotators_as_the_agreement_report_does_under_anonymous_review(
    page, live_server, sign_in, k3
):
    project, _, _ = k3
    project.anonymous_review = True
    project.save()
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/dashboard/")
    page.wait_for_selector("body[data-ready=true]")
    table = page.locator("#annotator-table")
    expect(table).not_to_contain_text("ana")
    expect(table.locator("tr[data-name='Annotator 1'] .agreement-cell")).not_to_have_text("—")


def test_the_reviewer_links_an_actor_draws_a_stance_and_rejects_a_candidate_in_gold(
    page, live_server, sign_in, k3, screenshot_path
):
    """Issue 12.4: in gold a reviewer does what an annotator does in a set:
    change a span's actor (the workspace's picker), draw a new stance, and
    reject a candidate that is not in gold, which is recorded."""
    project, doc, russia = k3
    venezuela = Actor.objects.get(project=project, name="Venezuela")
    page.set_viewport_size({"width": 1280, "height": 900})
    open_review(page, live_server, sign_in, project, doc)
    page.click("#auto-merge")  # Moscow (Russia), Venezuela (a tie: no actor), OPPOSE
    settled(page)
    # Venezuela's row, Enter: the actor picker; choose Venezuela.
    page.locator("#span-list li").nth(1).click()
    page.keyboard.press("Enter")
    expect(page.locator("#actor-dialog")).to_be_visible()
    page.fill("#actor-q", "Venez")
    expect(page.locator("#actor-results li").first).to_contain_text("Venezuela")
    page.keyboard.press("Enter")
    # Enter takes from the results of what was typed (picker.js): once they came.
    expect(page.locator("#actor-dialog")).to_be_hidden()
    settled(page)
    gold = api_get(page, live_server, f"projects/{project.pk}/documents/{doc.pk}/gold/")
    assert [(s["start"], s["actor"]) for s in gold["spans"]] == [
        (0, russia.pk),
        (39, venezuela.pk),
    ]
    edit = Decision.objects.get(document=doc, action="edit")
    assert (edit.item["actor"], edit.edited_to["actor"]) == (None, venezuela.pk)
    # A new stance: from Venezuela (current), "/", k to Moscow, Enter, s (SUPPORT).
    page.keyboard.press("/")
    expect(page.locator("#banner")).to_contain_text("choose the target")
    page.keyboard.press("k")
    page.keyboard.press("Enter")
    expect(page.locator("#banner")).to_contain_text("polarity")
    page.keyboard.press("s")
    settled(page)
    stances = api_get(page, live_server, f"projects/{project.pk}/documents/{doc.pk}/gold/")
    by_id = {s["id"]: s["start"] for s in stances["spans"]}
    assert sorted(
        (by_id[t["holder"]], by_id[t["target"]], t["polarity"]) for t in stances["stances"]
    ) == [
        (0, 39, "OPPOSE"),
        (39, 0, "SUPPORT"),
    ]
    added = Decision.objects.get(document=doc, action="add", item_type="stance")
    assert added.item["polarity"] == "SUPPORT" and added.annotators == []
    # A cue, as the workspace sets one: add "operation" to gold, then c on the
    # OPPOSE stance and Enter on the operation row.
    operation = TEXT.index("operation")
    drag(page, operation + 1, operation + 8)
    page.keyboard.press("o")
    settled(page)
    page.locator("#stance-list li").first.click()
    page.keyboard.press("c")
    expect(page.locator("#banner")).to_contain_text("cue span")
    page.locator("#span-list li").nth(1).click()
    page.keyboard.press("Enter")
    settled(page)
    gold = api_get(page, live_server, f"projects/{project.pk}/documents/{doc.pk}/gold/")
    by_id = {s["id"]: s["start"] for s in gold["spans"]}
    oppose = next(t for t in gold["stances"] if t["polarity"] == "OPPOSE")
    assert by_id[oppose["cue"]] == operation
    # Rodriguez (cai's alone, not in gold): r records the reject.
    rodriguez = page.locator("#span-list li").nth(3)
    rodriguez.click()
    page.keyboard.press("r")
    settled(page)
    expect(rodriguez).to_have_attribute("data-rejected", "true")
    page.keyboard.press("r")  # again: said, not recorded twice
    expect(page.locator("#banner")).to_contain_text("Already rejected")
    reject = Decision.objects.get(document=doc, action="reject")
    cai = AnnotationSet.objects.get(document=doc, author__username="cai").author_id
    assert (reject.item["start"], reject.annotators) == (62, [cai])
    expect(page.locator("#decision-list li").first).to_have_attribute("data-action", "reject")
    # Provenance names who made what: cai linked Moscow to Venezuela, not Russia.
    moscow = page.locator("#gold-list li").first
    expect(moscow).to_contain_text("by ana, ben")
    expect(moscow).to_contain_text("cai: GPE “Moscow” → Venezuela")
    page.screenshot(path=screenshot_path("review-gold-edits.png"), full_page=True)


def test_the_label_palette_fits_at_1366_by_768(page, live_server, screenshot_path):
    # A common laptop window: the demo's five entity labels show whole beside
    # the review's buttons, without the palette scrolling or the page
    # scrolling sideways.
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    project = Project.objects.get(name=PROJECT_NAME)
    doc = project.documents.get(external_id="demo-004")
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in_as(page, live_server.url, "rita", PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.pk}/review/{doc.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#palette button")).to_have_count(5)
    page.screenshot(path=screenshot_path("review-1366.png"))
    fit = page.evaluate(
        """() => {
          const palette = document.getElementById("palette");
          const box = palette.getBoundingClientRect();
          return {
            scrolls: palette.scrollWidth > palette.clientWidth,
            clipped: [...palette.children]
              .filter((b) => b.getBoundingClientRect().right > box.right + 0.5)
              .map((b) => b.textContent),
            acceptShown:
              document.getElementById("accept-doc").getBoundingClientRect().right <=
              window.innerWidth,
            toolbarScrolls: document.body.scrollWidth > window.innerWidth,
          };
        }"""
    )
    assert fit == {"scrolls": False, "clipped": [], "acceptShown": True, "toolbarScrolls": False}
