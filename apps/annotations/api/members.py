"""The members API: /projects/{p}/members/.

It lives in annotations, not projects, because removing a member releases
their annotation slots (see apps.annotations.members).
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from apps.projects.api.schema import model_viewset_errors
from apps.projects.models import Membership, Role
from apps.projects.permissions import ProjectScopedMixin

from ..members import LastOwner, add_member, change_role, remove_member


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
        if self.instance is None:
            if Membership.objects.filter(project=project, user=self._user).exists():
                raise serializers.ValidationError(
                    {"username": f"{self._user.username} is already a member of this project."}
                )
            # The user object, not the nested {"username": …} the field's source gives.
            attrs["user"] = self._user
        return attrs


@model_viewset_errors(MembershipSerializer)
class MembershipViewSet(ProjectScopedMixin, viewsets.ModelViewSet):
    """Members and their roles. Members read the list; owners change it. A
    project always keeps at least one owner."""

    roles = {"GET": Role.ANNOTATOR, "POST": Role.OWNER, "PATCH": Role.OWNER, "DELETE": Role.OWNER}

    serializer_class = MembershipSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    queryset = Membership.objects.none()
    lookup_value_regex = "[0-9]+"

    def get_project_queryset(self):
        return Membership.objects.filter(project=self.project).select_related("user")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "project": getattr(self, "project", None)}

    # The service, not serializer.save(), makes every change: its rules hold
    # for the admin too.
    def perform_create(self, serializer):
        serializer.instance = add_member(
            Membership(project=self.project, **serializer.validated_data)
        )

    def perform_update(self, serializer):
        membership = serializer.instance
        with _refusal_as_400():
            change_role(membership, serializer.validated_data.get("role", membership.role))

    def perform_destroy(self, instance):
        with _refusal_as_400():
            remove_member(instance)


@contextmanager
def _refusal_as_400():
    try:
        yield
    except LastOwner as error:
        raise ValidationError({"role": str(error)}) from error
