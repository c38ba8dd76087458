"""The annotator's workspace in a real browser: every path an annotator takes,
checked against what the API stored."""

import pytest
from playwright.sync_api import expect

from apps.actors.models import Actor, Alias
from apps.annotations.assignment import claim
from apps.annotations.models import AnnotationSet, Span, Stance
from apps.documents.models import Document
from tests.builders import annotate, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Moscow condemned the strikes on Caracas on Tuesday.\n"
    "The European Union said Washington had acted alone, while Brazil urged talks."
)


@pytest.fixture
def project(users):
    return make_project(users, annotators_per_document=2, blind=True)


@pytest.fixture
def document(project):
    return Document.objects.create(project=project, external_id="d1", title="Strikes", text=TEXT)


def saved(page):
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved", timeout=5000)


def ana_spans(document):
    return sorted(
        Span.objects.filter(set__document=document, set__author__username="ana").values_list(
            "start", "end", "label__name"
        )
    )


# The box of the character at UTF-16 offset u of the text, in the viewport.
CHAR_BOX = """(u) => {
    const root = document.getElementById("text");
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const s = Number(node.parentElement.dataset.s);
        if (u >= s && u < s + node.length) {
            const r = document.createRange();
            r.setStart(node, u - s);
            r.setEnd(node, u - s + 1);
            const b = r.getBoundingClientRect();
            return [b.left, b.top, b.width, b.height];
        }
    }
}"""


def char_point(page, u, across=0.5):
    """A point inside the character at UTF-16 offset `u`, `across` of its width in."""
    left, top, width, height = page.evaluate(CHAR_BOX, u)
    return left + width * across, top + height / 2


def click_at(page, u):
    """Click inside the character at UTF-16 offset `u` of the text."""
    page.mouse.click(*char_point(page, u))


def drag(page, start, end, alt=False):
    """Drag the mouse from inside the character at UTF-16 offset `start` to
    inside the character before `end`, as a person selecting would."""
    points = [*char_point(page, start, 0.6), *char_point(page, end - 1, 0.4)]
    if alt:
        page.keyboard.down("Alt")
    page.mouse.move(points[0], points[1])
    page.mouse.down()
    page.mouse.move(points[2], points[3], steps=5)
    page.mouse.up()
    if alt:
        page.keyboard.up("Alt")


def test_sign_in_shows_projects_with_role(page, live_server, project, document):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_be_visible()
    page.fill("#id_username", "ana")
    page.fill("#id_password", "pw-ana")
    page.click("button[type=submit]")
    expect(page.locator("table.projects")).to_contain_text("Venezuela crisis")
    expect(page.locator("table.projects")).to_contain_text("Annotator")
    page.click("text=Sign out")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_three_spans_by_mouse_and_one_by_keyboard(page, document, open_workspace):
    open_workspace(page, document)
    # Drags that start and end inside words snap to the whole words.
    drag(page, TEXT.index("oscow"), TEXT.index("oscow") + 3)  # part of "Moscow"
    page.keyboard.press("g")
    eu = TEXT.index("European Union")
    drag(page, eu + 2, eu + len("European Un"))
    page.keyboard.press("o")
    brazil = TEXT.index("Brazil")
    drag(page, brazil - 2, brazil + 3)  # from the space before it: trimmed
    page.keyboard.press("g")
    # Keyboard only: from the text, → to the 5th word ("strikes" is the 4th
    # token after "Moscow"), then Shift+→ to add "on", and label it.
    page.locator("#text").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    for _ in range(6):
        page.keyboard.press("ArrowRight")  # Moscow condemned the strikes on Caracas
    page.keyboard.press("p")
    saved(page)
    caracas = TEXT.index("Caracas")
    assert ana_spans(document) == sorted(
        [
            (0, 6, "GPE"),
            (eu, eu + len("European Union"), "ORG"),
            (brazil, brazil + 6, "GPE"),
            (caracas, caracas + 7, "PERSON"),
        ]
    )
    # A label key on the selected span changes its label; Delete removes it.
    page.keyboard.press("g")
    saved(page)
    assert (caracas, caracas + 7, "GPE") in ana_spans(document)
    page.keyboard.press("Delete")
    saved(page)
    assert len(ana_spans(document)) == 3


