"""Storing parsed imports: documents, and the sets of the annotations that
came with them.

The parsers in `apps.imports.parsers` turn a file into records and record
errors; `destination.plan` says which set each annotation group becomes
(prediction, gold or an annotator's); here every planned set is validated
against its record's text and the schema, and only if nothing at all is
wrong is anything written, in one transaction.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.actors.models import Concept
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import ProjectSchema, insert_rows
from apps.annotations.signals import (
    gold_sets_imported,
    prediction_sets_changed,
    submitted_sets_changed,
)
from apps.annotations.validation import validate_set
from apps.documents.models import METADATA_FIELDS, Document, shuffle_seed
from apps.documents.search import vectors_later
from apps.projects import bulk
from apps.projects.errors import Conflict
from apps.projects.models import Membership

from .destination import GOLD, Destination, Member, Planner
from .overlap import Writer
from .parsers import Collector, parse, show

IMPORT_SOURCE = "import"
# Ids are looked up this many at a time (SQLite limits query parameters).
LOOKUP_CHUNK = 900


class ImportConflict(Conflict):
    """Another import stored some of the same external ids meanwhile."""


def _existing_ids(project, external_ids):
    found = set()
    for i in range(0, len(external_ids), LOOKUP_CHUNK):
        chunk = external_ids[i : i + LOOKUP_CHUNK]
        found.update(
            Document.objects.filter(project=project, external_id__in=chunk).values_list(
                "external_id", flat=True
            )
        )
    return found


# The columns one import writes of each document: the content fields (the
# one list in documents.models), then what the import itself sets.
DOCUMENT_COLUMNS = (
    "project_id",
    "external_id",
    "text",
    *METADATA_FIELDS,
    "created_at",
    "annotator_count",
    "submitted_count",
    "adjudicated_at",
    "last_activity",
    "wanted",
    "shuffle_seed",
)
BATCH = 1000


def _insert_documents(project, records, sets, now):
    """Insert the new documents of one batch (bulk.create: COPY on
    PostgreSQL) and return their ids, in the order of `records`. ``sets``:
    external id -> its planned sets, which give the document its counts
    (every imported annotator set is submitted), with a gold set its
    adjudication at ``now``, and its sort keys (sets.refresh_sort_keys'
    answer, known before the sets are written, so no UPDATE after them
    writes every such row again): `last_activity` ``now`` when it gets a set,
    `last_submitted_at` none (a peer's annotator submitted when no one knows,
    and gold is no annotator's)."""

    def counts(external_id):
        kinds = [p.kind for p in sets.get(external_id, ())]
        annotators = kinds.count(AnnotationSet.Kind.ANNOTATOR)
        gold = now if AnnotationSet.Kind.GOLD in kinds else None
        return annotators, annotators, gold, now if kinds else None

    k = project.annotators_per_document
    seed = shuffle_seed(project.assignment_seed)
    rows = (
        (
            project.pk,
            r.external_id,
            r.text,
            *(getattr(r, name) for name in METADATA_FIELDS),
            now,
            *counts(r.external_id),
            k,
            seed,
        )
        for r in records
    )
    return bulk.create(Document, DOCUMENT_COLUMNS, rows)


@dataclass
class Checked:
    """What check_records found: every problem, the planned sets of each
    record with their cleaned content, the schema, and the peer authors."""

    errors: list
    sets: dict  # external id -> [(SetPlan, CleanSet)]
    schema: ProjectSchema
    authors: list


def _members(project, destination):
    """The project's members as plain data, and which usernames user_map
    names that exist but are no members (read when the Planner needs them)."""
    members = [
        Member(user_id, username, email or "")
        for user_id, username, email in Membership.objects.filter(project=project).values_list(
            "user_id", "user__username", "user__email"
        )
    ]
    names = {m.username for m in members}
    missing = set(destination.user_map.values()) - names
    known = set()
    if missing:
        known = set(
            get_user_model().objects.filter(username__in=missing).values_list("username", flat=True)
        )
    return members, frozenset(known)


def destination_of(value):
    """A Destination from itself, its dict (as a job carries it) or None."""
    if isinstance(value, Destination):
        return value
    return Destination.from_data(value)


def _gold_needs_user(destination, user):
    if destination.annotations == GOLD and user is None:
        return [
            {
                "where": "input",
                "field": "annotations",
                "message": "Gold is recorded as adjudicated by whoever imports it; "
                "name the importing user.",
            }
        ]
    return []


NO_DOCUMENTS = {"where": "input", "field": None, "message": "The input holds no documents."}


def check_batch(project, records, planner, schema, destination):
    """Every problem of one batch of records against the project and the
    destination, storing nothing: ``(errors, cleaned)``, where cleaned is
    external id -> [(SetPlan, CleanSet)] of the sets without problems. The
    planner carries what spans batches (see destination.Planner)."""
    if planner.needs_members(records):
        planner.meet(*_members(project, destination))
    planned, errors = planner.add(records)
    by_record = {r.external_id: r for r in records if r.external_id in planned}
    pairs = [(by_record[ext], p) for ext, plans in planned.items() for p in plans]
    groups = [p.group for _, p in pairs if not p.group.problems]
    for problem in name_concepts(groups, _concepts_named(project, groups)):
        errors.append(problem.as_dict())
    validation = schema.for_payloads(
        [{"spans": g.spans, "stances": g.stances} for g in groups if not g.problems]
    )
    cleaned = {}
    for record, set_plan in pairs:
        group = set_plan.group
        if group.problems:
            continue  # already reported; the spans it kept may not make sense alone
        payload = {"spans": group.spans, "stances": group.stances, "categories": group.categories}
        # A model's scores are kept on prediction sets; a file's spans
        # imported as gold or an annotator's set leave them behind.
        scores = set_plan.kind == AnnotationSet.Kind.PREDICTION
        if not scores:
            payload["spans"] = _without_scores(group.spans)
        clean, problems = validate_set(record.text, payload, validation, scores)
        for problem in problems:
            field = group.path(problem["field"])
            errors.append(
                {
                    "where": group.where,
                    "field": field,
                    "message": f"{group.where}: {field}: {problem['message']}",
                }
            )
        if clean is not None:
            cleaned.setdefault(record.external_id, []).append((set_plan, clean))
    return errors, cleaned


def check_records(project, parsed, destination=None, user=None):
    """Every problem of a ParseResult against the project and the
    destination of its annotations, without storing: a Checked."""
    destination = destination_of(destination)
    errors = [error.as_dict() for error in parsed.errors]
    if not parsed.records and not errors:
        errors.append(dict(NO_DOCUMENTS))
    errors += _gold_needs_user(destination, user)
    planner = Planner(destination, project.annotators_per_document, parsed.authorship)
    schema = ProjectSchema(project)
    found, cleaned = check_batch(project, parsed.records, planner, schema, destination)
    errors += found + planner.finish()
    return Checked(errors, cleaned, schema, planner.authors())


def _without_scores(spans):
    """The spans of a file without their ``score`` (kept on prediction sets only)."""
    if not isinstance(spans, list):
        return spans
    return [
        {k: v for k, v in span.items() if k != "score"} if isinstance(span, dict) else span
        for span in spans
    ]


def _named(stance):
    """The concept name a stance gives (``concept_name``, or ``concept`` as a
    string), or None when it gives an id or nothing."""
    if not isinstance(stance, dict):
        return None
    name = stance.get("concept_name")
    if isinstance(name, str) and name:
        return name
    concept = stance.get("concept")
    return concept if isinstance(concept, str) else None


def _concepts_named(project, groups):
    """{name: id} of the project's live concepts that the groups name, in one query."""
    names = {n for g in groups for t in g.stances if (n := _named(t)) is not None}
    if not names:
        return {}
    rows = Concept.objects.filter(project=project, merged_into=None, name__in=names)
    return dict(rows.values_list("name", "id"))


def name_concepts(groups, ids_by_name):
    """Replace each concept named in the groups' stances by its id in this
    project's codebook (a name wins over an id beside it: ids belong to the
    project a file came from). A name the codebook lacks is an error of the
    stance's ``concept`` field: imports create no concepts, as they create no
    labels. Returns the problems (each also in its group's ``problems``)."""
    problems = []
    for group in groups:
        for n, stance in enumerate(group.stances):
            name = _named(stance)
            if name is None:
                continue
            concept_id = ids_by_name.get(name)
            if concept_id is None:
                group.error(
                    f"stances[{n}].concept",
                    f"stances[{n}].concept: there is no concept named {show(name)} in this "
                    "project's codebook (create it there first, or import the codebook)",
                )
                problems.append(group.problems[-1])
                continue
            stance = group.stances[n] = dict(stance)
            stance.pop("concept_name", None)
            stance["concept"] = concept_id
    return problems


PREVIEW_TEXT = 300  # characters of each previewed text


def preview_records(project, parsed, limit=5, destination=None, user=None):
    """What importing `parsed` would do, storing nothing: how many documents are
    new and how many already there (skipped), the sets the new ones would
    get, every problem, the peer authors and whom each maps to, and the
    first `limit` records as they would be stored."""
    destination = destination_of(destination)
    checked = check_records(project, parsed, destination, user)
    existing = _existing_ids(project, [r.external_id for r in parsed.records])
    sets = dict.fromkeys(AnnotationSet.Kind.values, 0)
    for external_id, plans in checked.sets.items():
        if external_id not in existing:
            for set_plan, _ in plans:
                sets[set_plan.kind] += 1
    return {
        "documents": len(parsed.records),
        "new": sum(r.external_id not in existing for r in parsed.records),
        "duplicates": sum(r.external_id in existing for r in parsed.records),
        "with_spans": len(checked.sets),
        "annotations": destination.annotations,
        "sets": sets,
        "authors": checked.authors,
        "authorship": parsed.authorship,
        "errors": checked.errors,
        "preview": [
            {
                "id": r.external_id,
                "text": r.text[:PREVIEW_TEXT],
                "length": len(r.text),
                **{
                    name: (value.isoformat() if name == "published" and value else value)
                    for name in METADATA_FIELDS
                    for value in [getattr(r, name)]
                },
                "spans": sum(len(p.group.spans) for p, _ in checked.sets.get(r.external_id, ())),
                "stances": sum(
                    len(p.group.stances) for p, _ in checked.sets.get(r.external_id, ())
                ),
                "annotators": [g.author.shown for g in r.annotations if g.author is not None],
                "duplicate": r.external_id in existing,
            }
            for r in parsed.records[:limit]
        ],
    }


SET_COLUMNS = (
    "document_id",
    "kind",
    "author_id",
    "submitted_at",
    "source",
    "status",
    "version",
    "created_at",
    "updated_at",
    "rejected_predictions",
)


def _insert_sets(sets, now):
    """Insert the submitted sets an import makes, ``[(document_id, kind,
    author_id, submitted_at)]``, and return their ids in that order
    (bulk.create)."""
    fixed = (IMPORT_SOURCE, AnnotationSet.Status.SUBMITTED, 1, now, now, [])
    return bulk.create(AnnotationSet, SET_COLUMNS, ((*values, *fixed) for values in sets))


class Refused(Exception):
    """Raised inside an import's transaction to roll it back: the input has problems."""


class ImportRun:
    """One import, fed its records batch by batch inside ONE transaction.

    Each batch is checked (its records against the project, the schema and
    the destination) and, while no problem has been found in the input,
    stored at once: its new documents, then their sets. After the first
    problem nothing more is stored, but every later batch is still checked,
    so the refusal lists every bad record; `finish` then raises Refused and
    the transaction rolls back whatever was stored. Only one batch of records
    is in memory at a time (the caller drops each after `add`); what spans
    batches is small: the ids of the new documents, the counts, and the
    Planner's peer authors.
    """

    def __init__(self, project, destination, user, authorship="", on_batch=None, writer=None):
        self.project = project
        self.destination = destination_of(destination)
        self.user = user
        self.planner = Planner(self.destination, project.annotators_per_document, authorship)
        self.schema = ProjectSchema(project)
        self.errors = _gold_needs_user(self.destination, user)
        self.now = timezone.now()
        self.read = 0  # records checked
        self.created = []  # ids of the new documents, in input order
        self.sets_made = dict.fromkeys(AnnotationSet.Kind.values, 0)
        self.on_batch = on_batch
        # Stores a batch while the next is read and checked (overlap.Writer);
        # without one, each batch is stored before `add` returns.
        self.writer = writer

    def add(self, records):
        """Check one batch, and store it while the input is still clean."""
        self.read += len(records)
        errors, cleaned = check_batch(
            self.project, records, self.planner, self.schema, self.destination
        )
        self.errors += errors
        if not self.errors:
            if self.writer is None:
                self._store(records, cleaned)
            else:
                self.writer.submit(self._store, records, cleaned)
        if self.on_batch:
            self.on_batch(self.read)

    def _store(self, records, cleaned):
        existing = _existing_ids(self.project, [r.external_id for r in records])
        new = [r for r in records if r.external_id not in existing]
        planned = {r.external_id: [p for p, _ in cleaned.get(r.external_id, ())] for r in new}
        _check_still_members(self.project, planned)
        ids = dict(
            zip(
                [r.external_id for r in new],
                _insert_documents(self.project, new, planned, self.now),
                strict=True,
            )
        )
        self.created += ids.values()
        rows = [
            (ids[external_id], set_plan, clean)
            for external_id in planned
            for set_plan, clean in cleaned.get(external_id, ())
        ]
        if not rows:
            return
        user = self.user
        set_ids = _insert_sets(
            [
                (
                    document_id,
                    set_plan.kind,
                    user.pk if set_plan.kind == GOLD else set_plan.user_id,
                    # When a peer's annotator submitted is not known.
                    self.now if set_plan.kind == GOLD else None,
                )
                for document_id, set_plan, _ in rows
            ],
            self.now,
        )
        insert_rows(
            [(set_id, clean) for set_id, (_, _, clean) in zip(set_ids, rows, strict=True)],
            self.schema.label_ids,
            copy=True,
            sort_keys=False,  # written with the documents (_insert_documents)
        )
        for _, set_plan, _ in rows:
            self.sets_made[set_plan.kind] += 1
        scored = {d for d, p, _ in rows if p.kind == AnnotationSet.Kind.ANNOTATOR}
        if scored:
            # Their model scores too, when they also have a prediction set.
            submitted_sets_changed.send(sender=AnnotationSet, document_ids=scored)
        predicted = {d for d, p, _ in rows if p.kind == AnnotationSet.Kind.PREDICTION} - scored
        if predicted:
            prediction_sets_changed.send(sender=AnnotationSet, document_ids=predicted)
        gold = [(document_id, clean) for document_id, p, clean in rows if p.kind == GOLD]
        if gold:
            gold_sets_imported.send(sender=AnnotationSet, sets=gold, user_id=user.pk)

    def finish(self, parse_errors=()):
        """The report once every batch is added; raises Refused (after which
        the caller's transaction rolls back) when anything is wrong."""
        if self.writer is not None:
            self.writer.wait()  # the last batch stored (or its error raised)
        errors = [e.as_dict() for e in parse_errors] + self.errors + self.planner.finish()
        if not self.read and not errors:
            errors.append(dict(NO_DOCUMENTS))
        if errors:
            raise Refused(errors)
        return {
            "created": len(self.created),
            "skipped": self.read - len(self.created),
            "errors": [],
            "documents": self.created,
            "sets": self.sets_made,
        }


@contextmanager
def checked_as_written():
    """Inside an open transaction, on PostgreSQL: the foreign keys of the
    rows written in the block are checked at the end of each statement,
    not all at the commit (Django's are deferred to it). The checks cost the
    same; done per batch they are done while the next batch is read
    (overlap.Writer) instead of after the last, and the server's queue of
    pending checks stays one batch long instead of growing with the file.
    On leaving, they are deferred again, as Django declares them."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _run(project, feed, destination, user, on_batch=None):
    """Run an import whose records `feed(run)` adds to an ImportRun, in one
    transaction; the report (nothing stored when it has errors). The new
    documents' search vectors are filled after it commits (vectors_later).
    Each batch is stored while the next is read and checked (overlap.Writer)."""
    try:
        with (
            transaction.atomic(),
            vectors_later(project.pk),
            checked_as_written(),
            Writer() as writer,
        ):
            run = ImportRun(project, destination, user, on_batch=on_batch, writer=writer)
            return feed(run)
    except Refused as refused:
        errors = refused.args[0]
        return {"created": 0, "skipped": 0, "errors": errors, "documents": [], "sets": {}}
    except IntegrityError as exc:
        raise ImportConflict(
            "Another import stored some of these documents at the same time; "
            "nothing from this one was stored. Run it again: documents already "
            "there will be skipped."
        ) from exc


def import_records(project, parsed, progress=None, destination=None, user=None):
    """Validate and store a ParseResult (records already in memory). Returns a report dict:

    ``{"created": n, "skipped": n, "errors": [...], "documents": [ids],
    "sets": {kind: n}}``; when ``errors`` is not empty nothing was stored.
    ``progress(done, total)`` is called while storing. ``destination``: where
    the annotations land (a Destination or its dict, see destination.py;
    default: prediction sets); ``user``: who imports, needed for gold, which
    is recorded as adjudicated by them.
    """
    records, total = parsed.records, len(parsed.records)

    def feed(run):
        run.planner.authorship = parsed.authorship
        for start in range(0, total, BATCH):
            run.add(records[start : start + BATCH])
        return run.finish(parsed.errors)

    on_batch = (lambda done: progress(done, total)) if progress else None
    return _run(project, feed, destination, user, on_batch)


def import_file(
    project, data, name, fmt, progress=None, destination=None, user=None, max_bytes=None
):
    """Parse, validate and store an uploaded file (its bytes, or a binary
    file such as a job's, see parsers.parse) in one transaction, `BATCH`
    records at a time as the parser reads them, so an import's memory is one
    batch (and the bytes, when given as bytes), whatever the number of
    records. The report is import_records'. Raises
    ImportFormatError when the file cannot be read at all (nothing stored).
    ``progress(fraction)`` is called after each batch with how far through
    the file the parser is (0 to 1)."""
    collector = Collector()

    def feed(run):
        collector.sink = run.add
        collector.batch = BATCH
        result = parse(data, name, fmt, max_bytes=max_bytes, collector=collector)
        run.planner.authorship = result.authorship
        return run.finish(result.errors)

    def on_batch(_done):
        if progress and collector.fraction is not None:
            progress(collector.fraction)

    return _run(project, feed, destination, user, on_batch)


def _check_still_members(project, planned):
    """Inside the import's transaction: everyone given a set is still a
    member (one may have been removed since the check)."""
    wanted = {p.user_id for plans in planned.values() for p in plans if p.user_id}
    if not wanted:
        return
    still = set(
        Membership.objects.filter(project=project, user_id__in=wanted).values_list(
            "user_id", flat=True
        )
    )
    if still != wanted:
        raise ImportConflict(
            "A member this import gives sets to left the project meanwhile; nothing was "
            "stored. Preview the file again."
        )


def refusal(report):
    """The answer to an import that stored nothing: the first problem in words,
    every problem listed (each names its record and field)."""
    errors = report["errors"]
    first = errors[0]["message"]
    more = f" ({len(errors) - 1} more problems listed in `errors`)" if len(errors) > 1 else ""
    return {
        "detail": f"Nothing was imported. {first}{more}",
        "created": 0,
        "skipped": 0,
        "errors": errors,
    }


def unreadable(message):
    """The answer to an input that cannot be read at all (unknown format, not
    UTF-8, a broken ZIP): nothing stored, no record to name."""
    return {"detail": message, "created": 0, "skipped": 0, "errors": []}
