from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce

from apps.projects.models import Project

from .fields import CONTENT_FIELDS, METADATA_FIELDS, STRING_FIELDS  # noqa: F401 (re-exported)


def document_status(annotator_count, submitted_count, adjudicated_at, wanted):
    """A document's status from its counts; `wanted` is the number of
    annotators it wants (Document.wanted). Value rows and model instances
    both use this, so the rule is written once."""
    if adjudicated_at is not None:
        return Document.Status.ADJUDICATED
    if submitted_count >= wanted:
        return Document.Status.ANNOTATED
    if annotator_count:
        return Document.Status.IN_PROGRESS
    return Document.Status.NEW


# The documents a claim may take, and those the review queue holds. Each
# condition is stored in its own column (Document.claimable, .reviewable),
# and that column is the condition of a partial index: PostgreSQL keeps
# statistics for a column but none for "one column >= another", which it
# guesses a third of the table matches, so it planned the queue of 300 among
# 200,000 documents as scans of the whole table. Written here once, so that
# the filters of next, the queue and the status filter say exactly what the
# index says (PostgreSQL uses a partial index only for a query that implies
# its condition).
CLAIMABLE_WHEN = Q(adjudicated_at=None) & Q(annotator_count__lt=F("wanted"))
REVIEWABLE_WHEN = Q(adjudicated_at=None) & Q(submitted_count__gte=F("wanted"))
CLAIMABLE = Q(claimable=True)
REVIEWABLE = Q(reviewable=True)
ADJUDICATED = Q(adjudicated_at__isnull=False)
# The sort key of "least certain first", descending: a document's
# uncertainty (never negative), or -1 without one, so those come last on
# every database (an index cannot say NULLS LAST on SQLite). The index
# document_claimable_uncertain holds this very expression.
UNCERTAINTY_KEY = Coalesce(F("uncertainty"), Value(-1.0), output_field=models.FloatField())
# A claim's import order: the id, written `id + 0` so that only the partial
# index document_claimable, on this very expression, gives that order. On
# plain `id` the primary key gives it too, and while PostgreSQL's statistics
# say nearly every document is claimable (a project analyzed while young, or
# never: autovacuum off) it walked the primary key, testing `claimable` on
# every document taken ahead of the first open one.
CLAIM_ORDER = ExpressionWrapper(F("id") + Value(0), output_field=models.BigIntegerField())
# The review queue's sort key, descending, the same way: a document's
# disagreement (0 to 1), or -1 without one. The index document_review_queue
# holds this expression, so a page of the queue is a walk of that index.
DISAGREEMENT_KEY = Coalesce(F("disagreement"), Value(-1.0), output_field=models.FloatField())

M32 = 2**32


def shuffle_seed(assignment_seed):
    """The project's assignment seed as each of its documents stores it
    (Document.shuffle_seed): hashed, so that near seeds give unrelated orders."""
    return (assignment_seed * 0x9E3779B9 + 0x7F4A7C15) % M32


# The random order's key, the seeded permutation of ids, the same on every
# database: multiply (a bijection mod 2**32), XOR with the seed's hash,
# multiply again. The XOR makes it non-linear, so each seed gives its own
# order, not a rotation of one order; it is written (a | b) - (a & b)
# because a generated column may use only the database's own operators and
# SQLite has no XOR. Every product stays below 2**63.
_SPREAD = F("id") * Value(2654435761) % Value(M32)
SHUFFLE_KEY = (
    (_SPREAD.bitor(F("shuffle_seed")) - _SPREAD.bitand(F("shuffle_seed")))
    * Value(0x5BD1E995)
    % Value(M32)
)


def status_q(status):
    """document_status() as a filter: the Q of documents with `status`, for
    filters and conditional counts; an unknown status matches nothing."""
    open_ = Q(adjudicated_at=None)
    if status == Document.Status.NEW:
        return open_ & Q(annotator_count=0) & Q(submitted_count__lt=F("wanted"))
    if status == Document.Status.IN_PROGRESS:
        return open_ & Q(annotator_count__gt=0) & Q(submitted_count__lt=F("wanted"))
    if status == Document.Status.ANNOTATED:
        return REVIEWABLE
    if status == Document.Status.ADJUDICATED:
        return ADJUDICATED
    return Q(pk__in=[])


