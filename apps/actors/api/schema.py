"""Serializers used only by the OpenAPI schema: the registry import's answer
and the records of a JSON registry export."""

from rest_framework import serializers

from ..models import Actor
from .serializers import AliasSerializer


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


class RegistryRecordSerializer(serializers.Serializer):
    """One actor of a JSON registry export: what an import reads back."""

    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Actor.Kind.choices)
    country = serializers.CharField()
    wikidata_id = serializers.CharField()
    description = serializers.CharField()
    aliases = AliasSerializer(many=True)

    class Meta:
        ref_name = "RegistryRecord"
