"""The caller's own set (`mine`), submitting it, and every visible set of a document."""

from contextlib import contextmanager

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.documents.models import Document
from apps.projects.api.conditional import answer, check_if_match, tag_headers
from apps.projects.api.schema import (
    IF_MATCH,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    SCOPED,
    VersionConflictSerializer,
    errors,
)
from apps.projects.conditional import etag
from apps.projects.errors import NotFound, PreconditionFailed
from apps.projects.models import Role
from apps.projects.permissions import ProjectScopedMixin
from apps.projects.prepared import PreparedValues, field_names, instance

from ..assignment import check_open, claim, own_set
from ..models import AnnotationSet
from ..pseudonyms import hides_names
from ..sets import (
    ProjectSchema,
    SetConflict,
    own_payload,
    replace_set,
    set_payload,
    set_payloads,
    submit_set,
    written_payload,
)
from ..shapes import AnnotationSetSerializer, ClaimConflictSerializer, SetWriteSerializer
from ..validation import REJECTION_FIELD, clean_rejections, describe
from ..visibility import visibility_key, visible_sets


def _is_version(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def set_tag(membership, set_id, version):
    """The ETag of a set as `membership` reads it: its id and version, the
    project's schema version (a renamed label changes the payload, not the
    set) and what decides the caller's view of it."""
    return etag(
        "set", set_id, version, membership.project.schema_version, visibility_key(membership)
    )


def read_set(document, aset):
    """The API shape of `aset` as stored now."""
    return set_payload(aset.pk, document.text)


@contextmanager
def as_precondition(by_tag):
    """A write sent with If-Match instead of a version: losing the race to
    another writer after the If-Match check is the same refusal, 412."""
    try:
        yield
    except SetConflict as conflict:
        if not by_tag:
            raise
        raise PreconditionFailed(str(conflict), version=conflict.version) from None


# What the set views read of their document, prepared: every request has it.
_DOCUMENT_FIELDS = ("id", "project_id", "text", "annotator_count", "adjudicated_at")
_DOCUMENT = PreparedValues(
    lambda project_id, pk: Document.objects.filter(project_id=project_id, pk=pk).values(
        *_DOCUMENT_FIELDS
    ),
    "project_id",
    "pk",
)


# The caller's set with its document, in one query: what GET and PUT of
# `mine` read (prepared, as _DOCUMENT).
_OWN_SET_AND_DOCUMENT = PreparedValues(
    lambda project_id, pk, author_id: (
        AnnotationSet.objects.filter(
            document__project_id=project_id,
            document_id=pk,
            kind=AnnotationSet.Kind.ANNOTATOR,
            author_id=author_id,
        )
        .order_by("pk")
        .values(*field_names(AnnotationSet), *(f"document__{name}" for name in _DOCUMENT_FIELDS))[
            :1
        ]
    ),
    "project_id",
    "pk",
    "author_id",
)


class DocumentScopedView(ProjectScopedMixin, APIView):
    roles = {"GET": Role.ANNOTATOR, "PUT": Role.ANNOTATOR, "POST": Role.ANNOTATOR}

    def get_document(self):
        row = _DOCUMENT.row(project_id=self.project.pk, pk=self.kwargs["document_pk"])
        if row is None:
            raise Http404
        return self._document(row)

    def _document(self, row, prefix=""):
        document = instance(Document, row, prefix, fields=_DOCUMENT_FIELDS)
        document.project = self.project
        return document


NO_SET = (
    "You have no set on this document: take it with POST to this URL, "
    "or ask for your next document (POST documents/next/)."
)


class MySetView(DocumentScopedView):
    """The caller's annotator set on a document.

    GET reads it (404 when the caller has none: reading never takes a
    document). POST takes the document: it creates the set (201), or answers
    the one the caller has (200); 409 when the document already has its k
    annotators or is adjudicated, or when the caller already holds as many
    unfinished documents as the project allows (`held` lists them). PUT
    replaces the whole set atomically and must carry the version last read;
    a stale version answers 409 with the current one.
    """

    def _document_and_own(self):
        """The document and the caller's set on it, which it may still
        change (check_open); 404 without either."""
        row = _OWN_SET_AND_DOCUMENT.row(
            project_id=self.project.pk,
            pk=self.kwargs["document_pk"],
            author_id=self.request.user.pk,
        )
        if row is None:
            self.get_document()  # 404 without the document
            raise NotFound(NO_SET)
        document, aset = self._document(row, "document__"), instance(AnnotationSet, row)
        check_open(document.adjudicated_at, aset)
        return document, aset

    def _answer(self, document, aset, code=status.HTTP_200_OK):
        # The same shape as GET, PUT and submit, read back from what was stored.
        payload = read_set(document, aset)
        tag = set_tag(self.membership, aset.pk, payload["version"])
        return Response(payload, status=code, headers=tag_headers(tag))

    @extend_schema(
        responses={200: AnnotationSetSerializer, 304: NOT_MODIFIED, **errors(*SCOPED, 409)},
        parameters=[IF_NONE_MATCH],
    )
    def get(self, request, *args, **kwargs):
        """The set, with its ETag: If-None-Match with it answers 304 until the
        set or the project's labels change."""
        document, aset = self._document_and_own()
        tag = set_tag(self.membership, aset.pk, aset.version)
        return answer(request, tag, lambda: own_payload(aset, request.user, document.text))

    @extend_schema(
        request=None,
        responses={
            200: AnnotationSetSerializer,
            201: AnnotationSetSerializer,
            **errors(*SCOPED, 409, e409=ClaimConflictSerializer),
        },
    )
    def post(self, request, *args, **kwargs):
        document = self.get_document()
        aset, created = claim(document, request.user)
        return self._answer(document, aset, status.HTTP_201_CREATED if created else 200)

    @extend_schema(
        request=SetWriteSerializer,
        responses={
            200: AnnotationSetSerializer,
            **errors(400, *SCOPED, 409, 412, e412=VersionConflictSerializer),
        },
        parameters=[IF_MATCH],
    )
    def put(self, request, *args, **kwargs):
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"detail": "Send the set as a JSON object."})
        version = data.get("version")
        by_tag = version is None and "If-Match" in request.headers
        if not by_tag and not _is_version(version):
            raise ValidationError(
                {
                    "version": "is required: the version of the set you last read (an "
                    "integer), unless an If-Match header carries its ETag."
                }
            )
        document, aset = self._document_and_own()
        check_if_match(request, set_tag(self.membership, aset.pk, aset.version), aset.version)
        if by_tag:
            version = aset.version
        schema = ProjectSchema(self.project)
        clean, errors = schema.validate(document.text, data)
        rejected = None
        if REJECTION_FIELD in data:  # left out: the stored rejections stay
            rejected, rejection_errors = clean_rejections(document.text, data[REJECTION_FIELD])
            errors = [*errors, *rejection_errors]
        if errors:
            return Response(
                {"detail": describe(errors), "errors": errors}, status=status.HTTP_400_BAD_REQUEST
            )
        with as_precondition(by_tag):
            replace_set(aset, version, clean, schema.label_ids, rejected)
        # What was written, in GET's shape, without reading it back.
        payload = written_payload(aset, request.user, document.text, clean)
        tag = set_tag(self.membership, aset.pk, aset.version)
        return Response(payload, headers=tag_headers(tag))


