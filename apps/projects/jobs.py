"""Running work in the background through Django's tasks API (django-tasks).

`start_job` records a Job (and the file it reads, if any) and enqueues
`run_job`. With the database backend (the default unless DEBUG) a
`manage.py db_worker` process runs it, and the client polls the job; with
the ImmediateBackend (DEBUG, and the test suite) the work runs inside the
request before it answers.

A handler that does its work in one transaction reports progress through
`job.set_progress` as any other (OutsideWriter makes it visible at once) and
ends with `finish_within`, so the work and the job's outcome commit together.

Every kind of job is registered in KINDS with the least role that may see
it (in the list, its detail and its result): whoever may see what it makes.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import ROLE_RANK, Job, JobFile, Role

logger = logging.getLogger(__name__)

# The error a job gets when its worker stopped sending heartbeats.
WORKER_LOST = (
    "The worker stopped answering (no sign of life for {seconds} seconds); "
    "the job did not finish. Start it again."
)


# Kind -> the least role that sees a job of that kind: the role that may see
# what the job makes. A kind must be registered here before a job of it can
# start; a job of a kind not here (an old row) is the owners' alone.
KINDS = {
    # Documents arriving in bulk: importing is the owners'.
    "import": Role.OWNER,
    # Prediction sets over the project: POST …/preannotate/ is the owners'.
    "preannotate": Role.OWNER,
    # A release: whoever may list releases (GET …/releases/).
    "release": Role.REVIEWER,
}


def role_to_see(kind) -> Role:
    """The least role that sees a job of this kind."""
    return KINDS.get(kind, Role.OWNER)


def least_role_to_see() -> Role:
    """The least role that sees any kind of job (the jobs page's role)."""
    return min(KINDS.values(), key=ROLE_RANK.__getitem__)


def kinds_seen_by(role) -> list:
    """The registered kinds a member with this role sees, in KINDS order."""
    return [kind for kind, needed in KINDS.items() if ROLE_RANK[role] >= ROLE_RANK[needed]]


def jobs_seen_by(user):
    """The jobs the user may see: those of the projects they are a member of
    whose kind their role there sees. A queryset: one filter, no query of its own."""
    seen = Q(project__memberships__role=Role.OWNER)
    for role in (Role.REVIEWER, Role.ANNOTATOR):
        seen |= Q(project__memberships__role=role, kind__in=kinds_seen_by(role))
    # One filter() call: the user and the role conditions meet on the same membership.
    return Job.objects.filter(Q(project__memberships__user=user) & seen)


class JobError(Exception):
    """A failure whose message is meant for the user (shown as the job's error).

    `result`, when given, is kept as the failed job's result: what the user
    needs beyond the message (an import's every bad record)."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result


def start_job(project, kind, handler, params, user=None, file=None):
    """Record a job and enqueue it; returns the job (re-read it for its outcome).

    `file`, a ``(name, bytes)`` pair, is kept for the handler as the job's
    JobFile (read it with `job_file`) and deleted when the job ends. `kind`
    must be registered in KINDS: who may see it is decided there."""
    if kind not in KINDS:
        raise ValueError(f"Register the job kind {kind!r} in KINDS, with the role that sees it.")
    with transaction.atomic():
        job = Job.objects.create(
            project=project, kind=kind, handler=handler, params=params, created_by=user
        )
        if file is not None:
            name, data = file
            JobFile.objects.create(job=job, name=name[:255], data=data, size=len(data))
    # Enqueued once both are committed: the worker must find the file, and the
    # immediate backend runs the job here, outside any transaction.
    run_job.enqueue(job.pk)
    return job


def job_file(job):
    """The name and bytes of the file kept for `job`; JobError when it is gone."""
    row = JobFile.objects.filter(job_id=job.pk).values_list("name", "data").first()
    if row is None:
        raise JobError("The uploaded file of this job is gone; upload it again.")
    name, data = row
    return name, bytes(data)


class OutsideWriter:
    """Writes a running job's progress and heartbeat on a database connection
    of its own, in autocommit, while the handler is inside a transaction.

    There, an UPDATE of the job row would be seen by no other process (the
    page following the job, expire_stale) until the whole transaction
    commits: progress would stand still and the heartbeat lapse however
    often the handler beats.

    Only on PostgreSQL, and only for a job run outside any transaction (by a
    worker, or by the immediate backend in a request): then the job row is
    committed and the second connection finds it. SQLite has one writer at a
    time, so the second connection would wait on the handler's own lock; in a
    test's transaction the row is not committed. There progress is written
    in the handler's transaction, as it always was.
    """

    def __init__(self):
        self.side = None

    @classmethod
    def for_this_run(cls):
        main = transaction.get_connection()
        if main.vendor != "postgresql" or main.in_atomic_block:
            return None
        return cls()

    def __call__(self, job):
        """Write job.progress and job.heartbeat_at; False when the caller
        should write them itself (it is not inside a transaction)."""
        main = transaction.get_connection()
        if not main.in_atomic_block:
            return False
        if self.side is None:
            self.side = main.copy()
        table = self.side.ops.quote_name(Job._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress = %s, heartbeat_at = %s "
                "WHERE id = %s AND status = %s",
                [job.progress, job.heartbeat_at, job.pk, Job.Status.RUNNING],
            )
        return True

    def close(self):
        if self.side is not None:
            self.side.close()
            self.side = None


@task()
def run_job(job_id):
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.PENDING:
        return
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    writer = job.progress_writer = OutsideWriter.for_this_run()
    try:
        outcome = _run(job)
    finally:
        if writer is not None:
            writer.close()
    # A job marked failed meanwhile (its worker seemed dead) stays failed: the
    # owner was told so, and may have started it again. Its outcome and the
    # removal of its file commit together, so no file outlives its job.
    with transaction.atomic():
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            **outcome, finished_at=timezone.now()
        )
        JobFile.objects.filter(job_id=job.pk).delete()


def _run(job):
    """The handler's outcome as the fields of the finished job."""
    try:
        result = import_string(job.handler)(job, **job.params)
    except JobError as exc:
        return {"status": Job.Status.FAILED, "error": str(exc), "result": exc.result}
    except Exception as exc:
        logger.exception("Job %s failed", job.pk)
        return {
            "status": Job.Status.FAILED,
            "error": f"The job failed unexpectedly ({type(exc).__name__}); "
            "the server log has the details.",
        }
    return {"status": Job.Status.DONE, "progress": 1.0, "result": result}


# The error of a job that finished its work after it was declared lost.
LOST_MEANWHILE = (
    "The job was declared lost while it ran (no sign of life for longer than the "
    "lease), so what it did was not kept. Start it again."
)


def finish_within(job, result):
    """Mark `job` done inside the caller's open transaction, so that its work,
    its outcome and the removal of its file commit together or not at all: a
    worker killed before the commit leaves nothing stored and the job running
    (then failed, by expire_stale), never documents stored under a failed job.

    The job row stays locked until the commit, so expire_stale cannot declare
    the job lost in between. JobError (the transaction rolls back) when it was
    declared lost already. Write no progress after this.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("finish_within needs the transaction that holds the job's work.")
    now = timezone.now()
    finished = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.DONE, progress=1.0, result=result, heartbeat_at=now, finished_at=now
    )
    if not finished:
        raise JobError(LOST_MEANWHILE)
    JobFile.objects.filter(job_id=job.pk).delete()
    # The row is this transaction's now: a second connection writing it would wait.
    job.progress_writer = None


def expire_stale(jobs):
    """Mark failed, in one UPDATE, the running jobs among `jobs` whose worker
    has been silent for longer than ACCORD_JOB_LEASE_SECONDS, so that a job
    whose worker died reads as failed and never as running forever.

    Silent: no heartbeat since the cutoff (a job started before heartbeats
    existed counts from its start). The files of the jobs marked (of any
    finished job) are deleted. Returns the number of jobs marked.
    """
    seconds = settings.ACCORD_JOB_LEASE_SECONDS
    now = timezone.now()
    cutoff = now - timedelta(seconds=seconds)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    marked = (
        jobs.filter(silent, status=Job.Status.RUNNING)
        .order_by()
        .update(
            status=Job.Status.FAILED,
            error=WORKER_LOST.format(seconds=seconds),
            finished_at=now,
        )
    )
    if marked:
        # A dead worker's file: no one will read it again.
        JobFile.objects.filter(job__status__in=[Job.Status.DONE, Job.Status.FAILED]).delete()
    return marked
