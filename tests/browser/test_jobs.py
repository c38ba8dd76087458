"""The jobs page in a real browser: a finished job with its result, a running
one whose progress moves without a reload, a dead worker's job shown failed;
and the 403 and 404 pages as a person meets them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.projects.jobs import start_job
from apps.projects.models import Job
from tests.browser.following import FOLLOWED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def running(project, user, progress=0.25, silent_for=timedelta(seconds=1), kind="preannotate"):
    then = timezone.now() - silent_for
    return Job.objects.create(
        project=project,
        kind=kind,
        handler="-",
        status=Job.Status.RUNNING,
        progress=progress,
        created_by=user,
        started_at=then,
        heartbeat_at=then,
    )


def bar(page, job):
    return page.locator(f'tr[data-job="{job.pk}"] [role=progressbar]')


def test_the_jobs_page_follows_a_running_job_to_its_end(
    page, live_server, sign_in, project, users, screenshot_path
):
    done = start_job(
        project, "release", "tests.projects.handlers.count_to", {"n": 3}, users["olga"]
    )
    job = running(project, users["rita"])
    page.set_viewport_size({"width": 1280, "height": 600})
    sign_in(page, "olga")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.click("#jobs-link")
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("window.notReloaded = true")

    finished = page.locator(f'tr[data-job="{done.pk}"]')
    expect(finished).to_contain_text("Done")
    expect(finished).to_contain_text("counted: 3")
    expect(finished).to_contain_text("olga")
    expect(bar(page, done)).to_have_attribute("aria-valuenow", "100")
    row = page.locator(f'tr[data-job="{job.pk}"]')
    expect(row).to_contain_text("Running")
    expect(row).to_contain_text("rita")
    expect(bar(page, job)).to_have_attribute("aria-valuenow", "25")
    expect(page.locator("#jobs-state")).to_contain_text("1 job in progress")

    # The worker reports progress: the bar moves by itself.
    Job.objects.filter(pk=job.pk).update(progress=0.6, heartbeat_at=timezone.now())
    expect(bar(page, job)).to_have_attribute("aria-valuenow", "60", **FOLLOWED)
    expect(row.locator(".pct")).to_have_text("60%")
    screenshot = screenshot_path("jobs.png")
    page.screenshot(path=str(screenshot), full_page=True)

    # It ends: the result shows and the page stops asking.
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        progress=1.0,
        result={"suggester": "alias-matcher", "documents": 12, "spans": 40},
        finished_at=timezone.now(),
    )
    expect(row).to_contain_text("Done")
    expect(row).to_contain_text("documents: 12 · spans: 40", **FOLLOWED)
    expect(page.locator("body")).to_have_attribute("data-polling", "false")
    expect(page.locator("#jobs-state")).to_have_text("2 jobs")
    assert page.evaluate("window.notReloaded") is True
    # Stopped means no more requests, not only the flag: wait two poll periods.
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/jobs/" in r.url else None)
    page.wait_for_timeout(3500)
    assert asked == []


def test_a_job_whose_worker_died_shows_failed(page, live_server, sign_in, project, users, settings):
    settings.ACCORD_JOB_LEASE_SECONDS = 60
    job = running(
        project, users["olga"], progress=0.4, silent_for=timedelta(minutes=10), kind="release"
    )
    sign_in(page, "rita")  # a reviewer sees release jobs
    page.goto(f"{live_server.url}/projects/{project.pk}/jobs/")
    page.wait_for_selector("body[data-ready=true]")
    row = page.locator(f'tr[data-job="{job.pk}"]')
    expect(row).to_contain_text("Failed")
    expect(row).to_contain_text("The worker stopped answering")
    expect(bar(page, job)).to_have_attribute("aria-valuenow", "40")  # where it stopped
    expect(page.locator("body")).to_have_attribute("data-polling", "false")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_no_jobs_says_so(page, live_server, sign_in, project):
    sign_in(page, "olga")
    page.goto(f"{live_server.url}/projects/{project.pk}/jobs/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#jobs-empty")).to_be_visible()
    expect(page.locator("#job-rows tr")).to_have_count(0)


def test_an_annotator_meets_a_403_page_that_says_why(
    page, live_server, sign_in, project, screenshot_path
):
    page.set_viewport_size({"width": 1280, "height": 600})
    sign_in(page, "ana")
    response = page.goto(f"{live_server.url}/projects/{project.pk}/jobs/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("You may not open this page")
    expect(page.locator("#error-reason")).to_have_text(
        "This needs the project role reviewer or above; you are an annotator."
    )
    screenshot = screenshot_path("403.png")
    page.screenshot(path=str(screenshot))
    page.locator("#error-back").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/projects/{project.pk}/")
    expect(page.locator("h1")).to_have_text(project.name)


def test_a_non_member_meets_a_404_page_that_reveals_nothing(page, live_server, sign_in, project):
    sign_in(page, "oscar")
    response = page.goto(f"{live_server.url}/projects/{project.pk}/jobs/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    assert project.name not in page.content()
    page.click("#error-back")
    page.wait_for_url(f"{live_server.url}/")


def test_older_jobs_are_a_page_away(page, live_server, sign_in, project):
    Job.objects.bulk_create(
        Job(project=project, kind=f"import-{i}", handler="-", status=Job.Status.DONE, progress=1)
        for i in range(55)
    )
    sign_in(page, "olga")
    page.goto(f"{live_server.url}/projects/{project.pk}/jobs/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#job-rows tr")).to_have_count(50)
    expect(page.locator("#jobs-page")).to_have_text("Page 1 of 2")
    expect(page.locator("#jobs-prev")).to_be_disabled()
    page.click("#jobs-next")
    expect(page.locator("#job-rows tr")).to_have_count(5)
    expect(page.locator("#jobs-page")).to_have_text("Page 2 of 2")
    expect(page.locator("#jobs-next")).to_be_disabled()
    page.click("#jobs-prev")
    expect(page.locator("#job-rows tr")).to_have_count(50)


def test_one_page_of_jobs_shows_no_pager(page, live_server, sign_in, project):
    start_job(project, "release", "tests.projects.handlers.count_to", {"n": 1})
    sign_in(page, "olga")
    page.goto(f"{live_server.url}/projects/{project.pk}/jobs/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#jobs-pager")).to_be_hidden()


def test_a_failed_job_is_retried_from_the_page(
    page, live_server, sign_in, project, users, screenshot_path, tmp_path
):
    """A failed pre-annotation has a Retry button (keyboard reachable); the job
    runs again on the same row, its second attempt saying why the first failed.
    A failed release, never run again, and a running job have none."""
    failed = Job.objects.create(
        project=project,
        kind="preannotate",
        handler="tests.projects.handlers.count_to",
        params={"n": 2},
        status=Job.Status.FAILED,
        progress=0.3,
        error="The worker stopped answering (no sign of life for 300 seconds).",
        created_by=users["olga"],
        finished_at=timezone.now(),
    )
    release = Job.objects.create(
        project=project,
        kind="release",
        handler="-",
        status=Job.Status.FAILED,
        error="This release was already built; a release never changes.",
        finished_at=timezone.now(),
    )
    busy = running(project, users["olga"])
    page.set_viewport_size({"width": 1280, "height": 600})
    sign_in(page, "olga")
    page.goto(f"{live_server.url}/projects/{project.pk}/jobs/")
    page.wait_for_selector("body[data-ready=true]")
    button = page.locator(f'tr[data-job="{failed.pk}"] button.job-retry')
    expect(button).to_have_text("Retry")
    expect(page.locator(f'tr[data-job="{release.pk}"] button')).to_have_count(0)
    expect(page.locator(f'tr[data-job="{busy.pk}"] button')).to_have_count(0)
    screenshot = screenshot_path("jobs-retry.png")
    page.screenshot(path=str(screenshot), full_page=True)

    button.focus()
    page.keyboard.press("Enter")
    row = page.locator(f'tr[data-job="{failed.pk}"]')
    expect(row).to_contain_text("Done")
    expect(row).to_contain_text("counted: 2")
    expect(row.locator(".job-attempt")).to_contain_text(
        "Attempt 2; the one before: The worker stopped answering"
    )
    page.screenshot(path=tmp_path / "jobretry-after.png", full_page=True)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Job.Status.DONE, 2)
