from django.db import transaction
from rest_framework import serializers

from apps.projects.errors import Conflict

from ..codebook import hierarchy
from ..codebook_rules import CodebookError, clean_keywords, parent_problem
from ..models import Actor, Alias, Concept


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alias
        fields = ["text", "case_sensitive"]

    def to_internal_value(self, data):
        # A bare string is an alias with the default (case-sensitive) matching.
        if isinstance(data, str):
            data = {"text": data}
        return super().to_internal_value(data)


class ActorSerializer(serializers.ModelSerializer):
    aliases = AliasSerializer(many=True, required=False)
    # The record of a merge, so a page can say "merged into X by Y on date".
    # No `default`: DRF skips a field with one in a partial update's answer;
    # allow_null alone gives null when there is no merge.
    merged_into_name = serializers.CharField(
        source="merged_into.name", read_only=True, allow_null=True
    )
    merged_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Actor
        fields = [
            "id",
            "name",
            "kind",
            "country",
            "wikidata_id",
            "description",
            "aliases",
            "created_at",
            "merged_into",
            "merged_into_name",
            "merged_at",
            "merged_by",
        ]
        read_only_fields = ["created_at", "merged_into", "merged_at"]

    def validate_name(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError("An actor needs a name.")
        others = Actor.objects.filter(project=self.context["project"], name=value, merged_into=None)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(f"There is already an actor named {value!r}.")
        return value

    def validate_aliases(self, value):
        seen = set()
        for index, alias in enumerate(value):
            text = alias["text"]
            if not text.strip() or text != text.strip():
                raise serializers.ValidationError(
                    f"aliases[{index}]: an alias is non-empty, without leading or trailing spaces."
                )
            if text in seen:
                raise serializers.ValidationError(f"aliases[{index}]: {text!r} is listed twice.")
            seen.add(text)
        return value

    def create(self, validated_data):
        aliases = validated_data.pop("aliases", [])
        with transaction.atomic():
            actor = Actor.objects.create(project=self.context["project"], **validated_data)
            Alias.objects.bulk_create(Alias(actor=actor, **alias) for alias in aliases)
        return actor

    def update(self, instance, validated_data):
        aliases = validated_data.pop("aliases", None)
        with transaction.atomic():
            for key, value in validated_data.items():
                setattr(instance, key, value)
            instance.save()
            if aliases is not None:
                instance.aliases.all().delete()
                Alias.objects.bulk_create(Alias(actor=instance, **alias) for alias in aliases)
        if aliases is not None:
            # Drop the prefetched aliases so the response shows the new ones.
            instance._prefetched_objects_cache = {}
        return instance


class ConceptSerializer(serializers.ModelSerializer):
    """A concept of the codebook. `path` and `uses` are read from the view's
    context (`codebook_paths`) and the queryset's `stance_count`, so a list
    costs a constant number of queries."""

    parent = serializers.IntegerField(
        source="parent_id",
        allow_null=True,
        required=False,
        help_text="The id of the concept above this one, or null.",
    )
    keywords = serializers.JSONField(
        required=False, help_text="Words or phrases, at most 50 of at most 100 characters."
    )
    path = serializers.SerializerMethodField(help_text='"International law › UN Charter".')
    uses = serializers.SerializerMethodField(help_text='{"stances": n}: stances on this concept.')
    merged_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Concept
        fields = [
            "id",
            "name",
            "description",
            "parent",
            "keywords",
            "merged_into",
            "path",
            "uses",
            "created_at",
            "merged_at",
            "merged_by",
        ]
        read_only_fields = ["created_at", "merged_into", "merged_at"]

    def get_path(self, concept) -> str:
        return self.context["codebook_paths"]().get(concept.pk, concept.name)

    def get_uses(self, concept) -> dict:
        return {"stances": getattr(concept, "stance_count", 0)}

    def validate(self, attrs):
        if self.instance is not None and self.instance.merged_into_id is not None:
            raise Conflict(
                f"{self.instance.name} was merged into concept {self.instance.merged_into_id}; "
                "a merged concept stays as the record of the merge and is not edited."
            )
        return attrs

    def validate_name(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError("A concept needs a name.")
        others = Concept.objects.filter(
            project=self.context["project"], name=value, merged_into=None
        )
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(f"There is already a concept named {value!r}.")
        return value

    def validate_parent(self, value):
        parents, names = hierarchy(self.context["project"])
        own = self.instance.pk if self.instance is not None else None
        if problem := parent_problem(own, value, parents, names):
            raise serializers.ValidationError(problem)
        return value

    def validate_keywords(self, value):
        try:
            return clean_keywords(value)
        except CodebookError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def create(self, validated_data):
        return Concept.objects.create(project=self.context["project"], **validated_data)
