"""Recommender job benchmark: the whole `train` job through the database.

The learner's synthetic news corpus with known entities
(bench/recommender_corpus.py: PERSON, ORG, GPE; ambiguous names; the open
documents are its test documents, half of whose names and sentences no
training document has) is stored as a project: `--gold` sizes of adjudicated documents
(gold sets, as an import of gold stores them) and `--open` documents not
adjudicated, on which the model suggests. For each size, in the same run:

- the learner alone on the same examples (pure, no database): train seconds;
- the whole job (`training.run`: read the gold in batches, score by
  hold-out or k-fold, train, suggest on the open documents through
  pre-annotation's path, store the version and its prediction sets in one
  transaction): seconds;
- held-out micro F1 (gold documents of the training pool, so it runs above
  what the open documents' unseen names give) and the model's size;
- suggestion throughput: documents per second of the job's suggest-and-write
  phase, beside pre-annotation with the alias suggester (the existing
  suggestion path, a registry holding every entity of the corpus) over the
  same open documents;
- the share of gold spans an annotator would have to add or fix on the open
  documents with the model's suggestions (`evaluation.fix_share`: a gold
  span not suggested exactly is added or fixed), and without (every span).

And the peak memory of loading the stored model and predicting one document,
what a web process would pay if it ever loaded one (it does not: only the
worker does).

    .venv/bin/python bench/recommender_job_bench.py
    .venv/bin/python bench/recommender_job_bench.py --gold 200,500,1000 --open 1000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/recommender_job_bench.py

Absolute times on a shared two-core machine are inflated; compare the
figures of one run with each other.
"""

import argparse
import time

import common  # sets Django up: keep it before Django and apps imports
import recommender_corpus
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from apps.actors.models import Actor
from apps.annotations.models import AnnotationSet, Span
from apps.annotations.sets import insert_rows
from apps.annotations.validation import CleanSet
from apps.documents.models import Document
from apps.mentions.preannotate import preannotate, suggest_all, write_predictions
from apps.projects.models import Job, Label, Membership, Project, Role
from apps.recommender import evaluation, learner, training
from apps.recommender.linking import ActorLinker
from apps.recommender.models import RecommenderModel, RecommenderSettings


def make_project(name, owner):
    project = Project.objects.create(
        name=name, actor_kind_labels={"person": "PERSON", "state": "GPE", "organization": "ORG"}
    )
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    for label in ("PERSON", "ORG", "GPE"):
        Label.objects.create(project=project, kind=Label.Kind.ENTITY, name=label)
    return project


def store(project, corpus, adjudicated, offset=0):
    """Documents, and for `adjudicated` ones a gold set, in bulk."""
    now = timezone.now()
    documents = Document.objects.bulk_create(
        Document(
            project=project,
            external_id=f"d{offset + i}",
            text=text,
            adjudicated_at=now if adjudicated else None,
        )
        for i, (text, _) in enumerate(corpus)
    )
    if not adjudicated:
        return documents
    sets = AnnotationSet.objects.bulk_create(
        AnnotationSet(
            document=d,
            kind=AnnotationSet.Kind.GOLD,
            status=AnnotationSet.Status.SUBMITTED,
            submitted_at=now,
        )
        for d in documents
    )
    label_ids = dict(Label.objects.filter(project=project).values_list("name", "pk"))
    rows = [
        (
            aset.pk,
            CleanSet(
                spans=[
                    {"id": f"s{j}", "start": s, "end": e, "label": label, "actor": None}
                    for j, (s, e, label) in enumerate(spans)
                ],
                stances=[],
            ),
        )
        for aset, (_, spans) in zip(sets, corpus, strict=True)
    ]
    for i in range(0, len(rows), 500):
        insert_rows(rows[i : i + 500], label_ids)
    return documents


def registry_of(project, corpus):
    """Every entity of the corpus as an actor with its name: the alias baseline's registry."""
    kinds = {"PERSON": Actor.Kind.PERSON, "GPE": Actor.Kind.STATE, "ORG": Actor.Kind.ORGANIZATION}
    names = {}
    for text, spans in corpus:
        for s, e, label in spans:
            names.setdefault(text[s:e], label)
    Actor.objects.bulk_create(
        Actor(project=project, name=name, kind=kinds[label]) for name, label in names.items()
    )
    return len(names)


