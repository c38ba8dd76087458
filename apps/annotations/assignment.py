"""Handing documents to annotators.

A document may have at most `annotators_per_document` (k) annotator sets, or
its own `annotators_wanted` when review routed it to more annotators. The
count lives on the document row and changes only while that row is locked
(SELECT … FOR UPDATE on PostgreSQL; on SQLite every write transaction takes
the database lock at BEGIN IMMEDIATE), so no number of simultaneous requests
can push a document past k.

An annotator holds at most the project's `max_unfinished_per_annotator`
documents unfinished (default 1). Every claim of a member first locks their
membership row, then counts what they hold: one member's simultaneous
claims in a project run one after the other, so twenty at once still take
one document, and other members are not held up. Locks are always taken in
that order, membership then document, as members.remove_members takes them.

Only claiming writes: reading a set (sets.py, the API's GET) never creates one.
"""

from collections import Counter
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from apps.documents.models import CLAIM_ORDER, CLAIMABLE, UNCERTAINTY_KEY, Document
from apps.projects.errors import Conflict, Invalid, NotFound
from apps.projects.models import Membership, Project
from apps.projects.prepared import PreparedValues, field_names, instance

from .models import AnnotationSet
from .sets import ADJUDICATED, DocumentFull, refresh_sort_keys


class HoldingLimit(Conflict):
    """The caller already holds as many unfinished documents in the project as
    it allows. `held` lists their ids (up to that limit), oldest first, so a
    client can send the annotator back to one."""

    def __init__(self, held, limit):
        _, title = held[0]
        others = len(held) - 1
        also = f" and {others} other{'s' if others != 1 else ''}" if others else ""
        super().__init__(
            f"You are still annotating “{title}”{also}: this project lets an annotator "
            f"hold {limit} unfinished document{'s' if limit != 1 else ''} at a time. "
            "Submit one before taking another.",
            field="document",
        )
        self.held = [document_id for document_id, _ in held]

    def payload(self):
        return {**super().payload(), "held": self.held}


# Read by every request on the caller's set: prepared (apps/projects/prepared.py).
_OWN_SET = PreparedValues(
    lambda document_id, author_id: (
        AnnotationSet.objects.filter(
            document_id=document_id, kind=AnnotationSet.Kind.ANNOTATOR, author_id=author_id
        )
        .order_by("pk")
        .values(*field_names(AnnotationSet))[:1]
    ),
    "document_id",
    "author_id",
)


def own_set(document_id, user):
    """The user's annotator set on the document, or None. Reads only."""
    row = _OWN_SET.row(document_id=document_id, author_id=user.pk)
    return None if row is None else instance(AnnotationSet, row)


def check_open(adjudicated_at, aset):
    """Raise DocumentFull on an adjudicated document unless the user's set
    there is submitted (reading one's finished work stays possible)."""
    if adjudicated_at is not None and (
        aset is None or aset.status != AnnotationSet.Status.SUBMITTED
    ):
        raise DocumentFull(ADJUDICATED)


def unfinished(project_id, user):
    """The user's unsubmitted annotator sets in the project, oldest document
    first; an adjudicated document's annotation is closed, so its set is not
    counted, finished or not."""
    return AnnotationSet.objects.filter(
        document__project_id=project_id,
        kind=AnnotationSet.Kind.ANNOTATOR,
        author=user,
        status=AnnotationSet.Status.IN_PROGRESS,
        document__adjudicated_at=None,
    ).order_by("document_id")


