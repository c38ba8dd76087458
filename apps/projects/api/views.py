from django.db.models import Count, OuterRef, Subquery
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.actors.starters import create_project

from ..errors import Conflict
from ..guidelines import render_guidelines
from ..models import Job, Label, Membership, Project, Role
from ..permissions import ProjectScopedMixin, get_membership, refusal, role_needed
from .schema import errors, model_viewset_errors
from .serializers import (
    GuidelinesHtmlSerializer,
    GuidelinesPreviewSerializer,
    JobSerializer,
    LabelSerializer,
    ProjectSerializer,
)


@model_viewset_errors(ProjectSerializer, list_codes=(401, 403), write=(400, 401, 403, 404))
class ProjectViewSet(viewsets.ModelViewSet):
    """Projects the caller is a member of. Anyone signed in may create one and
    becomes its owner; only owners change or delete it."""

    # Checked for a project's own URL; the list and create need only a sign-in.
    roles = {"GET": Role.ANNOTATOR, "PUT": Role.OWNER, "PATCH": Role.OWNER, "DELETE": Role.OWNER}
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
        # The project, its owner and its starting schema in one transaction.
        fields = dict(serializer.validated_data)
        schema = fields.pop("schema", None)
        serializer.instance = create_project(self.request.user, fields, schema)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Every method on a project's URL (OPTIONS too) answers 404 to a
        # non-member, before anything else is looked at.
        if "pk" in kwargs:
            self.membership = get_membership(request.user, kwargs["pk"])
            role = role_needed(
                self.roles,
                request.method,
                view_name=type(self).__name__,
                handled=request.method.lower() in self.action_map
                and request.method.lower() in self.http_method_names,
            )
            if not self.membership.has_role(role):
                raise PermissionDenied(refusal(self.membership, role))

    def get_object(self):
        return self.get_queryset().get(pk=self.membership.project_id)


@model_viewset_errors(LabelSerializer, conflict=True)
class LabelViewSet(ProjectScopedMixin, viewsets.ModelViewSet):
    """The label schema. Members read it; owners change it."""

    roles = {"GET": Role.ANNOTATOR, "POST": Role.OWNER, "PATCH": Role.OWNER, "DELETE": Role.OWNER}

    serializer_class = LabelSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    queryset = Label.objects.none()
    lookup_value_regex = "[0-9]+"

    def get_project_queryset(self):
        return Label.objects.filter(project=self.project)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "project": getattr(self, "project", None)}

    def perform_create(self, serializer):
        serializer.save(project=self.project)

    def perform_update(self, serializer):
        label = serializer.instance
        new_kind = serializer.validated_data.get("kind", label.kind)
        if new_kind != label.kind and self._uses(label):
            raise Conflict(
                f"{label.name} is in use ({self._uses(label)}); its kind cannot change.",
                field="kind",
            )
        serializer.save()

    def destroy(self, request, *args, **kwargs):
        label = self.get_object()
        uses = self._uses(label)
        if uses:
            raise Conflict(f"{label.name} is in use ({uses}); remove those first.")
        label.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _uses(label):
        spans, stances = label.spans.count(), label.stances.count()
        parts = [f"{n} {what}" for n, what in ((spans, "spans"), (stances, "stances")) if n]
        return ", ".join(parts)


class GuidelinesPreviewView(APIView):
    """Guidelines Markdown rendered as the project page renders it, for the
    live preview while an owner writes them. Any signed-in user: it reads no
    project."""

    @extend_schema(
        request=GuidelinesPreviewSerializer,
        responses={200: GuidelinesHtmlSerializer, **errors(400, 401)},
    )
    def post(self, request):
        serializer = GuidelinesPreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        html = render_guidelines(serializer.validated_data["guidelines"])
        return Response({"html": str(html)})


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background jobs; a job is visible to the members of its project."""

    serializer_class = JobSerializer
    queryset = Job.objects.none()
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return Job.objects.filter(project__memberships__user=self.request.user)
