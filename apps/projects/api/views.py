from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ..models import Job, Label, Membership, Project, Role
from ..permissions import ProjectScopedMixin, get_membership, require_role
from ..signals import member_removed
from .schema import model_viewset_errors
from .serializers import JobSerializer, LabelSerializer, MembershipSerializer, ProjectSerializer


@model_viewset_errors(ProjectSerializer, list_codes=(401, 403), write=(400, 401, 403, 404))
class ProjectViewSet(viewsets.ModelViewSet):
    """Projects the caller is a member of. Anyone signed in may create one and
    becomes its owner; only owners change or delete it."""

    serializer_class = ProjectSerializer
    lookup_value_regex = "[0-9]+"
    queryset = Project.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        role = Membership.objects.filter(project=OuterRef("pk"), user=self.request.user)
        return (
            Project.objects.filter(memberships__user=self.request.user)
            .annotate(
                caller_role=Subquery(role.values("role")[:1]),
                document_count=Count("documents", distinct=True),
            )
            .order_by("-created_at", "-id")
        )

    def perform_create(self, serializer):
        with transaction.atomic():
            project = serializer.save(created_by=self.request.user)
            Membership.objects.create(project=project, user=self.request.user, role=Role.OWNER)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Every method on a project's URL (OPTIONS too) answers 404 to a
        # non-member, before anything else is looked at.
        if "pk" in kwargs:
            self.membership = get_membership(request.user, kwargs["pk"])
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                require_role(self.membership, Role.OWNER, "change or delete the project")

    def get_object(self):
        return self.get_queryset().get(pk=self.membership.project_id)


@model_viewset_errors(LabelSerializer, conflict=True)
class LabelViewSet(ProjectScopedMixin, viewsets.ModelViewSet):
    """The label schema. Members read it; owners change it."""

    serializer_class = LabelSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    queryset = Label.objects.none()
    lookup_value_regex = "[0-9]+"

    def get_project_queryset(self):
        return Label.objects.filter(project=self.project)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "project": getattr(self, "project", None)}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            self.require(Role.OWNER, "change the label schema")

    def perform_create(self, serializer):
        serializer.save(project=self.project)

    def perform_update(self, serializer):
        label = serializer.instance
        new_kind = serializer.validated_data.get("kind", label.kind)
        if new_kind != label.kind and self._uses(label):
            raise ValidationError(
                {"kind": f"{label.name} is in use ({self._uses(label)}); its kind cannot change."}
            )
        serializer.save()

    def destroy(self, request, *args, **kwargs):
        label = self.get_object()
        uses = self._uses(label)
        if uses:
            return Response(
                {"detail": f"{label.name} is in use ({uses}); remove those first."},
                status=status.HTTP_409_CONFLICT,
            )
        label.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _uses(label):
        spans, stances = label.spans.count(), label.stances.count()
        parts = [f"{n} {what}" for n, what in ((spans, "spans"), (stances, "stances")) if n]
        return ", ".join(parts)


@model_viewset_errors(MembershipSerializer)
class MembershipViewSet(ProjectScopedMixin, viewsets.ModelViewSet):
    """Members and their roles. Members read the list; owners change it. A
    project always keeps at least one owner."""

    serializer_class = MembershipSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    queryset = Membership.objects.none()
    lookup_value_regex = "[0-9]+"

    def get_project_queryset(self):
        return Membership.objects.filter(project=self.project).select_related("user")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "project": getattr(self, "project", None)}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            self.require(Role.OWNER, "manage members")

    def _keeps_an_owner(self, membership):
        """Refuse to leave the project without an owner. Call it inside the
        transaction that makes the change: the owner rows stay locked until it
        commits, so two owners removing each other at once cannot both pass."""
        owners = list(
            Membership.objects.select_for_update()
            .filter(project=self.project, role=Role.OWNER)
            .values_list("pk", flat=True)
        )
        if not [pk for pk in owners if pk != membership.pk]:
            raise ValidationError(
                {"role": "A project needs at least one owner; make someone else owner first."}
            )

    def perform_update(self, serializer):
        with transaction.atomic():
            membership = serializer.instance
            if (
                membership.role == Role.OWNER
                and serializer.validated_data.get("role", Role.OWNER) != Role.OWNER
            ):
                self._keeps_an_owner(membership)
            serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic():
            if instance.role == Role.OWNER:
                self._keeps_an_owner(instance)
            # In the transaction: annotations frees the member's unfinished
            # slots, or nothing changes.
            member_removed.send(sender=Membership, project=self.project, user=instance.user)
            instance.delete()


@model_viewset_errors(JobSerializer, list_codes=(401, 403), read_only=True)
class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background jobs; a job is visible to the members of its project."""

    serializer_class = JobSerializer
    queryset = Job.objects.none()
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return Job.objects.filter(project__memberships__user=self.request.user)
