"""Reading and writing annotation sets in the database.

Every write goes through here: one transaction, a version check that cannot
race (a conditional UPDATE), and the cleaned data of `validation.py`. Reads
go through `load_contents`, the one bulk loader of sets' spans, stances and
categories (the API's set shape, review's agreement and merge, the exports):
three queries for any number of sets.
"""

import math
from collections import defaultdict
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from apps.actors.models import Actor, Concept
from apps.documents.models import Document
from apps.projects import bulk
from apps.projects.errors import Conflict
from apps.projects.models import Label
from apps.projects.prepared import PreparedValues
from apps.projects.queries import AnyOf
from apps.projects.rendered import RenderedCache, render

from .models import AnnotationSet, SetCategory, Span, Stance
from .pseudonyms import document_names
from .signals import annotator_set_submitted, prediction_sets_changed
from .validation import Schema, validate_set
from .visibility import OWN_SETS, SIGHTS, restrict, sight_of


class SetConflict(Conflict):
    """The set changed since the client read it, or it can no longer change."""

    def __init__(self, message, version):
        super().__init__(message, version=version)


class DocumentFull(Conflict):
    """The caller cannot take a set on the document: it already has its k
    annotators, or it is adjudicated."""


ADJUDICATED = "This document is adjudicated; its annotation is closed."


def _ids_in(payloads, key, field):
    """The integer `field` values of the `key` items of payloads (actor ids
    of spans, concept ids of stances), for one lookup of what they name."""
    wanted = set()
    for payload in payloads:
        items = payload.get(key) if isinstance(payload, dict) else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict):
                value = item.get(field)
                if isinstance(value, int) and not isinstance(value, bool):
                    wanted.add(value)
    return wanted


def _live_and_merged(model, project, wanted):
    """Of the `wanted` ids of a registry model (actors, concepts), those of
    the project still in use, and those merged away (id -> survivor)."""
    live, merged = set(), {}
    if wanted:
        rows = model.objects.filter(project=project, id__in=wanted).values_list(
            "id", "merged_into_id"
        )
        for pk, merged_into in rows:
            if merged_into is None:
                live.add(pk)
            else:
                merged[pk] = merged_into
    return live, merged


# (project id, created, schema version) -> what ProjectSchema reads from the
# labels (created: an id that a rolled-back transaction handed out again names
# another project).
# Per process and safe across processes: the version is read with the
# caller's membership on every request, and any label change advances it
# (apps/projects/labels.py), so a stale entry is never asked for again.
_LABEL_MAPS = {}
_LABEL_MAPS_KEPT = 256


def label_map(project):
    """``(label_ids, entity names, stance names, categories)`` of the project's
    labels at its `schema_version`: one query the first time, none after."""
    key = (project.pk, project.created_at, project.schema_version)
    found = _LABEL_MAPS.get(key)
    if found is not None:
        return found
    label_ids, entity, stance, categories = {}, set(), set(), {}
    rows = Label.objects.filter(project=project).values_list(
        "id", "name", "kind", "group__name", "group__multiple"
    )
    for label_id, name, kind, group, multiple in rows:
        label_ids[name] = label_id
        if kind == Label.Kind.ENTITY:
            entity.add(name)
        elif kind == Label.Kind.STANCE:
            stance.add(name)
        else:
            categories[name] = (group, multiple)
    found = (label_ids, frozenset(entity), frozenset(stance), categories)
    if len(_LABEL_MAPS) >= _LABEL_MAPS_KEPT:
        _LABEL_MAPS.clear()
    _LABEL_MAPS[key] = found
    return found


def _survivors(project, merged):
    """The live concept each merged one ended in (a survivor may have been
    merged in turn), and the names of both: ``({id: survivor}, {id: name})``.
    One query per step of the longest chain of merges; none when nothing
    was merged."""
    if not merged:
        return {}, {}
    names, into = {}, {}
    wanted = set(merged) | set(merged.values())
    while wanted:
        rows = Concept.objects.filter(project=project, id__in=wanted).values_list(
            "id", "name", "merged_into_id"
        )
        wanted = set()
        for pk, name, merged_into in rows:
            names[pk], into[pk] = name, merged_into
            if merged_into is not None and merged_into not in into:
                wanted.add(merged_into)
    out = {}
    for pk in merged:
        survivor, seen = merged[pk], {pk}
        while into.get(survivor) is not None and survivor not in seen:
            seen.add(survivor)
            survivor = into[survivor]
        out[pk] = survivor
    return out, names


