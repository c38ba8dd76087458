"""The import page and a file imported in the background, in Chromium.

A tiny ACCORD_IMPORT_BACKGROUND_BYTES makes a small file a background import;
the database task backend keeps its job queued until the test runs the real
django-tasks-db worker loop (in this process: the test database is SQLite in
memory). The page follows the job to the synchronous import's result, and an
owner who closed the tab finds the import on the page again.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from apps.documents.models import Document
from apps.projects.models import Job, JobFile, Label
from tests.browser.following import FOLLOWED
from tests.browser.serving import between_requests
from tests.builders import make_document, open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The page reads the job while this thread runs the worker and writes.
    pytest.mark.usefixtures("serialized_database"),
]

RECORDS = [
    {"id": "w0", "text": "Already here."},
    {"id": "w1", "title": "Moscow condemns", "text": "Moscow condemned the strikes. 🇻🇪"},
    {"id": "w2", "title": "Caracas answers", "text": "Caracas answered."},
]


def jsonl(tmp_path, name, records):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return path


@pytest.fixture
def background(settings):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 100
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """What `manage.py db_worker --batch` does: run every queued task, then
    stop; between two requests of the page (its transactions are the worker's
    own, not shared with a request's)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )
    with between_requests():
        worker.run()


def quiet_until_the_longest_wait(page):
    """Let the page read a waiting job until it waits longest between reads:
    as on a busy machine, where the worker comes to the job late."""
    for _ in range(5):
        with page.expect_request(lambda request: "/api/v1/jobs/" in request.url, timeout=15000):
            pass


def recent_row(page, job):
    return page.locator(f'#recent-rows tr[data-job="{job.pk}"]')


def test_a_large_file_is_imported_by_a_worker_and_found_again_after_the_tab_closed(
    page, context, live_server, project, tmp_path, background
):
    make_document(project, "w0", text="Already here.")
    path = f"/projects/{project.pk}/import/"
    open_page(page, live_server.url, path, "olga")
    expect(page.locator("#recent-section")).to_be_hidden()  # no background import yet

    page.set_input_files("#file", str(jsonl(tmp_path, "wire.jsonl", RECORDS)))
    expect(page.locator("#summary")).to_contain_text("imported in the background")
    page.click("#import-button")
    expect(page.locator("#job-state")).to_have_text("Waiting for a worker…")
    job = Job.objects.get(project=project, kind="import")
    expect(recent_row(page, job)).to_contain_text("Queued")
    assert JobFile.objects.filter(job=job).exists()

    # The owner closes the tab; the job waits for a worker, then runs.
    page.close()
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert set(Document.objects.values_list("external_id", flat=True)) == {"w0", "w1", "w2"}
    assert not JobFile.objects.exists()

    again = context.new_page()
    again.goto(f"{live_server.url}{path}")
    again.wait_for_selector("body[data-ready=true]")
    row = recent_row(again, job)
    expect(row).to_contain_text("Done")
    expect(row).to_contain_text("Imported 2 documents, 1 duplicate skipped.")
    expect(row).to_contain_text("olga")
    expect(row.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "100")
    expect(again.locator("#job-section")).to_be_hidden()


@pytest.mark.parametrize("late", [False, True], ids=["worker-at-once", "worker-late"])
def test_the_page_open_follows_the_worker_to_the_result(
    page, live_server, project, tmp_path, background, late
):
    open_page(page, live_server.url, f"/projects/{project.pk}/import/", "olga")
    page.set_input_files("#file", str(jsonl(tmp_path, "wire.jsonl", RECORDS)))
    page.click("#import-button")
    expect(page.locator("#job-state")).to_have_text("Waiting for a worker…")
    if late:
        quiet_until_the_longest_wait(page)
    run_worker()
    expect(page.locator("#result")).to_contain_text("Imported 3 documents.", **FOLLOWED)
    expect(page.locator("#job-section")).to_be_hidden()
    job = Job.objects.get(project=project, kind="import")
    expect(recent_row(page, job)).to_contain_text("Done")
    page.click("#result a")
    page.wait_for_url(f"**/projects/{project.pk}/documents/")


def test_a_bad_record_found_by_the_worker_is_listed_and_nothing_stored(
    page, live_server, project, tmp_path, background
):
    open_page(page, live_server.url, f"/projects/{project.pk}/import/", "olga")
    spans = [{"start": 0, "end": 6, "label": "GPE"}]
    records = [*RECORDS, {"id": "w3", "text": "Moscow again.", "spans": spans}]
    page.set_input_files("#file", str(jsonl(tmp_path, "wire.jsonl", records)))
    expect(page.locator("#problems-block")).to_be_hidden()  # fine when previewed
    page.click("#import-button")
    expect(page.locator("#job-state")).to_have_text("Waiting for a worker…")
    # Before a worker takes it, another owner removes the label the spans use.
    Label.objects.filter(project=project, name="GPE").delete()
    run_worker()
    expect(page.locator("#job-problem-rows tr")).to_have_count(1, **FOLLOWED)
    expect(page.locator("#job-problem-rows")).to_contain_text("line 4")
    expect(page.locator("#job-problem-rows")).to_contain_text("spans[0].label")
    expect(page.locator("#job-problems")).to_contain_text("Nothing was imported.")
    assert not Document.objects.exists()
    job = Job.objects.get(project=project, kind="import")
    expect(recent_row(page, job)).to_contain_text("Nothing was imported: 1 problem.")


def test_a_running_import_is_followed_again_when_the_owner_comes_back(
    page, live_server, project, users, screenshot_path
):
    """The worker's heartbeats, written as run_job and set_progress write them."""
    then = timezone.now() - timedelta(seconds=2)
    job = Job.objects.create(
        project=project,
        kind="import",
        handler="apps.imports.background.run",
        status=Job.Status.RUNNING,
        progress=0.3,
        created_by=users["olga"],
        started_at=then,
        heartbeat_at=then,
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, live_server.url, f"/projects/{project.pk}/import/", "olga")
    bar = page.locator("#job-bar [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "30")
    expect(page.locator("#job-state")).to_have_text("Importing: 30% stored…")
    expect(recent_row(page, job)).to_contain_text("Running")

    Job.objects.filter(pk=job.pk).update(progress=0.7, heartbeat_at=timezone.now())
    expect(bar).to_have_attribute("aria-valuenow", "70", **FOLLOWED)
    expect(recent_row(page, job).locator("[role=progressbar]")).to_have_attribute(
        "aria-valuenow", "70"
    )
    page.screenshot(path=str(screenshot_path("import-job.png")), full_page=True)

    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        progress=1.0,
        result={"created": 1200, "skipped": 31, "errors": []},
        finished_at=timezone.now(),
    )
    expect(page.locator("#result")).to_contain_text(
        "Imported 1,200 documents, 31 duplicates skipped.", **FOLLOWED
    )
    expect(page.locator("#job-section")).to_be_hidden()
