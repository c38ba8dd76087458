"""POST documents/import/ with a file over ACCORD_IMPORT_BACKGROUND_BYTES: a background job.

In these tests jobs run with the immediate backend (inside the request) unless
a test switches to the database backend to look at a job before a worker
takes it. The real worker, killed mid-way, is tests/imports/test_import_worker.py.
"""

import json

import pytest

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from apps.imports import background
from apps.projects.jobs import LOST_MEANWHILE, expire_stale, job_file, run_job
from apps.projects.models import Job, JobFile
from tests.builders import make_document
from tests.imports.test_import_api import jsonl, upload

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


GOOD = jsonl(
    {"id": "a", "text": "Moscow backs Caracas.", "spans": [{"start": 0, "end": 6, "label": "GPE"}]},
    {"id": "b", "text": "Caracas answers 🇻🇪."},
    {"id": "c", "text": "Already here."},
).encode()


def job_of(response):
    assert response.status_code == 202, response.content
    assert set(response.json()) == {"job"}
    return Job.objects.get(pk=response.json()["job"])


def test_a_file_at_the_threshold_is_imported_in_the_request(owner, url, settings):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = len(GOOD)
    r = upload(owner, url, "big.jsonl", GOOD)
    assert r.status_code == 201, r.content
    assert r.json() == {
        "created": 3,
        "skipped": 0,
        "errors": [],
        "sets": {"annotator": 0, "gold": 0, "prediction": 1},
    }
    assert not Job.objects.exists()


def test_a_file_one_byte_over_is_a_job_whose_result_is_the_same_answer(
    owner, url, settings, project, users
):
    make_document(project, "c", text="Already here.")
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = len(GOOD) - 1
    job = job_of(upload(owner, url, "big.jsonl", GOOD))
    assert (job.kind, job.project_id, job.created_by) == ("import", project.pk, users["olga"])
    assert job.status == Job.Status.DONE and job.progress == 1.0
    # Duplicates skipped are counted, exactly as the request would have said.
    assert job.result == {
        "created": 2,
        "skipped": 1,
        "errors": [],
        "sets": {"annotator": 0, "gold": 0, "prediction": 1},
    }
    stored = dict(Document.objects.filter(project=project).values_list("external_id", "text"))
    assert stored == {
        "a": "Moscow backs Caracas.",
        "b": "Caracas answers 🇻🇪.",
        "c": "Already here.",
    }
    a = Document.objects.get(project=project, external_id="a")
    assert AnnotationSet.objects.get(document=a).kind == AnnotationSet.Kind.PREDICTION
    assert not JobFile.objects.exists()  # removed when the job ended


def test_the_file_waits_in_the_database_for_a_worker_and_goes_when_the_job_ends(
    owner, url, settings, project, tmp_path
):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    settings.TASKS = DATABASE_BACKEND
    settings.MEDIA_ROOT = tmp_path
    job = job_of(upload(owner, url, "big.jsonl", GOOD, fmt="jsonl"))
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job.params == {
        "format": "jsonl",
        "destination": {"annotations": "prediction", "user_map": {}},
    }
    kept = JobFile.objects.get(job=job)
    name, data = job_file(job)
    assert (kept.name, name, data.read(), kept.size) == ("big.jsonl", "big.jsonl", GOOD, len(GOOD))
    assert list(tmp_path.iterdir()) == []  # nothing in the media folder to serve
    assert not Document.objects.exists()

    run_job.call(job.pk)  # what a worker does with the queued task
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.result == {
        "created": 3,
        "skipped": 0,
        "errors": [],
        "sets": {"annotator": 0, "gold": 0, "prediction": 1},
    }
    assert Document.objects.filter(project=project).count() == 3
    assert not JobFile.objects.exists()


def test_a_bad_record_fails_the_job_listing_every_problem_and_stores_nothing(
    owner, url, settings, project
):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    bad = jsonl(
        {"id": "a", "text": "Fine."},
        {"id": "b", "title": "No text"},
        {"id": "c", "text": "Moscow.", "spans": [{"start": 0, "end": 6, "label": "NOPE"}]},
    )
    job = job_of(upload(owner, url, "big.jsonl", bad))
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("Nothing was imported. line 2")
    # The result is the refusal the request would have answered with 400.
    assert job.result["created"] == 0 and job.result["skipped"] == 0
    assert job.result["detail"] == job.error
    where = [(e["where"], e["field"]) for e in job.result["errors"]]
    assert where == [("line 2", "text"), ("line 3", "spans[0].label")]
    assert not Document.objects.filter(project=project).exists()
    assert not JobFile.objects.exists()


