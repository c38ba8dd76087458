"""The jobs page: the project's background jobs (imports, pre-annotation,
releases) with their progress, for whoever sees some kind of job (the
registry in apps/projects/jobs.py: reviewers and owners).

A shell like every project page: static/accord/jobs.js reads the jobs API
(`/api/v1/jobs/?project=p`), which lists only the kinds the caller's role
sees, and polls it while any job is pending or running. The page says which
kinds those are. Members who see no kind get 403, non-members 404.
"""

from django.conf import settings
from django.shortcuts import render

from apps.projects.jobs import KINDS, kinds_seen_by, least_role_to_see
from apps.projects.permissions import project_page

from .api_urls import api_root, project_api


def scope_text(role):
    """Which kinds of job a member with this role sees, and which not, or ""
    when they see every kind."""
    seen = kinds_seen_by(role)
    hidden = [f"{kind} jobs ({KINDS[kind].sees}s)" for kind in KINDS if kind not in seen]
    if not hidden:
        return ""
    shown = ", ".join(f"{kind} jobs" for kind in seen)
    return f"Shown to you as a {role}: {shown}. Not shown: {', '.join(hidden)}."


@project_page(least_role_to_see())
def jobs_page(request, membership):
    project = membership.project
    config = {
        "project": project.pk,
        "api": project_api(project),
        "jobsApi": api_root(),
        # How often the page asks again while a job is pending or running.
        "pollMs": 1500,
        "leaseSeconds": settings.ACCORD_JOB_LEASE_SECONDS,
        "maxAttempts": settings.ACCORD_JOB_MAX_ATTEMPTS,
    }
    return render(
        request,
        "projects/jobs.html",
        {
            "project": project,
            "membership": membership,
            "config": config,
            "scope": scope_text(membership.role),
            "retried": [kind for kind in kinds_seen_by(membership.role) if KINDS[kind].retryable],
        },
    )