class ProjectSchema:
    """The labels of a project (label_map: cached per schema version), and
    the actors and concepts a payload refers to."""

    def __init__(self, project):
        self.project = project
        label_ids, self.entity_labels, self.stance_labels, categories = label_map(project)
        # Copies: a caller may not change what the next request reads.
        self.label_ids = dict(label_ids)
        self.categories = dict(categories)

    def for_payloads(self, payloads):
        """A validation Schema that knows the actors and concepts these
        payloads refer to."""
        actors, merged = _live_and_merged(Actor, self.project, _ids_in(payloads, "spans", "actor"))
        concepts, merged_concepts = _live_and_merged(
            Concept, self.project, _ids_in(payloads, "stances", "concept")
        )
        merged_concepts, concept_names = _survivors(self.project, merged_concepts)
        return Schema(
            self.entity_labels,
            self.stance_labels,
            actors,
            merged,
            concepts=concepts,
            merged_concepts=merged_concepts,
            concept_names=concept_names,
            categories=self.categories,
        )

    def validate(self, text, payload, scores=False):
        return validate_set(text, payload, self.for_payloads([payload]), scores)


def refresh_sort_keys(documents):
    """Set the documents' sort keys from their sets, in one UPDATE:
    `last_activity`, when any of its sets last changed (its latest
    `updated_at`), and `last_submitted_at`, its latest annotator submission;
    null without such a set. `documents` is a queryset.

    The documents list pages by these stored columns (no per-row aggregate);
    every write that changes, adds or deletes sets of a document calls this
    or sets the same values in the UPDATE of the document it makes anyway.
    """
    sets = AnnotationSet.objects.filter(document=OuterRef("pk")).order_by().values("document")
    documents.update(
        last_activity=Subquery(sets.annotate(latest=Max("updated_at")).values("latest")),
        last_submitted_at=Subquery(
            sets.filter(kind=AnnotationSet.Kind.ANNOTATOR)
            .annotate(latest=Max("submitted_at"))
            .values("latest")
        ),
    )


def documents_of(set_ids):
    """The documents of these sets (ids or a subquery), as a queryset."""
    return Document.objects.filter(
        pk__in=AnnotationSet.objects.filter(pk__in=set_ids).values("document_id")
    )


def clear_contents(set_ids):
    """Delete the spans, stances and categories of these sets (ids) before
    their content is written again or the sets are deleted: three DELETEs,
    where Django's cascade would first load every row it deletes."""
    Stance.objects.filter(set_id__in=set_ids).delete()
    Span.objects.filter(set_id__in=set_ids).delete()
    SetCategory.objects.filter(set_id__in=set_ids).delete()


def delete_sets(sets):
    """Delete prediction sets, given as ``[(set_id, document_id), ...]``, with
    their content, and bring their documents' sort keys up to date.

    Prediction sets only (their documents' model scores follow:
    prediction_sets_changed): an annotator's set is counted in its document
    (`annotator_count`, `submitted_count`) and a gold set adjudicates it,
    neither of which this keeps, so any other kind is refused (ValueError)
    before anything is deleted."""
    if not sets:
        return
    ids = [set_id for set_id, _ in sets]
    others = AnnotationSet.objects.filter(pk__in=ids).exclude(kind=AnnotationSet.Kind.PREDICTION)
    if others.exists():
        raise ValueError("delete_sets deletes prediction sets only")
    clear_contents(ids)
    AnnotationSet.objects.filter(pk__in=ids).delete()
    documents = {document for _, document in sets}
    refresh_sort_keys(Document.objects.filter(pk__in=documents))
    prediction_sets_changed.send(sender=AnnotationSet, document_ids=documents)


