"""Large imports as a background job: the same import, all or nothing, run by a worker.

A file larger than ACCORD_IMPORT_BACKGROUND_BYTES is not parsed in the
request: `start_import` keeps its bytes as the job's JobFile (in the
database, where a worker on any host reads it) and starts the job; the
request answers 202 with the job's id. `run`, the job's handler, reads the
file a chunk at a time, parses, validates and stores it batch by batch in
ONE transaction (store.import_file: memory flat in the size of the file for
every format but a ZIP and plain text), reporting progress
as it goes; the job is marked done inside that same transaction
(`finish_within`), so a worker killed at any point leaves nothing stored;
once its lease runs out the job is queued again with its file (an import is
retryable, jobs.KINDS) until ACCORD_JOB_MAX_ATTEMPTS, then failed.

The job's result is the body the synchronous import would have answered:
``{"created", "skipped", "errors": []}`` when done; when nothing was stored
the job fails with the refusal's `detail` as its error and the refusal
(every bad record, each naming its record and field) as its result.
"""

from django.conf import settings
from django.db import transaction

from apps.projects.jobs import JobError, finish_within, job_file, start_job

from .destination import Destination
from .parsers import ImportFormatError
from .store import ImportConflict, import_file, refusal, unreadable

KIND = "import"
HANDLER = "apps.imports.background.run"


def runs_in_background(size):
    """Whether an upload of `size` bytes is imported by a background job."""
    return size > settings.ACCORD_IMPORT_BACKGROUND_BYTES


def start_import(project, name, fmt, data, user, destination=None):
    """Keep the upload for the worker and start its import job; returns the job.
    `destination` (where the file's annotations land) travels as a plain dict."""
    params = {"format": fmt}
    if destination is not None:
        params["destination"] = destination.as_dict()
    return start_job(project, KIND, HANDLER, params, user, file=(name, data))


def run(job, format, destination=None):
    """The job handler: the import of the job's file, in one transaction,
    parsed and stored batch by batch (store.import_file)."""
    with transaction.atomic():
        name, data = job_file(job)  # a file, read a chunk at a time

        def storing(fraction):
            job.set_progress(fraction, 1)

        try:
            report = import_file(
                job.project,
                data,
                name,
                format,
                progress=storing,
                destination=Destination.from_data(destination or {}),
                user=job.created_by,
                max_bytes=settings.ACCORD_IMPORT_MAX_BYTES,
            )
        except ImportFormatError as exc:
            answer = unreadable(str(exc))
            raise JobError(answer["detail"], result=answer) from exc
        except ImportConflict as exc:
            raise JobError(str(exc)) from exc
        if report["errors"]:
            answer = refusal(report)
            raise JobError(answer["detail"], result=answer)
        result = {key: value for key, value in report.items() if key != "documents"}
        finish_within(job, result)
    return result
