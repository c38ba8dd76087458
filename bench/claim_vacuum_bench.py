"""What a claim's pick costs as a project fills up gradually, with and without vacuum.

scale_bench.py takes 90% of its documents with one bulk UPDATE, then VACUUM
ANALYZE. A project gets there by many small writes instead: each claim
raises a document's annotator_count by one (an UPDATE that leaves the old
row version dead, and its entry in the partial index document_claimable
with it), and the last of k claims takes the document out of that index.
next's pick walks document_claimable in id order from its first entry, so
until a vacuum removes them it steps over the dead entries of every
document filled since the last one.

This bench makes one project of N documents (bulk_create, k = 3) and fills
90% of them in id order, CHUNK documents at a time, one claim per document
per statement (0 -> 1, 1 -> 2, 2 -> 3), next's pick in between as
annotators would ask; it prints the median of next's pick (the query with
its row lock, rolled back: no commit, so no disk in the figure) as it
goes, in two runs on the same documents:

- "never vacuumed": nothing cleans up (this machine's PostgreSQL runs with
  autovacuum off), then one VACUUM at the end and the pick again;
- "autovacuum's default": a VACUUM whenever the dead row versions pass
  autovacuum's default trigger (50 + 20% of the table), what a server with
  autovacuum on does; the pick is measured just before each vacuum, its
  worst moment.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=bench_vacuum \\
        nice .venv/bin/python bench/claim_vacuum_bench.py --documents 200000

PostgreSQL only (SQLite has no such index visibility).
"""

import argparse
import time

import common  # sets Django up: keep it before Django and apps imports
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from scale_bench import K, Rollback, next_rows, timed

from apps.documents.models import CLAIMABLE, Document
from apps.projects.models import Membership, Project, Role

SHARE = 0.9


def vacuum():
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Document._meta.db_table}")


def dead_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = %s",
            [Document._meta.db_table],
        )
        return cursor.fetchone()[0]


def rolled_back(pick):
    def run():
        try:
            with transaction.atomic():
                pick()
                raise Rollback
        except Rollback:
            pass

    return run


def fill(project, ids, chunk, repeat, autovacuum):
    """Fill SHARE of `ids` in id order; returns [(taken, pick ms, vacuums)]."""
    user = get_user_model().objects.get(username="solo")
    pick = rolled_back(next_rows(project, user, CLAIMABLE))
    table = Document._meta.db_table
    trigger = 50 + 0.2 * len(ids)
    stop = int(SHARE * len(ids))
    marks = {int(stop * m / 10) // chunk for m in range(1, 11)}
    figures, vacuums = [], 0
    for n, first in enumerate(range(0, stop, chunk)):
        lo, hi = ids[first], ids[min(first + chunk, stop) - 1]
        for count in range(1, K + 1):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET annotator_count = %s"
                    " WHERE project_id = %s AND id BETWEEN %s AND %s",
                    [count, project.pk, lo, hi],
                )
            pick()  # an annotator asking in between
        if autovacuum and dead_rows() > trigger:
            figures.append((first + chunk, timed(pick, repeat)[0], vacuums, "before a vacuum"))
            vacuum()
            vacuums += 1
        elif n in marks:
            figures.append((first + chunk, timed(pick, repeat)[0], vacuums, ""))
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "PostgreSQL only"
    with common.throwaway_database():
        project = Project.objects.create(name="vacuum", annotators_per_document=K)
        solo = get_user_model().objects.create_user("solo")
        Membership.objects.create(project=project, user=solo, role=Role.ANNOTATOR)
        for first in range(0, args.documents, 10_000):
            Document.objects.bulk_create(
                Document(project=project, external_id=f"d{i}", text=f"Document {i}.")
                for i in range(first, min(first + 10_000, args.documents))
            )
        ids = list(
            Document.objects.filter(project=project).order_by("id").values_list("id", flat=True)
        )
        table = Document._meta.db_table
        for name, autovacuum in (("never vacuumed", False), ("autovacuum's default", True)):
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET annotator_count = 0")
            vacuum()
            began = time.perf_counter()
            figures = fill(project, ids, args.chunk, args.repeat, autovacuum)
            print(f"\n{args.documents:,} documents, {name} ({time.perf_counter() - began:.0f} s)")
            print(f"{'taken':>10}{'pick ms':>10}{'vacuums':>9}")
            for taken, ms, vacuums, note in figures:
                print(f"{taken:>10,}{ms:>10.2f}{vacuums:>9}  {note}")
            vacuum()
            after = timed(rolled_back(next_rows(project, solo, CLAIMABLE)), args.repeat)[0]
            print(f"after a VACUUM: pick {after:.2f} ms")


if __name__ == "__main__":
    main()
