"""The recommender page: owners switch the project's recommender on, set its
threshold, when it trains again and which labels it learns, train it now,
follow the training, and read what each version is worth (scores per label,
the versions, the learning curve).

A shell over the API (GET/PATCH recommender/, POST recommender/train/, GET
recommender/models/, the job's progress); the page draws what they answer.
"""

from django.shortcuts import render

from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import api_root, project_api


@project_page(Role.OWNER)
def recommender_page(request, membership):
    project = membership.project
    config = {
        "project": project.pk,
        "api": project_api(project),
        "jobsApi": api_root(),
        "pollMs": 1000,
    }
    return render(
        request,
        "recommender/page.html",
        {"project": project, "membership": membership, "config": config},
    )
