"""The pre-annotation page: an owner runs a suggester over the project.

A shell over the API: the actor kind → entity label mapping is a project
setting (PATCH the project), the documents to read are counted before running
(POST preannotate/count/, with the documents list's filters), the run is a
background job (POST preannotate/, then the job's progress), and the
summary is the job's result. The documents page links here with its filters
in the query string.
"""

from django.shortcuts import render

from apps.actors.models import Actor
from apps.actors.suggesters import SuggesterError, names
from apps.documents.models import Document
from apps.projects.models import Label, Role
from apps.projects.permissions import project_page

from .api_urls import api_root, project_api


@project_page(Role.OWNER)
def preannotate_page(request, membership):
    project = membership.project
    try:
        suggesters, problem = names(), ""
    except SuggesterError as exc:  # a broken setting: say so, keep the alias matcher
        suggesters, problem = ["aliases"], str(exc)
    labels = list(
        Label.objects.filter(project=project, kind=Label.Kind.ENTITY).values_list("name", flat=True)
    )
    config = {
        "project": project.pk,
        "api": project_api(project),
        "jobsApi": api_root(),
        "mapping": project.actor_kind_labels or {},
    }
    return render(
        request,
        "mentions/preannotate.html",
        {
            "project": project,
            "membership": membership,
            "kinds": Actor.Kind.choices,
            "labels": labels,
            "suggesters": suggesters,
            "suggester_problem": problem,
            "statuses": Document.Status.choices,
            "config": config,
        },
    )
