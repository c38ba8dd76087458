"""The documents list's `q`: which documents a search finds.

On PostgreSQL every word of `q` must be a word of the document's title or
text, ignoring case (`to_tsvector('simple', …)`: words as PostgreSQL's text
search parser cuts them, lower-cased, no stemming, no stop words, any
language), found through the GIN index of migration 0004 (on the function
`accord_search_vector(title, text)` it creates), so a word that
appears nowhere costs an index probe, not a read of every text. On SQLite,
which has no such index, each word must appear anywhere in the title or the
text (a substring, ASCII letters ignoring case): the same documents and
more (a part of a word also matches there).
"""

from django.contrib.postgres.search import SearchQuery, SearchVectorExact, SearchVectorField
from django.db import connection
from django.db.models import F, Func, Q

# No stemming or stop words: a news corpus mixes languages, and a search for
# a name must find that name.
CONFIG = "simple"


def search(queryset, q):
    """`queryset` (documents) narrowed to those matching every word of `q`."""
    words = q.split()
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        # plainto_tsquery: the words as the parser reads them, all required;
        # nothing in `q` is query syntax. The vector is the index's function
        # (tests/documents/test_scale_paths.py checks that the plan uses it).
        return queryset.filter(
            SearchVectorExact(
                Func(
                    F("title"),
                    F("text"),
                    function="accord_search_vector",
                    output_field=SearchVectorField(),
                ),
                SearchQuery(" ".join(words), config=CONFIG, search_type="plain"),
            )
        )
    for word in words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(text__icontains=word))
    return queryset
