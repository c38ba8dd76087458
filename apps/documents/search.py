"""The documents list's `q`: which documents a search finds.

On PostgreSQL every word of `q` must be a word of the document's title or
text, ignoring case (`to_tsvector('simple', …)`: words as PostgreSQL's text
search parser cuts them, lower-cased, no stemming, no stop words, any
language), found through the stored vector and GIN index of migration
0004, so a word that appears nowhere costs an index probe, not a read of
every text. A document an import stored is in that index only once
`fill_search` has given it its vector (migration 0009): until then the
search computes the vector of each such document (found through the
partial index `document_unindexed`), so it finds the same documents before
the fill as after. On SQLite,
which has no such index, each word must appear anywhere in the title or the
text (a substring, ASCII letters ignoring case): the same documents and
more (a part of a word also matches there).
"""

import contextlib

from django.contrib.postgres.search import SearchQuery, SearchVectorExact, SearchVectorField
from django.db import connection, transaction
from django.db.models import Expression, F, Func, Q
from django.db.models.lookups import IsNull
from django_tasks import task

# No stemming or stop words: a news corpus mixes languages, and a search for
# a name must find that name.
CONFIG = "simple"


class SearchColumn(Expression):
    """The `search` column of migration 0004 (PostgreSQL only, so no model
    field): of the query's own documents table, whatever alias it has (a
    filtered queryset may run as a subquery of another)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name('search')}", []


def computed_vector():
    """The vector the trigger of migration 0009 stores, computed from the
    row's title and text (`document_search_vector`, its one definition)."""
    return Func(
        F("title"), F("text"), function="document_search_vector", output_field=SearchVectorField()
    )


def search(queryset, q):
    """`queryset` (documents) narrowed to those matching every word of `q`."""
    words = q.split()
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        # plainto_tsquery: the words as the parser reads them, all required;
        # nothing in `q` is query syntax. The column is the GIN index's
        # (tests/documents/test_scale_paths.py checks that the plan uses it).
        query = SearchQuery(" ".join(words), config=CONFIG, search_type="plain")
        stored = SearchVectorExact(SearchColumn(), query)
        # Documents an import stored and fill_search has not reached yet.
        unfilled = IsNull(SearchColumn(), True) & SearchVectorExact(computed_vector(), query)
        return queryset.filter(stored | unfilled)
    for word in words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(text__icontains=word))
    return queryset


# The setting migration 0009's trigger reads: "on", it leaves `search` NULL.
LATER = "accord.search_later"
# Documents given their vectors per transaction by fill_search: short
# transactions, so a fill holds few row locks at a time.
FILL_BATCH = 2000


@contextlib.contextmanager
def vectors_later(project_id):
    """Inside an open transaction: the documents written in the block get
    their search vectors from fill_search, enqueued once the transaction
    commits, instead of from the trigger row by row (an import's COPY spent
    most of its time there). Only this block is affected: the setting is
    local to the transaction and switched off again at its end; on an
    error the rollback undoes it. PostgreSQL only (SQLite has no vector)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [LATER])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'off', true)", [LATER])
    transaction.on_commit(lambda: fill_search.enqueue(project_id))


@task()
def fill_search(project_id):
    """Give every document of the project whose vector is NULL its vector,
    FILL_BATCH per transaction; returns how many. Safe to run twice at once:
    a row filled by the other run (or written since) is skipped."""
    if connection.vendor != "postgresql":
        return 0
    filled = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE documents_document SET search = document_search_vector(title, text)"
                " WHERE search IS NULL AND id IN (SELECT id FROM documents_document"
                " WHERE project_id = %s AND search IS NULL ORDER BY id LIMIT %s)",
                [project_id, FILL_BATCH],
            )
            filled += cursor.rowcount
            if cursor.rowcount < FILL_BATCH:
                return filled
