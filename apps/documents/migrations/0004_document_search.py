"""The documents list's search on PostgreSQL: a stored word vector and its GIN index.

`search` holds the words of a document's title and text as
`to_tsvector('simple', …)` reads them, without positions (`strip`: the
search asks for words, not phrases). Stored, because a search for a common
word walks the documents in id order until a page is full, testing each one:
a stored vector costs microseconds to test, computing it again from the text
(what an expression index leaves the planner to do) about 70 µs for a
1.4 KB article, which made a word in 3% of the documents take a second at
200,000. PostgreSQL computes the column itself on every INSERT and UPDATE,
so no code writes it; no model field names it (SQLite has none; search.py
falls back to a substring filter there).

Adding the column rewrites the documents table under a lock (about a minute
per 100,000 documents on two cores); the index is then built CONCURRENTLY,
so outside a transaction.
"""

from django.db import migrations

COLUMN = """
ALTER TABLE documents_document ADD COLUMN IF NOT EXISTS search tsvector
GENERATED ALWAYS AS (
    strip(to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(text, '')))
) STORED
"""
INDEX = "CREATE INDEX CONCURRENTLY IF NOT EXISTS document_search ON documents_document USING gin (search)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COLUMN)
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS document_search")
        schema_editor.execute("ALTER TABLE documents_document DROP COLUMN IF EXISTS search")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("documents", "0003_wanted_and_partial_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
