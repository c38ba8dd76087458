from rest_framework import serializers

from apps.actors.models import Actor
from apps.actors.starters import TEMPLATES

from ..categories import label_names
from ..inputs import MAX_ID, json_problem
from ..jobs import why_not_retried
from ..labels import RESERVED_SHORTCUTS, reserved_message
from ..limits import routing_ceiling_problem
from ..models import CategoryGroup, Job, Label, Project, Role, label_name_validator


class ProjectStartSerializer(serializers.Serializer):
    """How a new project's schema starts: a template, or a copy of a project
    the caller owns (its labels and actor registry)."""

    template = serializers.ChoiceField(
        choices=TEMPLATES,
        required=False,
        help_text="empty: no labels; news: PERSON, ORG, GPE, IGO and SUPPORT, OPPOSE, NEUTRAL.",
    )
    copy_from = serializers.IntegerField(
        required=False,
        max_value=MAX_ID,
        help_text="A project the caller owns: its labels and actors are copied.",
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
            "annotators_create_concepts",
            "created_at",
            "role",
            "documents",
            "schema",
        ]
        read_only_fields = ["created_at"]

    def validate_actor_kind_labels(self, value):
        """`{kind: entity label name}`: the shape pre-annotation reads, so
        nothing stored here can make it (or a read of the project) fail. On
        a project that exists the labels must be its entity labels; a new
        project's labels come from its schema, so there they are checked
        when pre-annotation runs."""
        if problem := json_problem(value, "actor_kind_labels"):
            raise serializers.ValidationError(f"{problem[0]} {problem[1]}.")
        kinds = dict(Actor.Kind.choices)
        if not isinstance(value, dict):
            raise serializers.ValidationError(
                'must be an object from actor kind to entity label, e.g. {"state": "GPE"}.'
            )
        for kind, label in value.items():
            if kind not in kinds:
                raise serializers.ValidationError(
                    f"{kind!r} is not an actor kind; the kinds are {', '.join(kinds)}."
                )
            if not isinstance(label, str) or not label_name_validator.regex.fullmatch(label):
                raise serializers.ValidationError(
                    f"{kind} must map to the name of an entity label, got {label!r}."
                )
        if self.instance is not None and value:
            entity = set(
                self.instance.labels.filter(kind=Label.Kind.ENTITY).values_list("name", flat=True)
            )
            for kind, label in sorted(value.items()):
                if label not in entity:
                    raise serializers.ValidationError(
                        f"{kind} maps to {label}, which is not an entity label of this project; "
                        f"the entity labels are {', '.join(sorted(entity)) or 'not defined yet'}."
                    )
        return value

    def validate(self, attrs):
        if self.instance is not None and "schema" in attrs:
            raise serializers.ValidationError(
                {"schema": "A schema is chosen when a project is created; edit its labels instead."}
            )
        # Routing's ceiling against k, with the values the project will have.
        # The field named is the one sent: raising k alone names k.
        values = {
            name: attrs.get(
                name, getattr(self.instance, name, Project._meta.get_field(name).default)
            )
            for name in ("annotators_per_document", "routing_max_annotators", "routing_enabled")
        }
        problem = routing_ceiling_problem(**values)
        if problem:
            if "routing_max_annotators" in attrs or "annotators_per_document" not in attrs:
                raise serializers.ValidationError({"routing_max_annotators": problem})
            raise serializers.ValidationError(
                {
                    "annotators_per_document": f"must be at most routing_max_annotators "
                    f"({values['routing_max_annotators']}) while routing is on: raise that too."
                }
            )
        return attrs

    def get_role(self, project) -> str:
        # A project just created has no annotation yet; its creator is its owner.
        return getattr(project, "caller_role", None) or Role.OWNER


class LabelUsesSerializer(serializers.Serializer):
    """How many spans, stances and set categories use a label (the label list
    annotates all three)."""

    spans = serializers.IntegerField(
        source="span_uses", default=0, help_text="Spans with this label."
    )
    stances = serializers.IntegerField(
        source="stance_uses", default=0, help_text="Stances with this polarity."
    )
    categories = serializers.IntegerField(
        source="category_uses", default=0, help_text="Sets that chose this category."
    )


