"""Creating a project and its settings page: one form, two pages.

`/projects/new/` is for anyone signed in (the creator becomes the owner);
`/projects/<p>/settings/` for the project's owners (403 for other members,
404 for non-members). Both are shells: the script (static/accord/project_form.js)
posts to and patches through the project API, which validates every field;
the page only hands it the choices and, for the settings page, what deleting
the project would remove.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from apps.actors.models import Actor
from apps.annotations.models import AnnotationSet
from apps.datasets.models import Release
from apps.documents.models import Document
from apps.projects import limits
from apps.projects.models import Label, Membership, Project, Role
from apps.projects.permissions import project_page

from .api_urls import api_root, project_api


def _owned_projects(user):
    """(id, name) of the projects the user owns: the ones a schema may be copied from."""
    return list(
        Membership.objects.filter(user=user, role=Role.OWNER)
        .order_by("project__name", "project_id")
        .values_list("project_id", "project__name")
    )


# The ranges the API refuses outside of (apps/projects/limits.py), for the
# inputs' min/max and the help beside each setting.
LIMITS = {
    "min_annotators": limits.MIN_ANNOTATORS,
    "max_annotators": limits.MAX_ANNOTATORS,
    "min_threshold": limits.MIN_THRESHOLD,
    "max_threshold": limits.MAX_THRESHOLD,
    "min_seed": limits.MIN_SEED,
    "max_seed": limits.MAX_SEED,
}


def _config(request, project=None):
    return {
        "root": api_root(),
        "api": project_api(project) if project else api_root(),
        "project": project.pk if project else None,
        "projectName": project.name if project else None,
        # Where the owner lands: the new project's page is projectPages + id + "/".
        "projectPages": reverse("project-list-page"),
        "listPage": reverse("project-list-page"),
    }


@login_required
def new_project(request):
    context = {
        "mode": "create",
        "orders": Project.Order.choices,
        "limits": LIMITS,
        "owned": _owned_projects(request.user),
        "config": _config(request),
    }
    return render(request, "projects/form.html", context)


@project_page(Role.OWNER)
def project_settings(request, membership):
    project = membership.project
    counts = {
        "documents": Document.objects.filter(project=project).count(),
        "sets": AnnotationSet.objects.filter(document__project=project).count(),
        "actors": Actor.objects.filter(project=project).count(),
        "releases": Release.objects.filter(project=project).count(),
    }
    entity_labels = list(
        Label.objects.filter(project=project, kind=Label.Kind.ENTITY)
        .order_by("name")
        .values_list("name", flat=True)
    )
    context = {
        "mode": "settings",
        "project": project,
        "membership": membership,
        "orders": Project.Order.choices,
        "limits": LIMITS,
        "actor_kinds": Actor.Kind.choices,
        "entity_labels": entity_labels,
        "counts": counts,
        "config": _config(request, project),
    }
    return render(request, "projects/form.html", context)
