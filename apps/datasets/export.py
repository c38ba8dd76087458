"""Streaming a project's annotations out as plain records, in chunks.

Documents are read by keyset (``id > last``) ``chunk_size`` at a time, and
each chunk costs the same queries whatever its size: the documents, their
sets, the sets' spans, stances and categories, and (for gold and predictions) who
annotated them — six queries per chunk of 500 documents, plus three at the
start (labels, actors, concepts). Only one chunk is ever in memory; the format writer
turns the records into bytes as they come, so an export of any size streams
in flat memory.
"""

import contextlib
import hashlib
import hmac
import queue
import threading
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan

from apps.actors.models import Actor, Concept
from apps.annotations.models import AnnotationSet, SetCategory, Span, Stance
from apps.annotations.sets import load_contents
from apps.documents.models import CONTENT_FIELDS, Document
from apps.projects.errors import Forbidden
from apps.projects.models import Label, Role
from apps.projects.prepared import values_tuples
from apps.projects.queries import AnyOf

from . import pg_contents
from .formats import FORMATS
from .formats.records import (
    ActorRecord,
    ConceptRecord,
    DocumentRecord,
    ExportContext,
    SetRecord,
    SpanRecord,
    StanceRecord,
    text_sha256,
)
from .options import ExportOptions
from .splits import Splitter

BUFFER_BYTES = 64 * 1024
# Where a CONTENT_FIELDS row has the date, the second key of a windowed keyset.
PUBLISHED = CONTENT_FIELDS.index("published")


# Who may take annotators' names out of Accord in a file (an export with
# annotators=names, a release built with them): owners, in every project.
# Everyone else gets the pseudonyms below.
NAMES_ROLE = Role.OWNER


def check_names_allowed(membership, what="export annotators' names"):
    """Refuse (403) a member below NAMES_ROLE what would hand them annotators'
    names in a file: the one rule for exports and releases."""
    if not membership.has_role(NAMES_ROLE):
        raise Forbidden(f"Only a project owner may {what}.")


