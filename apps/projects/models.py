from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from . import limits

label_name_validator = RegexValidator(
    r"^[A-Z][A-Z0-9_-]*$",
    "A label name is an upper-case identifier: A-Z first, then A-Z, 0-9, _ or -.",
)
color_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour is written #rrggbb.")


def _between(low, high):
    return [MinValueValidator(low), MaxValueValidator(high)]


# The most documents the owner may let one annotator hold unfinished at once.
MAX_UNFINISHED = 100


class Project(models.Model):
    class Order(models.TextChoices):
        IMPORT = "import", "Import order"
        RANDOM = "random", "Random (seeded)"
        # The documents the most recent model is least sure of
        # (Document.uncertainty, highest first); ties and documents without
        # one in the seeded random order.
        UNCERTAIN = "uncertain", "Least certain first"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    guidelines = models.TextField(blank=True, help_text="Markdown.")
    annotators_per_document = models.PositiveSmallIntegerField(
        default=1,
        validators=_between(limits.MIN_ANNOTATORS, limits.MAX_ANNOTATORS),
        help_text="How many annotators annotate each document (overlap k).",
    )
    blind = models.BooleanField(
        default=True, help_text="Annotators cannot see each other's annotations."
    )
    assignment_order = models.CharField(max_length=16, choices=Order.choices, default=Order.IMPORT)
    assignment_seed = models.PositiveIntegerField(
        default=0, validators=_between(limits.MIN_SEED, limits.MAX_SEED)
    )
    max_unfinished_per_annotator = models.PositiveSmallIntegerField(
        default=1,
        validators=_between(1, MAX_UNFINISHED),
        help_text="How many documents one annotator may hold unfinished at once; "
        "next resumes the oldest of them at this limit.",
    )
    # Review.
    anonymous_review = models.BooleanField(
        default=False,
        help_text='Reviewers see "Annotator A / B / C" instead of names.',
    )
    routing_enabled = models.BooleanField(
        default=False,
        help_text="Ask one more annotator when a document's disagreement is above the threshold.",
    )
    routing_threshold = models.FloatField(
        default=0.5,
        validators=_between(limits.MIN_THRESHOLD, limits.MAX_THRESHOLD),
        help_text="Disagreement score (0–1) above which a document is routed.",
    )
    routing_max_annotators = models.PositiveSmallIntegerField(
        default=5,
        validators=_between(limits.MIN_ANNOTATORS, limits.MAX_ANNOTATORS),
        help_text="Routing never asks for more annotators than this.",
    )
    # Pre-annotation: the entity label given to a matched actor of each kind,
    # e.g. {"person": "PERSON", "state": "GPE"}; kinds not listed are skipped.
    actor_kind_labels = models.JSONField(default=dict, blank=True)
    # The codebook: owners manage it; with this on, every member may add concepts.
    annotators_create_concepts = models.BooleanField(
        default=False, help_text="Annotators may add concepts to the codebook."
    )
    # Advanced whenever a label or category group of the project is saved or
    # deleted (apps/projects/labels.py, schema_changed): the label map cached
    # per process and the ETags of documents and sets key on it, since a
    # renamed label changes a set's payload without changing the set.
    schema_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="projects"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annotators_per_document__gte=1), name="project_overlap_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(max_unfinished_per_annotator__gte=1)
                & Q(max_unfinished_per_annotator__lte=MAX_UNFINISHED),
                name="project_unfinished_limit_in_range",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # One transaction with what follows a new k (documents.signals: the
        # number of annotators each document wants).
        with transaction.atomic():
            super().save(*args, **kwargs)

    def clean(self):
        problem = limits.routing_ceiling_problem(
            self.annotators_per_document, self.routing_max_annotators, self.routing_enabled
        )
        if problem:
            raise ValidationError({"routing_max_annotators": problem})


