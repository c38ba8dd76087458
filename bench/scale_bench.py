"""Scale benchmark: one project grown to 10k / 200k / 1M documents on PostgreSQL.

The documents arrive through the import path, the code an import job runs
(`parse`, then `import_records`: validation, the batched INSERT), in files of
10,000 news-like articles (a Zipf vocabulary of ~16,000 words, 150 words
each, outlet, author, section, URL and day). On the first 10,000, 300
documents get 3 submitted annotator sets each through the write path the
API uses (claim, replace_set, submit_set; k = 3), so the review queue holds
300 and agreement and export have work. At each size, through the real views
in-process (Django's test client: middleware, authentication, permissions,
filters, serialisation), it prints the median of:

- a page of 100 documents, unfiltered and with every filter of the list;
- `q=`: a word in ~50% of the documents, one in ~3%, one in 0.1%, one in none;
- `review/queue/`, the agreement report, a streamed export (jsonl, source=all);
- importing one more file of 10,000, with the new indexes and without them;
- `documents/next/`: one annotator, then 20 annotators in 20 threads at once;
  then again once 90% of the documents are fully assigned (their counts set
  directly: what next reads of a document is its counts), straight after
  that bulk setup and once it is written out (settle: CHECKPOINT), with
  next's pick alone rolled back and committed (a claim's commit waits for
  the WAL to reach the disk, which a disk still writing the setup slows);
- `review/queue/?sort=model`, with 300 to review and with 90% waiting,
  every one with a prediction set of one model (MODEL): the 300 written by
  pre-annotation's write_predictions, the 90% in bulk with their scores'
  rows; its page alone ("stored") beside the previous revision's read of it
  ("previous": scores checked for staleness, then the whole queue joined and
  sorted), on the same rows.

Beside each path the old one runs in the same database, the baseline: the
query shape before this change (COALESCE(annotators_wanted, k), `UPPER(text)
LIKE`) with the new indexes dropped, inside a transaction that is rolled
back. For the queue and next's pick, also their queries alone as they are
("stored": on Document.claimable / .reviewable) and as the previous revision
ran them ("previous": the two-column comparisons, with its partial indexes
on those built again in the rolled-back transaction).

Sizes grow one project, so `--sizes 10000,200000,1000000` builds 1M
documents once: 10k then 200k took 10 minutes on a loaded two-core machine;
at the import rate measured there (1,000-2,000 a second) 1M takes 10-20 more.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=bench_scale \\
        nice .venv/bin/python bench/scale_bench.py                      # 10,000: about a minute
    ... bench/scale_bench.py --sizes 10000,200000,1000000 --repeat 7

`--reuse` keeps the bench database after the run and, on the next run with
`--reuse`, starts from what it holds (migrated to the current code first):
the project grows only past the documents it already has, and sizes below
that are skipped, so a change can be measured at 200k without rebuilding
200k. Drop the database (`dropdb`) to start afresh; a run killed while 90%
of the documents were taken leaves them taken, so drop it then too.
"""

import argparse
import contextlib
import datetime
import json
import random
import statistics
import threading
import time

import common  # sets Django up: keep it before Django and apps imports
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext, setup_test_environment
from rest_framework.test import APIClient

from apps.annotations.assignment import claim, release_unfinished
from apps.annotations.models import AnnotationSet, Span
from apps.annotations.sets import ProjectSchema, replace_set, submit_set
from apps.datasets.export import export
from apps.datasets.options import ExportOptions
from apps.documents.api.views import DOCUMENT_FIELDS
from apps.documents.models import (
    CLAIM_ORDER,
    CLAIMABLE,
    CLAIMABLE_WHEN,
    DISAGREEMENT_KEY,
    REVIEWABLE_WHEN,
    Document,
    reviewable_count,
)
from apps.documents.search import fill_search
from apps.imports.parsers import parse
from apps.imports.store import import_records
from apps.mentions.preannotate import write_predictions
from apps.projects.models import Label, Membership, Project, Role
from apps.review.agreement import model_disagreement
from apps.review.loading import prediction_spans, submitted_sets
from apps.review.models import ModelDisagreement
from apps.review.queue import queue_documents, review_queue

