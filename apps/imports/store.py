"""Storing parsed imports: documents, and the prediction sets of their spans.

The parsers in `apps.imports.parsers` turn a file into records and
record errors; here every record's spans are validated against its own text
and the schema, and only if nothing at all is wrong is anything written, in
one transaction.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.annotations.models import AnnotationSet
from apps.annotations.sets import ProjectSchema, insert_rows
from apps.annotations.validation import validate_set
from apps.documents.models import METADATA_FIELDS, Document
from apps.projects.errors import Conflict

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
)
BATCH = 1000


def _insert_documents(project, records, progress):
    """INSERT the documents with executemany, in batches.

    bulk_create spends most of an import compiling each of the ~14 fields of
    every row through the ORM (about 0.9 s for 10,000 documents); the values
    here are already validated, so they are adapted once per column type and
    sent as they are.
    """
    fields = [Document._meta.get_field(name) for name in DOCUMENT_COLUMNS]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(Document._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    meta = Document._meta.get_field("meta")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
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
                        0,
                        0,
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


def check_records(project, parsed):
    """Every problem of a ParseResult against the project, without storing:
    ``(errors, cleaned sets by external id, schema)``."""
    errors = [error.as_dict() for error in parsed.errors]
    if not parsed.records and not errors:
        errors.append({"where": "input", "field": None, "message": "The input holds no documents."})
    schema = ProjectSchema(project)
    annotated = [r for r in parsed.records if r.spans or r.stances]
    validation = schema.for_payloads([{"spans": r.spans} for r in annotated])
    cleaned = {}
    for record in annotated:
        clean, problems = validate_set(
            record.text, {"spans": record.spans, "stances": record.stances}, validation
        )
        for problem in problems:
            errors.append(
                {
                    "where": record.where,
                    "field": problem["field"],
                    "message": f"{record.where}: {problem['field']}: {problem['message']}",
                }
            )
        if clean is not None:
            cleaned[record.external_id] = clean
    return errors, cleaned, schema


PREVIEW_TEXT = 300  # characters of each previewed text


def preview_records(project, parsed, limit=5):
    """What importing `parsed` would do, storing nothing: how many documents are
    new and how many already there (skipped), every problem, and the first
    `limit` records as they would be stored."""
    errors, cleaned, _ = check_records(project, parsed)
    existing = _existing_ids(project, [r.external_id for r in parsed.records])
    return {
        "documents": len(parsed.records),
        "new": sum(r.external_id not in existing for r in parsed.records),
        "duplicates": sum(r.external_id in existing for r in parsed.records),
        "with_spans": len(cleaned),
        "errors": errors,
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
                "spans": len(r.spans),
                "stances": len(r.stances),
                "duplicate": r.external_id in existing,
            }
            for r in parsed.records[:limit]
        ],
    }


def import_records(project, parsed, progress=None):
    """Validate and store a ParseResult. Returns a report dict:

    ``{"created": n, "skipped": n, "errors": [...], "documents": [ids]}``;
    when ``errors`` is not empty nothing was stored. ``progress(done, total)``
    is called while storing.
    """
    errors, cleaned, schema = check_records(project, parsed)
    if errors:
        return {"created": 0, "skipped": 0, "errors": errors, "documents": []}

    existing = _existing_ids(project, [r.external_id for r in parsed.records])
    new = [r for r in parsed.records if r.external_id not in existing]
    total = len(new)
    try:
        with transaction.atomic():
            _insert_documents(project, new, progress)
            ids = _ids_of(project, [r.external_id for r in new])
            with_sets = [r.external_id for r in new if r.external_id in cleaned]
            sets = AnnotationSet.objects.bulk_create(
                AnnotationSet(
                    document_id=ids[external_id],
                    kind=AnnotationSet.Kind.PREDICTION,
                    source=IMPORT_SOURCE,
                    status=AnnotationSet.Status.SUBMITTED,
                )
                for external_id in with_sets
            )
            insert_rows(
                [
                    (aset.pk, cleaned[external_id])
                    for external_id, aset in zip(with_sets, sets, strict=True)
                ],
                schema.label_ids,
            )
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
    }


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
