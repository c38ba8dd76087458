"""Agreement-driven routing: a disagreeing document asks for one more annotator."""

import pytest

from apps.annotations.assignment import DocumentFull, claim, next_document
from apps.documents.models import Document
from apps.review.queue import review_queue
from tests.builders import annotate, make_project, span_at

from .helpers import MOSCOW, VENEZUELA, add_annotators, document

pytestmark = pytest.mark.django_db


def routed_project(users, make_user, **options):
    settings = {
        "annotators_per_document": 2,
        "routing_enabled": True,
        "routing_threshold": 0.5,
        "routing_max_annotators": 3,
    }
    project = make_project(users, **(settings | options))
    extra = add_annotators(project, make_user, "cai", "dan")
    return project, extra


def disagree(doc, users):
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    annotate(doc, users["ben"], [span_at("s1", VENEZUELA)])
    doc.refresh_from_db()


def test_disagreement_above_threshold_asks_for_a_third_annotator(users, make_user, client_for):
    project, (cai, dan) = routed_project(users, make_user)
    doc = document(project)
    disagree(doc, users)
    assert doc.annotators_wanted == 3
    assert doc.status_for() == Document.Status.IN_PROGRESS
    assert list(review_queue(project)) == []
    queue = client_for("rita").get(f"/api/v1/projects/{project.pk}/review/queue/").json()
    assert queue["results"] == []

    # The document is handed out again, to one more annotator only.
    got, _, _ = next_document(project, cai)
    assert got.pk == doc.pk
    assert next_document(project, dan) is None
    with pytest.raises(DocumentFull):
        claim(doc, dan)

    # The third agrees with ana; 1 - F1 is still above 0.5 but the maximum
    # of 3 is reached, so it goes to review.
    annotate(doc, cai, [span_at("s1", MOSCOW)])
    doc.refresh_from_db()
    assert doc.annotators_wanted == 3
    assert [d.pk for d in review_queue(project)] == [doc.pk]
    body = client_for("rita").get(f"/api/v1/projects/{project.pk}/review/queue/").json()
    assert [(r["id"], r["annotators"], r["annotators_wanted"]) for r in body["results"]] == [
        (doc.pk, 3, 3)
    ]


def test_routing_goes_on_up_to_the_maximum(users, make_user):
    project, (cai, dan) = routed_project(users, make_user, routing_max_annotators=4)
    doc = document(project)
    disagree(doc, users)
    annotate(doc, cai, [span_at("s1", (OTHER := {"start": 7, "end": 16, "label": "ORG"}))])
    doc.refresh_from_db()
    assert doc.annotators_wanted == 4
    annotate(doc, dan, [span_at("s1", {**OTHER, "label": "GPE"})])
    doc.refresh_from_db()
    assert doc.annotators_wanted == 4
    assert [d.pk for d in review_queue(project)] == [doc.pk]


@pytest.mark.parametrize(
    "options",
    [
        {"routing_enabled": False},
        {"routing_threshold": 1.0},  # 1 - F1 = 1.0 is not above 1.0
        {"routing_max_annotators": 2},  # k is already the maximum
    ],
    ids=["off", "below threshold", "at maximum"],
)
def test_no_routing(options, users, make_user):
    project, _ = routed_project(users, make_user, **options)
    doc = document(project)
    disagree(doc, users)
    assert doc.annotators_wanted is None
    assert [d.pk for d in review_queue(project)] == [doc.pk]


def test_agreeing_annotators_are_not_routed(users, make_user):
    project, _ = routed_project(users, make_user)
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    annotate(doc, users["ben"], [span_at("s1", MOSCOW)])
    doc.refresh_from_db()
    assert doc.annotators_wanted is None
    assert [(d.pk, d.disagreement) for d in review_queue(project)] == [(doc.pk, 0.0)]


def test_routing_waits_for_every_wanted_set(users, make_user):
    project, _ = routed_project(users, make_user)
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    doc.refresh_from_db()
    assert doc.annotators_wanted is None
    assert doc.disagreement is None