def test_keyboard_extends_selection_by_word(page, document, open_workspace):
    open_workspace(page, document)
    page.locator("#text").focus()
    eu = TEXT.index("European")
    # Ten tokens come first: Moscow condemned the strikes on Caracas on Tuesday . The
    for _ in range(11):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("o")
    saved(page)
    assert ana_spans(document) == [(eu, eu + len("European Union"), "ORG")]


def test_link_an_actor_and_create_one(page, project, document, open_workspace):
    russia = Actor.objects.create(project=project, name="Russia", kind="state")
    Alias.objects.create(actor=russia, text="Moscow")
    open_workspace(page, document)
    drag(page, 0, 6)
    page.keyboard.press("g")
    page.keyboard.press("Enter")  # link the selected span
    picker = page.locator("#actor-dialog")
    expect(picker).to_be_visible()
    page.fill("#actor-q", "mosc")  # an alias
    expect(page.locator("#actor-results li").first).to_contain_text("Russia")
    page.keyboard.press("Enter")
    expect(picker).to_be_hidden()
    expect(page.locator("#text .seg[data-tag='GPE: Russia']")).to_have_count(1)
    saved(page)
    assert Span.objects.get(set__author__username="ana").actor == russia

    brazil = TEXT.index("Brazil")
    drag(page, brazil, brazil + 6)
    page.keyboard.press("g")
    page.keyboard.press("Enter")
    page.fill("#actor-q", "Federative Republic of Brazil")
    expect(page.locator("#actor-results")).to_contain_text("No actor matches")
    page.select_option("#actor-kind", "state")
    page.click("#actor-create")
    expect(page.locator("#text .seg[data-tag='GPE: Federative Republic of Brazil']")).to_have_count(
        1
    )
    saved(page)
    created = Actor.objects.get(project=project, name="Federative Republic of Brazil")
    assert created.kind == "state"
    assert Span.objects.get(set__author__username="ana", start=brazil).actor == created


def test_draw_a_stance_with_the_keyboard(page, document, open_workspace):
    open_workspace(page, document)
    drag(page, 0, 6)
    page.keyboard.press("g")
    caracas = TEXT.index("Caracas")
    drag(page, caracas, caracas + 7)
    page.keyboard.press("g")
    cue = TEXT.index("condemned")
    drag(page, cue, cue + 9)
    page.keyboard.press("o")
    saved(page)
    page.keyboard.press("Escape")
    page.keyboard.press("]")  # Moscow, the first span
    page.keyboard.press("/")
    expect(page.locator("#banner")).to_contain_text("choose the target")
    page.keyboard.press("]")  # condemned
    page.keyboard.press("]")  # Caracas
    page.keyboard.press("Enter")
    expect(page.locator("#banner")).to_contain_text("Polarity")
    page.keyboard.press("x")
    expect(page.locator("#banner")).to_contain_text("cue")
    page.keyboard.press("[")  # condemned
    page.keyboard.press("Enter")
    saved(page)
    stance = Stance.objects.get(set__author__username="ana")
    assert (stance.holder.start, stance.target.start, stance.polarity.name) == (
        0,
        caracas,
        "OPPOSE",
    )
    assert stance.cue.start == cue
    expect(page.locator("#stance-list li")).to_contain_text("Moscow → Caracas (cue: condemned)")


def test_reload_shows_everything(page, project, document, open_workspace):
    russia = Actor.objects.create(project=project, name="Russia", kind="state")
    open_workspace(page, document)
    drag(page, 0, 6)
    page.keyboard.press("g")
    page.keyboard.press("Enter")
    page.fill("#actor-q", "Russia")
    expect(page.locator("#actor-results li").first).to_contain_text("Russia")
    page.keyboard.press("Enter")
    expect(page.locator("#actor-dialog")).to_be_hidden()
    caracas = TEXT.index("Caracas")
    drag(page, caracas, caracas + 7)
    page.keyboard.press("g")
    page.keyboard.press("Escape")
    page.keyboard.press("]")
    page.keyboard.press("/")
    page.keyboard.press("]")
    page.keyboard.press("Enter")
    page.keyboard.press("s")
    page.keyboard.press("Escape")
    saved(page)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#span-list li")).to_have_count(2)
    expect(page.locator("#text .seg[data-tag='GPE: Russia']")).to_have_count(1)
    expect(page.locator("#text .seg[data-tag='GPE']")).to_have_count(1)
    expect(page.locator("#stance-list li")).to_contain_text("Moscow → Caracas")
    expect(page.locator("#stance-list select")).to_have_value("SUPPORT")
    assert Span.objects.get(start=0).actor == russia
    saved(page)


