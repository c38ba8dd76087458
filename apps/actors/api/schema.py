"""Serializers used only by the OpenAPI schema: the registry import's answer
and the records of a JSON registry export."""

from rest_framework import serializers

from .serializers import ActorSerializer


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
