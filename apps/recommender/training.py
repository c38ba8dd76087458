"""Training the project's recommender: the `train` job and what it stores.

One run, all or nothing:

1. *Read* the training data in batches of documents: every adjudicated
   document's gold set, and, when the owners chose so, the submitted
   annotator sets of documents not adjudicated yet; only the chosen entity
   labels.
2. *Score* on documents the model does not see (`evaluation.py`): a
   held-out fifth of the gold documents, or k-fold over them when the
   project has fewer than SMALL_PROJECT gold documents. Annotator sets are
   training data only, never of a held-out document.
3. *Train* the model that is stored: on the training part (hold-out, so the
   scores are the stored model's own), or on every document (k-fold).
4. *Suggest*, when the model passes the owners' threshold: pre-annotation's
   own path (`suggest_all` validates, `write_predictions` stores) over the
   documents not adjudicated, as prediction sets of source
   ``recommender-v<version>``, each span with the model's confidence
   (`score`) and, where the registry or past gold links say so, an actor.
5. *Store*, in one transaction with the job's outcome (`finish_within`):
   the new RecommenderModel row, its prediction sets, the removal of the
   previous version's sets, the previous version retired. A failed or
   killed run stores none of it: the previous version stays in use.

The previous version's suggestions are measured before they are replaced
(review/outcomes.py): how many the annotators' and the gold sets accepted
(a span equal to one) and rejected (AnnotationSet.rejected_predictions),
kept with the new version.
"""

import time
from collections import Counter

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.actors.registry import registry_actors
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import SPAN_COLUMNS, delete_sets, load_contents
from apps.documents.models import Document
from apps.mentions.preannotate import PreannotateError, suggest_all, write_predictions
from apps.projects.errors import Conflict, Invalid
from apps.projects.jobs import JobError, finish_within, start_job
from apps.projects.models import Job, Label
from apps.review.outcomes import suggestion_outcomes_of

from . import evaluation, learner
from .linking import ActorLinker, past_links
from .models import SOURCE_PREFIX, RecommenderModel, RecommenderSettings, source_of

KIND = "train"
HANDLER = "apps.recommender.training.run"
BATCH = 500
# Below this many gold documents the scores come from k-fold, not a hold-out.
SMALL_PROJECT = 50
FOLDS = 5
HELD_OUT = 0.2
# Fewer adjudicated documents than this: nothing to learn from or score on.
MIN_DOCUMENTS = 5
SEED = 0


class TrainingRunning(Conflict):
    """A training of this project is queued or running already (409)."""


def settings_of(project):
    """The project's RecommenderSettings: its row, or the defaults unsaved."""
    found = RecommenderSettings.objects.filter(project=project).first()
    return found or RecommenderSettings(project=project)


def chosen_labels(project, recommender):
    """The entity label names the recommender learns, sorted: those chosen,
    else every entity label of the project."""
    labels = Label.objects.filter(project=project, kind=Label.Kind.ENTITY)
    if recommender.pk:
        chosen = recommender.labels.all()
        if chosen.exists():
            labels = labels.filter(pk__in=chosen)
    return sorted(labels.values_list("name", flat=True))


def running_training(project):
    return (
        Job.objects.filter(
            project=project, kind=KIND, status__in=[Job.Status.PENDING, Job.Status.RUNNING]
        )
        .order_by("pk")
        .first()
    )


def start_training(project, user=None, reason="on demand"):
    """Queue a training of `project`; TrainingRunning when one is queued or
    running. Checked and started under a lock on the project's settings row,
    so two requests at once start one job."""
    with transaction.atomic():
        recommender, _ = RecommenderSettings.objects.get_or_create(project=project)
        RecommenderSettings.objects.select_for_update().filter(pk=recommender.pk).first()
        running = running_training(project)
        if running is not None:
            raise TrainingRunning(
                f"Training job {running.pk} of this project is {running.status}; "
                "wait for it to end before starting another."
            )
        return start_job(project, KIND, HANDLER, {"reason": reason}, user)