def test_api_gets_code_point_offsets(page, live_server, project, open_workspace):
    quoc = "Quo\u0302\u0301c"  # decomposed: 6 code points
    text = (
        f"🇻🇪 Caracas 👩‍👩‍👧: Nguye\u0302\u0303n {quoc} Ba\u0309o spoke.\r\n"
        "السلام عليكم said Quintero."
    )
    document = Document.objects.create(project=project, external_id="u", text=text)
    open_workspace(page, document)
    u16 = lambda i: len(text[:i].encode("utf-16-le")) // 2  # noqa: E731
    start = text.index("Nguye")
    end = text.index(" spoke")
    drag(page, u16(start) + 1, u16(end) - 1)  # inside the first and last word
    page.keyboard.press("p")
    arabic = text.index("السلام")
    drag(page, u16(arabic), u16(arabic + len("السلام عليكم")))
    page.keyboard.press("o")
    flag_end = len("🇻🇪")
    drag(page, 0, u16(flag_end), alt=True)  # exact characters: the whole flag
    page.keyboard.press("g")
    saved(page)
    assert ana_spans(document) == [
        (0, 2, "GPE"),  # a flag is two code points
        (start, end, "PERSON"),
        (arabic, arabic + len("السلام عليكم"), "ORG"),
    ]
    assert text[start:end] == f"Nguye\u0302\u0303n {quoc} Ba\u0309o"
    # What the API answers is what the database holds.
    response = page.request.get(
        f"{live_server.url}/api/v1/projects/{project.pk}/documents/{document.pk}/annotations/mine/"
    )
    answered = {s["label"]: (s["start"], s["end"], s["text"]) for s in response.json()["spans"]}
    assert answered["PERSON"] == (start, end, text[start:end])


def test_two_tabs_conflict_nothing_lost(page, context, document, open_workspace):
    open_workspace(page, document)
    other = context.new_page()
    other.goto(page.url)
    other.wait_for_selector("body[data-ready=true]")
    drag(page, 0, 6)
    page.keyboard.press("g")
    saved(page)
    brazil = TEXT.index("Brazil")
    drag(other, brazil, brazil + 6)
    other.keyboard.press("g")
    expect(other.locator("#conflict")).to_be_visible()
    expect(other.locator("#conflict")).to_contain_text("another tab or on another device")
    expect(other.locator("#save-state")).to_have_attribute("data-state", "conflict")
    # Nothing is lost while the user decides, not even across a reload.
    other.reload()
    other.wait_for_selector("body[data-ready=true]")
    expect(other.locator("#conflict")).to_be_visible()
    other.click("#keep-mine")
    saved(other)
    assert ana_spans(document) == [(0, 6, "GPE"), (brazil, brazil + 6, "GPE")]
    expect(other.locator("#span-list li")).to_have_count(2)
    # The first tab is now behind: its next change conflicts too, and
    # "reload theirs" takes the server's set.
    drag(page, TEXT.index("Caracas"), TEXT.index("Caracas") + 7)
    page.keyboard.press("g")
    expect(page.locator("#conflict")).to_be_visible()
    page.click("#keep-mine")
    saved(page)
    assert len(ana_spans(document)) == 3


def test_script_article_stays_inert(page, project, open_workspace):
    payload = '<script>window.pwned = 1; alert("x")</script><img src=x onerror="window.pwned=2">'
    document = Document.objects.create(
        project=project, external_id="x", title=f"Title {payload}", text=f"Moscow said {payload}."
    )
    Actor.objects.create(project=project, name='<img src=x onerror="window.pwned=3">')
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_workspace(page, document)
    drag(page, 0, 6)
    page.keyboard.press("g")
    page.keyboard.press("Enter")
    page.fill("#actor-q", "img")
    expect(page.locator("#actor-results li").first).to_contain_text("<img src=x")
    page.keyboard.press("Enter")
    expect(page.locator("#actor-dialog")).to_be_hidden()
    saved(page)
    expect(page.locator("#text")).to_contain_text(payload)
    expect(page.locator("#doc-title")).to_have_text(f"Title {payload}")
    assert page.evaluate("window.pwned") is None
    assert page.locator("#text script, #text img, #side img, header img").count() == 0
    assert dialogs == []


