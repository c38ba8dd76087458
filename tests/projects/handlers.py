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
