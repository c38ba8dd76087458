"""The review queue and agreement-driven routing.

A document enters the queue when the annotators it wants (the project's k, or
more when routing asked for more) have submitted, and leaves it when it is
adjudicated. Its disagreement score (agreement.disagreement_score: 1 − exact
F1 over spans and stances among its annotators) is stored on the document
(Document.disagreement) by rescore() wherever its submitted sets change, so
a page of the queue is a walk of the index document_review_queue, however
many documents wait.

The queue can also be ordered by the model's disagreement with the
annotators (``sort=model``): agreement.model_disagreement of the prediction
set of one source, stored in ModelDisagreement by refresh_model_scores in
every write that changes it, so that order too is a walk of an index
(model_disagreement_queue), however many documents wait.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef

from apps.annotations.models import AnnotationSet, Span
from apps.documents.models import DISAGREEMENT_KEY, REVIEWABLE, Document
from apps.projects.errors import Invalid

from .agreement import disagreement_score, model_scores
from .loading import submitted_sets
from .models import ModelDisagreement

# How the queue may be ordered: by the annotators' disagreement among
# themselves, or by the model's disagreement with them.
SORTS = ("disagreement", "model")


def queue_documents(project):
    """Documents awaiting review (not yet scored ones included)."""
    # The condition of the partial index document_reviewable: the queue
    # reads only the documents in it, however large the project.
    return Document.objects.filter(REVIEWABLE, project=project)


# Documents rescored per round of queries: their sets are loaded at once.
RESCORE_CHUNK = 1000


def rescore(documents):
    """Store the disagreement score of each of `documents` (ids, or a
    queryset) from its submitted sets; called inside the transaction of
    every write that changes those sets (submission, imports, restore,
    recount) and by ``manage.py rescore``, with their model disagreement
    (refresh_model_scores). The same few queries per RESCORE_CHUNK
    documents, however many sets; returns how many were rescored."""
    if not isinstance(documents, (list, tuple, set)):
        documents = documents.order_by().values_list("pk", flat=True)
    ids = sorted(set(documents))
    for first in range(0, len(ids), RESCORE_CHUNK):
        chunk = ids[first : first + RESCORE_CHUNK]
        _store_disagreement(chunk)
        refresh_model_scores(chunk)
    return len(ids)


def _store_disagreement(chunk):
    sets = submitted_sets(chunk)
    Document.objects.bulk_update(
        [Document(pk=pk, disagreement=disagreement_score(sets.get(pk, {}))) for pk in chunk],
        ["disagreement"],
    )


def refresh_model_scores(documents):
    """Store the model disagreement of every prediction set of `documents`
    (ids): one ModelDisagreement row per document and prediction source,
    none for a source whose set is gone. Called inside the transaction of
    every write that changes them: prediction sets written, replaced or
    deleted (the signal prediction_sets_changed), submitted sets changing
    (rescore, routing). Five queries per RESCORE_CHUNK documents, two when
    none has a prediction set."""
    ids = sorted(set(documents))
    for first in range(0, len(ids), RESCORE_CHUNK):
        chunk = ids[first : first + RESCORE_CHUNK]
        predictions = list(
            AnnotationSet.objects.filter(document_id__in=chunk, kind=AnnotationSet.Kind.PREDICTION)
            .order_by()
            .values_list(
                "id",
                "document_id",
                "source",
                "version",
                "document__project_id",
                "document__submitted_count",
                "document__reviewable",
            )
        )
        # The rows of sources whose set is gone; the others are written over.
        kept = AnnotationSet.objects.filter(
            document=OuterRef("document"),
            kind=AnnotationSet.Kind.PREDICTION,
            source=OuterRef("source"),
        )
        ModelDisagreement.objects.filter(document_id__in=chunk).filter(~Exists(kept)).delete()
        if not predictions:
            continue
        predicted = sorted({row[1] for row in predictions})
        submitted = list(
            AnnotationSet.objects.filter(
                document_id__in=predicted,
                kind=AnnotationSet.Kind.ANNOTATOR,
                status=AnnotationSet.Status.SUBMITTED,
            )
            .order_by()
            .values_list("id", "document_id")
        )
        spans = defaultdict(list)
        for set_id, start, end, label in (
            Span.objects.filter(set_id__in=[row[0] for row in predictions + submitted])
            .order_by()
            .values_list("set_id", "start", "end", "label__name")
        ):
            spans[set_id].append((start, end, label))
        scores = model_scores([row[:2] for row in predictions], submitted, spans)
        ModelDisagreement.objects.bulk_create(
            [
                ModelDisagreement(
                    document_id=document,
                    project_id=project,
                    source=source,
                    score=scores[set_id],
                    sets=count,
                    prediction_version=version,
                    reviewable=reviewable,
                )
                for set_id, document, source, version, project, count, reviewable in predictions
            ],
            update_conflicts=True,
            unique_fields=["document", "source"],
            update_fields=["score", "sets", "prediction_version", "reviewable", "computed_at"],
        )


class ModelQueue:
    """The queue ordered by `source`'s model disagreement, as review_queue
    answers it for ``sort="model"``: the scored documents of the queue read
    off the index model_disagreement_queue, then the rest (no prediction set
    of `source`, or no score) in import order off document_reviewable. A
    page costs a few queries whatever the queue's length; only a page past
    every scored document counts them (its OFFSET walks as many anyway).

    Paginators take it as a queryset: ``values(*fields)``, then a slice,
    which is a list of dicts, `model_disagreement` among them."""

    ordered = True

    def __init__(self, project, source, fields=("id",)):
        self.project = project
        self.source = source
        self.fields = [f for f in fields if f != "model_disagreement"]
        if "id" not in self.fields:
            self.fields.insert(0, "id")

    def values(self, *fields):
        return ModelQueue(self.project, self.source, fields or ("id",))

    def scored(self):
        return ModelDisagreement.objects.filter(
            project_id=self.project.pk, source=self.source, reviewable=True, score__isnull=False
        )

    def rest(self):
        scored = ModelDisagreement.objects.filter(
            document=OuterRef("pk"), source=self.source, score__isnull=False
        )
        return queue_documents(self.project).filter(~Exists(scored)).order_by("id")

    def __getitem__(self, window):
        if not isinstance(window, slice) or window.step is not None:
            raise TypeError("ModelQueue takes a slice without a step")
        first, stop = window.start or 0, window.stop
        head = list(
            self.scored()
            .order_by("-score", "document_id")
            .values_list("document_id", "score")[first:stop]
        )
        rows = Document.objects.filter(pk__in=[doc for doc, _ in head]).values(*self.fields)
        by_id = {row["id"]: row for row in rows} if head else {}
        page = [{**by_id[doc], "model_disagreement": score} for doc, score in head]
        if stop is not None and len(page) == stop - first:
            return page
        # Past the scored documents: where the rest begins in this window.
        skip = 0 if head or not first else max(0, first - self.scored().count())
        rest = self.rest().values(*self.fields)
        need = None if stop is None else stop - first - len(page)
        rest = rest[skip:] if need is None else rest[skip : skip + need]
        return page + [{**row, "model_disagreement": None} for row in rest]


def model_source(project, source=None):
    """The prediction source the queue is compared with: `source` (Invalid
    naming ``source`` when no prediction set of the project has it), else the
    source of the project's most recently written prediction set; None when
    the project has none."""
    sets = AnnotationSet.objects.filter(
        document__project=project, kind=AnnotationSet.Kind.PREDICTION
    )
    if source is not None:
        if not sets.filter(source=source).exists():
            raise Invalid(
                f"no prediction set of this project comes from {source!r}", field="source"
            )
        return source
    return sets.order_by("-updated_at", "-id").values_list("source", flat=True).first()


def review_queue(project, sort="disagreement", source=None):
    """The queue, most disagreement first (documents without a score last),
    then import order; each document has its `disagreement`.

    With ``sort="model"``, most disagreement with the model first instead:
    `source`'s prediction sets (model_source), each document annotated with
    `model_disagreement` too (null without a prediction set of it)."""
    if sort not in SORTS:
        raise Invalid(f"must be one of {', '.join(SORTS)}, got {sort!r}", field="sort")
    documents = queue_documents(project)
    if sort == "disagreement":
        # The very expression of document_review_queue, so its order is the index's.
        return documents.order_by(DISAGREEMENT_KEY.desc(), "id")
    return ModelQueue(project, source)


def route(document_id):
    """Called when an annotator set of the document is submitted, inside that
    transaction: store its score and, once the annotators the document wants
    have all submitted, if the project routes and they disagree more than
    its threshold, ask for one more annotator (never more than the maximum).

    Returns the number of annotators the document now wants, or None when it
    is not complete yet.
    """
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .select_related("project")
            .filter(pk=document_id)
            .first()
        )
        if document is None or document.adjudicated_at is not None:
            return None
        project = document.project
        want = document.wanted
        # One submitted set has no score, and had none before: nothing to load.
        if document.submitted_count > 1 or document.disagreement is not None:
            _store_disagreement([document.pk])
        # The model's scores compare with the submitted sets: one more counts.
        refresh_model_scores([document.pk])
        if document.submitted_count < want:
            return None
        score = Document.objects.filter(pk=document.pk).values_list("disagreement", flat=True)[0]
        if (
            project.routing_enabled
            and score is not None
            and score > project.routing_threshold
            and want < project.routing_max_annotators
        ):
            want += 1
            Document.objects.filter(pk=document.pk).update(annotators_wanted=want, wanted=want)
        return want


def on_set_submitted(sender, document_id, **kwargs):
    route(document_id)


def on_submitted_sets_changed(sender, document_ids, **kwargs):
    rescore(list(document_ids))


def on_prediction_sets_changed(sender, document_ids, **kwargs):
    refresh_model_scores(list(document_ids))
