"""Restoring an archive into a new project, in one transaction.

The file is read line by line and stored as it is read, documents
`chunk_size` at a time with the same queries for every chunk, so memory
stays flat in the project's size. Every record is checked before anything of
it is stored: its columns through the model fields, its sets through
annotations' validate_set against its own text and the restored schema, its
references (users, actors, labels, spans) against what came before it. The
first problem refuses the whole restore with an ArchiveError naming the line,
the record and the field; the transaction rolls back and the manifest files
already stored are deleted, so nothing of a refused restore remains.
"""

import gzip
import hashlib
import zlib
from collections import Counter

import orjson
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction

from apps.actors.models import Actor, Alias, Concept
from apps.annotations.counters import recount
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import insert_rows, refresh_sort_keys
from apps.annotations.validation import Schema, validate_set
from apps.documents.models import Document
from apps.projects.errors import Invalid
from apps.projects.inputs import MAX_BODY_DEPTH, json_problem
from apps.projects.models import CategoryGroup, Label, Membership, Project, Role
from apps.review.models import AdjudicationEvent, Decision
from apps.review.queue import refresh_model_scores, rescore

from ..models import Release
from ..releases import store
from .fields import SPECS, decode, unknown_keys
from .writer import ARCHIVED_RELEASES, CHUNK, FORMAT, VERSION, remap_actors, text_sha256

# The record types, in the order an archive holds them.
ORDER = (
    "header",
    "user",
    "project",
    "category_group",
    "label",
    "member",
    "actor",
    "concept",
    "document",
    "release",
    "end",
)
COUNTED = {
    "member": "members",
    "category_group": "category_groups",
    "label": "labels",
    "actor": "actors",
    "concept": "concepts",
    "document": "documents",
    "release": "releases",
}