def _lock_member(project_id, user):
    """Lock the user's membership row until the transaction ends: their claims
    in this project take turns. A member removed meanwhile claims nothing."""
    # order_by("pk"): the model's ordering would join the project, and FOR
    # UPDATE would lock the project's row too, serialising every member.
    locked = list(
        Membership.objects.select_for_update()
        .filter(project_id=project_id, user=user)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not locked:
        raise NotFound("You are not a member of this project.")


def _held(project, user):
    """The user's unfinished sets (with their documents), up to the project's
    limit, and that limit. Call it under _lock_member."""
    limit = project.max_unfinished_per_annotator
    return list(unfinished(project.pk, user).select_related("document")[:limit]), limit


def _create_set(document, user):
    """The user's new set on `document`, a row locked by the caller (or read
    under SQLite's write lock): the instance's counts are the row's, so they
    are kept in step with the UPDATE and need no reading back."""
    aset = AnnotationSet.objects.create(
        document=document, kind=AnnotationSet.Kind.ANNOTATOR, author=user
    )
    Document.objects.filter(pk=document.pk).update(
        annotator_count=F("annotator_count") + 1, last_activity=aset.updated_at
    )
    document.annotator_count += 1
    document.last_activity = aset.updated_at
    return aset


def claim(document, user):
    """Take the document for the user: their annotator set on it, created
    unless they have one. Returns ``(set, created)``. Raises DocumentFull past
    k and on an adjudicated document (unless the user's set there is
    submitted), HoldingLimit when the user already holds the project's limit
    of unfinished documents, NotFound when they are not a member."""
    aset = own_set(document.pk, user)
    if aset is not None:
        check_open(document.adjudicated_at, aset)
        return aset, False
    project = document.project
    with transaction.atomic():
        _lock_member(project.pk, user)
        # Another claim of the same user may have taken it before the lock.
        aset = own_set(document.pk, user)
        if aset is not None:
            check_open(document.adjudicated_at, aset)
            return aset, False
        held, limit = _held(project, user)
        if len(held) >= limit:
            raise HoldingLimit(
                [(s.document_id, s.document.title or s.document.external_id) for s in held],
                limit,
            )
        locked = Document.objects.select_for_update().get(pk=document.pk)
        check_open(locked.adjudicated_at, None)
        k = locked.wanted
        if locked.annotator_count >= k:
            raise DocumentFull(
                f"This document already has its {k} annotator{'s' if k != 1 else ''}."
            )
        return _create_set(locked, user), True


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
        refresh_sort_keys(Document.objects.filter(pk__in=list(released)))
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


def _order(queryset, project):
    # Each order is the key of a partial index on the claimable documents
    # (document_claimable, document_claimable_shuffle and
    # document_claimable_uncertain), so a claim reads its first rows,
    # whatever the project's size.
    if project.assignment_order == Project.Order.RANDOM:
        return queryset.order_by("shuffle", "id")
    if project.assignment_order == Project.Order.UNCERTAIN:
        # Most uncertain first, then the documents no model has scored;
        # ties in the seeded order.
        return queryset.order_by(UNCERTAINTY_KEY.desc(), "shuffle", "id")
    # The id as document_claimable holds it (CLAIM_ORDER): no other index
    # gives this order, so the plan cannot walk the taken documents.
    return queryset.order_by(CLAIM_ORDER)


class Handed(NamedTuple):
    """What next_document hands out: the document (its counts those after
    the claim), the user's set on it, and whether that set was created now
    (empty) rather than one they held."""

    document: Document
    set: AnnotationSet
    created: bool


def next_document(project, user):
    """The document the user should annotate next, with their set, or None:
    a Handed.

    While the user holds fewer unfinished documents than the project allows,
    a new one: a document with fewer than k annotator sets and none of
    theirs, in the project's assignment order. At the limit, or when no new
    document is left, the oldest they hold (resuming it). None when they hold
    none and none is left.
    """
    mine = AnnotationSet.objects.filter(
        document=OuterRef("pk"), kind=AnnotationSet.Kind.ANNOTATOR, author=user
    )
    candidates = _order(
        # Room for one more annotator (a document routed for one more wants
        # more than k), not adjudicated: the condition of the partial index
        # document_claimable, so the first one is found without walking
        # the documents already taken.
        Document.objects.filter(CLAIMABLE, project=project).filter(~Exists(mine)),
        project,
    )
    with transaction.atomic():
        # Under the membership lock, what the user holds cannot change.
        _lock_member(project.pk, user)
        held, limit = _held(project, user)
        resume = Handed(held[0].document, held[0], False) if held else None
        if len(held) >= limit:
            return resume
        if connection.features.has_select_for_update_skip_locked:
            # Requests racing for the same document skip the row another one
            # holds and take the next; the count is re-checked under the lock.
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        document = candidates.first()
        if document is None:
            return resume
        return Handed(document, _create_set(document, user), True)


class CannotReassign(Conflict):
    """An owner's reassignment breaks a rule of handing out documents; the
    message names the rule."""


def reassign(document, from_user, to_user):
    """Move `from_user`'s unfinished annotator set on the document, with its
    spans and stances, to `to_user`, another member; returns the set.

    The rules of claim() hold for the new annotator: one set per annotator on
    a document, the project's holding limit, and an adjudicated document is
    closed. k cannot be broken: the document keeps the same number of sets.
    A submitted set stays with the one who submitted it. In a blind project
    the new annotator sees this set as their own and no other, as if they
    had claimed it. The set's version goes up, so a tab the old annotator
    still has open gets a 409 on its next save, not a silent overwrite.
    Raises CannotReassign (409), Invalid (400) when `to_user` is not a member
    or `from_user` has no set here.
    """
    project = document.project
    if from_user.pk == to_user.pk:
        raise CannotReassign("The set is already theirs.", field="to")
    with transaction.atomic():
        # Lock order as in claim(): the new holder's membership, then the document.
        try:
            _lock_member(project.pk, to_user)
        except NotFound as exc:
            raise Invalid(
                f"{to_user.username} is not a member of this project.", field="to"
            ) from exc
        locked = Document.objects.select_for_update().get(pk=document.pk)
        aset = own_set(locked.pk, from_user)
        if aset is None:
            raise Invalid(f"{from_user.username} has no set on this document.", field="from")
        if aset.status == AnnotationSet.Status.SUBMITTED:
            raise CannotReassign(
                f"{from_user.username} submitted this set: submitted work stays with "
                "its annotator.",
                field="from",
            )
        if locked.adjudicated_at is not None:
            raise CannotReassign(ADJUDICATED, field="document")
        if own_set(locked.pk, to_user) is not None:
            raise CannotReassign(
                f"{to_user.username} already has a set on this document: one set per annotator.",
                field="to",
            )
        held, limit = _held(project, to_user)
        if len(held) >= limit:
            raise CannotReassign(
                f"{to_user.username} already holds {len(held)} unfinished "
                f"document{'s' if len(held) != 1 else ''}, the most this project lets an "
                "annotator hold at a time.",
                field="to",
            )
        now = timezone.now()
        AnnotationSet.objects.filter(pk=aset.pk).update(
            author=to_user, version=F("version") + 1, updated_at=now
        )
        Document.objects.filter(pk=locked.pk).update(last_activity=now)
        aset.refresh_from_db()
    return aset
