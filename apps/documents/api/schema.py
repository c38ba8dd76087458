"""Serializers used only by the OpenAPI schema: the document shape that
`views.document_payload` builds, with and without its sets."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from apps.annotations.shapes import (
    AnnotationSetSerializer,
    SpanInputSerializer,
    StanceInputSerializer,
)
from apps.documents.models import Document


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    meta = serializers.DictField()
    outlet = serializers.CharField(allow_blank=True)
    author = serializers.CharField(allow_blank=True)
    section = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    published = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Document.Status.choices)
    assigned = serializers.IntegerField(help_text="Annotators with a set on it.")
    submitted = serializers.IntegerField(help_text="Annotator sets submitted.")
    last_submitted_at = serializers.DateTimeField(
        allow_null=True, help_text="When an annotator set was last submitted."
    )
    last_activity = serializers.DateTimeField(
        allow_null=True, help_text="When any set of the document last changed."
    )
    # Not read_only: drf-spectacular lists every read-only field as required,
    # and annotators' answers leave this one out.
    uncertainty = serializers.FloatField(
        allow_null=True,
        required=False,
        help_text="Reviewers and owners only: the most recent recommender model's "
        "uncertainty on the document (higher: less sure; the order of "
        "`assignment_order: uncertain`), null before any model scored it.",
    )
    annotations = AnnotationSetSerializer(
        many=True,
        required=False,
        help_text="With `include=annotations` only: every set the caller may see.",
    )
    tokens = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        required=False,
        help_text="With `include=tokens` only: each token's [start, end) in code points.",
    )

    class Meta:
        ref_name = "Document"


class NextDocumentSerializer(DocumentSerializer):
    annotations = None
    tokens = None
    uncertainty = None
    set = AnnotationSetSerializer(help_text="The caller's set on it.")

    class Meta:
        ref_name = "NextDocument"


class DocumentCreateSerializer(serializers.Serializer):
    """One record, as one line of a JSONL import."""

    id = serializers.CharField(
        required=False, help_text="The external id; derived from the text when left out."
    )
    text = serializers.CharField()
    title = serializers.CharField(required=False, allow_null=True)
    outlet = serializers.CharField(required=False, allow_null=True)
    author = serializers.CharField(required=False, allow_null=True)
    section = serializers.CharField(required=False, allow_null=True)
    url = serializers.CharField(required=False, allow_null=True)
    meta = serializers.DictField(required=False, allow_null=True)
    published = serializers.CharField(
        required=False, allow_null=True, help_text='A date like "2024-05-31".'
    )
    spans = SpanInputSerializer(many=True, required=False, allow_null=True)
    stances = StanceInputSerializer(many=True, required=False, allow_null=True)

    class Meta:
        ref_name = "DocumentRecord"


# What an import (of one record here, or many in apps.imports) answers when
# it stores nothing.
IMPORT_PROBLEM = inline_serializer(
    "ImportProblem",
    {
        "where": serializers.CharField(help_text='The record, e.g. "line 3".'),
        "field": serializers.CharField(allow_null=True),
        "message": serializers.CharField(),
    },
)
# A refusal stores nothing; a request without a file carries DRF's field
# errors (an object) under `errors` instead, and no counts.
IMPORT_REFUSAL = inline_serializer(
    "ImportRefusal",
    {
        "detail": serializers.CharField(),
        "created": serializers.IntegerField(required=False),
        "skipped": serializers.IntegerField(required=False),
        # Absent when the body itself could not be read (not JSON, say).
        "errors": serializers.JSONField(
            required=False, help_text="Every bad record (see ImportProblem)."
        ),
    },
)
