"""The review queue by the model (sort=model) reads ModelDisagreement rows
that the writes keep right: prediction sets written, replaced, deleted or
imported, submitted sets changing, documents entering or leaving the queue
(adjudicated, reopened, routed, a new k). After each write, with no read in
between, the rows are what the model's spans and the submitted sets say now,
and the queue is in the order computed from scratch. Writes cost the same
queries however many documents they touch; a page of the queue too."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.annotations.models import AnnotationSet
from apps.annotations.sets import ProjectSchema
from apps.documents.models import Document
from apps.mentions.preannotate import write_predictions
from apps.review import gold as review_gold
from apps.review.agreement import model_disagreement
from apps.review.loading import prediction_spans, submitted_sets
from apps.review.models import ModelDisagreement
from apps.review.queue import model_source, review_queue
from tests.builders import add_prediction, annotate, make_project, span_at
from tests.imports.test_import_destinations import send, two_annotators

from .helpers import MOSCOW, OPERATION, RODRIGUEZ, VENEZUELA, add_annotators, document

pytestmark = pytest.mark.django_db


def computed_queue(project, source):
    """The queue by `source` from scratch: reviewable documents, scored ones
    by most disagreement first, then the rest, each in import order."""
    docs = list(
        Document.objects.filter(project=project, reviewable=True).values_list("pk", flat=True)
    )
    sets = submitted_sets(docs)
    predicted = prediction_spans(docs, [source])
    has_set = set(
        AnnotationSet.objects.filter(
            document_id__in=docs, kind=AnnotationSet.Kind.PREDICTION, source=source
        ).values_list("document_id", flat=True)
    )
    scores = {
        d: model_disagreement(predicted.get(d, {}).get(source, []), sets.get(d, {}))
        if d in has_set
        else None
        for d in docs
    }
    return sorted(((d, scores[d]) for d in docs), key=lambda r: (r[1] is None, -(r[1] or 0), r[0]))


def stored_queue(project, source):
    return [(r["id"], r["model_disagreement"]) for r in review_queue(project, "model", source)[:]]


def assert_kept(project, source="ner"):
    """The rows say what the sets say, their flags what the documents say,
    and the queue is in the computed order."""
    for row in ModelDisagreement.objects.filter(project=project).select_related("document"):
        assert row.reviewable == row.document.reviewable, row
    assert stored_queue(project, source) == computed_queue(project, source)


def clean(project, doc, spans):
    schema = ProjectSchema(project)
    cleaned, errors = schema.validate(doc.text, {"spans": spans}, True)
    assert not errors, errors
    return cleaned, schema.label_ids


def predict(project, by_doc, source="ner"):
    """write_predictions of ``{doc: spans or None}``."""
    cleaned, label_ids = {}, None
    for doc, spans in by_doc.items():
        cleaned[doc.pk], label_ids = (None, None) if spans is None else clean(project, doc, spans)
    label_ids = label_ids or ProjectSchema(project).label_ids
    write_predictions(project, source, cleaned, label_ids)


def annotated(project, users, n):
    """n documents in the queue (k = 2), annotators agreeing on MOSCOW."""
    docs = [document(project, f"d{i}") for i in range(n)]
    for doc in docs:
        annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
        annotate(doc, users["ben"], [span_at("s1", MOSCOW), span_at("s2", VENEZUELA)])
    return docs


def test_predictions_written_replaced_and_deleted_move_the_queue(project, users):
    d0, d1, d2, d3 = annotated(project, users, 4)
    predict(project, {d0: [MOSCOW], d1: [RODRIGUEZ], d2: [MOSCOW, VENEZUELA]})
    assert_kept(project)
    assert stored_queue(project, "ner") == [
        (d1.pk, 1.0),
        (d2.pk, pytest.approx(1 / 3)),
        (d0.pk, 0.0),
        (d3.pk, None),
    ]
    # Replaced: d1 now agrees; deleted: d2 goes to the end, in import order.
    predict(project, {d1: [MOSCOW], d2: None})
    assert_kept(project)
    assert [d for d, _ in stored_queue(project, "ner")] == [d0.pk, d1.pk, d2.pk, d3.pk]
    assert not ModelDisagreement.objects.filter(document=d2).exists()


def test_another_source_keeps_its_own_rows(project, users):
    d0, d1 = annotated(project, users, 2)
    predict(project, {d0: [MOSCOW], d1: [RODRIGUEZ]})
    predict(project, {d0: [OPERATION]}, source="aliases")
    assert_kept(project, "ner")
    assert_kept(project, "aliases")
    assert stored_queue(project, "aliases") == [(d0.pk, 1.0), (d1.pk, None)]


def test_a_submission_scores_the_model_again(project, users, make_user):
    project.annotators_per_document = 3
    project.save(update_fields=["annotators_per_document"])
    (cai,) = add_annotators(project, make_user, "cai")
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    add_prediction(doc, "ner", [span_at("p1", VENEZUELA)])
    row = ModelDisagreement.objects.get(document=doc)
    assert (row.score, row.sets, row.reviewable) == (1.0, 1, False)
    assert stored_queue(project, "ner") == []
    annotate(doc, users["ben"], [span_at("s1", VENEZUELA)])
    annotate(doc, cai, [span_at("s1", VENEZUELA)])
    row.refresh_from_db()
    assert (row.score, row.sets, row.reviewable) == (0.0, 3, True)
    assert_kept(project)
    assert stored_queue(project, "ner") == [(doc.pk, 0.0)]


def test_adjudicated_documents_leave_and_reopened_ones_come_back(project, users):
    d0, d1 = annotated(project, users, 2)
    predict(project, {d0: [RODRIGUEZ], d1: [MOSCOW]})
    review_gold.accept(d0, users["rita"])
    assert_kept(project)
    assert stored_queue(project, "ner") == [(d1.pk, 0.0)]
    review_gold.reopen(d0, users["rita"], "one more look")
    assert_kept(project)
    assert stored_queue(project, "ner") == [(d0.pk, 1.0), (d1.pk, 0.0)]


def test_a_new_k_and_routing_move_documents_in_and_out(project, users, make_user):
    d0, d1 = annotated(project, users, 2)
    predict(project, {d0: [RODRIGUEZ], d1: [MOSCOW]})
    project.annotators_per_document = 3
    project.save(update_fields=["annotators_per_document"])
    assert_kept(project)
    assert stored_queue(project, "ner") == []
    project.annotators_per_document = 2
    project.save(update_fields=["annotators_per_document"])
    assert_kept(project)
    assert len(stored_queue(project, "ner")) == 2
    # Routing asks d0 for one more annotator: out of the queue.
    Document.objects.filter(pk=d0.pk).update(annotators_wanted=3, wanted=3)
    assert stored_queue(project, "ner") == [(d1.pk, 0.0)]
    assert_kept(project)


def test_routing_takes_a_document_out_when_its_annotators_disagree(users, make_user):
    project = make_project(
        users,
        name="Routed",
        annotators_per_document=2,
        routing_enabled=True,
        routing_threshold=0.5,
        routing_max_annotators=3,
    )
    doc = document(project)
    add_prediction(doc, "ner", [span_at("p1", MOSCOW)])
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    annotate(doc, users["ben"], [span_at("s1", VENEZUELA)])
    doc.refresh_from_db()
    assert doc.wanted == 3
    assert stored_queue(project, "ner") == []
    assert_kept(project)


def test_imported_predictions_are_scored(client_for, api, project, users):
    users["ana"].email = "ana@example.org"
    users["ana"].save()
    r = send(client_for("olga"), api("documents/import/"), two_annotators(2))
    assert r.status_code == 201, r.content
    sources = set(
        AnnotationSet.objects.filter(kind=AnnotationSet.Kind.PREDICTION).values_list(
            "source", flat=True
        )
    )
    rows = ModelDisagreement.objects.filter(project=project)
    assert rows.count() == AnnotationSet.objects.filter(kind=AnnotationSet.Kind.PREDICTION).count()
    for source in sources:
        assert_kept(project, source)


def test_pages_walk_the_scored_documents_then_the_rest(project, users, client_for):
    docs = annotated(project, users, 7)
    predict(project, {docs[1]: [RODRIGUEZ], docs[3]: [MOSCOW], docs[5]: [VENEZUELA]})
    whole = computed_queue(project, "ner")
    assert [d for d, _ in whole] == [docs[i].pk for i in (1, 5, 3, 0, 2, 4, 6)]
    rita = client_for("rita")
    url = f"/api/v1/projects/{project.pk}/review/queue/"
    for size in (1, 2, 3, 4, 7):
        seen = []
        for page in range(1, 8 // size + 2):
            r = rita.get(url, {"sort": "model", "page_size": size, "page": page})
            if r.status_code == 404:
                break
            body = r.json()
            assert body["count"] == 7
            seen += [(row["id"], row["model_disagreement"]) for row in body["results"]]
        assert seen == whole, size


def write_queries(call):
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def test_writing_predictions_costs_the_same_queries_for_3_and_30_documents(users):
    counts = {}
    for n in (3, 30):
        project = make_project(users, name=f"p{n}", annotators_per_document=2)
        docs = annotated(project, users, n)
        first = {doc: [MOSCOW] if i % 2 else [RODRIGUEZ] for i, doc in enumerate(docs)}
        again = {doc: [VENEZUELA] if i % 3 else None for i, doc in enumerate(docs)}
        counts[n] = (
            write_queries(lambda f=first, p=project: predict(p, f)),
            write_queries(lambda a=again, p=project: predict(p, a)),
        )
        assert_kept(project)
    assert counts[3] == counts[30], counts


def test_a_submission_costs_the_same_queries_with_or_without_a_prediction(project, users):
    plain, predicted = document(project, "plain"), document(project, "predicted")
    add_prediction(predicted, "ner", [span_at("p1", MOSCOW)])
    for doc in (plain, predicted):
        annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    counts = {
        doc: write_queries(lambda d=doc: annotate(d, users["ben"], [span_at("s1", MOSCOW)]))
        for doc in (plain, predicted)
    }
    # Scoring the model is the difference: three queries for its one set.
    assert counts[predicted] - counts[plain] == 3, counts
    assert_kept(project)


# --------------------------------------------------------------------------- plan


@pytest.mark.postgres
def test_a_page_by_the_model_is_a_walk_of_its_index(users):
    project = make_project(users, name="Planned", annotators_per_document=1)
    other = make_project(users, name="Other", annotators_per_document=1)
    for each in (project, other):
        docs = Document.objects.bulk_create(
            Document(project=each, external_id=f"d{i}", text="Moscow spoke.", submitted_count=0)
            for i in range(40)
        )
        ModelDisagreement.objects.bulk_create(
            ModelDisagreement(
                document=d,
                project=each,
                source="ner",
                score=(i % 7) / 7,
                sets=1,
                prediction_version=1,
                reviewable=i % 4 != 0,
            )
            for i, d in enumerate(docs)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE review_modeldisagreement")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        with CaptureQueriesContext(connection) as ctx:
            review_queue(project, "model", "ner")[:10]
        (sql,) = [q["sql"] for q in ctx.captured_queries if "review_modeldisagreement" in q["sql"]]
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_sort = on")
        cursor.execute("SET LOCAL enable_bitmapscan = on")
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "model_disagreement_queue" in plan, plan
    assert "Sort" not in plan, plan


def test_manage_rescore_repairs_the_models_rows(project, users):
    d0, d1 = annotated(project, users, 2)
    doc = document(project, "one set")
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    predict(project, {d0: [RODRIGUEZ], d1: [MOSCOW], doc: [MOSCOW]})
    kept = sorted(ModelDisagreement.objects.values_list("document_id", "score", "reviewable"))
    ModelDisagreement.objects.update(score=0.5)
    ModelDisagreement.objects.filter(document=doc).delete()
    call_command("rescore", stdout=io.StringIO())
    assert (
        sorted(ModelDisagreement.objects.values_list("document_id", "score", "reviewable")) == kept
    )
    assert_kept(project)


@pytest.mark.postgres
def test_the_default_model_is_read_off_the_newest_prediction_sets_index(users):
    project = make_project(users, name="Newest", annotators_per_document=1)
    docs = Document.objects.bulk_create(
        Document(project=project, external_id=f"d{i}", text="Moscow spoke.") for i in range(40)
    )
    AnnotationSet.objects.bulk_create(
        AnnotationSet(
            document=d,
            kind=AnnotationSet.Kind.PREDICTION,
            source=f"m{i % 3}",
            status=AnnotationSet.Status.SUBMITTED,
        )
        for i, d in enumerate(docs)
    )
    newest = AnnotationSet.objects.order_by("-updated_at", "-id").values_list("source").first()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotations_annotationset")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        with CaptureQueriesContext(connection) as ctx:
            assert (model_source(project),) == newest
        (sql,) = [q["sql"] for q in ctx.captured_queries]
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_sort = on")
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "set_prediction_newest" in plan, plan
    assert "Sort" not in plan, plan
