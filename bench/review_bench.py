"""Review benchmarks: the agreement report of a whole project, the queue and
the review screen (queries and time).

Builds N documents × 3 annotators × 20 spans and 5 stances each (bulk inserts)
on a throwaway test database of whatever DATABASE_URL points at, then times
`report.agreement_report` with its peak Python memory (tracemalloc), beside a
naive baseline in the same run: loading the same sets document by document.

    .venv/bin/python bench/review_bench.py                  # 10,000 documents, SQLite
    .venv/bin/python bench/review_bench.py --docs 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/review_bench.py

`--queue-docs N` measures only the queue in a project of N documents (bare
rows, built in bulk), first with 300 of them waiting for review, then with
90%: the view as it is (the scores stored on the documents, one index walk
and a count), and as rows only beside the queries of the revision before,
run verbatim over a table of cached scores like the one it kept
(ReviewScore, recreated here and filled with the same scores):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=bench_queue \
        .venv/bin/python bench/review_bench.py --queue-docs 200000
"""

import argparse
import random
import statistics
import time
import tracemalloc

import common  # sets Django up: keep it before Django and apps imports
from django.db import connection, models, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

WORDS = [
    "the",
    "minister",
    "said",
    "government",
    "talks",
    "sanctions",
    "oil",
    "exports",
    "Moscow",
    "Caracas",
]


def build(n_docs, rng):
    from django.contrib.auth import get_user_model

    from apps.annotations.models import AnnotationSet
    from apps.annotations.sets import insert_rows
    from apps.annotations.validation import CleanSet
    from apps.documents.models import Document
    from apps.projects.models import Label, Membership, Project, Role

    project = Project.objects.create(name="bench", annotators_per_document=3)
    users = [get_user_model().objects.create_user(f"u{i}") for i in range(4)]
    Membership.objects.bulk_create(
        Membership(project=project, user=u, role=Role.OWNER if i == 3 else Role.ANNOTATOR)
        for i, u in enumerate(users)
    )
    labels = {}
    for name in ("PERSON", "ORG", "GPE"):
        labels[name] = Label.objects.create(project=project, kind="entity", name=name).pk
    for name in ("SUPPORT", "OPPOSE"):
        labels[name] = Label.objects.create(project=project, kind="stance", name=name).pk
    text = " ".join(rng.choice(WORDS) for _ in range(260))
    starts = [i + 1 for i, ch in enumerate(text) if ch == " "][:200]
    batch = 500
    for first in range(0, n_docs, batch):
        docs = Document.objects.bulk_create(
            Document(
                project=project,
                external_id=f"d{i}",
                text=text,
                annotator_count=3,
                submitted_count=3,
            )
            for i in range(first, min(n_docs, first + batch))
        )
        sets = AnnotationSet.objects.bulk_create(
            AnnotationSet(document=d, kind="annotator", author=u, status="submitted")
            for d in docs
            for u in users[:3]
        )
        rows = []
        for aset in sets:
            chosen = sorted(rng.sample(starts[:60], 20))
            spans = [
                {
                    "id": f"s{j}",
                    "start": s,
                    "end": s + 3,
                    "label": rng.choice(("PERSON", "ORG", "GPE")),
                    "actor": None,
                }
                for j, s in enumerate(chosen)
            ]
            stances = [
                {
                    "id": f"t{j}",
                    "holder": f"s{j}",
                    "target": f"s{j + 1}",
                    "polarity": rng.choice(("SUPPORT", "OPPOSE")),
                    "cue": None,
                }
                for j in range(5)
            ]
            rows.append((aset.pk, CleanSet(spans=spans, stances=stances)))
        insert_rows(rows, labels)
    return project, users[3]


class Rollback(Exception):
    pass


def median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def previous_queue(documents):
    """The queue's queries of the revision before, verbatim (review_queue's
    stale-score check, then the view's count and page over the score's join),
    over BaselineScore: rows only."""
    stale = documents.exclude(review_score__sets=F("submitted_count")).order_by()
    # Named `cached` here: the documents have a `disagreement` of their own now.
    rows = documents.annotate(cached=F("review_score__score")).order_by(
        F("cached").desc(nulls_last=True), "id"
    )

    def queue():
        return (
            dict(stale.values_list("id", "submitted_count")),
            documents.count(),
            list(rows.values("id", "cached")[:50]),
        )

    return queue


