"""The pre-annotation page in Chromium: map actor kinds to labels, run the job,
follow it to its summary. Jobs run in the request here (the test settings'
immediate backend), so the job is done when the page first reads it."""

import re

import pytest
from playwright.sync_api import expect

from apps.annotations.assignment import claim
from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from apps.projects.models import Project
from tests.actors.helpers import make_documents, make_registry
from tests.builders import open_page

pytestmark = pytest.mark.browser


def test_map_kinds_run_and_read_the_summary(page, live_server, project, screenshot_path):
    make_registry(project)
    docs = make_documents(project)
    project.actor_kind_labels = {}
    project.save()
    open_page(page, live_server.url, f"/projects/{project.pk}/preannotate/", "olga")

    # Without a mapping the alias matcher refuses, and says why.
    page.click("#run-button")
    expect(page.locator("#run-error")).to_contain_text("maps no actor kind to a label")

    page.select_option("#kind-state", "GPE")
    page.select_option("#kind-person", "PERSON")
    page.click("#mapping-form button[type=submit]")
    expect(page.locator("#mapping-status")).to_have_text("Saved.")
    assert Project.objects.get(pk=project.pk).actor_kind_labels == {
        "state": "GPE",
        "person": "PERSON",
    }

    # Jobs run inside the request in tests, so the first read of the job would
    # already say done: the first two reads are answered "pending" and then
    # "running", so the page must keep following until the real answer.
    answers = iter(
        [
            {"status": "pending", "progress": 0},
            {"status": "running", "progress": 0.5},
        ]
    )
    seen = []

    def job_answer(route):
        fake = next(answers, None)
        if fake is None:
            return route.continue_()
        real = route.fetch().json()
        seen.append(fake["status"])
        return route.fulfill(json={**real, **fake, "result": None})

    page.route(re.compile(r"/api/v1/jobs/\d+/$"), job_answer)
    page.click("#run-button")
    expect(page.locator("#summary")).to_be_visible()
    assert seen == ["pending", "running"]
    expect(page.locator("#summary-text")).to_contain_text("3 documents read by aliases")
    expect(page.locator("#per-label")).to_contain_text("GPE")
    expect(page.locator("#progress")).to_have_attribute("aria-valuenow", "100")
    assert AnnotationSet.objects.filter(document=docs["a"], kind="prediction").exists()


def test_pre_annotate_the_documents_a_filter_shows(
    page, live_server, project, users, screenshot_path
):
    """From the documents page's filter to a run over just those documents."""
    make_registry(project)
    docs = make_documents(project)
    Document.objects.filter(pk__in=[docs["a"].pk, docs["b"].pk]).update(outlet="Reuters")
    claim(docs["b"], users["ana"])  # b is taken
    counts = []
    page.on(
        "request",
        lambda request: (
            counts.append(request.post_data_json)
            if request.url.endswith("/preannotate/count/")
            else None
        ),
    )

    open_page(page, live_server.url, f"/projects/{project.pk}/documents/", "olga")
    page.fill("#outlet", "Reuters")
    page.keyboard.press("Enter")
    expect(page.locator("#doc-rows tr")).to_have_count(2)
    page.click("#preannotate-link")

    page.wait_for_url(f"**/projects/{project.pk}/preannotate/?outlet=Reuters")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("input[name=which][value=filter]")).to_be_checked()
    expect(page.locator("#filter-block")).to_be_visible()
    expect(page.locator("#outlet")).to_have_value("Reuters")
    expect(page.locator("#selection-count")).to_have_text("2 documents will be read.")
    assert counts == [{"filter": {"outlet": "Reuters"}}]

    page.check("#unannotated")
    expect(page.locator("#selection-count")).to_have_text("1 document will be read.")
    page.fill("#q", "Rodríguez")  # only b names her, and b is taken
    expect(page.locator("#selection-count")).to_have_text(
        "No document matches: a run would read nothing."
    )
    page.fill("#q", "")
    expect(page.locator("#selection-count")).to_have_text("1 document will be read.")
    # One count request per change: typing is counted once it pauses.
    assert counts[1:] == [
        {"filter": {"outlet": "Reuters"}, "unannotated": True},
        {"filter": {"outlet": "Reuters", "q": "Rodríguez"}, "unannotated": True},
        {"filter": {"outlet": "Reuters"}, "unannotated": True},
    ]

    page.click("#run-button")
    expect(page.locator("#summary")).to_be_visible()
    expect(page.locator("#summary-text")).to_contain_text("1 document read by aliases")
    expect(page.locator("#per-label")).to_contain_text("GPE")
    predicted = AnnotationSet.objects.filter(kind="prediction")
    assert list(predicted.values_list("document_id", flat=True)) == [docs["a"].pk]
    page.screenshot(path=screenshot_path("preannotate.png"), full_page=True)

    # Every document again: the filter stays on the page but is not sent.
    page.check("input[name=which][value=all]")
    expect(page.locator("#filter-block")).to_be_hidden()
    expect(page.locator("#selection-count")).to_have_text("2 documents will be read.")
    assert counts[-1] == {"unannotated": True}


def test_reviewers_get_no_pre_annotation_link(page, live_server, project):
    make_documents(project)
    open_page(page, live_server.url, f"/projects/{project.pk}/documents/", "rita")
    expect(page.locator("#doc-rows tr")).to_have_count(3)
    expect(page.locator("#preannotate-link")).to_have_count(0)
