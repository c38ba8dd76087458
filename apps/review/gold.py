"""The gold set of a document: reading it, writing it through decisions,
auto-merge, accept and reopen.

Every write goes through `write_gold`: validation against the text and schema
(annotations' validate_set), the document's row lock that accept and reopen
take too (so whether it is adjudicated is decided by the write, not by an
earlier read), the version check of annotations' replace_set (a conditional
UPDATE, so two reviewers can never both win), and the decision records of
what changed, all in one transaction.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.annotations.models import AnnotationSet
from apps.annotations.sets import ProjectSchema, replace_set, set_payloads
from apps.annotations.validation import describe
from apps.documents.models import Document
from apps.projects import errors
from apps.projects.errors import Conflict

from . import merge
from .models import AdjudicationEvent, Decision
from .signals import document_adjudicated

NO_GOLD = (
    "This document has no gold set yet: the first decision, auto-merge, accept or "
    "a PUT with version 1 creates it."
)
FROZEN = "This document is adjudicated: its gold set is frozen. Reopen it to change it."


class Frozen(Conflict):
    """The document is adjudicated: its gold set cannot change until reopened."""

    def __init__(self, version, message=FROZEN):
        super().__init__(message, version=version)


class NotAdjudicated(Conflict):
    """Reopening a document that is not adjudicated."""

    def __init__(self):
        super().__init__("This document is not adjudicated, so there is nothing to reopen.")


class Invalid(errors.Invalid):
    """The resulting gold set does not validate; `errors` as validate_set gives them."""

    def __init__(self, errors):
        super().__init__(describe(errors), errors=errors)


@dataclass
class Review:
    """Everything about one document's review, loaded in a fixed number of queries."""

    document: Document
    sets: list  # payloads of every annotator set, in set-id order
    annotator_ids: dict  # username -> user id
    cands: dict  # merge.candidates over the submitted sets, by username
    gold_set: AnnotationSet | None
    gold_payload: dict | None

    @property
    def gold(self):
        return merge.gold_from_payload(self.gold_payload or {})

    @property
    def usernames(self):
        return [s["author"] for s in self.sets]


def load(document):
    """The document's annotator sets, candidates and gold, in five queries."""
    sets = AnnotationSet.objects.filter(
        document=document, kind__in=[AnnotationSet.Kind.ANNOTATOR, AnnotationSet.Kind.GOLD]
    ).order_by("id")
    payloads = set_payloads(sets, {document.pk: document.text})
    annotator_sets = [p for p in payloads if p["kind"] == AnnotationSet.Kind.ANNOTATOR]
    gold_payload = next((p for p in payloads if p["kind"] == AnnotationSet.Kind.GOLD), None)
    ids = dict(
        AnnotationSet.objects.filter(
            document=document, kind=AnnotationSet.Kind.ANNOTATOR
        ).values_list("author__username", "author_id")
    )
    submitted = {
        p["author"]: p for p in annotator_sets if p["status"] == AnnotationSet.Status.SUBMITTED
    }
    gold_set = None
    if gold_payload is not None:
        gold_set = AnnotationSet(
            pk=gold_payload["id"],
            document=document,
            kind=AnnotationSet.Kind.GOLD,
            status=gold_payload["status"],
            version=gold_payload["version"],
        )
    return Review(
        document=document,
        sets=annotator_sets,
        annotator_ids=ids,
        cands=merge.candidates(submitted),
        gold_set=gold_set,
        gold_payload=gold_payload,
    )


def gold_set_of(document, user):
    """The document's gold set, created (empty) if it has none: for the
    writes only (write_gold, accept); reading never creates one."""
    gold = AnnotationSet.objects.filter(document=document, kind=AnnotationSet.Kind.GOLD).first()
    if gold is not None:
        return gold
    with transaction.atomic():
        Document.objects.select_for_update().filter(pk=document.pk).first()
        gold, _ = AnnotationSet.objects.get_or_create(
            document=document, kind=AnnotationSet.Kind.GOLD, defaults={"author": user}
        )
    return gold


def _gold_version(document_id):
    """The gold set's version as stored now (1 while there is none)."""
    gold = AnnotationSet.objects.filter(document_id=document_id, kind=AnnotationSet.Kind.GOLD)
    return gold.values_list("version", flat=True).first() or 1


def _lock_open(document_id):
    """Lock the document's row until the transaction ends, and raise Frozen
    if it is adjudicated. Accept and reopen take the same lock, so the write
    itself decides: of a gold write and an accept at once, the one that
    comes second gets the answer it would get in turn, Frozen, never a
    gold write on an accepted document. (The views' earlier checks only
    answer sooner.)"""
    # order_by(): no ordering, so FOR UPDATE locks this one row and joins nothing.
    adjudicated = list(
        Document.objects.select_for_update()
        .filter(pk=document_id)
        .order_by()
        .values_list("adjudicated_at", flat=True)
    )
    if adjudicated and adjudicated[0] is not None:
        raise Frozen(_gold_version(document_id))