def pseudonym(project_id: int, user_id: int) -> str:
    """A stable pseudonym for an annotator in a project, not reversible without SECRET_KEY."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"annotator:{project_id}:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"annotator-{digest[:8]}"


class Exporter:
    """Reads a project's documents and sets as records, chunk by chunk."""

    def __init__(self, project, options: ExportOptions):
        self.project = project
        self.options = options
        self.splitter = Splitter(options.seed, options.ratios)
        self.kind = {
            "gold": AnnotationSet.Kind.GOLD,
            "all": AnnotationSet.Kind.ANNOTATOR,
            "prediction": AnnotationSet.Kind.PREDICTION,
        }[options.source]
        self.documents_seen = 0
        self.label_kind = None  # the kind of options.label, read by documents()
        self.pseudonyms = {}  # user id -> pseudonym, for name_of

    # ------------------------------------------------------------------ context

    def context(self) -> ExportContext:
        labels = list(
            Label.objects.filter(project=self.project)
            .order_by("name")
            .values_list("name", "kind", "group__name", "group__multiple")
        )
        actors = {
            row[0]: ActorRecord(*row)
            for row in Actor.objects.filter(project=self.project).values_list(
                "id", "name", "kind", "country", "wikidata_id"
            )
        }
        concepts = {
            row[0]: ConceptRecord(*row)
            for row in Concept.objects.filter(project=self.project).values_list(
                "id", "name", "parent_id", "description"
            )
        }
        return ExportContext(
            actors=actors,
            concepts=concepts,
            entity_labels=[n for n, k, _, _ in labels if k == Label.Kind.ENTITY],
            stance_labels=[n for n, k, _, _ in labels if k == Label.Kind.STANCE],
            category_groups={n: g for n, k, g, _ in labels if k == Label.Kind.CATEGORY},
            multiple_groups={g for _, k, g, m in labels if k == Label.Kind.CATEGORY and m},
            include_text=self.options.include_text,
            multi_layer=self.options.source == "all",
            project=self.project.name,
            options=dict(self.options.format_options),
        )

    # ------------------------------------------------------------------ queries

    def set_filter(self, prefix=""):
        """Filters on AnnotationSet (or, with a prefix, on a related set) for the source."""
        filters = {f"{prefix}kind": self.kind}
        if self.options.source == "all":
            filters[f"{prefix}status"] = AnnotationSet.Status.SUBMITTED
        elif self.options.source == "gold":
            # Gold means adjudicated: a gold set still being edited, or the empty
            # one opening the gold endpoint creates, is not part of the dataset.
            filters[f"{prefix}document__adjudicated_at__isnull"] = False
        return filters

    def documents(self, after=None):
        """The documents the export selects; with `after` (the keyset of the
        last document read, see chunks), only those after it."""
        o = self.options
        queryset = Document.objects.filter(project=self.project)
        if after is not None:
            queryset = queryset.filter(self._after(after))
        if o.documents == "every":
            # The whole corpus: filters on dates still apply; a label keeps
            # only its annotations (keep_label), not only its documents.
            return self._dated(queryset)
        # The keyset said again inside: PostgreSQL otherwise merges with the
        # sets of every document before the chunk, a pass that grows chunk by chunk.
        bound = {} if after is None or self.windowed else {"document_id__gt": after[0]}
        sets = AnnotationSet.objects.filter(document=OuterRef("pk"), **self.set_filter(), **bound)
        queryset = self._dated(queryset.filter(Exists(sets)))
        if o.label:
            queryset = self._labelled(queryset, {f"set__{k}": v for k, v in bound.items()})
        return queryset

    @property
    def windowed(self):
        return bool(self.options.published_from or self.options.published_to)

    @property
    def order(self):
        """The keyset documents are read in: id, or within a date window
        (published, id), so that each chunk reads the index on (project,
        published, id) from where the last one stopped, only the window."""
        return ("published", "id") if self.windowed else ("id",)

    def _after(self, after):
        if not self.windowed:
            return Q(id__gt=after[0])
        published, last = after
        return TupleGreaterThan(Tuple(F("published"), F("id")), (published, last))

    def _dated(self, queryset):
        o = self.options
        if o.published_from:
            queryset = queryset.filter(published__gte=o.published_from)
        if o.published_to:
            queryset = queryset.filter(published__lte=o.published_to)
        if o.label:
            # The label's kind comes from the schema, never guessed from the data.
            self.label_kind = (
                Label.objects.filter(project=self.project, name=o.label)
                .values_list("kind", flat=True)
                .first()
            )
        return queryset

    def _labelled(self, queryset, bound):
        """Only the documents whose sets of the source hold the label; `bound`
        the keyset's filter on their sets."""
        o = self.options
        if self.label_kind == Label.Kind.ENTITY:
            rows = Span.objects.filter(label__name=o.label)
        elif self.label_kind == Label.Kind.STANCE:
            rows = Stance.objects.filter(polarity__name=o.label)
        elif self.label_kind == Label.Kind.CATEGORY:
            rows = SetCategory.objects.filter(label__name=o.label)
        else:
            return queryset.none()
        return queryset.filter(
            Exists(rows.filter(set__document=OuterRef("pk"), **self.set_filter("set__"), **bound))
        )

    def name_of(self, user_id, username):
        if user_id is None:
            return None
        if self.options.annotators == "names":
            return username
        name = self.pseudonyms.get(user_id)
        if name is None:  # an HMAC a set cost more than the rest of its record
            name = self.pseudonyms[user_id] = pseudonym(self.project.pk, user_id)
        return name

    def chunks(self) -> Iterator[Iterator[DocumentRecord]]:
        reads = self._reads()
        if connection.vendor == "postgresql":
            # The next chunk's queries run while this one is built and written.
            reads = read_ahead(reads)
        for fetched, rows, sets_for, annotators in reads:
            self.documents_seen += fetched
            if rows:
                yield self._built(rows, sets_for, annotators)

    def _reads(self):
        """(documents fetched, CONTENT_FIELDS rows kept, sets_for, annotators)
        of each chunk in turn, every query of a chunk run when it is reached
        (records says which)."""
        size = self.options.chunk_size
        order = self.order
        after = None
        while True:
            queryset = self.documents(after).order_by(*order)
            rows = values_tuples(queryset.values_list(*CONTENT_FIELDS)[:size])
            if not rows:
                return
            last = rows[-1]
            after = (last[PUBLISHED], last[0]) if self.windowed else (last[0],)
            fetched = len(rows)
            if self.options.split:
                rows = [r for r in rows if self.splitter(r[1]) == self.options.split]
            yield fetched, rows, *(self._read(rows) if rows else (None, None))
            if fetched < size:
                return

    def records(self, rows) -> Iterator[DocumentRecord]:
        """The records of a chunk of CONTENT_FIELDS rows, in their order, the
        chunk's queries run on the call."""
        return self._built(rows, *self._read(rows))

    def _read(self, rows):
        """(sets_for, annotators) of a chunk of CONTENT_FIELDS rows: its sets,
        read by the documents' ids, and their contents, read by the sets' ids
        (an index scan each, where a subquery let PostgreSQL hash the whole
        table of stances). On PostgreSQL each document's records are built as
        the caller reaches it (pg_contents says why)."""
        o = self.options
        source, name_of = o.source, self.name_of
        ids = [r[0] for r in rows]
        if connection.vendor == "postgresql":
            sets_for = pg_contents.ChunkSets(self, ids)
        else:
            sets_of, by_id = self._sets_loaded(ids)
            if o.label:
                for record in by_id.values():
                    self.keep_label(record, o.label, self.label_kind)
            sets_for = lambda pk: sets_of.get(pk, [])  # noqa: E731
        annotators = None
        if source != "all":
            annotators = defaultdict(list)
            rows_annotators = (
                AnnotationSet.objects.filter(
                    AnyOf(F("document_id"), ids),
                    kind=AnnotationSet.Kind.ANNOTATOR,
                    status=AnnotationSet.Status.SUBMITTED,
                )
                .order_by("document_id", "id")
                .values_list("document_id", "author_id", "author__username")
            )
            for document_id, user_id, username in rows_annotators:
                annotators[document_id].append(name_of(user_id, username))
        return sets_for, annotators

    def _built(self, rows, sets_for, annotators):
        split = self.splitter
        for pk, external_id, text, title, meta, outlet, author, section, url, published in rows:
            sets = sets_for(pk)
            # DocumentRecord's fields in order: by keyword the call cost twice as much.
            yield DocumentRecord(
                pk,
                external_id,
                text,
                text_sha256(text),
                len(text),
                title,
                meta,
                outlet,
                author,
                section,
                url,
                published.isoformat() if published else published,
                split(external_id),
                sets,
                [s.owner for s in sets] if annotators is None else annotators[pk],
            )

    def _owner(self, author_id, username, set_source):
        source = self.options.source
        if source == "all":
            return self.name_of(author_id, username)
        if source == "gold":
            return "gold"
        return set_source or "prediction"

    def _sets_loaded(self, ids):
        """({document id: [SetRecord]}, {set id: SetRecord}) of a chunk's
        documents: their sets, then load_contents (four queries)."""
        set_rows = (
            AnnotationSet.objects.filter(AnyOf(F("document_id"), ids), **self.set_filter())
            .order_by("document_id", "id")
            .values_list("id", "document_id", "author_id", "author__username", "source")
        )
        sets_of, by_id = defaultdict(list), {}
        kind, owner = self.kind, self._owner
        for set_id, document_id, author_id, username, set_source in set_rows:
            by_id[set_id] = record = SetRecord(owner(author_id, username, set_source), kind)
            sets_of[document_id].append(record)
        for set_id, (spans, stances, categories) in load_contents(list(by_id)).items():
            record = by_id[set_id]
            record.spans = [SpanRecord(*row[2:]) for row in spans]
            record.stances = [StanceRecord(*row[1:]) for row in stances]
            record.categories = categories
        return sets_of, by_id

    @staticmethod
    def keep_label(record: SetRecord, label: str, kind: str) -> None:
        """Keep the spans of an entity label (and the stances among them), the
        stances of a stance label, or a category label (and no spans nor
        stances); ``kind`` is the label's kind in the schema. Categories stay
        only under a category label's filter."""
        if kind == Label.Kind.CATEGORY:
            record.categories = [c for c in record.categories if c == label]
            record.spans, record.stances = [], []
            return
        record.categories = []
        if kind == Label.Kind.ENTITY:
            record.spans = [s for s in record.spans if s.label == label]
            kept = {s.id for s in record.spans}
            record.stances = [
                t
                for t in record.stances
                if t.holder in kept
                and (t.target is None or t.target in kept)
                and (t.cue is None or t.cue in kept)
            ]
        else:
            record.stances = [t for t in record.stances if t.polarity == label]
            if not record.stances:
                record.spans = []

    def __iter__(self) -> Iterator[DocumentRecord]:
        for chunk in self.chunks():
            yield from chunk


