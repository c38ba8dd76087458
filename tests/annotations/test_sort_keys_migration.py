"""The migration that fills the documents' new sort keys from their sets."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.annotations.sets import refresh_sort_keys
from apps.documents.models import Document
from tests.builders import annotate, make_document, span

BACKFILL = ("annotations", "0003_backfill_document_sort_keys")
BEFORE = ("annotations", "0002_set_rejected_predictions")


@pytest.mark.django_db(transaction=True)
def test_the_backfill_gives_every_document_what_its_sets_say(project, users):
    submitted, saved, _no_set = (make_document(project, f"m{i}", "Moscow spoke.") for i in range(3))
    annotate(submitted, users["ana"], [span("s1", 0, 6)])
    annotate(saved, users["ben"], [span("s1", 0, 6)], submit=False)
    refresh_sort_keys(Document.objects.all())
    want = list(Document.objects.order_by("pk").values_list("last_submitted_at", "last_activity"))
    assert want[0][0] and want[1][1] and want[2] == (None, None)

    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE])
        # As the rows were before the columns existed.
        Document.objects.update(last_submitted_at=None, last_activity=None)
        executor.loader.build_graph()
        executor.migrate([BACKFILL])
        got = list(
            Document.objects.order_by("pk").values_list("last_submitted_at", "last_activity")
        )
    finally:
        # Back to the latest schema: migrating to BEFORE also undid every
        # later migration, whose tables the tests after this one need.
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert got == want
