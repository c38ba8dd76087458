from django.contrib.auth import get_user_model
from rest_framework import serializers

from ..models import Job, Label, Membership, Project, Role


class ProjectSerializer(serializers.ModelSerializer):
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
            "anonymous_review",
            "routing_enabled",
            "routing_threshold",
            "routing_max_annotators",
            "actor_kind_labels",
            "created_at",
            "role",
            "documents",
        ]
        read_only_fields = ["created_at"]

    def get_role(self, project) -> str:
        # A project just created has no annotation yet; its creator is its owner.
        return getattr(project, "caller_role", None) or Role.OWNER


class LabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "kind", "name", "color", "shortcut", "description"]

    def validate(self, attrs):
        project = self.context["project"]
        name = attrs.get("name", getattr(self.instance, "name", None))
        shortcut = attrs.get("shortcut", getattr(self.instance, "shortcut", ""))
        others = Label.objects.filter(project=project)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if name and others.filter(name=name).exists():
            raise serializers.ValidationError({"name": f"This project already has a label {name}."})
        if shortcut:
            clash = others.filter(shortcut=shortcut).first()
            if clash:
                raise serializers.ValidationError(
                    {"shortcut": f"The key {shortcut!r} is already the shortcut of {clash.name}."}
                )
        return attrs


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = Membership
        fields = ["id", "username", "role", "created_at"]
        read_only_fields = ["created_at"]

    def validate_username(self, value):
        if self.instance is not None and value != self.instance.user.username:
            raise serializers.ValidationError(
                "A membership's user cannot change; remove it and add the other user."
            )
        user = get_user_model().objects.filter(username=value).first()
        if user is None:
            raise serializers.ValidationError(f"There is no user named {value!r}.")
        self._user = user
        return value

    def validate(self, attrs):
        project = self.context["project"]
        if (
            self.instance is None
            and Membership.objects.filter(project=project, user=self._user).exists()
        ):
            raise serializers.ValidationError(
                {"username": f"{self._user.username} is already a member of this project."}
            )
        return attrs

    def create(self, validated_data):
        return Membership.objects.create(
            project=self.context["project"], user=self._user, role=validated_data["role"]
        )

    def update(self, instance, validated_data):
        instance.role = validated_data.get("role", instance.role)
        instance.save(update_fields=["role"])
        return instance


class JobSerializer(serializers.ModelSerializer):
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
            "created_at",
            "started_at",
            "finished_at",
        ]
