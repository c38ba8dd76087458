"""Schema-only serializers of the import endpoints' answers (the views build plain dicts)."""

from rest_framework import serializers


class ImportPreviewProblemSerializer(serializers.Serializer):
    where = serializers.CharField(help_text='The record, e.g. "line 3".')
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()

    class Meta:
        ref_name = "ImportPreviewProblem"


class ImportPreviewRecordSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField(help_text="The first 300 characters.")
    length = serializers.IntegerField(help_text="Of the whole text, in code points.")
    title = serializers.CharField()
    meta = serializers.DictField()
    outlet = serializers.CharField()
    author = serializers.CharField()
    section = serializers.CharField()
    url = serializers.CharField()
    published = serializers.DateField(allow_null=True)
    spans = serializers.IntegerField()
    stances = serializers.IntegerField()
    duplicate = serializers.BooleanField(help_text="Already in the project: it would be skipped.")

    class Meta:
        ref_name = "ImportPreviewRecord"


class ImportPreviewSerializer(serializers.Serializer):
    format = serializers.CharField(allow_null=True, help_text="As detected or given.")
    documents = serializers.IntegerField()
    new = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    with_spans = serializers.IntegerField()
    errors = ImportPreviewProblemSerializer(many=True)
    preview = ImportPreviewRecordSerializer(many=True)

    class Meta:
        ref_name = "ImportPreview"