def fill_from_project(documents):
    """Give each new Document without `wanted` its project's k (or its own
    routed count), and without `shuffle_seed` its project's, in one query
    for the projects not loaded with them."""
    missing = [
        d
        for d in documents
        if (d.wanted is None and d.annotators_wanted is None) or d.shuffle_seed is None
    ]
    unloaded = {d.project_id for d in missing if not Document.project.is_cached(d)}
    loaded = Project.objects.filter(pk__in=unloaded)
    settings = {
        pk: (k, seed)
        for pk, k, seed in loaded.values_list("pk", "annotators_per_document", "assignment_seed")
    }
    for d in documents:
        if Document.project.is_cached(d):
            k, seed = d.project.annotators_per_document, d.project.assignment_seed
        elif d.project_id in settings:
            k, seed = settings[d.project_id]
        else:
            continue
        if d.wanted is None:
            d.wanted = d.annotators_wanted or k
        if d.shuffle_seed is None:
            d.shuffle_seed = shuffle_seed(seed)


class DocumentQuerySet(models.QuerySet):
    def with_status(self, status):
        """Filter by the derived status."""
        return self.filter(status_q(status))

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_from_project(objs)
        return super().bulk_create(objs, *args, **kwargs)


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
    # The number of annotators the document wants: annotators_wanted, or the
    # project's k. Stored (never null) so that "has room for one more" and
    # "all wanted annotators submitted" compare two columns of the row, which
    # partial indexes can hold, instead of a COALESCE no index can serve.
    # Written on insert (fill_from_project: save, bulk_create, the import's
    # INSERT), by routing with annotators_wanted, and for every unrouted
    # document when the project's k changes (signals.py).
    wanted = models.PositiveSmallIntegerField(editable=False)
    # Sort keys of the documents list, kept by apps.annotations where sets are
    # written (sets.py, assignment.py): keyset pages need a stored, indexed
    # column, never a per-row aggregate. Null: no set submitted / no set yet.
    last_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_activity = models.DateTimeField(null=True, blank=True, editable=False)
    # How unsure the most recent model was about this document (higher: less
    # sure), written with its prediction sets (mentions.preannotate's
    # write_predictions); the "least certain first" order hands out the
    # highest first. Null: no model has said.
    uncertainty = models.FloatField(null=True, blank=True, editable=False)
    # How much the document's annotators disagree among themselves
    # (review.agreement.disagreement_score over its submitted sets), kept by
    # review.queue.rescore wherever those sets change, so the review queue
    # is ordered by a stored column. Null: fewer than two submitted sets.
    disagreement = models.FloatField(null=True, blank=True, editable=False)
    # CLAIMABLE_WHEN and REVIEWABLE_WHEN of the row, computed by the database
    # on every INSERT and UPDATE (so the import's raw INSERT, counters and
    # routing need not write them): see CLAIMABLE above for why stored.
    # The project's shuffle_seed(assignment_seed), written on insert as
    # `wanted` is and on every document when the seed changes (signals.py),
    # so that the random order's key is a column of the row (`shuffle`) and
    # partial indexes hold it: a claim in random order reads the first rows
    # of an index instead of sorting every claimable document.
    shuffle_seed = models.BigIntegerField(editable=False)
    shuffle = models.GeneratedField(
        expression=ExpressionWrapper(SHUFFLE_KEY, output_field=models.BigIntegerField()),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )
    claimable = models.GeneratedField(
        expression=ExpressionWrapper(CLAIMABLE_WHEN, output_field=models.BooleanField()),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    reviewable = models.GeneratedField(
        expression=ExpressionWrapper(REVIEWABLE_WHEN, output_field=models.BooleanField()),
        output_field=models.BooleanField(),
        db_persist=True,
    )

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
            # status=new (no annotator yet) in id order.
            models.Index(fields=["project", "annotator_count", "id"]),
            models.Index(fields=["project", "outlet"]),
            # author= reads its page straight off this index: a byline is in a
            # fraction of a percent of a large project, which an id-order walk
            # testing each document took 63 ms to fill at a million.
            models.Index(fields=["project", "author", "id"], name="document_author"),
            # The documents list's other orderings, ties broken by id.
            models.Index(fields=["project", "published", "id"]),
            models.Index(fields=["project", "last_submitted_at", "id"]),
            models.Index(fields=["project", "last_activity", "id"]),
            # Only the documents each condition holds: next's first open
            # document, the review queue and status=adjudicated cost the
            # same in a project of a million documents as in one of ten.
            models.Index(F("project"), CLAIM_ORDER, condition=CLAIMABLE, name="document_claimable"),
            # Random order: the claimable documents in the seeded order.
            models.Index(
                fields=["project", "shuffle", "id"],
                condition=CLAIMABLE,
                name="document_claimable_shuffle",
            ),
            models.Index(
                fields=["project", "id"], condition=REVIEWABLE, name="document_reviewable"
            ),
            models.Index(
                fields=["project", "id"], condition=ADJUDICATED, name="document_adjudicated"
            ),
            # "Least certain first": the claimable documents, most uncertain
            # first and those without an uncertainty last (UNCERTAINTY_KEY),
            # ties in the seeded order, so a claim reads the first rows of
            # the index.
            models.Index(
                F("project"),
                UNCERTAINTY_KEY.desc(),
                F("shuffle"),
                F("id"),
                condition=CLAIMABLE,
                name="document_claimable_uncertain",
            ),
            # The review queue: the reviewable documents, most disagreement
            # first, then import order (DISAGREEMENT_KEY).
            models.Index(
                F("project"),
                DISAGREEMENT_KEY.desc(),
                F("id"),
                condition=REVIEWABLE,
                name="document_review_queue",
            ),
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
        if self._state.adding:
            fill_from_project([self])
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

    def status_for(self):
        return document_status(
            self.annotator_count, self.submitted_count, self.adjudicated_at, self.wanted
        )


class ReviewableCount(models.Model):
    """How many of a project's documents are reviewable (the review queue's
    length), as partial sums: the length is the SUM of the project's rows,
    a few rows read instead of a count of every document waiting.

    Triggers on the documents table write these rows (migration
    documents/0011), so every write that turns `reviewable` on or off (a
    generated column: submissions, routing, a new k, accept, reopen,
    imports, restores, deletes) is counted with no code of its own. Each
    such change folds into one row the project's rows it can lock, skipping
    those other transactions hold (SKIP LOCKED), so writers never wait for
    each other and a project keeps about one row per transaction in flight.
    """

    # No foreign key: deleting a project deletes its documents, whose
    # triggers write rows of that project, in an order Django chooses.
    project_id = models.BigIntegerField(db_index=True)
    documents = models.IntegerField()

    def __str__(self):
        return f"project {self.project_id}: {self.documents:+d}"


def reviewable_count(project):
    """The number of the project's reviewable documents, exact, from its
    ReviewableCount rows."""
    total = ReviewableCount.objects.filter(project_id=project.pk).aggregate(
        n=models.Sum("documents")
    )
    return total["n"] or 0


def repair_reviewable_count(project):
    """Count the project's reviewable documents and make that its one
    ReviewableCount row: writes to the documents wait meanwhile (a SHARE lock
    on PostgreSQL; SQLite has one writer), so nothing is counted twice or
    missed. Returns (stored before, counted)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Document._meta.db_table} IN SHARE MODE")
        before = reviewable_count(project)
        ReviewableCount.objects.filter(project_id=project.pk).delete()
        counted = Document.objects.filter(REVIEWABLE, project=project).count()
        ReviewableCount.objects.create(project_id=project.pk, documents=counted)
    return before, counted
