"""Documents list benchmark: pages 1, 300 and 1,000 of every ordering.

Builds N documents (100,000 by default) in one project, with a published
day on 90% of them, a last submission on 40% and a last change on 60% (the
sort keys are written directly: what is measured is the list, not how the
keys got there; the tests check that set writes keep them). Then, through
the real view in-process (Django's test client: middleware, authentication,
permissions, the filters, serialisation), it reads page 1 and page 1,000 of
100 documents in each `?ordering=` (and page 300, within the documents
that have the sort value, where page 1,000 is past them), and prints the
median time and the number of queries (the caller's membership, then the
rows: one query, two where a page crosses from values to nulls). A naive
OFFSET read of page 1,000 is printed for contrast. The baseline is the id
ordering in the same run: keyset pages are flat when page 1,000 costs about
what page 1 costs, and every ordering about what id costs.

    .venv/bin/python bench/documents_bench.py                   # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=bench_documents \\
        .venv/bin/python bench/documents_bench.py
    .venv/bin/python bench/documents_bench.py --docs 20000 --repeat 5
"""

import argparse
import datetime
import random
import statistics
import time

import common  # sets Django up: keep it before Django and apps imports
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.documents.api.views import ORDERINGS
from apps.documents.models import Document
from apps.projects.models import Membership, Project, Role
from apps.projects.pagination import encode_position

PAGE = 100
DEEP = 1000
# Page 300 is among the documents that have each value (40% of them have a
# submission: 40,000 of 100,000), page 1,000 among those without.
PAGES = (300, DEEP)


def populate(project, n, rng):
    start = timezone.now() - datetime.timedelta(days=365)
    day0 = datetime.date(2020, 1, 1)

    def moment():
        return start + datetime.timedelta(seconds=rng.randrange(365 * 86400))

    batch = []
    for i in range(n):
        batch.append(
            Document(
                project=project,
                external_id=f"doc-{i}",
                title=f"Article {i}",
                text=" ".join(rng.choices(common.WORDS, k=60)),
                outlet=rng.choice(["El Nacional", "TASS", "Reuters"]),
                # Few distinct days: many ties, which keyset pages break by id.
                published=day0 + datetime.timedelta(days=rng.randrange(1500))
                if rng.random() < 0.9
                else None,
                last_submitted_at=moment() if rng.random() < 0.4 else None,
                last_activity=moment() if rng.random() < 0.6 else None,
            )
        )
        if len(batch) == 5000:
            Document.objects.bulk_create(batch)
            batch = []
    Document.objects.bulk_create(batch)


def deep_cursor(project, ordering, page):
    """The cursor the list hands out after the documents of page - 1 (read
    here once, outside the timing, with an OFFSET)."""
    field = ORDERINGS[ordering]
    desc = ordering.startswith("-")
    queryset = Document.objects.filter(project=project)
    skip = (page - 1) * PAGE - 1
    id_order = "-id" if desc else "id"
    if field is None:
        rows = queryset.order_by(id_order)
    else:
        with_value = queryset.filter(**{f"{field}__isnull": False})
        count = with_value.count()
        if skip < count:
            rows = with_value.order_by(f"-{field}" if desc else field, id_order)
        else:
            rows = queryset.filter(**{f"{field}__isnull": True}).order_by(id_order)
            skip -= count
    row = rows.values("id", *([field] if field else []))[skip]
    value = row[field] if field else None
    return encode_position(
        {
            "value": None if value is None else value.isoformat(),
            "id": row["id"],
            "back": False,
            "ordering": ordering,
        }
    )


def measure(client, url, params, repeat):
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content[:300]
        assert len(response.json()["results"]) == PAGE
    return statistics.median(times), len(queries), queries.captured_queries[-1]["sql"]


def offset_page(project, repeat):
    """The naive way, for contrast: page 1,000 of the id ordering by OFFSET,
    the rows alone (no view around it)."""
    from apps.documents.api.views import DOCUMENT_FIELDS

    rows = Document.objects.filter(project=project).order_by("id").values(*DOCUMENT_FIELDS)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        assert len(list(rows[(DEEP - 1) * PAGE : DEEP * PAGE])) == PAGE
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each deep page's row query"
    )
    args = parser.parse_args()
    from rest_framework.test import APIClient

    with common.throwaway_database():
        rng = random.Random(7)
        owner = get_user_model().objects.create_user("owner")
        project = Project.objects.create(name="bench")
        Membership.objects.create(project=project, user=owner, role=Role.OWNER)
        began = time.perf_counter()
        populate(project, args.docs, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE documents_document")
        print(
            f"{connection.vendor}: {args.docs:,} documents in "
            f"{time.perf_counter() - began:.1f} s, {PAGE} a page"
        )
        client = APIClient()
        client.force_authenticate(owner)
        url = f"/api/v1/projects/{project.pk}/documents/"
        client.get(url)  # warm up: the first request builds caches, not a figure
        results = {}
        pages = [page for page in PAGES if page * PAGE <= args.docs]
        for ordering in ORDERINGS:
            results[ordering] = [measure(client, url, {"ordering": ordering}, args.repeat)]
            for page in pages:
                cursor = deep_cursor(project, ordering, page)
                deep = measure(client, url, {"ordering": ordering, "cursor": cursor}, args.repeat)
                results[ordering].append(deep)
                if args.explain:
                    with connection.cursor() as db:
                        db.execute("EXPLAIN " + deep[2])
                        plan = "\n    ".join(" ".join(map(str, row)) for row in db.fetchall())
                    print(f"{ordering}, page {page}:\n    {plan}")
        head = f"{'ordering':<16}{'page 1':>14}"
        head += "".join(f"{f'page {page:,}':>14}" for page in pages)
        print(head + "   ms (queries); deepest vs its page 1, vs id's deepest")
        deepest_id = results["id"][-1][0]
        for ordering, figures in results.items():
            line = f"{ordering:<16}" + "".join(f"{ms:>9.1f} ({q:>2})" for ms, q, _ in figures)
            deepest = figures[-1][0]
            print(f"{line}   {deepest / figures[0][0]:.2f}x, {deepest / deepest_id:.2f}x")
        if args.docs >= DEEP * PAGE:
            print(
                f"naive OFFSET {(DEEP - 1) * PAGE:,}, id order, rows only: "
                f"{offset_page(project, args.repeat):.1f} ms"
            )


if __name__ == "__main__":
    main()