def test_submit_then_next_document(page, project, document, open_workspace):
    second = Document.objects.create(project=project, external_id="d2", text="Brazil urged talks.")
    open_workspace(page, document)
    drag(page, 0, 6)
    page.keyboard.press("g")
    page.click("#submit-button")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "submitted")
    aset = AnnotationSet.objects.get(document=document, author__username="ana")
    assert aset.status == "submitted"
    assert ana_spans(document) == [(0, 6, "GPE")]
    page.click("#next-button")
    page.wait_for_url(f"**/documents/{second.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#text")).to_have_text("Brazil urged talks.")


def test_next_says_when_nothing_is_left(page, project, document, open_workspace):
    open_workspace(page, document)
    drag(page, 0, 6)
    page.keyboard.press("g")
    page.click("#submit-button")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "submitted")
    page.keyboard.press("n")
    expect(page.locator("#banner")).to_contain_text("no document left for you")
    expect(page.locator("#next-button")).to_have_text("Back to the project")
    assert page.url.endswith(f"/documents/{document.pk}/")  # it stayed, and said why
    page.click("#next-button")
    page.wait_for_url(f"**/projects/{project.pk}/")


def test_predictions_accept_and_reject(page, project, document, open_workspace, users):
    pred = AnnotationSet.objects.create(document=document, kind="prediction", source="matcher")
    labels = {label.name: label for label in project.labels.all()}
    caracas = TEXT.index("Caracas")
    Span.objects.create(set=pred, sid="a", start=0, end=6, label=labels["GPE"])
    Span.objects.create(set=pred, sid="b", start=caracas, end=caracas + 7, label=labels["GPE"])
    Span.objects.create(
        set=pred,
        sid="c",
        start=TEXT.index("Brazil"),
        end=TEXT.index("Brazil") + 6,
        label=labels["GPE"],
    )
    open_workspace(page, document)
    expect(page.locator("#pred-list li")).to_have_count(3)
    expect(page.locator("#text .seg.pred-only")).to_have_count(3)
    page.locator("#pred-list li").nth(1).get_by_text("Reject").click()
    page.locator("#pred-list li").first.get_by_text("Accept").click()
    saved(page)
    assert ana_spans(document) == [(0, 6, "GPE")]
    page.click("#accept-all")
    saved(page)
    assert ana_spans(document) == [
        (0, 6, "GPE"),
        (TEXT.index("Brazil"), TEXT.index("Brazil") + 6, "GPE"),
    ]
    expect(page.locator("#pred-list li")).to_have_count(0)


def test_a_rejected_suggestion_is_stored_with_the_set(
    page, project, document, open_workspace, screenshot_path
):
    """Issue 12.13: a rejection lived in this browser's storage only; it is
    saved with the set, so a browser with empty storage (another device)
    does not offer the suggestion again."""
    pred = AnnotationSet.objects.create(document=document, kind="prediction", source="matcher")
    gpe = project.labels.get(name="GPE")
    caracas = TEXT.index("Caracas")
    Span.objects.create(set=pred, sid="a", start=0, end=6, label=gpe)
    Span.objects.create(set=pred, sid="b", start=caracas, end=caracas + 7, label=gpe)
    open_workspace(page, document)
    expect(page.locator("#pred-list li")).to_have_count(2)
    page.locator("#pred-list li").nth(1).get_by_text("Reject").click()
    saved(page)
    aset = AnnotationSet.objects.get(document=document, author__username="ana")
    assert aset.rejected_predictions == [
        {"source": "matcher", "start": caracas, "end": caracas + 7, "label": "GPE"}
    ]
    assert aset.version == 2  # a set write like any other
    page.evaluate("localStorage.clear()")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#pred-list li")).to_have_count(1)
    expect(page.locator("#pred-list li")).to_contain_text("Moscow")
    expect(page.locator("#text .seg.pred-only")).to_have_count(1)
    page.screenshot(path=screenshot_path("workspace-rejected-stored.png"))


def test_rejections_kept_in_the_browser_before_move_into_the_set(
    page, project, document, open_workspace, live_server
):
    pred = AnnotationSet.objects.create(document=document, kind="prediction", source="matcher")
    gpe = project.labels.get(name="GPE")
    Span.objects.create(set=pred, sid="a", start=0, end=6, label=gpe)
    open_workspace(page, document)
    page.evaluate(
        "([p, d, u, s]) => localStorage.setItem(`accord:rejected:${p}:${d}:${u}`, "
        "JSON.stringify([`p:${s}:a`]))",
        [
            project.pk,
            document.pk,
            page.evaluate("JSON.parse(document.getElementById('accord-config').textContent).user"),
            pred.pk,
        ],
    )
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    saved(page)
    expect(page.locator("#pred-list li")).to_have_count(0)
    aset = AnnotationSet.objects.get(document=document, author__username="ana")
    assert [r["start"] for r in aset.rejected_predictions] == [0]


