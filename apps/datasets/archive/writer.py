"""Writing a project's archive: gzip'd JSON Lines, streamed in chunks.

Documents are read by keyset, `chunk_size` at a time, each chunk in seven
queries whatever its size (the documents, their sets, the sets' spans,
stances and categories, their decisions, their adjudication events), and everything is
read in one snapshot (releases.snapshot), so the archive is one consistent
state of the project while annotation goes on. The registry is read the
same way, two queries per chunk of actors.
"""

import hashlib
import socket
import zlib
from collections.abc import Iterator

import orjson
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from apps.actors.models import Actor, Alias, Concept
from apps.annotations.models import AnnotationSet, SetCategory, Span, Stance
from apps.annotations.sets import load_contents, stance_payload
from apps.documents.models import Document
from apps.projects.models import CategoryGroup, Label, Membership
from apps.review.models import AdjudicationEvent, Decision

from ..models import Release
from ..releases import snapshot
from .fields import SPECS

FORMAT = "accord-project-archive"
VERSION = 1
CHUNK = 500
# Releases still being built are work in flight, like jobs: not archived.
ARCHIVED_RELEASES = (Release.Status.READY, Release.Status.FAILED)


def text_sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remap_actors(value, actors, concepts=None):
    """`value` (a decision's item, edited_to, before or after) with the actor
    of every span item in it replaced through `actors`, and the concept of
    every stance item through `concepts`; an id the mapping does not know
    (deleted since the decision) becomes None."""
    if isinstance(value, list):
        return [remap_actors(v, actors, concepts) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: remap_actors(v, actors, concepts) for k, v in value.items()}
    actor = value.get("actor")
    if "start" in value and isinstance(actor, int) and not isinstance(actor, bool):
        out["actor"] = actors.get(actor)
    concept = value.get("concept")
    if concepts is not None and isinstance(concept, int) and not isinstance(concept, bool):
        out["concept"] = concepts.get(concept)
    return out


def _plain(spec, row):
    return {name: row[name] for name in spec.plain}