class ArchiveError(Invalid):
    """The archive cannot be restored; `errors` lists each problem with its
    record (``line 12 (document "d3")``), field and message."""

    def __init__(self, problems, limit=5):
        parts = [f"{where}, {field}: {message}" for where, field, message in problems[:limit]]
        if len(problems) > limit:
            parts.append(f"and {len(problems) - limit} more")
        super().__init__(
            "Nothing was restored. " + "; ".join(parts),
            errors=[{"record": w, "field": f, "message": m} for w, f, m in problems],
        )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _auto_times(model):
    """Columns Django sets itself on insert (auto_now, auto_now_add): written
    again from the archive after the insert."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]


def _create(model, objects, values):
    """bulk_create `objects`, then put back the archive's timestamps that the
    insert replaced (`values`: each object's cleaned columns), in one
    executemany: the values are cleaned already, and an UPDATE … CASE per
    column (bulk_update) costs more to compile than the rows to write."""
    created = model.objects.bulk_create(objects)
    names = [n for n in _auto_times(model) if any(n in v for v in values)]
    if names and created:
        fields = [model._meta.get_field(n) for n in names]
        quote = connection.ops.quote_name
        sql = "UPDATE {} SET {} WHERE {} = %s".format(
            quote(model._meta.db_table),
            ", ".join(f"{quote(f.column)} = %s" for f in fields),
            quote(model._meta.pk.column),
        )
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            cursor.executemany(
                sql,
                [
                    [*(adapt(v.get(n, getattr(obj, n))) for n in names), obj.pk]
                    for obj, v in zip(created, values, strict=True)
                ],
            )
    return created


# How a user of the archive unknown here is mapped, as the caller says it.
MAP_BY_COMMAND = ("--user-map", "map it (--user-map {name}=USERNAME) or pass --create-users")
MAP_BY_API = ("user_map", 'map it (user_map {{"{name}": "USERNAME"}})')


class Restorer:
    def __init__(
        self, name=None, user_map=None, create_users=False, chunk_size=CHUNK, how=MAP_BY_COMMAND
    ):
        self.name = name
        self.how = how
        self.user_map = dict(user_map or {})
        self.create_users = create_users
        self.chunk_size = chunk_size
        self.stage = -1
        self.header = None
        self.project = None
        self.archive_users = {}  # username in the archive -> line
        self.users = {}  # username in the archive -> user id here
        self.groups, self.group_ids, self.group_multiple = [], {}, {}
        self.categories = {}  # category label name -> (group name, multiple)
        self.labels, self.label_ids = [], {}
        self.members = []
        self.actor_ids = {}  # archive id -> id here
        self.merged = {}  # id here -> survivor's id here, for merged actors
        self.names = set()  # names of actors not merged away (unique in a project)
        self.pending_actors = []
        self.concepts = []  # (where, number, parent, merged_into, merged_by, values)
        self.concept_ids = {}  # archive id -> id here
        self.documents = []
        self.stored = []  # manifest files written to storage
        self.tally = Counter()
        self.where = ""
        self.mismatch = None

    # ------------------------------------------------------------------ reading

    def refuse(self, field, message, where=None):
        raise ArchiveError([(where or self.where, field, message)])

    def take(self, number, line):
        self.where = f"line {number}"
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            self.refuse("record", f"is not JSON ({exc})")
        # orjson refuses lone surrogates itself; NUL, nesting and numbers past
        # 64 bits are refused as from any other client.
        if problem := json_problem(record, max_depth=MAX_BODY_DEPTH, max_size=None):
            self.refuse(problem[0] or "record", problem[1])
        if not isinstance(record, dict) or record.get("type") not in ORDER:
            self.refuse("type", f"must be one of {', '.join(ORDER)}")
        kind = record["type"]
        stage = ORDER.index(kind)
        if self.stage == ORDER.index("end"):
            self.refuse("type", "nothing may follow the end record")
        if self.stage == -1 and kind != "header":
            self.refuse("type", "an archive starts with its header record")
        if stage < self.stage or (stage == self.stage and kind in ("header", "project")):
            self.refuse("type", f"a {kind} record cannot come after a {ORDER[self.stage]} record")
        while self.stage < stage:
            if self.stage >= 0:
                self.leave(ORDER[self.stage])
            self.stage += 1
            if ORDER[self.stage] == "project" and kind != "project":
                self.refuse("type", "the archive has no project record before this one")
        label = record.get("external_id") or record.get("name") or record.get("username")
        named = ("document", "actor", "concept", "category_group", "label", "release", "user")
        if kind in named and label is not None:
            self.where = f'line {number} ({kind} "{label}")'
        elif kind != "header":
            self.where = f"line {number} ({kind})"
        getattr(self, f"read_{kind}")(record)
        if kind in COUNTED:
            self.tally[COUNTED[kind]] += 1

    def leave(self, stage):
        finish = getattr(self, f"leave_{stage}", None)
        if finish is not None:
            finish()

    def finish(self):
        if self.stage != ORDER.index("end"):
            self.refuse("end", "the archive stops before its end record: it is truncated", "file")
        problems = []
        if self.mismatch:
            problems.append(("end", "counts", self.mismatch))
        _, wrong = recount(Document.objects.filter(project=self.project), dry_run=True)
        if wrong:  # restore computed them; this says it did so right
            problems.append(("documents", "counts", f"{len(wrong)} documents' counts are wrong"))
        if problems:
            raise ArchiveError(problems)
        # Every kind the header counts, none of it read or not.
        return self.project, {name: 0 for name in self.header["counts"]} | dict(self.tally)

    def fields(self, kind, record, extra=(), exclude=()):
        spec = SPECS[kind]
        unknown = unknown_keys(spec, record, extra)
        if unknown:
            self.refuse(
                unknown[0],
                "is not a field of this archive format (written by another version?)",
            )
        errors = []
        values = decode(spec, record, self.where, errors, exclude)
        if errors:
            raise ArchiveError(errors)
        return values

    def user(self, username, field):
        if username is None:
            return None
        if username not in self.users:
            self.refuse(field, f"names user {username!r}, who is not among the archive's users")
        return self.users[username]

    # ------------------------------------------------------------------ records

    def read_header(self, record):
        self.where = "line 1 (header)"
        if record.get("format") != FORMAT:
            self.refuse("format", f"is {record.get('format')!r}, not {FORMAT!r}")
        if record.get("version") != VERSION:
            self.refuse(
                "version",
                f"is {record.get('version')!r}; this instance restores version {VERSION}",
            )
        if not isinstance(record.get("counts"), dict):
            self.refuse("counts", "is required: the number of records of each kind")
        self.header = record

    def read_user(self, record):
        username = record.get("username")
        if not isinstance(username, str) or not username:
            self.refuse("username", "must be a non-empty string")
        if username in self.archive_users:
            self.refuse("username", "appears twice")
        self.archive_users[username] = self.where
        self.tally["users"] += 1

    def leave_user(self):
        """Every archive user to a user here: mapped, the same username, or
        created; all unknown ones refused at once."""
        option, hint = self.how
        problems = [
            (option, old, "is not a user of the archive")
            for old in self.user_map
            if old not in self.archive_users
        ]
        wanted = {name: self.user_map.get(name, name) for name in self.archive_users}
        model = get_user_model()
        found = dict(
            model.objects.filter(username__in=set(wanted.values())).values_list("username", "pk")
        )
        for name, target in wanted.items():
            if target in found:
                self.users[name] = found[target]
            elif self.create_users:
                user = model(username=target)
                user.set_unusable_password()
                user.save()
                found[target] = self.users[name] = user.pk
            else:
                problems.append(
                    (
                        self.archive_users[name],
                        "username",
                        f"{target!r}: no such user here; {hint.format(name=name)}",
                    )
                )
        if problems:
            raise ArchiveError(problems)

    def read_project(self, record):
        values = self.fields("project", record, extra=("created_by",))
        if self.name is not None:
            values["name"] = self.name
        creator = self.user(record.get("created_by"), "created_by")
        project = Project(**values, created_by_id=creator)
        try:
            project.full_clean(exclude=["created_by"], validate_constraints=False)
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            self.refuse(field, " ".join(messages))
        project.save()
        if "created_at" in values:
            Project.objects.filter(pk=project.pk).update(created_at=values["created_at"])
        self.project = project

    def read_category_group(self, record):
        values = self.fields("category_group", record)
        if any(other["name"] == values.get("name") for other in self.groups):
            self.refuse("name", "is already the name of another category group")
        self.groups.append(values)

    def leave_category_group(self):
        created = _create(
            CategoryGroup,
            [CategoryGroup(project=self.project, **v) for v in self.groups],
            self.groups,
        )
        self.group_ids = {group.name: group.pk for group in created}
        self.group_multiple = {group.name: group.multiple for group in created}

    def read_label(self, record):
        values = self.fields("label", record, extra=("group",))
        for other in self.labels:
            if other["name"] == values.get("name"):
                self.refuse("name", "is already the name of another label")
            if values.get("shortcut") and other.get("shortcut") == values["shortcut"]:
                self.refuse("shortcut", f"{values['shortcut']!r} is another label's key")
        group = record.get("group")
        if (group is None) != (values.get("kind") != Label.Kind.CATEGORY):
            self.refuse("group", "a category label needs its group, and only it has one")
        if group is not None and group not in self.group_ids:
            self.refuse("group", f"names category group {group!r}, which is not in the archive")
        values["group_id"] = self.group_ids.get(group)
        self.labels.append(values)
        if group is not None:
            self.categories[values["name"]] = (group, self.group_multiple[group])

    def leave_label(self):
        created = _create(
            Label, [Label(project=self.project, **v) for v in self.labels], self.labels
        )
        self.label_ids = {label.name: label.pk for label in created}
        kinds = {v["name"]: v["kind"] for v in self.labels}
        self.entity = {n for n, k in kinds.items() if k == Label.Kind.ENTITY}
        self.stance = {n for n, k in kinds.items() if k == Label.Kind.STANCE}

    def read_member(self, record):
        values = self.fields("member", record, extra=("user",))
        user = self.user(record.get("user"), "user")
        if user is None:
            self.refuse("user", "is required")
        if any(user == m[0] for m in self.members):
            self.refuse("user", f"{record['user']!r} is a member twice")
        self.members.append((user, values))

    def leave_member(self):
        if not any(v.get("role") == Role.OWNER for _, v in self.members):
            self.refuse("member", "the archive has no owner: a project keeps one", "members")
        _create(
            Membership,
            [Membership(project=self.project, user_id=u, **v) for u, v in self.members],
            [v for _, v in self.members],
        )

    def read_actor(self, record):
        values = self.fields("actor", record, extra=("id", "merged_into", "merged_by", "aliases"))
        number = record.get("id")
        if (
            not _is_int(number)
            or number in self.actor_ids
            or any(number == p[0] for p in self.pending_actors)
        ):
            self.refuse("id", f"must be a number no other actor has, got {number!r}")
        into = record.get("merged_into")
        if into is not None:
            if any(into == p[0] for p in self.pending_actors):
                self.flush_actors()
            if into not in self.actor_ids:
                self.refuse("merged_into", f"names actor {into!r}, which is not before it")
        elif values.get("name") in self.names:
            self.refuse("name", "is the name of another actor that was not merged away")
        else:
            self.names.add(values.get("name"))
        aliases = record.get("aliases") or []
        texts = set()
        for i, alias in enumerate(aliases if isinstance(aliases, list) else [None]):
            ok = isinstance(alias, dict) and isinstance(alias.get("text"), str) and alias["text"]
            if not ok or not isinstance(alias.get("case_sensitive", True), bool):
                self.refuse(f"aliases[{i}]", "must be {text, case_sensitive}")
            if alias["text"] in texts:
                self.refuse(f"aliases[{i}].text", "repeats another alias of this actor")
            texts.add(alias["text"])
        merged_by = self.user(record.get("merged_by"), "merged_by")
        self.pending_actors.append((number, into, merged_by, values, aliases))
        if len(self.pending_actors) >= self.chunk_size:
            self.flush_actors()

    def flush_actors(self):
        pending, self.pending_actors = self.pending_actors, []
        if not pending:
            return
        actors = [
            Actor(
                project=self.project,
                merged_into_id=self.actor_ids.get(into),
                merged_by_id=merged_by,
                **values,
            )
            for _, into, merged_by, values, _ in pending
        ]
        created = _create(Actor, actors, [p[3] for p in pending])
        aliases = []
        for (number, into, _, _, listed), actor in zip(pending, created, strict=True):
            self.actor_ids[number] = actor.pk
            if into is not None:
                self.merged[actor.pk] = self.actor_ids[into]
            aliases += [
                Alias(actor=actor, text=a["text"], case_sensitive=a.get("case_sensitive", True))
                for a in listed
            ]
        Alias.objects.bulk_create(aliases)
        self.tally["aliases"] += len(aliases)

    def leave_actor(self):
        self.flush_actors()
        survivors = set(self.actor_ids.values()) - set(self.merged)
        self.schema = Schema(
            self.entity, self.stance, survivors, self.merged, categories=self.categories
        )

    def read_concept(self, record):
        values = self.fields("concept", record, extra=("id", "parent", "merged_into", "merged_by"))
        number = record.get("id")
        if not _is_int(number) or any(number == c[1] for c in self.concepts):
            self.refuse("id", f"must be a number no other concept has, got {number!r}")
        links = [record.get(name) for name in ("parent", "merged_into")]
        for name, value in zip(("parent", "merged_into"), links, strict=True):
            if value is not None and not _is_int(value):
                self.refuse(name, f"must be a concept number, got {value!r}")
        merged_by = self.user(record.get("merged_by"), "merged_by")
        self.concepts.append((self.where, number, *links, merged_by, values))

    def leave_concept(self):
        """Store the codebook, then link parents and survivors (an archive
        may name a concept before its parent); every link must name a
        concept of the archive and the hierarchy must have no cycle."""
        numbers = {c[1] for c in self.concepts}
        names = set()
        for where, number, parent, into, _, values in self.concepts:
            for name, value in (("parent", parent), ("merged_into", into)):
                if value is not None and (value not in numbers or value == number):
                    self.refuse(name, f"names concept {value!r}, not another of the archive", where)
            if into is None:
                if values.get("name") in names:
                    self.refuse("name", "is the name of another concept not merged away", where)
                names.add(values.get("name"))
        parents = {c[1]: c[2] for c in self.concepts}
        for where, number, *_ in self.concepts:
            seen, node = set(), number
            while node is not None:
                if node in seen:
                    self.refuse("parent", "makes the hierarchy a cycle", where)
                seen.add(node)
                node = parents[node]
        concepts = [
            Concept(project=self.project, merged_by_id=merged_by, **values)
            for _, _, _, _, merged_by, values in self.concepts
        ]
        created = _create(Concept, concepts, [c[5] for c in self.concepts])
        self.concept_ids = {
            c[1]: concept.pk for c, concept in zip(self.concepts, created, strict=True)
        }
        for (_, _, parent, into, _, _), concept in zip(self.concepts, created, strict=True):
            concept.parent_id = self.concept_ids.get(parent)
            concept.merged_into_id = self.concept_ids.get(into)
        Concept.objects.bulk_update(created, ["parent", "merged_into"])
        merged = {self.concept_ids[c[1]]: self.concept_ids[c[3]] for c in self.concepts if c[3]}
        self.schema.concepts = set(self.concept_ids.values()) - set(merged)
        self.schema.merged_concepts = merged

    def concept(self, number, field):
        if number is None:
            return None
        if not _is_int(number) or number not in self.concept_ids:
            self.refuse(field, f"names concept {number!r}, which is not in the archive")
        return self.concept_ids[number]

    def actor(self, number, field):
        if number is None:
            return None
        if number not in self.actor_ids:
            self.refuse(field, f"names actor {number!r}, which is not in the archive")
        return self.actor_ids[number]

    def read_document(self, record):
        children = ("text_sha256", "sets", "decisions", "events")
        values = self.fields("document", record, extra=children)
        text = values.get("text", "")
        if record.get("text_sha256") != text_sha256(text):
            self.refuse("text", "does not match the record's text_sha256: the text was changed")
        sets = [self.read_set(i, s, text) for i, s in enumerate(self.listed(record, "sets"))]
        kinds = Counter((s[0]["kind"], s[1] or s[0].get("source", "")) for s in sets)
        for (kind, who), n in kinds.items():
            if n > 1 and kind in (AnnotationSet.Kind.ANNOTATOR, AnnotationSet.Kind.PREDICTION):
                self.refuse("sets", f"has {n} {kind} sets of {who!r}; one is allowed")
        if sum(1 for s in sets if s[0]["kind"] == AnnotationSet.Kind.GOLD) > 1:
            self.refuse("sets", "has more than one gold set")
        decisions = [
            self.read_decision(i, d) for i, d in enumerate(self.listed(record, "decisions"))
        ]
        events = [self.read_event(i, e) for i, e in enumerate(self.listed(record, "events"))]
        self.documents.append((self.where, values, sets, decisions, events))
        if len(self.documents) >= self.chunk_size:
            self.flush_documents()

    def listed(self, record, name):
        items = record.get(name, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            self.refuse(name, "must be a list of objects")
        return items

    def nested(self, kind, path, record, extra):
        """The cleaned columns of a set, decision or event inside a document."""
        where, self.where = self.where, f"{self.where}, {path}"
        try:
            return self.fields(kind, record, extra=extra)
        finally:
            self.where = where

    def read_set(self, index, record, text):
        path = f"sets[{index}]"
        values = self.nested("set", path, record, ("author", "spans", "stances", "categories"))
        author = self.user(record.get("author"), f"{path}.author")
        if values.get("kind") == AnnotationSet.Kind.ANNOTATOR and author is None:
            self.refuse(f"{path}.author", "is required for an annotator's set")
        spans = record.get("spans") or []
        if not isinstance(spans, list):
            self.refuse(f"{path}.spans", "must be a list")
        spans = [
            {**s, "actor": self.actor(s.get("actor"), f"{path}.spans[{i}].actor")}
            if isinstance(s, dict)
            else s
            for i, s in enumerate(spans)
        ]
        stances = record.get("stances") or []
        if isinstance(stances, list):
            stances = [
                {**t, "concept": self.concept(t.get("concept"), f"{path}.stances[{i}].concept")}
                if isinstance(t, dict)
                else t
                for i, t in enumerate(stances)
            ]
        data = {"spans": spans, "stances": stances, "categories": record.get("categories")}
        for item in (*spans, *(data["stances"] if isinstance(data["stances"], list) else ())):
            if isinstance(item, dict) and item.get("id") is None:
                self.refuse(f"{path}.spans", "every span and stance needs its id")
        scores = values.get("kind") == AnnotationSet.Kind.PREDICTION
        clean, errors = validate_set(text, data, self.schema, scores)
        if errors:
            raise ArchiveError([(self.where, f"{path}.{e['field']}", e["message"]) for e in errors])
        self.tally["sets"] += 1
        self.tally["spans"] += len(clean.spans)
        self.tally["stances"] += len(clean.stances)
        self.tally["categories"] += len(clean.categories)
        return values, author, clean

    def read_decision(self, index, record):
        path = f"decisions[{index}]"
        values = self.nested("decision", path, record, ("reviewer", "reversed_by", "annotators"))
        reviewer = self.user(record.get("reviewer"), f"{path}.reviewer")
        if reviewer is None:
            self.refuse(f"{path}.reviewer", "is required")
        annotators = record.get("annotators") or []
        if not isinstance(annotators, list):
            self.refuse(f"{path}.annotators", "must be a list of usernames")
        values["annotators"] = [self.user(u, f"{path}.annotators") for u in annotators]
        reverse = self.actor_ids
        for name in ("item", "edited_to", "before", "after"):
            if name in values:
                unknown = _unknown_actors(values[name], reverse)
                if unknown:
                    self.refuse(f"{path}.{name}", f"names actor {unknown[0]!r}, not in the archive")
                values[name] = remap_actors(values[name], reverse, self.concept_ids)
        self.tally["decisions"] += 1
        return Decision(
            reviewer_id=reviewer,
            reversed_by_id=self.user(record.get("reversed_by"), f"{path}.reversed_by"),
            **values,
        ), values

    def read_event(self, index, record):
        path = f"events[{index}]"
        values = self.nested("event", path, record, ("user",))
        user = self.user(record.get("user"), f"{path}.user")
        if user is None:
            self.refuse(f"{path}.user", "is required")
        self.tally["events"] += 1
        return AdjudicationEvent(user_id=user, **values), values

    def flush_documents(self):
        chunk, self.documents = self.documents, []
        if not chunk:
            return
        ids = Counter(values.get("external_id") for _, values, *_ in chunk)
        taken = set(
            Document.objects.filter(project=self.project, external_id__in=list(ids)).values_list(
                "external_id", flat=True
            )
        )
        for where, values, *_ in chunk:
            if ids[values.get("external_id")] > 1 or values.get("external_id") in taken:
                self.refuse("external_id", "is the id of another document in the archive", where)
        documents = []
        for _, values, sets, _, _ in chunk:
            annotator = [s for s in sets if s[0]["kind"] == AnnotationSet.Kind.ANNOTATOR]
            submitted = [s for s in annotator if s[0]["status"] == AnnotationSet.Status.SUBMITTED]
            documents.append(
                Document(
                    project=self.project,
                    annotator_count=len(annotator),
                    submitted_count=len(submitted),
                    **values,
                )
            )
        documents = _create(Document, documents, [c[1] for c in chunk])
        sets, set_values, cleans, decisions, decision_values, events, event_values = (
            [],
            [],
            [],
            [],
            [],
            [],
            [],
        )
        for document, (_, _, doc_sets, doc_decisions, doc_events) in zip(
            documents, chunk, strict=True
        ):
            for values, author, clean in doc_sets:
                sets.append(AnnotationSet(document=document, author_id=author, **values))
                set_values.append(values)
                cleans.append(clean)
            for decision, values in doc_decisions:
                decision.document = document
                decisions.append(decision)
                decision_values.append(values)
            for event, values in doc_events:
                event.document = document
                events.append(event)
                event_values.append(values)
        sets = _create(AnnotationSet, sets, set_values)
        insert_rows([(s.pk, clean) for s, clean in zip(sets, cleans, strict=True)], self.label_ids)
        # Again after the sets' own times were put back (insert_rows ran first).
        refresh_sort_keys(Document.objects.filter(pk__in=[d.pk for d in documents]))
        _create(Decision, decisions, decision_values)
        _create(AdjudicationEvent, events, event_values)
        # Derived: the disagreement scores, of every document with sets
        # to compare, and the model's (rescore's too) of those predicted.
        scored = {d.pk for d in documents if d.submitted_count > 1}
        rescore(sorted(scored))
        predicted = {s.document_id for s in sets if s.kind == AnnotationSet.Kind.PREDICTION}
        refresh_model_scores(sorted(predicted - scored))

    def leave_document(self):
        self.flush_documents()

    def read_release(self, record):
        values = self.fields("release", record, extra=("created_by", "manifest_file"))
        if values.get("status") not in ARCHIVED_RELEASES:
            self.refuse("status", f"must be one of {', '.join(ARCHIVED_RELEASES)}")
        if Release.objects.filter(project=self.project, name=values.get("name")).exists():
            self.refuse("name", "is the name of another release in the archive")
        body = record.get("manifest_file")
        if body is not None:
            if not isinstance(body, str):
                self.refuse("manifest_file", "must be the manifest's text")
            digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
            if digest != values.get("manifest_sha256"):
                self.refuse("manifest_file", "does not match manifest_sha256: it was changed")
        creator = self.user(record.get("created_by"), "created_by")
        release = Release.objects.create(project=self.project, created_by_id=creator, **values)
        update = {"created_at": values["created_at"]} if "created_at" in values else {}
        if body is not None:
            path = f"releases/project-{self.project.pk}/release-{release.pk}/manifest.json"
            update["manifest_file"] = store(path, [body], self.stored)[0]
        if update:
            Release.objects.filter(pk=release.pk).update(**update)

    def read_end(self, record):
        counts = record.get("counts")
        if counts != self.header["counts"]:
            self.mismatch = f"the end record counts {counts}, the header {self.header['counts']}"
        else:
            read = {name: self.tally.get(name, 0) for name in counts}
            if read != counts:
                differ = {n: (counts[n], read[n]) for n in counts if counts[n] != read[n]}
                self.mismatch = f"the archive says and holds (says, holds): {differ}"


def _unknown_actors(value, known):
    """Actor numbers in span items of `value` that `known` lacks."""
    if isinstance(value, list):
        return [a for v in value for a in _unknown_actors(v, known)]
    if not isinstance(value, dict):
        return []
    found = [a for v in value.values() for a in _unknown_actors(v, known)]
    actor = value.get("actor")
    if "start" in value and _is_int(actor) and actor not in known:
        found.append(actor)
    return found


def check_users(source, user_map=None):
    """Read only the header and the user records of the archive in `source`
    and refuse (ArchiveError) every user of it that neither `user_map` nor
    the same username gives a user here, all at once; stores nothing. What
    is wrong further on is the restore's to say."""
    restorer = Restorer(user_map=user_map, how=MAP_BY_API)
    try:
        with gzip.open(source, "rb") as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError:
                    record = None
                if not isinstance(record, dict) or record.get("type") not in ("header", "user"):
                    break
                restorer.take(number, line)
    except (OSError, EOFError, zlib.error) as exc:
        raise ArchiveError([("file", "file", f"is not a gzip file ({exc})")]) from None
    if restorer.header is not None:
        restorer.leave_user()


def restore_archive(
    source, *, name=None, user_map=None, create_users=False, chunk_size=CHUNK, how=MAP_BY_COMMAND
):
    """Restore the archive in `source` (a path or a binary file) as a new
    project; returns ``(project, counts)``. One transaction: on any problem
    an ArchiveError and nothing stored."""
    restorer = Restorer(name, user_map, create_users, chunk_size, how)
    try:
        with transaction.atomic(), gzip.open(source, "rb") as lines:
            number = 0
            try:
                for number, line in enumerate(lines, start=1):
                    restorer.take(number, line)
            except (OSError, EOFError, zlib.error) as exc:
                raise ArchiveError(
                    [(f"after line {number}", "file", f"is not a whole gzip file ({exc})")]
                ) from None
            return restorer.finish()
    except BaseException:
        for stored in restorer.stored:
            default_storage.delete(stored)
        raise
