"""Discourse networks from statements (apps/datasets/networks.py): pure."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

from apps.datasets.networks import (
    OPPOSITES,
    Statement,
    affiliation,
    conflict,
    congruence,
    edge_rows,
    graphml,
    in_window,
    nodes_of,
)

D = datetime.date
# Russia and Iran both back sovereignty and oppose intervention; the U.S.
# takes the other side of both; Brazil is neutral on intervention only.
STATEMENTS = [
    Statement("d1", D(2026, 1, 3), "Russia", "sovereignty", "SUPPORT"),
    Statement("d2", D(2026, 1, 4), "Russia", "sovereignty", "SUPPORT"),  # said twice
    Statement("d1", D(2026, 1, 3), "Russia", "intervention", "OPPOSE"),
    Statement("d3", D(2026, 1, 9), "Iran", "sovereignty", "SUPPORT"),
    Statement("d3", D(2026, 1, 9), "Iran", "intervention", "OPPOSE"),
    Statement("d4", D(2026, 2, 1), "United States", "sovereignty", "OPPOSE"),
    Statement("d4", D(2026, 2, 1), "United States", "intervention", "SUPPORT"),
    Statement("d5", D(2026, 2, 2), "Brazil", "intervention", "NEUTRAL"),
]


def weights(edges):
    return {(e.source, e.target): e.weight for e in edges}


def test_congruence_counts_each_shared_position_once_per_pair():
    assert weights(congruence(STATEMENTS)) == {("Iran", "Russia"): 2}


def test_conflict_ties_opposite_positions_and_never_neutral_ones():
    assert weights(conflict(STATEMENTS)) == {
        ("Iran", "United States"): 2,
        ("Russia", "United States"): 2,
    }


def test_affiliation_is_signed_and_counts_each_statement():
    edges = {(e.source, e.target): (e.support, e.oppose, e.weight) for e in affiliation(STATEMENTS)}
    assert edges[("Russia", "sovereignty")] == (2, 0, 2)
    assert edges[("United States", "sovereignty")] == (0, 1, -1)
    assert edges[("Brazil", "intervention")] == (0, 0, 0)  # neutral: neither side


def test_a_time_window_keeps_dated_statements_in_it():
    january = in_window(STATEMENTS, D(2026, 1, 1), D(2026, 2, 1))
    assert {s.document for s in january} == {"d1", "d2", "d3"}
    assert weights(conflict(january)) == {}  # the U.S. spoke in February
    undated = [*STATEMENTS, Statement("d6", None, "Cuba", "sovereignty", "SUPPORT")]
    assert len(in_window(undated)) == len(undated)
    assert all(s.date for s in in_window(undated, end=D(2027, 1, 1)))


def test_graphml_reads_back_with_its_nodes_edges_and_weights():
    edges = affiliation(STATEMENTS)
    nodes = nodes_of(edges, STATEMENTS)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.fromstring("".join(graphml(nodes, edges)))
    keys = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", ns)}
    graph = root.find("g:graph", ns)
    ids = {n.get("id") for n in graph.findall("g:node", ns)}
    assert {"a:Russia", "c:sovereignty", "c:intervention", "a:Brazil"} <= ids
    for edge in graph.findall("g:edge", ns):
        assert edge.get("source") in ids and edge.get("target") in ids
    russia = graph.find("g:edge[@source='a:Russia'][@target='c:sovereignty']", ns)
    data = {keys[d.get("key")]: d.text for d in russia.findall("g:data", ns)}
    assert data == {"weight": "2", "kind": "affiliation", "support": "2", "oppose": "0"}
    statements = graph.find("g:node[@id='a:Russia']/g:data[@key='statements']", ns)
    assert statements.text == "3"


def test_names_with_markup_and_quotes_stay_text():
    odd = [
        Statement("d", None, 'A "B" <C> & D', "x", "SUPPORT"),
        Statement("d", None, "E", "x", "SUPPORT"),
    ]
    edges = congruence(odd)
    root = ET.fromstring("".join(graphml(nodes_of(edges, odd), edges)))
    labels = [d.text for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data")]
    assert 'A "B" <C> & D' in labels


def test_edge_rows_write_a_csv_edge_list():
    buffer = io.StringIO()
    csv.writer(buffer).writerows(edge_rows(conflict(STATEMENTS)))
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    # Support and oppose count an affiliation's positions; a tie has none.
    assert rows[0] == ["source", "target", "kind", "weight"]
    assert rows[1] == ["Iran", "United States", "conflict", "2"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(edge_rows(affiliation(STATEMENTS), affiliation=True))
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[0] == ["source", "target", "kind", "weight", "support", "oppose"]


def test_statements_are_read_from_gold_claims_with_an_actor():
    from collections import Counter

    from apps.datasets.formats.records import (
        ActorRecord,
        ConceptRecord,
        DocumentRecord,
        ExportContext,
        SetRecord,
        SpanRecord,
        StanceRecord,
    )
    from apps.datasets.networks import statements_of

    context = ExportContext(
        actors={1: ActorRecord(1, "Russia")}, concepts={7: ConceptRecord(7, "Sovereignty")}
    )
    spans = [SpanRecord("m", 0, 6, "GPE", 1), SpanRecord("u", 10, 14, "GPE", None)]
    stances = [
        StanceRecord("t1", "m", None, "SUPPORT", concept=7),
        StanceRecord("t2", "u", None, "OPPOSE", concept=7),  # no actor: counted
        StanceRecord("t3", "m", "u", "OPPOSE"),  # on a span: not a statement
    ]
    document = DocumentRecord(
        1,
        "d1",
        "x" * 20,
        "",
        20,
        published="2026-01-05",
        sets=[
            SetRecord("gold", "gold", spans, stances),
            SetRecord("ana", "annotator", spans, stances),
        ],
    )
    unlinked = Counter()
    found = list(statements_of([document], context, unlinked=unlinked))
    assert found == [Statement("d1", datetime.date(2026, 1, 5), "Russia", "Sovereignty", "SUPPORT")]
    assert unlinked == {"statements_without_actor": 1}


def test_a_concept_family_is_the_concept_and_everything_below_it():
    from apps.datasets.formats.records import ConceptRecord
    from apps.datasets.networks import concept_family

    concepts = {
        1: ConceptRecord(1, "International law"),
        2: ConceptRecord(2, "UN Charter", parent=1),
        3: ConceptRecord(3, "Article 2(4)", parent=2),
        4: ConceptRecord(4, "Sovereignty"),
    }
    assert concept_family([1], concepts) == {1, 2, 3}
    assert concept_family([2, 4], concepts) == {2, 3, 4}
    assert concept_family([], concepts) == set()


def test_network_of_names_nodes_by_kind_and_carries_their_ids():
    from apps.datasets.networks import Claim, network_of

    ids = {"Russia": 1, "Iran": 2, "United States": 3, "Brazil": 4}
    concept_ids = {"sovereignty": 10, "intervention": 11}
    claims = [Claim(s, None, None, ids[s.actor], concept_ids[s.concept]) for s in STATEMENTS]
    net = network_of("affiliation", claims)
    assert net["statements"] == len(STATEMENTS)
    nodes = {n["id"]: n for n in net["nodes"]}
    assert nodes["c:sovereignty"] == {
        "id": "c:sovereignty",
        "label": "sovereignty",
        "kind": "concept",
        "statements": 4,
        "ref": 10,
    }
    assert nodes["a:Russia"]["ref"] == 1
    edge = next(
        e for e in net["edges"] if e["source"] == "a:Russia" and e["target"] == "c:sovereignty"
    )
    assert (edge["weight"], edge["support"], edge["oppose"]) == (2, 2, 0)
    conflict_net = network_of("conflict", claims)
    assert {(e["source"], e["target"]) for e in conflict_net["edges"]} == {
        ("a:Iran", "a:United States"),
        ("a:Russia", "a:United States"),
    }


def reference(statements, opposites):
    """Congruence and conflict by their definitions, over every pair of actors."""
    held = {}
    for s in statements:
        held.setdefault(s.actor, set()).add((s.concept, s.position))
    same, opposed = {}, {}
    actors = sorted(held)
    for i, a in enumerate(actors):
        for b in actors[i + 1 :]:
            shared = {c for c, p in held[a] for d, q in held[b] if c == d and p == q}
            disputed = {c for c, p in held[a] for d, q in held[b] if c == d and (p, q) in opposites}
            if shared:
                same[a, b] = len(shared)
            if disputed:
                opposed[a, b] = len(disputed)
    return same, opposed


def test_the_bit_sliced_counts_match_the_definitions_on_random_statements():
    import random

    rng = random.Random(7)
    positions = ("SUPPORT", "OPPOSE", "NEUTRAL")
    for opposites in (OPPOSITES, frozenset({("SUPPORT", "NEUTRAL")})):  # one-way, too
        statements = [
            Statement(
                "d", None, f"a{rng.randrange(70)}", f"c{rng.randrange(40)}", rng.choice(positions)
            )
            for _ in range(2500)
        ]
        same, opposed = reference(statements, opposites)
        assert max(same.values()) > 8  # weights of several bits
        assert weights(congruence(statements)) == same
        assert weights(conflict(statements, opposites)) == opposed
        assert [(e.source, e.target) for e in congruence(statements)] == sorted(same)
