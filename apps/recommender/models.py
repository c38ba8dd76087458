"""The recommender's rows: a project's settings and the models it trained.

A model's bytes live in its row (BinaryField, `size` says how many): a
trained entity model of a project is small (README, "The recommender"), and
the row keeps it with the data it saw and its scores, in one write.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.projects import limits
from apps.projects.models import Job, Label, Project


class RecommenderSettings(models.Model):
    """What the owners chose for the project's recommender (one row per project,
    created by its first PATCH; absent, the defaults below hold)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="recommender_settings"
    )
    enabled = models.BooleanField(default=False)
    # The least held-out micro F1 a model needs before its suggestions are shown.
    threshold = models.FloatField(
        default=0.5,
        validators=[
            MinValueValidator(limits.MIN_RECOMMENDER_THRESHOLD),
            MaxValueValidator(limits.MAX_RECOMMENDER_THRESHOLD),
        ],
    )
    # Train again once this many documents were adjudicated since the last
    # training read its data; 0: only on demand.
    retrain_after = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(limits.MAX_RETRAIN_AFTER)]
    )
    # Besides gold: the submitted sets of annotators, on documents not adjudicated.
    include_submitted = models.BooleanField(default=False)
    # The entity labels it learns; none chosen: every entity label of the project.
    labels = models.ManyToManyField(Label, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"recommender of {self.project_id}"


class RecommenderModel(models.Model):
    """One trained version of a project's entity model (1, 2, … per project)."""

    class Status(models.TextChoices):
        # Passed the threshold: its suggestions are the project's prediction sets.
        ACTIVE = "active", "in use"
        # Trained and scored, under the threshold: kept for the curve, not used.
        BELOW_THRESHOLD = "below_threshold", "below the threshold"
        # Was in use; a later version replaced it.
        RETIRED = "retired", "replaced"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="recommender_models"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    labels = models.JSONField(default=list)
    # What it saw: {"gold": [set ids], "submitted": [set ids]}.
    training_sets = models.JSONField(default=dict)
    documents = models.PositiveIntegerField(default=0)
    spans_per_label = models.JSONField(default=dict)
    # Held-out scores: {"method", "folds", "held_out", "labels": {label: {precision,
    # recall, f1, support}}, "micro": {…}}.
    scores = models.JSONField(default=dict)
    micro_f1 = models.FloatField(null=True, blank=True)
    # How annotators took the suggestions of the version in use before this one.
    previous_acceptance = models.JSONField(null=True, blank=True)
    suggestions = models.JSONField(null=True, blank=True)
    train_seconds = models.FloatField(default=0.0)
    # When the training read its data: documents adjudicated after count
    # towards the next automatic training.
    data_read_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["project", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version"], name="recommender_model_version_unique"
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="active"),
                name="recommender_model_one_active",
            ),
        ]

    def __str__(self):
        return f"recommender v{self.version} of {self.project_id}"

    @property
    def source(self):
        """The `source` of the prediction sets this version writes."""
        return source_of(self.version)


SOURCE_PREFIX = "recommender-v"


def source_of(version):
    return f"{SOURCE_PREFIX}{version}"
