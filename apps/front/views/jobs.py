"""The jobs page: the project's background jobs (imports, pre-annotation,
releases) with their progress, for reviewers and owners.

A shell like every project page: static/accord/jobs.js reads the jobs API
(`/api/v1/jobs/?project=p`) and polls it while any job is pending or
running. Annotators get 403, non-members 404.
"""

from django.conf import settings
from django.shortcuts import render

from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import api_root, project_api


@project_page(Role.REVIEWER)
def jobs_page(request, membership):
    project = membership.project
    config = {
        "project": project.pk,
        "api": project_api(project),
        "jobsApi": api_root(),
        # How often the page asks again while a job is pending or running.
        "pollMs": 1500,
        "leaseSeconds": settings.ACCORD_JOB_LEASE_SECONDS,
    }
    return render(
        request,
        "projects/jobs.html",
        {"project": project, "membership": membership, "config": config},
    )