FILE = 10_000  # documents per imported file
K = 3
REVIEWED = 300  # documents with K submitted sets
THREADS = 20
PAGE = 100
# The export's throughput is measured on the first EXPORT_DOCS annotated
# documents (fewer at 10k), their sets SPANS spans each.
EXPORT_DOCS = 20_000
SPANS = 6
# The prediction source of every document in the queue: the REVIEWED ones
# through write_predictions, the 90% taken in bulk with their scores.
MODEL = "ner"
# Words put into the articles at a known rate, and one that is nowhere.
COMMON, MIDDLE, RARE, ABSENT = "minister", "caracas", "zelenskyy", "qwxzyvk"
RATES = {COMMON: 2, MIDDLE: 30, RARE: 1000}  # one document in n
# The partial indexes of the previous revision, on comparisons of two
# columns; the stored flags' indexes replaced them.
STORED_INDEXES = ("document_claimable", "document_reviewable", "document_claimable_uncertain")
PREVIOUS_INDEXES = (
    "CREATE INDEX previous_claimable ON documents_document (project_id, id)"
    " WHERE adjudicated_at IS NULL AND annotator_count < wanted",
    "CREATE INDEX previous_reviewable ON documents_document (project_id, id)"
    " WHERE adjudicated_at IS NULL AND submitted_count >= wanted",
)
# The indexes this change adds; the baseline runs without them.
NEW_INDEXES = (
    "document_claimable",
    "document_reviewable",
    "document_adjudicated",
    "document_search",
)
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "sa",
    "tor",
    "vi",
    "dan",
    "re",
    "pu",
    "gi",
    "ost",
    "bel",
    "ar",
    "un",
    "che",
    "zo",
    "fa",
    "qui",
    "len",
]


class Corpus:
    """News-like articles: words of a Zipf vocabulary, and the marker words."""

    def __init__(self, rng):
        self.rng = rng
        vocab = {"".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(40_000)}
        self.vocab = sorted(vocab - set(RATES) - {ABSENT})
        rng.shuffle(self.vocab)
        total, self.cumulative = 0.0, []
        for rank in range(len(self.vocab)):
            total += 1 / (rank + 1)
            self.cumulative.append(total)
        self.day0 = datetime.date(2020, 1, 1)

    def record(self, i):
        rng = self.rng
        words = rng.choices(self.vocab, cum_weights=self.cumulative, k=150)
        for word, every in RATES.items():
            if i % every == 0:
                words[rng.randrange(len(words))] = word
        return {
            "id": f"doc-{i}",
            "title": f"Article {i}: {' '.join(words[:6])}",
            "text": " ".join(words).capitalize() + ".",
            "outlet": rng.choice(["El Nacional", "TASS", "Reuters"]),
            "author": f"Author {rng.randrange(200)}",
            "section": rng.choice(["world", "politics", "economy", "opinion", "energy"]),
            "url": f"https://news.example.org/{i}",
            "published": (self.day0 + datetime.timedelta(days=rng.randrange(1500))).isoformat(),
        }

    def file(self, first, n):
        lines = (json.dumps(self.record(i), ensure_ascii=False) for i in range(first, first + n))
        return ("\n".join(lines) + "\n").encode()


def grow(project, corpus, start, stop):
    """Import documents start..stop-1 in files of FILE; returns documents a second."""
    began = time.perf_counter()
    for first in range(start, stop, FILE):
        data = corpus.file(first, min(FILE, stop - first))
        report = import_records(project, parse(data, "bench.jsonl", "jsonl"))
        assert not report["errors"], report["errors"][:3]
    rate = (stop - start) / (time.perf_counter() - began)
    # What a task worker does after each import (vectors_later): the search
    # is measured on filled vectors, as a project with a worker has them.
    began = time.perf_counter()
    filled = fill_search.func(project.pk)
    if filled:
        print(
            f"search vectors of {filled:,} documents filled in {time.perf_counter() - began:.1f} s"
        )
    analyze()
    return rate


def import_rates(project, corpus, first):
    """Documents a second importing one more file, with the new indexes and
    without them (the baseline), each in a transaction rolled back."""

    def one():
        data = corpus.file(first, FILE)
        began = time.perf_counter()
        assert not import_records(project, parse(data, "bench.jsonl", "jsonl"))["errors"]
        return FILE / (time.perf_counter() - began)

    rates = {}
    for name, drop in (("with", ()), ("without", NEW_INDEXES)):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for index in drop:
                        cursor.execute(f"DROP INDEX IF EXISTS {index}")
                rates[name] = one()
                raise Rollback
        except Rollback:
            pass
    return rates


