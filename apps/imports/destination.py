"""Where the annotations that come with an import land: pure, no ORM.

An import's ``Destination`` is one plain, JSON-serialisable option (so a
background job can carry it): ``annotations`` is

- ``prediction`` (the default): a record's first annotation group, else its
  first prediction, becomes the document's prediction set (source "import");
- ``gold``: a record's one annotation group becomes its gold set, adjudicated
  (a record with more than one is refused: gold is one set);
- ``annotators``: each annotation group becomes a submitted annotator set of
  the Accord user its peer author maps to.

With ``gold`` or ``annotators``, a record's first prediction (Label Studio's
``predictions``) still becomes its prediction set.

A peer author maps through ``user_map`` (peer key or alias -> Accord
username), else by being a member's username or e-mail (an id only the peer
tool knows never matches by itself). Every member may annotate: each role
includes the annotator's.

`plan()` takes the parsed records and the project's members as plain data
and returns what would be stored and every problem, each naming its record
and field; the store validates the spans and writes.
"""

import json
from dataclasses import asdict, dataclass, field

from apps.projects.errors import Invalid
from apps.projects.inputs import check_json

from .parsers import record_error

PREDICTION, GOLD, ANNOTATORS = "prediction", "gold", "annotators"
CHOICES = (PREDICTION, GOLD, ANNOTATORS)


@dataclass(frozen=True)
class Destination:
    annotations: str = PREDICTION
    user_map: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_data(cls, data) -> "Destination":
        """The destination of request data (a dict, None for the default):
        ``annotations``, and ``user_map`` as an object or its JSON text (a
        multipart form cannot carry an object). Raises Invalid naming the field."""
        data = data or {}
        annotations = data.get("annotations") or PREDICTION
        if annotations not in CHOICES:
            raise Invalid(
                f"must be one of {', '.join(CHOICES)}, got {annotations!r}", field="annotations"
            )
        user_map = data.get("user_map") or {}
        if isinstance(user_map, str):
            try:
                user_map = json.loads(user_map)
            except (ValueError, RecursionError):  # RecursionError: nested absurdly deep
                raise Invalid(
                    'must be a JSON object {"peer author": "accord username"}', field="user_map"
                ) from None
        if not isinstance(user_map, dict):
            raise Invalid('must be an object {"peer author": "accord username"}', field="user_map")
        check_json(user_map, "user_map")
        for peer, username in user_map.items():
            if not isinstance(username, str) or not username.strip():
                raise Invalid(
                    f"the Accord username for {peer!r} must be a non-empty string",
                    field="user_map",
                )
        return cls(annotations, {str(k): v.strip() for k, v in user_map.items()})


@dataclass(frozen=True)
class Member:
    id: int
    username: str
    email: str = ""


@dataclass
class SetPlan:
    """One set the import would store on a record's document."""

    kind: str  # "prediction", "gold" or "annotator" (AnnotationSet.Kind values)
    group: object  # the parsers' AnnotationGroup
    user_id: int | None = None


@dataclass
class Plan:
    sets: dict  # external id -> [SetPlan]
    errors: list  # RecordError dicts
    authors: list  # one summary per peer author, in order of appearance

    def user_ids(self):
        return {p.user_id for plans in self.sets.values() for p in plans if p.user_id}


def _empty(group):
    return not group.spans and not group.stances and not group.categories and not group.problems


def _described(group, record):
    """A group in a message: its author, and where it is when elsewhere."""
    who = group.author.shown if group.author else "unnamed"
    return who if group.where == record.where else f"{who} in {group.where}"


class Resolver:
    """Peer authors to Accord members, each resolved once."""

    def __init__(self, user_map, members, known_users):
        self.user_map = user_map
        self.by_username = {m.username: m for m in members}
        self.by_email = {}
        for m in members:
            if m.email:
                self.by_email.setdefault(m.email.lower(), []).append(m)
        self.known_users = known_users
        self.cache = {}

    def resolve(self, author):
        """``(Member or None, how it matched or None, problem or None)``."""
        if author.key not in self.cache:
            self.cache[author.key] = self._resolve(author)
        return self.cache[author.key]

    def _resolve(self, author):
        for key in (author.key, *author.aliases):
            if key in self.user_map:
                username = self.user_map[key]
                member = self.by_username.get(username)
                if member is not None:
                    return member, "user_map", None
                if username in self.known_users:
                    problem = f"is mapped to {username}, who is not a member of this project"
                else:
                    problem = f"is mapped to {username}, but no Accord user has that name"
                return None, None, problem
        if author.kind == "id":
            return None, None, "is an id only the peer tool knows; map it to a member in user_map"
        member = self.by_username.get(author.key)
        if member is not None:
            return member, "username", None
        if "@" in author.key:
            found = self.by_email.get(author.key.lower(), [])
            if len(found) == 1:
                return found[0], "email", None
            if len(found) > 1:
                return None, None, "is the e-mail of several members; map it in user_map"
        return None, None, "matches no member's username or e-mail; map it in user_map"


def plan(records, destination, members, k, known_users=frozenset(), authorship=""):
    """What importing `records` (the parsers' DocumentRecords) to
    `destination` would store: a Plan. `members`: the project's Members;
    `k`: the most annotators a document may have; `known_users`: the
    usernames in user_map that have an account (for the messages);
    `authorship`: the format's sentence on who annotated (parsers.AUTHORSHIP)."""
    planner = Planner(destination, k, authorship)
    planner.meet(members, known_users)
    sets, errors = planner.add(records)
    errors += planner.finish()
    return Plan(sets=sets, errors=errors, authors=planner.authors())


