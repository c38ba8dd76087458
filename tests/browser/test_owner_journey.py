"""An owner runs a whole project in the browser, from nothing: create it with
the news schema, define a label, add two annotators and a reviewer, add an
actor, import a file (a bad record first: refused, nothing stored), pre-annotate
and read the summary; then an annotator opens the guidelines and annotates.
No curl, no admin: every step is a page."""

import json
import re

import pytest
from playwright.sync_api import expect

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from apps.projects.models import Label, Membership, Project
from tests.builders import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDELINES = "# Actors\n\nLabel a capital standing for its state as **GPE**."
RECORDS = [
    {"id": "w1", "title": "Moscow condemns", "text": "Moscow condemned the strikes on Caracas."},
    {"id": "w2", "title": "Caracas answers", "text": "Caracas thanked Moscow for its support."},
]


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records), "utf-8")
    return str(path)


def test_an_owner_runs_a_project_from_nothing(page, live_server, users, tmp_path):
    base = live_server.url
    sign_in(page, base, "oscar")

    # 1. A new project, from the news schema.
    page.click("#new-project")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#f-name", "Elections 2026")
    page.fill("#f-guidelines", GUIDELINES)
    page.check("input[name=start][value=news]")
    page.fill("#f-k", "2")
    page.click("#save")
    page.wait_for_url(re.compile(r"/projects/\d+/$"))
    project = Project.objects.get(name="Elections 2026")
    home = f"{base}/projects/{project.pk}/"

    # 2. One more label.
    page.click("#labels-link")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#add-name", "EVENT")
    page.fill("#add-shortcut", "v")
    page.fill("#add-description", "Something that happened.")
    page.click("#add-button")
    expect(page.locator("#list-entity > li")).to_have_count(5)  # four from the schema, EVENT
    assert Label.objects.filter(project=project, name="EVENT", shortcut="v").exists()

    # 3. Members: two annotators and a reviewer.
    page.goto(home)
    page.click("#members-link")
    page.wait_for_selector("body[data-ready=true]")
    for who, role in (("ana", "annotator"), ("ben", "annotator"), ("rita", "reviewer")):
        page.fill("#add-who", who)
        page.select_option("#add-role", role)
        page.click("#add-submit")
        expect(page.locator("#member-rows")).to_contain_text(who)
    roles = dict(Membership.objects.filter(project=project).values_list("user__username", "role"))
    assert roles == {"oscar": "owner", "ana": "annotator", "ben": "annotator", "rita": "reviewer"}

    # 4. An actor for the alias matcher.
    page.goto(home)
    page.click("#registry-link")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#new-actor")
    page.fill("#f-name", "Russia")
    page.select_option("#f-kind", "state")
    page.click("#add-alias")
    page.keyboard.type("Moscow")
    page.click("#edit-save")
    expect(page.locator("#actor-rows tr")).to_have_count(1)

    # 5. Import: a bad record refuses the whole file; fixed, it goes in.
    page.goto(home)
    page.click("#import-link")
    page.wait_for_selector("body[data-ready=true]")
    page.set_input_files("#file", write_jsonl(tmp_path / "bad.jsonl", [*RECORDS, {"id": "w3"}]))
    expect(page.locator("#problem-rows")).to_contain_text("line 3")
    expect(page.locator("#import-button")).to_be_disabled()
    assert not Document.objects.filter(project=project).exists()
    page.set_input_files("#file", write_jsonl(tmp_path / "good.jsonl", RECORDS))
    expect(page.locator("#import-button")).to_have_text("Import 2 new documents")
    page.click("#import-button")
    expect(page.locator("#result")).to_contain_text("Imported 2 documents")
    assert Document.objects.filter(project=project).count() == 2

    # 6. Pre-annotation (the news schema mapped actor kinds already).
    page.goto(home)
    page.click("#preannotate-link")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#kind-state")).to_have_value("GPE")
    page.click("#run-button")
    expect(page.locator("#summary-text")).to_contain_text("2 documents read by aliases")
    expect(page.locator("#per-label")).to_contain_text("GPE")
    assert AnnotationSet.objects.filter(document__project=project, kind="prediction").count() == 2

    # 7. An annotator reads the guidelines beside the text and annotates.
    page.context.clear_cookies()
    sign_in(page, base, "ana")
    page.goto(home)
    page.click("#start")
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("Shift+G")
    expect(page.locator("#guidelines")).to_contain_text("a capital standing for its state")
    page.keyboard.press("Escape")
    expect(page.locator("#pred-list li")).to_have_count(1)  # the matcher's "Moscow"
    page.keyboard.press("Shift+A")  # accept all suggestions
    expect(page.locator("#span-list li")).to_have_count(1)
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")
    mine = AnnotationSet.objects.get(document__project=project, author=users["ana"])
    assert [(s.start, s.end, s.label.name) for s in mine.spans.select_related("label")] == [
        (0, 6, "GPE")
    ]
