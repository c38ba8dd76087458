"""Training again by itself: once `retrain_after` documents were adjudicated
since the last training read its data, the next adjudication queues one.

Connected to review's `document_adjudicated` (sent inside the adjudication's
transaction); the count and the start happen once that transaction commits,
so the adjudication never waits on, nor rolls back with, a training. With
the database task backend the training waits for the worker; only the
immediate backend (DEBUG, tests) runs it in the committing request.
"""

from django.db import transaction

from apps.documents.models import Document

from .models import RecommenderModel, RecommenderSettings
from .training import TrainingRunning, running_training, start_training


def due(project_id):
    """The project's settings when an automatic training is due, else None."""
    recommender = (
        RecommenderSettings.objects.filter(project_id=project_id, enabled=True, retrain_after__gt=0)
        .select_related("project")
        .first()
    )
    if recommender is None:
        return None
    last = (
        RecommenderModel.objects.filter(project_id=project_id)
        .order_by("-version")
        .values_list("data_read_at", flat=True)
        .first()
    )
    adjudicated = Document.objects.filter(project_id=project_id, adjudicated_at__isnull=False)
    if last is not None:
        adjudicated = adjudicated.filter(adjudicated_at__gt=last)
    if adjudicated.count() < recommender.retrain_after:
        return None
    if running_training(recommender.project) is not None:
        return None
    return recommender


def retrain_if_due(project_id):
    recommender = due(project_id)
    if recommender is None:
        return None
    try:
        return start_training(
            recommender.project,
            reason=f"{recommender.retrain_after} documents adjudicated",
        )
    except TrainingRunning:
        return None  # another adjudication's commit started it


def on_document_adjudicated(sender, project_id, document_id, **kwargs):
    transaction.on_commit(lambda: retrain_if_due(project_id))