class ArchiveWriter:
    """The records of one project's archive, in dependency order."""

    def __init__(self, project, chunk_size=CHUNK):
        self.project = project
        self.chunk_size = chunk_size
        self.documents = Document.objects.filter(project=project)
        self.sets = AnnotationSet.objects.filter(document__project=project)
        self.decisions = Decision.objects.filter(document__project=project)
        self.events = AdjudicationEvent.objects.filter(document__project=project)
        self.releases = Release.objects.filter(project=project, status__in=ARCHIVED_RELEASES)
        self.actor_ids = {}  # database id -> archive id
        self.concept_ids = {}  # database id -> archive id
        self.usernames = {}  # user id -> username
        self.documents_written = 0
        self.written = None  # the counts, once the header is out

    # ------------------------------------------------------------------ counts

    def counts(self):
        p = self.project
        return {
            "users": len(self.usernames),
            "members": Membership.objects.filter(project=p).count(),
            "category_groups": CategoryGroup.objects.filter(project=p).count(),
            "labels": Label.objects.filter(project=p).count(),
            "actors": Actor.objects.filter(project=p).count(),
            "concepts": Concept.objects.filter(project=p).count(),
            "aliases": Alias.objects.filter(actor__project=p).count(),
            "documents": self.documents.count(),
            "sets": self.sets.count(),
            "spans": Span.objects.filter(set__document__project=p).count(),
            "stances": Stance.objects.filter(set__document__project=p).count(),
            "categories": SetCategory.objects.filter(set__document__project=p).count(),
            "decisions": self.decisions.count(),
            "events": self.events.count(),
            "releases": self.releases.count(),
        }

    def referenced_users(self):
        """{user id: username} of every user the project's rows name."""
        p = self.project
        ids = {p.created_by_id}
        sources = (
            (Membership.objects.filter(project=p), "user_id"),
            (self.sets, "author_id"),
            (self.decisions, "reviewer_id"),
            (self.decisions, "reversed_by_id"),
            (self.events, "user_id"),
            (Actor.objects.filter(project=p), "merged_by_id"),
            (Concept.objects.filter(project=p), "merged_by_id"),
            (self.releases, "created_by_id"),
        )
        for rows, column in sources:
            ids.update(rows.order_by().values_list(column, flat=True).distinct())
        annotators = self.decisions.exclude(annotators=[]).values_list("annotators", flat=True)
        for listed in annotators.iterator(chunk_size=2000):
            ids.update(listed)
        ids.discard(None)
        user_model = Membership._meta.get_field("user").related_model
        return dict(user_model.objects.filter(pk__in=ids).values_list("pk", "username"))

    # ------------------------------------------------------------------ records

    def __iter__(self) -> Iterator[dict]:
        self.usernames = self.referenced_users()
        counts = self.written = self.counts()
        yield {
            "type": "header",
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now(),
            "instance": {"host": socket.gethostname(), "database": connection.vendor},
            "source_project": {"id": self.project.pk, "name": self.project.name},
            "counts": counts,
        }
        for username in sorted(self.usernames.values()):
            yield {"type": "user", "username": username}
        yield from self.project_records()
        yield from self.actor_records()
        yield from self.concept_records()
        yield from self.document_records()
        yield from self.release_records()
        yield {"type": "end", "counts": counts}

    def user(self, user_id):
        return self.usernames.get(user_id)

    def project_records(self):
        spec = SPECS["project"]
        row = type(self.project).objects.filter(pk=self.project.pk).values(*spec.plain).get()
        yield {"type": "project", **row, "created_by": self.user(self.project.created_by_id)}
        spec = SPECS["category_group"]
        for row in CategoryGroup.objects.filter(project=self.project).values(*spec.plain):
            yield {"type": "category_group", **row}
        spec = SPECS["label"]
        for row in Label.objects.filter(project=self.project).values("group__name", *spec.plain):
            yield {"type": "label", **_plain(spec, row), "group": row["group__name"]}
        spec = SPECS["member"]
        members = Membership.objects.filter(project=self.project).order_by("user__username")
        for row in members.values("user_id", *spec.plain):
            yield {"type": "member", "user": self.user(row["user_id"]), **_plain(spec, row)}

    def actor_order(self):
        """Actor ids with every survivor before the actors merged into it:
        those never merged first, then each step of the merge chains, each
        group in id order."""
        merged_into = dict(
            Actor.objects.filter(project=self.project).values_list("pk", "merged_into_id")
        )
        depth = {}
        for pk in merged_into:
            chain, node = [], pk
            while node is not None and node not in depth:
                chain.append(node)
                node = merged_into[node]
            base = -1 if node is None else depth[node]
            for offset, member in enumerate(reversed(chain), start=1):
                depth[member] = base + offset
        return sorted(merged_into, key=lambda pk: (depth[pk], pk))

    def actor_records(self):
        spec = SPECS["actor"]
        order = self.actor_order()
        self.actor_ids = {pk: number for number, pk in enumerate(order, start=1)}
        for start in range(0, len(order), self.chunk_size):
            ids = order[start : start + self.chunk_size]
            rows = {
                row["id"]: row
                for row in Actor.objects.filter(pk__in=ids).values(
                    "id", "merged_into_id", "merged_by_id", *spec.plain
                )
            }
            aliases = {}
            for actor_id, text, case_sensitive in (
                Alias.objects.filter(actor_id__in=ids)
                .order_by("actor_id", "text")
                .values_list("actor_id", "text", "case_sensitive")
            ):
                aliases.setdefault(actor_id, []).append(
                    {"text": text, "case_sensitive": case_sensitive}
                )
            for pk in ids:
                row = rows[pk]
                yield {
                    "type": "actor",
                    "id": self.actor_ids[pk],
                    **_plain(spec, row),
                    "merged_into": self.actor_ids.get(row["merged_into_id"]),
                    "merged_by": self.user(row["merged_by_id"]),
                    "aliases": aliases.get(pk, []),
                }

    def concept_records(self):
        """The codebook, in id order, numbered from 1; a concept names its
        parent and survivor by number (restore links them once all are in)."""
        spec = SPECS["concept"]
        rows = list(
            Concept.objects.filter(project=self.project)
            .order_by("pk")
            .values("id", "parent_id", "merged_into_id", "merged_by_id", *spec.plain)
        )
        self.concept_ids = {row["id"]: number for number, row in enumerate(rows, start=1)}
        for row in rows:
            yield {
                "type": "concept",
                "id": self.concept_ids[row["id"]],
                **_plain(spec, row),
                "parent": self.concept_ids.get(row["parent_id"]),
                "merged_into": self.concept_ids.get(row["merged_into_id"]),
                "merged_by": self.user(row["merged_by_id"]),
            }

    def document_records(self):
        last = 0
        spec = SPECS["document"]
        while True:
            rows = list(
                self.documents.filter(pk__gt=last)
                .order_by("pk")
                .values("id", *spec.plain)[: self.chunk_size]
            )
            if not rows:
                return
            within = Q(document__project=self.project, document_id__gt=last) & Q(
                document_id__lte=rows[-1]["id"]
            )
            last = rows[-1]["id"]
            sets, decisions, events = self.chunk_children(within)
            for row in rows:
                pk = row["id"]
                yield {
                    "type": "document",
                    **_plain(spec, row),
                    "text_sha256": text_sha256(row["text"]),
                    "sets": sets.get(pk, []),
                    "decisions": decisions.get(pk, []),
                    "events": events.get(pk, []),
                }
            self.documents_written += len(rows)
            if len(rows) < self.chunk_size:
                return

    def chunk_children(self, within):
        """{document id: [records]} of the sets, decisions and adjudication
        events of the documents `within` selects, in six queries."""
        spec = SPECS["set"]
        set_rows = AnnotationSet.objects.filter(within).order_by("document_id", "pk")
        by_set, sets = {}, {}
        for row in set_rows.values("id", "document_id", "author_id", *spec.plain):
            record = {**_plain(spec, row), "author": self.user(row["author_id"])}
            record["spans"], record["stances"], record["categories"] = [], [], []
            by_set[row["id"]] = record
            sets.setdefault(row["document_id"], []).append(record)
        within_sets = AnnotationSet.objects.filter(within)
        for set_id, (spans, stances, categories) in load_contents(within_sets).items():
            record = by_set[set_id]
            record["spans"] = [
                {
                    "id": sid,
                    "start": s,
                    "end": e,
                    "label": label,
                    "actor": None if actor is None else self.actor_ids[actor],
                    "score": score,
                }
                for _, _, sid, s, e, label, actor, score in spans
            ]
            record["stances"] = [
                {**stance, "concept": self.concept_ids.get(stance["concept"])}
                for stance in (stance_payload(*row[1:]) for row in stances)
            ]
            record["categories"] = categories
        spec = SPECS["decision"]
        decisions = {}
        for row in (
            Decision.objects.filter(within)
            .order_by("document_id", "pk")
            .values("document_id", "reviewer_id", "reversed_by_id", "annotators", *spec.plain)
        ):
            record = _plain(spec, row)
            for name in ("item", "edited_to", "before", "after"):
                record[name] = remap_actors(record[name], self.actor_ids, self.concept_ids)
            record["reviewer"] = self.user(row["reviewer_id"])
            record["reversed_by"] = self.user(row["reversed_by_id"])
            record["annotators"] = [
                self.usernames[u] for u in row["annotators"] if u in self.usernames
            ]
            decisions.setdefault(row["document_id"], []).append(record)
        spec = SPECS["event"]
        events = {}
        for row in (
            AdjudicationEvent.objects.filter(within)
            .order_by("document_id", "pk")
            .values("document_id", "user_id", *spec.plain)
        ):
            record = {**_plain(spec, row), "user": self.user(row["user_id"])}
            events.setdefault(row["document_id"], []).append(record)
        return sets, decisions, events

    def release_records(self):
        spec = SPECS["release"]
        for row in self.releases.order_by("pk").values(
            "created_by_id", "manifest_file", *spec.plain
        ):
            yield {
                "type": "release",
                **_plain(spec, row),
                "created_by": self.user(row["created_by_id"]),
                "manifest_file": read_stored(row["manifest_file"]),
            }


def read_stored(name):
    """The text of a stored file (a release's manifest.json), or None when
    there is none."""
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read().decode("utf-8")
    except FileNotFoundError:
        return None


def gzip_lines(records, level=6) -> Iterator[bytes]:
    """Each record as one line of JSON, gzip'd, in blocks as the compressor
    fills them. The gzip header carries no name or time, so the same
    records always give the same bytes."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    for record in records:
        block = compressor.compress(orjson.dumps(record) + b"\n")
        if block:
            yield block
    yield compressor.flush()


def write_archive(project, out, chunk_size=CHUNK, progress=None):
    """Write the archive of `project` to the binary file `out`, everything
    read in one snapshot; returns the counts written. `progress` is called
    with the number of documents written so far."""
    writer = ArchiveWriter(project, chunk_size)
    with snapshot():
        for block in gzip_lines(writer):
            out.write(block)
            if progress is not None:
                progress(writer.documents_written)
    return writer.written
