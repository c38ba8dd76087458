"""Merging actors re-points every mention: annotator, gold and prediction sets."""

import pytest

from apps.actors.models import Actor, Alias
from apps.annotations.models import AnnotationSet, Span
from apps.mentions.preannotate import preannotate
from tests.actors.helpers import make_documents, make_registry
from tests.builders import add_gold, add_prediction, annotate, span

pytestmark = pytest.mark.django_db


def test_merge_repoints_spans_in_annotator_gold_and_prediction_sets(project, users, client_for):
    actors = make_registry(project)
    docs = make_documents(project)
    moscow = Actor.objects.create(project=project, name="Moscow city", kind="state")
    Alias.objects.create(actor=moscow, text="Moskva", case_sensitive=False)
    annotator = annotate(
        docs["a"], users["ana"], [span("s1", 0, 3, "GPE", moscow.pk)], submit=False
    )
    gold = add_gold(
        docs["a"],
        spans=[span("s1", 0, 3, "GPE", moscow.pk)],
        adjudicate=False,
        author=users["rita"],
    )
    prediction = add_prediction(docs["b"], "model", [span("s1", 0, 3, "GPE", moscow.pk)])
    untouched = annotate(
        docs["c"], users["ben"], [span("s1", 0, 3, "GPE", actors["Iran"].pk)], submit=False
    )
    versions = {s.pk: s.version for s in (annotator, gold, prediction, untouched)}

    response = client_for("rita").post(
        f"/api/v1/projects/{project.pk}/actors/{moscow.pk}/merge/",
        {"into": actors["Russia"].pk},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["mentions_moved"] == 3
    for aset in (annotator, gold, prediction):
        assert list(aset.spans.values_list("actor_id", flat=True)) == [actors["Russia"].pk]
        aset.refresh_from_db()
        assert aset.version == versions[aset.pk] + 1
    untouched.refresh_from_db()
    assert untouched.version == versions[untouched.pk]
    assert not Span.objects.filter(actor=moscow).exists()
    survivor_aliases = dict(actors["Russia"].aliases.values_list("text", "case_sensitive"))
    assert survivor_aliases["Moscow city"] is True and survivor_aliases["Moskva"] is False


def test_after_a_merge_preannotation_links_the_survivor(project, users):
    from apps.mentions.merge import merge_actors

    actors = make_registry(project)
    docs = make_documents(project)
    merge_actors(actors["Venezuela"], actors["Iran"], users["rita"])
    preannotate(project)
    aset = AnnotationSet.objects.get(document=docs["a"], source="aliases")
    caracas = aset.spans.get(start=docs["a"].text.index("Caracas"))
    assert caracas.actor_id == actors["Iran"].pk
