"""Every mention of one actor across the project: the spans linked to it in
the sets the caller may see, each with its document, its set and a short
snippet of the text around it.

The snippet's window is cut from the document text by the database
(`SUBSTR`/`SUBSTRING` count characters, i.e. code points, on SQLite and
PostgreSQL alike), so a page of mentions costs the same few queries, and
never loads whole documents, however long they are or however many there are.
"""

from django.db.models import F, IntegerField, Value
from django.db.models.functions import Greatest, Substr
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from apps.actors.models import Actor
from apps.annotations.models import AnnotationSet, Span
from apps.annotations.pseudonyms import document_names, hides_names
from apps.annotations.visibility import visible_sets
from apps.projects.api.schema import SCOPED, errors, page
from apps.projects.models import Role
from apps.projects.pagination import PageNumberPagination
from apps.projects.permissions import ProjectScopedMixin

from ..snippets import MARGIN, snippet
from .schema import MentionSerializer

DEFAULT_CONTEXT = 60
MAX_CONTEXT = 300


def _context(params):
    raw = params.get("context", DEFAULT_CONTEXT)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= MAX_CONTEXT:
        raise ValidationError(
            {"context": f"is the number of characters shown each side, 0 to {MAX_CONTEXT}."}
        )
    return value


def _author(row, names):
    """The set's author, or its pseudonym on that document under anonymous review."""
    if names is None or row["set__kind"] != AnnotationSet.Kind.ANNOTATOR:
        return row["set__author__username"]
    return names[row["set__document_id"]][row["set__author__username"]]


def _row(row, context, names=None):
    return {
        "id": row["id"],
        "sid": row["sid"],
        "start": row["start"],
        "end": row["end"],
        "label": row["label__name"],
        "color": row["label__color"],
        **snippet(row["window"], row["window_start"], row["start"], row["end"], context),
        "document": {
            "id": row["set__document_id"],
            "external_id": row["set__document__external_id"],
            "title": row["set__document__title"],
        },
        "set": {
            "id": row["set_id"],
            "kind": row["set__kind"],
            "status": row["set__status"],
            "author": _author(row, names),
            "source": row["set__source"],
        },
    }


class ActorMentionsView(ProjectScopedMixin, APIView):
    """The spans linked to this actor in every set you may see (reviewers:
    all; annotators: no gold, and in a blind project only their own sets and
    predictions), in document order, with `before`/`text`/`after` around each
    (`context` code points each side, default 60). Paged like every list.
    Under anonymous review a reviewer sees each set's author as its
    "Annotator A/B/C" on that document."""

    roles = {"GET": Role.ANNOTATOR}

    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("context", int, default=DEFAULT_CONTEXT),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: page("PaginatedMentionList", MentionSerializer), **errors(400, *SCOPED)},
    )
    def get(self, request, *args, **kwargs):
        context = _context(request.query_params)
        if not Actor.objects.filter(project=self.project, pk=kwargs["actor_pk"]).exists():
            raise Http404
        sets = visible_sets(self, AnnotationSet.objects.filter(document__project=self.project))
        reach = Value(context + MARGIN)
        window_start = Greatest(F("start") - reach, Value(0), output_field=IntegerField())
        rows = (
            Span.objects.filter(actor_id=kwargs["actor_pk"], set__in=sets)
            .annotate(
                window_start=window_start,
                window=Substr(
                    "set__document__text", window_start + 1, F("end") + reach - window_start
                ),
            )
            .values(
                "id",
                "sid",
                "start",
                "end",
                "label__name",
                "label__color",
                "set_id",
                "set__kind",
                "set__status",
                "set__source",
                "set__author__username",
                "set__document_id",
                "set__document__external_id",
                "set__document__title",
                "window_start",
                "window",
            )
            .order_by("set__document_id", "start", "end", "set__kind", "set_id", "id")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        names = None
        if hides_names(self.membership):
            names = document_names({row["set__document_id"] for row in page})
        return paginator.get_paginated_response([_row(row, context, names) for row in page])
