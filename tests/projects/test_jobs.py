import pytest

from apps.projects.jobs import start_job
from apps.projects.models import Job

pytestmark = pytest.mark.django_db


def test_a_job_runs_and_reports_its_result(project, users):
    job = start_job(project, "count", "tests.projects.handlers.count_to", {"n": 4}, users["olga"])
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
    job = start_job(project, "count", "tests.projects.handlers.count_to", {"n": 2})
    response = client_for("ana").get(f"/api/v1/jobs/{job.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "done" and body["progress"] == 1.0
    assert body["result"] == {"counted": 2}
    assert client_for("oscar").get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert client_for("oscar").get("/api/v1/jobs/").json()["results"] == []
    assert client_for(None).get(f"/api/v1/jobs/{job.pk}/").status_code == 401


def test_a_missing_job_is_404(project, client_for):
    assert client_for("olga").get("/api/v1/jobs/999999/").status_code == 404
