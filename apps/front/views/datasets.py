"""The datasets page: export a download, build and list releases.

Reviewers and owners only: an annotator gets 403, a non-member 404 (as in the
API), an anonymous visitor is sent to sign in. The page is a shell:
static/accord/datasets.js reads and writes everything through the export and
release API; this view only hands it what the API cannot list (the formats
with what they are, the project's labels and, for an owner's release of
the claims, its concepts; the caller's role).
"""

from django.shortcuts import render

from apps.datasets.export import NAMES_ROLE
from apps.datasets.formats import FORMATS
from apps.datasets.splits import DEFAULT_RATIOS, DEFAULT_SEED
from apps.projects.labels import ORDER as LABEL_ORDER
from apps.projects.limits import MAX_SEED, MIN_SEED
from apps.projects.models import Label, Role
from apps.projects.permissions import project_page

from .api_urls import api_root, project_api
from .network import concept_choices


def format_choices():
    """The export formats as the page describes them, in the API's order."""
    return [
        {
            "name": name,
            "description": fmt.description,
            "unit": fmt.unit_name,
            "needsText": fmt.needs_text,
            "drops": fmt.drops,
            "available": fmt.available(),
        }
        for name, fmt in FORMATS.items()
    ]


@project_page(Role.REVIEWER)
def datasets_page(request, membership):
    project = membership.project
    labels = list(
        Label.objects.filter(project=project).order_by(*LABEL_ORDER).values("name", "kind")
    )
    is_owner = membership.has_role(Role.OWNER)
    concepts = concept_choices(project) if is_owner else []
    # Whether the caller may take annotators' names out: export them, open a
    # release built with them (the API's rule, handed to the page).
    names_allowed = membership.has_role(NAMES_ROLE)
    config = {
        "project": project.pk,
        "api": project_api(project),
        "jobsApi": api_root(),
        "isOwner": is_owner,
        "namesAllowed": names_allowed,
        "formats": format_choices(),
        "seed": DEFAULT_SEED,
        "ratios": ",".join(f"{name}:{ratio:g}" for name, ratio in DEFAULT_RATIOS.items()),
    }
    return render(
        request,
        "datasets/page.html",
        {
            "project": project,
            "membership": membership,
            "is_owner": is_owner,
            "names_allowed": names_allowed,
            "labels": labels,
            "formats": config["formats"],
            "default_ratios": config["ratios"],
            "default_seed": DEFAULT_SEED,
            "seed_range": (MIN_SEED, MAX_SEED),
            "concepts": concepts,
            "concept_rows": min(8, max(3, len(concepts))),
            "config": config,
        },
    )