def analyze():
    """Fresh planner statistics after bulk setup, as autovacuum would leave
    them (a plan chosen on stale counts is not the one production runs)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Document, AnnotationSet, Span):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def annotate_some(project, annotators, rng):
    """REVIEWED documents of the first file, K submitted sets each, through
    the API's write path; the annotators agree on some spans only."""
    schema = ProjectSchema(project)
    step = FILE // REVIEWED
    documents = Document.objects.filter(project=project).order_by("id")[:FILE:step]
    for document in list(documents)[:REVIEWED]:
        starts = [0] + [i + 1 for i, ch in enumerate(document.text) if ch == " "]
        ends = [document.text.find(" ", s) for s in starts]
        words = [(s, e) for s, e in zip(starts, ends, strict=True) if e > s][:20]
        for user in annotators:
            chosen = rng.sample(words, 6)
            spans = [
                {"id": f"s{n}", "start": s, "end": e, "label": rng.choice(["GPE", "PERSON"])}
                for n, (s, e) in enumerate(sorted(chosen))
            ]
            stances = [{"id": "t1", "holder": "s0", "target": "s1", "polarity": "OPPOSE"}]
            clean, errors = schema.validate(document.text, {"spans": spans, "stances": stances})
            assert not errors, errors
            aset, _ = claim(document, user)
            replace_set(aset, aset.version, clean, schema.label_ids)
            aset.refresh_from_db()
            submit_set(aset)
    # A model's prediction set on each, through pre-annotation's write path
    # (which scores them against the sets above): sort=model has a source.
    predicted = {}
    for document in list(documents)[:REVIEWED]:
        spans = [{"id": "p0", "start": 0, "end": document.text.find(" "), "label": "GPE"}]
        clean, errors = schema.validate(document.text, {"spans": spans}, True)
        assert not errors, errors
        predicted[document.pk] = clean
    write_predictions(project, MODEL, predicted, schema.label_ids)


def timed(fn, repeat):
    """(median ms, queries of one call, what the last call returned)."""
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), len(queries), result


def get(client, url, params=None, stream=False):
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, params, response.status_code)
    if stream:
        return sum(len(chunk) for chunk in response.streaming_content)
    return response.json()


def old_shapes(project):
    """The queries of each path as they were: COALESCE(annotators_wanted, k)
    and the substring search (rows only, no view around them)."""
    k = project.annotators_per_document
    old_wanted = Coalesce(F("annotators_wanted"), Value(k))
    documents = Document.objects.filter(project=project)

    def page(queryset):
        return lambda: len(list(queryset.order_by("id").values(*DOCUMENT_FIELDS)[: PAGE + 1]))

    def substring(word):
        return page(documents.filter(Q(title__icontains=word) | Q(text__icontains=word)))

    return {
        "status=adjudicated": page(documents.filter(adjudicated_at__isnull=False)),
        f"q={ABSENT} (absent)": substring(ABSENT),
        f"q={MIDDLE} (3%)": substring(MIDDLE),
        "review/queue/": queue_rows(
            documents.filter(adjudicated_at=None, submitted_count__gte=old_wanted)
        ),
    }


def queue_rows(reviewable, count=None):
    """The queue's queries over `reviewable` (rows only): the page's count
    and the page, in the order the view reads (the scores stored on the
    documents; review_bench.py measures the cache they replaced). The count
    is `count()` where given (today's: the kept ReviewableCount rows, as the
    view reads it), else a COUNT of `reviewable` (the previous revision's)."""

    def queue():
        rows = reviewable.order_by(DISAGREEMENT_KEY.desc(), "id")
        return count() if count else reviewable.count(), list(rows.values("id")[:50])

    return queue


def previous_model_queue(project, source):
    """sort=model's page as the previous revision read it (rows only), its
    code verbatim: every read first looked for documents of the queue whose
    cached score was missing or stale (another count of submitted sets,
    another version of the prediction set) and scored those, then joined
    the scores to the whole queue and sorted it."""

    def prediction_version():
        sets = AnnotationSet.objects.filter(
            document=OuterRef("pk"), kind=AnnotationSet.Kind.PREDICTION, source=source
        ).values("version")[:1]
        return Coalesce(Subquery(sets), Value(0))

    def refresh(documents):
        fresh = ModelDisagreement.objects.filter(
            document=OuterRef("pk"),
            source=source,
            sets=OuterRef("submitted_count"),
            prediction_version=OuterRef("predicted_version"),
        )
        stale = (
            documents.annotate(predicted_version=prediction_version())
            .filter(~Exists(fresh))
            .order_by()
        )
        rows = list(stale.values_list("id", "submitted_count", "predicted_version"))
        if not rows:
            return 0
        ids = stale.values("pk")
        sets = submitted_sets(ids)
        predicted = prediction_spans(ids, [source])
        return [
            (doc, model_disagreement(predicted.get(doc, {}).get(source, []), sets.get(doc, {})))
            for doc, _, version in rows
            if version
        ]

    def queue():
        documents = queue_documents(project)
        refresh(documents)
        rows = documents.annotate(
            model=FilteredRelation(
                "model_disagreements", condition=Q(model_disagreements__source=source)
            ),
            model_disagreement=F("model__score"),
        ).order_by(F("model_disagreement").desc(nulls_last=True), "id")
        return list(rows.values("id", "model_disagreement")[:50])

    return queue


