"""POST /api/v1/projects/restore/: an archive restored as a new project by a
background job, owned by whoever restored it."""

import gzip
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.projects.models import Job, JobFile, Membership, Project, Role
from tests.datasets.archive_world import rich_project
from tests.datasets.test_archive import records, without_header

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/restore/"


@pytest.fixture
def rich(users, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return rich_project(users, client_for, name="Rich")


def download(client, project):
    response = client.get(f"/api/v1/projects/{project.pk}/archive/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def restore(client, data, **fields):
    upload = SimpleUploadedFile("rich.accord.jsonl.gz", data)
    return client.post(URL, {"file": upload, **fields}, format="multipart")


def test_an_archive_comes_back_as_a_new_project_of_the_caller(
    rich, users, client_for, django_capture_on_commit_callbacks
):
    first = download(client_for("olga"), rich)
    oscar = client_for("oscar")  # a member of nothing: restoring needs no project role
    with django_capture_on_commit_callbacks(execute=True):
        response = restore(oscar, first, name="Rich, restored")
    assert response.status_code == 202, response.content
    job = oscar.get(f"/api/v1/jobs/{response.json()['job']}/").json()
    assert job["status"] == "done", job["error"]
    copy = Project.objects.get(pk=job["result"]["project"])
    assert (copy.name, job["project"], job["kind"]) == ("Rich, restored", copy.pk, "restore")
    assert job["result"]["counts"] == records(first)[0]["counts"]
    assert Membership.objects.get(project=copy, user=users["oscar"]).role == Role.OWNER
    assert not JobFile.objects.exists()
    # The copy's archive is the original's, but for the header, the name and the new owner.
    second = download(oscar, copy)
    strip = [r for r in without_header(first) if r["type"] != "project"]
    again = [
        r for r in without_header(second) if r["type"] != "project" and r.get("username") != "oscar"
    ]
    again = [r for r in again if not (r["type"] == "member" and r.get("user") == "oscar")]
    assert [r for r in again if r["type"] != "end"] == [r for r in strip if r["type"] != "end"]


def test_unknown_users_are_listed_before_any_job_starts(rich, client_for):
    text = gzip.decompress(download(client_for("olga"), rich))
    data = gzip.compress(text.replace(b'"ana"', b'"anya"').replace(b'"cai"', b'"kai"'))
    jobs, projects = Job.objects.count(), Project.objects.count()
    response = restore(client_for("olga"), data)
    assert response.status_code == 400, response.content
    body = response.json()
    named = " ".join(e["message"] for e in body["errors"])
    assert "'anya'" in named and "'kai'" in named and "user_map" in named
    assert (Job.objects.count(), Project.objects.count()) == (jobs, projects)
    # Mapped, both are found.
    response = restore(client_for("olga"), data, user_map=json.dumps({"anya": "ana", "kai": "ben"}))
    assert response.status_code == 202, response.content


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"user_map": "not json"}, "user_map"),
        ({"user_map": json.dumps(["ana"])}, "user_map"),
        ({"name": "x" * 500}, "name"),
    ],
)
def test_bad_fields_are_named(rich, client_for, fields, field):
    response = restore(client_for("olga"), download(client_for("olga"), rich), **fields)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_a_file_that_is_no_archive_is_refused(client_for):
    response = restore(client_for("olga"), b"plain text, not gzip")
    assert response.status_code == 400
    assert "gzip" in response.json()["detail"]
    assert not Job.objects.exists()


def test_a_restore_job_is_its_starters_alone_until_it_made_its_project(project, users, client_for):
    job = Job.objects.create(kind="restore", handler="-", created_by=users["oscar"])
    assert client_for("oscar").get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    assert client_for("olga").get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert [j["id"] for j in client_for("oscar").get("/api/v1/jobs/").json()["results"]] == [job.pk]
    assert client_for("olga").get("/api/v1/jobs/").json()["results"] == []


def test_signing_in_is_needed(client_for):
    assert restore(client_for(None), b"x").status_code == 401
