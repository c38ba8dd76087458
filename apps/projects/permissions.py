"""Who may do what in a project: the one place where access is checked.

A non-member learns nothing about a project: every project URL answers 404.
A member without the role an endpoint needs gets 403. Every API view under
/projects/{p}/ and every project page declares the least role it needs, per
HTTP method (or per viewset action), and is checked here:

    class LabelViewSet(ProjectScopedMixin, viewsets.ModelViewSet):
        roles = {"GET": Role.ANNOTATOR, "POST": Role.OWNER, ...}

    @project_page(Role.REVIEWER)
    def queue_page(request, membership): ...

What a member may *see* inside an allowed request (another annotator's set,
names under anonymous review) is `Membership.has_role()` at the point of use.
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import PermissionDenied as PagePermissionDenied
from django.db.models import Exists
from django.http import Http404
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from . import tokens
from .models import ApiToken, Membership, Project, Role
from .prepared import PreparedValues, field_names, instance


def _membership_rows(with_token):
    """The membership query, prepared: the member's row with its project, and
    for a token answered from memory also the user as stored now and whether
    the token's row still exists (no ORDER BY: the pair is unique, and
    Membership's ordering would join project and user only to sort one row)."""
    names = [*field_names(Membership), *field_names(Project, "project__")]
    if not with_token:
        return PreparedValues(
            lambda project_id, user_id: (
                Membership.objects.filter(project_id=project_id, user_id=user_id)
                .order_by()
                .values(*names)
            ),
            "project_id",
            "user_id",
        )
    return PreparedValues(
        lambda project_id, user_id, token_id: (
            Membership.objects.filter(project_id=project_id, user_id=user_id)
            .order_by()
            .annotate(token_live=Exists(ApiToken.objects.filter(pk=token_id, user_id=user_id)))
            .values(*names, *field_names(get_user_model(), "user__"), "token_live")
        ),
        "project_id",
        "user_id",
        "token_id",
    )


_MEMBER = _membership_rows(with_token=False)
_MEMBER_AND_TOKEN = _membership_rows(with_token=True)


def get_membership(user, project_id, token=None):
    """The user's membership of the project, or Http404 for non-members and bad ids.

    `token`: an API token not yet confirmed (tokens.authenticate answered it
    from memory); the same query reads whether it still exists and the user
    as stored now, and tokens.confirm refuses it (TokenRefused) if it no
    longer works."""
    if not user.is_authenticated:
        raise Http404
    try:
        project_id = int(project_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if token is None:
        row = _MEMBER.row(project_id=project_id, user_id=user.pk)
    else:
        row = _MEMBER_AND_TOKEN.row(project_id=project_id, user_id=user.pk, token_id=token.pk)
    if row is None:
        raise Http404
    membership = instance(Membership, row)
    membership.project = instance(Project, row, "project__")
    if token is not None:
        membership.user = instance(get_user_model(), row, "user__")
        tokens.confirm(token, membership.user, bool(row["token_live"]))
    return membership


def refusal(membership, role):
    """Why the member may not: the role needed and the one they have."""
    above = "" if role == Role.OWNER else " or above"
    article = "an" if membership.role[0] in "aeiou" else "a"
    return f"This needs the project role {role}{above}; you are {article} {membership.role}."


def role_needed(roles, method, action=None, view_name="This view", handled=True):
    """The least role `roles` declares for a viewset `action` or an HTTP `method`.

    A method the view does not answer needs only membership (it then gets 405);
    one it answers without a declared role is a programming error.
    """
    if action is not None and action in roles:
        return roles[action]
    if method == "HEAD":
        method = "GET"
    if method == "OPTIONS" or (method not in roles and not handled):
        # OPTIONS describes the view, as /api/schema/ does, to every member.
        return Role.ANNOTATOR
    try:
        return roles[method]
    except KeyError:
        raise ImproperlyConfigured(f"{view_name} declares no role for {method}.") from None


def _answers(view, method):
    """Whether a DRF view has a handler of its own for `method`."""
    method = "get" if method == "HEAD" else method.lower()
    if method not in view.http_method_names:
        return False
    action_map = getattr(view, "action_map", None)
    if action_map is not None:
        return method in action_map
    return hasattr(view, method)


class ProjectScopedMixin:
    """For API views nested under /projects/{project_pk}/.

    Resolves the caller's membership once per request, then checks the role
    the view declares in `roles`; `project` and `membership` are then plain
    attributes.
    """

    project_kwarg = "project_pk"
    roles: dict = {}
    # The membership query confirms a token answered from memory (tokens.py).
    confirms_token = True

    def check_permissions(self, request):
        # DRF calls this from initial() for the request, and the browsable API
        # again for each form it would draw (request cloned with the form's
        # method): checking the role here hides forms the caller may not use.
        super().check_permissions(request)
        if not hasattr(self, "membership"):
            token = request.auth
            unconfirmed = getattr(token, "confirmed", True) is False
            try:
                self.membership = get_membership(
                    request.user,
                    self.kwargs.get(self.project_kwarg),
                    token if unconfirmed else None,
                )
            except tokens.TokenRefused as refused:
                raise AuthenticationFailed(str(refused)) from None
            if unconfirmed:
                # The user as stored now, not as this process remembered it.
                request.user = self.membership.user
            self.project: Project = self.membership.project
        role = role_needed(
            self.roles,
            request.method,
            self._action_for(request.method),
            type(self).__name__,
            handled=_answers(self, request.method),
        )
        if not self.membership.has_role(role):
            raise PermissionDenied(refusal(self.membership, role))

    def _action_for(self, method):
        """The viewset action that `method` reaches on this route (None for a
        plain view)."""
        action_map = getattr(self, "action_map", None)
        if action_map is None:
            return getattr(self, "action", None)
        return action_map.get("get" if method == "HEAD" else method.lower())

    def get_queryset(self):
        # Schema generation builds views without a request or project.
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.get_project_queryset()


def project_page(role=Role.ANNOTATOR):
    """A server-rendered page of one project, for members with at least `role`.

    Anonymous visitors are sent to sign in, non-members get 404 and members
    below `role` 403, as in the API. The view is called as
    ``view(request, membership, **the other URL arguments)``.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def page(request, project_pk, *args, **kwargs):
            membership = get_membership(request.user, project_pk)
            if not membership.has_role(role):
                raise PagePermissionDenied(refusal(membership, role))
            return view(request, membership, *args, **kwargs)

        return page

    return decorator
