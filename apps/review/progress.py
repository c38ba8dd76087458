"""Who has done how much: one row per annotator of a project, for the dashboard.

Counts come from one aggregate query; the median time per document (from
taking a document to submitting it) from each annotator's latest
submissions, so the page costs the same in a project of a million documents.
"""

from statistics import median

from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber

from apps.annotations.models import AnnotationSet

# Each annotator's median is taken over at most this many of their latest submissions.
MEDIAN_WINDOW = 1000


def annotator_progress(project):
    """``[{username, assigned, in_progress, submitted, last_activity,
    median_seconds}]`` for every user with an annotator set in the project,
    ordered by username. `median_seconds` is None without a submission."""
    sets = AnnotationSet.objects.filter(
        document__project=project, kind=AnnotationSet.Kind.ANNOTATOR
    )
    rows = (
        sets.values("author__username")
        .annotate(
            assigned=Count("id"),
            in_progress=Count("id", filter=Q(status=AnnotationSet.Status.IN_PROGRESS)),
            submitted=Count("id", filter=Q(status=AnnotationSet.Status.SUBMITTED)),
            last_activity=Max("updated_at"),
        )
        .order_by("author__username")
    )
    durations = {}
    latest = (
        sets.filter(status=AnnotationSet.Status.SUBMITTED, submitted_at__isnull=False)
        .annotate(
            recent=Window(
                RowNumber(), partition_by=[F("author_id")], order_by=F("submitted_at").desc()
            )
        )
        .filter(recent__lte=MEDIAN_WINDOW)
        .values_list("author__username", "created_at", "submitted_at")
    )
    for username, created, submitted in latest:
        durations.setdefault(username, []).append((submitted - created).total_seconds())
    return [
        {
            "username": row["author__username"],
            "assigned": row["assigned"],
            "in_progress": row["in_progress"],
            "submitted": row["submitted"],
            "last_activity": row["last_activity"],
            "median_seconds": median(durations[row["author__username"]])
            if row["author__username"] in durations
            else None,
        }
        for row in rows
    ]