def one_row_updates(ids, n=2000):
    """µs a one-row UPDATE of a document (its last_activity, as every set
    write makes) costs with the triggers of ReviewableCount and without
    them, alternately, each run rolled back (PostgreSQL)."""
    from apps.documents.models import Document

    table = Document._meta.db_table
    sql = f"UPDATE {table} SET last_activity = CURRENT_TIMESTAMP WHERE id = %s"
    figures = {True: [], False: []}
    for _ in range(3):
        for triggered in (True, False):
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    if not triggered:
                        cursor.execute(
                            f"ALTER TABLE {Document._meta.db_table} DISABLE TRIGGER USER"
                        )
                    began = time.perf_counter()
                    for pk in ids[:n]:
                        cursor.execute(sql, [pk])
                    figures[triggered].append((time.perf_counter() - began) / n * 1e6)
                    raise Rollback
            except Rollback:
                pass
    return (
        f"{statistics.median(figures[True]):.0f} µs each with the count's triggers, "
        f"{statistics.median(figures[False]):.0f} µs without"
    )


def queue_at_scale(n_docs, repeat):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from apps.documents.models import DISAGREEMENT_KEY, Document, reviewable_count
    from apps.projects.models import Membership, Project, Role
    from apps.review.queue import queue_documents

    class BaselineScore(models.Model):
        """ReviewScore as the revision before kept it: a row per scored document."""

        document = models.OneToOneField(
            Document, on_delete=models.CASCADE, primary_key=True, related_name="review_score"
        )
        score = models.FloatField(null=True)
        sets = models.PositiveIntegerField()
        computed_at = models.DateTimeField(auto_now=True)

        class Meta:
            app_label = "review"
            db_table = "bench_review_score"
            indexes = [models.Index(fields=["score"], name="bench_review_score_score")]

        def __str__(self):
            return f"document {self.document_id}: {self.score}"

    project = Project.objects.create(name="queue", annotators_per_document=3)
    reviewer = get_user_model().objects.create_user("reviewer")
    Membership.objects.create(project=project, user=reviewer, role=Role.REVIEWER)
    started = time.perf_counter()
    text = " ".join(common.WORDS)
    for first in range(0, n_docs, 10_000):
        Document.objects.bulk_create(
            Document(project=project, external_id=f"d{i}", text=text)
            for i in range(first, min(n_docs, first + 10_000))
        )
    print(f"built {n_docs:,} documents in {time.perf_counter() - started:.1f} s")
    with connection.schema_editor() as editor:
        editor.create_model(BaselineScore)
    table, doc = BaselineScore._meta.db_table, Document._meta.db_table
    client = APIClient()
    client.force_authenticate(reviewer)
    url = f"/api/v1/projects/{project.pk}/review/queue/"
    queue = queue_documents(project)
    ids = list(Document.objects.filter(project=project).values_list("id", flat=True))
    try:
        for waiting in (300, n_docs * 9 // 10):
            # The first `waiting` documents: 3 submitted sets (their counts;
            # the queue reads nothing else), spread scores.
            flip = (
                f"UPDATE {doc} SET annotator_count = 3, submitted_count = 3,"
                " disagreement = (id %% 997) / 997.0"
                " WHERE project_id = %s AND id <= %s AND NOT reviewable"
            )
            params = [project.pk, ids[waiting - 1]]
            untriggered = None
            if connection.vendor == "postgresql":
                # The same UPDATE without the triggers that keep the queue's
                # count (ReviewableCount), rolled back: what they cost.
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(f"ALTER TABLE {doc} DISABLE TRIGGER USER")
                        began = time.perf_counter()
                        cursor.execute(flip, params)
                        untriggered = time.perf_counter() - began
                        raise Rollback
                except Rollback:
                    pass
            with connection.cursor() as cursor:
                began = time.perf_counter()
                cursor.execute(flip, params)
                flipped, took = cursor.rowcount, time.perf_counter() - began
                cursor.execute(f"DELETE FROM {table}")
                cursor.execute(
                    f"INSERT INTO {table} (document_id, score, sets, computed_at)"
                    f" SELECT id, disagreement, submitted_count, CURRENT_TIMESTAMP FROM {doc}"
                    " WHERE project_id = %s AND reviewable",
                    [project.pk],
                )
                # As autovacuum leaves a table: index-only scans need its visibility map.
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            print(
                f"made {flipped:,} documents reviewable in one UPDATE: {took * 1000:.0f} ms"
                + (
                    f" ({untriggered * 1000:.0f} ms without the count's triggers)"
                    if untriggered is not None
                    else ""
                )
            )
            assert queue.count() == waiting == reviewable_count(project)

            def view():
                response = client.get(url)
                assert response.status_code == 200, response.content[:200]

            statements = []
            with connection.execute_wrapper(
                lambda run, sql, *a, seen=statements: seen.append(sql) or run(sql, *a)
            ):
                view()
            rows = queue.order_by(DISAGREEMENT_KEY.desc(), "id")
            figures = {
                "view": median_ms(view, repeat),
                "stored (kept count + page)": median_ms(
                    lambda rows=rows: (reviewable_count(project), list(rows.values("id")[:50])),
                    repeat,
                ),
                "stored, the page alone": median_ms(
                    lambda rows=rows: list(rows.values("id")[:50]), repeat
                ),
                "the kept count alone": median_ms(lambda: reviewable_count(project), repeat),
                "COUNT(*) of the queue, which it replaced": median_ms(queue.count, repeat),
                "previous (stale check + count + page)": median_ms(previous_queue(queue), repeat),
            }
            print(
                f"queue, {waiting:,} of {n_docs:,} waiting, p50 of {repeat}: view "
                f"{figures.pop('view'):.1f} ms ({len(statements)} queries); rows only: "
                + "; ".join(f"{name} {ms:.1f} ms" for name, ms in figures.items())
            )
        if connection.vendor == "postgresql":
            print(f"one-row UPDATEs that leave reviewable alone: {one_row_updates(ids)}")
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(BaselineScore)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument(
        "--queue-docs", type=int, help="measure only the queue, in a project of this many"
    )
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (--queue-docs)")
    parser.add_argument("--naive-docs", type=int, default=500, help="documents for the baseline")
    parser.add_argument(
        "--memory", action="store_true", help="trace peak memory (tracemalloc slows Python ~3×)"
    )
    args = parser.parse_args()
    from rest_framework.test import APIClient

    from apps.review.loading import submitted_sets
    from apps.review.report import agreement_report

    with common.throwaway_database():
        print(f"database: {connection.vendor}")
        if args.queue_docs:
            queue_at_scale(args.queue_docs, args.repeat)
            return
        started = time.perf_counter()
        project, owner = build(args.docs, random.Random(7))
        print(f"built {args.docs} documents × 3 sets in {time.perf_counter() - started:.1f} s")

        if args.memory:
            tracemalloc.start()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            report = agreement_report(project)
        took = time.perf_counter() - started
        peak = ""
        if args.memory:
            peak = f", peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MiB"
            tracemalloc.stop()
        print(
            f"agreement report: {took:.2f} s{peak}, {len(ctx.captured_queries)} "
            f"queries, {report['documents']} documents, span F1 "
            f"{report['spans']['f1_exact']['value']:.3f}"
        )

        started = time.perf_counter()
        submitted_sets(project.documents.all())
        bulk = time.perf_counter() - started
        docs = project.documents.order_by("id")[: args.naive_docs]
        naive_project_docs = list(docs.values_list("id", flat=True))
        started = time.perf_counter()
        from apps.documents.models import Document

        for doc in Document.objects.filter(pk__in=naive_project_docs):
            for aset in doc.annotation_sets.all():
                list(aset.spans.select_related("label"))
        naive = (time.perf_counter() - started) * args.docs / len(naive_project_docs)
        print(
            f"loading every set: bulk {bulk:.2f} s vs naive per-document "
            f"~{naive:.2f} s (extrapolated from {len(naive_project_docs)} documents)"
        )

        client = APIClient()
        client.force_authenticate(owner)
        for name, url in (
            ("queue", f"/api/v1/projects/{project.pk}/review/queue/"),
            (
                "review screen",
                f"/api/v1/projects/{project.pk}/documents/{naive_project_docs[0]}/review/",
            ),
        ):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, response.content[:200]
            print(
                f"{name}: {(time.perf_counter() - started) * 1000:.0f} ms, "
                f"{len(ctx.captured_queries)} queries"
            )


if __name__ == "__main__":
    main()