def model_shapes(project, repeat):
    """(today's, the previous revision's) median ms of sort=model's page of
    50, rows only: review_queue's ModelQueue and previous_model_queue, the
    same rows (checked). The previous one runs rolled back: were anything
    stale, it would store scores."""
    today = lambda: review_queue(project, "model", MODEL).values("id", "model_disagreement")[:50]  # noqa: E731
    previous = previous_model_queue(project, MODEL)
    got = []
    rolled_back(lambda: got.append(previous()))()
    assert [(r["id"], r["model_disagreement"]) for r in today()] == [
        (r["id"], r["model_disagreement"]) for r in got[0]
    ]
    return timed(today, repeat)[0], timed(rolled_back(previous), repeat)[0]


def next_rows(project, user, open_, order="id"):
    """next's pick (rows only): the first document in `order` (today's
    claims: CLAIM_ORDER, the id as document_claimable holds it) `open_` (a
    Q) holds that the user has no set on, locked as next locks it."""
    mine = AnnotationSet.objects.filter(
        document=OuterRef("pk"), kind=AnnotationSet.Kind.ANNOTATOR, author=user
    )
    candidates = (
        Document.objects.filter(open_, project=project)
        .filter(~Exists(mine))
        .order_by(order)
        .select_for_update(skip_locked=True, of=("self",))
    )

    def pick():
        with transaction.atomic():  # FOR UPDATE needs one (a savepoint inside another)
            return candidates.values_list("id", flat=True).first()

    return pick


def old_next(project, user):
    """The old pick of next: COALESCE(annotators_wanted, k) in its filter."""
    wanted = Coalesce(F("annotators_wanted"), Value(project.annotators_per_document))
    return next_rows(project, user, Q(annotator_count__lt=wanted, adjudicated_at=None))


def stored_and_previous(project, user):
    """{name: (now, previous)}: the rows-only queries of the queue and of
    next's pick on the stored flags (CLAIMABLE, REVIEWABLE), and as the
    previous revision ran them, on the comparisons of two columns
    (CLAIMABLE_WHEN, REVIEWABLE_WHEN) with partial indexes on those."""
    queue = queue_documents(project)
    return {
        "review/queue/": (
            queue_rows(queue, lambda: reviewable_count(project)),
            queue_rows(Document.objects.filter(REVIEWABLE_WHEN, project=project)),
        ),
        "next": (
            next_rows(project, user, CLAIMABLE, CLAIM_ORDER),
            next_rows(project, user, CLAIMABLE_WHEN),
        ),
    }


class Rollback(Exception):
    pass


def rolled_back(fn):
    """`fn` run in a transaction rolled back afterwards."""

    def run():
        try:
            with transaction.atomic():
                fn()
                raise Rollback
        except Rollback:
            pass

    return run


def pick_split(project, user, repeat):
    """(ms rolled back, ms committed) of next's pick on the stored flag: the
    query with its row lock alone, and with the commit a claim makes. A
    transaction that locked a row must flush the WAL when it commits, so
    the difference is the disk's, not the query's."""
    pick = next_rows(project, user, CLAIMABLE, CLAIM_ORDER)
    return timed(rolled_back(pick), repeat)[0], timed(pick, repeat)[0]


def settle():
    """What a project that got to 90% over weeks has long since done: write
    out what the bulk setup just wrote (PostgreSQL: CHECKPOINT; its VACUUM
    ANALYZE ran in take_most), so the figures after it are not the disk
    catching up with the setup while each claim's commit waits for its
    WAL flush. Returns the seconds it took."""
    began = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    return time.perf_counter() - began


def without_new_indexes(fns, repeat, drop=NEW_INDEXES, create=()):
    """{name: median ms} of each fn run with the new indexes dropped (and
    the statements `create` run), in a transaction rolled back afterwards
    (PostgreSQL: DROP and CREATE INDEX are transactional)."""
    figures = {}
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    for name in drop:
                        cursor.execute(f"DROP INDEX IF EXISTS {name}")
                    for statement in create:
                        cursor.execute(statement)
            for name, fn in fns.items():
                figures[name] = timed(fn, repeat)[0]
            raise Rollback
    except Rollback:
        pass
    return figures


