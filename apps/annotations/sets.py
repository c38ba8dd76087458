"""Reading and writing annotation sets in the database.

Every write goes through here: one transaction, a version check that cannot
race (a conditional UPDATE), and the cleaned data of `validation.py`. Reads
go through `load_contents`, the one bulk loader of sets' spans and stances
(the API's set shape, review's agreement and merge, the exports): two
queries for any number of sets.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone

from apps.actors.models import Actor
from apps.documents.models import Document
from apps.projects.errors import Conflict
from apps.projects.models import Label

from .models import AnnotationSet, Span, Stance
from .pseudonyms import document_names
from .signals import annotator_set_submitted
from .validation import Schema, validate_set


class SetConflict(Conflict):
    """The set changed since the client read it, or it can no longer change."""

    def __init__(self, message, version):
        super().__init__(message, version=version)


class ProjectSchema:
    """The labels of a project, loaded once per request, and the actors a
    payload refers to."""

    def __init__(self, project):
        self.project = project
        self.label_ids = {}
        entity, stance = set(), set()
        for label_id, name, kind in Label.objects.filter(project=project).values_list(
            "id", "name", "kind"
        ):
            self.label_ids[name] = label_id
            (entity if kind == Label.Kind.ENTITY else stance).add(name)
        self.entity_labels, self.stance_labels = entity, stance

    def for_payloads(self, payloads):
        """A validation Schema that knows the actors these payloads link to."""
        wanted = set()
        for payload in payloads:
            spans = payload.get("spans") if isinstance(payload, dict) else None
            for span in spans if isinstance(spans, list) else ():
                if isinstance(span, dict):
                    actor = span.get("actor")
                    if isinstance(actor, int) and not isinstance(actor, bool):
                        wanted.add(actor)
        actors, merged = set(), {}
        if wanted:
            rows = Actor.objects.filter(project=self.project, id__in=wanted).values_list(
                "id", "merged_into_id"
            )
            for actor_id, merged_into in rows:
                if merged_into is None:
                    actors.add(actor_id)
                else:
                    merged[actor_id] = merged_into
        return Schema(self.entity_labels, self.stance_labels, actors, merged)

    def validate(self, text, payload):
        return validate_set(text, payload, self.for_payloads([payload]))


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


def insert_rows(sets, label_ids):
    """Insert the spans and stances of cleaned sets, given as
    ``[(set_id, CleanSet), ...]``, in three queries whatever their number.

    Every write of a set's content ends here (the API, review's gold, imports,
    pre-annotation), so here the documents' sort keys follow (refresh_sort_keys)."""
    if not sets:
        return
    refresh_sort_keys(documents_of([set_id for set_id, _ in sets]))
    spans = Span.objects.bulk_create(
        Span(
            set_id=set_id,
            sid=s["id"],
            start=s["start"],
            end=s["end"],
            label_id=label_ids[s["label"]],
            actor_id=s["actor"],
        )
        for set_id, clean in sets
        for s in clean.spans
    )
    pk_by_sid = {(span.set_id, span.sid): span.pk for span in spans}
    stances = [
        Stance(
            set_id=set_id,
            sid=t["id"],
            holder_id=pk_by_sid[set_id, t["holder"]],
            target_id=pk_by_sid[set_id, t["target"]],
            polarity_id=label_ids[t["polarity"]],
            cue_id=pk_by_sid[set_id, t["cue"]] if t["cue"] else None,
        )
        for set_id, clean in sets
        for t in clean.stances
    ]
    if stances:
        Stance.objects.bulk_create(stances)


