"""`GET, PATCH /projects/{p}/recommender/`, `POST …/recommender/train/`,
`GET …/recommender/models/`: the project's recommender (apps/recommender)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.documents.models import Document
from apps.projects.api.schema import SCOPED, JobStartedSerializer, errors
from apps.projects.models import Label, Role
from apps.projects.permissions import ProjectScopedMixin

from ..models import RecommenderModel, RecommenderSettings
from ..training import (
    check_can_train,
    running_training,
    settings_of,
    start_training,
    withdraw_suggestions,
)
from .serializers import (
    RecommenderModelSerializer,
    RecommenderSerializer,
    RecommenderSettingsSerializer,
)


def _models(project):
    # Never the bytes: a list of versions reads their scores.
    return RecommenderModel.objects.filter(project=project).defer("data").order_by("version")


def summary(project):
    """The recommender's settings, its versions in use and last, the running
    training, and how many documents are adjudicated (in all, and since the
    last training read its data)."""
    recommender = settings_of(project)
    versions = _models(project)
    current = versions.filter(status=RecommenderModel.Status.ACTIVE).first()
    latest = versions.order_by("-version").first()
    running = running_training(project)
    adjudicated = Document.objects.filter(project=project, adjudicated_at__isnull=False)
    since = adjudicated.filter(adjudicated_at__gt=latest.data_read_at) if latest else adjudicated
    return {
        "settings": RecommenderSettingsSerializer(recommender).data,
        "entity_labels": sorted(
            Label.objects.filter(project=project, kind=Label.Kind.ENTITY).values_list(
                "name", flat=True
            )
        ),
        "current": RecommenderModelSerializer(current).data if current else None,
        "latest": RecommenderModelSerializer(latest).data if latest else None,
        "running": (
            {"id": running.pk, "status": running.status, "progress": running.progress}
            if running
            else None
        ),
        "adjudicated": adjudicated.count(),
        "adjudicated_since": since.count(),
    }


class RecommenderView(ProjectScopedMixin, APIView):
    """The project's recommender: its settings (owners change them), the
    version in use and the last one trained, the training running now.
    Reviewers read it; annotators get 403."""

    roles = {"GET": Role.REVIEWER, "PATCH": Role.OWNER}

    @extend_schema(responses={200: RecommenderSerializer, **errors(*SCOPED)})
    def get(self, request, *args, **kwargs):
        return Response(summary(self.project))

    @extend_schema(
        request=RecommenderSettingsSerializer,
        responses={200: RecommenderSerializer, **errors(400, *SCOPED)},
    )
    def patch(self, request, *args, **kwargs):
        with transaction.atomic():
            recommender, _ = RecommenderSettings.objects.get_or_create(project=self.project)
            was_on = recommender.enabled
            serializer = RecommenderSettingsSerializer(
                recommender, data=request.data, partial=True, context={"project": self.project}
            )
            serializer.is_valid(raise_exception=True)
            serializer.save()
            if was_on and not recommender.enabled:
                withdraw_suggestions(self.project)
        return Response(summary(self.project))


class TrainView(ProjectScopedMixin, APIView):
    """Train a new version now (owners): 202 `{"job": id}`; 409 naming the
    training already queued or running."""

    roles = {"POST": Role.OWNER}

    @extend_schema(
        request=None,
        responses={202: JobStartedSerializer, **errors(400, *SCOPED, 409)},
    )
    def post(self, request, *args, **kwargs):
        check_can_train(self.project)
        job = start_training(self.project, request.user)
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class ModelsView(ProjectScopedMixin, APIView):
    """Every trained version, oldest first, with its scores and the data it
    saw (never its bytes): the learning curve is `micro_f1` against
    `documents`. Reviewers read it."""

    roles = {"GET": Role.REVIEWER}

    @extend_schema(responses={200: RecommenderModelSerializer(many=True), **errors(*SCOPED)})
    def get(self, request, *args, **kwargs):
        return Response(RecommenderModelSerializer(_models(self.project), many=True).data)