class SubmitMySetView(DocumentScopedView):
    """Submit the caller's set. Optional body `{"version": n}` refuses a stale submit."""

    @extend_schema(
        request=inline_serializer(
            "SubmitSet", {"version": serializers.IntegerField(min_value=1, required=False)}
        ),
        responses={
            200: AnnotationSetSerializer,
            **errors(
                400,
                *SCOPED,
                409,
                412,
                e409=VersionConflictSerializer,
                e412=VersionConflictSerializer,
            ),
        },
        parameters=[IF_MATCH],
    )
    def post(self, request, *args, **kwargs):
        document = self.get_document()
        aset = own_set(document.pk, request.user)
        if aset is None:
            raise NotFound(NO_SET)
        version = request.data.get("version") if isinstance(request.data, dict) else None
        if version is not None and not _is_version(version):
            raise ValidationError({"version": "must be the version of the set (an integer)."})
        check_if_match(request, set_tag(self.membership, aset.pk, aset.version), aset.version)
        by_tag = version is None and "If-Match" in request.headers
        with as_precondition(by_tag):
            submit_set(aset, aset.version if by_tag else version)
        payload = read_set(document, aset)
        tag = set_tag(self.membership, aset.pk, payload["version"])
        return Response(payload, headers=tag_headers(tag))


class DocumentSetsView(DocumentScopedView):
    """Every set of the document that the caller may see (under anonymous
    review, a reviewer sees annotators as "Annotator A/B/C")."""

    @extend_schema(responses={200: AnnotationSetSerializer(many=True), **errors(*SCOPED)})
    def get(self, request, *args, **kwargs):
        document = self.get_document()
        sets = visible_sets(self, AnnotationSet.objects.filter(document=document))
        return Response(
            set_payloads(sets, {document.pk: document.text}, anonymous=hides_names(self.membership))
        )
