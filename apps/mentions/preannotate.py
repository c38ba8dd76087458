"""Pre-annotation: run a suggester over documents and store its spans as
`prediction` sets, one per document and suggester (the set's `source` is the
suggester's name).

Two phases, so that nothing partial is ever stored:

1. *Suggest*: documents are read in batches; the suggester is called on
   each, and every answer is validated with `validation.validate_set`
   against the document's text and the project's schema, like any other
   write. A failing suggester or an invalid answer stops the run here.
2. *Write*, in one transaction: for each document, the previous prediction
   set of this source keeps its id and gets a new version with the new
   spans (or is deleted when nothing was suggested), and documents without
   one get a new set. Spans go in with `insert_rows`, many sets at a time.

Progress is reported per batch: the first half of the way is suggesting,
the second writing.
"""

import math
import time
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from apps.actors.registry import load_registry
from apps.actors.suggesters import DEFAULT, SuggesterError, get_suggester
from apps.annotations.document_filter import filter_documents
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import ProjectSchema, clear_contents, delete_sets, insert_rows
from apps.annotations.signals import prediction_sets_changed
from apps.annotations.validation import describe, validate_set
from apps.documents.models import Document
from apps.projects.errors import Invalid
from apps.projects.jobs import JobError
from apps.projects.models import Project

BATCH = 500
# Ids are looked up this many at a time (SQLite limits query parameters).
LOOKUP_CHUNK = 900


class PreannotateError(Invalid):
    """Pre-annotation cannot run or failed; nothing was stored. For people.
    `field` names the request field at fault, when there is one."""

    def __init__(self, message, field="suggester"):
        super().__init__(message, field=field)


def check_ready(project, suggester_name=DEFAULT, document_ids=None, document_filter=None):
    """Everything that can be checked before running: the suggester exists,
    the alias matcher has a label for some kind, the documents exist, the
    filter is one the documents list takes. Returns the suggester."""
    try:
        suggester = get_suggester(suggester_name)
    except SuggesterError as exc:
        raise PreannotateError(str(exc)) from exc
    if suggester_name == DEFAULT:
        mapping = project.actor_kind_labels or {}
        if not isinstance(mapping, dict) or not mapping:
            raise PreannotateError(
                "This project maps no actor kind to a label, so the alias matcher has "
                'nothing to suggest. Set the project\'s actor_kind_labels, e.g. {"state": "GPE"}.'
            )
        schema = ProjectSchema(project)
        for kind, label in sorted(mapping.items()):
            if label not in schema.entity_labels:
                raise PreannotateError(
                    f"actor_kind_labels maps {kind!r} to {label!r}, which is not an entity "
                    "label of this project; the entity labels are "
                    + (", ".join(sorted(schema.entity_labels)) or "not defined yet")
                    + "."
                )
    check_selection(project, document_ids, document_filter)
    max_spans()
    return suggester


def check_selection(project, document_ids=None, document_filter=None):
    """The named documents exist and the filter is valid; PreannotateError if not."""
    if document_ids is not None:
        missing = sorted(set(document_ids) - set(_existing(project, document_ids)))
        if missing:
            shown = ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else "")
            raise PreannotateError(
                f"There is no document {shown} in this project.", field="documents"
            )
    if document_filter is not None:
        _selected(project, document_filter=document_filter)


def _existing(project, ids):
    ids = list(ids)
    found = []
    for i in range(0, len(ids), LOOKUP_CHUNK):
        found += Document.objects.filter(
            project=project, pk__in=ids[i : i + LOOKUP_CHUNK]
        ).values_list("pk", flat=True)
    return found


def _selected(project, unannotated=False, document_filter=None):
    """The project's documents the selection keeps, in id order, before any
    named ids: those the documents list's `document_filter` matches, and with
    `unannotated` only those nobody has taken."""
    documents = Document.objects.filter(project=project).order_by("pk")
    if document_filter is not None:
        try:
            documents = filter_documents(documents, project, document_filter)
        except Invalid as exc:
            raise PreannotateError(exc.message, field=exc.field) from exc
    if unannotated:
        # Nobody has taken it and it is not adjudicated: suggestions still help.
        documents = documents.filter(annotator_count=0, adjudicated_at__isnull=True)
    return documents


def selected_ids(project, document_ids=None, unannotated=False, document_filter=None):
    """The ids of the documents a run reads, in id order: all, or
    `document_ids`, narrowed by the filter and `unannotated`."""
    documents = _selected(project, unannotated, document_filter)
    if document_ids is None:
        return list(documents.values_list("pk", flat=True))
    wanted = sorted(set(document_ids))
    if not unannotated and document_filter is None:
        return wanted
    return [
        pk
        for i in range(0, len(wanted), LOOKUP_CHUNK)
        for pk in documents.filter(pk__in=wanted[i : i + LOOKUP_CHUNK]).values_list("pk", flat=True)
    ]


