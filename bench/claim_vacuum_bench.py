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
its row lock, rolled back: no commit, so no disk in the figure), the index
its plan reads and the buffers it reads, as it goes, for today's pick
(CLAIM_ORDER) and beside it the baseline, the same pick on a plain ORDER
BY id as claims ran before documents/0013, in two runs on the same
documents:

- "never vacuumed": nothing cleans up (this machine's PostgreSQL runs with
  autovacuum off), then one VACUUM at the end and the pick again;
- "autovacuum's default": a VACUUM whenever the dead row versions pass
  autovacuum's default trigger (50 + 20% of the table) and an ANALYZE
  whenever the rows changed pass its other (50 + 10%), what a server with
  autovacuum on does; the pick is measured just before each vacuum, its
  worst moment.

The baseline's plan reads the primary key or (project, id) in id order
with `claimable` as a filter, walking every document taken ahead of the
first open one: the planner takes it while its statistics say many
documents are claimable, and it assumes those are spread evenly when they
are the last ones by id.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=bench_vacuum \\
        nice .venv/bin/python bench/claim_vacuum_bench.py --documents 200000

PostgreSQL only (SQLite has no such index visibility).
"""

import argparse
import json
import time

import common  # sets Django up: keep it before Django and apps imports
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from scale_bench import K, Rollback, next_rows, rolled_back, timed

from apps.documents.models import CLAIM_ORDER, CLAIMABLE, Document
from apps.projects.models import Membership, Project, Role

SHARE = 0.9
ORDERS = (CLAIM_ORDER, "id")


def vacuum():
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Document._meta.db_table}")


def dead_and_changed():
    """(dead row versions, rows changed since the last ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_dead_tup, n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = %s",
            [Document._meta.db_table],
        )
        return cursor.fetchone()


def plan_of(pick):
    """(the index the pick's plan reads documents by, the buffers it reads):
    EXPLAIN (ANALYZE, BUFFERS) of its query, rolled back. The buffers count
    the walk, whatever the machine's load does to the milliseconds."""
    with CaptureQueriesContext(connection) as queries:
        pick()
    sql = next(q["sql"] for q in queries.captured_queries if "SKIP LOCKED" in q["sql"])
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            (plan,) = cursor.fetchone()
            raise Rollback
    except Rollback:
        pass
    top = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    nodes, index = [top], None
    while nodes:
        node = nodes.pop()
        if node.get("Relation Name") == Document._meta.db_table and "Index Name" in node:
            index = node["Index Name"]
        nodes.extend(node.get("Plans", []))
    return index, top["Shared Hit Blocks"] + top["Shared Read Blocks"]


def fill(project, ids, chunk, repeat, autovacuum):
    """Fill SHARE of `ids` in id order; returns [(taken, pick ms, vacuums)]."""
    user = get_user_model().objects.get(username="solo")
    # Today's pick, and the baseline: the same on plain ORDER BY id, as
    # claims ran before CLAIM_ORDER.
    picks = [rolled_back(next_rows(project, user, CLAIMABLE, order)) for order in ORDERS]
    table = Document._meta.db_table
    # autovacuum's default triggers: vacuum past 50 + 20% of the rows dead,
    # analyze past 50 + 10% changed.
    vacuum_at, analyze_at = 50 + 0.2 * len(ids), 50 + 0.1 * len(ids)
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
            picks[0]()  # an annotator asking in between
        dead, changed = dead_and_changed() if autovacuum else (0, 0)
        if dead > vacuum_at or n in marks:
            shown = [(timed(pick, repeat)[0], *plan_of(pick)) for pick in picks]
            note = "before a vacuum" if dead > vacuum_at else ""
            figures.append((first + chunk, shown, vacuums, note))
        if dead > vacuum_at:
            vacuum()
            vacuums += 1
        if changed > analyze_at:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {table}")
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
            print(f"{'taken':>10}{'vacuums':>9}  pick: ms, buffers, index; today | ORDER BY id")
            for taken, shown, vacuums, note in figures:
                picks = " | ".join(f"{ms:.2f} ms, {b:,}, {index}" for ms, index, b in shown)
                print(f"{taken:>10,}{vacuums:>9}  {picks}  {note}")
            vacuum()
            after = []
            for order in ORDERS:
                pick = rolled_back(next_rows(project, solo, CLAIMABLE, order))
                after.append((timed(pick, args.repeat)[0], *plan_of(pick)))
            shown = " | ".join(f"{ms:.2f} ms, {b:,}, {index}" for ms, index, b in after)
            print(f"after a VACUUM ANALYZE: {shown}")


if __name__ == "__main__":
    main()
