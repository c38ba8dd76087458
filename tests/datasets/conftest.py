"""Projects with adjudicated gold sets on texts that break naive offset handling."""

import pytest

from apps.actors.models import Actor
from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from tests.builders import add_set, tricky_payloads


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
