"""Discourse networks from statements: who takes which position on what.

A statement is one coded claim: an actor, a concept, and the actor's
position on it (a stance polarity such as SUPPORT or OPPOSE), with the
document and its date. From a list of statements this module builds the
three networks discourse-network research reads (as the Discourse Network
Analyzer does):

- the **affiliation** network: actor–concept edges, bipartite, counting each
  position the actor took on the concept (and a signed weight: positions
  that agree minus those that oppose);
- the **congruence** network: two actors tied by every concept on which they
  took the same position, weighted by how many such concepts;
- the **conflict** network: two actors tied by every concept on which they
  took opposite positions (as `opposites` defines them; a neutral position
  conflicts with nothing), weighted likewise.

A concept counts once per pair whatever the number of statements, so a
prolific actor does not outweigh a terse one. Time windows keep the
statements of documents dated in [start, end). Pure Python: plain data in,
plain data out; `graphml` and `edge_rows` write what Gephi and visone read.

`Tally` takes the statements one at a time and keeps only how often each
actor took each position on each concept, so the networks of any number of
documents are built from a stream (formats/claims_network.py does);
congruence and conflict count concepts per pair with bit masks of actors
instead of comparing every pair of actors.

`statements_of` reads the statements out of export records (the gold sets
of a release or an export): a stance on a concept whose holder span links
to an actor.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# The positions that contradict each other, both ways round.
OPPOSITES = frozenset({("SUPPORT", "OPPOSE"), ("OPPOSE", "SUPPORT")})
# Positions that count as agreeing with a concept in the signed weight.
AGREEING = "SUPPORT"


@dataclass(frozen=True)
class Statement:
    document: str
    date: datetime.date | None
    actor: str
    concept: str
    position: str


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    weight: float
    kind: str  # "affiliation", "congruence" or "conflict"
    support: int = 0  # affiliation only: positions agreeing, opposing
    oppose: int = 0


@dataclass(frozen=True)
class Claim:
    """A statement with what it was read from: the document record, the
    holder span, and the ids of the actor and concept it names."""

    statement: Statement
    document: object  # a DocumentRecord
    holder: object  # a SpanRecord
    actor_id: int
    concept_id: int


def claims_of(documents, context, layer="gold", unlinked=None) -> Iterator[Claim]:
    """The claims of export records (`DocumentRecord`s with their
    `ExportContext`): every stance on a concept in the sets of kind `layer`
    whose holder span links to an actor, named by the actor's and concept's
    names. A claim whose holder is linked to no actor names no one: it is
    counted in `unlinked` (a Counter, when given, under "statements_without_actor")."""
    for document in documents:
        date = datetime.date.fromisoformat(document.published) if document.published else None
        for aset in document.sets:
            if aset.kind != layer:
                continue
            span_of = {span.id: span for span in aset.spans}
            for stance in aset.stances:
                if stance.concept is None:
                    continue
                holder = span_of.get(stance.holder)
                actor = context.actors.get(holder.actor) if holder else None
                concept = context.concepts.get(stance.concept)
                if actor is None or concept is None:
                    if unlinked is not None:
                        unlinked["statements_without_actor"] += 1
                    continue
                statement = Statement(
                    document.external_id, date, actor.name, concept.name, stance.polarity
                )
                yield Claim(statement, document, holder, actor.id, concept.id)


def statements_of(documents, context, layer="gold", unlinked=None) -> Iterator[Statement]:
    """The statements of `claims_of` (same arguments), without their records."""
    for claim in claims_of(documents, context, layer, unlinked):
        yield claim.statement


def concept_family(ids: Iterable[int], concepts: dict) -> set[int]:
    """The concepts `ids` name and every concept below them in the codebook
    (`concepts`: {id: ConceptRecord}); choosing "International law" keeps
    the statements on "UN Charter" too."""
    children = defaultdict(list)
    for concept in concepts.values():
        if concept.parent is not None:
            children[concept.parent].append(concept.id)
    family, todo = set(), list(ids)
    while todo:
        concept_id = todo.pop()
        if concept_id not in family:
            family.add(concept_id)
            todo.extend(children[concept_id])
    return family


def dated_in(date, start=None, end=None) -> bool:
    """Whether a document dated `date` falls in [start, end); an undated one
    only when the window is open on both sides (a date cannot be guessed)."""
    if start is None and end is None:
        return True
    return date is not None and (start is None or date >= start) and (end is None or date < end)


def in_window(statements: Iterable[Statement], start=None, end=None) -> list[Statement]:
    """The statements of documents dated in [start, end) (see `dated_in`)."""
    return [s for s in statements if dated_in(s.date, start, end)]


class Tally:
    """What the three networks need, filled one statement at a time: how
    often each actor took each position on each concept, and how many
    statements each actor made and each concept drew. Memory grows with the
    actor–concept pairs (the affiliation edges), never with the statements,
    so a network of any number of documents is built from a stream."""

    def __init__(self, statements: Iterable[Statement] = ()):
        self.held: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.made: Counter = Counter()
        self.about: Counter = Counter()
        self.statements = 0
        for s in statements:
            self.add(s)

    def add(self, s: Statement) -> None:
        self.held[s.actor, s.concept][s.position] += 1
        self.made[s.actor] += 1
        self.about[s.concept] += 1
        self.statements += 1

    def affiliation(self, agreeing=AGREEING, opposites=OPPOSITES) -> list[Edge]:
        edges = []
        for (actor, concept), held in sorted(self.held.items()):
            support = held[agreeing]
            oppose = sum(n for position, n in held.items() if (agreeing, position) in opposites)
            edges.append(Edge(actor, concept, support - oppose, "affiliation", support, oppose))
        return edges

    def _ties(self, partners, kind) -> list[Edge]:
        """Actor–actor edges weighted by the concepts on which `partners`
        ties two actors: ``partners(concept, positions, masks)`` gives, for an
        actor holding `positions` on `concept`, the bit mask of the actors it
        is tied to there (`masks`: position -> the mask of its holders).

        Concepts are counted per pair with bit-sliced counters: one big
        integer per bit of the weight, a bit per actor, so a concept costs a
        few integer operations per actor instead of one per pair, and only
        one actor's counters are held at a time (memory: the edges)."""
        actors = sorted(self.made)
        index = {actor: i for i, actor in enumerate(actors)}
        masks = defaultdict(lambda: defaultdict(int))  # concept -> position -> holders
        taken = defaultdict(lambda: defaultdict(set))  # actor -> concept -> positions
        for (actor, concept), held in self.held.items():
            for position in held:
                masks[concept][position] |= 1 << index[actor]
                taken[actor][concept].add(position)
        edges = []
        for i, actor in enumerate(actors):
            planes = []  # planes[k]: bit j set when bit k of the weight with actor i+1+j is
            for concept, positions in taken[actor].items():
                carry = partners(positions, masks[concept]) >> (i + 1)  # later actors only
                for k in range(len(planes)):
                    if not carry:
                        break
                    planes[k], carry = planes[k] ^ carry, planes[k] & carry
                if carry:
                    planes.append(carry)
            # Read the weights back plane by plane: one step per set bit.
            weights = [0] * (len(actors) - i - 1)
            for k, plane in enumerate(planes):
                bits = bin(plane)[:1:-1]  # bits[j] is bit j
                j = bits.find("1")
                while j != -1:
                    weights[j] += 1 << k
                    j = bits.find("1", j + 1)
            for j, weight in enumerate(weights):
                if weight:
                    edges.append(Edge(actor, actors[i + 1 + j], weight, kind))
        return edges

    def congruence(self) -> list[Edge]:
        def same(positions, masks):
            tied = 0
            for position in positions:
                tied |= masks[position]
            return tied

        return self._ties(same, "congruence")

    def conflict(self, opposites=OPPOSITES) -> list[Edge]:
        against = defaultdict(list)
        for mine, theirs in opposites:
            against[mine].append(theirs)

        def opposed(positions, masks):
            tied = 0
            for position in positions:
                for other in against.get(position, ()):
                    tied |= masks.get(other, 0)
            return tied

        return self._ties(opposed, "conflict")

    def nodes(self, edges: Iterable[Edge]) -> list[dict]:
        return _nodes(edges, self.made, self.about)


