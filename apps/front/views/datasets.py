"""The datasets page: export a download, build and list releases.

Reviewers and owners only: an annotator gets 403, a non-member 404 (as in the
API), an anonymous visitor is sent to sign in. The page is a shell:
static/accord/datasets.js reads and writes everything through the export and
release API; this view only hands it what the API cannot list (the formats
with what they are, the project's labels, the caller's role).
"""

from django.shortcuts import render

from apps.datasets.formats import FORMATS
from apps.datasets.releases import OFFSET_UNITS
from apps.datasets.splits import DEFAULT_RATIOS, DEFAULT_SEED
from apps.projects.models import Label, Role
from apps.projects.permissions import project_page

# One line on each format, for people choosing one: what reads it.
DESCRIPTIONS = {
    "jsonl": "One JSON object a line: text (or its SHA-256), spans, stances and actors; "
    "Accord imports it back.",
    "conll": "CoNLL IOB2, one token a line, blank line between sentences; "
    "misaligned or overlapping spans are reported.",
    "spacy": "spaCy's character-offset JSON lines (text, ents), for training pipelines.",
    "spacy-docbin": "A .spacy DocBin that spacy.tokens.DocBin loads directly.",
    "brat": "A zip of brat standoff .txt/.ann files: T lines for spans, R lines for stances.",
    "doccano": "doccano's JSONL (entities and relations); its offsets count UTF-16 code units.",
    "label-studio": "Label Studio task JSON with predictions-style results.",
    "xmi": "A zip of UIMA CAS XMI files and the type system, loadable by INCEpTION.",
    "stances-csv": "One row per stance: holder, target, polarity, cue and their actors.",
    "network": "The signed actor network: GraphML and a CSV edge list (support − oppose).",
}
UNIT_NAMES = {
    "code_point": "offsets in code points",
    "utf16_code_unit": "offsets in UTF-16 code units",
    "token": "token positions",
}


def format_choices():
    """The export formats as the page describes them, in the API's order."""
    choices = []
    for name, fmt in FORMATS.items():
        unit = OFFSET_UNITS.get(name)
        choices.append(
            {
                "name": name,
                "description": DESCRIPTIONS.get(name, ""),
                "unit": UNIT_NAMES.get(unit, unit) if unit else "no offsets (actors and counts)",
                "needsText": fmt.needs_text,
                "available": fmt.available(),
            }
        )
    return choices


@project_page(Role.REVIEWER)
def datasets_page(request, membership):
    project = membership.project
    labels = list(
        Label.objects.filter(project=project).order_by("kind", "name").values("name", "kind")
    )
    is_owner = membership.has_role(Role.OWNER)
    config = {
        "project": project.pk,
        "api": f"/api/v1/projects/{project.pk}/",
        "jobsApi": "/api/v1/",
        "isOwner": is_owner,
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
            "labels": labels,
            "formats": config["formats"],
            "default_ratios": config["ratios"],
            "default_seed": DEFAULT_SEED,
            "config": config,
        },
    )
