from django.db import transaction
from django.db.models import Count, Max, OuterRef, Prefetch, Subquery
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.actors.starters import create_project
from apps.annotations.models import SetCategory, Span, Stance

from ..categories import GROUP_ORDER, check_multiple_change, move_group, refuse_delete
from ..errors import Conflict
from ..guidelines import render_guidelines
from ..inputs import MAX_ID
from ..jobs import expire_stale, jobs_seen_by, kind_of, retry_job, role_to_see
from ..labels import ORDER, move_label, next_position
from ..models import CategoryGroup, Job, Label, Membership, Project, Role
from ..permissions import ProjectScopedMixin, get_membership, refusal, role_needed
from ..queries import count_of
from .schema import SCOPED, errors, model_viewset_errors
from .serializers import (
    CategoryGroupSerializer,
    GuidelinesHtmlSerializer,
    GuidelinesPreviewSerializer,
    JobSerializer,
    LabelSerializer,
    ProjectSerializer,
)


# A list answers 404 for a page past its end, 400 for a filter it cannot read.
@model_viewset_errors(ProjectSerializer, list_codes=(401, 403, 404), write=(400, 401, 403, 404))
class ProjectViewSet(viewsets.ModelViewSet):
    """Projects the caller is a member of. Anyone signed in may create one and
    becomes its owner; only owners change or delete it."""

    # Checked for a project's own URL; the list and create need only a sign-in.
    roles = {"GET": Role.ANNOTATOR, "PUT": Role.OWNER, "PATCH": Role.OWNER, "DELETE": Role.OWNER}
    serializer_class = ProjectSerializer
    lookup_value_converter = "id"
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


class SchemaViewSet(ProjectScopedMixin, viewsets.ModelViewSet):
    """A part of the project's schema (labels, category groups): members
    read it, owners change it; no PUT. The serializer sees the project."""

    roles = {"GET": Role.ANNOTATOR, "POST": Role.OWNER, "PATCH": Role.OWNER, "DELETE": Role.OWNER}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_converter = "id"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "project": getattr(self, "project", None)}


@model_viewset_errors(LabelSerializer, conflict=True, write=(400, *SCOPED, 409))
class LabelViewSet(SchemaViewSet):
    """The label schema. Members read it; owners change it."""

    serializer_class = LabelSerializer
    queryset = Label.objects.none()

    def get_project_queryset(self):
        return (
            Label.objects.filter(project=self.project)
            .annotate(
                span_uses=count_of(Span.objects.filter(label=OuterRef("pk")), "label"),
                stance_uses=count_of(Stance.objects.filter(polarity=OuterRef("pk")), "polarity"),
                category_uses=count_of(SetCategory.objects.filter(label=OuterRef("pk")), "label"),
            )
            .select_related("group")
            .order_by(*ORDER)
        )

    def perform_create(self, serializer):
        position = serializer.validated_data.pop("position", None)
        with transaction.atomic():
            label = serializer.save(project=self.project, position=next_position(self.project))
            if position is not None:
                move_label(label, position)

    def perform_update(self, serializer):
        label = serializer.instance
        new_kind = serializer.validated_data.get("kind", label.kind)
        if new_kind != label.kind and (uses := self._uses(label)):
            raise Conflict(
                f"{label.name} is in use ({uses}); its kind cannot change.",
                field="kind",
            )
        position = serializer.validated_data.pop("position", None)
        with transaction.atomic():
            # Write only the fields sent: a whole-row save would put back the
            # position read before another owner's move (move_label owns it).
            for name, value in serializer.validated_data.items():
                setattr(label, name, value)
            label.save(update_fields=list(serializer.validated_data))
            if position is not None:
                move_label(label, position)

    def destroy(self, request, *args, **kwargs):
        label = self.get_object()
        uses = self._uses(label)
        if uses:
            raise Conflict(f"{label.name} is in use ({uses}); remove those first.")
        label.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _uses(label):
        # Counted with the label by get_queryset(): no query of its own.
        counts = (
            (label.span_uses, "spans"),
            (label.stance_uses, "stances"),
            (label.category_uses, "sets as a category"),
        )
        return ", ".join(f"{n} {what}" for n, what in counts if n)


