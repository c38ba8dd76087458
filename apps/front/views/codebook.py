"""The codebook page: a shell the codebook script (static/accord/codebook.js)
fills through the REST API.

Every member may look; owners manage (create, edit, merge, delete, import),
and any member may add concepts when the project's
`annotators_create_concepts` is on. The page tells the script what the
caller may do, so it offers only what the API will accept; the API still
checks every call.
"""

from django.shortcuts import render

from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import project_api


@project_page(Role.ANNOTATOR)
def codebook_page(request, membership):
    project = membership.project
    can_edit = membership.has_role(Role.OWNER)
    config = {
        "project": project.pk,
        "api": project_api(project),
        "canCreate": can_edit or project.annotators_create_concepts,
        "canEdit": can_edit,  # edit, merge, delete and import: owners
    }
    return render(
        request,
        "actors/codebook.html",
        {"project": project, "membership": membership, "can_edit": can_edit, "config": config},
    )
