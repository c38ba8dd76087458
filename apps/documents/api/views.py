"""The document endpoints: list, read, create, edit, delete, next.

What they answer depends on annotation sets (status, `assigned_to`,
`include=annotations`, handing out a document creates a set) and creating one
is a one-record import; as interface code, this package may use those apps'
services (docs/architecture.md, "The one rule"). Bulk imports are
`apps.imports.api`.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.annotations.assignment import next_document, reassign
from apps.annotations.document_filter import FILTERS, DocumentFilter
from apps.annotations.models import AnnotationSet
from apps.annotations.pseudonyms import filter_username, hides_names
from apps.annotations.sets import (
    new_set_payload,
    rendered_set_payloads,
    set_payloads,
    set_tag_parts,
    visible_set_rows,
)
from apps.annotations.shapes import AnnotationSetSerializer
from apps.annotations.visibility import visibility_key
from apps.documents.models import CONTENT_FIELDS, METADATA_FIELDS, Document, document_status
from apps.documents.text import token_offsets
from apps.imports.parsers import parse_records
from apps.imports.store import import_records, refusal
from apps.projects.api.conditional import answer
from apps.projects.api.schema import IF_NONE_MATCH, NOT_MODIFIED, SCOPED, errors
from apps.projects.conditional import etag
from apps.projects.errors import Conflict
from apps.projects.inputs import json_problem
from apps.projects.models import Role
from apps.projects.pagination import KeysetPagination
from apps.projects.permissions import ProjectScopedMixin
from apps.projects.prepared import PreparedValues

from .schema import (
    IMPORT_REFUSAL,
    DocumentCreateSerializer,
    DocumentSerializer,
    NextDocumentSerializer,
)

DOCUMENT_FIELDS = (
    *CONTENT_FIELDS,
    "created_at",
    "annotator_count",
    "submitted_count",
    "adjudicated_at",
    "wanted",
    "last_submitted_at",
    "last_activity",
    "uncertainty",
)

# One document of a project as the API shows it, prepared (apps/projects/prepared.py).
DOCUMENT_ROW = PreparedValues(
    lambda project_id, pk: Document.objects.filter(project_id=project_id, pk=pk).values(
        *DOCUMENT_FIELDS
    ),
    "project_id",
    "pk",
)

# The documents list's sort orders (`?ordering=`): name -> the stored,
# indexed column it keys on (None: id alone). Ties are broken by id.
ORDERINGS = {
    "id": None,
    "-id": None,
    "published": "published",
    "-published": "published",
    "submitted": "last_submitted_at",
    "-submitted": "last_submitted_at",
    "last_activity": "last_activity",
    "-last_activity": "last_activity",
}


def document_payload(row):
    """The API shape of a document from a `.values(*DOCUMENT_FIELDS)` row."""
    doc_status = document_status(
        row["annotator_count"],
        row["submitted_count"],
        row["adjudicated_at"],
        row["wanted"],
    )
    return {
        **{name: row[name] for name in CONTENT_FIELDS},
        "created_at": row["created_at"],
        "status": doc_status.value,
        "assigned": row["annotator_count"],
        "submitted": row["submitted_count"],
        "last_submitted_at": row["last_submitted_at"],
        "last_activity": row["last_activity"],
    }


class DocumentFilterBackend(DjangoFilterBackend):
    """The shared DocumentFilter, over the view's project; `assigned_to`
    resolved for the caller first (filter_username: blind projects, and
    pseudonyms only under anonymous review)."""

    def filter_queryset(self, request, queryset, view):
        # No filter named: every document, without building the filterset
        # and its form (a fifth of a plain page's CPU).
        if not any(name in request.query_params for name in FILTERS):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        wanted = (kwargs["data"].get("assigned_to") or "").strip()
        if wanted:
            kwargs["data"] = kwargs["data"].copy()
            kwargs["data"]["assigned_to"] = filter_username(
                view.membership, request.user, wanted, "assigned_to"
            )
        return {**kwargs, "project": view.project}


class DocumentUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["external_id", "text", *METADATA_FIELDS]

    def validate_external_id(self, value):
        clash = Document.objects.filter(project_id=self.instance.project_id, external_id=value)
        if clash.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Another document of this project has the id {value!r}.")
        return value

    def validate_meta(self, value):
        # As an import checks it: an object that can be stored and read back.
        if not isinstance(value, dict):
            raise ValidationError("must be a JSON object.")
        if problem := json_problem(value, "meta"):
            raise ValidationError(f"{problem[0]} {problem[1]}.")
        return value

    def validate_text(self, value):
        if value != self.instance.text and self.instance.text_is_annotated():
            raise ValidationError(
                "This document has annotations, so its text cannot change: their "
                "offsets would point at other words. Import the new text as a new document."
            )
        if not value:
            raise ValidationError("The text cannot be empty.")
        return value


INCLUDES = {"annotations", "tokens"}
INCLUDE = OpenApiParameter(
    "include",
    OpenApiTypes.STR,
    description="Comma-separated: `annotations` (every set the caller may see), "
    "`tokens` (the server's token boundaries, [start, end) in code points).",
)


class ReassignSerializer(serializers.Serializer):
    """Whose unfinished set moves to whom, by username."""

    from_ = serializers.CharField(help_text="The annotator whose unfinished set moves.")
    to = serializers.CharField(help_text="The member who takes it over.")

    def get_fields(self):
        # "from" is a Python keyword: the field is declared as from_.
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, data):
        users = {
            user.username: user
            for user in get_user_model().objects.filter(username__in=[data["from"], data["to"]])
        }
        for name in ("from", "to"):
            if data[name] not in users:
                raise ValidationError({name: [f"No user is called {data[name]!r}."]})
        return {name: users[data[name]] for name in ("from", "to")}


class DocumentViewSet(ProjectScopedMixin, viewsets.GenericViewSet):
    """Documents of a project, paged by cursor (keyset) in the `?ordering=`
    chosen, import order (id) by default.

    `?include=annotations` adds every set the caller may see to each document
    (under anonymous review, a reviewer sees annotators as "Annotator A/B/C"
    and names one in `assigned_to` by project pseudonym, "Annotator n").
    """

    roles = {
        "GET": Role.ANNOTATOR,
        "POST": Role.OWNER,
        "PATCH": Role.OWNER,
        "DELETE": Role.OWNER,
        "next": Role.ANNOTATOR,
        "reassign": Role.OWNER,
    }

    pagination_class = KeysetPagination
    orderings = ORDERINGS
    filter_backends = [DocumentFilterBackend]
    filterset_class = DocumentFilter
    serializer_class = DocumentUpdateSerializer
    lookup_value_converter = "id"
    queryset = Document.objects.none()

    def get_project_queryset(self):
        return Document.objects.filter(project=self.project)

    def _includes(self):
        """The parts `?include=` asks for: annotations, tokens, or both (comma-separated)."""
        raw = self.request.query_params.get("include", "")
        asked = {part.strip() for part in raw.split(",") if part.strip()}
        unknown = sorted(asked - INCLUDES)
        if unknown:
            raise ValidationError(
                {"include": f"{', '.join(unknown)}: not a part; choose from annotations, tokens."}
            )
        return asked

    def _shows_uncertainty(self):
        """Whether the caller sees the recommender's `uncertainty`: reviewers
        and owners, who read the recommender; annotators are handed documents
        in its order, and are not shown how unsure the model was."""
        return self.membership.has_role(Role.REVIEWER)

    def _payloads(self, rows, sets_read=None):
        """The payloads of document rows; `sets_read`: the set_rows of their
        visible sets, when the caller has read them already."""
        payloads = [document_payload(row) for row in rows]
        if self._shows_uncertainty():
            for payload, row in zip(payloads, rows, strict=True):
                payload["uncertainty"] = row["uncertainty"]
        includes = self._includes()
        if "tokens" in includes:
            # The server's word boundaries, the ones CoNLL and the token
            # agreement use: the browser snaps selections to these, so a
            # selected word is the word an export writes.
            for payload in payloads:
                payload["tokens"] = token_offsets(payload["text"])
        if "annotations" in includes:
            texts = {row["id"]: row["text"] for row in rows}
            if sets_read is None:
                sets_read = visible_set_rows(self.membership, list(texts))
            by_document = {}
            anonymous = hides_names(self.membership)
            shown = rendered_set_payloads(
                sets_read, texts, self.project.schema_version, anonymous=anonymous
            )
            for payload in shown:
                by_document.setdefault(payload["document"], []).append(payload)
            for payload in payloads:
                payload["annotations"] = by_document.get(payload["id"], [])
        return payloads

    @extend_schema(
        operation_id="documents_list",
        parameters=[
            INCLUDE,
            IF_NONE_MATCH,
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Up to 1000."),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                enum=list(ORDERINGS),
                description="Sort order, ties by id; documents without the value "
                "(undated, never submitted, no set yet) come last. Default: id.",
            ),
        ],
        responses={
            200: DocumentSerializer(many=True),
            304: NOT_MODIFIED,
            **errors(400, *SCOPED),
        },
    )
    def list(self, request, *args, **kwargs):
        """A page, with its ETag: made of the page's document rows, its links
        and the parts asked for; with annotations, also every shown set's
        id and version, the schema version and what decides the caller's
        view (as one document's). A 304 costs the page's query (and its
        sets' rows), not their contents, payloads or rendering."""
        queryset = self.filter_queryset(self.get_queryset()).values(*DOCUMENT_FIELDS)
        page = self.paginate_queryset(queryset)
        includes = self._includes()
        links = (self.paginator.get_next_link(), self.paginator.get_previous_link())
        parts = ["documents", tuple(tuple(row.items()) for row in page), links]
        parts += [tuple(sorted(includes)), self._shows_uncertainty()]
        sets_read = None
        if "annotations" in includes:
            sets_read = visible_set_rows(self.membership, [row["id"] for row in page])
            parts += [
                self.project.schema_version,
                visibility_key(self.membership),
                set_tag_parts(sets_read),
            ]
        return answer(
            request,
            etag(*parts),
            lambda: self.get_paginated_response(self._payloads(page, sets_read)).data,
        )

    @extend_schema(
        parameters=[INCLUDE, IF_NONE_MATCH],
        responses={200: DocumentSerializer, 304: NOT_MODIFIED, **errors(400, *SCOPED)},
    )
    def retrieve(self, request, *args, **kwargs):
        """One document. Its ETag covers the document's row and the parts
        asked for; with annotations, also the id and version of every set the
        caller may see, the project's schema version and what decides the
        caller's view: If-None-Match answers 304 before any set is loaded."""
        row = DOCUMENT_ROW.row(project_id=self.project.pk, pk=kwargs["pk"])
        if row is None:
            return Response({"detail": "No such document."}, status=status.HTTP_404_NOT_FOUND)
        includes = self._includes()
        parts = ["document", tuple(row.items()), tuple(sorted(includes)), self._shows_uncertainty()]
        sets_read = None
        if "annotations" in includes:
            sets_read = visible_set_rows(self.membership, [row["id"]])
            parts += [
                self.project.schema_version,
                visibility_key(self.membership),
                set_tag_parts(sets_read),
            ]
        return answer(request, etag(*parts), lambda: self._payloads([row], sets_read)[0])

    @extend_schema(
        request=DocumentCreateSerializer,
        responses={201: DocumentSerializer, 400: IMPORT_REFUSAL, **errors(*SCOPED, 409)},
    )
    def create(self, request, *args, **kwargs):
        """Add one document: the same record as one line of a JSONL import."""
        if not isinstance(request.data, dict):
            raise ValidationError({"detail": "Send one document as a JSON object."})
        report = import_records(
            self.project, parse_records([request.data], where_prefix="document")
        )
        if report["errors"]:
            return Response(refusal(report), status=status.HTTP_400_BAD_REQUEST)
        if not report["created"]:
            raise Conflict("A document with this external_id already exists.", field="id")
        row = Document.objects.filter(pk=report["documents"][0]).values(*DOCUMENT_FIELDS).get()
        return Response(self._payloads([row])[0], status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: DocumentSerializer, **errors(400, *SCOPED)})
    def partial_update(self, request, *args, **kwargs):
        document = self.get_object()
        serializer = self.get_serializer(document, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            # claim() takes this row lock before creating a set, so the model's
            # own check (an annotated document's text never changes) cannot race.
            Document.objects.select_for_update().filter(pk=document.pk).first()
            try:
                serializer.save()
            except DjangoValidationError as exc:
                raise ValidationError(exc.message_dict) from exc
        row = Document.objects.filter(pk=document.pk).values(*DOCUMENT_FIELDS).get()
        return Response(self._payloads([row])[0])

    @extend_schema(responses={204: None, **errors(*SCOPED)})
    def destroy(self, request, *args, **kwargs):
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: NextDocumentSerializer, 204: None, **errors(*SCOPED)},
    )
    @action(detail=False, methods=["post"])
    def next(self, request, *args, **kwargs):
        """Give the caller the next document to annotate, with their set.

        Their own unfinished document comes first; 204 when nothing is left."""
        found = next_document(self.project, request.user)
        if found is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        document, aset, created = found
        # The instance holds the row as the claim left it: no reading it again.
        payload = document_payload({name: getattr(document, name) for name in DOCUMENT_FIELDS})
        if created:
            payload["set"] = new_set_payload(aset, request.user)
        else:
            payload["set"] = set_payloads(
                AnnotationSet.objects.filter(pk=aset.pk), {document.pk: document.text}
            )[0]
        return Response(payload)

    @extend_schema(
        request=ReassignSerializer,
        responses={200: AnnotationSetSerializer, **errors(400, *SCOPED, 409)},
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, *args, **kwargs):
        """Owners: move an annotator's unfinished set on this document to
        another member (assignment.reassign names the rules)."""
        document = self.get_object()
        serializer = ReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        aset = reassign(
            document, serializer.validated_data["from"], serializer.validated_data["to"]
        )
        payload = set_payloads(
            AnnotationSet.objects.filter(pk=aset.pk), {document.pk: document.text}
        )[0]
        return Response(payload)
