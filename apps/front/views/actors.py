"""The actor registry page: a shell the registry script (static/accord/registry.js)
fills through the REST API.

Like every project page it resolves the caller's membership first (non-members
get 404, anonymous visitors are sent to sign in). The page tells the script
what the caller may do, so it offers only what the API will accept; the API
still checks every call.
"""

from django.shortcuts import render
from django.urls import reverse

from apps.actors.models import Actor
from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import project_api


@project_page(Role.ANNOTATOR)
def registry(request, membership):
    project = membership.project
    can_edit = membership.has_role(Role.REVIEWER)
    config = {
        "project": project.pk,
        "user": request.user.username,
        "api": project_api(project),
        # The workspace of document d is documentsPage + d + "/".
        "documentsPage": reverse("project-page", args=[project.pk]) + "documents/",
        # Mentions outside the caller's own set open on the adjudication page
        # (reviewPage + d + "/"), for those who may review.
        "reviewPage": reverse("review-queue-page", args=[project.pk]),
        "canReview": membership.has_role(Role.REVIEWER),
        "canCreate": True,  # every member may add an actor (annotators do while linking)
        "canEdit": can_edit,  # edit, delete, merge and import: reviewers and owners
        "kinds": [{"value": value, "label": label} for value, label in Actor.Kind.choices],
    }
    return render(
        request,
        "actors/registry.html",
        {
            "project": project,
            "membership": membership,
            "can_edit": can_edit,
            "kinds": Actor.Kind.choices,
            "config": config,
        },
    )
