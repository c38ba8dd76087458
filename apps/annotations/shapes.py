"""The API shape of an annotation set (what `sets.set_payloads` builds), as
serializers used only by the OpenAPI schema.

Here rather than in `api/` because the documents API (a lower layer) shows
sets too: interface code may use any app's domain code, not higher APIs.
"""

from rest_framework import serializers

from .models import AnnotationSet


class SpanSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The span's id within its set.")
    start = serializers.IntegerField(help_text="Code point offset, inclusive.")
    end = serializers.IntegerField(help_text="Code point offset, exclusive.")
    label = serializers.CharField()
    text = serializers.CharField(help_text="The text the span covers.")
    actor = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(
        allow_null=True,
        help_text="A prediction span's confidence, 0 to 1, where its model gave one; "
        "null on annotator and gold spans.",
    )

    class Meta:
        ref_name = "Span"


class StanceSerializer(serializers.Serializer):
    id = serializers.CharField()
    holder = serializers.CharField(help_text="The id of the holder's span.")
    target = serializers.CharField(
        allow_null=True, help_text="The id of the target's span; null for a stance on a concept."
    )
    concept = serializers.IntegerField(
        allow_null=True, help_text="The concept (codebook) id the stance is on; null with a target."
    )
    polarity = serializers.CharField(help_text="A stance label.")
    cue = serializers.CharField(allow_null=True, help_text="The id of the cue's span.")

    class Meta:
        ref_name = "Stance"


class RejectedPredictionSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The prediction set's source (its suggester).")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    label = serializers.CharField()

    class Meta:
        ref_name = "RejectedPrediction"


class AnnotationSetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AnnotationSet.Kind.choices)
    author = serializers.CharField(
        allow_null=True, help_text="Username (or pseudonym); none for a prediction set."
    )
    source = serializers.CharField(allow_null=True, help_text="What made a prediction set.")
    status = serializers.ChoiceField(choices=AnnotationSet.Status.choices)
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    spans = SpanSerializer(many=True)
    stances = StanceSerializer(many=True)
    categories = serializers.ListField(
        child=serializers.CharField(), help_text="The document categories chosen (label names)."
    )
    rejected_predictions = RejectedPredictionSerializer(
        many=True, help_text="The suggestions the annotator rejected (annotator sets)."
    )

    class Meta:
        ref_name = "AnnotationSet"


class SpanInputSerializer(serializers.Serializer):
    id = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    label = serializers.CharField()
    actor = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        ref_name = "SpanInput"


class StanceInputSerializer(serializers.Serializer):
    id = serializers.CharField()
    holder = serializers.CharField()
    target = serializers.CharField(
        required=False, allow_null=True, help_text="A span id; or give `concept` instead."
    )
    concept = serializers.IntegerField(
        required=False, allow_null=True, help_text="A concept id; or give `target` instead."
    )
    polarity = serializers.CharField()
    cue = serializers.CharField(required=False, allow_null=True)

    class Meta:
        ref_name = "StanceInput"


class SetWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version last read.")
    spans = SpanInputSerializer(many=True, required=False)
    stances = StanceInputSerializer(many=True, required=False)
    categories = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Document categories (category label names); "
        "at most one per single-choice group.",
    )
    rejected_predictions = RejectedPredictionSerializer(
        many=True,
        required=False,
        help_text="Replaces the rejected suggestions; left out, they stay as stored.",
    )

    class Meta:
        ref_name = "SetWrite"


class ClaimConflictSerializer(serializers.Serializer):
    """Why a document could not be taken (409)."""

    detail = serializers.CharField()
    field = serializers.CharField(required=False, help_text='"document" when `held` is given.')
    version = serializers.IntegerField(
        allow_null=True, help_text="Always null: nothing was written."
    )
    held = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="When the caller already holds the project's limit of unfinished documents: "
        "their ids, oldest first.",
    )

    class Meta:
        ref_name = "ClaimConflict"
