"""Importing another tool's annotations: a Label Studio export whose tasks
each carry two annotators' work, imported as prediction sets and as
annotators' sets, and with one annotation each as gold.

Runs the real import view in-process (Django's test client, no network) on a
throwaway test database of whatever DATABASE_URL points at (SQLite by
default), counts its queries, and times beside it a naive store of the same
annotators' sets (a create() per set, span and stance, and a counter UPDATE
per set, as a loop over claim and submit would do).

    .venv/bin/python bench/import_destination_bench.py                # SQLite
    .venv/bin/python bench/import_destination_bench.py --tasks 500
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/import_destination_bench.py
"""

import argparse
import json
import time

import common  # sets Django up: keep it before Django and apps imports
from django.db import connection
from django.test.utils import CaptureQueriesContext

SPANS_PER_ANNOTATION = 10


def task(n):
    words = [f"Name{n}x{i}" for i in range(SPANS_PER_ANNOTATION)]
    text = " ".join(f"{word} said" for word in words) + "."
    results = []
    start = 0
    for i, word in enumerate(words):
        results.append(
            {
                "id": f"r{i}",
                "type": "labels",
                "value": {"start": start, "end": start + len(word), "labels": ["PERSON"]},
            }
        )
        start += len(word) + len(" said ")
    results.append({"from_id": "r0", "to_id": "r1", "type": "relation", "labels": ["SUPPORT"]})
    return {
        "id": n,
        "data": {"text": text, "external_id": f"ls-{n}"},
        "annotations": [
            {"completed_by": 10, "result": results},
            {"completed_by": {"id": 11, "email": "ana@example.org"}, "result": results[:5]},
        ],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000, help="Label Studio tasks to import")
    args = parser.parse_args()

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.db.models import F
    from rest_framework.test import APIClient

    from apps.annotations.counters import recount
    from apps.annotations.models import AnnotationSet, Span, Stance
    from apps.documents.models import Document
    from apps.projects.models import Label, Membership, Project

    with common.throwaway_database():
        users = get_user_model().objects
        owner = users.create_user("olga", password="x")
        ben = users.create_user("ben", password="x")
        ana = users.create_user("ana", password="x", email="ana@example.org")
        client = APIClient()
        client.force_authenticate(owner)
        tasks = [task(n) for n in range(args.tasks)]
        body = json.dumps(tasks).encode()
        # Gold is one set per document: the first annotator's.
        gold_body = json.dumps([{**t, "annotations": t["annotations"][:1]} for t in tasks]).encode()
        print(
            f"database: {connection.vendor}; {args.tasks} Label Studio tasks, two annotations "
            f"each ({2 * args.tasks} groups, {len(body) / 1e6:.1f} MB)"
        )

        def new_project(name):
            project = Project.objects.create(name=name, annotators_per_document=2)
            for user, role in ((owner, "owner"), (ben, "annotator"), (ana, "annotator")):
                Membership.objects.create(project=project, user=user, role=role)
            Label.objects.create(project=project, kind="entity", name="PERSON")
            Label.objects.create(project=project, kind="stance", name="SUPPORT")
            return project

        for annotations in ("prediction", "gold", "annotators"):
            project = new_project(annotations)
            data = {
                "file": SimpleUploadedFile(
                    "export.json", gold_body if annotations == "gold" else body
                ),
                "format": "label-studio",
                "annotations": annotations,
                "user_map": json.dumps({"10": "ben"}),
            }
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.post(
                    f"/api/v1/projects/{project.pk}/documents/import/", data, format="multipart"
                )
                seconds = time.perf_counter() - start
            assert response.status_code == 201, response.content[:500]
            sets = response.json()["sets"]
            stored = sum(sets.values())
            checked, wrong = recount(Document.objects.filter(project=project), dry_run=True)
            assert not wrong, wrong[:3]
            print(
                f"as {annotations:<10}: {seconds:6.2f} s, {len(queries):4} queries, "
                f"{stored:,} sets ({stored / seconds:,.0f} sets/s); recount: {checked} "
                "checked, none to fix"
            )

        # The naive store of the annotators' sets of the last import.
        project = new_project("naive")
        rows = list(
            AnnotationSet.objects.filter(kind="annotator", document__project__name="annotators")
            .select_related("document")
            .order_by("id")
        )
        labels = {label.name: label for label in Label.objects.filter(project=project)}
        # Read before the clock starts: only the storing is timed.
        work = [
            (
                aset.document.external_id,
                aset.document.text,
                aset.author_id,
                [(s.sid, s.start, s.end) for s in aset.spans.all()],
                [
                    (t.sid, t.holder.sid, t.target.sid)
                    for t in aset.stances.select_related("holder", "target")
                ],
            )
            for aset in rows
        ]
        documents = {}
        start = time.perf_counter()
        with transaction.atomic():
            for external_id, text, author_id, spans, stances in work:
                if external_id not in documents:
                    documents[external_id] = Document.objects.create(
                        project=project, external_id=external_id, text=text
                    )
                document = documents[external_id]
                new = AnnotationSet.objects.create(
                    document=document, kind="annotator", author_id=author_id, status="submitted"
                )
                by_sid = {}
                for sid, span_start, span_end in spans:
                    by_sid[sid] = Span.objects.create(
                        set=new, sid=sid, start=span_start, end=span_end, label=labels["PERSON"]
                    )
                for sid, holder, target in stances:
                    Stance.objects.create(
                        set=new,
                        sid=sid,
                        holder=by_sid[holder],
                        target=by_sid[target],
                        polarity=labels["SUPPORT"],
                    )
                Document.objects.filter(pk=document.pk).update(
                    annotator_count=F("annotator_count") + 1,
                    submitted_count=F("submitted_count") + 1,
                )
        naive = time.perf_counter() - start
        print(f"naive store of the same {len(rows):,} annotators' sets: {naive:6.2f} s")


if __name__ == "__main__":
    main()
