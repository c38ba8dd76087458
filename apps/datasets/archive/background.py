"""Restoring an archive through the API, as a background job.

`start_restore` checks in the request what can be checked cheaply (the size,
that it is gzip, that every user of the archive is a user here, by the same
username or `user_map`: 400 listing them all) and keeps the upload as the
job's JobFile; the job has no project until it made one. `run`, the handler,
restores it in one transaction with the caller as an owner of the new
project, and the job joins that project as it is marked done, in the same
transaction (finish_within): a killed worker leaves no project behind.
"""

import io

from django.db import transaction

from apps.projects.jobs import JobError, finish_within, job_file, start_job
from apps.projects.models import Job, Membership, Role

from .restore import MAP_BY_API, ArchiveError, check_users, restore_archive

KIND = "restore"
HANDLER = "apps.datasets.archive.background.run"


def start_restore(user, filename, data, name=None, user_map=None):
    """Check the archive's users and start its restore job; returns the job.
    ArchiveError (400) naming every user of the archive that has no user here."""
    check_users(io.BytesIO(data), user_map)
    params = {"name": name, "user_map": user_map or {}}
    return start_job(None, KIND, HANDLER, params, user, file=(filename, data))


def run(job, name=None, user_map=None):
    """The job handler: the restore, the caller made owner, the job moved to
    the new project, all in one transaction."""
    with transaction.atomic():
        _, archive = job_file(job)  # read a chunk at a time
        try:
            project, counts = restore_archive(archive, name=name, user_map=user_map, how=MAP_BY_API)
        except ArchiveError as exc:
            raise JobError(exc.message, result={"errors": exc.errors}) from exc
        if job.created_by is not None:
            # Whoever restores owns the copy, whatever role the archive gave them.
            Membership.objects.update_or_create(
                project=project, user=job.created_by, defaults={"role": Role.OWNER}
            )
        Job.objects.filter(pk=job.pk).update(project=project)
        result = {"project": project.pk, "name": project.name, "counts": counts}
        finish_within(job, result)
    return result
