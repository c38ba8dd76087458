"""Serializers used only by the OpenAPI schema: the registry's and the
codebook's import answers, the records of their JSON exports, and a
concept merge's request and answer."""

from rest_framework import serializers

from .serializers import ActorSerializer, ConceptSerializer


class RegistryImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    aliases_added = serializers.IntegerField()

    class Meta:
        ref_name = "RegistryImportResult"


class RegistryUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .csv or .json file.")
    format = serializers.ChoiceField(choices=["csv", "json"], required=False)

    class Meta:
        ref_name = "RegistryUpload"


class RegistryRecordSerializer(ActorSerializer):
    """One actor of a JSON registry export: what an import reads back."""

    merged_into_name = None
    merged_by = None

    class Meta(ActorSerializer.Meta):
        fields = ["name", "kind", "country", "wikidata_id", "description", "aliases"]
        ref_name = "RegistryRecord"


class CodebookImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()

    class Meta:
        ref_name = "CodebookImportResult"


class CodebookRecordSerializer(serializers.Serializer):
    """One concept of a JSON codebook export: what an import reads back."""

    name = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True)
    parent = serializers.CharField(
        required=False, allow_null=True, help_text="The parent's name, in the file or the codebook."
    )
    keywords = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        ref_name = "CodebookRecord"


class MergeIntoSerializer(serializers.Serializer):
    into = serializers.IntegerField(help_text="The id of the concept that survives.")

    class Meta:
        ref_name = "ConceptMergeRequest"


class ConceptMergeResultSerializer(serializers.Serializer):
    survivor = ConceptSerializer()
    merged = serializers.IntegerField()
    stances_moved = serializers.IntegerField()
    stances_dropped = serializers.IntegerField(
        help_text="Stances dropped because their set held the same claim on the survivor."
    )
    children_moved = serializers.IntegerField()

    class Meta:
        ref_name = "ConceptMergeResult"