def count_selected(project, document_ids=None, unannotated=False, document_filter=None):
    """How many documents a run with this selection would read (one query
    without named ids)."""
    if document_ids is None:
        return _selected(project, unannotated, document_filter).count()
    return len(selected_ids(project, document_ids, unannotated, document_filter))


def _document_batches(project, document_ids, unannotated=False, document_filter=None):
    # Each batch is read through the selection again: a document taken or
    # changed since the ids were listed is left out.
    documents = _selected(project, unannotated, document_filter)
    ids = selected_ids(project, document_ids, unannotated, document_filter)
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        rows = documents.filter(pk__in=chunk).values("id", "external_id", "title", "text", "meta")
        yield len(ids), list(rows)


# At most this long between two progress reports (heartbeats) while suggesting.
HEARTBEAT_SECONDS = 10


def _position(span):
    # Text order; a malformed suggestion sorts last and the validator names it.
    start = span.get("start") if isinstance(span, dict) else None
    return (0, start) if isinstance(start, int) else (1, 0)


def max_spans():
    """Suggestions kept per document: a pathological alias (a one-letter name,
    a stop word) must not write hundreds of thousands of spans."""
    cap = getattr(settings, "ACCORD_PREANNOTATE_MAX_SPANS", 500)
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise PreannotateError(
            f"The setting ACCORD_PREANNOTATE_MAX_SPANS must be a whole number of at least 1, "
            f"got {cap!r}; nothing was run. Ask the administrator to correct it.",
            field=None,
        )
    return cap


def suggest_all(
    project,
    suggester,
    document_ids=None,
    progress=None,
    capped=None,
    unannotated=False,
    document_filter=None,
):
    """Phase 1: ``{document id: CleanSet}`` for every document with suggestions.
    Raises PreannotateError (nothing stored) on any failure. A document with
    more than max_spans() suggestions keeps the first ones in text order; its
    id is added to `capped` (a list) when one is given."""
    registry = load_registry(project)
    schema = ProjectSchema(project)
    cleaned = {}
    done = 0
    cap = max_spans()
    beat = time.monotonic()
    for total, rows in _document_batches(project, document_ids, unannotated, document_filter):
        answers = []
        for row in rows:
            document = {
                "id": row["id"],
                "external_id": row["external_id"],
                "text": row["text"],
                "title": row["title"],
                "meta": row["meta"],
            }
            try:
                spans = suggester(document, registry)
            except SuggesterError as exc:
                raise PreannotateError(f"{exc} Nothing was stored.") from exc
            if isinstance(spans, list) and len(spans) > cap:
                spans = sorted(spans, key=_position)[:cap]
                if capped is not None:
                    capped.append(row["id"])
            answers.append((row, {"spans": spans}))
            # A slow suggester (an HTTP model) may take long over one batch:
            # report within it too, so the job's heartbeat never lapses.
            if progress and time.monotonic() - beat >= HEARTBEAT_SECONDS:
                progress(done + len(answers), total)
                beat = time.monotonic()
        validation = schema.for_payloads([payload for _, payload in answers])
        for row, payload in answers:
            if not payload["spans"]:
                cleaned[row["id"]] = None
                continue
            clean, errors = validate_set(row["text"], payload, validation, scores=True)
            if errors:
                raise PreannotateError(
                    f"Suggester {suggester.name!r} suggested invalid spans for document "
                    f"{row['id']} ({row['external_id']}): {describe(errors)}. Nothing was stored."
                )
            cleaned[row["id"]] = clean
        done += len(rows)
        if progress:
            progress(done, total)
    return cleaned, schema


def check_uncertainty(uncertainty):
    """``{document id: float | None}`` as write_predictions takes it: each a
    finite number of at least 0 (higher: the model is less sure) or None
    (the model said nothing); PreannotateError naming the document otherwise."""
    out = {}
    for document_id, value in (uncertainty or {}).items():
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise PreannotateError(
                f"The uncertainty of document {document_id} must be a finite number of at "
                f"least 0 (or none), got {value!r}; nothing was stored.",
                field="uncertainty",
            )
        out[document_id] = None if value is None else float(value)
    return out


def _write_uncertainty(project, uncertainty):
    """Store `uncertainty` on the project's documents, one UPDATE per
    BATCH documents (a CASE on the id)."""
    ids = sorted(uncertainty)
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        # Cast: PostgreSQL reads a CASE of bare parameters as text.
        Document.objects.filter(project=project, pk__in=chunk).update(
            uncertainty=Cast(
                Case(
                    *(When(pk=d, then=Value(uncertainty[d])) for d in chunk),
                    default=F("uncertainty"),
                    output_field=FloatField(),
                ),
                FloatField(),
            )
        )


