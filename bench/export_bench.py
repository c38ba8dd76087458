"""Export benchmark: the streamed export against the previous revision's export, in one run.

Builds N annotated documents (about 1,000 characters of news-like text with
accents, flags and a decomposed "Quốc"; 1 to 3 submitted annotator sets each,
6 spans and 1 stance a set, a category on every fifth set; a gold set on every
fourth document) and times the export of each format through
``apps.datasets.export.export``, as the export endpoint streams it, beside
the same export by the code of ``--baseline`` (a git revision: its
``apps/datasets`` package, the bulk loader it used,
``annotations.sets.load_contents``, and its tokenizer, ``documents/text.py``,
are read with ``git show`` and imported
under other names, so both run in this process on the same rows). Each pair is
checked byte for byte, so a figure never comes from a writer that changed
its output. Beside the wall clock, the CPU seconds of this process (``cpu
s``) and of the database's process for the connection (``db cpu``, read
from /proc when PostgreSQL runs on this machine): on a shared machine
these move far less than the wall clock. Peak memory (tracemalloc, Python
allocations, the driver's rows included) is taken in a second run, since
tracing slows Python down; it should not grow with N.

    nice .venv/bin/python bench/export_bench.py                       # 2,000 and 20,000 on SQLite
    nice .venv/bin/python bench/export_bench.py --sizes 2000 --exports conll:gold
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=bench_export \\
        nice .venv/bin/python bench/export_bench.py --window
    ... --profile jsonl:all   # cProfile (CPU time) of the new export at the largest size, top 25
    ... --repeat 3            # the best of three runs of each export (a shared machine)
"""

import argparse
import cProfile
import datetime
import gc
import hashlib
import io
import os
import pstats
import random
import time
from pathlib import Path

import common  # sets Django up: keep it before Django and apps imports
from django.contrib.auth import get_user_model
from django.db import connection

from apps.annotations.models import AnnotationSet, SetCategory, Span, Stance
from apps.datasets.export import Exporter, export
from apps.datasets.options import ExportOptions
from apps.documents.models import Document
from apps.projects.models import CategoryGroup, Label, Project

WORDS = ["the", "minister", "said", "government", "talks", "sanctions", "oil", "border"]
NAMES = ["Nicolás", "Rodríguez", "Caracas", "Moscow", "Brasília", "Quo\u0302\u0301c", "São"]
SPANS, K = 6, 3
DAY0 = datetime.date(2020, 1, 1)
ADJUDICATED = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def article(rng, length=1000):
    words, size = [], 0
    while size < length:
        word = rng.choice(NAMES) if rng.random() < 0.2 else rng.choice(WORDS)
        if rng.random() < 0.03:
            word = "🇻🇪"
        words.append(word)
        size += len(word) + 1
        if rng.random() < 0.07:
            words[-1] += "."
    return " ".join(words) + "."