class Job(models.Model):
    """Background work (large imports, pre-annotation, releases) and its progress.

    The API answers 202 with the job's id; `GET /api/v1/jobs/{id}/` shows it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # None only while a job makes its project (a restore): then it is its
    # starter's alone, and it joins the project it made when done.
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(max_length=50)
    # Dotted path of the function that does the work: fn(job, **params) -> result.
    handler = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.FloatField(default=0.0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the worker last showed it is alive (at start and on every
    # set_progress); a running job silent for longer than
    # ACCORD_JOB_LEASE_SECONDS is taken for dead (see jobs.expire_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The number of the attempt running (or that ran last): 1, and one more
    # each time the job is queued again (jobs.expire_stale, jobs.retry_job).
    # Only the current attempt writes the row, so a superseded one stores nothing.
    attempts = models.PositiveSmallIntegerField(default=1)
    # Why the attempt before this one failed, kept when the job is queued again.
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} job {self.pk} ({self.status})"

    def current_attempt(self):
        """This job's row while this attempt is the one running, as a queryset:
        empty once the job ended, was declared lost or was queued again."""
        return Job.objects.filter(pk=self.pk, status=Job.Status.RUNNING, attempts=self.attempts)

    # Set by jobs.run_job while a worker runs the job: writes progress and
    # heartbeat where other processes see them at once, even while the handler
    # holds a transaction open (see jobs.OutsideWriter). None: write them here.
    progress_writer = None

    def set_progress(self, done, total):
        """Record progress and a heartbeat; cheap enough to call per batch, not per item."""
        self.progress = min(1.0, done / total) if total else 1.0
        self.heartbeat_at = timezone.now()
        if self.progress_writer is not None and self.progress_writer(self):
            return
        self.current_attempt().update(progress=self.progress, heartbeat_at=self.heartbeat_at)


class JobFile(models.Model):
    """The file a background job reads: an upload kept in the database until
    the job ends, so that a worker on any host can read it (it needs the
    database anyway) and nothing under MEDIA_ROOT or any URL ever serves it.
    Its bytes are JobFileChunks, so a worker reads a large file a chunk at a
    time (jobs.job_file) instead of holding all of it.

    Deleted when the job ends, done or failed (jobs.run_job, jobs.finish_within),
    and when a lost job is failed rather than queued again (jobs.expire_stale);
    with its job (CASCADE). A job queued again reads it again.
    """

    job = models.OneToOneField(Job, on_delete=models.CASCADE, primary_key=True, related_name="file")
    name = models.CharField(max_length=255, help_text="The uploaded file's name.")
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.name} ({self.size:,} bytes) for job {self.job_id}"


class JobFileChunk(models.Model):
    """One piece of a JobFile's bytes, in order by `number` from 0; every
    piece but the last is jobs.FILE_CHUNK bytes long."""

    file = models.ForeignKey(JobFile, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="job_file_chunk_once")
        ]

    def __str__(self):
        return f"chunk {self.number} of {self.file_id}"


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    REVIEWER = "reviewer", "Reviewer"
    ANNOTATOR = "annotator", "Annotator"


# Each role can do what the roles below it can, and more.
ROLE_RANK = {Role.ANNOTATOR: 1, Role.REVIEWER: 2, Role.OWNER: 3}


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    # PROTECT: deleting a user must not silently drop memberships (it could
    # leave a project without an owner); remove them through the members
    # service first, which keeps the last-owner rule.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
        ]

    def __str__(self):
        return f"{self.user} in {self.project} ({self.role})"

    def has_role(self, role):
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


class CategoryGroup(models.Model):
    """A set of document categories ("FRAME", "TOPIC"), of which an annotator
    chooses one, or several when `multiple`."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="category_groups")
    name = models.CharField(max_length=64, validators=[label_name_validator])
    multiple = models.BooleanField(
        default=False, help_text="Several categories of the group may be chosen for a document."
    )
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="category_group_unique_name"),
        ]

    def __str__(self):
        return self.name


class Label(models.Model):
    class Kind(models.TextChoices):
        ENTITY = "entity", "Entity"
        STANCE = "stance", "Stance"
        CATEGORY = "category", "Document category"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="labels")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=64, validators=[label_name_validator])
    color = models.CharField(max_length=7, default="#4c78a8", validators=[color_validator])
    shortcut = models.CharField(
        max_length=1, blank=True, help_text="One key that applies the label in the annotator."
    )
    description = models.TextField(blank=True)
    # Where the label stands in the project's schema (palettes, lists, keys);
    # labels of equal position fall back to kind, then name.
    position = models.PositiveIntegerField(default=0)
    # The group of a category label; categories only. RESTRICT: a group with
    # labels cannot be deleted on its own.
    group = models.ForeignKey(
        CategoryGroup, null=True, blank=True, on_delete=models.RESTRICT, related_name="labels"
    )

    class Meta:
        ordering = ["position", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="category", group__isnull=False)
                | (~Q(kind="category") & Q(group__isnull=True)),
                name="label_group_iff_category",
            ),
            models.UniqueConstraint(fields=["project", "name"], name="label_unique_name"),
            models.UniqueConstraint(
                fields=["project", "shortcut"],
                condition=~Q(shortcut=""),
                name="label_unique_shortcut",
            ),
        ]

    def __str__(self):
        return self.name


class ApiToken(models.Model):
    """An API token, kept only as the SHA-256 of its secret (apps/projects/tokens.py).

    The secret is shown once, when the token is issued. A token works until
    `expires_at`, until it is revoked (the row deleted), and only while its
    user's password is the one it was issued under (`password_check`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret.")
    password_check = models.CharField(
        max_length=64, help_text="SHA-256 of the password hash the token was issued under."
    )
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Written at most once per tokens.TOUCH_SECONDS, never on every request.
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name or 'token'} of {self.user} (until {self.expires_at:%Y-%m-%d})"
