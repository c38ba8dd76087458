"""Sweep the jobs whose worker was lost: queue them again or mark them failed.

Run beside the `db_worker` processes, e.g. ``manage.py expire_jobs --every 60``
(or once a minute from cron without --every). A separate process, not the
worker, because the job it rescues is one whose worker died: nothing in that
worker runs any more, and db_worker (django-tasks') has no hook for periodic
work. Reading a job through the API sweeps it too, but nothing may read it.
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from apps.projects.jobs import expire_stale
from apps.projects.models import Job


class Command(BaseCommand):
    help = (
        "Queue again (or mark failed) every running job whose worker sent no heartbeat "
        "for ACCORD_JOB_LEASE_SECONDS; with --every, keep doing so."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="Sweep again after this many seconds, until stopped (default: sweep once).",
        )

    def handle(self, every=None, **options):
        if every is not None and every <= 0:
            self.stderr.write("--every must be a number of seconds above 0.")
            raise SystemExit(2)
        while True:
            swept = expire_stale(Job.objects.all())
            if swept or every is None:
                self.stdout.write(f"{swept} lost job{'' if swept == 1 else 's'} dealt with.")
            if every is None:
                return
            close_old_connections()
            time.sleep(every)
