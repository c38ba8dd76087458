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
the writer asks for that document, so they die young. The queries are
prepared (apps/projects/prepared.py): compiled once a process, the ids sent
as one array literal, and the rows read as fetched, with no converters
(these columns have none on PostgreSQL).
"""

from django.db.models import F

from apps.annotations.models import AnnotationSet
from apps.annotations.sets import contents_rows, span_sids, with_sids
from apps.projects.prepared import PreparedValues
from apps.projects.queries import AnyOf

from .formats.records import SetRecord, SpanRecord, StanceRecord

# The sets' query of each source's filter (Exporter.set_filter), prepared once a process.
_SETS = {}


def _sets_query(filters):
    key = tuple(sorted(filters.items()))
    prepared = _SETS.get(key)
    if prepared is None:
        prepared = _SETS[key] = PreparedValues(
            lambda document_ids: (
                AnnotationSet.objects.filter(AnyOf(F("document_id"), document_ids), **filters)
                .order_by("document_id", "id")
                .values("document_id", "id", "author_id", "author__username", "source")
            ),
            "document_ids",
            lists=("document_ids",),
        )
    return prepared


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
        self.exporter = exporter
        self.sets = _sets_query(exporter.set_filter()).tuples(document_ids=document_ids)
        set_ids = [row[1] for row in self.sets]
        if set_ids:
            self.spans, self.stances, self.categories = contents_rows(set_ids)
        else:
            self.spans = self.stances = self.categories = []
        self.sets_of = _bounds(self.sets)
        self.spans_of = _bounds(self.spans)
        self.stances_of = _bounds(self.stances)
        self.categories_of = _bounds(self.categories)
        self.sid = span_sids(self.spans)
        # (author, username, source) -> the sets' owner: a few a chunk, asked a set at a time.
        self.owners = {}

    def __call__(self, document_id) -> list[SetRecord]:
        found = self.sets_of.get(document_id)
        if found is None:
            return []
        exporter = self.exporter
        owners, kind, sid = self.owners, exporter.kind, self.sid
        label, label_kind = exporter.options.label, exporter.label_kind
        records = []
        for _, set_id, author_id, username, source in self.sets[found[0] : found[1]]:
            key = (author_id, username, source)
            owner = owners.get(key, owners)
            if owner is owners:
                owner = owners[key] = exporter._owner(author_id, username, source)
            record = SetRecord(owner, kind)
            records.append(record)
            at = self.spans_of.get(set_id)
            if at is not None:
                record.spans = [SpanRecord(*r[2:]) for r in self.spans[at[0] : at[1]]]
            at = self.stances_of.get(set_id)
            if at is not None:
                record.stances = [
                    StanceRecord(*with_sids(r, sid)[1:]) for r in self.stances[at[0] : at[1]]
                ]
            at = self.categories_of.get(set_id)
            if at is not None:
                record.categories = [r[1] for r in self.categories[at[0] : at[1]]]
            if label:
                exporter.keep_label(record, label, label_kind)
        return records
