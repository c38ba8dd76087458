"""The search vector filled by a trigger, which an import can put off.

As the generated column of 0004, `search` cost the database 0.35-0.45 ms
for every document an import COPYed, most of an import job's time. It is now
a plain column that a trigger fills on every INSERT, and on every UPDATE
that changes the title or the text, with `document_search_vector` (the one
definition of the vector: the trigger, the fill and the search's fallback
all call it), so every single write is indexed as before. An import sets
`accord.search_later` for its own transaction (search.vectors_later): the
trigger then leaves `search` NULL, and a task fills it afterwards in batches
(search.fill_search). Meanwhile the search matches the rows still NULL by
computing their vector, found through the partial index
`document_unindexed`, so its answers are exact before the fill.

Dropping the generation keeps the stored vectors (no rewrite); it and the
trigger change in one transaction, so no insert falls between them. The
partial index is built CONCURRENTLY, so outside it.
"""

from django.db import migrations, transaction

VECTOR = """
CREATE OR REPLACE FUNCTION document_search_vector(title text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT strip(to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, '')))
$$
"""
FILL = """
CREATE OR REPLACE FUNCTION document_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('accord.search_later', true) = 'on' THEN
        NEW.search := NULL;
    ELSE
        NEW.search := document_search_vector(NEW.title, NEW.text);
    END IF;
    RETURN NEW;
END
$$
"""
TRIGGERS = [
    "CREATE TRIGGER document_search_insert BEFORE INSERT ON documents_document"
    " FOR EACH ROW EXECUTE FUNCTION document_search_fill()",
    "CREATE TRIGGER document_search_update BEFORE UPDATE OF title, text ON documents_document"
    " FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.text IS DISTINCT FROM NEW.text)"
    " EXECUTE FUNCTION document_search_fill()",
]
UNINDEXED = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS document_unindexed"
    " ON documents_document (project_id, id) WHERE search IS NULL"
)
# Back to 0004's generated column (a rewrite of the table), with 0007's statistics.
GENERATED = """
ALTER TABLE documents_document ADD COLUMN search tsvector
GENERATED ALWAYS AS (
    strip(to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(text, '')))
) STORED
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with transaction.atomic(using=schema_editor.connection.alias):
        schema_editor.execute("ALTER TABLE documents_document ALTER COLUMN search DROP EXPRESSION")
        schema_editor.execute(VECTOR)
        schema_editor.execute(FILL)
        for trigger in TRIGGERS:
            schema_editor.execute(trigger)
    schema_editor.execute(UNINDEXED)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS document_unindexed")
    with transaction.atomic(using=schema_editor.connection.alias):
        for name in ("document_search_insert", "document_search_update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON documents_document")
        schema_editor.execute("DROP FUNCTION IF EXISTS document_search_fill()")
        schema_editor.execute("DROP FUNCTION IF EXISTS document_search_vector(text, text)")
        schema_editor.execute("ALTER TABLE documents_document DROP COLUMN search")
        schema_editor.execute(GENERATED)
        schema_editor.execute(
            "ALTER TABLE documents_document ALTER COLUMN search SET STATISTICS 2000"
        )
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY document_search ON documents_document USING gin (search)"
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("documents", "0008_author_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
