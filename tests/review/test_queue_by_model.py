"""The review queue ordered by the model's disagreement with the annotators
(sort=model): 1 − span F1 between the newest prediction set of a source and
the spans most annotators made, stored per document and source by the writes."""

import pytest

from apps.annotations.models import AnnotationSet
from apps.mentions.preannotate import write_predictions
from apps.review.agreement import majority_spans, model_disagreement
from apps.review.models import ModelDisagreement
from tests.builders import add_prediction, annotate, make_project, span_at
from tests.review.helpers import MOSCOW, OPERATION, RODRIGUEZ, VENEZUELA, document

M, V, R = MOSCOW, VENEZUELA, RODRIGUEZ


def test_majority_is_more_than_half_and_the_score_is_one_minus_f1():
    sets = {"a": {"spans": [M, V]}, "b": {"spans": [M]}, "c": {"spans": [M, R]}}
    assert majority_spans(sets) == {(0, 6, "GPE")}
    assert model_disagreement([M], sets) == 0.0
    assert model_disagreement([M, V], sets) == pytest.approx(1 - 2 * 1 / 3)
    assert model_disagreement([], sets) == 1.0
    assert model_disagreement([], {"a": {"spans": []}}) == 0.0  # both empty: they agree
    assert model_disagreement([M], {}) is None  # nobody to compare with
    # Two annotators: a span needs both.
    assert majority_spans({"a": {"spans": [M]}, "b": {"spans": [V]}}) == set()


def queue(client, project, **params):
    r = client.get(f"/api/v1/projects/{project.pk}/review/queue/", params)
    assert r.status_code == 200, r.content
    return r.json()


@pytest.fixture
def world(project, users):
    """Three documents in review, k = 2; the model "ner" far from the
    annotators on d2, close on d1, no prediction on d3."""
    docs = [document(project, f"d{i}") for i in (1, 2, 3)]
    for doc in docs:
        annotate(doc, users["ana"], [span_at("s1", M), span_at("s2", V)])
        annotate(doc, users["ben"], [span_at("s1", M), span_at("s2", V)])
    add_prediction(docs[0], "ner", [span_at("p1", M), span_at("p2", V)])
    add_prediction(docs[1], "ner", [span_at("p1", R)])
    add_prediction(docs[0], "aliases", [span_at("p1", OPERATION)])  # the most recent source
    return docs


def test_sort_model_orders_by_the_named_source_and_says_which(world, client_for, project):
    d1, d2, d3 = world
    body = queue(client_for("rita"), project, sort="model", source="ner")
    assert body["source"] == "ner"
    assert [(r["id"], r["model_disagreement"]) for r in body["results"]] == [
        (d2.pk, 1.0),
        (d1.pk, 0.0),
        (d3.pk, None),  # no prediction set of ner: last
    ]
    assert all(r["disagreement"] == 0.0 for r in body["results"])


def test_without_a_source_the_most_recently_written_one_is_used(world, client_for, project):
    d1, d2, d3 = world
    body = queue(client_for("rita"), project, sort="model")
    assert body["source"] == "aliases"
    assert [(r["id"], r["model_disagreement"]) for r in body["results"]] == [
        (d1.pk, 1.0),
        (d2.pk, None),
        (d3.pk, None),
    ]
    # The default order has no model column and names no source.
    plain = queue(client_for("rita"), project)
    assert "source" not in plain and "model_disagreement" not in plain["results"][0]


def test_a_new_model_run_is_scored_again(world, client_for, project):
    _, d2, _ = world
    rita = client_for("rita")
    # Scored as the predictions were written, before any read: one row per
    # prediction set of ner (d3 has none).
    assert ModelDisagreement.objects.filter(source="ner").count() == 2
    queue(rita, project, sort="model", source="ner")
    # The model's next version agrees with the annotators on d2.
    from apps.annotations.sets import ProjectSchema

    schema = ProjectSchema(project)
    clean, _ = schema.validate(d2.text, {"spans": [{**M, "score": 0.9}, V]}, True)
    write_predictions(project, "ner", {d2.pk: clean}, schema.label_ids)
    row = ModelDisagreement.objects.get(source="ner", document=d2)
    assert (row.score, row.prediction_version) == (0.0, 2)
    body = queue(rita, project, sort="model", source="ner")
    assert dict((r["id"], r["model_disagreement"]) for r in body["results"])[d2.pk] == 0.0


def test_a_wrong_sort_or_source_is_refused_naming_it(world, client_for, project):
    rita = client_for("rita")
    r = rita.get(f"/api/v1/projects/{project.pk}/review/queue/", {"sort": "fun"})
    assert r.status_code == 400 and "sort" in r.json()["errors"]
    r = rita.get(f"/api/v1/projects/{project.pk}/review/queue/", {"sort": "model", "source": "gpt"})
    assert r.status_code == 400 and "source" in r.json()["errors"]


def test_a_project_without_predictions_sorts_in_import_order(project, users, client_for):
    docs = [document(project, f"d{i}") for i in (1, 2)]
    for doc in docs:
        annotate(doc, users["ana"], [span_at("s1", M)])
        annotate(doc, users["ben"], [span_at("s1", M)])
    body = queue(client_for("rita"), project, sort="model")
    assert body["source"] is None
    assert [r["id"] for r in body["results"]] == [d.pk for d in docs]


def build(users, n, name):
    project = make_project(users, name=name, annotators_per_document=2)
    for i in range(n):
        doc = document(project, f"d{i}")
        annotate(doc, users["ana"], [span_at("s1", M)])
        annotate(doc, users["ben"], [span_at("s1", M), span_at("s2", V)])
        add_prediction(doc, "ner", [span_at("p1", M)] if i % 2 else [span_at("p1", R)])
    return project


@pytest.mark.django_db
def test_the_queue_by_model_costs_the_same_queries_on_3_and_40_documents(
    users, client_for, django_assert_max_num_queries
):
    rita = client_for("rita")
    counts = {}
    for n in (3, 40):
        project = build(users, n, f"p{n}")
        # Scored by the writes: a read computes nothing.
        assert ModelDisagreement.objects.filter(document__project=project).count() == n
        url = f"/api/v1/projects/{project.pk}/review/queue/?sort=model&page_size=100"
        with django_assert_max_num_queries(9) as ctx:
            assert rita.get(url).status_code == 200
        assert not [q for q in ctx.captured_queries if not q["sql"].startswith("SELECT")]
        counts[n] = len(ctx.captured_queries)
    assert counts[3] == counts[40], counts
    assert AnnotationSet.objects.filter(kind="prediction").count() == 43