def next_once(client, url):
    response = client.post(url)
    assert response.status_code in (200, 204), response.status_code
    return response.status_code


def next_concurrent(users, url, per_thread):
    """THREADS annotators asking for their next document at once, each
    `per_thread` times: (median ms, 95th percentile ms, requests a second)."""
    latencies, errors = [], []
    barrier = threading.Barrier(len(users))

    def work(user):
        try:
            client = APIClient()
            client.force_authenticate(user)
            barrier.wait()
            for _ in range(per_thread):
                began = time.perf_counter()
                next_once(client, url)
                latencies.append((time.perf_counter() - began) * 1000)
        except Exception as exc:  # reported below, never hidden
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    assert not errors, errors[:3]
    latencies.sort()
    return (
        statistics.median(latencies),
        latencies[int(0.95 * (len(latencies) - 1))],
        len(latencies) / elapsed,
    )


def take_most(project, share, annotators, labels):
    """Make the first `share` of the documents taken as a project 90% done
    is: each document nobody holds yet gets one submitted set from each of
    the K annotators, with its counts and sort keys, as replace_set and
    submit_set leave them. Bulk (INSERT ... SELECT), not through the API:
    setup, not a figure. The sets on the first EXPORT_DOCS documents get
    SPANS spans each, what the export's throughput is measured on.
    Returns what give_back needs to undo it."""
    documents = Document.objects.filter(project=project)
    cutoff = documents.order_by("id").values_list("id", flat=True)[int(share * documents.count())]
    first_set = (
        AnnotationSet.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ) + 1
    with_spans = documents.order_by("id").values_list("id", flat=True)[
        min(EXPORT_DOCS, documents.count() - 1)
    ]
    doc = Document._meta.db_table
    aset = AnnotationSet._meta.db_table
    span = Span._meta.db_table
    now = datetime.datetime.now(datetime.UTC)
    authors = ",".join(str(int(u.pk)) for u in annotators)
    with transaction.atomic(), connection.cursor() as cursor:
        search = None
        if connection.vendor == "postgresql":
            # Updating 900,000 rows under the search's GIN index costs several
            # times dropping it and building it again afterwards.
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'document_search'")
            (search,) = cursor.fetchone()
            cursor.execute("DROP INDEX document_search")
        cursor.execute(
            f"INSERT INTO {aset} (document_id, kind, author_id, source, status, version,"
            " created_at, updated_at, submitted_at, rejected_predictions)"
            f" SELECT d.id, 'annotator', u.id, '', 'submitted', 2, %s, %s, %s, '[]'"
            f" FROM {doc} d CROSS JOIN {get_user_model()._meta.db_table} u"
            f" WHERE d.project_id = %s AND d.id < %s AND d.annotator_count = 0"
            f" AND u.id IN ({authors})",
            [now, now, now, project.pk, cutoff],
        )
        cursor.execute(
            f'INSERT INTO {span} (set_id, sid, start, "end", label_id)'
            f" SELECT s.id, 's' || n.n, n.n * 7, n.n * 7 + 5,"
            f" CASE WHEN n.n %% 2 = 0 THEN %s ELSE %s END"
            f" FROM {aset} s JOIN {doc} d ON d.id = s.document_id"
            f" CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2"
            f" UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) n"
            f" WHERE s.id >= %s AND d.id <= %s",
            [*labels, first_set, with_spans],
        )
        # A prediction set of MODEL on each, and its row as
        # refresh_model_scores leaves it (a made-up score: what the queue
        # reads is the row); the counts below put them in the queue, and
        # the trigger their rows' `reviewable`.
        cursor.execute(
            f"INSERT INTO {aset} (document_id, kind, author_id, source, status, version,"
            " created_at, updated_at, submitted_at, rejected_predictions)"
            f" SELECT d.id, 'prediction', NULL, %s, 'submitted', 1, %s, %s, NULL, '[]'"
            f" FROM {doc} d WHERE d.project_id = %s AND d.id < %s AND d.annotator_count = 0",
            [MODEL, now, now, project.pk, cutoff],
        )
        cursor.execute(
            f"INSERT INTO {ModelDisagreement._meta.db_table} (document_id, project_id, source,"
            " score, sets, prediction_version, reviewable, computed_at)"
            f" SELECT d.id, d.project_id, %s, (d.id %% 97) / 97.0, %s, 1, false, %s"
            f" FROM {doc} d WHERE d.project_id = %s AND d.id < %s AND d.annotator_count = 0",
            [MODEL, K, now, project.pk, cutoff],
        )
        cursor.execute(
            f"UPDATE {doc} SET annotator_count = %s, submitted_count = %s,"
            f" last_submitted_at = %s, last_activity = %s"
            f" WHERE project_id = %s AND id < %s AND annotator_count = 0",
            [K, K, now, now, project.pk, cutoff],
        )
        if search:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(search)
    analyze()
    return first_set, search


