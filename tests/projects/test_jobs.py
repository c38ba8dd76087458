from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.projects.jobs import finish_within, keep_file, start_job
from apps.projects.models import Job, JobFile
from tests.builders import make_project, make_user

pytestmark = pytest.mark.django_db


def test_a_job_runs_and_reports_its_result(project, users):
    job = start_job(project, "release", "tests.projects.handlers.count_to", {"n": 4}, users["olga"])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.progress == 1.0
    assert job.result == {"counted": 4}
    assert job.started_at and job.finished_at


def test_a_user_facing_failure_keeps_its_message(project):
    job = start_job(project, "import", "tests.projects.handlers.refuse", {})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "The registry file has no name column."


def test_an_unexpected_failure_does_not_leak_internals(project):
    job = start_job(project, "import", "tests.projects.handlers.crash", {})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "RuntimeError" in job.error
    assert "internal detail" not in job.error


def test_the_jobs_api_shows_a_job_to_members_only(project, users, client_for):
    job = start_job(project, "release", "tests.projects.handlers.count_to", {"n": 2})
    response = client_for("rita").get(f"/api/v1/jobs/{job.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "done" and body["progress"] == 1.0
    assert body["result"] == {"counted": 2}
    assert client_for("oscar").get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert client_for("oscar").get("/api/v1/jobs/").json()["results"] == []
    assert client_for(None).get(f"/api/v1/jobs/{job.pk}/").status_code == 401


def test_a_missing_job_is_404(project, client_for):
    assert client_for("olga").get("/api/v1/jobs/999999/").status_code == 404


def test_a_job_beats_at_start_and_on_progress(project):
    job = start_job(project, "release", "tests.projects.handlers.count_to", {"n": 3})
    job.refresh_from_db()
    assert job.heartbeat_at is not None
    assert job.started_at <= job.heartbeat_at <= job.finished_at


def running_job(project, silent_for, **fields):
    """A job a worker took `silent_for` ago and has said nothing since."""
    then = timezone.now() - silent_for
    return Job.objects.create(
        project=project,
        kind="import",
        handler="-",
        status=Job.Status.RUNNING,
        progress=0.4,
        started_at=then,
        heartbeat_at=then,
        **fields,
    )


def test_a_job_whose_worker_went_silent_reads_as_failed(project, client_for, settings):
    settings.ACCORD_JOB_LEASE_SECONDS = 60
    stale = running_job(project, timedelta(seconds=61))
    alive = running_job(project, timedelta(seconds=30))
    body = client_for("olga").get(f"/api/v1/jobs/{stale.pk}/").json()
    assert body["status"] == "failed"
    assert "worker stopped answering" in body["error"]
    stale.refresh_from_db()
    assert stale.status == Job.Status.FAILED and stale.finished_at is not None
    assert client_for("olga").get(f"/api/v1/jobs/{alive.pk}/").json()["status"] == "running"
    alive.refresh_from_db()
    assert alive.status == Job.Status.RUNNING


def test_the_list_marks_stale_jobs_failed_in_one_update(project, client_for, settings):
    settings.ACCORD_JOB_LEASE_SECONDS = 60
    stale = [running_job(project, timedelta(minutes=5)) for _ in range(3)]
    # Started before heartbeats existed: counted from its start.
    legacy = running_job(project, timedelta(minutes=5))
    Job.objects.filter(pk=legacy.pk).update(heartbeat_at=None)
    with CaptureQueriesContext(connection) as queries:
        body = client_for("olga").get(f"/api/v1/jobs/?project={project.pk}").json()
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert {job["status"] for job in body["results"]} == {"failed"}
    assert Job.objects.filter(pk__in=[j.pk for j in [*stale, legacy]], status="failed").count() == 4


def test_only_running_jobs_can_be_declared_lost(project, client_for, settings):
    settings.ACCORD_JOB_LEASE_SECONDS = 60
    old = running_job(project, timedelta(hours=2))
    Job.objects.filter(pk=old.pk).update(status=Job.Status.DONE, progress=1.0)
    client_for("olga").get(f"/api/v1/jobs/?project={project.pk}")
    old.refresh_from_db()
    assert (old.status, old.error) == (Job.Status.DONE, "")


def test_a_job_declared_lost_stays_failed_when_its_worker_comes_back(project):
    job = start_job(project, "import", "tests.projects.handlers.outlived", {})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.result is None and "stopped answering" in job.error


def test_the_lease_comes_from_the_setting(project, client_for, settings):
    settings.ACCORD_JOB_LEASE_SECONDS = 3600
    job = running_job(project, timedelta(minutes=10))
    assert client_for("olga").get(f"/api/v1/jobs/{job.pk}/").json()["status"] == "running"


def test_a_stale_job_of_another_project_is_left_to_its_members(project, users, client_for):
    other = make_project(users, name="Elsewhere")
    job = running_job(other, timedelta(hours=1))
    client_for("olga").get(f"/api/v1/jobs/?project={project.pk}")
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_the_list_filters_by_project_and_names_who_started_it(project, users, client_for):
    other = make_project(users, name="Elsewhere")
    mine = start_job(
        project, "release", "tests.projects.handlers.count_to", {"n": 1}, users["olga"]
    )
    start_job(other, "release", "tests.projects.handlers.count_to", {"n": 1})
    body = client_for("rita").get(f"/api/v1/jobs/?project={project.pk}").json()
    assert [job["id"] for job in body["results"]] == [mine.pk]
    assert body["results"][0]["created_by"] == "olga"
    # A project the caller is not in lists nothing, as one that does not exist.
    assert client_for("oscar").get(f"/api/v1/jobs/?project={project.pk}").json()["results"] == []
    assert client_for("oscar").get("/api/v1/jobs/?project=999999").json()["results"] == []
    response = client_for("rita").get("/api/v1/jobs/?project=abc")
    assert response.status_code == 400
    assert "project" in response.json()["errors"]


def test_the_list_filters_by_status(project, client_for):
    start_job(project, "release", "tests.projects.handlers.count_to", {"n": 1})
    running = running_job(project, timedelta(seconds=1))
    body = client_for("olga").get(f"/api/v1/jobs/?project={project.pk}&status=running").json()
    assert [job["id"] for job in body["results"]] == [running.pk]


@pytest.mark.parametrize("n", [2, 30])
def test_the_list_takes_a_constant_number_of_queries(
    project, users, client_for, n, django_assert_max_num_queries
):
    for i in range(n):
        user = make_user(f"starter{i}")
        Job.objects.create(project=project, kind="import", handler="-", created_by=user)
        running_job(project, timedelta(hours=1))
    # The lost jobs that might be queued again, their files (none: nothing to
    # read again), the UPDATE that fails them, the DELETE of their files, the
    # count, the page.
    with django_assert_max_num_queries(6):
        body = client_for("olga").get(f"/api/v1/jobs/?project={project.pk}").json()
    assert body["count"] == 2 * n


def test_a_user_facing_failure_keeps_its_result(project):
    job = start_job(project, "import", "tests.projects.handlers.refuse_with_details", {})
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, "Nothing was imported.")
    assert job.result == {"errors": [{"where": "line 2"}]}


