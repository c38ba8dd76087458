"""Schema-only serializers of the import endpoints' answers (the views build plain dicts)."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from ..destination import CHOICES

# The destination may also come in the query string (a JSON list body has no room for it).
DESTINATION_PARAMETERS = [
    OpenApiParameter(
        "annotations",
        str,
        enum=list(CHOICES),
        required=False,
        description="Where the annotations in the file land: prediction (default), gold, "
        "or annotators (each peer author's set, as that Accord user's submitted set).",
    ),
    OpenApiParameter(
        "user_map",
        str,
        required=False,
        description='A JSON object {"peer author": "accord username"}; unmapped peer names '
        "match a member's username or e-mail.",
    ),
]


class ImportSetsSerializer(serializers.Serializer):
    annotator = serializers.IntegerField()
    gold = serializers.IntegerField()
    prediction = serializers.IntegerField()

    class Meta:
        ref_name = "ImportSets"


class ImportAuthorSerializer(serializers.Serializer):
    peer = serializers.CharField(help_text="The peer tool's name, e-mail or id: a user_map key.")
    name = serializers.CharField(help_text="How a person reads it.")
    kind = serializers.ChoiceField(choices=["name", "email", "id"])
    documents = serializers.IntegerField(help_text="Records with a group of theirs.")
    user = serializers.CharField(allow_null=True, help_text="The member it maps to, if any.")
    matched_by = serializers.ChoiceField(choices=["user_map", "username", "email"], allow_null=True)
    problem = serializers.CharField(allow_null=True, help_text="Why it maps to nobody.")

    class Meta:
        ref_name = "ImportAuthor"


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
    spans = serializers.IntegerField(help_text="In the sets it would get.")
    stances = serializers.IntegerField(help_text="In the sets it would get.")
    annotators = serializers.ListField(
        child=serializers.CharField(), help_text="The peer authors of its annotation groups."
    )
    duplicate = serializers.BooleanField(help_text="Already in the project: it would be skipped.")

    class Meta:
        ref_name = "ImportPreviewRecord"


class ImportPreviewSerializer(serializers.Serializer):
    format = serializers.CharField(allow_null=True, help_text="As detected or given.")
    documents = serializers.IntegerField()
    new = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    with_spans = serializers.IntegerField(help_text="Records that would get a set.")
    annotations = serializers.ChoiceField(choices=list(CHOICES), help_text="As given.")
    sets = ImportSetsSerializer(help_text="The sets the new documents would get, by kind.")
    authors = ImportAuthorSerializer(many=True, help_text="Peer authors, in order of appearance.")
    authorship = serializers.CharField(help_text="Where the format says who annotated, if it does.")
    errors = ImportPreviewProblemSerializer(many=True)
    preview = ImportPreviewRecordSerializer(many=True)

    class Meta:
        ref_name = "ImportPreview"