def read_ahead(items, alias=DEFAULT_DB_ALIAS):
    """What the iterator `items` yields, each item made in a thread one step
    ahead of the caller, on the caller's own connection (its transaction,
    its query counting), as Django's live server shares one: the database
    works out the next chunk while this thread builds and writes the last,
    psycopg letting go of the GIL while it waits. The caller makes no
    query while it iterates (psycopg would serialise it anyway). At most one
    item waits; closing the iterator early stops the thread after the query
    it is running."""
    wrapper = connections[alias]
    ready = queue.Queue(maxsize=1)
    stop = threading.Event()

    def work():
        connections[alias] = wrapper
        try:
            for item in items:
                ready.put((True, item))
                if stop.is_set():
                    break
        except BaseException as error:  # raised again where the caller takes it
            ready.put((False, error))
        else:
            ready.put((False, None))
        finally:
            del connections[alias]

    wrapper.inc_thread_sharing()
    thread = threading.Thread(target=work, name="export-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            ok, item = ready.get()
            if not ok:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # let a put the caller will never take through
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.05)
        thread.join()
        wrapper.dec_thread_sharing()


def buffered(pieces, size: int = BUFFER_BYTES) -> Iterator[bytes]:
    """Join small pieces into blocks of about ``size`` bytes, as bytes."""
    parts, length = [], 0
    for piece in pieces:
        if isinstance(piece, str):
            piece = piece.encode("utf-8")
        parts.append(piece)
        length += len(piece)
        if length >= size:
            yield b"".join(parts)
            parts, length = [], 0
    if parts:
        yield b"".join(parts)


def export(project, format_name: str, options: ExportOptions, context: ExportContext = None):
    """``(bytes iterator, context)``: the export, streamed; the context's report
    fills in as the iterator runs."""
    exporter = Exporter(project, options)
    context = context or exporter.context()
    fmt = FORMATS[format_name]
    return buffered(fmt.write(iter(exporter), context)), context
