"""A chunk's sets and their contents on PostgreSQL, built a document at a time.

The plain path (export.Exporter._sets_loaded) reads a chunk's sets and then
``annotations.sets.load_contents``, and builds every record of the chunk
before the writer sees the first. Profiled on 20,000 documents, a third of
the export's CPU went to Python's cyclic garbage collector: the 20,000-odd
records of a chunk outlived two collections while the chunk was written, so
each chunk pushed them into the oldest generation and every few chunks a
full collection walked the whole process. Here the four queries' rows are
kept as fetched (tuples of plain values, which the collector stops
tracking), located by key, and each document's records are built only when
the writer asks for that document, so they die young. The ids go to
PostgreSQL as one array literal (psycopg adapts a list of ints item by item
in Python: a few milliseconds a chunk), and no row goes through Django's
converters: these columns have none on PostgreSQL.
"""

from django.db import connection
from django.db.models import F

from apps.annotations.models import AnnotationSet, SetCategory, Span, Stance
from apps.projects.queries import AnyOf

from .formats.records import SetRecord, SpanRecord, StanceRecord

_MARKER = -7_340_111_000_000  # stands for the ids while a query is compiled


def _compiled(queryset):
    """(sql, params, index of the ids' parameter) of a queryset filtered by
    ``AnyOf(F(...), [_MARKER])``."""
    sql, params = queryset.query.sql_with_params()
    params = list(params)
    return sql, params, params.index([_MARKER])


def _contents_queries():
    def of_sets(model):
        return model.objects.filter(AnyOf(F("set_id"), [_MARKER]))

    # The columns and orders of load_contents, a span's key last (stances
    # name their spans by key; the key is the only column not in a SpanRecord).
    return (
        _compiled(
            of_sets(Span)
            .order_by("set_id", "start", "-end", "id")
            .values_list("set_id", "sid", "start", "end", "label__name", "actor_id", "score", "id")
        ),
        _compiled(
            of_sets(Stance)
            .order_by("set_id", "id")
            .values_list(
                "set_id", "sid", "holder_id", "target_id", "polarity__name", "cue_id", "concept_id"
            )
        ),
        _compiled(
            of_sets(SetCategory)
            .order_by("set_id", "label__name")
            .values_list("set_id", "label__name")
        ),
    )


_CONTENTS = []  # _contents_queries(), compiled once a process


def _run(compiled, ids):
    sql, params, at = compiled
    params = list(params)
    params[at] = "{" + ",".join(map(str, ids)) + "}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _bounds(rows):
    """{first column: (start, stop)} of rows sorted by their first column."""
    bounds, key, start = {}, None, 0
    for i, row in enumerate(rows):
        if row[0] != key:
            if key is not None:
                bounds[key] = (start, i)
            key, start = row[0], i
    if key is not None:
        bounds[key] = (start, len(rows))
    return bounds


class ChunkSets:
    """The sets of a chunk's documents that `exporter`'s source selects, in
    four queries; ``chunk_sets(document_id)`` is that document's
    [SetRecord], in id order, built on the call (what _sets_loaded gives)."""

    def __init__(self, exporter, document_ids):
        if exporter._set_sql is None:
            exporter._set_sql = _compiled(
                AnnotationSet.objects.filter(
                    AnyOf(F("document_id"), [_MARKER]), **exporter.set_filter()
                )
                .order_by("document_id", "id")
                .values_list("document_id", "id", "author_id", "author__username", "source")
            )
        if not _CONTENTS:
            _CONTENTS.extend(_contents_queries())
        self.exporter = exporter
        self.sets = _run(exporter._set_sql, document_ids)
        set_ids = [row[1] for row in self.sets]
        if set_ids:
            self.spans, self.stances, self.categories = (_run(q, set_ids) for q in _CONTENTS)
        else:
            self.spans = self.stances = self.categories = []
        self.sets_of = _bounds(self.sets)
        self.spans_of = _bounds(self.spans)
        self.stances_of = _bounds(self.stances)
        self.categories_of = _bounds(self.categories)
        # Span key -> sid: a stance's spans are its own set's, as every write makes them.
        self.sid = {row[7]: row[1] for row in self.spans}

    def __call__(self, document_id) -> list[SetRecord]:
        found = self.sets_of.get(document_id)
        if found is None:
            return []
        exporter = self.exporter
        owner, kind, sid = exporter._owner, exporter.kind, self.sid
        label, label_kind = exporter.options.label, exporter.label_kind
        records = []
        for _, set_id, author_id, username, source in self.sets[found[0] : found[1]]:
            record = SetRecord(owner(author_id, username, source), kind)
            records.append(record)
            at = self.spans_of.get(set_id)
            if at is not None:
                record.spans = [
                    SpanRecord(r[1], r[2], r[3], r[4], r[5], r[6])
                    for r in self.spans[at[0] : at[1]]
                ]
            at = self.stances_of.get(set_id)
            if at is not None:
                record.stances = [
                    StanceRecord(
                        stance,
                        sid[holder],
                        sid[target] if target is not None else None,
                        polarity,
                        sid[cue] if cue is not None else None,
                        concept,
                    )
                    for _, stance, holder, target, polarity, cue, concept in self.stances[
                        at[0] : at[1]
                    ]
                ]
            at = self.categories_of.get(set_id)
            if at is not None:
                record.categories = [r[1] for r in self.categories[at[0] : at[1]]]
            if label:
                exporter.keep_label(record, label, label_kind)
        return records
