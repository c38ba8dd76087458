"""Running work in the background through Django's tasks API (django-tasks).

`start_job` records a Job and enqueues `run_job`. With the default
ImmediateBackend the work runs inside the request before it answers; with
the database backend (`TASK_BACKEND=django_tasks_db.DatabaseBackend`) a
`manage.py db_worker` process runs it, and the client polls the job.
"""

import logging

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import Job

logger = logging.getLogger(__name__)


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
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    try:
        result = import_string(job.handler)(job, **job.params)
    except JobError as exc:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
    except Exception as exc:
        logger.exception("Job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            error=f"The job failed unexpectedly ({type(exc).__name__}); "
            "the server log has the details.",
            finished_at=timezone.now(),
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE, progress=1.0, result=result, finished_at=timezone.now()
        )