def give_back(project, annotators, taken):
    """Undo take_most: its sets and spans go, the documents' counts are 0
    again, so the next size measures the queue and agreement as before."""
    first_set, search = taken
    doc = Document._meta.db_table
    aset = AnnotationSet._meta.db_table
    span = Span._meta.db_table
    authors = ",".join(str(int(u.pk)) for u in annotators)
    mine = f"id >= {int(first_set)} AND author_id IN ({authors})"
    with transaction.atomic(), connection.cursor() as cursor:
        if search:
            cursor.execute("DROP INDEX document_search")
        cursor.execute(
            f"UPDATE {doc} SET annotator_count = 0, submitted_count = 0,"
            " last_submitted_at = NULL, last_activity = NULL"
            f" WHERE id IN (SELECT document_id FROM {aset} WHERE {mine})"
        )
        cursor.execute(f"DELETE FROM {span} WHERE set_id IN (SELECT id FROM {aset} WHERE {mine})")
        cursor.execute(f"DELETE FROM {aset} WHERE {mine}")
        predicted = f"id >= {int(first_set)} AND kind = 'prediction'"
        cursor.execute(
            f"DELETE FROM {ModelDisagreement._meta.db_table} WHERE source = %s AND document_id IN"
            f" (SELECT document_id FROM {aset} WHERE {predicted})",
            [MODEL],
        )
        cursor.execute(f"DELETE FROM {aset} WHERE {predicted}")
        if search:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(search)
    analyze()


def export_rate(client, url, repeat):
    """(annotated documents a second, documents, MB) of a streamed jsonl
    export, source=all, read until EXPORT_DOCS documents have come (the
    first ones, whose sets have spans) and the response closed there."""
    params = {"format": "jsonl", "source": "all"}

    def stream():
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        return response.streaming_content, response.close

    return first_documents_rate(stream, repeat)


def first_documents_rate(stream, repeat):
    """What export_rate measures, of any `stream()`: (blocks, close)."""
    rates = []
    for _ in range(repeat):
        began = time.perf_counter()
        blocks, close = stream()
        size = lines = 0
        for chunk in blocks:
            size += len(chunk)
            lines += chunk.count(b"\n")
            if lines >= EXPORT_DOCS:
                break
        close()
        rates.append(lines / (time.perf_counter() - began))
    return statistics.median(rates), lines, size / 2**20


def export_rates_direct(project, repeat):
    """The same without the view: export() of today and of the previous
    revision's export code (common.baseline_export), side by side."""
    old = common.baseline_export()
    out = {}
    for name, fn, options in (
        ("today", export, ExportOptions),
        ("baseline", old.export, old.ExportOptions),
    ):

        def stream(fn=fn, options=options):
            blocks, _ = fn(project, "jsonl", options(source="all"))
            return blocks, blocks.close

        out[name] = first_documents_rate(stream, repeat)[0]
    return out