# --------------------------------------------------------------------------- reading


class TrainingData:
    """What a training reads: per document its text and examples."""

    def __init__(self):
        self.gold = {}  # document id -> Example
        self.submitted = {}  # document id -> [Example]
        self.gold_sets = []
        self.submitted_sets = []
        self.linked = []  # (text, [(start, end, actor)]) of gold sets

    def examples(self, documents):
        """The examples of these gold documents, and the annotator sets of the
        documents that have no gold set."""
        out = [self.gold[d] for d in documents]
        for examples in self.submitted.values():
            out.extend(examples)
        return out

    def spans_per_label(self, examples):
        return dict(sorted(Counter(s[2] for e in examples for s in e.spans).items()))


# Where load_contents puts each field of a span row.
START, END, LABEL, ACTOR = (
    SPAN_COLUMNS.index(c) for c in ("start", "end", "label__name", "actor_id")
)


def _sets(project, kind, labels, data, progress=None):
    if kind == AnnotationSet.Kind.GOLD:
        sets = AnnotationSet.objects.filter(
            document__project=project,
            kind=AnnotationSet.Kind.GOLD,
            document__adjudicated_at__isnull=False,
        )
    else:
        sets = AnnotationSet.objects.filter(
            document__project=project,
            kind=AnnotationSet.Kind.ANNOTATOR,
            status=AnnotationSet.Status.SUBMITTED,
            document__adjudicated_at__isnull=True,
        )
    rows = list(sets.order_by("document_id", "id").values_list("id", "document_id"))
    wanted = set(labels)
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        set_ids = [set_id for set_id, _ in chunk]
        texts = dict(
            Document.objects.filter(pk__in={d for _, d in chunk}).values_list("pk", "text")
        )
        contents = load_contents(set_ids)
        for set_id, document_id in chunk:
            text = texts.get(document_id)
            if text is None:
                continue  # deleted meanwhile
            span_rows = contents[set_id].spans if set_id in contents else []
            spans = tuple(
                (row[START], row[END], row[LABEL]) for row in span_rows if row[LABEL] in wanted
            )
            example = learner.Example(text, spans=spans)
            if kind == AnnotationSet.Kind.GOLD:
                data.gold[document_id] = example
                data.gold_sets.append(set_id)
                data.linked.append(
                    (text, [(row[START], row[END], row[ACTOR]) for row in span_rows])
                )
            else:
                data.submitted.setdefault(document_id, []).append(example)
                data.submitted_sets.append(set_id)
        if progress:
            progress(min(i + BATCH, len(rows)), len(rows))


def read_training_data(project, recommender, labels, progress=None):
    data = TrainingData()
    _sets(project, AnnotationSet.Kind.GOLD, labels, data, progress)
    if recommender.include_submitted:
        _sets(project, AnnotationSet.Kind.ANNOTATOR, labels, data)
    return data


# --------------------------------------------------------------------------- scoring


def fit(data, labels, progress=None):
    """(model, scores, training documents): scored on documents it did not
    see, trained on the documents whose model is kept. LearnerError when the
    data cannot be learned from.

    Under SMALL_PROJECT gold documents the scores are k-fold's over the gold
    documents alone (evaluation.cross_validate), and the stored model learns
    from all of them and the chosen annotator sets; else one held-out fifth
    of the gold documents is scored by the stored model, which learned from
    the rest and the annotator sets."""
    documents = sorted(data.gold)
    if len(documents) < SMALL_PROJECT:
        folds = min(FOLDS, len(documents))
        scores = evaluation.cross_validate(
            [data.gold[d] for d in documents], labels, k=folds, seed=SEED
        )
        scores = {
            "method": "k-fold",
            "folds": scores.pop("k"),
            "held_out": len(documents),
            **scores,
        }
        if progress:
            progress(0.5)
        model = learner.train(data.examples(documents), labels, seed=SEED)
        return model, scores, documents
    train_ids, held_out = evaluation.split(documents, HELD_OUT, SEED)
    model = learner.train(data.examples(train_ids), labels, seed=SEED)
    if progress:
        progress(0.8)
    predicted = model.predict_many([data.gold[d].text for d in held_out])
    scores = evaluation.score(
        [data.gold[d].spans for d in held_out], [p.spans for p in predicted], labels
    )
    scores = {"method": "held-out", "folds": 1, "held_out": len(held_out), **scores}
    return model, scores, list(train_ids)


