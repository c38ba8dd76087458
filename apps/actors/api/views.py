import django_filters
from django.db.models import Case, Exists, OuterRef, ProtectedError, Q, RestrictedError, Value, When
from django.http import QueryDict
from rest_framework import status, viewsets
from rest_framework.response import Response

from apps.projects.api.schema import SCOPED, model_viewset_errors
from apps.projects.errors import Conflict
from apps.projects.models import Role
from apps.projects.permissions import ProjectScopedMixin

from ..models import Actor, Alias
from ..search import search_key
from .serializers import ActorSerializer


class MergedHiddenFilter(django_filters.FilterSet):
    """A registry's list filters: merged records (actors, concepts) are
    records of a merge, hidden unless `include_merged` asks for them."""

    include_merged = django_filters.BooleanFilter(
        method="filter_merged", help_text="Also list those merged into others."
    )

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("include_merged", "false")
        super().__init__(data, *args, **kwargs)

    def filter_merged(self, queryset, name, value):
        return queryset if value else queryset.filter(merged_into=None)


class ActorFilter(MergedHiddenFilter):
    q = django_filters.CharFilter(
        method="filter_q", help_text="Part of a name or an alias; accents and case optional."
    )
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices)
    country = django_filters.CharFilter()

    class Meta:
        model = Actor
        fields = []

    def filter_q(self, queryset, name, value):
        # Accents and case are optional in a query ("nguyen" finds "Nguyễn").
        # Best match first, so that Enter in a picker links what was meant:
        # "Russ" is Russia before the European Union's alias "Brussels".
        key = search_key(value)
        aliases = Alias.objects.filter(actor=OuterRef("pk"))
        rank = Case(
            When(name_key=key, then=Value(0)),
            When(Exists(aliases.filter(text_key=key)), then=Value(1)),
            When(name_key__startswith=key, then=Value(2)),
            When(Exists(aliases.filter(text_key__startswith=key)), then=Value(3)),
            When(name_key__contains=key, then=Value(4)),
            default=Value(5),
        )
        return (
            queryset.filter(
                Q(name_key__contains=key) | Exists(aliases.filter(text_key__contains=key))
            )
            .alias(rank=rank)
            .order_by("rank", "name", "id")
        )


@model_viewset_errors(ActorSerializer, list_codes=(400, *SCOPED), conflict=True)
class ActorViewSet(ProjectScopedMixin, viewsets.ModelViewSet):
    """The project's actor registry. Every member may add an actor (annotators
    create them while linking); reviewers and owners edit, delete and merge."""

    roles = {
        "GET": Role.ANNOTATOR,
        "POST": Role.ANNOTATOR,
        "PUT": Role.REVIEWER,
        "PATCH": Role.REVIEWER,
        "DELETE": Role.REVIEWER,
    }

    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_converter = "id"
    queryset = Actor.objects.none()

    def get_project_queryset(self):
        return (
            Actor.objects.filter(project=self.project)
            .select_related("merged_into", "merged_by")
            .prefetch_related("aliases")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "project": getattr(self, "project", None)}

    def destroy(self, request, *args, **kwargs):
        actor = self.get_object()
        try:
            actor.delete()
        except (RestrictedError, ProtectedError):
            # Two things keep an actor: spans linking it, and the actors merged
            # into it (each a record of a merge). Name each that applies.
            mentions = actor.spans.count()
            merged = actor.merged_from.count()
            reasons = []
            if mentions:
                reasons.append(f"is linked from {mentions} span{'s' if mentions != 1 else ''}")
            if merged:
                reasons.append(
                    f"is the survivor of a merge ({merged} actor{'s' if merged != 1 else ''} "
                    f"{'were' if merged != 1 else 'was'} merged into it)"
                )
            raise Conflict(
                f"{actor.name} {' and '.join(reasons) or 'is still referenced'}; "
                "merge it into another actor instead."
            ) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
