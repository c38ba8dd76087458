"""The import page: an owner brings documents in without curl.

A shell over the import API: choosing a file asks the preview endpoint what
the import would store (format, new and duplicate documents, every problem by
record and field, the first records as stored), and only a file without
problems can then be imported, atomically. A file over
ACCORD_IMPORT_BACKGROUND_BYTES is imported by a background job: the page
follows its progress to the same result, and lists the project's recent
import jobs, so an owner who closed the tab finds the import still running
(followed again) or how it ended.
"""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from apps.imports.parsers import FORMATS
from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import api_root, project_api


@project_page(Role.OWNER)
def import_page(request, membership):
    project = membership.project
    config = {
        "project": project.pk,
        "api": project_api(project),
        "jobsApi": api_root(),
        "documentsPage": reverse("documents-page", args=[project.pk]),
        "backgroundBytes": settings.ACCORD_IMPORT_BACKGROUND_BYTES,
    }
    return render(
        request,
        "imports/import.html",
        {"project": project, "membership": membership, "formats": FORMATS, "config": config},
    )
