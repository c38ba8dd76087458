"""The documents page: every document of a project, searched, filtered and paged.

Reviewers and owners only: it shows every document's status and who took
it, which annotators of a blind project may not see. Its annotator filter
takes what the API's `assigned_to` takes: a username, or under anonymous
review a reviewer's "Annotator n". The page is a shell:
static/accord/documents.js reads the documents API (keyset pages, so page
1,000 costs what page 1 costs); owners may delete a document nobody has
annotated yet.
"""

from django.shortcuts import render
from django.urls import reverse

from apps.annotations.pseudonyms import hides_names
from apps.documents.models import Document
from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import project_api


@project_page(Role.REVIEWER)
def documents_page(request, membership):
    project = membership.project
    config = {
        "project": project.pk,
        "api": project_api(project),
        # A document opens on the adjudication screen (reviewPage + d + "/"),
        # which shows every set the caller may see, read-only until they act.
        "reviewPage": reverse("review-queue-page", args=[project.pk]),
        "canDelete": membership.has_role(Role.OWNER),
        # Owners pre-annotate the documents the filters select.
        "preannotatePage": reverse("preannotate-page", args=[project.pk])
        if membership.has_role(Role.OWNER)
        else None,
    }
    return render(
        request,
        "documents/list.html",
        {
            "project": project,
            "membership": membership,
            "statuses": Document.Status.choices,
            # Under anonymous review a reviewer names annotators by pseudonym.
            "pseudonyms": hides_names(membership),
            "config": config,
        },
    )