@model_viewset_errors(CategoryGroupSerializer, conflict=True, write=(400, *SCOPED, 409))
class CategoryGroupViewSet(SchemaViewSet):
    """The groups of document categories. Members read them; owners change
    them. A group with labels cannot be deleted, and one that takes several
    categories becomes single-choice only while no set holds two of them
    (apps/projects/categories.py): both are 409."""

    serializer_class = CategoryGroupSerializer
    queryset = CategoryGroup.objects.none()

    def get_project_queryset(self):
        labels = Label.objects.order_by(*ORDER).only("id", "name", "group_id")
        return (
            CategoryGroup.objects.filter(project=self.project)
            .order_by(*GROUP_ORDER)
            .prefetch_related(Prefetch("labels", queryset=labels))
        )

    def perform_create(self, serializer):
        position = serializer.validated_data.pop("position", None)
        with transaction.atomic():
            last = CategoryGroup.objects.filter(project=self.project).aggregate(n=Max("position"))
            after = 0 if last["n"] is None else last["n"] + 1
            group = serializer.save(project=self.project, position=after)
            if position is not None:
                move_group(group, position)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        position = fields.pop("position", None)
        with transaction.atomic():
            # The row lock orders two owners' changes of one group.
            group = CategoryGroup.objects.select_for_update().get(pk=serializer.instance.pk)
            if "multiple" in fields:
                check_multiple_change(group, fields["multiple"])
            # Only the fields sent: the position is move_group's.
            for name, value in fields.items():
                setattr(serializer.instance, name, value)
            serializer.instance.save(update_fields=list(fields))
            if position is not None:
                move_group(serializer.instance, position)

    def destroy(self, request, *args, **kwargs):
        group = self.get_object()
        refuse_delete(group)
        group.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


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


class JobFilter(filters.FilterSet):
    # A plain number, not a choice of projects: a project the caller is not a
    # member of lists nothing, exactly like one that does not exist.
    # Bounded both ways: SQLite cannot bind a number past 64 bits either side.
    project = filters.NumberFilter(
        field_name="project_id",
        min_value=1,
        max_value=MAX_ID,
        help_text="Only this project's jobs.",
    )
    status = filters.ChoiceFilter(choices=Job.Status.choices, help_text="Only jobs in this status.")
    kind = filters.CharFilter(help_text='Only jobs of this kind, e.g. "import".')

    class Meta:
        model = Job
        fields = ["project", "status", "kind"]


@model_viewset_errors(JobSerializer, list_codes=(400, 401, 404), read_only=True)
class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background jobs, newest first. A job is visible to whoever may see what
        it makes: members of its project whose role sees its kind (jobs.KINDS).
        The list holds only those; another member asking for one gets 403, a
        non-member 404. A running job whose worker stopped sending heartbeats for
        longer than ACCORD_JOB_LEASE_SECONDS is dealt with when it is next read, as
    `manage.py expire_jobs` does: queued again where that is safe, else failed."""

    serializer_class = JobSerializer
    queryset = Job.objects.none()
    lookup_value_converter = "id"
    filterset_class = JobFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return jobs_seen_by(self.request.user).select_related("created_by")

    def list(self, request, *args, **kwargs):
        expire_stale(self.filter_queryset(self.get_queryset()))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        # The job and the caller's role in its project, in one query.
        role = Membership.objects.filter(project=OuterRef("project_id"), user=request.user)
        job = (
            Job.objects.filter(pk=kwargs["pk"])
            .annotate(caller_role=Subquery(role.values("role")[:1]))
            .select_related("created_by")
            .first()
        )
        if job is None or (job.caller_role is None and not started_it(job, request.user)):
            raise Http404
        if job.caller_role is None:  # a project-less job: its starter's
            expire_stale(Job.objects.filter(pk=job.pk))
            job = Job.objects.select_related("created_by").get(pk=job.pk)
            return Response(self.get_serializer(job).data)
        # The caller's membership as far as the role check and its message need it.
        caller, needed = Membership(role=job.caller_role), role_to_see(job.kind)
        if not caller.has_role(needed):
            raise PermissionDenied(refusal(caller, needed))
        if expire_stale(Job.objects.filter(pk=job.pk)):
            job = Job.objects.select_related("created_by").get(pk=job.pk)
        return Response(self.get_serializer(job).data)


def started_it(job, user):
    """Whether `user` started the project-less `job` (its only reader)."""
    return job.project_id is None and job.created_by_id == user.pk


class JobRetryView(ProjectScopedMixin, APIView):
    """Queue a failed job of the project again, for its next attempt, by
    whoever may start a job of its kind (jobs.KINDS): 409 when the job is not
    failed, its kind is not run again, or its input (an import's upload) is gone.
    A member below that role gets 403 naming it, as GET /jobs/{id}/ does; a
    job of another project is 404."""

    # Any member may ask; the role the job's kind needs is checked below.
    roles = {"POST": Role.ANNOTATOR}

    @extend_schema(request=None, responses={202: JobSerializer, **errors(409, *SCOPED)})
    def post(self, request, project_pk, pk):
        job = Job.objects.filter(project=self.project, pk=pk).first()
        if job is None:
            raise Http404
        needed = kind_of(job).starts
        if not self.membership.has_role(needed):
            raise PermissionDenied(refusal(self.membership, needed))
        retry_job(job)
        job = Job.objects.select_related("created_by").get(pk=job.pk)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