def write_predictions(project, source, cleaned, label_ids, progress=None, uncertainty=None):
    """Phase 2, one transaction: replace the `source` prediction set of every
    document in `cleaned` (``{document id: CleanSet | None}``).

    `uncertainty`, ``{document id: float | None}``, is the model's
    uncertainty on each document (higher: less sure), written to
    ``Document.uncertainty`` in the same transaction, so the "least certain
    first" order follows the most recent model; documents it leaves out
    keep theirs."""
    uncertainty = check_uncertainty(uncertainty)
    ids = sorted(cleaned)
    total = len(ids)
    created = replaced = deleted = spans = 0
    now = timezone.now()
    try:
        with transaction.atomic():
            # One pre-annotation of a project at a time: a second one waits here.
            Project.objects.select_for_update().filter(pk=project.pk).first()
            for i in range(0, total, BATCH):
                chunk = ids[i : i + BATCH]
                # A document deleted since phase 1 is left out.
                alive = set(_existing(project, chunk))
                existing = dict(
                    AnnotationSet.objects.filter(
                        document_id__in=chunk, kind=AnnotationSet.Kind.PREDICTION, source=source
                    ).values_list("document_id", "id")
                )
                gone = [(existing[d], d) for d in chunk if d in existing and cleaned[d] is None]
                delete_sets(gone)
                deleted += len(gone)
                kept_docs = [d for d in chunk if d in existing and cleaned[d] is not None]
                kept = [existing[d] for d in kept_docs]
                if kept:
                    clear_contents(kept)
                    AnnotationSet.objects.filter(pk__in=kept).update(
                        version=F("version") + 1, updated_at=now
                    )
                    replaced += len(kept)
                new_docs = [
                    d for d in chunk if d not in existing and cleaned[d] is not None and d in alive
                ]
                new_sets = AnnotationSet.objects.bulk_create(
                    AnnotationSet(
                        document_id=d,
                        kind=AnnotationSet.Kind.PREDICTION,
                        source=source,
                        status=AnnotationSet.Status.SUBMITTED,
                    )
                    for d in new_docs
                )
                created += len(new_sets)
                set_of = {d: existing[d] for d in chunk if d in existing}
                set_of.update((s.document_id, s.pk) for s in new_sets)
                rows = [
                    (set_of[d], cleaned[d]) for d in chunk if cleaned[d] is not None and d in set_of
                ]
                insert_rows(rows, label_ids)
                spans += sum(len(clean.spans) for _, clean in rows)
                # The deleted ones' documents were sent by delete_sets.
                prediction_sets_changed.send(
                    sender=AnnotationSet, document_ids=kept_docs + new_docs
                )
                if progress:
                    progress(min(i + BATCH, total), total)
            _write_uncertainty(project, uncertainty)
    except IntegrityError as exc:
        raise PreannotateError(
            "The documents or labels changed while pre-annotating; nothing was stored. "
            "Run it again."
        ) from exc
    return {"created": created, "replaced": replaced, "deleted": deleted, "spans": spans}


def preannotate(
    project,
    suggester_name=DEFAULT,
    document_ids=None,
    progress=None,
    unannotated=False,
    document_filter=None,
):
    """Run a suggester over the project's documents (all, or `document_ids`;
    only those the documents list's `document_filter` matches; with
    `unannotated`, only those nobody has taken) and store its prediction
    sets. ``progress(done, total)`` is called per batch. Returns a report;
    raises PreannotateError with nothing stored."""
    suggester = check_ready(project, suggester_name, document_ids, document_filter)

    def halves(offset):
        # Each phase is half of the way.
        if progress is None:
            return None
        return lambda done, total: progress(offset * total + done, 2 * total)

    capped = []
    cleaned, schema = suggest_all(
        project, suggester, document_ids, halves(0), capped, unannotated, document_filter
    )
    report = write_predictions(project, suggester.name, cleaned, schema.label_ids, halves(1))
    per_label = Counter(s["label"] for clean in cleaned.values() if clean for s in clean.spans)
    return {
        "suggester": suggester.name,
        "documents": len(cleaned),
        **report,
        "per_label": dict(sorted(per_label.items())),
        "capped": len(capped),
        "max_spans": max_spans(),
    }


def run(job, suggester=DEFAULT, documents=None, unannotated=False, document_filter=None):
    """The job handler behind `POST /projects/{p}/preannotate/`: the filter
    is applied here, when the job runs, so a queued job reads the documents
    that match it then."""
    try:
        return preannotate(
            job.project,
            suggester,
            documents,
            progress=job.set_progress,
            unannotated=unannotated,
            document_filter=document_filter,
        )
    except PreannotateError as exc:
        raise JobError(str(exc)) from exc