def _insert_spans(sets, label_ids, copy):
    """Insert the spans of `sets` (insert_rows'); ``{(set_id, sid): pk}``,
    empty when no stance refers to them (a COPY then takes no ids first)."""
    names = ("set_id", "sid", "start", "end", "label_id", "actor_id", "score")
    rows = [
        (set_id, s["id"], s["start"], s["end"], label_ids[s["label"]], s["actor"], s.get("score"))
        for set_id, clean in sets
        for s in clean.spans
    ]
    if copy and not any(clean.stances for _, clean in sets):
        bulk.copy(Span, names, rows)
        return {}
    ids = (bulk.create if copy else bulk.insert)(Span, names, rows)
    return {(row[0], row[1]): pk for row, pk in zip(rows, ids, strict=True)}


def insert_rows(sets, label_ids, copy=False, sort_keys=True):
    """Insert the spans, stances and categories of cleaned sets, given as
    ``[(set_id, CleanSet), ...]``, in four queries whatever their number.
    ``copy``: the spans are many (an import's batch), so they go as plain
    rows (apps.projects.bulk.create: COPY with reserved ids on PostgreSQL,
    one query more, each far cheaper); otherwise in one INSERT
    (bulk.insert). No model instance per span either way.

    Every write of a set's content ends here (the API, review's gold, imports,
    pre-annotation), so here the documents' sort keys follow (refresh_sort_keys;
    replace_set sets them in its own write). ``sort_keys=False``: the caller
    wrote them already (an import, with the new documents' rows)."""
    if not sets:
        return
    if sort_keys:
        refresh_sort_keys(documents_of([set_id for set_id, _ in sets]))
    _insert_contents(sets, label_ids, copy)


def _insert_contents(sets, label_ids, copy=False):
    """insert_rows without the documents' sort keys."""
    pk_by_sid = _insert_spans(sets, label_ids, copy)
    stances = [
        Stance(
            set_id=set_id,
            sid=t["id"],
            holder_id=pk_by_sid[set_id, t["holder"]],
            target_id=pk_by_sid[set_id, t["target"]] if t["target"] else None,
            concept_id=t.get("concept"),
            polarity_id=label_ids[t["polarity"]],
            cue_id=pk_by_sid[set_id, t["cue"]] if t["cue"] else None,
        )
        for set_id, clean in sets
        for t in clean.stances
    ]
    if stances:
        Stance.objects.bulk_create(stances)
    categories = [
        SetCategory(set_id=set_id, label_id=label_ids[name])
        for set_id, clean in sets
        for name in clean.categories
    ]
    if categories:
        SetCategory.objects.bulk_create(categories)


def _column(model, name):
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _replace_statements(with_rejected, while_open):
    """The SQL of replace_set's write before its new rows, as ``[(sql,
    params' names)]``: the set's conditional UPDATE (the version check), the
    DELETEs of its spans, stances and categories, and the document's
    `last_activity`, which becomes GREATEST(old, now): the set is one of
    the document's and its `updated_at` became now, the others' did not
    change (and no `submitted_at` changes, so `last_submitted_at` stays):
    refresh_sort_keys' answer without its two subqueries.

    On PostgreSQL all of it is one statement (the UPDATE in a WITH, the rest
    done only if it matched), whose row count is the UPDATE's. Its DELETEs
    see the rows as the statement began: rows another writer added since
    came with a new version (nothing else adds rows to an existing
    unsubmitted set), so then the UPDATE matches nothing. Elsewhere
    five, the last four run only if the first matched. Built once per process
    (_REPLACE_SQL): Django's compiler cost more CPU than the database's work.

    `while_open` (an annotator's set): the document's UPDATE also requires
    it not adjudicated, so the write itself decides against an accept that
    committed after the view looked (on PostgreSQL the UPDATE waits for the
    accept's row lock, then sees its adjudication). Its row count is then
    0, and the caller rolls back what the rest of the statement did."""
    aset, document = _table(AnnotationSet), _table(Document)
    version, status = _column(AnnotationSet, "version"), _column(AnnotationSet, "status")
    activity = _column(Document, "last_activity")
    rejected = f", {_column(AnnotationSet, 'rejected_predictions')} = %s" if with_rejected else ""
    update = (
        f"UPDATE {aset} SET {version} = {version} + 1, "
        f"{_column(AnnotationSet, 'updated_at')} = %s{rejected} "
        f"WHERE {_column(AnnotationSet, 'id')} = %s AND {version} = %s AND {status} = %s"
    )
    update_params = ("now", *(("rejected",) if with_rejected else ()), "set", "version", "status")
    # Stances first: they refer to spans.
    contents = [(_table(model), _column(model, "set")) for model in (Stance, Span, SetCategory)]
    document_id = _column(Document, "id")
    still_open = f" AND {_column(Document, 'adjudicated_at')} IS NULL" if while_open else ""
    if connection.vendor == "postgresql":
        set_document = _column(AnnotationSet, "document")
        deletes = "".join(
            f", d{i} AS (DELETE FROM {table} WHERE {column} = %s AND EXISTS (SELECT FROM s))"
            for i, (table, column) in enumerate(contents)
        )
        sql = (
            f"WITH s AS ({update} RETURNING {set_document}){deletes} "
            f"UPDATE {document} SET {activity} = GREATEST({activity}, %s) "
            f"FROM s WHERE {document}.{document_id} = s.{set_document}{still_open}"
        )
        return [(sql, (*update_params, "set", "set", "set", "now"))]
    return [
        (update, update_params),
        *((f"DELETE FROM {table} WHERE {column} = %s", ("set",)) for table, column in contents),
        (
            # SQLite's two-argument MAX is NULL when either is.
            f"UPDATE {document} SET {activity} = MAX(COALESCE({activity}, %s), %s) "
            f"WHERE {document_id} = %s{still_open}",
            ("now", "now", "document"),
        ),
    ]


