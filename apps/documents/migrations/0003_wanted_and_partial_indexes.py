from django.db import migrations, models

# Every document wants its routed count, else its project's k: what
# COALESCE(annotators_wanted, k) said on every read until now.
BACKFILL = """
UPDATE documents_document SET wanted = COALESCE(
    annotators_wanted,
    (SELECT p.annotators_per_document FROM projects_project p
     WHERE p.id = documents_document.project_id)
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_document_sort_keys"),
        ("projects", "0012_job_without_project"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="document",
            name="documents_d_project_b6373c_idx",
        ),
        migrations.AddField(
            model_name="document",
            name="wanted",
            field=models.PositiveSmallIntegerField(default=1, editable=False),
            preserve_default=False,
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                fields=["project", "annotator_count", "id"], name="documents_d_project_d8dfa2_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(
                    ("adjudicated_at", None), ("annotator_count__lt", models.F("wanted"))
                ),
                fields=["project", "id"],
                name="document_claimable",
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(
                    ("adjudicated_at", None), ("submitted_count__gte", models.F("wanted"))
                ),
                fields=["project", "id"],
                name="document_reviewable",
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(("adjudicated_at__isnull", False)),
                fields=["project", "id"],
                name="document_adjudicated",
            ),
        ),
    ]
