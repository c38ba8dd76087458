"""ModelDisagreement kept on writes: its document's project and `reviewable`
copied onto it, the index model_disagreement_queue over them, and a trigger
on the documents table that keeps `reviewable` in step.

The rows were a cache computed when the queue was read sorted by the model,
checked against the documents' counts and prediction versions on every
read; from now on writes keep them, so every row is computed again here
from the sets as they are: one per prediction set, none missing.

The trigger fires only for a document whose `reviewable` turns on or off
(PostgreSQL: a row trigger with a WHEN; SQLite the same). A later
migration that makes SQLite copy documents_document into a new table drops
it, as it does documents/0011's: such a migration must drop and create
these again (SQLITE, SQLITE_DROP below), as documents/0012 does those.
"""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

from apps.review.agreement import model_scores

CHUNK = 1000

POSTGRESQL = [
    """
    CREATE FUNCTION review_model_disagreement_reviewable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE review_modeldisagreement SET reviewable = NEW.reviewable
        WHERE document_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER review_model_disagreement_reviewable AFTER UPDATE ON documents_document
    FOR EACH ROW WHEN (OLD.reviewable IS DISTINCT FROM NEW.reviewable)
    EXECUTE FUNCTION review_model_disagreement_reviewable()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER review_model_disagreement_reviewable ON documents_document",
    "DROP FUNCTION review_model_disagreement_reviewable()",
]
SQLITE = [
    """
    CREATE TRIGGER review_model_disagreement_reviewable AFTER UPDATE ON documents_document
    WHEN OLD.reviewable IS NOT NEW.reviewable
    BEGIN
        UPDATE review_modeldisagreement SET reviewable = NEW.reviewable
        WHERE document_id = NEW.id;
    END
    """,
]
SQLITE_DROP = ["DROP TRIGGER review_model_disagreement_reviewable"]


def statements(connection, create):
    if connection.vendor == "postgresql":
        return POSTGRESQL if create else POSTGRESQL_DROP
    if connection.vendor == "sqlite":
        return SQLITE if create else SQLITE_DROP
    raise NotImplementedError(f"no ModelDisagreement trigger for {connection.vendor}")


def create_trigger(apps, schema_editor):
    for sql in statements(schema_editor.connection, True):
        schema_editor.execute(sql)


def drop_trigger(apps, schema_editor):
    for sql in statements(schema_editor.connection, False):
        schema_editor.execute(sql)


def empty(apps, schema_editor):
    apps.get_model("review", "ModelDisagreement").objects.all().delete()


def compute_all(apps, schema_editor):
    """Every prediction set's row, as review.queue.refresh_model_scores
    writes it (its queries as of this migration)."""
    AnnotationSet = apps.get_model("annotations", "AnnotationSet")
    Span = apps.get_model("annotations", "Span")
    ModelDisagreement = apps.get_model("review", "ModelDisagreement")
    predictions = AnnotationSet.objects.filter(kind="prediction").order_by("document_id")
    documents = sorted(set(predictions.values_list("document_id", flat=True)))
    for first in range(0, len(documents), CHUNK):
        chunk = documents[first : first + CHUNK]
        rows = list(
            predictions.filter(document_id__in=chunk).values_list(
                "id",
                "document_id",
                "source",
                "version",
                "document__project_id",
                "document__submitted_count",
                "document__reviewable",
            )
        )
        submitted = list(
            AnnotationSet.objects.filter(
                document_id__in=chunk, kind="annotator", status="submitted"
            ).values_list("id", "document_id")
        )
        spans = defaultdict(list)
        for set_id, start, end, label in Span.objects.filter(
            set_id__in=[row[0] for row in rows + submitted]
        ).values_list("set_id", "start", "end", "label__name"):
            spans[set_id].append((start, end, label))
        scores = model_scores([row[:2] for row in rows], submitted, spans)
        ModelDisagreement.objects.bulk_create(
            ModelDisagreement(
                document_id=document,
                project_id=project,
                source=source,
                score=scores[set_id],
                sets=count,
                prediction_version=version,
                reviewable=reviewable,
            )
            for set_id, document, source, version, project, count, reviewable in rows
        )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0005_span_score"),
        ("documents", "0013_claim_order"),
        ("projects", "0017_job_file_in_chunks"),
        ("review", "0004_drop_review_score"),
    ]

    operations = [
        migrations.AddField(
            model_name="modeldisagreement",
            name="project",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="projects.project",
            ),
        ),
        migrations.AddField(
            model_name="modeldisagreement",
            name="reviewable",
            field=models.BooleanField(default=False),
        ),
        # Emptied first, filled last: on PostgreSQL, rows written in this
        # transaction leave foreign-key checks pending, under which the
        # table cannot be altered.
        migrations.RunPython(empty, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="modeldisagreement",
            name="project",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="projects.project",
            ),
        ),
        migrations.AddIndex(
            model_name="modeldisagreement",
            index=models.Index(
                models.F("project"),
                models.F("source"),
                models.OrderBy(models.F("score"), descending=True),
                models.F("document"),
                condition=models.Q(("reviewable", True), ("score__isnull", False)),
                name="model_disagreement_queue",
            ),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
        migrations.RunPython(compute_all, migrations.RunPython.noop),
    ]
