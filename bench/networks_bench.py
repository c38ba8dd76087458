"""Claims-network benchmark: congruence and conflict networks of N documents
× 5 stances on concepts, over 500 actors and 100 concepts.

Three measurements in one run, each timed without tracing and then its peak
memory measured in a second run under tracemalloc (Python allocations):

- ``core``: the pure core (apps/datasets/networks.py): the statements of
  generated export records (``statements_of``, a stream) into a ``Tally``,
  then its congruence and conflict edges;
- ``naive``: the same networks the way a first implementation builds them,
  all pairs of actors, each pair comparing every position of one with every
  position of the other (O(actors² × positions²)); it only runs up to
  ``--naive-max`` documents, as it takes minutes beyond;
- ``export``: the claims-network export (affiliation, congruence and
  conflict as GraphML and CSV in a zip) from a database holding the same
  documents as gold, through apps/datasets/export.py.

    .venv/bin/python bench/networks_bench.py                    # 2,000 and 10,000 on SQLite
    .venv/bin/python bench/networks_bench.py --sizes 10000 --naive-max 1000
"""

import argparse
import datetime
import random
import time
from collections import defaultdict
from itertools import combinations

import common  # sets Django up: keep it before Django and apps imports
from django.db import connection
from django.utils import timezone

from apps.actors.models import Actor, Concept
from apps.annotations.models import AnnotationSet, Span, Stance
from apps.datasets import networks
from apps.datasets.export import ExportOptions, export
from apps.datasets.formats.records import (
    ActorRecord,
    ConceptRecord,
    DocumentRecord,
    ExportContext,
    SetRecord,
    SpanRecord,
    StanceRecord,
)
from apps.documents.models import Document
from apps.projects.models import Label, Project

ACTORS, CONCEPTS, CLAIMS = 500, 100, 5
POLARITIES = ("SUPPORT", "OPPOSE", "NEUTRAL")
# Five holders a document: "a0 a1 a2 a3 a4 said." with a span on each word.
TEXT = " ".join(f"h{k}" for k in range(CLAIMS)) + " said."
DAY0 = datetime.date(2023, 1, 1)


def plan(n, rng):
    """Per document: its date and its claims (actor index, concept index, polarity)."""
    return [
        (
            DAY0 + datetime.timedelta(days=rng.randrange(3 * 365)),
            [
                (rng.randrange(ACTORS), rng.randrange(CONCEPTS), rng.choice(POLARITIES))
                for _ in range(CLAIMS)
            ],
        )
        for _ in range(n)
    ]


def context():
    return ExportContext(
        actors={i: ActorRecord(i, f"actor {i}") for i in range(ACTORS)},
        concepts={i: ConceptRecord(i, f"concept {i}") for i in range(CONCEPTS)},
    )


def records(documents):
    """Export records of the planned documents, made one at a time."""
    for number, (date, claims) in enumerate(documents):
        aset = SetRecord("gold", "gold")
        for k, (actor, concept, polarity) in enumerate(claims):
            aset.spans.append(SpanRecord(f"s{k}", 3 * k, 3 * k + 2, "PERSON", actor))
            aset.stances.append(StanceRecord(f"t{k}", f"s{k}", None, polarity, None, concept))
        yield DocumentRecord(
            number, f"d{number}", TEXT, "", len(TEXT), published=date.isoformat(), sets=[aset]
        )


def core(documents):
    tally = networks.Tally(networks.statements_of(records(documents), context()))
    return len(tally.congruence()), len(tally.conflict())


def naive(documents):
    """All pairs of actors, every position against every position."""
    statements = list(networks.statements_of(records(documents), context()))
    held = defaultdict(set)
    for s in statements:
        held[s.actor].add((s.concept, s.position))
    congruence = conflict = 0
    for a, b in combinations(sorted(held), 2):
        if {c for c, _ in held[a] & held[b]}:
            congruence += 1
        disputed = {
            c
            for c, p in held[a]
            for other_c, q in held[b]
            if c == other_c and (p, q) in networks.OPPOSITES
        }
        if disputed:
            conflict += 1
    return congruence, conflict


