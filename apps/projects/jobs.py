"""Running work in the background through Django's tasks API (django-tasks).

`start_job` records a Job and enqueues `run_job`. With the database backend
(the default unless DEBUG) a `manage.py db_worker` process runs it, and the
client polls the job; with the ImmediateBackend (DEBUG, and the test suite)
the work runs inside the request before it answers.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import Job

logger = logging.getLogger(__name__)

# The error a job gets when its worker stopped sending heartbeats.
WORKER_LOST = (
    "The worker stopped answering (no sign of life for {seconds} seconds); "
    "the job did not finish. Start it again."
)


class JobError(Exception):
    """A failure whose message is meant for the user (shown as the job's error)."""


def start_job(project, kind, handler, params, user=None):
    """Record a job and enqueue it; returns the job (re-read it for its outcome)."""
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