def test_a_jobs_file_is_its_handlers_and_goes_when_the_job_ends(project):
    job = start_job(
        project, "import", "tests.projects.handlers.reads_its_file", {}, file=("a.csv", b"x,y\n")
    )
    job.refresh_from_db()
    assert job.result == {"name": "a.csv", "size": 4}
    assert not JobFile.objects.exists()
    # A job whose file is gone fails saying so.
    job = start_job(project, "import", "tests.projects.handlers.reads_its_file", {})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "file of this job is gone" in job.error


def test_a_failed_job_leaves_no_file_either(project):
    job = start_job(project, "import", "tests.projects.handlers.crash", {}, file=("a", b"1"))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert not JobFile.objects.exists()


def test_a_job_declared_lost_loses_its_file(project, client_for, settings):
    settings.ACCORD_JOB_LEASE_SECONDS = 60
    settings.ACCORD_JOB_MAX_ATTEMPTS = 1  # failed at once, not queued again
    lost = running_job(project, timedelta(minutes=5))
    alive = running_job(project, timedelta(seconds=5))
    for job in (lost, alive):
        keep_file(job, "big.jsonl", b"{}")
    client_for("olga").get(f"/api/v1/jobs/?project={project.pk}")
    assert list(JobFile.objects.values_list("job_id", flat=True)) == [alive.pk]


@pytest.mark.django_db(transaction=True)
def test_finishing_a_job_within_its_work_needs_a_transaction(project):
    job = running_job(project, timedelta(seconds=1))
    with pytest.raises(RuntimeError):
        finish_within(job, {})
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_written_inside_a_transaction_is_seen_by_other_connections(project):
    """A worker's handler holding its transaction open still shows progress
    and keeps its heartbeat (else the job would look dead after the lease)."""
    job = start_job(project, "import", "tests.projects.handlers.beats_inside_a_transaction", {})
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.result == {"seen": 0.25, "beat": True}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_workers_job_reads_its_file_on_the_side_connection(project):
    """The file is read beside the job's transaction (whose connection an
    import keeps busy storing), and whole, a chunk at a time."""
    from apps.projects import jobs

    job = running_job(project, timedelta(seconds=1))
    data = bytes(range(256)) * (jobs.FILE_CHUNK // 256 * 2 + 3)
    keep_file(job, "big.bin", data)
    job.progress_writer = jobs.OutsideWriter()
    try:
        name, reader = jobs.job_file(job)
        with CaptureQueriesContext(connection) as on_the_job:
            assert reader.read() == data
        assert reader.raw.side is job.progress_writer.side is not None
        assert len(on_the_job) == 0
    finally:
        job.progress_writer.close()
    assert name == "big.bin"
