"""The migration that stores the review queue's scores on the documents keeps
the cached scores that are still current and leaves the rest to rescore."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.documents.models import Document
from tests.builders import annotate, make_document, span

BEFORE = [("documents", "0009_search_filled_later"), ("review", "0003_model_disagreement")]
COPY = [("documents", "0010_disagreement")]


@pytest.mark.django_db(transaction=True)
def test_current_cached_scores_are_copied_and_stale_ones_left_null(project, users):
    current, stale, unscored = (make_document(project, f"m{i}", "Moscow spoke.") for i in range(3))
    for doc in (current, stale, unscored):
        annotate(doc, users["ana"], [span("s1", 0, 6)])
        annotate(doc, users["ben"], [span("s1", 0, 6)])
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        score = executor.loader.project_state(BEFORE).apps.get_model("review", "ReviewScore")
        score.objects.create(document_id=current.pk, score=0.75, sets=2)
        # Cached over one set: the document has two now.
        score.objects.create(document_id=stale.pk, score=0.5, sets=1)
        executor.loader.build_graph()
        executor.migrate(COPY)
        got = dict(Document.objects.values_list("external_id", "disagreement"))
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert got == {"m0": 0.75, "m1": None, "m2": None}