def write_gold(review, project, user, new_gold, version, decisions, schema=None):
    """Replace the gold set by `new_gold` (a merge.Gold) if the gold set is
    still at `version`, and store `decisions`: ``[(action, item_type, Change,
    extra fields)]``. Returns the new version; raises Frozen, Invalid or
    annotations' SetConflict. Returns ``(new version, [Decision])``.
    `schema`: the project's ProjectSchema when the caller has loaded it."""
    document = review.document
    payload = merge.gold_to_payload(new_gold)
    schema = schema or ProjectSchema(project)
    clean, errors = schema.validate(document.text, payload)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        _lock_open(document.pk)
        gold = review.gold_set or gold_set_of(document, user)
        new_version = replace_set(gold, version, clean, schema.label_ids)
        created = Decision.objects.bulk_create(
            Decision(
                document=document,
                reviewer=user,
                action=action,
                item_type=item_type,
                item=_decided_item(item_type, change, extra),
                edited_to=extra.get("edited_to"),
                annotators=_makers(review, item_type, change, extra.get("item")),
                rationale=extra.get("rationale", ""),
                source=extra.get("source", "reviewer"),
                min_agreement=extra.get("min_agreement"),
                before=change.before,
                after=change.after,
            )
            for action, item_type, change, extra in decisions
        )
    return new_version, created


def _decided_item(item_type, change, extra):
    if "item" in extra:
        return extra["item"]
    key = merge.LAYERS[item_type]
    items = change.after.get(key) or change.before.get(key)
    return items[0]


def _makers(review, item_type, change, item=None):
    """User ids of the annotators who made the decided item (as it was before
    an edit or reject, as it is after an accept or add; for the reject of a
    candidate not in gold, which changes nothing, the item itself)."""
    key = merge.LAYERS[item_type]
    items = change.before.get(key) if not change.after.get(key) else change.after.get(key)
    items = items or [item]
    who = merge.makers(review.cands, item_type, merge.item_key(item_type, items[0]))
    if not who and change.before.get(key):
        # An edit: who made the item it changed.
        original = change.before[key][0]
        who = merge.makers(review.cands, item_type, merge.item_key(item_type, original))
    return [review.annotator_ids[u] for u in who]


def current_version(review):
    return review.gold_set.version if review.gold_set is not None else 1


def _clean_payload(clean):
    """A validated set (annotations' CleanSet) in the set shape merge reads."""
    return {"spans": clean.spans, "stances": clean.stances, "categories": clean.categories}


def put_gold(review, project, user, payload, version, rationale=""):
    """A whole-set write (PUT): recorded as the decisions it amounts to."""
    schema = ProjectSchema(project)
    clean, errors = schema.validate(review.document.text, payload)
    if errors:
        raise Invalid(errors)
    new_gold = merge.gold_from_payload(_clean_payload(clean))
    changes = merge.diff(review.gold, new_gold, review.cands)
    decisions = [
        (action, item_type, change, {"rationale": rationale, "source": "set"})
        for action, item_type, change in changes
    ]
    return write_gold(review, project, user, new_gold, version, decisions, schema)[0]


def decide(review, project, user, action, item_type, item, edited_to, rationale, version):
    """One reviewer decision on one item; returns (Decision, new version)."""
    schema = ProjectSchema(project)
    try:
        change = merge.plan(review.gold, action, item_type, item, edited_to, schema.categories)
    except merge.MergeError as exc:
        exc.field = exc.field or item_type  # the request's item is what is at fault
        raise
    empty = not any(change.before.values()) and not any(change.after.values())
    if empty and not merge.rejected_candidate(review.cands, item_type, item):
        raise merge.MergeError(
            "is neither in the gold set nor made by an annotator: there is nothing to reject",
            item_type,
        )
    new_gold = merge.apply(review.gold, change)
    extra = {"rationale": rationale, "item": item}
    if edited_to is not None:
        extra["edited_to"] = edited_to
    new_version, [decision] = write_gold(
        review, project, user, new_gold, version, [(action, item_type, change, extra)], schema
    )
    return decision, new_version


def auto_merge(review, project, user, min_agreement, version):
    """Merge every candidate made by at least `min_agreement` annotators into
    gold, each recorded as an accept decision. Returns (MergeResult, version)."""
    schema = ProjectSchema(project)
    result = merge.auto_merge(review.cands, review.gold, min_agreement, schema.categories)
    note = f"auto-merge: made by at least {min_agreement} annotators"
    decisions = []
    for cand in result.spans:
        item = merge.span_item(cand["key"], cand["actor"])
        rationale = note + ("; linked actors tied, so none is linked" if cand["tie"] else "")
        change = merge.Change({"spans": []}, {"spans": [item]})
        extra = {"rationale": rationale, "source": "auto", "min_agreement": min_agreement}
        decisions.append(("accept", "span", change, extra))
    for cand in result.stances:
        cue = result.gold.stances[cand["key"]]["cue"]
        change = merge.Change({"stances": []}, {"stances": [merge.stance_item(cand["key"], cue)]})
        extra = {"rationale": note, "source": "auto", "min_agreement": min_agreement}
        decisions.append(("accept", "stance", change, extra))
    for cand in result.concept_stances:
        cue = result.gold.concept_stances[cand["key"]]["cue"]
        item = merge.concept_stance_item(cand["key"], cue)
        change = merge.Change({"concept_stances": []}, {"concept_stances": [item]})
        extra = {"rationale": note, "source": "auto", "min_agreement": min_agreement}
        decisions.append(("accept", "concept_stance", change, extra))
    for cand in result.categories:
        item = merge.category_item(cand["key"])
        change = merge.Change({"categories": []}, {"categories": [item]})
        extra = {"rationale": note, "source": "auto", "min_agreement": min_agreement}
        decisions.append(("accept", "category", change, extra))
    new_version, _ = write_gold(review, project, user, result.gold, version, decisions, schema)
    return result, new_version


