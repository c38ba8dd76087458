"""The documents list's `q`: which documents a search finds.

On PostgreSQL every word of `q` must be a word of the document's title or
text, ignoring case (`to_tsvector('simple', …)`: words as PostgreSQL's text
search parser cuts them, lower-cased, no stemming, no stop words, any
language), found through the stored vector and GIN index of migration
0004, so a word that appears nowhere costs an index probe, not a read of
every text. On SQLite,
which has no such index, each word must appear anywhere in the title or the
text (a substring, ASCII letters ignoring case): the same documents and
more (a part of a word also matches there).
"""

from django.contrib.postgres.search import SearchQuery, SearchVectorExact, SearchVectorField
from django.db import connection
from django.db.models import Expression, Q

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
        return queryset.filter(SearchVectorExact(SearchColumn(), query))
    for word in words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(text__icontains=word))
    return queryset
