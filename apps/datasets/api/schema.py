"""Serializers used only by the OpenAPI schema: releases (views.release_payload)
and the manifest a ready release carries (releases.manifest_for)."""

from rest_framework import serializers

from ..models import Release


class ReleaseCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    seed = serializers.IntegerField(min_value=0, required=False, default=0)
    ratios = serializers.DictField(
        child=serializers.FloatField(), required=False, help_text='e.g. {"train": 0.8, "test": 0.2}'
    )
    formats = serializers.ListField(child=serializers.CharField(), required=False)
    source = serializers.ChoiceField(choices=["gold", "all", "prediction"], required=False)
    include_text = serializers.BooleanField(required=False, default=True)
    annotators = serializers.ChoiceField(choices=["pseudonyms", "names"], required=False)
    licence_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    licence_annotations = serializers.CharField(max_length=200, required=False, allow_blank=True)
    start = serializers.DateField(
        required=False, allow_null=True, help_text="claims-network and statements: from this date"
    )
    end = serializers.DateField(
        required=False, allow_null=True, help_text="claims-network and statements: before this date"
    )
    concepts = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        allow_null=True,
        help_text="claims-network and statements: these concepts and those below them",
    )

    class Meta:
        ref_name = "ReleaseCreate"


class ManifestFileSerializer(serializers.Serializer):
    format = serializers.CharField()
    split = serializers.CharField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    offset_unit = serializers.CharField(allow_null=True)
    carries = serializers.CharField(help_text="What the format keeps: spans, stances, actors…")

    class Meta:
        ref_name = "ManifestFile"


class ManifestSerializer(serializers.Serializer):
    """What a release is: its documents, splits, agreement, files and licence."""

    project = serializers.DictField()
    release = serializers.DictField()
    schema = serializers.DictField()
    guidelines_sha256 = serializers.CharField()
    text = serializers.DictField()
    splits = serializers.DictField(child=serializers.DictField())
    labels = serializers.JSONField()
    stance_labels = serializers.JSONField()
    documents = serializers.ListField(child=serializers.DictField())
    agreement = serializers.DictField()
    gold = serializers.JSONField()
    licence = serializers.DictField()
    warnings = serializers.ListField(child=serializers.CharField())
    known_limitations = serializers.ListField(child=serializers.CharField())
    files = ManifestFileSerializer(many=True)
    format_reports = serializers.DictField()

    class Meta:
        ref_name = "Manifest"


class ReleaseBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Release.Status.choices)
    progress = serializers.FloatField()
    job = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_null=True)
    seed = serializers.IntegerField()
    ratios = serializers.DictField(child=serializers.FloatField())
    formats = serializers.ListField(child=serializers.CharField())
    source = serializers.CharField()
    include_text = serializers.BooleanField()
    annotators = serializers.CharField()
    carries_names = serializers.BooleanField(
        help_text="Built with annotators' names: only owners may read its detail, "
        "manifest and files (others get 403)."
    )
    licence_text = serializers.CharField(allow_blank=True)
    licence_annotations = serializers.CharField(allow_blank=True)
    claims_window = serializers.DictField(
        help_text='{"start", "end", "concepts"} of the claims files; {} for every claim'
    )
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    manifest_sha256 = serializers.CharField(allow_null=True)


class ReleaseSerializer(ReleaseBaseSerializer):
    manifest = ManifestSerializer(allow_null=True, help_text="Once the release is ready.")

    class Meta:
        ref_name = "Release"


class ReleaseListItemSerializer(ReleaseBaseSerializer):
    splits = serializers.DictField(
        child=serializers.DictField(), allow_null=True, help_text="Counts per split, once ready."
    )

    class Meta:
        ref_name = "ReleaseListItem"


class ReleaseStartedSerializer(serializers.Serializer):
    job = serializers.IntegerField()
    release = ReleaseSerializer()

    class Meta:
        ref_name = "ReleaseStarted"


# --------------------------------------------------------------------------- networks


class NetworkNodeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text='"a:" + an actor\'s name, or "c:" + a concept\'s.')
    label = serializers.CharField()
    kind = serializers.CharField(help_text='"actor" or "concept".')
    statements = serializers.IntegerField(
        help_text="The statements it made, or was the concept of."
    )
    ref = serializers.IntegerField(help_text="The actor's or concept's id.")

    class Meta:
        ref_name = "NetworkNode"


class NetworkEdgeSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    weight = serializers.FloatField()
    kind = serializers.CharField(help_text='"congruence", "conflict" or "affiliation".')
    support = serializers.IntegerField()
    oppose = serializers.IntegerField()

    class Meta:
        ref_name = "NetworkEdge"


class NetworkSerializer(serializers.Serializer):
    """A discourse network of the gold statements (views: networks.network_payload)."""

    kind = serializers.CharField(help_text='"congruence", "conflict" or "affiliation".')
    nodes = NetworkNodeSerializer(many=True)
    edges = NetworkEdgeSerializer(many=True)
    statements = serializers.IntegerField()
    statements_without_actor = serializers.IntegerField()

    class Meta:
        ref_name = "Network"


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "NamedRef"


class StatementDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    published = serializers.DateField(allow_null=True)
    url = serializers.CharField(help_text="The read-only document view.")

    class Meta:
        ref_name = "StatementDocument"


class StatementHolderSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The holder span's id within the gold set.")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()

    class Meta:
        ref_name = "StatementHolder"


class StatementSerializer(serializers.Serializer):
    document = StatementDocumentSerializer()
    actor = NamedRefSerializer()
    concept = NamedRefSerializer()
    position = serializers.CharField()
    holder = StatementHolderSerializer()
    before = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    after = serializers.CharField(allow_blank=True)
    clipped_before = serializers.BooleanField()
    clipped_after = serializers.BooleanField()

    class Meta:
        ref_name = "Statement"
