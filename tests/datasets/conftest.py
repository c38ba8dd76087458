"""Projects with gold and annotator sets written straight through the ORM
(apps/annotations/sets.insert_rows), independent of the review feature."""

import pytest
from django.utils import timezone

from apps.actors.models import Actor
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import ProjectSchema, insert_rows
from apps.documents.models import Document

# Texts that break naive offset handling: a flag emoji and CRLF, decomposed
# Vietnamese and a ZWJ family emoji, right-to-left Arabic.
TRICKY = {
    "flag": "🇻🇪 Caracas rejected Moscow’s offer.\r\nThe U.S. said no.",
    "marks": "Quo\u0302\u0301c Hội backed 👨\u200d👩\u200d👧 Hanoi.",
    "rtl": "قالت موسكو إن واشنطن تدعم كاراكاس.",
}


def span(sid, text, piece, label, actor=None, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(piece, start + 1)
    return {"id": sid, "start": start, "end": start + len(piece), "label": label, "actor": actor}


def add_set(document, kind, spans, stances=(), author=None, source="", adjudicated=True):
    schema = ProjectSchema(document.project)
    payload = {"spans": list(spans), "stances": list(stances)}
    clean, errors = schema.validate(document.text, payload)
    assert not errors, errors
    aset = AnnotationSet.objects.create(
        document=document,
        kind=kind,
        author=author,
        source=source,
        status=AnnotationSet.Status.SUBMITTED,
    )
    insert_rows([(aset.pk, clean)], schema.label_ids)
    if kind == AnnotationSet.Kind.GOLD and adjudicated:
        # Only adjudicated gold is exported, as review's accept would leave it.
        Document.objects.filter(pk=document.pk).update(adjudicated_at=timezone.now())
        document.refresh_from_db(fields=["adjudicated_at"])
    return aset


def tricky_payloads(actors=None):
    """(external id, text, spans, stances) for each tricky text."""
    actors = actors or {}
    t = TRICKY
    return [
        (
            "flag",
            t["flag"],
            [
                span("s1", t["flag"], "Caracas", "GPE", actors.get("venezuela")),
                span("s2", t["flag"], "Moscow", "GPE", actors.get("russia")),
                span("s3", t["flag"], "U.S.", "GPE"),
                span("s4", t["flag"], "🇻🇪", "GPE"),
            ],
            [{"id": "t1", "holder": "s1", "target": "s2", "polarity": "OPPOSE", "cue": None}],
        ),
        (
            "marks",
            t["marks"],
            [
                span("s1", t["marks"], "Quo\u0302\u0301c Hội", "ORG"),
                span("s2", t["marks"], "Hanoi", "GPE"),
            ],
            [{"id": "t1", "holder": "s1", "target": "s2", "polarity": "SUPPORT", "cue": None}],
        ),
        (
            "rtl",
            t["rtl"],
            [span("s1", t["rtl"], "موسكو", "GPE"), span("s2", t["rtl"], "كاراكاس", "GPE")],
            [{"id": "t1", "holder": "s1", "target": "s2", "polarity": "SUPPORT", "cue": None}],
        ),
    ]


@pytest.fixture
def gold_project(project):
    """The project fixture with the tricky documents, each with a gold set."""
    for external_id, text, spans, stances in tricky_payloads():
        document = Document.objects.create(
            project=project,
            external_id=external_id,
            text=text,
            url=f"https://news.example/{external_id}",
            published="2024-05-0" + str(len(external_id) % 9 + 1),
        )
        add_set(document, AnnotationSet.Kind.GOLD, spans, stances)
    return project


@pytest.fixture
def actors(project):
    return {
        "russia": Actor.objects.create(project=project, name="Russia", kind="state", country="RU"),
        "venezuela": Actor.objects.create(
            project=project, name="Venezuela", kind="state", country="VE"
        ),
    }