def two_spans_and_a_stance(page):
    """Moscow and Caracas (GPE) and OPPOSE Moscow → Caracas, by keyboard."""
    drag(page, 0, 6)
    page.keyboard.press("g")
    caracas = TEXT.index("Caracas")
    drag(page, caracas, caracas + 7)
    page.keyboard.press("g")
    page.keyboard.press("Escape")
    page.keyboard.press("]")  # Moscow
    page.keyboard.press("/")
    page.keyboard.press("]")  # Caracas
    page.keyboard.press("Enter")
    page.keyboard.press("x")
    page.keyboard.press("Escape")  # no cue
    saved(page)
    expect(page.locator("#stance-list li")).to_have_count(1)


def ana_stances(document):
    return list(
        Stance.objects.filter(set__document=document, set__author__username="ana").values_list(
            "holder__start", "target__start", "polarity__name"
        )
    )


def test_clicking_a_listed_span_drops_the_text_selection(page, document, open_workspace):
    open_workspace(page, document)
    drag(page, 0, 6)
    page.keyboard.press("g")
    saved(page)
    strikes = TEXT.index("strikes")
    drag(page, strikes, strikes + 7)
    # Clicking Moscow in the side list makes it current: the label key
    # relabels it and creates no span from the older selection.
    page.locator("#span-list li", has_text="Moscow").click()
    page.keyboard.press("o")
    saved(page)
    assert ana_spans(document) == [(0, 6, "ORG")]


def test_a_submitted_set_ignores_the_side_panel_controls(page, document, open_workspace):
    open_workspace(page, document)
    two_spans_and_a_stance(page)
    page.locator("#span-list li", has_text="Moscow").click()
    page.click("#submit-button")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "submitted")
    stance = page.locator("#stance-list li").first
    expect(stance.locator("select")).to_be_disabled()
    expect(stance.locator("button[title='Remove stance']")).to_be_disabled()
    page.locator("#span-list li", has_text="Moscow").click()
    label_buttons = page.locator("#detail button", has_text="ORG")
    expect(label_buttons).to_be_disabled()
    # Even with the controls enabled again by hand, the handlers refuse.
    # (In one script, so no redraw of the panel comes in between.)
    page.evaluate(
        """() => {
            const q = (css) => {
                const node = document.querySelector(css);
                node.disabled = false;
                return node;
            };
            const polarity = q("#stance-list li select");
            polarity.value = "SUPPORT";
            polarity.dispatchEvent(new Event("change"));
            q("#stance-list li button[title='Remove stance']").click();
            [...document.querySelectorAll("#detail button")]
                .find((b) => b.textContent.startsWith("ORG"))
                .disabled = false;
            [...document.querySelectorAll("#detail button")]
                .find((b) => b.textContent.startsWith("ORG"))
                .click();
        }"""
    )
    expect(page.locator("#banner")).to_contain_text("read-only")
    expect(page.locator("#stance-list li")).to_have_count(1)
    expect(page.locator("#stance-list li select")).to_have_value("OPPOSE")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "submitted")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#conflict")).to_be_hidden()
    assert ana_spans(document) == [
        (0, 6, "GPE"),
        (TEXT.index("Caracas"), TEXT.index("Caracas") + 7, "GPE"),
    ]
    assert ana_stances(document) == [(0, TEXT.index("Caracas"), "OPPOSE")]