def affiliation(
    statements: Iterable[Statement], agreeing=AGREEING, opposites=OPPOSITES
) -> list[Edge]:
    """Actor → concept edges: how often the actor agreed with the concept and
    how often it took the opposite position; the weight is their difference
    (a neutral position counts in neither)."""
    return Tally(statements).affiliation(agreeing, opposites)


def congruence(statements: Iterable[Statement]) -> list[Edge]:
    """Actor pairs weighted by the concepts on which they took the same position."""
    return Tally(statements).congruence()


def conflict(statements: Iterable[Statement], opposites=OPPOSITES) -> list[Edge]:
    """Actor pairs weighted by the concepts on which they took opposite positions."""
    return Tally(statements).conflict(opposites)


def nodes_of(edges: Iterable[Edge], statements: Iterable[Statement]) -> list[dict]:
    """The nodes the edges name, each with its kind and its number of statements."""
    made, about = Counter(), Counter()
    for s in statements:
        made[s.actor] += 1
        about[s.concept] += 1
    return _nodes(edges, made, about)


def _nodes(edges, made, about):
    nodes = {}
    for e in edges:
        nodes[("actor", e.source)] = made[e.source]
        if e.kind == "affiliation":
            nodes[("concept", e.target)] = about[e.target]
        else:
            nodes[("actor", e.target)] = made[e.target]
    return [
        {"id": node_id(kind, name), "label": name, "kind": kind, "statements": count}
        for (kind, name), count in sorted(nodes.items())
    ]


