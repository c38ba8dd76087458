"""Serializers used only by the OpenAPI schema: mentions (mentions._row),
merges and pre-annotation."""

from rest_framework import serializers

from apps.actors.api.serializers import ActorSerializer
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


class PreannotateRequestSerializer(serializers.Serializer):
    documents = serializers.ListField(child=serializers.IntegerField(), required=False)
    suggester = serializers.CharField(required=False, help_text='Default "aliases".')
    unannotated = serializers.BooleanField(
        required=False, help_text="Only the documents nobody has taken yet."
    )

    class Meta:
        ref_name = "PreannotateRequest"
