"""The codebook's API, under projects/<project_pk>/concepts/: the concepts,
their merge, and the codebook's import and export (CSV or JSON)."""

from functools import cache

import django_filters
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.mentions.merge import merge_concepts
from apps.projects.api.schema import SCOPED, errors, model_viewset_errors
from apps.projects.errors import Conflict
from apps.projects.inputs import fits_id
from apps.projects.models import Role
from apps.projects.parsers import JSONParser
from apps.projects.permissions import ProjectScopedMixin

from .. import codebook_io
from ..codebook import codebook_concepts, delete_problem, import_codebook, lock_codebook
from ..codebook_rules import paths
from ..models import KEY_SEPARATOR, Concept
from ..search import search_key
from .registry_views import JSONErrorsMixin, file_response, run_import
from .schema import (
    CodebookImportResultSerializer,
    CodebookRecordSerializer,
    ConceptMergeResultSerializer,
    MergeIntoSerializer,
    RegistryUploadSerializer,
)
from .serializers import ConceptSerializer
from .views import MergedHiddenFilter


class ConceptFilter(MergedHiddenFilter):
    q = django_filters.CharFilter(
        method="filter_q", help_text="Part of a name or a keyword; accents and case optional."
    )

    class Meta:
        model = Concept
        fields = []

    def filter_q(self, queryset, name, value):
        # Names and keywords by their stored search keys (the keywords' one
        # a line), in the database: one LIKE each. A query spanning a line
        # break would join two keywords: it matches names only.
        key = search_key(value)
        found = Q(name_key__contains=key)
        if KEY_SEPARATOR not in key:
            found |= Q(keywords_key__contains=key)
        return queryset.filter(found)


def concepts_of(project):
    """The project's concepts as the API shows them, each with its `stance_count`."""
    return (
        Concept.objects.filter(project=project)
        .select_related("merged_by")
        .annotate(stance_count=Count("stances"))
        .order_by("name", "id")  # a GROUP BY drops the model's ordering
    )


def serializer_context(project):
    """What ConceptSerializer reads beside the concept: the project, and the
    paths of its concepts, read (one query) when the first one is drawn, so
    after any write of the request."""

    @cache
    def codebook_paths():
        rows = Concept.objects.filter(project=project).values_list("id", "parent_id", "name")
        return paths({pk: parent for pk, parent, _ in rows}, {pk: name for pk, _, name in rows})

    return {"project": project, "codebook_paths": codebook_paths}


def _owner_or_open(view):
    """Creating a concept: owners, or any member when the project lets annotators."""
    if not view.membership.has_role(Role.OWNER) and not view.project.annotators_create_concepts:
        raise PermissionDenied(
            "Only the project's owners add concepts to the codebook; an owner may let "
            "annotators add them too (annotators_create_concepts in the project settings)."
        )


@model_viewset_errors(ConceptSerializer, list_codes=(400, *SCOPED), conflict=True)
class ConceptViewSet(ProjectScopedMixin, viewsets.ModelViewSet):
    """The project's codebook. Every member reads it; owners add, edit and
    delete concepts, and annotators may add them when the project's
    `annotators_create_concepts` is on. Concepts are listed by name; `path`
    shows each one's place in the hierarchy."""

    roles = {
        "GET": Role.ANNOTATOR,
        "POST": Role.ANNOTATOR,  # the project setting decides: _owner_or_open
        "PATCH": Role.OWNER,
        "DELETE": Role.OWNER,
    }

    serializer_class = ConceptSerializer
    filterset_class = ConceptFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_converter = "id"
    queryset = Concept.objects.none()

    def get_project_queryset(self):
        return concepts_of(self.project)

    def filter_queryset(self, queryset):
        # Filters choose what a list shows; a merged concept's own URL shows it.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            **serializer_context(getattr(self, "project", None)),
        }

    def create(self, request, *args, **kwargs):
        _owner_or_open(self)
        with transaction.atomic():
            lock_codebook(self.project)
            return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            lock_codebook(self.project)
            return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        concept = self.get_object()
        with transaction.atomic():
            lock_codebook(self.project)
            if problem := delete_problem(concept):
                raise Conflict(problem)
            concept.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConceptMergeView(ProjectScopedMixin, APIView):
    """Merge this concept into another: `{"into": survivor_id}`. Every stance
    on it follows the survivor (a set left with the same claim twice keeps
    one), its sub-concepts move under the survivor, and it stays listed
    with `merged_into` as the record of the merge."""

    roles = {"POST": Role.OWNER}

    @extend_schema(
        request=MergeIntoSerializer,
        responses={200: ConceptMergeResultSerializer, **errors(400, *SCOPED, 409)},
    )
    def post(self, request, *args, **kwargs):
        source = Concept.objects.filter(project=self.project, pk=kwargs["concept_pk"]).first()
        if source is None:
            raise Http404
        into = request.data.get("into") if isinstance(request.data, dict) else None
        if not fits_id(into):
            raise ValidationError({"into": "is required: the id of the concept that survives."})
        survivor = Concept.objects.filter(project=self.project, pk=into).first()
        if survivor is None:
            raise ValidationError({"into": f"There is no concept {into} in this project."})
        report = merge_concepts(source, survivor, request.user)
        survivor = concepts_of(self.project).get(pk=survivor.pk)
        data = ConceptSerializer(survivor, context=serializer_context(self.project)).data
        return Response({"survivor": data, "merged": source.pk, **report})


class CodebookExportView(JSONErrorsMixin, ProjectScopedMixin, APIView):
    """The project's codebook (concepts not merged away) as a CSV or JSON
    file, parents before their sub-concepts, in one query whatever its size."""

    roles = {"GET": Role.ANNOTATOR}

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "json"], default="csv")],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/json"): CodebookRecordSerializer(many=True),
            **errors(400, *SCOPED),
        },
    )
    def get(self, request, *args, **kwargs):
        return file_response(
            request,
            codebook_io,
            lambda: codebook_concepts(self.project),
            f"codebook-project-{self.project.pk}",
        )


class CodebookImportView(JSONErrorsMixin, ProjectScopedMixin, APIView):
    """Import concepts: a multipart `file` (.csv or .json, or `format`) or a
    JSON list. All or nothing; every bad row is listed with its field. A row
    naming an existing concept (by exact name) updates it: its description
    and parent where the row gives them, and the keywords it lacks; the
    other rows create concepts. A parent may come after its child."""

    roles = {"POST": Role.OWNER}

    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": RegistryUploadSerializer,
            "application/json": CodebookRecordSerializer(many=True),
        },
        responses={
            200: CodebookImportResultSerializer,
            201: CodebookImportResultSerializer,
            **errors(400, *SCOPED, 409, 413),
        },
    )
    def post(self, request, *args, **kwargs):
        return run_import(request, codebook_io, "concepts", import_codebook, self.project)