NETWORKS = {"congruence": congruence, "conflict": conflict, "affiliation": affiliation}


def _target_id(edge):
    return node_id("concept" if edge.kind == "affiliation" else "actor", edge.target)


def network_of(kind: str, claims: list[Claim]) -> dict:
    """The network of kind `kind` (a NETWORKS key) among `claims`, as plain
    data: nodes (with `ref`, the actor's or concept's id), edges between node
    ids, and the number of statements it was built from."""
    statements = [c.statement for c in claims]
    edges = NETWORKS[kind](statements)
    refs = {}
    for c in claims:
        refs[node_id("actor", c.statement.actor)] = c.actor_id
        refs[node_id("concept", c.statement.concept)] = c.concept_id
    nodes = [{**n, "ref": refs[n["id"]]} for n in nodes_of(edges, statements)]
    return {
        "nodes": nodes,
        "edges": [
            {
                "source": node_id("actor", e.source),
                "target": _target_id(e),
                "weight": e.weight,
                "kind": e.kind,
                "support": e.support,
                "oppose": e.oppose,
            }
            for e in edges
        ],
        "statements": len(statements),
    }


def node_id(kind, name):
    # Actors and concepts may share a name: the kind keeps them apart.
    return f"{kind[0]}:{name}"


def graphml(nodes: list[dict], edges: list[Edge]) -> Iterator[str]:
    """GraphML (undirected), in pieces: nodes with label, kind and statement
    count; edges with weight, kind and, for affiliations, support/oppose."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    for key, where, name, kind in (
        ("label", "node", "label", "string"),
        ("kind", "node", "kind", "string"),
        ("statements", "node", "statements", "int"),
        ("weight", "edge", "weight", "double"),
        ("ekind", "edge", "kind", "string"),
        ("support", "edge", "support", "int"),
        ("oppose", "edge", "oppose", "int"),
    ):
        yield (f'  <key id="{key}" for="{where}" attr.name="{name}" attr.type="{kind}"/>\n')
    yield '  <graph edgedefault="undirected">\n'
    for n in nodes:
        yield (
            f"    <node id={quoteattr(n['id'])}>"
            f'<data key="label">{escape(n["label"])}</data>'
            f'<data key="kind">{n["kind"]}</data>'
            f'<data key="statements">{n["statements"]}</data></node>\n'
        )
    quoted = {}  # (kind, name) -> the node's id as an XML attribute, made once

    def ref(kind, name):
        value = quoted.get((kind, name))
        if value is None:
            value = quoted[kind, name] = quoteattr(node_id(kind, name))
        return value

    for e in edges:
        target_kind = "concept" if e.kind == "affiliation" else "actor"
        extra = (
            f'<data key="support">{e.support}</data><data key="oppose">{e.oppose}</data>'
            if e.kind == "affiliation"
            else ""
        )
        yield (
            f"    <edge source={ref('actor', e.source)} target={ref(target_kind, e.target)}>"
            f'<data key="weight">{e.weight:g}</data><data key="ekind">{e.kind}</data>'
            f"{extra}</edge>\n"
        )
    yield "  </graph>\n</graphml>\n"


EDGE_COLUMNS = ("source", "target", "kind", "weight")
# Only an affiliation (actor–concept) counts the positions behind its weight.
AFFILIATION_COLUMNS = (*EDGE_COLUMNS, "support", "oppose")


def edge_rows(edges: Iterable[Edge], affiliation=False) -> Iterator[tuple]:
    """Rows for a CSV edge list (header first), as Gephi imports one; with
    `affiliation`, each edge's support and oppose counts too."""
    yield AFFILIATION_COLUMNS if affiliation else EDGE_COLUMNS
    for e in edges:
        row = (e.source, e.target, e.kind, f"{e.weight:g}")
        yield (*row, e.support, e.oppose) if affiliation else row
