"""The network page: who agrees and who disputes what, in the gold statements.

Reviewers and owners only, as the network API (an annotator gets 403, a
non-member 404). The page is a shell: static/accord/network.js reads the
network and a node's statements from the API and draws them; this view hands
it the codebook to choose concepts from and the dates the gold documents span.
"""

from django.db.models import Max, Min
from django.shortcuts import render

from apps.actors.models import Concept
from apps.documents.models import Document
from apps.projects.models import Role
from apps.projects.permissions import project_page

from .api_urls import project_api

PATH_SEPARATOR = " › "


def concept_choices(project):
    """The codebook's live concepts, each with its path ("International law ›
    UN Charter"), in path order. One query."""
    rows = list(
        Concept.objects.filter(project=project).values("id", "name", "parent_id", "merged_into")
    )
    by_id = {row["id"]: row for row in rows}

    def path(row):
        names, seen = [], set()
        while row is not None and row["id"] not in seen:
            seen.add(row["id"])
            names.append(row["name"])
            row = by_id.get(row["parent_id"])
        return PATH_SEPARATOR.join(reversed(names))

    live = [
        {"id": row["id"], "name": row["name"], "path": path(row)}
        for row in rows
        if row["merged_into"] is None
    ]
    return sorted(live, key=lambda c: c["path"].casefold())


@project_page(Role.REVIEWER)
def network_page(request, membership):
    project = membership.project
    dates = Document.objects.filter(project=project, adjudicated_at__isnull=False).aggregate(
        first=Min("published"), last=Max("published")
    )
    config = {
        "project": project.pk,
        "api": project_api(project),
        "concepts": concept_choices(project),
        "first": dates["first"].isoformat() if dates["first"] else None,
        "last": dates["last"].isoformat() if dates["last"] else None,
    }
    return render(
        request,
        "datasets/network.html",
        {
            "project": project,
            "membership": membership,
            "config": config,
            "dates": dates,
            # The concept list shows every concept up to eight, then scrolls.
            "concept_rows": min(8, max(3, len(config["concepts"]))),
        },
    )
