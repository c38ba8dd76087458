"""Active-learning benchmark: what a claim costs in "least certain first" order.

One project of N news-like documents (default 20,000) made with
bulk_create, 70 % of them with an uncertainty (the rest none), k = 1. For
each assignment order (import, random, uncertain) it prints the median time
of `next_document` (the claim `POST documents/next/` makes: the membership
lock, the candidate query, the set) over `--repeat` claims, each rolled back
so every claim sees the same project, and of the candidate query alone (the
part the order changes); and, as the baseline in the same run, random and
"uncertain" each with its partial index (document_claimable_shuffle,
document_claimable_uncertain) dropped inside a transaction rolled back
afterwards, so the figure shows what the index buys: without it a claim
sorts every claimable document, as it did before documents stored their
random-order key (documents/0012). On PostgreSQL it also prints the plan
of the candidate query (`--explain`).
It also times the view (`POST documents/next/` through the test client, each
rolled back), and all of it again once `--taken` of the documents (default
90 %) have their k annotators, spread over the whole project: what a claim
costs late in a project.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=bench_active \\
        nice .venv/bin/python bench/active_learning_bench.py --documents 20000 --repeat 15

On SQLite the same runs against a throwaway file database. Timings on a
shared two-core machine are inflated; compare the rows of one run.
"""

import argparse
import random
import statistics
import time

import common  # sets Django up: keep it before Django and apps imports
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.annotations.assignment import _order, next_document
from apps.documents.models import CLAIMABLE, Document
from apps.projects.models import Membership, Project, Role


class Rollback(Exception):
    pass


def build(n, seed=1):
    rng = random.Random(seed)
    user = get_user_model().objects.create_user("ana")
    project = Project.objects.create(name="bench", annotators_per_document=1, assignment_seed=7)
    Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
    words = common.WORDS
    Document.objects.bulk_create(
        (
            Document(
                project=project,
                external_id=f"d{i:07d}",
                text=" ".join(rng.choice(words) for _ in range(60)),
                # A model's uncertainty, rounded as a model's would tie.
                uncertainty=round(rng.random(), 2) if rng.random() < 0.7 else None,
            )
            for i in range(n)
        ),
        batch_size=2000,
    )
    return project, user


def claim_times(project, user, repeat):
    times = []
    for _ in range(repeat):
        try:
            with transaction.atomic():
                start = time.perf_counter()
                found = next_document(project, user)
                times.append(time.perf_counter() - start)
                assert found is not None
                raise Rollback
        except Rollback:
            pass
    return statistics.median(times) * 1000


def view_times(project, user, repeat):
    """The whole request, `POST documents/next/`, each rolled back."""
    client = Client()
    client.force_login(user)
    url = f"/api/v1/projects/{project.pk}/documents/next/"
    times = []
    for _ in range(repeat):
        try:
            with transaction.atomic():
                start = time.perf_counter()
                response = client.post(url)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, response.status_code
                raise Rollback
        except Rollback:
            pass
    return statistics.median(times) * 1000


def take(project, share):
    """Give `share` of the documents their k annotators (the counts a claim
    raises; the pick reads only those), spread over the whole project."""
    step = round(1 / (1 - share))
    taken = Document.objects.filter(project=project).annotate(r=F("id") % step).exclude(r=0)
    taken.update(annotator_count=project.annotators_per_document)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE documents_document")


def query_times(project, repeat):
    """The candidate query alone (what the order changes), without the lock and the write."""
    candidates = _order(Document.objects.filter(CLAIMABLE, project=project), project)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        assert candidates.values_list("id", flat=True).first() is not None
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def plan(project, user):
    with CaptureQueriesContext(connection) as queries:
        try:
            with transaction.atomic():
                next_document(project, user)
                raise Rollback
        except Rollback:
            pass
    sql = next(
        q["sql"]
        for q in queries.captured_queries
        if "documents_document" in q["sql"] and "FOR UPDATE" in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--taken", type=float, default=0.9, help="share taken in the second round")
    parser.add_argument("--explain", action="store_true", help="print the candidate query's plan")
    args = parser.parse_args()
    with common.throwaway_database():
        start = time.perf_counter()
        project, user = build(args.documents)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE documents_document")
        print(
            f"{args.documents} documents ({connection.vendor}) built in "
            f"{time.perf_counter() - start:.1f} s; median of {args.repeat} claims:"
        )
        for label in ("fresh", f"{args.taken:.0%} taken"):
            if label != "fresh":
                take(project, args.taken)
            print(label)
            measure(project, user, args)


def measure(project, user, args):
    rows = []
    for order in (Project.Order.IMPORT, Project.Order.RANDOM, Project.Order.UNCERTAIN):
        Project.objects.filter(pk=project.pk).update(assignment_order=order)
        project.refresh_from_db()
        rows.append(
            (
                order.value,
                claim_times(project, user, args.repeat),
                query_times(project, args.repeat),
                view_times(project, user, args.repeat),
            )
        )
        uncertain = order != Project.Order.IMPORT
        if args.explain and uncertain and connection.vendor == "postgresql":
            print(plan(project, user))
    for order, index in (
        (Project.Order.RANDOM, "document_claimable_shuffle"),
        (Project.Order.UNCERTAIN, "document_claimable_uncertain"),
    ):
        Project.objects.filter(pk=project.pk).update(assignment_order=order)
        project.refresh_from_db()
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP INDEX {index}")
                    if connection.vendor == "postgresql":
                        cursor.execute("ANALYZE documents_document")
                rows.append(
                    (
                        f"{order.value}, no index (baseline)",
                        claim_times(project, user, args.repeat),
                        query_times(project, args.repeat),
                        view_times(project, user, args.repeat),
                    )
                )
                raise Rollback
        except Rollback:
            pass
    print(f"  {'order':32} {'claim':>10} {'candidate query':>16} {'view':>10}")
    for name, claim_ms, query_ms, view_ms in rows:
        print(f"  {name:32} {claim_ms:7.2f} ms {query_ms:13.2f} ms {view_ms:7.2f} ms")


if __name__ == "__main__":
    main()