# (vendor, with rejections, while open) -> _replace_statements.
_REPLACE_SQL = {}


def _write_set(aset, expected_version, now, rejected):
    """replace_set's statements (_replace_statements); whether the version
    check (and, for an annotator's set, the document's being open) passed:
    if not, the caller's transaction must roll back what was written."""
    while_open = aset.kind == AnnotationSet.Kind.ANNOTATOR
    key = (connection.vendor, rejected is not None, while_open)
    statements = _REPLACE_SQL.get(key)
    if statements is None:
        statements = _REPLACE_SQL[key] = _replace_statements(rejected is not None, while_open)
    values = {
        "now": AnnotationSet._meta.get_field("updated_at").get_db_prep_save(now, connection),
        "set": aset.pk,
        "version": expected_version,
        "status": AnnotationSet.Status.IN_PROGRESS.value,
        "document": aset.document_id,
    }
    if rejected is not None:
        field = AnnotationSet._meta.get_field("rejected_predictions")
        values["rejected"] = field.get_db_prep_save(rejected, connection)
    with connection.cursor() as cursor:
        (sql, names), *rest = statements
        cursor.execute(sql, [values[name] for name in names])
        if cursor.rowcount != 1:
            return False
        for sql, names in rest:
            cursor.execute(sql, [values[name] for name in names])
        # SQLite's last statement is the document's (guarded when open).
        return not rest or cursor.rowcount == 1


def _refuse_closed(aset):
    """DocumentFull when `aset` is an annotator's and its document was
    adjudicated: the answer the view's own check gives one who comes later."""
    if (
        aset.kind == AnnotationSet.Kind.ANNOTATOR
        and Document.objects.filter(pk=aset.document_id, adjudicated_at__isnull=False).exists()
    ):
        raise DocumentFull(ADJUDICATED)


def replace_set(aset, expected_version, clean, label_ids, rejected=None):
    """Replace the whole content of a set in one transaction; return the new
    version, and leave `aset` as stored (its version, updated_at, rejections).

    The version check and the increment are one conditional UPDATE, so of two
    writers holding the same version exactly one wins and the other gets
    SetConflict; nothing is half-written. `rejected`, when given, replaces
    the set's rejected suggestions in that same UPDATE.
    """
    with transaction.atomic():
        now = timezone.now()
        if not _write_set(aset, expected_version, now, rejected):
            # Raised inside the transaction: what the statement wrote goes.
            _refuse_closed(aset)
            current = AnnotationSet.objects.filter(pk=aset.pk).values("version", "status").get()
            if current["status"] != AnnotationSet.Status.IN_PROGRESS:
                raise SetConflict(
                    "This set was submitted and can no longer change.", current["version"]
                )
            raise SetConflict(
                f"This set changed since you read it (your version {expected_version}, "
                f"now {current['version']}). Reload it and apply your change again.",
                current["version"],
            )
        _insert_contents([(aset.pk, clean)], label_ids)
    aset.version, aset.updated_at = expected_version + 1, now
    if rejected is not None:
        aset.rejected_predictions = rejected
    return aset.version


