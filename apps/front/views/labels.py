"""The label schema editor: a shell the schema script (static/accord/schema.js)
fills through the labels and category-groups APIs.

Owners edit the schema; reviewers and annotators see it read-only (the API
lets every member read it and only owners change it). Non-members get 404.
"""

from django.shortcuts import render

from apps.projects.labels import RESERVED_SHORTCUTS
from apps.projects.models import Label, Role
from apps.projects.permissions import project_page

from .api_urls import project_api


@project_page(Role.ANNOTATOR)
def labels_page(request, membership):
    project = membership.project
    can_edit = membership.has_role(Role.OWNER)
    config = {
        "project": project.pk,
        "api": project_api(project),
        "canEdit": can_edit,
        "reservedKeys": RESERVED_SHORTCUTS,
        "kinds": [{"value": value, "label": label} for value, label in Label.Kind.choices],
    }
    return render(
        request,
        "projects/labels.html",
        {
            "project": project,
            "membership": membership,
            "can_edit": can_edit,
            "kinds": Label.Kind.choices,
            # Listed by kind; categories are listed in their groups.
            "span_kinds": [k for k in Label.Kind.choices if k[0] != Label.Kind.CATEGORY],
            "config": config,
        },
    )
