"""The GIN index of the documents list's search, on PostgreSQL only.

Built CONCURRENTLY (so outside a transaction): on a large project it takes
minutes, during which imports and claims go on. SQLite has no such index;
apps/documents/search.py falls back to a plain substring filter there.
"""

from django.db import migrations

INDEX = "document_search"
EXPRESSION = "to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(text, ''))"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            f"ON documents_document USING gin (({EXPRESSION}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("documents", "0003_wanted_and_partial_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
