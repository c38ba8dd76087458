"""Job handlers used by the job tests (a job names its handler by dotted path)."""

from apps.projects.jobs import JobError


def count_to(job, n):
    for i in range(n):
        job.set_progress(i + 1, n)
    return {"counted": n}


def refuse(job):
    raise JobError("The registry file has no name column.")


def crash(job):
    raise RuntimeError("internal detail that must not leak")


def outlived(job):
    """Works on after its lease ran out and the job was declared lost."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.projects.jobs import expire_stale
    from apps.projects.models import Job

    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(days=1))
    expire_stale(Job.objects.filter(pk=job.pk))
    job.set_progress(1, 2)  # no longer revives it
    return {"counted": 2}