def submit_set(aset, expected_version=None):
    """Mark an annotator's set submitted and count it on its document."""
    with transaction.atomic():
        now = timezone.now()
        filters = {"pk": aset.pk, "status": AnnotationSet.Status.IN_PROGRESS}
        if expected_version is not None:
            filters["version"] = expected_version
        updated = AnnotationSet.objects.filter(**filters).update(
            status=AnnotationSet.Status.SUBMITTED,
            submitted_at=now,
            version=F("version") + 1,
            updated_at=now,
        )
        if not updated:
            current = AnnotationSet.objects.filter(pk=aset.pk).values("version", "status").get()
            if current["status"] == AnnotationSet.Status.SUBMITTED:
                raise SetConflict("This set is already submitted.", current["version"])
            raise SetConflict(
                f"This set changed since you read it (your version {expected_version}, "
                f"now {current['version']}). Reload it before submitting.",
                current["version"],
            )
        if aset.kind != AnnotationSet.Kind.ANNOTATOR:
            Document.objects.filter(pk=aset.document_id).update(last_activity=now)
        else:
            # Only while the document is open: on PostgreSQL this UPDATE waits
            # for an accept's row lock and then sees its adjudication, so
            # the submission rolls back instead of counting after the gold.
            counted = Document.objects.filter(pk=aset.document_id, adjudicated_at=None).update(
                submitted_count=F("submitted_count") + 1, last_submitted_at=now, last_activity=now
            )
            if not counted:
                raise DocumentFull(ADJUDICATED)
            # Inside the transaction: what listens (review's routing) acts
            # before anyone can see the document with its new count.
            annotator_set_submitted.send(sender=AnnotationSet, document_id=aset.document_id)


# The columns of the rows `load_contents` returns, in order.
SPAN_COLUMNS = ("set_id", "id", "sid", "start", "end", "label__name", "actor_id", "score")
STANCE_COLUMNS = (
    "set_id",
    "sid",
    "holder__sid",
    "target__sid",
    "polarity__name",
    "cue__sid",
    "concept_id",
)
# What the stance query reads: the spans by their keys, whose sids the spans
# already read give (a join per span would let PostgreSQL hash every span of
# the database to find a chunk's few hundred).
_STANCE_READ = tuple(c.replace("__sid", "_id") for c in STANCE_COLUMNS)


class Contents(NamedTuple):
    """What one set holds: rows of SPAN_COLUMNS and STANCE_COLUMNS, and its
    category label names (sorted)."""

    spans: list
    stances: list
    categories: list


def _contents_of_sets(model, columns, order):
    return PreparedValues(
        lambda set_ids: (
            model.objects.filter(AnyOf(F("set_id"), set_ids)).order_by(*order).values(*columns)
        ),
        "set_ids",
        lists=("set_ids",),
    )


# load_contents of a list of sets, prepared (apps/projects/prepared.py): a
# set is read back after every write to it, a document's sets with it and a
# page's with the page.
_SETS_CONTENTS = (
    _contents_of_sets(Span, SPAN_COLUMNS, ("set_id", "start", "-end", "id")),
    _contents_of_sets(Stance, _STANCE_READ, ("set_id", "id")),
    _contents_of_sets(SetCategory, ("set_id", "label__name"), ("set_id", "label__name")),
)


def contents_rows(set_ids):
    """(span rows, stance rows, category rows) of a list of set ids, in three
    prepared queries: tuples of SPAN_COLUMNS, of the stance columns as read
    (its spans by key: `with_sids` names them) and of (set_id, label name),
    each in load_contents' order, set by set."""
    return tuple(prepared.tuples(set_ids=set_ids) for prepared in _SETS_CONTENTS)


