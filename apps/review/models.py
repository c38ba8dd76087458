"""Review records: decisions on candidates, adjudication events, cached model scores.

The gold set itself is an AnnotationSet of kind `gold` (apps.annotations);
what review adds is the record of how it came to be.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.documents.models import Document


class Decision(models.Model):
    """One reviewer's accept / reject / edit / add of an item of the gold set.

    `before` and `after` are the gold items the decision removed and put in
    (``{"spans": [...], "stances": [...], "concept_stances": [...],
    "categories": [...]}`` in merge.py's item shape), so a decision can be
    reversed exactly: take `after` out, put `before` back.
    """

    class Action(models.TextChoices):
        ACCEPT = "accept", "Accept a candidate"
        REJECT = "reject", "Reject an item"
        EDIT = "edit", "Edit an item"
        ADD = "add", "Add an item no annotator made"

    class ItemType(models.TextChoices):
        SPAN = "span", "Span"
        STANCE = "stance", "Stance"
        CONCEPT_STANCE = "concept_stance", "Stance on a concept"
        CATEGORY = "category", "Document category"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_decisions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    item_type = models.CharField(max_length=16, choices=ItemType.choices)
    # The item decided on, and for an edit what it became.
    item = models.JSONField()
    edited_to = models.JSONField(null=True, blank=True)
    # User ids of the annotators who made the item (empty for an added item).
    annotators = models.JSONField(default=list, blank=True)
    rationale = models.TextField(blank=True)
    # Made by auto-merge or by a whole-set PUT, rather than one by one.
    source = models.CharField(max_length=16, default="reviewer")
    # For auto-merge: how many annotators had to make the item (the
    # threshold the reviewer chose), so datasets can report how gold was made.
    min_agreement = models.PositiveSmallIntegerField(null=True, blank=True)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_review_decisions",
    )
    reversal_rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["document", "id"]
        indexes = [models.Index(fields=["document", "created_at"])]

    def __str__(self):
        return f"{self.action} {self.item_type} on document {self.document_id}"


class AdjudicationEvent(models.Model):
    """A document was accepted (gold frozen) or reopened: who, when and why."""

    class Action(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        REOPEN = "reopen", "Reopened"

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="adjudication_events"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adjudication_events"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["document", "id"]

    def __str__(self):
        return f"{self.action} document {self.document_id} by {self.user_id}"


class ModelDisagreement(models.Model):
    """How far a model's newest prediction set on a document is from what its
    annotators agree on (agreement.model_disagreement), per document and
    prediction source, for ordering the review queue by it.

    Kept by review.queue.refresh_model_scores inside every write that
    changes it: a prediction set of the document written, replaced or
    deleted, its submitted sets changing. One row per prediction source of
    the document; `sets` and `prediction_version` say what it was computed
    from (its submitted sets in number, its prediction set's version).

    `project` and `reviewable` copy the document's, so that the index
    model_disagreement_queue holds the queue in this order: `reviewable`
    follows the document's by a trigger on the documents table (migration
    review/0005), whatever write turns it on or off (a submission, routing,
    a new k, accept, reopen, a restore), as ReviewableCount's triggers do.
    """

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="model_disagreements"
    )
    # The document's project (never changes): the index's leading column.
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    source = models.CharField(max_length=100)
    score = models.FloatField(null=True)
    sets = models.PositiveIntegerField()
    prediction_version = models.PositiveIntegerField()
    # Document.reviewable, kept in step by the trigger.
    reviewable = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "source"], name="model_disagreement_once_per_source"
            )
        ]
        indexes = [
            # sort=model: the queue's scored documents of one source, most
            # disagreement first, then import order; a page reads its rows.
            models.Index(
                F("project"),
                F("source"),
                F("score").desc(),
                F("document"),
                condition=Q(reviewable=True, score__isnull=False),
                name="model_disagreement_queue",
            )
        ]

    def __str__(self):
        return f"document {self.document_id} against {self.source}: {self.score}"
