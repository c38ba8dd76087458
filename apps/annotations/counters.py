"""Repairing the set counts a document carries.

`Document.annotator_count` and `submitted_count` are denormalised: this app
keeps them in the transactions that change the sets, so that assignment and
the status filters need no aggregation. If they ever drift (a row edited by
hand, a bug), recount() puts them back from the sets themselves.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef

from apps.documents.models import Document
from apps.projects.queries import count_of

from .models import AnnotationSet
from .signals import submitted_sets_changed

CHUNK = 1000


@dataclass(frozen=True)
class Recount:
    """A document whose counts were (or, in a dry run, would be) corrected;
    `old` and `new` are (annotator_count, submitted_count)."""

    document_id: int
    project_id: int
    external_id: str
    old: tuple[int, int]
    new: tuple[int, int]


def _recounts(documents, limit=None):
    """Each document of the queryset as a Recount, its counts as stored and as
    the sets say, in one query (one correlated count per column, so that a
    LIMIT bounds the work)."""
    sets = AnnotationSet.objects.filter(document=OuterRef("pk"), kind=AnnotationSet.Kind.ANNOTATOR)
    rows = documents.annotate(
        true_annotators=count_of(sets, "document"),
        true_submitted=count_of(sets.filter(status=AnnotationSet.Status.SUBMITTED), "document"),
    ).values_list(
        "pk",
        "project_id",
        "external_id",
        "annotator_count",
        "submitted_count",
        "true_annotators",
        "true_submitted",
    )[:limit]
    return [Recount(pk, project, ext, (a, s), (ta, ts)) for pk, project, ext, a, s, ta, ts in rows]


def _wrong(recounts):
    return [r for r in recounts if r.old != r.new]


def _fix(document_ids):
    """Correct the documents' counts under their row locks, as claim() and
    submit_set() change them; read again once locked, since a set may have
    been claimed or submitted after the first read."""
    with transaction.atomic():
        list(
            Document.objects.select_for_update()
            .filter(pk__in=document_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        wrong = _wrong(_recounts(Document.objects.filter(pk__in=document_ids).order_by("pk")))
        Document.objects.bulk_update(
            [
                Document(pk=r.document_id, annotator_count=r.new[0], submitted_count=r.new[1])
                for r in wrong
            ],
            ["annotator_count", "submitted_count"],
        )
        # A wrong count may hide sets that were never scored (a row edited
        # by hand, a bug): what review stores of them is redone too.
        fixed = [r.document_id for r in wrong if r.old[1] != r.new[1]]
        if fixed:
            submitted_sets_changed.send(sender=AnnotationSet, document_ids=fixed)
    return wrong


def recount(documents=None, *, dry_run=False, chunk_size=CHUNK):
    """Recompute the set counts of `documents` (a queryset; default: every
    document) and correct those that are wrong, unless `dry_run`.

    Returns ``(checked, changes)``: how many documents were looked at, and a
    Recount for each one that was wrong. Works in chunks of `chunk_size`
    documents, with the same few queries for each chunk however many of its
    documents are wrong.
    """
    documents = Document.objects.all() if documents is None else documents
    checked, changes, last = 0, [], 0
    while True:
        chunk = _recounts(documents.filter(pk__gt=last).order_by("pk"), chunk_size)
        if not chunk:
            return checked, changes
        checked += len(chunk)
        last = chunk[-1].document_id
        wrong = _wrong(chunk)
        if wrong and not dry_run:
            wrong = _fix([r.document_id for r in wrong])
        changes += wrong
