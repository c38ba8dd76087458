"""Who may do what in a project.

A non-member learns nothing about a project: every project URL answers 404.
A member without the needed role gets 403.
"""

from django.http import Http404
from rest_framework.exceptions import PermissionDenied

from .models import ROLE_RANK, Membership, Project, Role


def get_membership(user, project_id):
    """The user's membership of the project, or Http404 for non-members and bad ids."""
    if not user.is_authenticated:
        raise Http404
    try:
        project_id = int(project_id)
    except (TypeError, ValueError):
        raise Http404 from None
    membership = (
        Membership.objects.select_related("project")
        .filter(project_id=project_id, user=user)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def require_role(membership, role, action="do this"):
    if ROLE_RANK[membership.role] < ROLE_RANK[role]:
        raise PermissionDenied(f"Only a project {role} or above may {action}.")


class ProjectScopedMixin:
    """For API views nested under /projects/{project_pk}/.

    Resolves the caller's membership once per request; `project` and
    `membership` are then plain attributes.
    """

    project_kwarg = "project_pk"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.membership = get_membership(request.user, kwargs.get(self.project_kwarg))
        self.project: Project = self.membership.project

    def get_queryset(self):
        # Schema generation builds views without a request or project.
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.get_project_queryset()

    def require(self, role, action="do this"):
        require_role(self.membership, role, action)

    @property
    def is_owner(self):
        return self.membership.role == Role.OWNER

    @property
    def can_review(self):
        return ROLE_RANK[self.membership.role] >= ROLE_RANK[Role.REVIEWER]
