"""Running work in the background through Django's tasks API (django-tasks).

`start_job` records a Job and enqueues `run_job`. With the default
ImmediateBackend the work runs inside the request before it answers; with
the database backend (`TASK_BACKEND=django_tasks_db.DatabaseBackend`) a
`manage.py db_worker` process runs it, and the client polls the job.

Every kind of job is registered in KINDS with the least role that may see
it (in the list, its detail and its result): whoever may see what it makes.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import ROLE_RANK, Job, Role

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
    """A failure whose message is meant for the user (shown as the job's error)."""


def start_job(project, kind, handler, params, user=None):
    """Record a job and enqueue it; returns the job (re-read it for its outcome).
    `kind` must be registered in KINDS: who may see it is decided there."""
    if kind not in KINDS:
        raise ValueError(f"Register the job kind {kind!r} in KINDS, with the role that sees it.")
    job = Job.objects.create(
        project=project, kind=kind, handler=handler, params=params, created_by=user
    )
    run_job.enqueue(job.pk)
    return job


@task()
def run_job(job_id):
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.PENDING:
        return
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    # A job marked failed meanwhile (its worker seemed dead) stays failed: the
    # owner was told so, and may have started it again.
    still_running = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING)
    try:
        result = import_string(job.handler)(job, **job.params)
    except JobError as exc:
        still_running.update(status=Job.Status.FAILED, error=str(exc), finished_at=timezone.now())
    except Exception as exc:
        logger.exception("Job %s failed", job.pk)
        still_running.update(
            status=Job.Status.FAILED,
            error=f"The job failed unexpectedly ({type(exc).__name__}); "
            "the server log has the details.",
            finished_at=timezone.now(),
        )
    else:
        still_running.update(
            status=Job.Status.DONE, progress=1.0, result=result, finished_at=timezone.now()
        )


def expire_stale(jobs):
    """Mark failed, in one UPDATE, the running jobs among `jobs` whose worker
    has been silent for longer than ACCORD_JOB_LEASE_SECONDS, so that a job
    whose worker died reads as failed and never as running forever.

    Silent: no heartbeat since the cutoff (a job started before heartbeats
    existed counts from its start). Returns the number of jobs marked.
    """
    seconds = settings.ACCORD_JOB_LEASE_SECONDS
    now = timezone.now()
    cutoff = now - timedelta(seconds=seconds)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    return (
        jobs.filter(silent, status=Job.Status.RUNNING)
        .order_by()
        .update(
            status=Job.Status.FAILED,
            error=WORKER_LOST.format(seconds=seconds),
            finished_at=now,
        )
    )