def test_an_unreadable_file_fails_the_job_with_the_reason(owner, url, settings, project):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    job = job_of(upload(owner, url, "big.jsonl", b'{"id": "a", "text": "caf\xe9"}\n'))
    assert job.status == Job.Status.FAILED
    assert "not UTF-8" in job.error and "0xe9" in job.error
    assert job.result == {"detail": job.error, "created": 0, "skipped": 0, "errors": []}
    assert not Document.objects.exists() and not JobFile.objects.exists()


def test_an_unknown_format_is_refused_in_the_request_without_a_job(owner, url, settings):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    r = upload(owner, url, "big.xml", GOOD)
    assert r.status_code == 400
    assert "cannot tell the format" in r.json()["detail"]
    assert not Job.objects.exists() and not JobFile.objects.exists()


def test_a_file_over_the_import_limit_is_still_413(owner, url, settings):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    settings.ACCORD_IMPORT_MAX_BYTES = len(GOOD) - 1
    assert upload(owner, url, "big.jsonl", GOOD).status_code == 413
    assert not Job.objects.exists()


def test_a_json_list_is_imported_in_the_request_whatever_its_size(owner, url, settings):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    r = owner.post(url, [{"id": "x", "text": "A list posted as JSON."}], format="json")
    assert r.status_code == 201 and r.json()["created"] == 1
    assert not Job.objects.exists()


@pytest.mark.parametrize(("who", "code"), [("rita", 403), ("ana", 403), ("oscar", 404)])
def test_only_owners_start_an_import_job(client_for, url, settings, who, code):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    assert upload(client_for(who), url, "big.jsonl", GOOD).status_code == code
    assert not Job.objects.exists() and not JobFile.objects.exists()
    assert not Document.objects.exists()


def test_the_job_is_seen_by_the_projects_owners_only(owner, client_for, url, settings, project):
    """Importing is the owners' (jobs.KINDS), so is the import's job: members
    below them are told which role it needs, non-members learn nothing."""
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    job = job_of(upload(owner, url, "big.jsonl", GOOD))
    body = client_for("olga").get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["kind"] == "import" and body["status"] == "done"
    assert body["result"] == {
        "created": 3,
        "skipped": 0,
        "errors": [],
        "sets": {"annotator": 0, "gold": 0, "prediction": 1},
    }
    for member in ("rita", "ana"):
        assert client_for(member).get(f"/api/v1/jobs/{job.pk}/").status_code == 403
    assert client_for("oscar").get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    listed = client_for("olga").get(f"/api/v1/jobs/?project={project.pk}&kind=import").json()
    assert [j["id"] for j in listed["results"]] == [job.pk]
    other = client_for("olga").get(f"/api/v1/jobs/?project={project.pk}&kind=release").json()
    assert other["results"] == []


def test_a_job_declared_lost_while_it_stored_keeps_nothing(
    owner, url, settings, project, monkeypatch
):
    """The worker was slow, the lease ran out and the page was told the job
    failed; when the worker then finishes, its import must not commit."""
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    real = background.import_file

    def slow_then_declared_lost(*args, **kwargs):
        report = real(*args, **kwargs)
        settings.ACCORD_JOB_LEASE_SECONDS = -1  # every running job is silent now
        assert expire_stale(Job.objects.filter(project=project)) == 1
        return report

    monkeypatch.setattr(background, "import_file", slow_then_declared_lost)
    job = job_of(upload(owner, url, "big.jsonl", GOOD))
    assert job.status == Job.Status.FAILED and job.result is None
    # Here the declaration ran in the worker's own transaction and was rolled
    # back with it; from another process it stays, saying the worker stopped
    # answering. Either way the job failed and nothing is stored.
    assert job.error == LOST_MEANWHILE
    assert not Document.objects.filter(project=project).exists()
    assert not JobFile.objects.exists()


def test_progress_rises_while_storing(owner, url, settings, project, monkeypatch):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    monkeypatch.setattr("apps.imports.store.BATCH", 2)
    seen = []
    real = Job.set_progress

    def recording(job, done, total):
        real(job, done, total)
        seen.append(round(job.progress, 3))

    monkeypatch.setattr(Job, "set_progress", recording)
    records = [{"id": f"d{n}", "text": f"Document {n}."} for n in range(6)]
    job_of(upload(owner, url, "big.jsonl", jsonl(*records)))
    # Each batch of two is read, checked and stored before the next is read:
    # the share of the file read so far, up to the whole.
    assert seen == [0.333, 0.667, 1.0]


