"""The members page: a shell the members script (static/accord/members.js)
fills through the members API, and the page where a new account sets its
password from the one-time link the API hands a staff owner.

Every member may see the page (non-members get 404); only owners are offered
the changes, and only staff owners the new-account form. The API checks every
call again.
"""

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from apps.annotations.pseudonyms import hides_names
from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import project_api


@project_page(Role.ANNOTATOR)
def members_page(request, membership):
    project = membership.project
    is_owner = membership.has_role(Role.OWNER)
    config = {
        "project": project.pk,
        "user": request.user.username,
        "api": project_api(project),
        "canManage": is_owner,
        "canCreateAccounts": is_owner and request.user.is_staff,
        # Under anonymous review a reviewer gets no per-member counts.
        "countsHidden": hides_names(membership),
        "roles": [{"value": value, "label": label} for value, label in Role.choices],
    }
    return render(
        request,
        "projects/members.html",
        {"project": project, "membership": membership, "config": config},
    )


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Django's own reset confirmation: the link works once (setting the
    password changes the hash the token is made from) and expires after
    PASSWORD_RESET_TIMEOUT."""

    template_name = "registration/set_password.html"
    success_url = reverse_lazy("password-reset-complete")


class PasswordSetView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_set.html"