def reverse(review, project, user, decision, rationale):
    """Undo a decision on the gold set and mark it reversed; returns the new version."""
    if review.document.adjudicated_at is not None:
        raise Frozen(current_version(review))
    if decision.reversed_at is not None:
        raise Conflict("This decision was already reversed.", version=current_version(review))
    change = merge.Change(decision.before, decision.after)
    try:
        new_gold = merge.revert(review.gold, change)
    except merge.MergeError as exc:
        # Later changes depend on what this decision did: the gold set's state,
        # not the request, is in the way.
        raise Conflict(exc.message, version=current_version(review)) from exc
    with transaction.atomic():
        # The conditional UPDATE first: of two reversals at once the second
        # waits on the decision's row and then finds it reversed, the answer
        # it would get in turn (rolled back if the gold write fails).
        updated = Decision.objects.filter(pk=decision.pk, reversed_at=None).update(
            reversed_at=timezone.now(), reversed_by=user, reversal_rationale=rationale
        )
        if not updated:
            raise Conflict(
                "This decision was already reversed.", version=_gold_version(decision.document_id)
            )
        new_version, _ = write_gold(
            review, project, user, new_gold, current_version(review), decisions=[]
        )
    return new_version


IMPORTED = "Imported as gold with the document."
BATCH = 1000


def record_imported(sets, user_id):
    """Record where gold sets an import stored came from: each item an "add"
    decision of source "import" by the importing user (no annotator made it
    here), and each document's adjudication an accept event, as `accept`
    records it. ``sets``: ``[(document_id, CleanSet)]``. Four queries or so
    for any number (batches of a thousand rows)."""
    nobody = merge.candidates({})
    decisions, events = [], []
    for document_id, clean in sets:
        gold = merge.gold_from_payload(_clean_payload(clean))
        for action, item_type, change in merge.diff(merge.Gold(), gold, nobody):
            decisions.append(
                Decision(
                    document_id=document_id,
                    reviewer_id=user_id,
                    action=action,
                    item_type=item_type,
                    item=_decided_item(item_type, change, {}),
                    annotators=[],
                    rationale=IMPORTED,
                    source="import",
                    before=change.before,
                    after=change.after,
                )
            )
        events.append(
            AdjudicationEvent(
                document_id=document_id,
                action=AdjudicationEvent.Action.ACCEPT,
                user_id=user_id,
                reason=IMPORTED,
            )
        )
    Decision.objects.bulk_create(decisions, batch_size=BATCH)
    AdjudicationEvent.objects.bulk_create(events, batch_size=BATCH)


def on_gold_imported(sender, sets, user_id, **kwargs):
    record_imported(sets, user_id)


def accept(document, user, reason=""):
    """Adjudicate: freeze the gold set (created empty if there is none)."""
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.adjudicated_at is not None:
            raise Frozen(_gold_version(document.pk), "This document is already adjudicated.")
        gold = gold_set_of(document, user)
        now = timezone.now()
        AnnotationSet.objects.filter(pk=gold.pk).update(
            status=AnnotationSet.Status.SUBMITTED,
            submitted_at=now,
            version=F("version") + 1,
            updated_at=now,
        )
        Document.objects.filter(pk=document.pk).update(adjudicated_at=now, last_activity=now)
        AdjudicationEvent.objects.create(
            document=document, action=AdjudicationEvent.Action.ACCEPT, user=user, reason=reason
        )
        document_adjudicated.send(
            sender=accept, project_id=document.project_id, document_id=document.pk
        )
    return now


def reopen(document, user, reason):
    """Undo an accept: the gold set can change again; recorded with the reason."""
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.adjudicated_at is None:
            raise NotAdjudicated()
        now = timezone.now()
        AnnotationSet.objects.filter(document=document, kind=AnnotationSet.Kind.GOLD).update(
            status=AnnotationSet.Status.IN_PROGRESS,
            submitted_at=None,
            version=F("version") + 1,
            updated_at=now,
        )
        Document.objects.filter(pk=document.pk).update(adjudicated_at=None, last_activity=now)
        AdjudicationEvent.objects.create(
            document=document, action=AdjudicationEvent.Action.REOPEN, user=user, reason=reason
        )
