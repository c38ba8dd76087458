from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from apps.projects.models import Project

from .fields import CONTENT_FIELDS, METADATA_FIELDS, STRING_FIELDS  # noqa: F401 (re-exported)


def wanted(k):
    """The number of annotators a document wants: its own (set by review's
    routing) or the project's k. `k` is a number or an expression (e.g.
    ``F("project__annotators_per_document")`` across projects)."""
    return Coalesce(F("annotators_wanted"), k if hasattr(k, "resolve_expression") else Value(k))


def document_status(annotator_count, submitted_count, adjudicated_at, wanted):
    """A document's status from its counts; `wanted` is the number of
    annotators it wants (its own routed count or the project's k). Value
    rows and model instances both use this, so the rule is written once."""
    if adjudicated_at is not None:
        return Document.Status.ADJUDICATED
    if submitted_count >= wanted:
        return Document.Status.ANNOTATED
    if annotator_count:
        return Document.Status.IN_PROGRESS
    return Document.Status.NEW


def status_q(status, k):
    """document_status() as a filter: the Q of documents with `status`, for
    filters and conditional counts. `k` as for wanted(); an unknown status
    matches nothing."""
    open_ = Q(adjudicated_at=None)
    if status == Document.Status.NEW:
        return open_ & Q(annotator_count=0) & Q(submitted_count__lt=wanted(k))
    if status == Document.Status.IN_PROGRESS:
        return open_ & Q(annotator_count__gt=0) & Q(submitted_count__lt=wanted(k))
    if status == Document.Status.ANNOTATED:
        return open_ & Q(submitted_count__gte=wanted(k))
    if status == Document.Status.ADJUDICATED:
        return ~open_
    return Q(pk__in=[])


class DocumentQuerySet(models.QuerySet):
    def with_status(self, status, k):
        """Filter by the derived status; `k` is the project's overlap."""
        return self.filter(status_q(status, k))


class Document(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        ANNOTATED = "annotated", "Annotated (all k sets submitted)"
        ADJUDICATED = "adjudicated", "Adjudicated"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    external_id = models.CharField(max_length=255)
    title = models.CharField(max_length=1000, blank=True)
    text = models.TextField()
    meta = models.JSONField(default=dict, blank=True)
    # The news metadata researchers slice by.
    outlet = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=300, blank=True)
    section = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    published = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Kept by apps.annotations in the same transaction that changes the sets,
    # so assignment and status filters need no aggregation.
    annotator_count = models.PositiveIntegerField(default=0, editable=False)
    submitted_count = models.PositiveIntegerField(default=0, editable=False)
    adjudicated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by review's agreement-driven routing when the first k annotators
    # disagreed too much: this document wants more annotators than the
    # project's k. Null means the project's k.
    annotators_wanted = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Sort keys of the documents list, kept by apps.annotations where sets are
    # written (sets.py, assignment.py): keyset pages need a stored, indexed
    # column, never a per-row aggregate. Null: no set submitted / no set yet.
    last_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_activity = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "external_id"], name="document_unique_external_id"
            ),
            models.CheckConstraint(
                condition=Q(submitted_count__lte=models.F("annotator_count")),
                name="document_submitted_le_assigned",
            ),
        ]
        indexes = [
            # Keyset paging: WHERE project = p AND id > cursor ORDER BY id.
            models.Index(fields=["project", "id"]),
            models.Index(fields=["project", "annotator_count"]),
            models.Index(fields=["project", "outlet"]),
            # The documents list's other orderings, ties broken by id.
            models.Index(fields=["project", "published", "id"]),
            models.Index(fields=["project", "last_submitted_at", "id"]),
            models.Index(fields=["project", "last_activity", "id"]),
        ]

    def __str__(self):
        return self.title or self.external_id

    def save(self, *args, **kwargs):
        # Offsets point into the text: once a document has annotations its
        # text is fixed, whatever path (admin, shell, API) tries to change it.
        update_fields = kwargs.get("update_fields")
        if self.pk and (update_fields is None or "text" in update_fields):
            stored = Document.objects.filter(pk=self.pk).values_list("text", flat=True).first()
            if stored is not None and stored != self.text and self.text_is_annotated():
                raise ValidationError(
                    {"text": "This document has annotations, so its text cannot change."}
                )
        super().save(*args, **kwargs)

    def text_is_annotated(self):
        """Whether rows of a higher app hold offsets into this text. Such models
        say so (``holds_offsets_into_document = True``: annotation sets), so
        this app never names them nor their related names."""
        return any(
            relation.related_model._base_manager.filter(**{relation.field.name: self}).exists()
            for relation in self._meta.related_objects
            if getattr(relation.related_model, "holds_offsets_into_document", False)
        )

    def status_for(self, k):
        return document_status(
            self.annotator_count,
            self.submitted_count,
            self.adjudicated_at,
            self.annotators_wanted or k,
        )
