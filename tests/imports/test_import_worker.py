"""A large import run by a real `manage.py db_worker` process, killed mid-way.

The test process serves the API (the test client) and a worker subprocess
(django-tasks-db) reads the queued job from the same test database, so every
row is committed (a transactional test). While the worker stores, its
progress rises where the test can read it; SIGKILL then leaves nothing of the
file stored. Once the lease has run out, `manage.py expire_jobs` queues the
job again (an import is retryable, its file kept), and a second worker runs
its second attempt: the same documents and result as an import no worker
interrupted, which the same worker runs for another project.

PostgreSQL only: the worker's one transaction and the progress it writes
beside it are PostgreSQL's (SQLite has one writer at a time).
"""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from apps.documents.models import Document
from apps.projects.models import Job, JobFile
from tests.builders import make_project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = 20_000  # 20 batches: the worker stores for a few seconds
LEASE = 2
TIMEOUT = 120  # seconds any one wait may take before the test fails


def big_file():
    lines = (
        json.dumps({"id": f"n{n}", "title": f"Story {n}", "text": f"Caracas, day {n}. " * 6})
        for n in range(DOCUMENTS)
    )
    return ("\n".join(lines) + "\n").encode()


def database_url():
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(tmp_path, name):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database_url(),
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "DEBUG": "false",
    }
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(worker):
    if worker.poll() is None:
        worker.kill()
    worker.wait(timeout=10)


def wait_for(what, condition, worker, tmp_path, step=0.02):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("*.log"))
            pytest.fail(f"the worker exited ({worker.returncode}) before {what}:\n{logs}")
        time.sleep(step)
    pytest.fail(f"timed out after {TIMEOUT} s waiting for {what}")


def test_a_killed_workers_job_is_retried_and_stores_what_an_uninterrupted_run_does(
    project, users, client_for, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 1024
    settings.ACCORD_JOB_LEASE_SECONDS = LEASE
    owner = client_for("olga")
    url = f"/api/v1/projects/{project.pk}/documents/import/"
    body = big_file()
    assert len(body) < settings.ACCORD_IMPORT_MAX_BYTES

    def start_import(url=url):
        response = owner.post(
            url, {"file": SimpleUploadedFile("wire.jsonl", body)}, format="multipart"
        )
        assert response.status_code == 202, response.content
        return response.json()["job"]

    def job(pk):
        return Job.objects.values(
            "status", "progress", "error", "result", "attempts", "last_error"
        ).get(pk=pk)

    def documents(of):
        rows = Document.objects.filter(project=of).values_list("external_id", "title", "text")
        return sorted(rows)

    workers = []
    try:
        first = start_import()
        assert job(first)["status"] == "pending"
        workers.append(start_worker(tmp_path, "first"))

        # Progress rises while the one transaction is open: read it from here.
        seen = []

        def storing_well_under_way():
            state = job(first)
            assert state["status"] in ("pending", "running"), state
            if state["status"] == "running" and (not seen or state["progress"] != seen[-1]):
                seen.append(state["progress"])
            return len([p for p in seen if p > 0.1]) >= 3 and seen[-1] < 0.8

        wait_for("progress to rise", storing_well_under_way, workers[0], tmp_path)
        assert seen == sorted(seen) and seen[-1] > seen[0]
        # Mid-way: nothing is visible to anyone else yet.
        assert not Document.objects.filter(project=project).exists()

        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)
        assert job(first)["status"] == "running"  # no one has noticed yet

        # After the lease the sweep queues it again, for its second attempt,
        # with its file; nothing was stored.
        time.sleep(LEASE + 0.5)
        call_command("expire_jobs", stdout=io.StringIO())
        state = job(first)
        assert (state["status"], state["attempts"]) == ("pending", 2), state
        assert "stopped answering" in state["last_error"]
        assert JobFile.objects.filter(job_id=first).exists()
        assert not Document.objects.filter(project=project).exists()

        # The same file into another project, for an import no one interrupts.
        other = make_project(users, name="Uninterrupted")
        uninterrupted = start_import(f"/api/v1/projects/{other.pk}/documents/import/")

        workers.append(start_worker(tmp_path, "second"))
        for pk in (first, uninterrupted):
            wait_for(
                "the imports to end",
                lambda pk=pk: job(pk)["status"] in ("done", "failed"),
                workers[1],
                tmp_path,
                step=0.2,
            )
        state, clean = job(first), job(uninterrupted)
        assert state["status"] == "done", state["error"]
        assert (state["attempts"], clean["attempts"]) == (2, 1)
        assert (
            state["result"]
            == clean["result"]
            == {
                "created": DOCUMENTS,
                "skipped": 0,
                "errors": [],
                "sets": {"annotator": 0, "gold": 0, "prediction": 0},
            }
        )
        stored = documents(project)
        assert len(stored) == DOCUMENTS
        assert stored == documents(other)
        assert not JobFile.objects.exists()
    finally:
        for worker in workers:
            stop(worker)
