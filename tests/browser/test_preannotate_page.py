"""The pre-annotation page in Chromium: map actor kinds to labels, run the job,
follow it to its summary. Jobs run in the request here (the test settings'
immediate backend), so the job is done when the page first reads it."""

import re

import pytest
from playwright.sync_api import expect

from apps.annotations.models import AnnotationSet
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
    page.screenshot(path=screenshot_path("preannotate.png"), full_page=True)