def test_a_file_of_many_chunks_is_imported_as_the_same_bytes_would_be(
    owner, url, settings, project, monkeypatch
):
    from apps.projects import jobs

    monkeypatch.setattr(jobs, "FILE_CHUNK", 7)  # the records and the emoji cross chunks
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    job = job_of(upload(owner, url, "big.jsonl", GOOD))
    assert job.status == Job.Status.DONE, job.error
    stored = dict(Document.objects.filter(project=project).values_list("external_id", "text"))
    assert stored == {
        "a": "Moscow backs Caracas.",
        "b": "Caracas answers 🇻🇪.",
        "c": "Already here.",
    }


def test_a_bad_byte_in_a_later_chunk_is_named_at_its_offset_in_the_file(
    owner, url, settings, project, monkeypatch
):
    from apps.projects import jobs

    monkeypatch.setattr(jobs, "FILE_CHUNK", 16)
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    data = GOOD + b'{"id": "d", "text": "caf\xe9"}\n'
    job = job_of(upload(owner, url, "big.jsonl", data))
    assert job.status == Job.Status.FAILED
    offset = data.index(b"\xe9")
    assert f"invalid byte 0xe9 at byte offset {offset}" in job.error
    assert not Document.objects.exists()


def test_a_zip_of_many_chunks_is_read_from_the_job_file(owner, url, settings, project, monkeypatch):
    import io
    import zipfile

    from apps.projects import jobs

    monkeypatch.setattr(jobs, "FILE_CHUNK", 50)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("one.jsonl", GOOD)
        archive.writestr("two.txt", "A plain text document.")
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    job = job_of(upload(owner, url, "both.zip", buffer.getvalue()))
    assert job.status == Job.Status.DONE, job.error
    assert job.result["created"] == 4


@pytest.mark.parametrize("name", ["big.jsonl", "big.json", "big.csv"])
def test_the_job_file_is_read_once(owner, url, settings, project, monkeypatch, name):
    # Its bytes are checked for UTF-8 as they are parsed, not in a first
    # pass of their own: each chunk is fetched from the database once.
    from apps.projects import jobs

    monkeypatch.setattr(jobs, "FILE_CHUNK", 40)
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    records = [{"id": f"d{n}", "text": f"Document {n} 🇻🇪."} for n in range(20)]
    if name.endswith(".json"):
        data = json.dumps(records).encode()
    elif name.endswith(".csv"):
        data = ("id,text\n" + "".join(f"{r['id']},{r['text']}\n" for r in records)).encode()
    else:
        data = jsonl(*records).encode()
    fetched = []
    real = jobs.FileReader.readinto

    def fetching(reader, buffer):
        number = reader.position // jobs.FILE_CHUNK
        if number != reader.number and reader.position < reader.size:
            fetched.append(number)
        return real(reader, buffer)

    monkeypatch.setattr(jobs.FileReader, "readinto", fetching)
    job = job_of(upload(owner, url, name, data))
    assert job.status == Job.Status.DONE, job.error
    assert job.result["created"] == 20
    assert fetched == list(range(-(-len(data) // 40)))


@pytest.mark.parametrize("name", ["big.json", "big.jsonl"])
def test_a_bad_byte_after_stored_batches_leaves_nothing_stored(
    owner, url, settings, project, monkeypatch, name
):
    from apps.projects import jobs

    monkeypatch.setattr(jobs, "FILE_CHUNK", 16)
    monkeypatch.setattr("apps.imports.store.BATCH", 2)
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    records = [{"id": f"d{n}", "text": f"Document {n}."} for n in range(9)]
    good = json.dumps(records).encode() if name.endswith(".json") else jsonl(*records).encode()
    # The bad byte sits inside the last record, after four batches were stored.
    data = good[:-4] + b"\xe9" + good[-4:]
    job = job_of(upload(owner, url, name, data))
    assert job.status == Job.Status.FAILED
    assert f"invalid byte 0xe9 at byte offset {len(good) - 4}" in job.error
    assert job.result == {"detail": job.error, "created": 0, "skipped": 0, "errors": []}
    assert not Document.objects.exists()
