"""The review queue and agreement-driven routing.

A document enters the queue when the annotators it wants (the project's k, or
more when routing asked for more) have submitted, and leaves it when it is
adjudicated. Its disagreement score (agreement.disagreement_score: 1 − exact
F1 over spans and stances among its annotators) is cached in ReviewScore,
because ordering the queue by it must not read every set of the project.
"""

from django.db import transaction
from django.db.models import F

from apps.documents.models import REVIEWABLE, Document

from .agreement import disagreement_score
from .loading import submitted_sets
from .models import ReviewScore


def queue_documents(project):
    """Documents awaiting review (not yet scored ones included)."""
    # The condition of the partial index document_reviewable: the queue
    # reads only the documents in it, however large the project.
    return Document.objects.filter(REVIEWABLE, project=project)


def refresh_scores(documents):
    """Compute and store the score of every document in `documents` (a
    queryset) whose cached score is missing or counts another number of sets.
    Five queries whatever their number."""
    # Unordered: ordered by id, PostgreSQL may walk every document of the
    # table in id order rather than read the few in the queue's index.
    stale = documents.exclude(review_score__sets=F("submitted_count")).order_by()
    counts = dict(stale.values_list("id", "submitted_count"))
    if not counts:
        return 0
    sets = submitted_sets(stale.values("pk"))
    rows = [
        ReviewScore(
            document_id=doc,
            score=disagreement_score(sets.get(doc, {})),
            sets=count,
        )
        for doc, count in counts.items()
    ]
    ReviewScore.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["document"],
        update_fields=["score", "sets", "computed_at"],
    )
    return len(rows)


def review_queue(project):
    """The queue, most disagreement first (documents without a score last),
    then import order; each document annotated with `disagreement`."""
    documents = queue_documents(project)
    refresh_scores(documents)
    return documents.annotate(disagreement=F("review_score__score")).order_by(
        F("disagreement").desc(nulls_last=True), "id"
    )


def route(document_id):
    """Called when an annotator set of the document is submitted, inside that
    transaction: once the annotators the document wants have all submitted,
    store its score and, if the project routes and they disagree more than
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
        if document.submitted_count < want:
            return None
        refresh_scores(Document.objects.filter(pk=document.pk))
        score = ReviewScore.objects.filter(document=document).values_list("score", flat=True)[0]
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