def span_sids(span_rows):
    """Span key -> sid of SPAN_COLUMNS rows: how a stance row as read names
    its spans (a stance's spans are its own set's, as every write makes them)."""
    return {row[1]: row[2] for row in span_rows}


def with_sids(stance_row, sid):
    """A stance row as read (its spans by key) as a row of STANCE_COLUMNS
    (its spans by sid), `sid` from span_sids."""
    set_id, stance, holder, target, polarity, cue, concept = stance_row
    return (
        set_id,
        stance,
        sid[holder],
        sid[target] if target is not None else None,
        polarity,
        sid[cue] if cue is not None else None,
        concept,
    )


def load_contents(sets, chunk_size=None):
    """The spans, stances and categories of `sets`, in three queries
    whatever their number.

    `sets` is an AnnotationSet queryset (read as a subquery: a large project
    has more sets than SQLite takes parameters) or a list of set ids (an
    index scan each on PostgreSQL, where a subquery may be planned as a hash
    of the whole table). Returns
    ``{set_id: Contents}``, rows being tuples of SPAN_COLUMNS and
    STANCE_COLUMNS (a stance names its spans by their ``sid``; a stance on a
    concept has no target sid and a concept id); spans in text order (start,
    longest first), stances in creation order. A set that holds nothing is
    absent. Each caller keeps only the sets it read, so a set that appears
    between its own query and these is ignored there. `chunk_size` streams
    the rows from the database in chunks.
    """
    contents = defaultdict(lambda: Contents([], [], []))
    if isinstance(sets, list | tuple) and not chunk_size:
        span_rows, stance_rows, category_rows = contents_rows(list(sets))
    else:
        # Ids as one array (AnyOf); a subquery by `set__id__in`, not `set__in`:
        # the same SQL, without normalising each id as a related object.
        of_sets = (
            AnyOf(F("set_id"), sets) if isinstance(sets, list | tuple) else Q(set__id__in=sets)
        )
        span_rows = (
            Span.objects.filter(of_sets)
            .order_by("set_id", "start", "-end", "id")
            .values_list(*SPAN_COLUMNS)
        )
        stance_rows = (
            Stance.objects.filter(of_sets).order_by("set_id", "id").values_list(*_STANCE_READ)
        )
        category_rows = (
            SetCategory.objects.filter(of_sets)
            .order_by("set_id", "label__name")
            .values_list("set_id", "label__name")
        )
    if chunk_size:
        span_rows, stance_rows, category_rows = (
            rows.iterator(chunk_size=chunk_size) for rows in (span_rows, stance_rows, category_rows)
        )
    # The rows come in set order: one extend per set, not an append per span.
    for set_id, rows in groupby(span_rows, itemgetter(0)):
        contents[set_id].spans.extend(rows)
    sid = None  # span key -> sid, made at the first stance (most sets have none)
    for row in stance_rows:
        if sid is None:
            sid = span_sids(span for held in contents.values() for span in held.spans)
        contents[row[0]].stances.append(with_sids(row, sid))
    for set_id, label in category_rows:
        contents[set_id].categories.append(label)
    return contents


SET_FIELDS = (
    "id",
    "document_id",
    "kind",
    "author__username",
    "source",
    "status",
    "version",
    "updated_at",
    "rejected_predictions",
)


def stance_payload(sid, holder, target, polarity, cue, concept):
    """A stance as the API shows it: `target` (a span id) or `concept` (a
    concept id), the other null."""
    return {
        "id": sid,
        "holder": holder,
        "target": target,
        "concept": concept,
        "polarity": polarity,
        "cue": cue,
    }


def set_rows(sets):
    """The SET_FIELDS rows of `sets` (a queryset): what set_payloads reads
    first, and what a set's ETag is made of (set_tag_parts)."""
    if not sets.query.order_by:
        # AnnotationSet's own order (document, kind, id), by the column:
        # ordering by the relation would join the documents table to sort.
        sets = sets.order_by("document_id", "kind", "id")
    return list(sets.values(*SET_FIELDS))


_SET_ROW = PreparedValues(lambda pk: AnnotationSet.objects.filter(pk=pk).values(*SET_FIELDS), "pk")


