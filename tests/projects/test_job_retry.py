"""Jobs whose worker was lost are queued again where that is safe (jobs.KINDS),
at most ACCORD_JOB_MAX_ATTEMPTS times; a failed one may be retried by hand."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.projects.jobs import expire_stale, keep_file, start_job
from apps.projects.models import Job, JobFile, Label
from tests.builders import make_project

pytestmark = pytest.mark.django_db

COUNT = "tests.projects.handlers.count_to"


def lost_job(project, kind="import", attempts=1, file=True):
    """A running job whose worker has been silent for an hour."""
    then = timezone.now() - timedelta(hours=1)
    job = Job.objects.create(
        project=project,
        kind=kind,
        handler=COUNT,
        params={"n": 2},
        status=Job.Status.RUNNING,
        progress=0.5,
        started_at=then,
        heartbeat_at=then,
        attempts=attempts,
    )
    if file:
        keep_file(job, "big.jsonl", b"{}")
    return job


def running_job(project):
    now = timezone.now()
    return Job.objects.create(
        project=project,
        kind="preannotate",
        handler=COUNT,
        status=Job.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
    )


def failed_job(project, kind="preannotate", error="The suggester broke."):
    return Job.objects.create(
        project=project,
        kind=kind,
        handler=COUNT,
        params={"n": 3},
        status=Job.Status.FAILED,
        error=error,
        finished_at=timezone.now(),
    )


def test_a_lost_retryable_job_is_queued_again_with_its_file(
    project, settings, django_capture_on_commit_callbacks
):
    settings.ACCORD_JOB_MAX_ATTEMPTS = 3
    job = lost_job(project)
    with django_capture_on_commit_callbacks() as enqueued:
        assert expire_stale(Job.objects.all()) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (Job.Status.PENDING, 2, "")
    assert "stopped answering" in job.last_error
    assert (job.progress, job.started_at, job.heartbeat_at) == (0.0, None, None)
    assert JobFile.objects.filter(job=job).exists()  # the next attempt reads it
    assert len(enqueued) == 1


def test_the_next_attempt_runs_and_finishes_the_job(
    project, settings, django_capture_on_commit_callbacks
):
    job = lost_job(project, kind="preannotate", file=False)
    with django_capture_on_commit_callbacks(execute=True):
        expire_stale(Job.objects.all())
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (Job.Status.DONE, 2, {"counted": 2})
    assert "stopped answering" in job.last_error


def test_at_the_limit_a_lost_job_fails_saying_how_often_it_was_tried(project, settings):
    settings.ACCORD_JOB_MAX_ATTEMPTS = 3
    job = lost_job(project, attempts=3)
    assert expire_stale(Job.objects.all()) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "on each of the job's 3 attempts" in job.error
    assert not JobFile.objects.filter(job=job).exists()  # finally failed: its file goes


def test_a_lost_job_of_a_kind_not_run_again_fails_at_once(project):
    job = lost_job(project, kind="release", file=False)
    expire_stale(Job.objects.all())
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, 1)
    assert "stopped answering" in job.error and "attempts" not in job.error


def test_a_lost_import_whose_file_is_gone_fails(project):
    job = lost_job(project, file=False)
    expire_stale(Job.objects.all())
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, 1)


def test_two_sweeps_queue_a_lost_job_once(project, django_capture_on_commit_callbacks):
    job = lost_job(project)
    with django_capture_on_commit_callbacks() as enqueued:
        expire_stale(Job.objects.all())
        expire_stale(Job.objects.all())
    job.refresh_from_db()
    assert (job.status, job.attempts, len(enqueued)) == (Job.Status.PENDING, 2, 1)


def test_an_attempt_taken_over_by_the_next_one_stores_nothing(project):
    """Slow, not dead: declared lost, its job queued again and started by
    another worker, the old attempt's work and outcome must not commit."""
    job = start_job(project, "preannotate", "tests.projects.handlers.superseded", {})
    job.refresh_from_db()
    # The row is the second attempt's: running, untouched by the first.
    assert (job.status, job.attempts, job.result, job.progress) == (
        Job.Status.RUNNING,
        2,
        None,
        0.0,
    )
    assert not Label.objects.filter(name="FROM-OLD-ATTEMPT").exists()


def test_the_sweep_command_needs_no_reader(project, settings):
    settings.ACCORD_JOB_MAX_ATTEMPTS = 1
    job = lost_job(project)
    call_command("expire_jobs", stdout=(out := __import__("io").StringIO()))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert not JobFile.objects.exists()
    assert out.getvalue().strip() == "1 lost job dealt with."


# Retry by hand.


def retry_url(job, project=None):
    return f"/api/v1/projects/{(project or job.project).pk}/jobs/{job.pk}/retry/"


def test_an_owner_retries_a_failed_job(project, client_for, django_capture_on_commit_callbacks):
    job = failed_job(project)
    assert client_for("olga").get(f"/api/v1/jobs/{job.pk}/").json()["retryable"] is True
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("olga").post(retry_url(job))
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["attempts"], body["error"]) == ("pending", 2, "")
    assert body["last_error"] == "The suggester broke."
    job.refresh_from_db()
    assert (job.status, job.result, job.attempts) == (Job.Status.DONE, {"counted": 3}, 2)


@pytest.mark.parametrize(
    ("who", "kind", "code"),
    [
        ("olga", "preannotate", 202),
        ("rita", "preannotate", 403),  # pre-annotation is the owners'
        ("ana", "preannotate", 403),
        ("oscar", "preannotate", 404),  # not a member
        ("rita", "release", 403),  # sees release jobs, does not start them
        ("ana", "release", 403),
    ],
)
def test_who_may_retry(project, client_for, who, kind, code):
    job = failed_job(project, kind=kind)
    response = client_for(who).post(retry_url(job))
    if kind == "release" and who == "olga":
        code = 409
    assert response.status_code == code, response.content
    job.refresh_from_db()
    assert job.attempts == (2 if code == 202 else 1)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: failed_job(p, kind="release"), "not run again"),
        (lambda p: running_job(p), "this one is running"),
        (lambda p: failed_job(p, kind="import"), "file of this job is gone"),
    ],
)
def test_a_job_that_cannot_run_again_is_a_conflict(project, client_for, make, says):
    job = make(project)
    body = client_for("olga").get(f"/api/v1/jobs/{job.pk}/").json()
    response = client_for("olga").post(retry_url(job))
    assert response.status_code == 409, response.content
    assert says in response.json()["detail"]
    assert body["retryable"] is False


def test_a_job_of_another_project_is_not_found_here(project, users, client_for):
    other = make_project(users, name="Elsewhere")
    job = failed_job(other)
    assert client_for("olga").post(retry_url(job, project)).status_code == 404
    assert client_for("olga").post(retry_url(job)).status_code == 202