def replace_set(aset, expected_version, clean, label_ids, rejected=None):
    """Replace the whole content of a set in one transaction; return the new version.

    The version check and the increment are one conditional UPDATE, so of two
    writers holding the same version exactly one wins and the other gets
    SetConflict; nothing is half-written. `rejected`, when given, replaces
    the set's rejected suggestions in that same UPDATE.
    """
    with transaction.atomic():
        now = timezone.now()
        fields = {"version": F("version") + 1, "updated_at": now}
        if rejected is not None:
            fields["rejected_predictions"] = rejected
        updated = AnnotationSet.objects.filter(
            pk=aset.pk, version=expected_version, status=AnnotationSet.Status.IN_PROGRESS
        ).update(**fields)
        if not updated:
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
        Stance.objects.filter(set_id=aset.pk).delete()
        Span.objects.filter(set_id=aset.pk).delete()
        insert_rows([(aset.pk, clean)], label_ids)
    return expected_version + 1


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
            Document.objects.filter(pk=aset.document_id).update(
                submitted_count=F("submitted_count") + 1, last_submitted_at=now, last_activity=now
            )
            # Inside the transaction: what listens (review's routing) acts
            # before anyone can see the document with its new count.
            annotator_set_submitted.send(sender=AnnotationSet, document_id=aset.document_id)


# The columns of the rows `load_contents` returns, in order.
SPAN_COLUMNS = ("set_id", "id", "sid", "start", "end", "label__name", "actor_id")
STANCE_COLUMNS = ("set_id", "sid", "holder__sid", "target__sid", "polarity__name", "cue__sid")


def load_contents(sets, chunk_size=None):
    """The spans and stances of `sets`, in two queries whatever their number.

    `sets` is an AnnotationSet queryset (read as a subquery: a large project
    has more sets than SQLite takes parameters) or a list of set ids. Returns
    ``{set_id: (span rows, stance rows)}``, rows being tuples of SPAN_COLUMNS
    and STANCE_COLUMNS (a stance names its spans by their ``sid``); spans in
    text order (start, longest first), stances in creation order. A set that
    has neither is absent. Each caller keeps only the sets it read, so a set
    that appears between its own query and these two is ignored there.
    `chunk_size` streams the rows from the database in chunks.
    """
    contents = defaultdict(lambda: ([], []))
    span_rows = (
        Span.objects.filter(set__in=sets)
        .order_by("set_id", "start", "-end", "id")
        .values_list(*SPAN_COLUMNS)
    )
    stance_rows = (
        Stance.objects.filter(set__in=sets).order_by("set_id", "id").values_list(*STANCE_COLUMNS)
    )
    for rows, index in ((span_rows, 0), (stance_rows, 1)):
        if chunk_size:
            rows = rows.iterator(chunk_size=chunk_size)
        for row in rows:
            contents[row[0]][index].append(row)
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


def set_payloads(sets, texts, anonymous=False):
    """The API shape of every set in `sets` (a queryset), in three queries
    (the sets, then `load_contents`).

    `texts` maps document id to its text, for each span's covered `text`.
    `anonymous`: annotator sets name their author by the document's
    pseudonym (pseudonyms.document_names, one more query).
    """
    rows = list(sets.values(*SET_FIELDS))
    if not rows:
        return []
    if anonymous:
        names = document_names({row["document_id"] for row in rows})
        for row in rows:
            if row["kind"] == AnnotationSet.Kind.ANNOTATOR:
                row["author__username"] = names[row["document_id"]][row["author__username"]]
    by_id = {}
    for row in rows:
        by_id[row["id"]] = {
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
        }
    for set_id, (spans, stances) in load_contents(list(by_id)).items():
        payload = by_id.get(set_id)
        if payload is None:
            continue
        text = texts[payload["document"]]
        payload["spans"] = [
            {
                "id": sid,
                "start": start,
                "end": end,
                "label": label,
                "text": text[start:end],
                "actor": actor,
            }
            for _, _, sid, start, end, label, actor in spans
        ]
        payload["stances"] = [
            {"id": sid, "holder": holder, "target": target, "polarity": polarity, "cue": cue}
            for _, sid, holder, target, polarity, cue in stances
        ]
    return [by_id[row["id"]] for row in rows]
