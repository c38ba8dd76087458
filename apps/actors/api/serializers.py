from django.db import transaction
from rest_framework import serializers

from ..models import Actor, Alias


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
