from rest_framework import serializers

from apps.actors.starters import TEMPLATES

from ..labels import RESERVED_SHORTCUTS
from ..models import Job, Label, Project, Role


class ProjectStartSerializer(serializers.Serializer):
    """How a new project's schema starts: a template, or a copy of a project
    the caller owns (its labels and actor registry)."""

    template = serializers.ChoiceField(
        choices=TEMPLATES,
        required=False,
        help_text="empty: no labels; news: PERSON, ORG, GPE, IGO and SUPPORT, OPPOSE, NEUTRAL.",
    )
    copy_from = serializers.IntegerField(
        required=False, help_text="A project the caller owns: its labels and actors are copied."
    )

    def validate(self, attrs):
        if "template" in attrs and "copy_from" in attrs:
            raise serializers.ValidationError("Give a template or copy_from, not both.")
        return attrs


class ProjectSerializer(serializers.ModelSerializer):
    schema = ProjectStartSerializer(
        required=False,
        write_only=True,
        help_text="On create only: the schema the project starts with (default: empty).",
    )
    role = serializers.SerializerMethodField(help_text="The caller's role in the project.")
    documents = serializers.IntegerField(read_only=True, source="document_count", default=0)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "guidelines",
            "annotators_per_document",
            "blind",
            "assignment_order",
            "assignment_seed",
            "max_unfinished_per_annotator",
            "anonymous_review",
            "routing_enabled",
            "routing_threshold",
            "routing_max_annotators",
            "actor_kind_labels",
            "created_at",
            "role",
            "documents",
            "schema",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "routing_threshold": {"min_value": 0.0, "max_value": 1.0},
            "routing_max_annotators": {"min_value": 1},
        }

    def validate(self, attrs):
        if self.instance is not None and "schema" in attrs:
            raise serializers.ValidationError(
                {"schema": "A schema is chosen when a project is created; edit its labels instead."}
            )
        return attrs

    def get_role(self, project) -> str:
        # A project just created has no annotation yet; its creator is its owner.
        return getattr(project, "caller_role", None) or Role.OWNER


class LabelUsesSerializer(serializers.Serializer):
    """How many spans and stances use a label (the label list annotates both)."""

    spans = serializers.IntegerField(
        source="span_uses", default=0, help_text="Spans with this label."
    )
    stances = serializers.IntegerField(
        source="stance_uses", default=0, help_text="Stances with this polarity."
    )


class LabelSerializer(serializers.ModelSerializer):
    position = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The label's place in the project's schema (0 first). Writing it moves "
        "the label there, the others keeping their order; on create it defaults to the end.",
    )
    uses = LabelUsesSerializer(
        source="*",
        read_only=True,
        help_text="Items that use the label: one in use cannot be deleted or change kind.",
    )

    class Meta:
        model = Label
        fields = ["id", "kind", "name", "color", "shortcut", "description", "position", "uses"]

    def validate(self, attrs):
        project = self.context["project"]
        name = attrs.get("name", getattr(self.instance, "name", None))
        shortcut = attrs.get("shortcut", getattr(self.instance, "shortcut", ""))
        others = Label.objects.filter(project=project)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if name and others.filter(name=name).exists():
            raise serializers.ValidationError({"name": f"This project already has a label {name}."})
        if shortcut in RESERVED_SHORTCUTS:
            raise serializers.ValidationError(
                {
                    "shortcut": f'The key "{shortcut}" is reserved: in the workspace it '
                    f"{RESERVED_SHORTCUTS[shortcut]}."
                }
            )
        if shortcut:
            clash = others.filter(shortcut=shortcut).first()
            if clash:
                raise serializers.ValidationError(
                    {"shortcut": f"The key {shortcut!r} is already the shortcut of {clash.name}."}
                )
        return attrs


class GuidelinesPreviewSerializer(serializers.Serializer):
    guidelines = serializers.CharField(
        allow_blank=True, trim_whitespace=False, max_length=100_000, help_text="Markdown."
    )


class GuidelinesHtmlSerializer(serializers.Serializer):
    html = serializers.CharField(
        help_text="The guidelines as the project page shows them: every input character escaped."
    )


class JobSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.username",
        read_only=True,
        allow_null=True,
        help_text="The username of who started the job; null for a job the system started "
        "or whose user was deleted.",
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "project",
            "kind",
            "status",
            "progress",
            "result",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
        ]
