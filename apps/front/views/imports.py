"""The import page: an owner brings documents in without curl.

A shell over the import API: choosing a file asks the preview endpoint what
the import would store (format, new and duplicate documents, every problem by
record and field, the first records as stored), and only a file without
problems can then be imported, atomically.
"""

from django.shortcuts import render
from django.urls import reverse

from apps.imports.parsers import FORMATS
from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import project_api


@project_page(Role.OWNER)
def import_page(request, membership):
    project = membership.project
    config = {
        "project": project.pk,
        "api": project_api(project),
        "documentsPage": reverse("documents-page", args=[project.pk]),
    }
    return render(
        request,
        "imports/import.html",
        {"project": project, "membership": membership, "formats": FORMATS, "config": config},
    )
