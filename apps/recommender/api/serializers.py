"""The recommender's settings as the API reads and writes them, and the
shapes of its answers (for the OpenAPI schema)."""

from rest_framework import serializers

from apps.projects.models import Label

from ..models import RecommenderModel, RecommenderSettings


class LabelNames(serializers.ListField):
    """Entity label names of the project; written as names, stored as Labels."""

    child = serializers.CharField()


class RecommenderSettingsSerializer(serializers.ModelSerializer):
    labels = LabelNames(
        required=False,
        help_text="The entity labels it learns, by name; [] for every entity label.",
    )

    class Meta:
        model = RecommenderSettings
        fields = ["enabled", "threshold", "retrain_after", "include_submitted", "labels"]
        ref_name = "RecommenderSettings"

    def to_representation(self, instance):
        # An unsaved row (the defaults) has no labels to ask for.
        labels = instance.labels.all() if instance.pk else []
        return {
            "enabled": instance.enabled,
            "threshold": instance.threshold,
            "retrain_after": instance.retrain_after,
            "include_submitted": instance.include_submitted,
            "labels": sorted(label.name for label in labels),
        }

    def validate_labels(self, names):
        project = self.context["project"]
        found = dict(
            Label.objects.filter(
                project=project, kind=Label.Kind.ENTITY, name__in=set(names)
            ).values_list("name", "pk")
        )
        missing = sorted(set(names) - set(found))
        if missing:
            raise serializers.ValidationError(
                "not an entity label of this project: " + ", ".join(missing) + "."
            )
        return [found[name] for name in sorted(set(names))]

    def update(self, instance, validated):
        label_ids = validated.pop("labels", None)
        for name, value in validated.items():
            setattr(instance, name, value)
        instance.save()
        if label_ids is not None:
            instance.labels.set(label_ids)
        return instance


class ScoreSerializer(serializers.Serializer):
    precision = serializers.FloatField(allow_null=True)
    recall = serializers.FloatField(allow_null=True)
    f1 = serializers.FloatField(allow_null=True)
    support = serializers.IntegerField(help_text="Gold spans.")
    predicted = serializers.IntegerField(help_text="The model's spans.")
    correct = serializers.IntegerField(help_text="Exact matches: start, end and label.")
    reason = serializers.CharField(allow_null=True, help_text="Why a value is null.")

    class Meta:
        ref_name = "RecommenderScore"


class ScoresSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["held-out", "k-fold"])
    folds = serializers.IntegerField()
    held_out = serializers.IntegerField(help_text="Documents scored on.")
    documents = serializers.IntegerField(help_text="Documents scored.")
    labels = serializers.DictField(child=ScoreSerializer())
    micro = ScoreSerializer()
    fold_f1 = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        required=False,
        help_text="k-fold: each fold's micro F1.",
    )
    folds_without_model = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="k-fold: the folds whose training part had no span to learn.",
    )

    class Meta:
        ref_name = "RecommenderScores"


class AcceptanceSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    source = serializers.CharField()
    accepted = serializers.IntegerField(help_text="Suggestions a reviewing set has as a span.")
    rejected = serializers.IntegerField(help_text="Suggestions a reviewing set rejected.")
    left = serializers.IntegerField(help_text="Suggestions a reviewing set did neither to.")
    acceptance = serializers.FloatField(
        allow_null=True, help_text="accepted / (accepted + rejected); null when both are 0."
    )

    class Meta:
        ref_name = "RecommenderAcceptance"


class RecommenderModelSerializer(serializers.ModelSerializer):
    source = serializers.CharField(read_only=True)
    scores = ScoresSerializer()
    previous_acceptance = AcceptanceSerializer(allow_null=True)
    training_sets = serializers.SerializerMethodField()

    class Meta:
        model = RecommenderModel
        fields = [
            "version",
            "status",
            "source",
            "job",
            "size",
            "labels",
            "documents",
            "spans_per_label",
            "training_sets",
            "scores",
            "micro_f1",
            "previous_acceptance",
            "suggestions",
            "train_seconds",
            "data_read_at",
            "created_at",
            "error",
        ]
        ref_name = "RecommenderModel"

    def get_training_sets(self, row) -> dict:
        """{"gold": [set ids], "submitted": [set ids]}."""
        return row.training_sets


class RunningJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.FloatField()

    class Meta:
        ref_name = "RecommenderRunningJob"


class RecommenderSerializer(serializers.Serializer):
    settings = RecommenderSettingsSerializer()
    entity_labels = serializers.ListField(child=serializers.CharField())
    current = RecommenderModelSerializer(allow_null=True, help_text="The version in use.")
    latest = RecommenderModelSerializer(allow_null=True, help_text="The last version trained.")
    running = RunningJobSerializer(allow_null=True)
    adjudicated = serializers.IntegerField(help_text="Adjudicated documents now.")
    adjudicated_since = serializers.IntegerField(
        help_text="Adjudicated since the last training read its data."
    )

    class Meta:
        ref_name = "Recommender"
