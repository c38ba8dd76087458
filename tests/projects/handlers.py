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


def refuse_with_details(job):
    raise JobError("Nothing was imported.", result={"errors": [{"where": "line 2"}]})


def reads_its_file(job):
    from apps.projects.jobs import job_file

    name, data = job_file(job)
    return {"name": name, "size": len(data.read())}


def beats_inside_a_transaction(job):
    """Reports progress while holding a transaction open and returns what a
    second connection (another process: the page, expire_stale) saw meanwhile."""
    from django.db import connection, transaction

    from apps.projects.models import Job

    with transaction.atomic():
        job.set_progress(1, 4)
        other = connection.copy()
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    f"SELECT progress, heartbeat_at FROM {Job._meta.db_table} WHERE id = %s",
                    [job.pk],
                )
                progress, heartbeat = cursor.fetchone()
        finally:
            other.close()
    return {"seen": progress, "beat": heartbeat == job.heartbeat_at}


def superseded(job):
    """Finishes its work after it was declared lost and another worker took the
    job over for its next attempt: it must store nothing."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from apps.projects.jobs import expire_stale, finish_within
    from apps.projects.models import Job, Label

    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(days=1))
    expire_stale(Job.objects.filter(pk=job.pk))
    # The next attempt's worker has started it.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    job.set_progress(1, 2)  # the old attempt's heartbeat is not the new one's
    with transaction.atomic():
        Label.objects.create(project=job.project, kind="entity", name="FROM-OLD-ATTEMPT")
        finish_within(job, {"attempt": job.attempts})
    return {"attempt": job.attempts}
