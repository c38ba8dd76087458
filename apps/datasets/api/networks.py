"""The discourse networks of a project's gold statements, and the statements
behind a node (reviewers and owners, who may export the gold data).

Both read the gold sets through the export path (`Exporter`, source gold),
chunk by chunk, so they cost the export's constant queries per chunk; only
the statements, never the documents, are kept between chunks. The network
itself is `networks.network_of`, the pure core.
"""

import dataclasses
from collections import Counter

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.mentions.snippets import snippet
from apps.projects.api.schema import SCOPED, errors, page
from apps.projects.models import Role
from apps.projects.pagination import PageNumberPagination
from apps.projects.permissions import ProjectScopedMixin

from ..export import Exporter
from ..networks import (
    NETWORKS,
    claims_of,
    concept_family,
    dated_in,
    network_of,
    shared_concepts,
)
from ..options import ExportOptions, OptionsError, choice, date
from . import schema

# Code points of text shown each side of a statement's holder.
SNIPPET_CONTEXT = 100


def _ids(params, name):
    """A comma-separated list of ids (`?concepts=1,2`), or None when absent."""
    raw = params.get(name) or ""
    if not raw.strip():
        return None
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise OptionsError(
            name, f'{name} must be ids separated by commas, like "3,7"; got {raw!r}.'
        )
    return [int(part) for part in parts]


def _id(params, name):
    ids = _ids(params, name)
    if ids is not None and len(ids) != 1:
        raise OptionsError(name, f"{name} must be one id, got {params.get(name)!r}.")
    return ids[0] if ids else None


@dataclasses.dataclass
class Selection:
    """Which gold statements a request reads: a time window and concepts."""

    start: object = None
    end: object = None
    concepts: list | None = None

    @classmethod
    def parse(cls, params):
        start, end = date(params, "start"), date(params, "end")
        if start and end and end <= start:
            raise OptionsError("end", f"end ({end}) must come after start ({start}).")
        return cls(start, end, _ids(params, "concepts"))

    def claims(self, project, unlinked=None):
        """The gold claims selected, chunk by chunk, each with its document
        record while its chunk is read (the caller keeps what it needs)."""
        exporter = Exporter(
            project,
            ExportOptions(source="gold", published_from=self.start, published_to=self.end),
        )
        context = exporter.context()
        family = None
        if self.concepts is not None:
            missing = sorted(set(self.concepts) - set(context.concepts))
            if missing:
                listed = ", ".join(map(str, missing))
                raise OptionsError("concepts", f"No concept {listed} in this project.")
            family = concept_family(self.concepts, context.concepts)
        for chunk in exporter.chunks():
            for claim in claims_of(chunk, context, unlinked=unlinked):
                if not dated_in(claim.statement.date, self.start, self.end):
                    continue
                if family is None or claim.concept_id in family:
                    yield claim


WINDOW_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="Documents published on or after."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Documents published before."),
    OpenApiParameter(
        "concepts",
        str,
        description="Concept ids separated by commas; each keeps the concepts below it too.",
    ),
]


class NetworkView(ProjectScopedMixin, APIView):
    """The actor congruence or conflict network, or the actor–concept
    affiliation network, of the gold statements in a time window."""

    roles = {"GET": Role.REVIEWER}

    @extend_schema(
        operation_id="network_retrieve",
        parameters=[
            OpenApiParameter("kind", str, enum=list(NETWORKS), default="congruence"),
            *WINDOW_PARAMETERS,
        ],
        responses={200: schema.NetworkSerializer, **errors(400, *SCOPED)},
    )
    def get(self, request, project_pk):
        kind = choice(request.query_params, "kind", tuple(NETWORKS), "congruence")
        selection = Selection.parse(request.query_params)
        unlinked = Counter()
        # Only the statement and its ids are kept: the documents go with their chunk.
        claims = [
            dataclasses.replace(claim, document=None, holder=None)
            for claim in selection.claims(self.project, unlinked)
        ]
        return Response(
            {
                "kind": kind,
                **network_of(kind, claims),
                "statements_without_actor": unlinked["statements_without_actor"],
            }
        )


def statement_row(claim, project_pk):
    document, holder, statement = claim.document, claim.holder, claim.statement
    return {
        "document": {
            "id": document.id,
            "external_id": document.external_id,
            "title": document.title,
            "published": document.published,
            "url": reverse("document-view-page", args=[project_pk, document.id]),
        },
        "actor": {"id": claim.actor_id, "name": statement.actor},
        "concept": {"id": claim.concept_id, "name": statement.concept},
        "position": statement.position,
        "holder": {
            "id": holder.id,
            "start": holder.start,
            "end": holder.end,
            "text": document.text[holder.start : holder.end],
        },
        **snippet(document.text, 0, holder.start, holder.end, SNIPPET_CONTEXT),
    }


class NetworkStatementsView(ProjectScopedMixin, APIView):
    """The gold statements behind a node or an edge: those of `actor`, on
    `concept` (and the concepts below it), or both; in the same window and
    concepts as the network. In document order, paged like every list."""

    roles = {"GET": Role.REVIEWER}

    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="network_statements_list",
        parameters=[
            OpenApiParameter("actor", int, description="An actor's id."),
            OpenApiParameter("concept", int, description="A concept's id."),
            OpenApiParameter(
                "actors",
                str,
                description="Two actor ids separated by a comma: the statements behind "
                "their edge, both actors' on the concepts that tie them.",
            ),
            OpenApiParameter(
                "kind",
                str,
                enum=[*NETWORKS, "any"],
                default="any",
                description="With actors: congruence keeps the concepts both took the same "
                "position on, conflict opposite positions, any every shared concept.",
            ),
            *WINDOW_PARAMETERS,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: page("PaginatedStatementList", schema.StatementSerializer),
            **errors(400, *SCOPED),
        },
    )
    def get(self, request, project_pk):
        params = request.query_params
        actor, concept = _id(params, "actor"), _id(params, "concept")
        pair = _ids(params, "actors")
        if pair is not None and (len(set(pair)) != 2 or actor is not None):
            raise OptionsError(
                "actors", 'actors must be two different actor ids, like "3,7", without actor.'
            )
        kind = choice(params, "kind", (*NETWORKS, "any"), "any")
        selection = Selection.parse(params)
        if concept is not None:
            # The concept's node: its statements (and those below it), whatever `concepts` says.
            selection.concepts = [concept]
        if pair is None:
            rows = [
                statement_row(claim, self.project.pk)
                for claim in selection.claims(self.project)
                if actor is None or claim.actor_id == actor
            ]
        else:
            rows = self.edge_rows(selection, pair, kind)
        paginator = self.pagination_class()
        return paginator.get_paginated_response(
            paginator.paginate_queryset(rows, request, view=self)
        )

    def edge_rows(self, selection, pair, kind):
        """The statements behind an edge between two actors: both actors'
        statements on the concepts that tie them in the `kind` network (the
        same position for congruence, opposite ones for conflict, any for
        `any`), in document order."""
        rows, positions = [], {pk: {} for pk in pair}
        for claim in selection.claims(self.project):
            if claim.actor_id in positions:
                held = positions[claim.actor_id].setdefault(claim.concept_id, set())
                held.add(claim.statement.position)
                rows.append((claim.concept_id, statement_row(claim, self.project.pk)))
        tied = shared_concepts(positions, "any" if kind == "affiliation" else kind)
        return [row for concept_id, row in rows if concept_id in tied]
