"""Archive benchmark: writing a project's archive and restoring it, time and peak memory.

Builds N documents as export_bench does (about 1,560 characters, 20 gold
entity spans and 2 stances each), writes the archive to a temporary file
(apps/datasets/archive: keyset chunks of 500 documents, six queries a chunk)
and restores it as a new project (one transaction, the same queries for
every chunk). Time is measured without tracing; peak memory in a second run
under tracemalloc (Python allocations, the database driver's rows
included). Memory is flat when the peak at 10,000 documents is about the
peak at 2,000.

    .venv/bin/python bench/archive_bench.py                      # 2,000 and 10,000 on SQLite
    .venv/bin/python bench/archive_bench.py --sizes 2000 10000 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=bench_archive \\
        .venv/bin/python bench/archive_bench.py
"""

import argparse
import gc
import os
import random
import tempfile
import time

import common  # sets Django up: keep it before Django and apps imports
from django.contrib.auth import get_user_model
from django.db import connection
from export_bench import SPANS_PER_DOC, populate

from apps.datasets.archive import restore_archive, write_archive
from apps.projects.models import Label, Membership, Project, Role


def archive(project, path):
    with open(path, "wb") as out:
        return write_archive(project, out)


def restore(project, path):
    _, counts = restore_archive(path, name=f"{project.name} (restored)")
    return counts


def measure(fn, project, path):
    gc.collect()
    started = time.perf_counter()
    result = fn(project, path)
    seconds = time.perf_counter() - started
    return seconds, common.peak_mib(fn, project, path), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    args = parser.parse_args()
    with common.throwaway_database(), tempfile.TemporaryDirectory() as folder:
        project = Project.objects.create(name="bench")
        owner = get_user_model().objects.create_user("olga")
        Membership.objects.create(project=project, user=owner, role=Role.OWNER)
        labels = {}
        for kind, name in (("entity", "GPE"), ("stance", "OPPOSE"), ("stance", "SUPPORT")):
            labels[name] = Label.objects.create(project=project, kind=kind, name=name)
        rng = random.Random(1)
        have, spans = 0, 0
        path = os.path.join(folder, "bench.accord.jsonl.gz")
        print(f"database: {connection.vendor}")
        print(
            f"{'docs':>7} {'spans':>8} {'step':>8} {'seconds':>8} {'peak MiB':>9} "
            f"{'MB file':>8} {'docs/s':>8}"
        )
        for n in sorted(args.sizes):
            spans += populate(project, n - have, have, labels, rng)
            have = n
            for name, fn in (("archive", archive), ("restore", restore)):
                seconds, peak, counts = measure(fn, project, path)
                # A figure for an archive that missed documents would mislead.
                assert counts["documents"] == n and counts["spans"] == spans, counts
                size = os.path.getsize(path)
                print(
                    f"{n:>7} {spans:>8} {name:>8} {seconds:>8.3f} {peak:>9.1f} "
                    f"{size / 1e6:>8.1f} {n / seconds:>8,.0f}"
                )
            if spans != n * SPANS_PER_DOC:
                print(f"note: {spans / n:.2f} spans per document")


if __name__ == "__main__":
    main()
