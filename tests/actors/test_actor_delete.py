"""Deleting an actor that something still refers to says what refers to it."""

import pytest
from django.utils import timezone

from apps.actors.models import Actor
from apps.datasets.export import Exporter
from apps.datasets.formats.records import SetRecord, SpanRecord, StanceRecord
from apps.documents.models import Document
from apps.projects.models import Label
from tests.builders import add_set, span_of

pytestmark = pytest.mark.django_db


def delete(client_for, project, actor):
    return client_for("olga").delete(f"/api/v1/projects/{project.pk}/actors/{actor.pk}/")


def test_the_survivor_of_a_merge_is_named_as_such(project, client_for):
    survivor = Actor.objects.create(project=project, name="Russia", kind="state")
    Actor.objects.create(
        project=project, name="RF", kind="state", merged_into=survivor, merged_at=timezone.now()
    )
    response = delete(client_for, project, survivor)
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "survivor of a merge (1 actor was merged into it)" in detail
    assert "span" not in detail
    assert Actor.objects.filter(pk=survivor.pk).exists()


def test_spans_and_merges_are_counted_separately(project, client_for):
    survivor = Actor.objects.create(project=project, name="Russia", kind="state")
    for name in ("RF", "Russian Federation"):
        Actor.objects.create(
            project=project, name=name, kind="state", merged_into=survivor, merged_at=timezone.now()
        )
    document = Document.objects.create(project=project, external_id="d", text="Moscow spoke.")
    add_set(document, "gold", [span_of("s1", document.text, "Moscow", "GPE", survivor.pk)])
    detail = delete(client_for, project, survivor).json()["detail"]
    assert "linked from 1 span and is the survivor of a merge (2 actors were merged" in detail


def test_an_unreferenced_actor_is_deleted(project, client_for):
    actor = Actor.objects.create(project=project, name="Cuba", kind="state")
    assert delete(client_for, project, actor).status_code == 204


# The export's label filter takes the label's kind from the schema.


def record():
    return SetRecord(
        owner="gold",
        kind="gold",
        spans=[SpanRecord("s1", 0, 6, "GPE", None), SpanRecord("s2", 7, 9, "ORG", None)],
        stances=[StanceRecord("t1", "s1", "s2", "SUPPORT", None)],
    )


def test_keep_label_follows_the_schema_kind():
    entity = record()
    Exporter.keep_label(entity, "GPE", Label.Kind.ENTITY)
    assert [s.label for s in entity.spans] == ["GPE"] and entity.stances == []
    stance = record()
    Exporter.keep_label(stance, "SUPPORT", Label.Kind.STANCE)
    assert [t.polarity for t in stance.stances] == ["SUPPORT"] and len(stance.spans) == 2
    absent = record()
    Exporter.keep_label(absent, "PERSON", Label.Kind.ENTITY)
    assert absent.spans == [] and absent.stances == []