def micro_f1(scores):
    micro = (scores or {}).get("micro") or {}
    value = micro.get("f1")
    return float(value) if value is not None else None


def acceptance_of(project, version):
    """How the sets that reviewed `version`'s suggestions took them
    (review.outcomes: every submitted annotator set and the gold set of each
    document it suggested on): ``{"source", "accepted", "rejected", "left",
    "acceptance"}``, acceptance being accepted / (accepted + rejected), None
    when none was accepted or rejected; None when no set reviewed any."""
    source = source_of(version)
    documents = AnnotationSet.objects.filter(
        document__project=project, kind=AnnotationSet.Kind.PREDICTION, source=source
    ).values("document_id")
    counts = suggestion_outcomes_of(documents, [source]).get(source)
    if counts is None:
        return None
    decided = counts["accepted"] + counts["rejected"]
    return {
        "source": source,
        **counts,
        "acceptance": counts["accepted"] / decided if decided else None,
    }


# --------------------------------------------------------------------------- suggesting


class RecommenderSuggester:
    """The trained model as a suggester (apps/actors/suggesters.py's
    interface): spans with `score`, and an actor where linking finds one;
    each document's uncertainty is kept in `uncertainty`."""

    def __init__(self, model, linker, source):
        self.model = model
        self.linker = linker
        self.name = source
        self.uncertainty = {}

    def __call__(self, document, registry):
        prediction = self.model.predict(document["text"])
        self.uncertainty[document["id"]] = prediction.uncertainty
        spans = []
        for span in prediction.spans:
            actor, _ = self.linker.link(document["text"][span["start"] : span["end"]])
            spans.append(
                {
                    "start": span["start"],
                    "end": span["end"],
                    "label": span["label"],
                    "actor": actor,
                    "score": round(float(span["confidence"]), 4),
                }
            )
        return spans