def populate(project, start, n, labels, users, rng):
    """N more documents with their sets, spans (on words, so CoNLL keeps
    them), stances and categories, through bulk inserts: setup, not a figure."""
    docs = Document.objects.bulk_create(
        [
            Document(
                project=project,
                external_id=f"d{i}",
                text=article(rng),
                published=DAY0 + datetime.timedelta(days=i % 1000),
                outlet="TASS",
                adjudicated_at=ADJUDICATED if i % 4 == 0 else None,
            )
            for i in range(start, start + n)
        ],
        batch_size=2000,
    )
    sets = []
    for d in docs:
        for user in users[: rng.randint(1, K)]:
            sets.append(
                AnnotationSet(document=d, kind="annotator", author=user, status="submitted")
            )
        if d.adjudicated_at:
            sets.append(AnnotationSet(document=d, kind="gold", status="submitted"))
    sets = AnnotationSet.objects.bulk_create(sets, batch_size=2000)
    texts = {d.pk: d.text for d in docs}
    spans, categories = [], []
    for number, s in enumerate(sets):
        text = texts[s.document_id]
        words, position, candidates = text.split(" "), 0, []
        for word in words:
            if word.isalpha():
                candidates.append((position, position + len(word)))
            position += len(word) + 1
        for k, (begin, end) in enumerate(sorted(rng.sample(candidates, SPANS))):
            label = labels["PERSON" if k % 2 else "GPE"]
            spans.append(Span(set=s, sid=f"s{k}", start=begin, end=end, label=label))
        if number % 5 == 0:
            categories.append(SetCategory(set=s, label=labels["ECONOMY"]))
    Span.objects.bulk_create(spans, batch_size=5000)
    SetCategory.objects.bulk_create(categories, batch_size=5000)
    first_set = min(s.pk for s in sets)
    by_set = {}
    for span_id, set_id in (
        Span.objects.filter(set_id__gte=first_set)
        .order_by("set_id", "id")
        .values_list("id", "set_id")
    ):
        by_set.setdefault(set_id, []).append(span_id)
    Stance.objects.bulk_create(
        [
            Stance(
                set_id=set_id,
                sid="t0",
                holder_id=ids[0],
                target_id=ids[1],
                polarity=labels["OPPOSE"],
            )
            for set_id, ids in by_set.items()
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(exporter, project, fmt, options, in_any_order=False):
    """(bytes written, their SHA-256) of one export by `exporter`; with
    `in_any_order`, a digest of its records whatever their order (the sum of
    their SHA-256s: a date window comes in date order now, in id order
    before), kept in flat memory like the export itself."""
    stream, _ = exporter(project, fmt, options)
    digest, size = hashlib.sha256(), 0
    separator, rest, total = b"\n" if fmt == "jsonl" else b"-DOCSTART-", b"", 0
    for block in stream:
        size += len(block)
        if not in_any_order:
            digest.update(block)
            continue
        *records, rest = (rest + block).split(separator)
        for record in records:
            total += int.from_bytes(hashlib.sha256(record).digest())
    if in_any_order:
        total += int.from_bytes(hashlib.sha256(rest).digest())
        return size, f"{total:x}"
    return size, digest.hexdigest()


def database_cpu():
    """CPU seconds the database's process for this connection has used, read
    from /proc where PostgreSQL runs on this machine (None elsewhere): on a
    shared machine each side's CPU is steadier than the wall clock."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn, *args):
    """(wall seconds, this process's CPU seconds, the database's CPU seconds
    or None, queries, fn's result)."""
    gc.collect()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    database = database_cpu()
    with connection.execute_wrapper(count):
        began, cpu = time.perf_counter(), time.process_time()
        result = fn(*args)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    if database is not None:
        database = database_cpu() - database
    return seconds, cpu, database, len(queries), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument(
        "--exports",
        nargs="+",
        default=["jsonl:all", "conll:gold", "conll:all"],
        help="format:source pairs; at 2,000 documents a quarter are adjudicated: "
        "conll:gold is then 500 annotated documents",
    )
    parser.add_argument("--conll-up-to", type=int, default=2000, help="CoNLL at these sizes only")
    parser.add_argument("--baseline", default=common.EXPORT_BASELINE, help="a git revision")
    parser.add_argument("--window", action="store_true", help="also a published-date window")
    parser.add_argument("--profile", metavar="FORMAT:SOURCE")
    parser.add_argument(
        "--repeat", type=int, default=1, help="time each export this many times, keep the best"
    )
    args = parser.parse_args()
    old = common.baseline_export(args.baseline)
    implementations = (("new", export, ExportOptions), ("baseline", old.export, old.ExportOptions))
    with common.throwaway_database():
        project = Project.objects.create(name="bench")
        topic = CategoryGroup.objects.create(project=project, name="TOPIC")
        labels = {
            name: Label.objects.create(project=project, kind=kind, name=name, group=group)
            for kind, name, group in (
                ("entity", "GPE", None),
                ("entity", "PERSON", None),
                ("stance", "OPPOSE", None),
                ("category", "ECONOMY", topic),
            )
        }
        users = [get_user_model().objects.create_user(f"a{i}") for i in range(K)]
        rng = random.Random(1)
        print(f"database: {connection.vendor}; baseline: {args.baseline}")
        print(
            f"{'docs':>7} {'export':>10} {'filter':>8} {'impl':>8} {'exported':>8} {'seconds':>8} "
            f"{'docs/s':>9} {'cpu s':>6} {'db cpu':>6} {'queries':>8} {'peak MiB':>9} "
            f"{'MB out':>7}"
        )
        have = 0
        for n in sorted(args.sizes):
            populate(project, have, n - have, labels, users, rng)
            have = n
            filters = [("", {})]
            if args.window:
                # A tenth of the days: about a tenth of the documents.
                window = {"published_from": DAY0, "published_to": DAY0 + datetime.timedelta(99)}
                filters.append(("window", window))
            for pair in args.exports:
                fmt, source = pair.split(":")
                if fmt == "conll" and n > args.conll_up_to:
                    continue
                for name, extra in filters:
                    outputs = {}
                    documents = Exporter(project, ExportOptions(source=source, **extra))
                    documents = documents.documents().count()
                    for impl, fn, options_class in implementations:
                        options = options_class(source=source, **extra)
                        work = (fn, project, fmt, options, bool(extra))
                        runs = [timed(run, *work) for _ in range(args.repeat)]
                        # The best of each column: the machine is shared.
                        seconds, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
                        database = "-" if runs[0][2] is None else f"{min(r[2] for r in runs):.2f}"
                        queries, (size, digest) = runs[0][3:]
                        peak = common.peak_mib(run, *work)
                        assert size > 0, f"{impl} {fmt} wrote nothing"
                        outputs[impl] = digest
                        print(
                            f"{n:>7} {pair:>10} {name or '-':>8} {impl:>8} {documents:>8} "
                            f"{seconds:>8.3f} {documents / seconds:>9,.0f} {cpu:>6.2f} "
                            f"{database:>6} {queries:>8} "
                            f"{peak:>9.1f} {size / 1e6:>7.1f}"
                        )
                    assert outputs["new"] == outputs["baseline"], f"{pair} {name}: output differs"
        if args.profile:
            # By CPU time: on a shared machine the wall clock counts the wait for a core.
            profiler = cProfile.Profile(time.process_time)
            fmt, source = args.profile.split(":")
            profiler.runcall(run, export, project, fmt, ExportOptions(source=source))
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
            print(text.getvalue())


if __name__ == "__main__":
    main()