def populate(project, documents, start, labels, actor_ids, concept_ids):
    adjudicated = timezone.now()
    docs = Document.objects.bulk_create(
        [
            Document(
                project=project,
                external_id=f"d{start + i}",
                text=TEXT,
                published=date,
                adjudicated_at=adjudicated,
            )
            for i, (date, _) in enumerate(documents)
        ],
        batch_size=1000,
    )
    docs = list(
        Document.objects.filter(project=project, external_id__in=[d.external_id for d in docs])
        .order_by("id")
        .only("id")
    )
    sets = AnnotationSet.objects.bulk_create(
        [AnnotationSet(document=d, kind="gold", status="submitted") for d in docs], batch_size=1000
    )
    spans = [
        Span(
            set=s,
            sid=f"s{k}",
            start=3 * k,
            end=3 * k + 2,
            label=labels["PERSON"],
            actor_id=actor_ids[actor],
        )
        for s, (_, claims) in zip(sets, documents, strict=True)
        for k, (actor, _, _) in enumerate(claims)
    ]
    Span.objects.bulk_create(spans, batch_size=2000)
    holders = defaultdict(dict)
    for span_id, set_id, sid in Span.objects.filter(set__in=sets).values_list(
        "id", "set_id", "sid"
    ):
        holders[set_id][sid] = span_id
    Stance.objects.bulk_create(
        [
            Stance(
                set_id=s.pk,
                sid=f"t{k}",
                holder_id=holders[s.pk][f"s{k}"],
                concept_id=concept_ids[concept],
                polarity=labels[polarity],
            )
            for s, (_, claims) in zip(sets, documents, strict=True)
            for k, (_, concept, polarity) in enumerate(claims)
        ],
        batch_size=2000,
    )


def through_export(project):
    stream, context = export(project, "claims-network", ExportOptions())
    size = sum(len(block) for block in stream)
    summary = context.report["claims_network"]["windows"]["all"]
    return summary["congruence"], summary["conflict"], size


def measure(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - started
    return seconds, common.peak_mib(fn, *args), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--naive-max", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(13)
    everything = plan(max(args.sizes), rng)
    with common.throwaway_database():
        project = Project.objects.create(name="bench")
        labels = {
            name: Label.objects.create(project=project, kind=kind, name=name)
            for kind, name in (("entity", "PERSON"), *(("stance", p) for p in POLARITIES))
        }
        actor_ids = [
            a.pk
            for a in Actor.objects.bulk_create(
                Actor(project=project, name=f"actor {i}") for i in range(ACTORS)
            )
        ]
        concept_ids = [
            c.pk
            for c in Concept.objects.bulk_create(
                Concept(project=project, name=f"concept {i}") for i in range(CONCEPTS)
            )
        ]
        print(f"database: {connection.vendor}; {ACTORS} actors, {CONCEPTS} concepts")
        print(
            f"{'docs':>7} {'claims':>7} {'impl':>7} {'seconds':>8} {'peak MiB':>9} "
            f"{'congruence':>11} {'conflict':>9}"
        )
        have = 0
        for n in sorted(args.sizes):
            documents = everything[:n]
            populate(project, everything[have:n], have, labels, actor_ids, concept_ids)
            have = n
            rows = [("core", core, documents), ("export", through_export, project)]
            if n <= args.naive_max:
                rows.insert(1, ("naive", naive, documents))
            results = {}
            for name, fn, arg in rows:
                seconds, peak, result = measure(fn, arg)
                results[name] = result[:2]
                print(
                    f"{n:>7} {n * CLAIMS:>7} {name:>7} {seconds:>8.3f} {peak:>9.1f} "
                    f"{result[0]:>11,} {result[1]:>9,}"
                )
            # The three ways must agree, or the timings compare different work.
            assert len(set(results.values())) == 1, results


if __name__ == "__main__":
    main()
