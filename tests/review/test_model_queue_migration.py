"""The migration that keeps ModelDisagreement on writes computes every row
again from the sets as they are: stale cached rows are corrected, missing
ones written, each with its document's project and `reviewable`; and from
then on the trigger keeps `reviewable` in step."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.documents.models import Document
from apps.review.models import ModelDisagreement
from tests.builders import add_prediction, annotate, make_document, span

BEFORE = [("review", "0004_drop_review_score")]
KEPT = [("review", "0005_model_queue")]


@pytest.mark.django_db(transaction=True)
def test_every_row_is_computed_again_and_follows_its_document(project, users):
    stale, missing, waiting = (make_document(project, f"m{i}", "Moscow spoke.") for i in range(3))
    for doc in (stale, missing):
        annotate(doc, users["ana"], [span("s1", 0, 6)])
        annotate(doc, users["ben"], [span("s1", 0, 6)])
    annotate(waiting, users["ana"], [span("s1", 0, 6)])
    for doc in (stale, missing, waiting):
        add_prediction(doc, "ner", [span("p1", 0, 6)])
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("review", "ModelDisagreement")
        old.objects.all().delete()
        # Cached over one set and a wrong score; `missing` was never read.
        old.objects.create(
            document_id=stale.pk, source="ner", score=0.9, sets=1, prediction_version=1
        )
        executor.loader.build_graph()
        executor.migrate(KEPT)
        got = sorted(
            ModelDisagreement.objects.values_list(
                "document__external_id", "project_id", "score", "sets", "reviewable"
            )
        )
        Document.objects.filter(pk=stale.pk).update(wanted=3)  # out of the queue
        followed = ModelDisagreement.objects.get(document=stale).reviewable
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert got == [
        ("m0", project.pk, 0.0, 2, True),
        ("m1", project.pk, 0.0, 2, True),
        ("m2", project.pk, 0.0, 1, False),
    ]
    assert followed is False
