"""The documents page: every document of a project, searched, filtered and paged.

Reviewers and owners only: it shows every document's status and who took
it, which annotators of a blind project may not see. Its annotator filter
takes what the API's `assigned_to` takes: a username, or under anonymous
review a reviewer's "Annotator n". The page is a shell:
static/accord/documents.js reads the documents API (keyset pages, so page
1,000 costs what page 1 costs) in the order the caller picks; owners may
delete a document nobody has annotated yet and hand an annotator's
unfinished set to another member.

Each document opens read-only (document_view_page): its text with every set
the caller may see, one at a time.
"""

from django.shortcuts import render
from django.urls import reverse

from apps.annotations.pseudonyms import hides_names
from apps.documents.models import Document
from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import project_api
from .workspace import document_page_config


@project_page(Role.REVIEWER)
def documents_page(request, membership):
    project = membership.project
    config = {
        "project": project.pk,
        "api": project_api(project),
        # Document d opens read-only at documentsPage + d + "/view/"; its
        # adjudication screen is reviewPage + d + "/".
        "documentsPage": reverse("documents-page", args=[project.pk]),
        "reviewPage": reverse("review-queue-page", args=[project.pk]),
        "canDelete": membership.has_role(Role.OWNER),
        # Owners move unfinished sets between members, picked by username.
        "members": list(
            project.memberships.order_by("user__username").values_list("user__username", flat=True)
        )
        if membership.has_role(Role.OWNER)
        else None,
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


@project_page(Role.ANNOTATOR)
def document_view_page(request, membership, document_pk):
    """One document, read-only, with every set the caller may see. Open to
    every member: the sets API it reads decides what each one sees (in a blind
    project an annotator sees only their own set and the predictions)."""
    project = membership.project
    document, config = document_page_config(
        request, membership, document_pk, "id", "title", "external_id"
    )
    reviewer = membership.has_role(Role.REVIEWER)
    config["adjudicatePage"] = (
        reverse("adjudicate-page", args=[project.pk, document.pk]) if reviewer else None
    )
    return render(
        request,
        "documents/view.html",
        {"project": project, "membership": membership, "document": document, "config": config},
    )
