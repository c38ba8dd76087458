from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.actors.models import Actor, Concept
from apps.documents.models import Document
from apps.projects.models import Label


class AnnotationSet(models.Model):
    # Its spans are offsets into the document's text, which then may not change.
    holds_offsets_into_document = True

    class Kind(models.TextChoices):
        ANNOTATOR = "annotator", "Annotator"
        GOLD = "gold", "Gold"
        PREDICTION = "prediction", "Prediction"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="annotation_sets")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annotation_sets",
    )
    # What made a prediction set ("import", "alias-matcher", a model's name).
    source = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The suggestions (prediction spans) the annotator rejected on this
    # document, ``[{"source", "start", "end", "label"}]``: kept with the set,
    # versioned with it, so every device and the agreement of predictions
    # see them. By identity, not span id: re-running a suggester keeps them.
    rejected_predictions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["document", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "author"],
                condition=Q(kind="annotator"),
                name="set_one_per_annotator",
            ),
            models.UniqueConstraint(
                fields=["document"], condition=Q(kind="gold"), name="set_one_gold"
            ),
            models.UniqueConstraint(
                fields=["document", "source"],
                condition=Q(kind="prediction"),
                name="set_one_prediction_per_source",
            ),
            models.CheckConstraint(
                condition=~Q(kind="annotator") | Q(author__isnull=False),
                name="set_annotator_has_author",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "status"]),
            # The review queue's default model (review.queue.model_source):
            # the newest prediction set, read off the end of this index,
            # not found by sorting all of them (314 ms at 180,000).
            models.Index(
                F("updated_at").desc(),
                F("id").desc(),
                condition=Q(kind="prediction"),
                name="set_prediction_newest",
            ),
        ]

    def __str__(self):
        who = self.author or self.source or self.kind
        return f"{self.kind} set of {who} on document {self.document_id}"


class Span(models.Model):
    set = models.ForeignKey(AnnotationSet, on_delete=models.CASCADE, related_name="spans")
    sid = models.CharField("id", max_length=64)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # RESTRICT, not PROTECT: a label or actor in use cannot be deleted on its
    # own, but deleting the whole project still cascades.
    label = models.ForeignKey(Label, on_delete=models.RESTRICT, related_name="spans")
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.RESTRICT, related_name="spans"
    )
    # A model's confidence in a suggestion, 0 to 1: only prediction sets'
    # spans carry one (validation.validate_set refuses it elsewhere); null
    # when the suggester gave none.
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["set", "start", "-end", "id"]
        constraints = [
            models.UniqueConstraint(fields=["set", "sid"], name="span_unique_id_in_set"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
                name="span_score_between_0_and_1",
            ),
            models.CheckConstraint(condition=Q(start__gte=0), name="span_start_not_negative"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="span_start_before_end"),
        ]

    def __str__(self):
        return f"{self.sid} [{self.start}:{self.end}] {self.label_id}"


class Stance(models.Model):
    set = models.ForeignKey(AnnotationSet, on_delete=models.CASCADE, related_name="stances")
    sid = models.CharField("id", max_length=64)
    # DO_NOTHING: a set's stances are always deleted with or before its
    # spans (replace_set, or the cascade from the set), and the database's
    # foreign keys still refuse a stance left pointing at a deleted span.
    # Without a Python-side cascade, deleting a set's spans is one DELETE
    # instead of a SELECT of every span and a DELETE per hundred.
    holder = models.ForeignKey(Span, on_delete=models.DO_NOTHING, related_name="held_stances")
    # A stance is taken on a span of the text (target) or on a concept of
    # the codebook, never both.
    target = models.ForeignKey(
        Span,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="targeted_stances",
    )
    concept = models.ForeignKey(
        Concept, null=True, blank=True, on_delete=models.RESTRICT, related_name="stances"
    )
    polarity = models.ForeignKey(Label, on_delete=models.RESTRICT, related_name="stances")
    cue = models.ForeignKey(
        Span, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="cued_stances"
    )

    class Meta:
        ordering = ["set", "id"]
        constraints = [
            models.UniqueConstraint(fields=["set", "sid"], name="stance_unique_id_in_set"),
            models.CheckConstraint(
                condition=~Q(holder=F("target")), name="stance_holder_not_target"
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=False, concept__isnull=True)
                | Q(target__isnull=True, concept__isnull=False),
                name="stance_target_or_concept",
            ),
        ]

    def __str__(self):
        on = self.target_id if self.concept_id is None else f"concept {self.concept_id}"
        return f"{self.sid}: {self.holder_id} {self.polarity_id} {on}"


class SetCategory(models.Model):
    """A document category chosen in a set (a label of kind category)."""

    set = models.ForeignKey(AnnotationSet, on_delete=models.CASCADE, related_name="categories")
    label = models.ForeignKey(Label, on_delete=models.RESTRICT, related_name="set_categories")

    class Meta:
        ordering = ["set", "id"]
        verbose_name_plural = "set categories"
        constraints = [
            models.UniqueConstraint(fields=["set", "label"], name="set_category_once"),
        ]

    def __str__(self):
        return f"{self.label_id} in set {self.set_id}"