class Planner:
    """`plan` for an input read in batches: ``add`` each batch (its sets and
    the problems found in it), then ``finish`` for the problems only the
    whole input shows. What spans batches is kept here: who is named, the
    peer authors and the ones no member matches, each reported once."""

    def __init__(self, destination, k, authorship=""):
        self.mode = destination.annotations
        self.user_map = destination.user_map
        self.k = k
        self.authorship = authorship
        self.resolver = Resolver(self.user_map, [], frozenset())
        self.met = False
        self.named = False  # whether any record so far names an author
        self.annotated = False  # whether any record so far has annotations
        # The problems of annotations read before anyone was named: they are
        # reported at the end if someone is named later, else one error says
        # that nobody is.
        self.pending = []
        self.summaries, self.peers = {}, {}  # key -> summary, key -> PeerAuthor
        self.unresolved = {}  # key -> [first group, problem, records]

    def meet(self, members, known_users=frozenset()):
        """The project's Members, before any record that names an author is added."""
        self.resolver = Resolver(self.user_map, members, known_users)
        self.met = True

    def needs_members(self, records):
        """Whether adding `records` needs the members (someone is named, or
        annotators' sets are asked for), when they are not met yet."""
        if self.met:
            return False
        return self.mode == ANNOTATORS or any(
            g.author is not None for r in records for g in r.annotations
        )

    def add(self, records):
        """``(sets, errors)`` of a batch: external id -> [SetPlan], and RecordError dicts."""
        mode, k = self.mode, self.k
        sets, errors = {}, []

        def fail(where, field_, message, into=errors):
            into.append(record_error(where, field_, message).as_dict())

        def store(record, kind, group, user_id=None):
            if _empty(group) and kind == "prediction":
                return  # an empty prediction set says nothing; none is made, as before
            sets.setdefault(record.external_id, []).append(SetPlan(kind, group, user_id))
            errors.extend(p.as_dict() for p in group.problems)

        self.named = self.named or any(g.author is not None for r in records for g in r.annotations)
        for record in records:
            annotations, predictions = record.annotations, record.predictions
            self.annotated = self.annotated or bool(annotations)
            for group in annotations:
                if group.author is not None:
                    summary = self.summaries.setdefault(
                        group.author.key,
                        {
                            "peer": group.author.key,
                            "name": group.author.shown,
                            "kind": group.author.kind,
                            "documents": 0,
                        },
                    )
                    summary["documents"] += 1
                    self.peers.setdefault(group.author.key, group.author)
            if mode == PREDICTION:
                first = annotations[0] if annotations else (predictions[0] if predictions else None)
                if first is not None:
                    store(record, "prediction", first)
                continue
            if predictions:
                store(record, "prediction", predictions[0])
            if mode == GOLD:
                if len(annotations) > 1:
                    names = ", ".join(_described(g, record) for g in annotations)
                    fail(
                        record.where,
                        annotations[1].prefix or annotations[1].author_field,
                        f"has {len(annotations)} annotation groups ({names}); gold is one set, "
                        "so import them as annotators' sets, or keep one per document",
                    )
                elif annotations:
                    store(record, "gold", annotations[0])
                continue
            # ANNOTATORS: until someone is named, these problems wait (see pending).
            into = errors if self.named else self.pending
            taken = {}  # user id -> the group that has it
            stored = []
            for group in annotations:
                if group.author_problem:
                    fail(group.where, group.author_field, group.author_problem, into)
                    continue
                if group.author is None:
                    fail(
                        group.where,
                        group.author_field or group.prefix,
                        "names no annotator, so it cannot become an annotator's set",
                        into,
                    )
                    continue
                member, _, problem = self.resolver.resolve(group.author)
                if member is None:
                    entry = self.unresolved.setdefault(group.author.key, [group, problem, 0])
                    entry[2] += 1
                    continue
                if member.id in taken:
                    fail(
                        group.where,
                        group.author_field,
                        f"{group.author.shown} and {taken[member.id].author.shown} are both "
                        f"{member.username} here: an annotator has one set per document",
                    )
                    continue
                taken[member.id] = group
                stored.append((group, member))
            if len(annotations) > k:
                fail(
                    record.where,
                    annotations[k].author_field or annotations[k].prefix,
                    f"has {len(annotations)} annotators' groups; the project takes {k} "
                    f"annotator{'s' if k != 1 else ''} per document (annotators_per_document): "
                    "raise it first",
                    into,
                )
                continue
            for group, member in stored:
                store(record, "annotator", group, member.id)
        return sets, errors

    def finish(self):
        """The problems of the whole input, once every batch is added."""
        errors = []
        if self.mode != ANNOTATORS:
            return errors
        if self.named:
            errors += self.pending
        elif self.annotated:
            errors.append(
                {
                    "where": "input",
                    "field": "annotations",
                    "message": f"Nobody is named as annotator: {self.authorship}. "
                    "Import the annotations as predictions or gold.",
                }
            )
        for key, (group, problem, count) in self.unresolved.items():
            others = f" (and {count - 1} more records)" if count > 1 else ""
            errors.append(
                record_error(
                    group.where,
                    group.author_field,
                    f"{self.summaries[key]['name']} {problem}{others}",
                ).as_dict()
            )
        return errors

    def authors(self):
        """One summary per peer author, in order of appearance, with whom it maps to."""
        for key, summary in self.summaries.items():
            member, how, problem = self.resolver.resolve(self.peers[key])
            summary.update(
                user=member.username if member else None, matched_by=how, problem=problem
            )
        return list(self.summaries.values())
