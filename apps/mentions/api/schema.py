"""Serializers used only by the OpenAPI schema: mentions (mentions._row),
merges and pre-annotation."""

from rest_framework import serializers

from apps.actors.api.serializers import ActorSerializer
from apps.annotations.document_filter import FILTERS
from apps.annotations.models import AnnotationSet


class MentionDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)

    class Meta:
        ref_name = "MentionDocument"


class MentionSetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AnnotationSet.Kind.choices)
    status = serializers.ChoiceField(choices=AnnotationSet.Status.choices)
    author = serializers.CharField(allow_null=True)
    source = serializers.CharField(allow_blank=True)

    class Meta:
        ref_name = "MentionSet"


class MentionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sid = serializers.CharField(help_text="The span's id within its set.")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    label = serializers.CharField()
    color = serializers.CharField(allow_blank=True)
    before = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    after = serializers.CharField(allow_blank=True)
    clipped_before = serializers.BooleanField()
    clipped_after = serializers.BooleanField()
    document = MentionDocumentSerializer()
    set = MentionSetSerializer()

    class Meta:
        ref_name = "Mention"


class MergeRequestSerializer(serializers.Serializer):
    into = serializers.IntegerField(help_text="The id of the actor that survives.")

    class Meta:
        ref_name = "MergeRequest"


class MergeResultSerializer(serializers.Serializer):
    survivor = ActorSerializer()
    merged = serializers.IntegerField()
    mentions_moved = serializers.IntegerField()

    class Meta:
        ref_name = "MergeResult"


class PreannotateSelectionSerializer(serializers.Serializer):
    documents = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Only these document ids."
    )
    filter = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        required=False,
        help_text="Only the documents these filters of the documents list match, e.g. "
        '{"q": "Caracas", "status": "new", "published_after": "2026-01-01"}; the names are '
        + ", ".join(f"`{name}`" for name in FILTERS)
        + ". Applied when the job runs.",
    )
    unannotated = serializers.BooleanField(
        required=False, help_text="Only the documents nobody has taken yet."
    )

    class Meta:
        ref_name = "PreannotateSelection"


class PreannotateRequestSerializer(PreannotateSelectionSerializer):
    suggester = serializers.CharField(required=False, help_text='Default "aliases".')

    class Meta:
        ref_name = "PreannotateRequest"


class PreannotateCountSerializer(serializers.Serializer):
    documents = serializers.IntegerField(help_text="Documents the selection matches now.")

    class Meta:
        ref_name = "PreannotateCount"
