"""Handing documents to annotators.

A document may have at most `annotators_per_document` (k) annotator sets, or
its own `annotators_wanted` when review routed it to more annotators. The
count lives on the document row and changes only while that row is locked
(SELECT … FOR UPDATE on PostgreSQL; on SQLite every write transaction takes
the database lock at BEGIN IMMEDIATE), so no number of simultaneous requests
can push a document past k.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import BigIntegerField, Exists, ExpressionWrapper, F, OuterRef, Q, Value

from apps.documents.models import Document, wanted
from apps.projects.errors import Conflict
from apps.projects.models import Project

from .models import AnnotationSet


class DocumentFull(Conflict):
    """The caller cannot take a set on the document: it already has its k
    annotators, or it is adjudicated."""


ADJUDICATED = "This document is adjudicated; its annotation is closed."


def _own_set(document_id, user):
    return AnnotationSet.objects.filter(
        document_id=document_id, kind=AnnotationSet.Kind.ANNOTATOR, author=user
    ).first()


def _create_set(document, user):
    aset = AnnotationSet.objects.create(
        document=document, kind=AnnotationSet.Kind.ANNOTATOR, author=user
    )
    Document.objects.filter(pk=document.pk).update(annotator_count=F("annotator_count") + 1)
    return aset


def claim(document, user):
    """The user's annotator set on `document`, created if this is their first
    visit. Returns ``(set, created)``; raises DocumentFull past k, and on an
    adjudicated document unless the user's set there is submitted (reading
    one's own finished work stays possible; nothing is left to edit)."""
    aset = _own_set(document.pk, user)
    if aset is not None:
        _check_open(document.adjudicated_at, aset)
        return aset, False
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        # Another request of the same user may have won the lock first.
        aset = _own_set(document.pk, user)
        _check_open(locked.adjudicated_at, aset)
        if aset is not None:
            return aset, False
        k = document.project.annotators_per_document
        limit = locked.annotators_wanted or k
        if locked.annotator_count >= limit:
            raise DocumentFull(
                f"This document already has its {limit} annotator{'s' if limit != 1 else ''}."
            )
        return _create_set(locked, user), True


def _check_open(adjudicated_at, aset):
    if adjudicated_at is not None and (
        aset is None or aset.status != AnnotationSet.Status.SUBMITTED
    ):
        raise DocumentFull(ADJUDICATED)


def release_unfinished(project, user):
    """Delete the user's unsubmitted annotator sets in the project and give
    each document its slot back; returns how many were released."""
    return release_unfinished_of([(project.pk, user.pk)])


def release_unfinished_of(members):
    """release_unfinished for many (project id, user id) pairs at once, in a
    constant number of queries; returns how many sets were released.

    Each count goes down under the document's row lock, as claim() raises it.
    Submitted sets stay: their data is never thrown away.
    """
    who = Q()
    for project_id, user_id in members:
        who |= Q(document__project_id=project_id, author_id=user_id)
    if not who:
        return 0
    unfinished = AnnotationSet.objects.filter(
        who, kind=AnnotationSet.Kind.ANNOTATOR, status=AnnotationSet.Status.IN_PROGRESS
    )
    with transaction.atomic():
        candidates = list(unfinished.values_list("document_id", flat=True).distinct())
        if not candidates:
            return 0
        # Lock in id order, as claim() locks one row, so releases cannot deadlock.
        list(
            Document.objects.select_for_update()
            .filter(pk__in=candidates)
            .order_by("id")
            .values_list("id", flat=True)
        )
        # Read again under the locks: a set submitted meanwhile stays.
        mine = unfinished.filter(document_id__in=candidates)
        released = Counter(mine.values_list("document_id", flat=True))
        mine.delete()
        # One UPDATE per distinct number of sets released from a document:
        # at most one per member, not one per document.
        by_count = {}
        for document_id, n in released.items():
            by_count.setdefault(n, []).append(document_id)
        for n, document_ids in by_count.items():
            Document.objects.filter(pk__in=document_ids).update(
                annotator_count=F("annotator_count") - n
            )
    return released.total()


M32 = 2**32


def _order(queryset, project):
    if project.assignment_order == Project.Order.RANDOM:
        # A seeded permutation of ids, the same on every database: multiply
        # (a bijection mod 2**32), XOR with the seed's hash, multiply again.
        # The XOR makes it non-linear, so each seed gives its own order, not
        # a rotation of one order. Every product stays below 2**63.
        seed = (project.assignment_seed * 0x9E3779B9 + 0x7F4A7C15) % M32
        mixed = (F("id") * Value(2654435761) % Value(M32)).bitxor(Value(seed))
        key = ExpressionWrapper(
            mixed * Value(0x5BD1E995) % Value(M32), output_field=BigIntegerField()
        )
        return queryset.annotate(shuffle=key).order_by("shuffle", "id")
    return queryset.order_by("id")


def next_document(project, user):
    """The document the user should annotate next, with their set, or None.

    Unfinished work comes first: a document whose set the user has not
    submitted yet. Otherwise a document with fewer than k annotator sets and
    none of theirs, in the project's assignment order.
    """
    unfinished = (
        AnnotationSet.objects.filter(
            document__project=project,
            kind=AnnotationSet.Kind.ANNOTATOR,
            author=user,
            status=AnnotationSet.Status.IN_PROGRESS,
            # An adjudicated document's annotation is closed, finished or not.
            document__adjudicated_at=None,
        )
        .select_related("document")
        .order_by("document_id")
        .first()
    )
    if unfinished is not None:
        return unfinished.document, unfinished
    mine = AnnotationSet.objects.filter(
        document=OuterRef("pk"), kind=AnnotationSet.Kind.ANNOTATOR, author=user
    )
    candidates = _order(
        Document.objects.filter(
            project=project,
            # A document routed for one more annotator wants more than k.
            annotator_count__lt=wanted(project.annotators_per_document),
            adjudicated_at=None,
        ).filter(~Exists(mine)),
        project,
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            # Requests racing for the same document skip the row another one
            # holds and take the next; the count is re-checked under the lock.
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        document = candidates.first()
        if document is None:
            return None
        return document, _create_set(document, user)