class GroupField(serializers.SlugRelatedField):
    """A category label's group, by name, among the project's groups."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="name", **kwargs)

    def get_queryset(self):
        return CategoryGroup.objects.filter(project=self.context["project"])

    def to_internal_value(self, data):
        try:
            return self.get_queryset().get(name=data)
        except (CategoryGroup.DoesNotExist, TypeError, ValueError):
            names = ", ".join(g.name for g in self.get_queryset()) or "none yet"
            raise serializers.ValidationError(
                f"There is no category group {data!r} in this project; its groups are {names}."
            ) from None


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
    group = GroupField(
        required=False,
        allow_null=True,
        help_text="The category group (its name) of a label of kind category: required "
        "for that kind, refused for the others.",
    )

    class Meta:
        model = Label
        fields = [
            "id",
            "kind",
            "name",
            "color",
            "shortcut",
            "description",
            "position",
            "group",
            "uses",
        ]

    def validate_group_of_kind(self, attrs):
        """A category label has a group; other kinds have none. A label that
        stops being a category leaves its group."""
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        if kind == Label.Kind.CATEGORY:
            group = attrs.get("group", getattr(self.instance, "group", None))
            if group is None:
                raise serializers.ValidationError(
                    {"group": "A category label needs a group: the name of a category group."}
                )
        elif attrs.get("group") is not None:
            raise serializers.ValidationError(
                {"group": f"Only a category label has a group; this one is of kind {kind}."}
            )
        elif self.instance is not None and self.instance.group_id is not None:
            attrs["group"] = None

    def validate(self, attrs):
        project = self.context["project"]
        self.validate_group_of_kind(attrs)
        name = attrs.get("name", getattr(self.instance, "name", None))
        shortcut = attrs.get("shortcut", getattr(self.instance, "shortcut", ""))
        others = Label.objects.filter(project=project)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if name and others.filter(name=name).exists():
            raise serializers.ValidationError({"name": f"This project already has a label {name}."})
        # Checked when the key is set: a label that took a key before it was
        # reserved can still be renamed or recoloured.
        newly_set = self.instance is None or self.instance.shortcut != shortcut
        if "shortcut" in attrs and shortcut in RESERVED_SHORTCUTS and newly_set:
            raise serializers.ValidationError({"shortcut": reserved_message(shortcut)})
        if shortcut:
            clash = others.filter(shortcut=shortcut).first()
            if clash:
                raise serializers.ValidationError(
                    {"shortcut": f"The key {shortcut!r} is already the shortcut of {clash.name}."}
                )
        return attrs


class CategoryGroupSerializer(serializers.ModelSerializer):
    labels = serializers.SerializerMethodField(
        help_text="The names of the group's category labels, in the schema's order; "
        "a label joins a group through the labels API (its `group`)."
    )
    position = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The group's place among the project's groups (0 first). Writing it "
        "moves the group there, the others keeping their order; on create it defaults "
        "to the end.",
    )

    class Meta:
        model = CategoryGroup
        fields = ["id", "name", "multiple", "description", "position", "labels"]

    def get_labels(self, group) -> list[str]:
        return label_names(group)

    def validate_name(self, name):
        others = CategoryGroup.objects.filter(project=self.context["project"], name=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(f"This project already has a category group {name}.")
        return name


class GuidelinesPreviewSerializer(serializers.Serializer):
    guidelines = serializers.CharField(
        allow_blank=True, trim_whitespace=False, max_length=100_000, help_text="Markdown."
    )


class GuidelinesHtmlSerializer(serializers.Serializer):
    html = serializers.CharField(
        help_text="The guidelines as the project page shows them: every input character escaped."
    )


class JobSerializer(serializers.ModelSerializer):
    retryable = serializers.SerializerMethodField(
        help_text="Whether POST /projects/{p}/jobs/{id}/retry/ would queue the job again now: "
        "failed, of a kind that is run again, its input still there."
    )
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
            "attempts",
            "last_error",
            "retryable",
        ]

    def get_retryable(self, job) -> bool:
        # Its file is not looked up: a failed job's was deleted as it failed.
        return why_not_retried(job) is None
