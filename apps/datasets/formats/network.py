"""The signed actor network of the stances (discourse network analysis).

Nodes are actors (name, kind, country, Wikidata id); a directed edge goes
from the holder's actor to the target's actor, with a count per polarity
label, ``total``, and ``net`` = positive − negative (``SUPPORT`` − ``OPPOSE``
unless the options name other labels). With ``slice`` = ``year`` or
``month`` the edges are counted per period of the documents' ``published``
date (``undated`` when a document has none); GraphML then carries a
``period`` on each edge (a multigraph).

A stance whose holder or target span is linked to no actor cannot be an edge:
it is counted in ``report.json`` (``stances_without_actor``, split into
``holder``, ``target`` and ``both``), never dropped silently. A stance on a
concept of the codebook has no target actor: it belongs to the claims
network (formats/claims_network.py) and is counted here as
``concept_stances``, not as an edge.

Output: a zip of ``network.graphml``, ``edges.csv``, ``nodes.csv`` and
``report.json``. The network is an aggregate, so it is written after the last
document; memory grows with the number of edges, not of documents.
"""

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import quoteattr

from .records import DocumentRecord, ExportContext, stream_zip

SLICES = ("none", "year", "month")


def period_of(published: str | None, slice_by: str) -> str:
    if slice_by == "none":
        return ""
    if not published:
        return "undated"
    return published[:4] if slice_by == "year" else published[:7]


def build(documents: Iterable[DocumentRecord], context: ExportContext) -> dict:
    """Aggregate the stances into ``{(period, holder, target): Counter(polarity)}``."""
    slice_by = context.options.get("slice") or "none"
    edges: dict[tuple, Counter] = defaultdict(Counter)
    missing = Counter()
    stances = concept_stances = 0
    for document in documents:
        period = period_of(document.published, slice_by)
        for aset in document.sets:
            actor_of = {s.id: s.actor for s in aset.spans}
            for t in aset.stances:
                if t.concept is not None:
                    concept_stances += 1
                    continue
                stances += 1
                holder, target = actor_of.get(t.holder), actor_of.get(t.target)
                if holder is None or target is None:
                    which = (
                        "both"
                        if holder is None and target is None
                        else ("holder" if holder is None else "target")
                    )
                    missing[which] += 1
                    continue
                edges[(period, holder, target)][t.polarity] += 1
    return {
        "edges": edges,
        "missing": missing,
        "stances": stances,
        "concept_stances": concept_stances,
        "slice": slice_by,
    }


def _net(counts: Counter, context: ExportContext) -> int:
    positive = context.options.get("positive") or ["SUPPORT"]
    negative = context.options.get("negative") or ["OPPOSE"]
    return sum(counts[p] for p in positive) - sum(counts[n] for n in negative)


def _polarities(network, context):
    seen = {p for counts in network["edges"].values() for p in counts}
    return [p for p in context.stance_labels if p in seen] + sorted(
        seen - set(context.stance_labels)
    )


def edges_csv(network, context) -> str:
    polarities = _polarities(network, context)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["period", "source", "source_name", "target", "target_name", *polarities, "total", "net"]
    )
    for (period, holder, target), counts in sorted(network["edges"].items()):
        writer.writerow(
            [
                period,
                holder,
                _name(context, holder),
                target,
                _name(context, target),
                *(counts[p] for p in polarities),
                sum(counts.values()),
                _net(counts, context),
            ]
        )
    return buffer.getvalue()


def _name(context, actor_id):
    actor = context.actors.get(actor_id)
    return actor.name if actor else ""


def _node_ids(network):
    return sorted({a for _, h, t in network["edges"] for a in (h, t)})


def nodes_csv(network, context) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "name", "kind", "country", "wikidata_id"])
    for actor_id in _node_ids(network):
        actor = context.actors.get(actor_id)
        writer.writerow(
            [
                actor_id,
                *(
                    ("", "", "", "")
                    if actor is None
                    else (actor.name, actor.kind, actor.country, actor.wikidata_id)
                ),
            ]
        )
    return buffer.getvalue()


def graphml(network, context) -> str:
    polarities = _polarities(network, context)
    keys = [("name", "node", "string"), ("kind", "node", "string"), ("country", "node", "string")]
    keys += [("wikidata_id", "node", "string"), ("period", "edge", "string")]
    keys += [(p, "edge", "int") for p in polarities]
    keys += [("total", "edge", "int"), ("net", "edge", "int")]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n',
    ]
    for number, (name, domain, kind) in enumerate(keys):
        out.append(
            f'  <key id="k{number}" for="{domain}" attr.name={quoteattr(name)} '
            f'attr.type="{kind}"/>\n'
        )
    key_of = {name: f"k{number}" for number, (name, _, _) in enumerate(keys)}
    out.append('  <graph id="stances" edgedefault="directed">\n')
    for actor_id in _node_ids(network):
        actor = context.actors.get(actor_id)
        out.append(f'    <node id="a{actor_id}">\n')
        if actor is not None:
            for field in ("name", "kind", "country", "wikidata_id"):
                value = getattr(actor, field)
                if value:
                    out.append(f'      <data key="{key_of[field]}">{_text(value)}</data>\n')
        out.append("    </node>\n")
    for number, ((period, holder, target), counts) in enumerate(sorted(network["edges"].items())):
        out.append(f'    <edge id="e{number + 1}" source="a{holder}" target="a{target}">\n')
        if period:
            out.append(f'      <data key="{key_of["period"]}">{_text(period)}</data>\n')
        values = [(p, counts[p]) for p in polarities]
        values += [("total", sum(counts.values())), ("net", _net(counts, context))]
        for name, value in values:
            out.append(f'      <data key="{key_of[name]}">{value}</data>\n')
        out.append("    </edge>\n")
    out.append("  </graph>\n</graphml>\n")
    return "".join(out)


def _text(value: str) -> str:
    return quoteattr(value)[1:-1]


def report(network, context) -> dict:
    missing = network["missing"]
    return {
        "stances": network["stances"],
        "edges": len(network["edges"]),
        "concept_stances": network["concept_stances"],
        "slice": network["slice"],
        "net": {
            "positive": context.options.get("positive") or ["SUPPORT"],
            "negative": context.options.get("negative") or ["OPPOSE"],
        },
        "stances_without_actor": {
            "total": sum(missing.values()),
            "holder": missing["holder"],
            "target": missing["target"],
            "both": missing["both"],
        },
    }


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    def members():
        network = build(documents, context)
        summary = report(network, context)
        context.report["network"] = summary
        if summary["stances_without_actor"]["total"]:
            context.count("stances_without_actor", summary["stances_without_actor"]["total"])
        yield "network.graphml", graphml(network, context)
        yield "edges.csv", edges_csv(network, context)
        yield "nodes.csv", nodes_csv(network, context)
        yield "report.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n"

    return stream_zip(members())
