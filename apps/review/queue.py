"""The review queue and agreement-driven routing.

A document enters the queue when the annotators it wants (the project's k, or
more when routing asked for more) have submitted, and leaves it when it is
adjudicated. Its disagreement score (agreement.disagreement_score: 1 − exact
F1 over spans and stances among its annotators) is stored on the document
(Document.disagreement) by rescore() wherever its submitted sets change, so
a page of the queue is a walk of the index document_review_queue, however
many documents wait.

The queue can also be ordered by the model's disagreement with the
annotators (``sort=model``): agreement.model_disagreement of the newest
prediction set of one source, cached in ModelDisagreement the same way.
"""

from django.db import transaction
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from apps.annotations.models import AnnotationSet
from apps.documents.models import DISAGREEMENT_KEY, REVIEWABLE, Document
from apps.projects.errors import Invalid

from .agreement import disagreement_score, model_disagreement
from .loading import prediction_spans, submitted_sets
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
    recount) and by ``manage.py rescore``. The same few queries per
    RESCORE_CHUNK documents, however many sets; returns how many were rescored."""
    if not isinstance(documents, (list, tuple, set)):
        documents = documents.order_by().values_list("pk", flat=True)
    ids = sorted(set(documents))
    for first in range(0, len(ids), RESCORE_CHUNK):
        chunk = ids[first : first + RESCORE_CHUNK]
        sets = submitted_sets(chunk)
        Document.objects.bulk_update(
            [Document(pk=pk, disagreement=disagreement_score(sets.get(pk, {}))) for pk in chunk],
            ["disagreement"],
        )
    return len(ids)


def _prediction_version(source):
    """The version of each document's prediction set of `source`, 0 without one."""
    sets = AnnotationSet.objects.filter(
        document=OuterRef("pk"), kind=AnnotationSet.Kind.PREDICTION, source=source
    ).values("version")[:1]
    return Coalesce(Subquery(sets), Value(0))


def refresh_model_scores(documents, source):
    """Compute and store the model disagreement of `source` for every
    document in `documents` (a queryset) whose cached one is missing, counts
    another number of submitted sets or another version of the prediction
    set. Seven queries whatever their number."""
    fresh = ModelDisagreement.objects.filter(
        document=OuterRef("pk"),
        source=source,
        sets=OuterRef("submitted_count"),
        prediction_version=OuterRef("predicted_version"),
    )
    stale = (
        documents.annotate(predicted_version=_prediction_version(source))
        .filter(~Exists(fresh))
        .order_by()
    )
    rows = list(stale.values_list("id", "submitted_count", "predicted_version"))
    if not rows:
        return 0
    ids = stale.values("pk")
    sets = submitted_sets(ids)
    predicted = prediction_spans(ids, [source])
    scores = [
        ModelDisagreement(
            document_id=doc,
            source=source,
            # No prediction set of the source (version 0): nothing to compare.
            score=model_disagreement(predicted.get(doc, {}).get(source, []), sets.get(doc, {}))
            if version
            else None,
            sets=count,
            prediction_version=version,
        )
        for doc, count, version in rows
    ]
    ModelDisagreement.objects.bulk_create(
        scores,
        update_conflicts=True,
        unique_fields=["document", "source"],
        update_fields=["score", "sets", "prediction_version", "computed_at"],
    )
    return len(scores)


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
    if source is not None:
        refresh_model_scores(documents, source)
    return documents.annotate(
        model=FilteredRelation(
            "model_disagreements", condition=Q(model_disagreements__source=source)
        ),
        model_disagreement=F("model__score"),
    ).order_by(F("model_disagreement").desc(nulls_last=True), "id")


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
            rescore([document.pk])
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
