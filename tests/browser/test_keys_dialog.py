"""The keys dialog of both screens: opens at its top, and lists a label whose
key is also a command once, saying when the key labels."""

import pytest
from playwright.sync_api import expect

from apps.annotations.assignment import claim
from apps.documents.models import Document
from apps.projects.models import Label
from tests.builders import make_project
from tests.review.helpers import k3_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Moscow condemned the strikes; Caracas welcomed Rodriguez."


def many_labels(project):
    # Enough rows that the dialog scrolls on a small screen.
    for n in range(30):
        Label.objects.create(project=project, kind="entity", name=f"KIND{n:02}")


def opens_at_its_top(page):
    dialog = page.locator("#help")
    expect(dialog).to_be_visible()
    assert dialog.evaluate("d => d.scrollHeight > d.clientHeight"), "the list must scroll here"
    assert dialog.evaluate("d => d.scrollTop") == 0
    expect(dialog.locator("h2")).to_be_in_viewport()
    # Only what is meant for the reader: no template comment leaks into it.
    assert "{#" not in dialog.inner_text() and "#}" not in dialog.inner_text()


def test_the_workspace_keys_dialog_opens_at_its_top(page, users, open_workspace):
    project = make_project(users, annotators_per_document=2)
    many_labels(project)
    doc = Document.objects.create(project=project, external_id="d1", text=TEXT)
    claim(doc, users["ana"])
    page.set_viewport_size({"width": 1280, "height": 600})
    open_workspace(page, doc)
    page.locator("#text").focus()
    page.keyboard.press("?")
    opens_at_its_top(page)
    # Scrolled down, closed and opened again: at the top again.
    page.locator("#help").evaluate("d => { d.scrollTop = d.scrollHeight; }")
    page.keyboard.press("Escape")
    page.locator("#help-button").click()
    opens_at_its_top(page)


def test_adjudication_lists_a_label_on_a_command_key_once_and_says_when_it_works(
    page, live_server, sign_in, users, make_user
):
    project, doc = k3_project(users, make_user)
    many_labels(project)
    # A label that took "e" before adjudication's keys were reserved.
    Label.objects.create(project=project, kind="entity", name="EVENT", shortcut="e")
    page.set_viewport_size({"width": 1280, "height": 600})
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/review/{doc.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("?")
    opens_at_its_top(page)
    rows = page.locator("#help-keys tr", has=page.locator("kbd", has_text="e"))
    keys = [text.strip() for text in rows.locator("kbd").all_inner_texts()]
    assert keys.count("e") == 2  # the command, and the label saying when it applies
    expect(page.locator("#help-keys")).to_contain_text(
        "Entity label EVENT (only with text selected or in the edit panel"
    )