def unadjudicated(project):
    return list(
        Document.objects.filter(project=project, adjudicated_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _remove_older_sets(project, keep_source):
    old = AnnotationSet.objects.filter(
        document__project=project,
        kind=AnnotationSet.Kind.PREDICTION,
        source__startswith=SOURCE_PREFIX,
    ).exclude(source=keep_source)
    rows = list(old.values_list("pk", "document_id"))
    for i in range(0, len(rows), BATCH):
        delete_sets(rows[i : i + BATCH])
    return len(rows)


def withdraw_suggestions(project):
    """Remove the prediction sets of every recommender version: switched
    off, its suggestions leave the workspaces at once (annotators' sets and
    their rejections stay). The next training once it is on writes them again."""
    return _remove_older_sets(project, keep_source="")


# --------------------------------------------------------------------------- the job


def run(job, reason="on demand"):
    """The `train` job's handler."""
    project = job.project
    other = (
        Job.objects.filter(project=project, kind=KIND, status=Job.Status.RUNNING)
        .exclude(pk=job.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if other is not None:  # a failed training retried by hand while another runs
        raise JobError(f"Training job {other} of this project is running; try again once it ends.")
    started = time.monotonic()
    read_at = timezone.now()
    recommender = settings_of(project)
    labels = chosen_labels(project, recommender)
    if not labels:
        raise JobError("This project has no entity label to learn; add one first.")

    def stage(start, width):
        return lambda done, total=1: job.set_progress(start + width * done / (total or 1), 1)

    data = read_training_data(project, recommender, labels, stage(0.0, 0.1))
    if len(data.gold) < MIN_DOCUMENTS:
        raise JobError(too_few(len(data.gold)))
    try:
        model, scores, trained_on = fit(data, labels, stage(0.1, 0.5))
    except learner.LearnerError as exc:
        raise JobError(f"Training failed: {exc}") from exc
    seconds = time.monotonic() - started
    job.set_progress(0.6, 1)
    blob = model.to_bytes()
    f1 = micro_f1(scores)
    passes = recommender.enabled and f1 is not None and f1 >= recommender.threshold
    examples = data.examples(trained_on)
    previous = RecommenderModel.objects.filter(
        project=project, status=RecommenderModel.Status.ACTIVE
    ).first()
    acceptance = acceptance_of(project, previous.version) if previous else None
    if acceptance is not None:
        acceptance = {"version": previous.version, **acceptance}

    cleaned = schema = suggester = None
    version_guess = _next_version(project)
    if passes:
        linker = ActorLinker(past_links(data.linked), registry_actors(project))
        suggester = RecommenderSuggester(model, linker, source_of(version_guess))
        try:
            cleaned, schema = suggest_all(
                project, suggester, unadjudicated(project), stage(0.6, 0.3)
            )
        except PreannotateError as exc:
            raise JobError(str(exc)) from exc

    with transaction.atomic():
        RecommenderSettings.objects.select_for_update().filter(project=project).first()
        version = _next_version(project)
        if version != version_guess:
            raise JobError("Another training stored a version meanwhile; start this one again.")
        why_not = ""
        if not recommender.enabled:
            why_not = "The recommender is switched off: its suggestions are not shown."
        elif not passes:
            shown = "no score" if f1 is None else f"micro F1 {f1:.2f}"
            why_not = (
                f"{shown} is under the threshold {recommender.threshold:.2f}: "
                "its suggestions are not shown."
            )
        row = RecommenderModel(
            project=project,
            version=version,
            status=RecommenderModel.Status.ACTIVE
            if passes
            else RecommenderModel.Status.BELOW_THRESHOLD,
            job=job,
            data=blob,
            size=len(blob),
            labels=labels,
            training_sets={"gold": data.gold_sets, "submitted": data.submitted_sets},
            documents=len(trained_on),
            spans_per_label=data.spans_per_label(examples),
            scores=scores,
            micro_f1=f1,
            previous_acceptance=acceptance,
            train_seconds=round(seconds, 3),
            data_read_at=read_at,
            error=why_not,
        )
        written = None
        if passes:
            RecommenderModel.objects.filter(
                project=project, status=RecommenderModel.Status.ACTIVE
            ).update(status=RecommenderModel.Status.RETIRED)
            row.save()
            try:
                written = write_predictions(
                    project,
                    row.source,
                    cleaned,
                    schema.label_ids,
                    uncertainty=suggester.uncertainty,
                )
            except PreannotateError as exc:
                raise JobError(str(exc)) from exc
            written["removed_older"] = _remove_older_sets(project, row.source)
            written["documents"] = len(cleaned)
            row.suggestions = written
            row.save(update_fields=["suggestions"])
        else:
            row.save()
        result = {
            "version": version,
            "status": row.status,
            "micro_f1": f1,
            "documents": row.documents,
            "size": row.size,
            "train_seconds": row.train_seconds,
            "suggestions": written,
            "reason": reason,
        }
        finish_within(job, result)
    return result


def _next_version(project):
    top = RecommenderModel.objects.filter(project=project).aggregate(top=Max("version"))["top"]
    return (top or 0) + 1


def check_can_train(project):
    """Invalid when a training could not start: no entity label, or fewer
    than MIN_DOCUMENTS adjudicated documents (the job checks again)."""
    if not Label.objects.filter(project=project, kind=Label.Kind.ENTITY).exists():
        raise Invalid("This project has no entity label to learn; add one first.", field=None)
    adjudicated = Document.objects.filter(project=project, adjudicated_at__isnull=False).count()
    if adjudicated < MIN_DOCUMENTS:
        raise Invalid(too_few(adjudicated), field=None)


def too_few(documents):
    return (
        f"The recommender learns from adjudicated documents: this project has "
        f"{documents}, it needs at least {MIN_DOCUMENTS}."
    )
