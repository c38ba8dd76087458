"""The review queue's scores are stored on the documents (Document.disagreement)
and kept right by every write that changes a document's submitted sets:
submission, routing, imports, recount, restore, ``manage.py rescore``. The
queue reads them in the same few queries however many documents wait."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.annotations.counters import recount
from apps.documents.models import Document
from apps.review import gold as review_gold
from apps.review.agreement import disagreement_score
from apps.review.loading import submitted_sets
from apps.review.queue import review_queue
from tests.builders import annotate, make_project, span_at
from tests.imports.test_import_destinations import send, two_annotators

from .helpers import (
    MOSCOW,
    RODRIGUEZ,
    VENEZUELA,
    add_annotators,
    document,
    routing_project,
)

pytestmark = pytest.mark.django_db


def computed(documents):
    """{id: score} as agreement computes it now from the submitted sets."""
    sets = submitted_sets(documents)
    return {d.pk: disagreement_score(sets.get(d.pk, {})) for d in documents}


def stored(documents):
    return dict(
        Document.objects.filter(pk__in=[d.pk for d in documents]).values_list("pk", "disagreement")
    )


def assert_kept(documents):
    documents = list(documents)
    assert stored(documents) == computed(documents)


def test_one_submitted_set_has_no_score_two_have_theirs(project, users):
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    assert stored([doc]) == {doc.pk: None}
    annotate(doc, users["ben"], [span_at("s1", MOSCOW), span_at("s2", VENEZUELA)])
    assert_kept([doc])
    assert 0 < stored([doc])[doc.pk] < 1


def test_routing_scores_the_first_sets_and_again_after_the_next(users, make_user):
    project = routing_project(users)
    cai, _ = add_annotators(project, make_user, "cai", "dan")
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    annotate(doc, users["ben"], [span_at("s1", VENEZUELA)])
    assert stored([doc]) == {doc.pk: 1.0}
    doc.refresh_from_db()
    assert doc.wanted == 3 and list(review_queue(project)) == []
    annotate(doc, cai, [span_at("s1", MOSCOW)])
    assert_kept([doc])
    assert stored([doc])[doc.pk] != 1.0
    assert [d.pk for d in review_queue(project)] == [doc.pk]


def test_a_changed_k_puts_documents_in_the_queue_with_their_scores(project, users):
    project.annotators_per_document = 3
    project.save(update_fields=["annotators_per_document"])
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    annotate(doc, users["ben"], [span_at("s1", VENEZUELA)])
    assert list(review_queue(project)) == []
    project.annotators_per_document = 2
    project.save(update_fields=["annotators_per_document"])
    assert [(d.pk, d.disagreement) for d in review_queue(project)] == [(doc.pk, 1.0)]


def test_adjudicated_documents_leave_the_queue_and_keep_their_score(project, users):
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    annotate(doc, users["ben"], [span_at("s1", VENEZUELA)])
    review_gold.accept(doc, users["rita"])
    assert list(review_queue(project)) == []
    assert stored([doc]) == {doc.pk: 1.0}
    review_gold.reopen(doc, users["rita"], "one more look")
    assert [(d.pk, d.disagreement) for d in review_queue(project)] == [(doc.pk, 1.0)]


def test_imported_annotator_sets_are_scored(client_for, api, project, users):
    users["ana"].email = "ana@example.org"
    users["ana"].save()
    r = send(
        client_for("olga"),
        api("documents/import/"),
        two_annotators(3),
        annotations="annotators",
        user_map={"10": "ben"},
    )
    assert r.status_code == 201, r.content
    documents = list(project.documents.all())
    assert len(documents) == 3
    assert_kept(documents)
    assert all(score is not None and score > 0 for score in stored(documents).values())


def test_imported_predictions_and_gold_leave_scores_alone(client_for, api, project):
    r = send(client_for("olga"), api("documents/import/"), two_annotators(2))
    assert r.status_code == 201, r.content
    assert set(stored(project.documents.all()).values()) == {None}


def test_recount_repairs_a_score_behind_a_wrong_count(project, users):
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    annotate(doc, users["ben"], [span_at("s1", VENEZUELA)])
    # As if the second set had been written by hand, bypassing submit_set.
    Document.objects.filter(pk=doc.pk).update(submitted_count=1, disagreement=None)
    recount()
    assert_kept([doc])
    assert stored([doc]) == {doc.pk: 1.0}


def test_manage_rescore_repairs_scores(project, users, make_user):
    other = make_project(users, name="Other", annotators_per_document=2)
    docs = [document(project, "a"), document(project, "b"), document(other, "c")]
    for doc in docs:
        annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
        annotate(doc, users["ben"], [span_at("s1", RODRIGUEZ)])
    Document.objects.update(disagreement=0.25)
    out = io.StringIO()
    call_command("rescore", "--project", str(project.pk), stdout=out)
    assert out.getvalue().strip() == "Rescored 2 documents."
    assert stored(docs) == {docs[0].pk: 1.0, docs[1].pk: 1.0, docs[2].pk: 0.25}
    call_command("rescore", stdout=io.StringIO())
    assert_kept(docs)


def test_manage_rescore_clears_a_score_with_fewer_than_two_sets(project, users):
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    Document.objects.filter(pk=doc.pk).update(disagreement=0.5)
    call_command("rescore", stdout=io.StringIO())
    assert stored([doc]) == {doc.pk: None}


def queue_of(project, n, users, make_user):
    """n reviewable documents of scores 1.0, 0.0 and none (k lowered after one
    set each), in turn; returns them in import order."""
    docs = [document(project, f"q{i}") for i in range(n)]
    for i, doc in enumerate(docs):
        annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
        if i % 3 == 0:
            annotate(doc, users["ben"], [span_at("s1", VENEZUELA)])
        elif i % 3 == 1:
            annotate(doc, users["ben"], [span_at("s1", MOSCOW)])
        else:
            Document.objects.filter(pk=doc.pk).update(annotators_wanted=1, wanted=1)
    return docs


def test_the_queue_is_most_disagreement_first_then_unscored_then_import_order(
    project, users, make_user
):
    docs = queue_of(project, 6, users, make_user)
    queue = [(d.pk, d.disagreement) for d in review_queue(project)]
    assert queue == [
        (docs[0].pk, 1.0),
        (docs[3].pk, 1.0),
        (docs[1].pk, 0.0),
        (docs[4].pk, 0.0),
        (docs[2].pk, None),
        (docs[5].pk, None),
    ]


def test_the_queue_reads_the_same_queries_however_many_wait(
    users, make_user, client_for, django_assert_max_num_queries
):
    rita = client_for("rita")
    counts = {}
    for n in (3, 12):
        project = make_project(users, name=f"p{n}", annotators_per_document=2)
        queue_of(project, n, users, make_user)
        url = f"/api/v1/projects/{project.pk}/review/queue/"
        with CaptureQueriesContext(connection) as ctx:
            body = rita.get(url).json()
        assert body["count"] == n and len(body["results"]) == n
        counts[n] = len(ctx.captured_queries)
        with django_assert_max_num_queries(4):
            rita.get(url)
    assert counts[3] == counts[12], counts