def measure(project, corpus, people, size, repeat):
    (owner, reviewer, solo, crowd), annotators = people
    # What next handed out at a smaller size (or in a kept database's last
    # run) goes back: every size measures next from the same start.
    for user in (solo, *crowd):
        release_unfinished(project, user)
    labels = list(
        Label.objects.filter(project=project, kind=Label.Kind.ENTITY)
        .order_by("name")
        .values_list("id", flat=True)
    )
    base = f"/api/v1/projects/{project.pk}/"
    client = APIClient()
    client.force_authenticate(owner)
    reviewing = APIClient()
    reviewing.force_authenticate(reviewer)
    get(client, base + "documents/")  # warm up
    rows = []

    def row(name, fn, old=None, n=repeat, shapes=None):
        """`shapes`: (now, previous) rows-only ms of the queue or next's pick."""
        ms, queries, _ = timed(fn, n)
        rows.append((name, ms, queries, old, shapes))
        print(f"  {name}: {ms:.1f} ms", flush=True)  # as it goes: a long run shows progress

    def now_and_previous():
        fns = stored_and_previous(project, solo)
        now = {name: timed(fn, repeat)[0] for name, (fn, _) in fns.items()}
        previous = without_new_indexes(
            {name: fn for name, (_, fn) in fns.items()}, repeat, STORED_INDEXES, PREVIOUS_INDEXES
        )
        return {name: (now[name], previous[name]) for name in fns}

    documents = base + "documents/"
    filters = {
        "page 1, no filter": {},
        "status=new": {"status": "new"},
        "status=in_progress": {"status": "in_progress"},
        "status=annotated": {"status": "annotated"},
        "status=adjudicated": {"status": "adjudicated"},
        "outlet": {"outlet": "TASS"},
        "author": {"author": "Author 7"},
        "section": {"section": "energy"},
        "published_after": {"published_after": "2023-06-01"},
        "published_before": {"published_before": "2020-03-01"},
        "submitted_after": {"submitted_after": "2020-01-01"},
        "active_after": {"active_after": "2020-01-01"},
        "assigned_to": {"assigned_to": "a0"},
        "external_id": {"external_id": f"doc-{size // 2}"},
        f"q={COMMON} (50%)": {"q": COMMON},
        f"q={MIDDLE} (3%)": {"q": MIDDLE},
        f"q={RARE} (0.1%)": {"q": RARE},
        f"q={ABSENT} (absent)": {"q": ABSENT},
        f"q={COMMON} {MIDDLE}": {"q": f"{COMMON} {MIDDLE}"},
    }
    old = without_new_indexes(old_shapes(project), repeat)
    for name, params in filters.items():
        row(name, lambda p=params: get(client, documents, {**p, "page_size": PAGE}), old.get(name))
    shapes = now_and_previous()
    row(
        "review/queue/",
        lambda: get(reviewing, base + "review/queue/"),
        old["review/queue/"],
        shapes=shapes["review/queue/"],
    )
    row("agreement/", lambda: get(reviewing, base + "agreement/"), n=max(3, repeat // 3))
    row(
        "export jsonl, source=all",
        lambda: get(reviewing, base + "export/", {"format": "jsonl", "source": "all"}, True),
        n=max(3, repeat // 3),
    )
    solo_client = APIClient()
    solo_client.force_authenticate(solo)
    next_url = base + "documents/next/"
    old = without_new_indexes({"next": old_next(project, solo)}, repeat)
    row(
        "next, one annotator",
        lambda: next_once(solo_client, next_url),
        old["next"],
        shapes=shapes["next"],
    )
    concurrent = next_concurrent(crowd, next_url, per_thread=3)
    splits = {"fresh": pick_split(project, solo, repeat)}
    row(
        "queue sort=model",
        lambda: get(reviewing, base + "review/queue/", {"sort": "model"}),
        n=max(3, repeat // 3),
        shapes=model_shapes(project, max(3, repeat // 3)),
    )
    taken = take_most(project, 0.9, annotators, labels)
    # As the bench measured before settle(): straight after the bulk setup.
    splits["90% taken, unsettled"] = pick_split(project, solo, repeat)
    row("next, 90% taken, unsettled", lambda: next_once(solo_client, next_url))
    settled = settle()
    splits["90% taken"] = pick_split(project, solo, repeat)
    row("next, 90% taken", lambda: next_once(solo_client, next_url))
    # Its baselines after it: they build and drop indexes, writes of their own.
    old = without_new_indexes({"next": old_next(project, solo)}, repeat)
    shapes = now_and_previous()
    rows[-1] = (*rows[-1][:3], old["next"], shapes["next"])
    row(
        "review/queue/, 90% taken",
        lambda: get(reviewing, base + "review/queue/"),
        shapes=shapes["review/queue/"],
    )
    row(
        "queue sort=model, 90% taken",
        lambda: get(reviewing, base + "review/queue/", {"sort": "model"}),
        n=max(3, repeat // 3),
        shapes=model_shapes(project, max(3, repeat // 3)),
    )
    concurrent_done = next_concurrent(crowd, next_url, per_thread=3)
    exported = export_rate(reviewing, base + "export/", max(3, repeat // 3))
    direct = export_rates_direct(project, max(3, repeat // 3))
    give_back(project, annotators, taken)
    rates = import_rates(project, corpus, size)
    print(f"\n{size:,} documents ({connection.vendor})")
    print(
        f"import {FILE:,} more: {rates['with']:,.0f} a second; "
        f"without the new indexes {rates['without']:,.0f}"
    )
    print(
        f"{'':<28}{'view':>18}{'rows only, ms':>36}\n"
        f"{'path':<28}{'p50 ms':>9}{'queries':>9}{'old':>12}{'previous':>12}{'stored':>12}"
    )
    for name, ms, queries, before, shapes in rows:
        was = f"{before:>12.1f}" if before is not None else f"{'':>12}"
        stored, previous = (f"{ms:>12.1f}" for ms in shapes) if shapes else ("", "")
        print(f"{name:<28}{ms:>9.1f}{queries:>9}{was}{previous}{stored}")
    print(f"settle() after the 90% setup (CHECKPOINT): {settled:.1f} s")
    for label, (rolled_back, committed) in splits.items():
        print(
            f"next's pick alone, {label}: {rolled_back:.1f} ms rolled back,"
            f" {committed:.1f} ms committed"
        )
    for label, (p50, p95, rate) in (("", concurrent), (", 90% taken", concurrent_done)):
        print(f"next, {THREADS} threads{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {rate:.0f}/s")
    rate, lines, mib = exported
    print(
        f"export jsonl source=all, 90% taken, streamed: the first {lines:,} annotated documents"
        f" ({K} sets x {SPANS} spans), {mib:.1f} MB, {rate:,.0f} documents a second"
    )
    print(
        f"the same by export() without the view: {direct['today']:,.0f} a second;"
        f" the previous export code (common.EXPORT_BASELINE): {direct['baseline']:,.0f}"
    )
    return {name: ms for name, ms, *_ in rows}


def people(project):
    model = get_user_model()
    if Membership.objects.filter(project=project).exists():  # a kept database's
        users = {u.username: u for u in model.objects.all()}
        annotators = [users[f"a{i}"] for i in range(K)]
        crowd = [users[f"crowd{i}"] for i in range(THREADS)]
        return annotators, (users["owner"], users["reviewer"], users["solo"], crowd)
    owner = model.objects.create_user("owner")
    reviewer = model.objects.create_user("reviewer")
    annotators = [model.objects.create_user(f"a{i}") for i in range(K)]
    solo = model.objects.create_user("solo")
    crowd = [model.objects.create_user(f"crowd{i}") for i in range(THREADS)]
    roles = [(owner, Role.OWNER), (reviewer, Role.REVIEWER)]
    roles += [(u, Role.ANNOTATOR) for u in (*annotators, solo, *crowd)]
    Membership.objects.bulk_create(Membership(project=project, user=u, role=r) for u, r in roles)
    return annotators, (owner, reviewer, solo, crowd)


@contextlib.contextmanager
def kept_database():
    """The bench database, created unless it exists and migrated, left in
    place afterwards (--reuse). Not serialized: that would read every row."""
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, serialize=False, keepdb=True)
    yield


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated, growing")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the bench database and start from it"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    assert sizes == sorted(sizes), "sizes grow one project: give them in order"
    with kept_database() if args.reuse else common.throwaway_database():
        rng = random.Random(15)
        corpus = Corpus(rng)
        project = Project.objects.filter(name="scale").first()
        if project is None:
            project = Project.objects.create(
                name="scale", annotators_per_document=K, max_unfinished_per_annotator=100
            )
            for name in ("GPE", "PERSON"):
                Label.objects.create(project=project, kind=Label.Kind.ENTITY, name=name)
            Label.objects.create(project=project, kind=Label.Kind.STANCE, name="OPPOSE")
        annotators, who = people(project)
        done, summary = Document.objects.filter(project=project).count(), {}
        if done:
            print(f"reusing the bench database: {done:,} documents")
            sizes = [s for s in sizes if s >= done]
        for size in sizes:
            rate = grow(project, corpus, done, size)
            if done == 0:
                began = time.perf_counter()
                annotate_some(project, annotators, rng)
                sets = REVIEWED * K
                print(f"{sets} sets submitted in {time.perf_counter() - began:.1f} s")
                scored = Document.objects.filter(project=project, disagreement__isnull=False)
                assert scored.count() == REVIEWED
            if size > done:
                print(f"imported {size - done:,} documents at {rate:,.0f} a second")
            done = size
            summary[size] = measure(project, corpus, (who, annotators), size, args.repeat)
        if len(sizes) > 1:
            print(f"\n{'p50 ms':<28}" + "".join(f"{s:>12,}" for s in sizes))
            for name in summary[sizes[0]]:
                print(f"{name:<28}" + "".join(f"{summary[s][name]:>12.1f}" for s in sizes))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                print(f"\ndatabase: {cursor.fetchone()[0] / done / 1024:.2f} KB a document")


if __name__ == "__main__":
    main()
