"""The documents list's search on PostgreSQL: a function and its GIN index.

`accord_search_vector(title, text)` is the words of a document as
`to_tsvector('simple', …)` reads them. It is a function of its own, not the
expression written out, for its COST: PostgreSQL takes to_tsvector for a
cheap call, and so walks the documents in id order computing it on each
(about 70 µs for a 1.4 KB article) where reading the matching ones from the
index is cheaper; the SET clause keeps the planner from inlining it (an
inlined function loses its cost). The index is built CONCURRENTLY (outside a
transaction): on a large project it takes minutes, during which imports and
claims go on. SQLite has neither; apps/documents/search.py falls back to a
substring filter there.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION accord_search_vector(title text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 5000 SET search_path = pg_catalog
AS $$ SELECT to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, '')) $$
"""
INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS document_search
ON documents_document USING gin (accord_search_vector(title, text))
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS document_search")
        schema_editor.execute("DROP FUNCTION IF EXISTS accord_search_vector(text, text)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("documents", "0003_wanted_and_partial_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