def _visible_rows(sight):
    """The SET_FIELDS rows of the documents' sets seen with `sight`, prepared,
    in set_rows' order."""

    def build(document_ids, user_id=None):
        sets = AnnotationSet.objects.filter(AnyOf(F("document_id"), document_ids))
        return (
            restrict(sets, sight, user_id).order_by("document_id", "kind", "id").values(*SET_FIELDS)
        )

    params = ("document_ids", "user_id") if sight == OWN_SETS else ("document_ids",)
    return PreparedValues(build, *params, lists=("document_ids",))


_VISIBLE_ROWS = {sight: _visible_rows(sight) for sight in SIGHTS}


def visible_set_rows(membership, document_ids):
    """set_rows of the sets of these documents (ids) that the member may see
    (visibility.sets_visible_to), by a prepared query."""
    sight = sight_of(membership)
    extra = {"user_id": membership.user_id} if sight == OWN_SETS else {}
    return _VISIBLE_ROWS[sight].rows(document_ids=list(document_ids), **extra)


def set_payload(set_id, text):
    """The API shape of one set as stored now (its document's `text`): what
    set_payloads answers for it, by prepared queries."""
    rows = _SET_ROW.rows(pk=set_id)
    return set_payloads(None, {row["document_id"]: text for row in rows}, rows=rows)[0]


def set_tag_parts(rows):
    """What the payloads of these set rows depend on besides the project's
    schema and who reads them: each set's id and version (every change of a
    set's content, status or rejections advances its version) and its
    author's username, which a rename changes without touching the set."""
    return tuple((row["id"], row["version"], row["author__username"]) for row in rows)


def _empty_payload(row):
    """The API shape of a set from its SET_FIELDS row, its contents empty."""
    return {
        "id": row["id"],
        "document": row["document_id"],
        "kind": row["kind"],
        "author": row["author__username"],
        "source": row["source"] or None,
        "status": row["status"],
        "version": row["version"],
        "updated_at": row["updated_at"],
        "rejected_predictions": row["rejected_predictions"],
        "spans": [],
        "stances": [],
        "categories": [],
    }


def written_payload(aset, author, text, clean):
    """set_payload of a set replace_set just wrote with `clean` (`aset` as it
    left it; `author`, its author; `text`, its document's), from what was
    written rather than read back: spans in the loader's order (start,
    longest first, then as inserted), stances as inserted. Several
    categories are read back, as the database's collation orders them."""
    payload = new_set_payload(aset, author)
    order = sorted(
        range(len(clean.spans)), key=lambda i: (clean.spans[i]["start"], -clean.spans[i]["end"], i)
    )
    payload["spans"] = [
        {
            "id": s["id"],
            "start": s["start"],
            "end": s["end"],
            "label": s["label"],
            "text": text[s["start"] : s["end"]],
            "actor": s["actor"],
            "score": s.get("score"),
        }
        for s in (clean.spans[i] for i in order)
    ]
    payload["stances"] = [
        stance_payload(t["id"], t["holder"], t["target"], t["polarity"], t["cue"], t.get("concept"))
        for t in clean.stances
    ]
    categories = list(clean.categories)
    if len(categories) > 1:
        categories = [label for _, label in _SETS_CONTENTS[2].tuples(set_ids=[aset.pk])]
    payload["categories"] = categories
    return payload


def new_set_payload(aset, author):
    """set_payloads of a set just created, by `author`, with nothing in it
    yet: from the instance, without reading back what was just written."""
    row = {name: getattr(aset, name) for name in SET_FIELDS if name != "author__username"}
    return _empty_payload({**row, "author__username": author.username})


def set_payloads(sets, texts, anonymous=False, rows=None):
    """The API shape of every set in `sets` (a queryset), in four queries
    (the sets, then `load_contents`); three when `rows` (set_rows of `sets`,
    already read) is given, and `sets` is then not read.

    `texts` maps document id to its text, for each span's covered `text`.
    `anonymous`: annotator sets name their author by the document's
    pseudonym (pseudonyms.document_names, one more query).
    """
    if rows is None:
        rows = set_rows(sets)
    if not rows:
        return []
    if anonymous:
        _pseudonymise(rows)
    by_id = {row["id"]: _empty_payload(row) for row in rows}
    for set_id, contents in load_contents(list(by_id)).items():
        payload = by_id.get(set_id)
        if payload is not None:
            _fill(payload, contents, texts[payload["document"]])
    return [by_id[row["id"]] for row in rows]