def test_tab_leaves_the_text_and_keys_change_or_delete_a_stance(page, document, open_workspace):
    open_workspace(page, document)
    # No span yet: Tab in the text moves the focus on, to the side panel.
    page.locator("#text").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") != "text"
    # Focus on the page body: Tab is the browser's, not a jump between spans.
    two_spans_and_a_stance(page)
    page.keyboard.press("Escape")  # nothing selected
    expect(page.locator("#span-list li.current")).to_have_count(0)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement !== document.body")
    expect(page.locator("#span-list li.current")).to_have_count(0)
    # From the text, Tab still selects the next span.
    page.locator("#text").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#span-list li.current")).to_have_count(1)

    # "." selects the stance; a polarity key changes it; Delete removes it.
    page.keyboard.press(".")
    expect(page.locator("#stance-list li.current")).to_have_count(1)
    page.keyboard.press("s")
    saved(page)
    assert ana_stances(document) == [(0, TEXT.index("Caracas"), "SUPPORT")]
    page.keyboard.press("Delete")
    saved(page)
    assert ana_stances(document) == []
    assert len(ana_spans(document)) == 2
    page.keyboard.press("?")
    expect(page.locator("#help-keys")).to_contain_text("Change the selected stance's polarity")
    expect(page.locator("#help-keys")).to_contain_text("Remove the selected stance")


def test_a_failing_server_is_retried_with_backoff_not_shown_offline(page, document, open_workspace):
    page.clock.install()
    open_workspace(page, document)
    puts = []

    def fail(route):
        if route.request.method == "PUT":
            puts.append(route.request.url)
            route.fulfill(status=500, content_type="application/json", body="{}")
        else:
            route.continue_()

    page.route("**/annotations/mine/", fail)
    drag(page, 0, 6)
    page.keyboard.press("g")
    page.clock.run_for(1000)  # the save after the typing pause
    state = page.locator("#save-state")
    expect(state).to_have_attribute("data-state", "server")
    expect(state).to_contain_text("retrying in 4 s")
    assert len(puts) == 1
    page.clock.run_for(4100)
    expect(state).to_contain_text("retrying in 8 s")
    assert len(puts) == 2
    page.clock.run_for(4100)  # not yet: the next try waits 8 s
    assert len(puts) == 2
    page.clock.run_for(4100)
    expect(state).to_contain_text("retrying in 16 s")
    assert len(puts) == 3
    for _ in range(6):  # doubling stops at a minute
        page.clock.run_for(61000)
        expect(state).to_have_attribute("data-state", "server")
    expect(state).to_contain_text("retrying in 60 s")
    # The server recovers: the next try saves.
    page.unroute("**/annotations/mine/")
    page.clock.run_for(61000)
    saved(page)
    assert ana_spans(document) == [(0, 6, "GPE")]


def mine_requests(page):
    """The methods of the page's requests to its own set, as they go out."""
    seen = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.method) if request.url.endswith("/annotations/mine/") else None
        ),
    )
    return seen


def test_opening_a_document_one_holds_only_reads(page, project, document, users, open_workspace):
    done = Document.objects.create(project=project, external_id="d2", text="Brazil urged talks.")
    annotate(done, users["ana"], [])
    claim(document, users["ana"])
    before = list(AnnotationSet.objects.order_by("id").values())
    seen = mine_requests(page)
    open_workspace(page, document)
    page.goto(page.url.replace(f"/documents/{document.pk}/", f"/documents/{done.pk}/"))
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "submitted")
    assert seen == ["GET", "GET"]
    assert list(AnnotationSet.objects.order_by("id").values()) == before


def test_opening_an_untaken_document_takes_it_with_a_post(page, document, open_workspace):
    seen = mine_requests(page)
    open_workspace(page, document)
    # The read answers 404 (ana has no set there); taking it is a POST.
    assert seen == ["GET", "POST"]
    aset = AnnotationSet.objects.get(document=document, author__username="ana")
    assert (aset.status, aset.version) == ("in_progress", 1)
    document.refresh_from_db()
    assert document.annotator_count == 1


def test_a_second_document_sends_back_to_the_one_held(
    page, live_server, project, document, users, sign_in, screenshot_path
):
    claim(document, users["ana"])
    second = Document.objects.create(project=project, external_id="d2", text="Brazil urged talks.")
    sign_in(page, "ana")
    page.goto(f"{live_server.url}/projects/{project.pk}/documents/{second.pk}/")
    banner = page.locator("#banner")
    expect(banner).to_contain_text("You are still annotating “Strikes”")
    expect(banner).to_contain_text("1 unfinished document at a time")
    link = page.locator("#held-link")
    expect(link).to_be_focused()
    page.screenshot(path=str(screenshot_path("workspace-held.png")))
    assert not AnnotationSet.objects.filter(document=second).exists()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/documents/{document.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#text")).to_contain_text("Moscow condemned")
    assert AnnotationSet.objects.filter(author__username="ana").count() == 1
