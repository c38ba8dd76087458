"""Foundation benchmarks: import, saving a set, paging documents.

Runs the real views in-process through Django's test client (middleware,
authentication, serialisation, the database; no network), on a throwaway
test database of whatever DATABASE_URL points at (SQLite by default), and
compares each figure with a naive implementation timed in the same run.

    .venv/bin/python bench/api_bench.py                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/api_bench.py
    .venv/bin/python bench/api_bench.py --docs 2000 --repeat 50
"""

import argparse
import json
import random
import statistics
import time

import common  # sets Django up: keep it before Django and apps imports
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

WORDS = common.WORDS
NAMES = ["Nicolás", "Rodríguez", "Caracas", "Moscow", "Brasília", "Quốc", "São Paulo", "Zürich"]


def article(rng, index, length=2000):
    words = []
    size = 0
    while size < length:
        word = rng.choice(NAMES) if rng.random() < 0.08 else rng.choice(WORDS)
        if rng.random() < 0.01:
            word += " 🇻🇪"
        words.append(word)
        size += len(word) + 1
    text = " ".join(words)[:length]
    return {"id": f"bench-{index}", "title": f"Article {index}", "text": text}


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000, help="documents to import")
    parser.add_argument("--repeat", type=int, default=100, help="set saves to time")
    args = parser.parse_args()

    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from apps.annotations.models import AnnotationSet, Span, Stance
    from apps.documents.models import Document
    from apps.projects.models import Label, Membership, Project

    with common.throwaway_database():
        rng = random.Random(13)
        user = get_user_model().objects.create_user("bench", password="bench")
        client = APIClient()
        client.force_authenticate(user)
        print(f"database: {connection.vendor}  (in-process test client, no network)")

        def new_project(name):
            project = Project.objects.create(name=name, annotators_per_document=1)
            Membership.objects.create(project=project, user=user, role="owner")
            for kind, label in (("entity", "PERSON"), ("entity", "GPE"), ("stance", "SUPPORT")):
                Label.objects.create(project=project, kind=kind, name=label)
            return project

        # 1. Import.
        records = [article(rng, i) for i in range(args.docs)]
        body = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
        project = new_project("import")
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("bench.jsonl", body, content_type="application/x-ndjson")
        seconds, response = timed(
            lambda: client.post(
                f"/api/v1/projects/{project.pk}/documents/import/",
                {"file": upload},
                format="multipart",
            )
        )
        assert response.status_code == 201, response.content[:500]
        assert Document.objects.filter(project=project).count() == args.docs
        naive_project = new_project("naive import")

        def naive_import():
            for r in records:
                Document.objects.create(
                    project=naive_project, external_id=r["id"], title=r["title"], text=r["text"]
                )

        naive_seconds, _ = timed(naive_import)
        megabytes = len(body) / 1e6
        print(
            f"import {args.docs} documents ({megabytes:.1f} MB JSONL), one request: "
            f"{seconds:.2f} s, {args.docs / seconds:,.0f} documents/s  |  naive create() loop: "
            f"{naive_seconds:.2f} s ({naive_seconds / seconds:.1f}× slower)"
        )

        # 2. Save one set of 200 spans and 50 stances.
        document = Document.objects.filter(project=project).first()
        url = f"/api/v1/projects/{project.pk}/documents/{document.pk}/annotations/mine/"
        version = client.post(url).json()["version"]  # takes the document
        spans = [
            {"id": f"s{i}", "start": i * 9, "end": i * 9 + 5, "label": "PERSON"} for i in range(200)
        ]
        stances = [
            {"id": f"t{i}", "holder": f"s{i}", "target": f"s{i + 1}", "polarity": "SUPPORT"}
            for i in range(50)
        ]
        latencies = []
        for _ in range(args.repeat):
            payload = {"version": version, "spans": spans, "stances": stances}
            with CaptureQueriesContext(connection) as queries:
                seconds, response = timed(lambda p=payload: client.put(url, p, format="json"))
            assert response.status_code == 200, response.content[:300]
            version += 1
            latencies.append(seconds * 1000)
        aset = AnnotationSet.objects.get(document=document, author=user)
        labels = {label.name: label for label in Label.objects.filter(project=project)}

        def naive_save():
            # What a per-object serializer does: one INSERT per row.
            Stance.objects.filter(set=aset).delete()
            Span.objects.filter(set=aset).delete()
            by_id = {}
            for s in spans:
                by_id[s["id"]] = Span.objects.create(
                    set=aset, sid=s["id"], start=s["start"], end=s["end"], label=labels["PERSON"]
                )
            for t in stances:
                Stance.objects.create(
                    set=aset,
                    sid=t["id"],
                    holder=by_id[t["holder"]],
                    target=by_id[t["target"]],
                    polarity=labels["SUPPORT"],
                )

        naive = [timed(naive_save)[0] * 1000 for _ in range(max(5, args.repeat // 10))]
        print(
            f"PUT a set of 200 spans + 50 stances: p50 {statistics.median(latencies):.1f} ms, "
            f"p95 {percentile(latencies, 95):.1f} ms, {len(queries)} queries  |  naive per-row "
            f"save (no validation, no HTTP): p50 {statistics.median(naive):.1f} ms"
        )

        # 3. Page through the documents, 100 a page.
        page_times, query_counts = [], []
        next_url = f"/api/v1/projects/{project.pk}/documents/?page_size=100"
        while next_url:
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                seconds, response = timed(lambda u=next_url: client.get(u))
            page_times.append(seconds * 1000)
            query_counts.append(len(queries))
            next_url = response.json()["next"]
        print(
            f"page through {args.docs} documents, 100 a page ({len(page_times)} pages): "
            f"mean {statistics.mean(page_times):.1f} ms a page, p95 "
            f"{percentile(page_times, 95):.1f} ms, queries a page {min(query_counts)}–"
            f"{max(query_counts)}"
        )
        deep = page_times[-10:]
        print(f"  last 10 pages (deepest cursor): mean {statistics.mean(deep):.1f} ms")


if __name__ == "__main__":
    main()
