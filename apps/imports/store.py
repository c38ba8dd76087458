"""Storing parsed imports: documents, and the sets of the annotations that
came with them.

The parsers in `apps.imports.parsers` turn a file into records and record
errors; `destination.plan` says which set each annotation group becomes
(prediction, gold or an annotator's); here every planned set is validated
against its record's text and the schema, and only if nothing at all is
wrong is anything written, in one transaction.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.actors.models import Concept
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import ProjectSchema, insert_rows
from apps.annotations.signals import gold_sets_imported
from apps.annotations.validation import validate_set
from apps.documents.models import METADATA_FIELDS, Document
from apps.projects.errors import Conflict
from apps.projects.models import Membership

from .destination import ANNOTATORS, GOLD, Destination, Member, plan
from .parsers import show

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


# The columns one INSERT writes: the content fields (the one list in
# documents.models), then what the import itself sets.
DOCUMENT_COLUMNS = (
    "project",
    "external_id",
    "text",
    *METADATA_FIELDS,
    "created_at",
    "annotator_count",
    "submitted_count",
    "adjudicated_at",
    "wanted",
)
BATCH = 1000


def _insert_documents(project, records, progress, sets=None, now=None):
    """INSERT the documents with executemany, in batches.

    bulk_create spends most of an import compiling each of the ~14 fields of
    every row through the ORM (about 0.9 s for 10,000 documents); the values
    here are already validated, so they are adapted once per column type and
    sent as they are. ``sets``: external id -> its planned sets, which give
    the document its counts (every imported annotator set is submitted) and,
    with a gold set, its adjudication at ``now``.
    """
    fields = [Document._meta.get_field(name) for name in DOCUMENT_COLUMNS]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(Document._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    meta = Document._meta.get_field("meta")
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    sets = sets or {}

    def counts(external_id):
        kinds = [p.kind for p in sets.get(external_id, ())]
        annotators = kinds.count(AnnotationSet.Kind.ANNOTATOR)
        return annotators, annotators, now if AnnotationSet.Kind.GOLD in kinds else None

    # Strings go as they are; the JSON and date columns need their adapters.
    adapt = dict.fromkeys(METADATA_FIELDS, lambda value: value)
    adapt["meta"] = lambda value: meta.get_db_prep_save(value, connection)
    adapt["published"] = connection.ops.adapt_datefield_value
    total = len(records)
    with connection.cursor() as cursor:
        for start in range(0, total, BATCH):
            cursor.executemany(
                sql,
                [
                    (
                        project.pk,
                        r.external_id,
                        r.text,
                        *(adapt[name](getattr(r, name)) for name in METADATA_FIELDS),
                        now,
                        *counts(r.external_id),
                        project.annotators_per_document,
                    )
                    for r in records[start : start + BATCH]
                ],
            )
            if progress:
                progress(min(start + BATCH, total), total)


def _ids_of(project, external_ids):
    ids = {}
    for i in range(0, len(external_ids), LOOKUP_CHUNK):
        rows = Document.objects.filter(
            project=project, external_id__in=external_ids[i : i + LOOKUP_CHUNK]
        ).values_list("external_id", "id")
        ids.update(rows)
    return ids


@dataclass
class Checked:
    """What check_records found: every problem, the planned sets of each
    record with their cleaned content, the schema, and the peer authors."""

    errors: list
    sets: dict  # external id -> [(SetPlan, CleanSet)]
    schema: ProjectSchema
    authors: list


def _members(project, destination, records):
    """The project's members as plain data, and which usernames user_map
    names that exist but are no members; read only when someone is named."""
    named = any(g.author is not None for r in records for g in r.annotations)
    if not named and destination.annotations != ANNOTATORS:
        return [], frozenset()
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


def check_records(project, parsed, destination=None, user=None):
    """Every problem of a ParseResult against the project and the
    destination of its annotations, without storing: a Checked."""
    destination = destination_of(destination)
    errors = [error.as_dict() for error in parsed.errors]
    if not parsed.records and not errors:
        errors.append({"where": "input", "field": None, "message": "The input holds no documents."})
    if destination.annotations == GOLD and user is None:
        errors.append(
            {
                "where": "input",
                "field": "annotations",
                "message": "Gold is recorded as adjudicated by whoever imports it; "
                "name the importing user.",
            }
        )
    members, known = _members(project, destination, parsed.records)
    planned = plan(
        parsed.records,
        destination,
        members,
        project.annotators_per_document,
        known_users=known,
        authorship=parsed.authorship,
    )
    errors += planned.errors
    schema = ProjectSchema(project)
    by_record = {r.external_id: r for r in parsed.records if r.external_id in planned.sets}
    pairs = [(by_record[ext], p) for ext, plans in planned.sets.items() for p in plans]
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
    return Checked(errors, cleaned, schema, planned.authors)


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


SET_BATCH = 1000


def import_records(project, parsed, progress=None, destination=None, user=None):
    """Validate and store a ParseResult. Returns a report dict:

    ``{"created": n, "skipped": n, "errors": [...], "documents": [ids],
    "sets": {kind: n}}``; when ``errors`` is not empty nothing was stored.
    ``progress(done, total)`` is called while storing. ``destination``: where
    the annotations land (a Destination or its dict, see destination.py;
    default: prediction sets); ``user``: who imports, needed for gold, which
    is recorded as adjudicated by them.
    """
    destination = destination_of(destination)
    checked = check_records(project, parsed, destination, user)
    if checked.errors:
        return {"created": 0, "skipped": 0, "errors": checked.errors, "documents": [], "sets": {}}

    existing = _existing_ids(project, [r.external_id for r in parsed.records])
    new = [r for r in parsed.records if r.external_id not in existing]
    planned = {r.external_id: [p for p, _ in checked.sets.get(r.external_id, ())] for r in new}
    total = len(new)
    now = timezone.now()
    sets_made = dict.fromkeys(AnnotationSet.Kind.values, 0)
    try:
        with transaction.atomic():
            _check_still_members(project, planned)
            _insert_documents(project, new, progress, planned, now)
            ids = _ids_of(project, [r.external_id for r in new])
            rows = [
                (ids[external_id], set_plan, clean)
                for external_id in planned
                for set_plan, clean in checked.sets.get(external_id, ())
            ]
            sets = AnnotationSet.objects.bulk_create(
                (
                    AnnotationSet(
                        document_id=document_id,
                        kind=set_plan.kind,
                        author_id=user.pk if set_plan.kind == GOLD else set_plan.user_id,
                        source=IMPORT_SOURCE,
                        status=AnnotationSet.Status.SUBMITTED,
                        # When a peer's annotator submitted is not known.
                        submitted_at=now if set_plan.kind == GOLD else None,
                    )
                    for document_id, set_plan, _ in rows
                ),
                batch_size=SET_BATCH,
            )
            insert_rows(
                [(aset.pk, clean) for aset, (_, _, clean) in zip(sets, rows, strict=True)],
                checked.schema.label_ids,
            )
            for _, set_plan, _ in rows:
                sets_made[set_plan.kind] += 1
            gold = [(document_id, clean) for document_id, p, clean in rows if p.kind == GOLD]
            if gold:
                gold_sets_imported.send(sender=AnnotationSet, sets=gold, user_id=user.pk)
    except IntegrityError as exc:
        raise ImportConflict(
            "Another import stored some of these documents at the same time; "
            "nothing from this one was stored. Run it again: documents already "
            "there will be skipped."
        ) from exc
    return {
        "created": total,
        "skipped": len(parsed.records) - total,
        "errors": [],
        "documents": [ids[r.external_id] for r in new],
        "sets": sets_made,
    }


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