def _pseudonymise(rows):
    """Name the author of each annotator set of these rows by the document's pseudonym."""
    names = document_names({row["document_id"] for row in rows})
    for row in rows:
        if row["kind"] == AnnotationSet.Kind.ANNOTATOR:
            row["author__username"] = names[row["document_id"]][row["author__username"]]


# The contents of sets (spans, stances, categories) as rendered JSON, for the
# documents' reads: a page of 100 with 200 sets spent half its CPU reading
# and shaping 2,000 spans that had not changed since the last read.
# Keyed by all a set's contents depend on: the set (id, and its version,
# which every write of its contents advances, as its ETag assumes), when it
# was written (an id a rolled-back transaction handed out again is another
# set), its document and the document's text (spans quote it), and the
# project's schema version (spans name their labels). Per process: a
# worker never asks for a key another worker's write made stale.
SET_CONTENTS = RenderedCache(max_bytes=16 * 2**20)


def _contents_key(row, text, schema_version):
    return (
        row["id"],
        row["version"],
        row["updated_at"],
        row["document_id"],
        hash(text),
        schema_version,
    )


def _rendered_contents(payload):
    """A filled payload's spans, stances and categories as SET_CONTENTS
    keeps them (each a Rendered, or None for an empty list), or None when one
    of them would not read back as itself (rendered.render)."""
    parts = []
    for name in ("spans", "stances", "categories"):
        value = payload[name]
        if not value:
            parts.append(None)
            continue
        if name == "spans" and not all(
            s["score"] is None or math.isfinite(s["score"]) for s in value
        ):
            return None  # orjson writes NaN as null
        part = render(value)
        if part is None:
            return None
        parts.append(part)
    return tuple(parts)


def rendered_set_payloads(rows, texts, schema_version, anonymous=False):
    """set_payloads of these set_rows (`texts`, `anonymous` as there), each
    set's spans, stances and categories as Rendered JSON (the renderer
    splices it in) kept in SET_CONTENTS: the contents of the sets not held
    there are read (load_contents, three queries; none when every set is
    held) and kept for the next read. The same answer, once rendered."""
    if not rows:
        return []
    if anonymous:
        _pseudonymise(rows)
    keys = [_contents_key(row, texts[row["document_id"]], schema_version) for row in rows]
    held = SET_CONTENTS.get_many(keys)
    missing = [row["id"] for row, key in zip(rows, keys, strict=True) if key not in held]
    loaded = load_contents(missing) if missing else {}
    payloads = []
    for row, key in zip(rows, keys, strict=True):
        payload = _empty_payload(row)
        parts = held.get(key)
        if parts is None:
            contents = loaded.get(row["id"])
            if contents is not None:
                _fill(payload, contents, texts[row["document_id"]])
            parts = _rendered_contents(payload)
            if parts is not None:
                SET_CONTENTS.put(key, parts)
        if parts is not None:
            spans, stances, categories = parts
            payload["spans"] = spans or []
            payload["stances"] = stances or []
            payload["categories"] = categories or []
        payloads.append(payload)
    return payloads


def own_payload(aset, author, text):
    """set_payload of `aset` as just read with all its fields (own_set), by
    `author`: its row is not read again, only its contents."""
    payload = new_set_payload(aset, author)
    contents = load_contents([aset.pk]).get(aset.pk)
    if contents is not None:
        _fill(payload, contents, text)
    return payload


def _fill(payload, contents, text):
    """Put a set's Contents (load_contents) into its payload; `text`, its document's."""
    spans, stances, categories = contents
    payload["spans"] = [
        {
            "id": sid,
            "start": start,
            "end": end,
            "label": label,
            "text": text[start:end],
            "actor": actor,
            "score": score,
        }
        for _, _, sid, start, end, label, actor, score in spans
    ]
    payload["stances"] = [stance_payload(*row[1:]) for row in stances]
    payload["categories"] = categories
