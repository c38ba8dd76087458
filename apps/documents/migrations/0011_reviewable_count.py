"""ReviewableCount, the review queue's length kept by triggers on the
documents table, filled with each project's count of reviewable documents.

On PostgreSQL a trigger runs once per statement, over the rows it wrote
(transition tables), and folds each project's net change with the rows it
can lock (SKIP LOCKED) into one, so concurrent writers never wait for each
other. SQLite (one writer) fires only for a row whose `reviewable` is on as
it comes or goes, or turns on or off, and keeps one row per project.
"""

from django.db import migrations, models

POSTGRESQL = [
    """
    CREATE FUNCTION documents_reviewable_add(project bigint, n integer) RETURNS void
    LANGUAGE sql AS $$
        WITH folded AS (
            DELETE FROM documents_reviewablecount WHERE id IN (
                SELECT id FROM documents_reviewablecount WHERE project_id = project
                FOR UPDATE SKIP LOCKED
            )
            RETURNING documents
        )
        INSERT INTO documents_reviewablecount (project_id, documents)
        SELECT project, n + COALESCE(SUM(documents), 0) FROM folded
    $$
    """,
    # One fold per statement and project, of the net change: an import's
    # INSERT of 10,000 annotated documents folds once, not 10,000 times.
    """
    CREATE FUNCTION documents_reviewable_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        change record;
    BEGIN
        FOR change IN
            SELECT project_id, SUM(n)::integer AS n FROM (
                SELECT project_id, 1 AS n FROM new_rows WHERE reviewable
                UNION ALL
                SELECT project_id, -1 FROM old_rows WHERE reviewable
            ) changes GROUP BY project_id HAVING SUM(n) <> 0
        LOOP
            PERFORM documents_reviewable_add(change.project_id, change.n);
        END LOOP;
        RETURN NULL;
    END
    $$
    """,
    # INSERT and DELETE have one side of the rows only: functions of their own.
    """
    CREATE FUNCTION documents_reviewable_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM documents_reviewable_add(project_id, COUNT(*)::integer)
        FROM new_rows WHERE reviewable GROUP BY project_id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION documents_reviewable_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM documents_reviewable_add(project_id, -COUNT(*)::integer)
        FROM old_rows WHERE reviewable GROUP BY project_id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER documents_reviewable_inserted AFTER INSERT ON documents_document
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION documents_reviewable_inserted()
    """,
    """
    CREATE TRIGGER documents_reviewable_updated AFTER UPDATE ON documents_document
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION documents_reviewable_changed()
    """,
    """
    CREATE TRIGGER documents_reviewable_deleted AFTER DELETE ON documents_document
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION documents_reviewable_deleted()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER documents_reviewable_inserted ON documents_document",
    "DROP TRIGGER documents_reviewable_updated ON documents_document",
    "DROP TRIGGER documents_reviewable_deleted ON documents_document",
    "DROP FUNCTION documents_reviewable_changed()",
    "DROP FUNCTION documents_reviewable_inserted()",
    "DROP FUNCTION documents_reviewable_deleted()",
    "DROP FUNCTION documents_reviewable_add(bigint, integer)",
]


def _sqlite_add(project, n):
    """The statements that add `n` to `project`'s one row (SQLite)."""
    return f"""
        INSERT INTO documents_reviewablecount (project_id, documents)
        SELECT {project}, {n} + COALESCE(SUM(documents), 0)
        FROM documents_reviewablecount WHERE project_id = {project};
        DELETE FROM documents_reviewablecount
        WHERE project_id = {project} AND id <> last_insert_rowid();
    """


SQLITE = [
    f"""
    CREATE TRIGGER documents_reviewable_inserted AFTER INSERT ON documents_document
    WHEN NEW.reviewable BEGIN {_sqlite_add("NEW.project_id", 1)} END
    """,
    f"""
    CREATE TRIGGER documents_reviewable_turned_off AFTER UPDATE ON documents_document
    WHEN OLD.reviewable AND NOT (NEW.reviewable AND OLD.project_id = NEW.project_id)
    BEGIN {_sqlite_add("OLD.project_id", -1)} END
    """,
    f"""
    CREATE TRIGGER documents_reviewable_turned_on AFTER UPDATE ON documents_document
    WHEN NEW.reviewable AND NOT (OLD.reviewable AND OLD.project_id = NEW.project_id)
    BEGIN {_sqlite_add("NEW.project_id", 1)} END
    """,
    f"""
    CREATE TRIGGER documents_reviewable_deleted AFTER DELETE ON documents_document
    WHEN OLD.reviewable BEGIN {_sqlite_add("OLD.project_id", -1)} END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER documents_reviewable_inserted",
    "DROP TRIGGER documents_reviewable_turned_off",
    "DROP TRIGGER documents_reviewable_turned_on",
    "DROP TRIGGER documents_reviewable_deleted",
]


def statements(connection, create):
    if connection.vendor == "postgresql":
        return POSTGRESQL if create else POSTGRESQL_DROP
    if connection.vendor == "sqlite":
        return SQLITE if create else SQLITE_DROP
    raise NotImplementedError(f"no ReviewableCount triggers for {connection.vendor}")


def create_triggers(apps, schema_editor):
    for sql in statements(schema_editor.connection, True):
        schema_editor.execute(sql)
    # The counts as they are, under the triggers from now on.
    schema_editor.execute(
        "INSERT INTO documents_reviewablecount (project_id, documents)"
        " SELECT project_id, COUNT(*) FROM documents_document WHERE reviewable"
        " GROUP BY project_id"
    )


def drop_triggers(apps, schema_editor):
    for sql in statements(schema_editor.connection, False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0010_disagreement"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewableCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("project_id", models.BigIntegerField(db_index=True)),
                ("documents", models.IntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
