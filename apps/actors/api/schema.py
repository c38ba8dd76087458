"""Serializers used only by the OpenAPI schema: the registry import's answer."""

from rest_framework import serializers


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
