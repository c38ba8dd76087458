"""Document.claimable and .reviewable: the conditions of next's and the review
queue's partial indexes, stored in columns the planner keeps statistics for.

On PostgreSQL both columns are added by one ALTER TABLE, so the table is
rewritten once, not twice (about a minute per 100,000 documents on two
cores, under a lock); other databases add them one by one.
"""

import django.db.models.functions.comparison
from django.db import migrations, models

FIELDS = ("claimable", "reviewable")


def add_columns(apps, schema_editor):
    model = apps.get_model("documents", "Document")
    fields = [model._meta.get_field(name) for name in FIELDS]
    if schema_editor.connection.vendor != "postgresql":
        for field in fields:
            schema_editor.add_field(model, field)
        return
    table = schema_editor.quote_name(model._meta.db_table)
    columns = []
    for field in fields:
        definition, params = schema_editor.column_sql(model, field)
        assert not params, params
        columns.append(f"ADD COLUMN {schema_editor.quote_name(field.column)} {definition}")
    schema_editor.execute(f"ALTER TABLE {table} {', '.join(columns)}")


def drop_columns(apps, schema_editor):
    model = apps.get_model("documents", "Document")
    for name in FIELDS:
        schema_editor.remove_field(model, model._meta.get_field(name))


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_document_uncertainty"),
        ("projects", "0016_least_certain_first_order"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="document",
            name="document_claimable",
        ),
        migrations.RemoveIndex(
            model_name="document",
            name="document_reviewable",
        ),
        migrations.RemoveIndex(
            model_name="document",
            name="document_claimable_uncertain",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="document",
                    name="claimable",
                    field=models.GeneratedField(
                        db_persist=True,
                        expression=models.ExpressionWrapper(
                            models.Q(
                                ("adjudicated_at", None),
                                ("annotator_count__lt", models.F("wanted")),
                            ),
                            output_field=models.BooleanField(),
                        ),
                        output_field=models.BooleanField(),
                    ),
                ),
                migrations.AddField(
                    model_name="document",
                    name="reviewable",
                    field=models.GeneratedField(
                        db_persist=True,
                        expression=models.ExpressionWrapper(
                            models.Q(
                                ("adjudicated_at", None),
                                ("submitted_count__gte", models.F("wanted")),
                            ),
                            output_field=models.BooleanField(),
                        ),
                        output_field=models.BooleanField(),
                    ),
                ),
            ],
        ),
        # After the state has the fields, so that it can read their SQL.
        migrations.RunPython(add_columns, drop_columns),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(("claimable", True)),
                fields=["project", "id"],
                name="document_claimable",
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(("reviewable", True)),
                fields=["project", "id"],
                name="document_reviewable",
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                models.F("project"),
                models.OrderBy(
                    django.db.models.functions.comparison.Coalesce(
                        models.F("uncertainty"),
                        models.Value(-1.0),
                        output_field=models.FloatField(),
                    ),
                    descending=True,
                ),
                condition=models.Q(("claimable", True)),
                name="document_claimable_uncertain",
            ),
        ),
    ]
