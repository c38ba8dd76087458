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
it (in the list, its detail and its result): whoever may see what it makes;
the least role that may start it (and so retry it); and whether running it
again is safe.

A job is tried `attempts` times at most ACCORD_JOB_MAX_ATTEMPTS: when its
worker is lost (expire_stale, run by `manage.py expire_jobs` and on every
read of a job) a retryable job whose input is still there is queued again on
the same row, the lost attempt's error kept as `last_error`. Each attempt
has its number; only the job's current attempt may write its progress or
commit its outcome, so an attempt that was slow rather than dead cannot
store its work beside the attempt that replaced it.
"""

import io
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .errors import Conflict
from .models import ROLE_RANK, Job, JobFile, JobFileChunk, Role

logger = logging.getLogger(__name__)

# The error a job gets when its worker stopped sending heartbeats.
WORKER_LOST = (
    "The worker stopped answering (no sign of life for {seconds} seconds); "
    "the job did not finish. Start it again."
)
# The error of a retryable job whose last allowed attempt was lost too:
# before and after its number of attempts.
GAVE_UP = (
    "The worker stopped answering (no sign of life for {seconds} seconds) on each of the job's ",
    " attempts, so it is not tried again by itself. Start it again.",
)


@dataclass(frozen=True)
class JobKind:
    # The least role that sees a job of the kind: the role that may see what it makes.
    sees: Role
    # The least role that may start a job of the kind, and so retry one.
    starts: Role
    # Whether running a job of the kind again, after a lost or failed
    # attempt, is safe: the attempt left nothing behind, and the job's input
    # (its params, its file) still describes the same work.
    retryable: bool
    # Whether the job reads a JobFile: without it there is nothing to retry.
    reads_file: bool = False


# A kind must be registered here before a job of it can start; a job of a
# kind not here (an old row) is the owners' alone and never retried.
KINDS = {
    # Documents arriving in bulk: importing is the owners'. All or nothing in
    # one transaction (finish_within), so a lost attempt stored nothing.
    "import": JobKind(sees=Role.OWNER, starts=Role.OWNER, retryable=True, reads_file=True),
    # Prediction sets over the project: POST …/preannotate/ is the owners'.
    # Its writes are one transaction that replaces the suggester's sets, so a
    # second run stores what the first would have.
    "preannotate": JobKind(sees=Role.OWNER, starts=Role.OWNER, retryable=True),
    # A release: whoever may list releases (GET …/releases/) sees it; owners
    # create it. Not retried: the build marks its release running outside its
    # transaction and writes files to storage a killed build cannot remove,
    # and a release is built once; create another release instead.
    "release": JobKind(sees=Role.REVIEWER, starts=Role.OWNER, retryable=False),
    # An archive restored as a new project, by any signed-in user, who owns
    # it: until done the job has no project and is its starter's alone
    # (jobs_seen_by), then its project's owners'. Not retried: the restore
    # writes release files to storage that a killed worker cannot remove.
    "restore": JobKind(sees=Role.OWNER, starts=Role.OWNER, retryable=False, reads_file=True),
    # The project's recommender learning from its gold (apps/recommender):
    # reviewers read its scores, so they see it; owners start it. Its model
    # row, its suggestions and its outcome commit together (finish_within),
    # so a lost attempt stored nothing and the previous model stays in use.
    "train": JobKind(sees=Role.REVIEWER, starts=Role.OWNER, retryable=True),
}
UNKNOWN_KIND = JobKind(sees=Role.OWNER, starts=Role.OWNER, retryable=False)


def kind_of(job_or_kind) -> JobKind:
    kind = getattr(job_or_kind, "kind", job_or_kind)
    return KINDS.get(kind, UNKNOWN_KIND)


def role_to_see(kind) -> Role:
    """The least role that sees a job of this kind."""
    return kind_of(kind).sees


def least_role_to_see() -> Role:
    """The least role that sees any kind of job (the jobs page's role)."""
    return min((kind.sees for kind in KINDS.values()), key=ROLE_RANK.__getitem__)


def kinds_seen_by(role) -> list:
    """The registered kinds a member with this role sees, in KINDS order."""
    return [name for name, kind in KINDS.items() if ROLE_RANK[role] >= ROLE_RANK[kind.sees]]


def jobs_seen_by(user):
    """The jobs the user may see: those of the projects they are a member of
    whose kind their role there sees, and the project-less jobs they started
    (a restore making its project). A queryset: one filter, no query of its own."""
    seen = Q(project__memberships__role=Role.OWNER)
    for role in (Role.REVIEWER, Role.ANNOTATOR):
        seen |= Q(project__memberships__role=role, kind__in=kinds_seen_by(role))
    # One filter() call: the user and the role conditions meet on the same membership.
    mine = Q(project__isnull=True, created_by=user)
    return Job.objects.filter((Q(project__memberships__user=user) & seen) | mine)


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
            keep_file(job, *file)
    # Enqueued once both are committed: the worker must find the file, and the
    # immediate backend runs the job here, outside any transaction.
    run_job.enqueue(job.pk)
    return job


# Bytes of each JobFileChunk: what a worker reading a job's file holds of it at a time.
FILE_CHUNK = 1 << 20


def keep_file(job, name, data):
    """Keep `data` (bytes) as the file of `job`, in FILE_CHUNK pieces."""
    job_file = JobFile.objects.create(job=job, name=name[:255], size=len(data))
    view = memoryview(data)
    for start in range(0, len(data), FILE_CHUNK * 16):
        JobFileChunk.objects.bulk_create(
            JobFileChunk(file=job_file, number=at // FILE_CHUNK, data=view[at : at + FILE_CHUNK])
            for at in range(start, min(start + FILE_CHUNK * 16, len(data)), FILE_CHUNK)
        )


def job_file(job):
    """The name of the file kept for `job` and its bytes as a binary file
    (FileReader) that reads them a chunk at a time; JobError when it is gone."""
    row = JobFile.objects.filter(job_id=job.pk).values_list("name", "size").first()
    if row is None:
        raise JobError("The uploaded file of this job is gone; upload it again.")
    name, size = row
    # A worker's job reads its file on the side connection that writes its
    # progress: the file was committed before the job began, and the job's
    # own connection may be busy storing (an import writes one batch while
    # it reads the next, imports.overlap), which a read there would wait for.
    side = job.progress_writer.connection() if job.progress_writer is not None else None
    reader = FileReader(job.pk, size, side)
    return name, io.BufferedReader(reader, buffer_size=FILE_CHUNK)


class FileReader(io.RawIOBase):
    """A job's file read from its JobFileChunks, one query per chunk and only
    one chunk held, so a worker's memory does not grow with the file.
    Seekable (a ZIP is read from its end); ``size`` is the file's length.
    ``side``: a connection of its own to read on (OutsideWriter's), else the
    job's."""

    def __init__(self, job_id, size, side=None):
        self.job_id = job_id
        self.size = size
        self.side = side
        self.position = 0
        self.number, self.chunk = None, b""

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(base + offset, 0)
        return self.position

    def readinto(self, buffer):
        if self.position >= self.size:
            return 0
        number, offset = divmod(self.position, FILE_CHUNK)
        if number != self.number:
            data = self._chunk(number)
            if data is None:
                raise JobError("The uploaded file of this job is gone; upload it again.")
            self.number, self.chunk = number, data
        piece = self.chunk[offset : offset + len(buffer)]
        buffer[: len(piece)] = piece
        self.position += len(piece)
        return len(piece)

    def _chunk(self, number):
        """The bytes of chunk `number`, or None when it is gone."""
        if self.side is None:
            rows = JobFileChunk.objects.filter(file_id=self.job_id, number=number)
            return rows.values_list("data", flat=True).first()
        quote = self.side.ops.quote_name
        table = quote(JobFileChunk._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('data')} FROM {table} WHERE {quote('file_id')} = %s "
                f"AND {quote('number')} = %s",
                [self.job_id, number],
            )
            row = cursor.fetchone()
        return None if row is None else bytes(row[0])


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

    def connection(self):
        """The side connection (opened on first use), in autocommit."""
        if self.side is None:
            self.side = transaction.get_connection().copy()
        return self.side

    def __call__(self, job):
        """Write job.progress and job.heartbeat_at; False when the caller
        should write them itself (it is not inside a transaction)."""
        main = transaction.get_connection()
        if not main.in_atomic_block:
            return False
        self.connection()
        table = self.side.ops.quote_name(Job._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress = %s, heartbeat_at = %s "
                "WHERE id = %s AND status = %s AND attempts = %s",
                [job.progress, job.heartbeat_at, job.pk, Job.Status.RUNNING, job.attempts],
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
    # Claimed for the attempt read: a second enqueue of it finds the job running.
    claimed = Job.objects.filter(
        pk=job.pk, status=Job.Status.PENDING, attempts=job.attempts
    ).update(status=Job.Status.RUNNING, started_at=now, heartbeat_at=now)
    if not claimed:
        return
    job.status = Job.Status.RUNNING
    writer = job.progress_writer = OutsideWriter.for_this_run()
    try:
        outcome = _run(job)
    finally:
        if writer is not None:
            writer.close()
    # A job declared lost meanwhile (its worker seemed dead) keeps what
    # expire_stale made of it: failed, or queued again for the next attempt,
    # which reads the file. Otherwise its outcome and the removal of its file
    # commit together, so no file outlives its job.
    with transaction.atomic():
        if job.current_attempt().update(**outcome, finished_at=timezone.now()):
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
    (then queued again or failed, by expire_stale), never documents stored
    under a failed job, nor twice by two attempts.

    The job row stays locked until the commit, so expire_stale cannot declare
    the job lost in between. JobError (the transaction rolls back) when this
    attempt was declared lost already, whether the job then failed or another
    attempt took it over. Write no progress after this.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("finish_within needs the transaction that holds the job's work.")
    now = timezone.now()
    finished = job.current_attempt().update(
        status=Job.Status.DONE, progress=1.0, result=result, heartbeat_at=now, finished_at=now
    )
    if not finished:
        raise JobError(LOST_MEANWHILE)
    JobFile.objects.filter(job_id=job.pk).delete()
    # The row is this transaction's now: a second connection writing it would wait.
    job.progress_writer = None


def expire_stale(jobs):
    """Deal with the running jobs among `jobs` whose worker has been silent
    for longer than ACCORD_JOB_LEASE_SECONDS, so that no job reads as running
    forever: a retryable one whose input is still there and that has had
    fewer than ACCORD_JOB_MAX_ATTEMPTS attempts is queued again (same row,
    the next attempt, the lost one's error as `last_error`); the others are
    marked failed, in one UPDATE, and their files deleted.

    Silent: no heartbeat since the cutoff (a job started before heartbeats
    existed counts from its start). Each change is conditional on the job
    still being silent in the same attempt, so two sweeps at once (a worker's
    and a page's) queue a job once. Returns the number of jobs dealt with.
    """
    seconds = settings.ACCORD_JOB_LEASE_SECONDS
    now = timezone.now()
    cutoff = now - timedelta(seconds=seconds)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    lost = jobs.filter(silent, status=Job.Status.RUNNING).order_by()
    error = WORKER_LOST.format(seconds=seconds)
    limit = settings.ACCORD_JOB_MAX_ATTEMPTS
    queued = 0
    for pk, attempts in _retryable(lost, limit):
        again = Job.objects.filter(silent, pk=pk, status=Job.Status.RUNNING, attempts=attempts)
        if _queue_again(pk, again, last_error=error):
            queued += 1
    retryable = [name for name, kind in KINDS.items() if kind.retryable]
    before, after = GAVE_UP
    gave_up = Concat(
        Value(before.format(seconds=seconds)), Cast("attempts", CharField()), Value(after)
    )
    failed = lost.update(
        status=Job.Status.FAILED,
        error=Case(
            When(kind__in=retryable, attempts__gte=limit, then=gave_up), default=Value(error)
        ),
        finished_at=now,
    )
    if failed:
        # A job that will not run again: no one reads its file any more.
        JobFile.objects.filter(job__status__in=[Job.Status.DONE, Job.Status.FAILED]).delete()
    return queued + failed


def _retryable(lost, limit):
    """(pk, attempts) of the jobs among `lost` that may be queued again by
    themselves: of a retryable kind, under the limit, with their file if they
    read one. The files are looked up only when such a job was lost, so an
    ordinary read of the jobs never touches the JobFile table (on SQLite a
    worker's open transaction may hold it)."""
    kinds = [name for name, kind in KINDS.items() if kind.retryable]
    found = list(
        lost.filter(kind__in=kinds, attempts__lt=limit).values_list("pk", "attempts", "kind")
    )
    reading = [pk for pk, _, kind in found if kind_of(kind).reads_file]
    with_file = set()
    if reading:
        with_file = set(JobFile.objects.filter(job_id__in=reading).values_list("job_id", flat=True))
    return [
        (pk, attempts)
        for pk, attempts, kind in found
        if not kind_of(kind).reads_file or pk in with_file
    ]


def _queue_again(pk, job_rows, last_error):
    """Put job `pk` back in the queue for its next attempt, if it is still in
    `job_rows` (the state it was found in); whether it was. Enqueued once
    committed, when the worker can read it."""
    queued = job_rows.update(
        status=Job.Status.PENDING,
        attempts=F("attempts") + 1,
        last_error=last_error,
        error="",
        result=None,
        progress=0.0,
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
    )
    if queued:
        transaction.on_commit(lambda: run_job.enqueue(pk))
    return queued


class RetryRefused(Conflict):
    """Why a job cannot be retried now (409)."""


def why_not_retried(job, has_file=False):
    """Why `job` cannot be retried by hand now, or None when it can:
    it must be failed, of a retryable kind, and have its input still.
    A failed job's file is deleted as it fails (run_job, expire_stale), so
    `has_file` is False unless the caller looked."""
    kind = kind_of(job)
    if not kind.retryable:
        return f"A {job.kind} job is not run again; start a new one."
    if job.status != Job.Status.FAILED:
        return f"Only a failed job is retried; this one is {job.status}."
    if kind.reads_file and not has_file:
        return "The uploaded file of this job is gone; upload it again."
    return None


def retry_job(job):
    """Queue the failed `job` again, for its next attempt: its error becomes
    `last_error`. RetryRefused when it may not be (see why_not_retried), or
    when it changed meanwhile. A retry by hand is not bound by
    ACCORD_JOB_MAX_ATTEMPTS: someone decided to try again."""
    has_file = JobFile.objects.filter(job_id=job.pk).exists()
    reason = why_not_retried(job, has_file)
    if reason:
        raise RetryRefused(reason)
    rows = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED, attempts=job.attempts)
    if not _queue_again(job.pk, rows, last_error=job.error):
        raise RetryRefused("The job changed meanwhile; read it again.")
