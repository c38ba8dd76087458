"""Where a page's script finds the REST API: reversed from the URL conf, so a
page never spells an API address by hand."""

from django.urls import reverse


def api_root():
    """The API's own root, /api/v1/ (jobs, projects, guidelines)."""
    return reverse("projects:project-list").removesuffix("projects/")


def project_api(project):
    """The root of one project's endpoints, /api/v1/projects/{p}/."""
    return reverse("projects:project-detail", args=[project.pk])
