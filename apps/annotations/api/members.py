"""The members API: /projects/{p}/members/.

It lives in annotations, not projects, because removing a member releases
their annotation slots (see apps.annotations.members).

Each member comes with the work they hold in the project (annotator sets
assigned, in progress, submitted, and when one last changed), aggregated in
the list's one query. Under anonymous review a reviewer gets those as null:
names next to counts would say who annotated what.
"""

from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from apps.projects.api.schema import SCOPED, errors, model_viewset_errors
from apps.projects.models import Membership, Role
from apps.projects.permissions import ProjectScopedMixin
from apps.projects.queries import count_of

from ..members import LastOwner, add_member, change_role, create_account, remove_member
from ..models import AnnotationSet
from ..pseudonyms import hides_names

# The counts each member carries, null where the caller may not see them.
COUNTS = ("assigned", "in_progress", "submitted", "last_activity")


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(
        source="user.username",
        required=False,
        help_text="The member's username. To add a member, give it or `email`.",
    )
    email = serializers.EmailField(
        write_only=True,
        required=False,
        help_text="Add the user with this e-mail address (instead of `username`).",
    )
    assigned = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Documents the member has an annotator set on (in progress or submitted); "
        "null for a reviewer under anonymous review.",
    )
    in_progress = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Of those, not yet submitted: released if the member is removed.",
    )
    submitted = serializers.IntegerField(read_only=True, allow_null=True)
    last_activity = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="The latest change to any of the member's annotator sets in the project.",
    )

    class Meta:
        model = Membership
        fields = ["id", "username", "email", "role", "created_at", *COUNTS]
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

    def validate_email(self, value):
        if self.instance is not None:
            raise serializers.ValidationError("A membership's user cannot change.")
        users = list(get_user_model().objects.filter(email__iexact=value)[:2])
        if not users:
            raise serializers.ValidationError(f"There is no user with the e-mail {value!r}.")
        if len(users) > 1:
            raise serializers.ValidationError(
                f"Several users have the e-mail {value!r}; add the member by username."
            )
        self._user = users[0]
        return value

    def validate(self, attrs):
        project = self.context["project"]
        attrs.pop("email", None)
        if self.instance is None:
            if "username" in self.initial_data and "email" in self.initial_data:
                raise serializers.ValidationError(
                    {"username": "Give the username or the e-mail, not both."}
                )
            if not hasattr(self, "_user"):
                raise serializers.ValidationError(
                    {"username": "Give the username or the e-mail of the user to add."}
                )
            if Membership.objects.filter(project=project, user=self._user).exists():
                raise serializers.ValidationError(
                    {"username": f"{self._user.username} is already a member of this project."}
                )
            # The user object, not the nested {"username": …} the field's source gives.
            attrs["user"] = self._user
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("hide_counts"):
            data.update(dict.fromkeys(COUNTS))
        return data


class NewAccountSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=Role.choices, default=Role.ANNOTATOR)

    def validate_username(self, value):
        user_model = get_user_model()
        user_model.username_validator(value)
        if user_model.objects.filter(username=value).exists():
            raise serializers.ValidationError(
                f"There is already a user named {value!r}: add them as a member instead."
            )
        return value

    def validate_email(self, value):
        if value and get_user_model().objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(
                f"A user with the e-mail {value!r} exists: add them as a member instead."
            )
        return value


class NewAccountAnswerSerializer(serializers.Serializer):
    member = MembershipSerializer()
    password_link = serializers.URLField(
        help_text="Where the new user sets their password: works once, until `expires_at`."
    )
    expires_at = serializers.DateTimeField()


def _annotator_sets():
    return AnnotationSet.objects.filter(
        kind=AnnotationSet.Kind.ANNOTATOR,
        author_id=OuterRef("user_id"),
        document__project_id=OuterRef("project_id"),
    ).order_by()


def with_counts(memberships):
    """The memberships with COUNTS annotated, each a subquery of the same one query."""
    sets = _annotator_sets()
    return memberships.annotate(
        assigned=count_of(sets, "author_id"),
        in_progress=count_of(sets.filter(status=AnnotationSet.Status.IN_PROGRESS), "author_id"),
        submitted=count_of(sets.filter(status=AnnotationSet.Status.SUBMITTED), "author_id"),
        last_activity=Subquery(sets.order_by("-updated_at").values("updated_at")[:1]),
    )


# Removing the project's last owner is refused with a 400 naming the role.
@model_viewset_errors(MembershipSerializer, delete=(400, *SCOPED))
class MembershipViewSet(ProjectScopedMixin, viewsets.ModelViewSet):
    """Members and their roles. Members read the list; owners change it. A
    project always keeps at least one owner."""

    roles = {
        "GET": Role.ANNOTATOR,
        "POST": Role.OWNER,
        "PATCH": Role.OWNER,
        "DELETE": Role.OWNER,
        "create_account": Role.OWNER,
    }

    serializer_class = MembershipSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    queryset = Membership.objects.none()
    lookup_value_converter = "id"

    def get_project_queryset(self):
        return with_counts(Membership.objects.filter(project=self.project).select_related("user"))

    def get_serializer_context(self):
        membership = getattr(self, "membership", None)
        return {
            **super().get_serializer_context(),
            "project": getattr(self, "project", None),
            "hide_counts": membership is not None and hides_names(membership),
        }

    # The service, not serializer.save(), makes every change: its rules hold
    # for the admin too.
    def perform_create(self, serializer):
        membership = add_member(Membership(project=self.project, **serializer.validated_data))
        serializer.instance = self.get_project_queryset().get(pk=membership.pk)

    def perform_update(self, serializer):
        membership = serializer.instance
        with _refusal_as_400():
            change_role(membership, serializer.validated_data.get("role", membership.role))

    def perform_destroy(self, instance):
        with _refusal_as_400():
            remove_member(instance)

    @extend_schema(
        request=NewAccountSerializer,
        responses={201: NewAccountAnswerSerializer, **errors(400, *SCOPED)},
    )
    @action(detail=False, methods=["post"], url_path="new-account")
    def create_account(self, request, project_pk=None):
        """Create an account for a new person and add them to the project
        (staff owners only). The answer holds a one-time link to set the
        password: nothing is mailed."""
        if not request.user.is_staff:
            raise PermissionDenied("Only staff can create accounts; add an existing user instead.")
        form = NewAccountSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        membership = create_account(self.project, **form.validated_data)
        user = membership.user
        path = reverse(
            "password-reset-confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        expires = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
        member = self.get_project_queryset().get(pk=membership.pk)
        answer = {
            "member": member,
            "password_link": request.build_absolute_uri(path),
            "expires_at": expires,
        }
        return Response(NewAccountAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)


@contextmanager
def _refusal_as_400():
    try:
        yield
    except LastOwner as error:
        raise ValidationError({"role": str(error)}) from error