def load_and_predict(data, text):
    return learner.Model.from_bytes(data).predict(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default="200,500,1000", help="gold document counts")
    parser.add_argument("--open", type=int, default=500, help="documents to suggest on")
    args = parser.parse_args()
    sizes = [int(n) for n in args.gold.split(",")]
    gold_pool = [(e.text, list(e.spans)) for _, e in recommender_corpus.build(max(sizes), seed=14)]
    open_corpus = [
        (e.text, list(e.spans)) for _, e in recommender_corpus.build(args.open, seed=14, test=True)
    ]
    corpus = gold_pool + open_corpus
    print(
        f"corpus: {len(corpus):,} documents of ~{sum(len(t) for t, _ in corpus) // len(corpus)} "
        f"characters, {sum(len(s) for _, s in corpus):,} entity spans; database "
        f"{connection.vendor}; open documents {args.open:,}"
    )
    owner = get_user_model().objects.create_user("bench-owner")
    print(
        f"{'gold':>6} {'learner s':>10} {'job s':>8} {'F1':>6} "
        f"{'size KB':>8} {'sugg docs/s':>12} {'alias docs/s':>13} {'work with':>10} {'without':>8}"
    )
    for size in sizes:
        project = make_project(f"bench {size}", owner)
        RecommenderSettings.objects.create(project=project, enabled=True, threshold=0.0)
        gold_corpus = gold_pool[:size]
        store(project, gold_corpus, adjudicated=True)
        open_documents = store(project, open_corpus, adjudicated=False, offset=len(corpus))

        examples = [learner.Example(t, spans=tuple(s)) for t, s in gold_corpus]
        start = time.perf_counter()
        learner.train(examples, ["GPE", "ORG", "PERSON"], seed=0)
        bare = time.perf_counter() - start

        job = Job.objects.create(
            project=project, kind="train", handler=training.HANDLER, created_by=owner
        )
        job.status = Job.Status.RUNNING
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
        job.progress_writer = None
        start = time.perf_counter()
        training.run(job)
        whole = time.perf_counter() - start
        model = RecommenderModel.objects.get(project=project)

        # The suggest-and-write phase alone, with the stored model, as the job
        # runs it (pre-annotation's path), under a source of its own.
        restored = learner.Model.from_bytes(bytes(model.data))
        ids = [d.pk for d in open_documents]
        start = time.perf_counter()
        suggester = training.RecommenderSuggester(restored, ActorLinker(), "bench-model")
        cleaned, schema = suggest_all(project, suggester, ids)
        write_predictions(project, suggester.name, cleaned, schema.label_ids)
        predict = time.perf_counter() - start
        by_doc = {}
        for document_id, s, e, label in Span.objects.filter(
            set__document__in=open_documents, set__source=model.source
        ).values_list("set__document_id", "start", "end", "label__name"):
            by_doc.setdefault(document_id, set()).add((s, e, label))
        suggested = [sorted(by_doc.get(d.pk, ())) for d in open_documents]
        work = evaluation.fix_share([spans for _, spans in open_corpus], suggested)

        registry_of(project, corpus)
        start = time.perf_counter()
        preannotate(project, document_ids=ids)
        alias = time.perf_counter() - start

        print(
            f"{size:>6,} {bare:>10.1f} {whole:>8.1f} "
            f"{model.micro_f1:>6.3f} {model.size / 1024:>8.0f} "
            f"{args.open / predict:>12,.0f} {args.open / alias:>13,.0f} "
            f"{work['add_or_fix_share']:>10.0%} {1:>8.0%}"
        )
        if size == sizes[-1]:
            peak = common.peak_mib(load_and_predict, bytes(model.data), open_corpus[0][0])
            print(
                f"loading the {size:,}-document model and predicting one document: peak "
                f"{peak:.1f} MiB of Python allocations (the web process never loads it: "
                "only the worker trains and suggests)"
            )
    print(
        "learner s: learner.train alone on every gold document; job s: the whole train job "
        "(k-fold under 50 documents, else the stored model learns from four fifths and is "
        "scored on the fifth held out; then it suggests on the open documents); F1: held out; "
        "sugg docs/s: "
        "the stored model suggesting on the open documents through pre-annotation's path (read, "
        "predict, validate, write); alias docs/s: the same path with the alias matcher; "
        "work: the share of gold spans to add or fix on the open documents, with the model's "
        "suggestions and without any"
    )


if __name__ == "__main__":
    with common.throwaway_database():
        main()
