"""The workspace page for one document, and "next document".

The page is only a shell: the workspace (static/accord/workspace.js) reads and
writes everything through the REST API. The page hands it the ids it needs,
the URLs, and the names of the actors the visible sets link to and of the
concepts their stances are on, so spans can show their actor and stances
their concept without one request each.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.annotations.assignment import next_document
from apps.annotations.visibility import linked_actor_names, linked_concepts
from apps.documents.models import Document
from apps.projects.guidelines import render_guidelines
from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import project_api


def document_page_config(request, membership, document_pk, *fields):
    """The document of a text page (workspace, adjudication) and the config
    every such page gives its script: ids, the API root, and the names of the
    actors linked in the sets the user may see."""
    project = membership.project
    document = Document.objects.filter(project=project, pk=document_pk).only(*fields).first()
    if document is None:
        raise Http404
    config = {
        "project": project.pk,
        "document": document.pk,
        "user": request.user.username,
        "api": project_api(project),
        "actors": linked_actor_names(membership, document),
        "concepts": linked_concepts(membership, document),
    }
    return document, config


def may_create_concepts(membership):
    """Whether the workspace offers "Create concept" while drawing a stance:
    owners always; annotators and reviewers when the project lets annotators
    add to the codebook (its `annotators_create_concepts` setting, which the
    concepts API checks on the POST)."""
    project = membership.project
    return membership.has_role(Role.OWNER) or bool(project.annotators_create_concepts)


@project_page(Role.ANNOTATOR)
def workspace(request, membership, document_pk):
    project = membership.project
    document, config = document_page_config(
        request, membership, document_pk, "id", "title", "external_id", "outlet", "published"
    )
    config["projectPage"] = reverse("project-page", args=[project.pk])
    # The workspace of document d is documentsPage + d + "/".
    config["documentsPage"] = reverse("project-page", args=[project.pk]) + "documents/"
    config["createConcepts"] = may_create_concepts(membership)
    return render(
        request,
        "annotations/workspace.html",
        {
            "project": project,
            "document": document,
            "membership": membership,
            "config": config,
            # Beside the text, so the rules are one key away (Shift+G).
            "guidelines": render_guidelines(project.guidelines) if project.guidelines else "",
        },
    )


@project_page(Role.ANNOTATOR)
@require_POST
def next_document_page(request, membership):
    """Hand the user their next document and open it, or say that none is left."""
    project = membership.project
    found = next_document(project, request.user)
    if found is None:
        messages.info(request, "There is no document left for you in this project.")
        return redirect("project-page", project.pk)
    return redirect("workspace", project.pk, found[0].pk)
