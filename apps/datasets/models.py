from django.conf import settings
from django.db import models

from apps.projects.models import Job, Project


class Release(models.Model):
    """An immutable, versioned snapshot of a project's annotations: one file per
    format and split, each with its SHA-256, and a manifest.

    Built once by a background job; after that nothing about it changes (no
    update endpoint exists, and the builder refuses a release that is not pending).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="releases")
    name = models.CharField(max_length=100)
    seed = models.IntegerField(default=0)
    ratios = models.JSONField(default=dict)
    formats = models.JSONField(default=list)
    source = models.CharField(max_length=16, default="gold")
    include_text = models.BooleanField(default=True)
    annotators = models.CharField(max_length=16, default="pseudonyms")
    licence_text = models.CharField(max_length=200, blank=True)
    licence_annotations = models.CharField(max_length=200, blank=True)
    # Which claims the claims-network and statements files hold: {"start",
    # "end" (ISO dates, [start, end), either open), "concepts" (ids, each with
    # the concepts below it; null: all)}. Empty: every claim.
    claims_window = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    manifest = models.JSONField(null=True, blank=True)
    manifest_file = models.FileField(upload_to="releases/", max_length=500, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="release_unique_name"),
        ]

    def __str__(self):
        return f"{self.project} {self.name}"


class ReleaseFile(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=32)
    split = models.CharField(max_length=32)
    name = models.CharField(max_length=200)  # as the manifest lists it, e.g. "train.jsonl"
    file = models.FileField(upload_to="releases/", max_length=500)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["release", "format", "split"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "format", "split"], name="release_file_unique"
            ),
        ]

    def __str__(self):
        return f"{self.release} {self.format} {self.split}"
