"""Export benchmark: the streamed export against a naive build-it-in-memory export.

Exports N documents (about 1,560 characters, 20 gold entity spans and 2
stances each) in jsonl and conll, as the export endpoint streams them
(apps/datasets/export.py: keyset chunks, five queries a chunk, a generator
writer), and as a naive export does (the documents, then each document's gold
set, spans and stances by their own queries, the whole file built in memory).
Time is measured without tracing; peak memory in a second run under
tracemalloc (Python allocations, including the database driver's rows).

    .venv/bin/python bench/export_bench.py                       # 2,000 and 10,000 on SQLite
    .venv/bin/python bench/export_bench.py --sizes 2000 10000 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=bench_export \\
        .venv/bin/python bench/export_bench.py
"""

import argparse
import gc
import json
import random
import time

import common  # sets Django up: keep it before Django and apps imports
from django.db import connection
from django.utils import timezone

from apps.annotations.models import AnnotationSet, Span, Stance
from apps.datasets.export import ExportOptions, export
from apps.documents.models import Document
from apps.documents.text import iob2_tags, split_sentences
from apps.projects.models import Label, Project

WORDS = [
    "the",
    "minister",
    "said",
    "government",
    "talks",
    "sanctions",
    "oil",
    "exports",
    "border",
    "security",
    "council",
]
NAMES = ["Nicolás", "Rodríguez", "Caracas", "Moscow", "Brasília", "Quốc", "São", "Zürich"]
SPANS_PER_DOC = 20


def article(rng, length=1560):
    words, size = [], 0
    while size < length:
        word = rng.choice(NAMES) if rng.random() < 0.15 else rng.choice(WORDS)
        if rng.random() < 0.04:
            word = "🇻🇪"
        words.append(word)
        size += len(word) + 1
        if rng.random() < 0.07:
            words[-1] += "."
    return " ".join(words)[:length].rsplit(" ", 1)[0] + "."


def populate(project, n, start, labels, rng):
    # Gold exports take adjudicated documents only.
    adjudicated = timezone.now()
    docs = [
        Document(
            project=project,
            external_id=f"d{i}",
            text=article(rng),
            published="2024-05-01",
            adjudicated_at=adjudicated,
        )
        for i in range(start, start + n)
    ]
    Document.objects.bulk_create(docs, batch_size=1000)
    docs = list(
        Document.objects.filter(project=project, external_id__in=[d.external_id for d in docs])
    )
    sets = AnnotationSet.objects.bulk_create(
        [AnnotationSet(document=d, kind="gold", status="submitted") for d in docs], batch_size=1000
    )
    spans = []
    for d, s in zip(docs, sets, strict=True):
        position, k = 0, 0
        words = d.text.split(" ")
        # The first alphabetic word at or after each step: words ending a
        # sentence ("oil.") or flags are not spans, and skipping them outright
        # left documents short of SPANS_PER_DOC (about 18 on average).
        step = max(len(words) // (SPANS_PER_DOC + 1), 1)
        for index, word in enumerate(words):
            if k < SPANS_PER_DOC and index >= k * step and word.isalpha():
                k += 1
                spans.append(
                    Span(
                        set=s,
                        sid=f"s{k}",
                        start=position,
                        end=position + len(word),
                        label=labels["GPE"],
                    )
                )
            position += len(word) + 1
    Span.objects.bulk_create(spans, batch_size=2000)
    by_set = {}
    for span in Span.objects.filter(set__in=sets).values("id", "set_id").order_by("set_id", "id"):
        by_set.setdefault(span["set_id"], []).append(span["id"])
    stances = []
    for set_id, ids in by_set.items():
        for k in range(min(2, len(ids) // 2)):
            stances.append(
                Stance(
                    set_id=set_id,
                    sid=f"t{k}",
                    holder_id=ids[2 * k],
                    target_id=ids[2 * k + 1],
                    polarity=labels["OPPOSE"],
                )
            )
    Stance.objects.bulk_create(stances, batch_size=2000)
    return len(spans)


def streamed(project, fmt):
    stream, _ = export(project, fmt, ExportOptions())
    size = 0
    for block in stream:
        size += len(block)
    return size


def naive(project, fmt):
    """What an export without chunks and prefetching does: queries per document, all in memory."""
    out = []
    for document in Document.objects.filter(project=project).order_by("id"):
        gold = document.annotation_sets.filter(kind="gold").first()
        if gold is None:
            continue
        spans = list(gold.spans.select_related("label").order_by("start"))
        stances = list(gold.stances.select_related("holder", "target", "polarity"))
        if fmt == "jsonl":
            out.append(
                json.dumps(
                    {
                        "id": document.external_id,
                        "text": document.text,
                        "spans": [
                            {
                                "id": s.sid,
                                "start": s.start,
                                "end": s.end,
                                "label": s.label.name,
                                "text": document.text[s.start : s.end],
                            }
                            for s in spans
                        ],
                        "stances": [
                            {
                                "id": t.sid,
                                "holder": t.holder.sid,
                                "target": t.target.sid,
                                "polarity": t.polarity.name,
                            }
                            for t in stances
                        ],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
        else:
            sentences = split_sentences(document.text)
            tokens = [t for s in sentences for t in s.tokens]
            tags, _ = iob2_tags(tokens, [(s.start, s.end, s.label.name) for s in spans])
            lines, k = ["-DOCSTART- -X- -X- O\n\n"], 0
            for sentence in sentences:
                for token in sentence.tokens:
                    lines.append(f"{token.text} -X- -X- {tags[k]}\n")
                    k += 1
                lines.append("\n")
            out.append("".join(lines))
    return len("".join(out).encode("utf-8"))


def measure(fn, project, fmt):
    gc.collect()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        size = fn(project, fmt)
        seconds = time.perf_counter() - started
    return seconds, common.peak_mib(fn, project, fmt), len(queries), size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--skip-naive-above", type=int, default=10000)
    args = parser.parse_args()
    with common.throwaway_database():
        project = Project.objects.create(name="bench")
        labels = {}
        for kind, name in (("entity", "GPE"), ("stance", "OPPOSE"), ("stance", "SUPPORT")):
            labels[name] = Label.objects.create(project=project, kind=kind, name=name)
        rng = random.Random(1)
        have, spans = 0, 0
        print(f"database: {connection.vendor}")
        print(
            f"{'docs':>7} {'spans':>8} {'format':>6} {'impl':>8} {'seconds':>8} {'peak MiB':>9} "
            f"{'queries':>8} {'MB out':>7} {'spans/s':>9}"
        )
        for n in sorted(args.sizes):
            spans += populate(project, n - have, have, labels, rng)
            have = n
            if spans != n * SPANS_PER_DOC:
                print(f"warning: {spans / n:.2f} spans per document, not {SPANS_PER_DOC}")
            for fmt in ("jsonl", "conll"):
                impls = [("streamed", streamed)]
                if n <= args.skip_naive_above:
                    impls.append(("naive", naive))
                for name, fn in impls:
                    seconds, peak, queries, size = measure(fn, project, fmt)
                    # A figure for an export that wrote nothing would mislead.
                    assert size > spans, f"{name} {fmt} wrote only {size} bytes"
                    print(
                        f"{n:>7} {spans:>8} {fmt:>6} {name:>8} {seconds:>8.3f} {peak:>9.1f} "
                        f"{queries:>8} {size / 1e6:>7.1f} {spans / seconds:>9,.0f}"
                    )


if __name__ == "__main__":
    main()
