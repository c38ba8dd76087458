"""Discourse networks of the claims: actors, concepts and their positions.

Built from the statements of the gold sets (apps/datasets/networks.py reads
them from the records: a stance on a concept whose holder span links to an
actor) with the pure core of networks.py, as the Discourse Network Analyzer
builds them:

- ``affiliation``: actor–concept edges (bipartite), signed: ``weight`` =
  ``support`` − ``oppose``;
- ``congruence``: actor–actor, weighted by the concepts on which both took
  the same position;
- ``conflict``: actor–actor, weighted by the concepts on which they took
  opposite positions.

Each network is a GraphML file (``<name>.graphml``) and a CSV edge list
(``<name>.csv``, as Gephi imports one). Options: ``start`` and ``end``
(dates) keep the statements of documents published in [start, end), and
``slice`` (``year`` or ``month``) writes one set of networks per period in
a folder named for it (``2024/`` or ``2024-05/``; ``undated/`` for documents
without a date when the window is open). ``report.json`` counts the
statements, the windows and their edges, and the claims left out: those whose
holder links to no actor (``statements_without_actor``), those outside the
window (``statements_outside_window``) and those of sets that are not gold
(``sets_not_gold``; the networks are of gold).

The statements stream by: what is kept is one ``networks.Tally`` per
window, which grows with the actor–concept pairs, not with the documents.
"""

import csv
import datetime
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator

from .. import networks
from .network import period_of
from .records import DocumentRecord, ExportContext, stream_zip

NETWORKS = ("affiliation", "congruence", "conflict")
GOLD = "gold"


def _date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def tallies(documents: Iterable[DocumentRecord], context: ExportContext, skipped: Counter):
    """{period: Tally} of the gold statements in the options' window."""
    options = context.options
    start, end = _date(options.get("start")), _date(options.get("end"))
    slice_by = options.get("slice") or "none"
    out: dict[str, networks.Tally] = {}

    def gold(documents):
        for document in documents:
            others = [s for s in document.sets if s.kind != GOLD]
            if others:
                skipped["sets_not_gold"] += len(others)
            yield document

    for statement in networks.statements_of(gold(documents), context, GOLD, skipped):
        if not networks.dated_in(statement.date, start, end):
            skipped["statements_outside_window"] += 1
            continue
        published = statement.date.isoformat() if statement.date else None
        period = period_of(published, slice_by)
        tally = out.get(period)
        if tally is None:
            tally = out[period] = networks.Tally()
        tally.add(statement)
    return out


def edges_csv(edges, affiliation=False) -> str:
    buffer = io.StringIO()
    rows = networks.edge_rows(edges, affiliation)
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def members(documents: Iterable[DocumentRecord], context: ExportContext):
    skipped = Counter()
    windows = tallies(documents, context, skipped)
    summary = {
        "statements": sum(t.statements for t in windows.values()),
        "start": str(context.options.get("start") or "") or None,
        "end": str(context.options.get("end") or "") or None,
        "slice": context.options.get("slice") or "none",
        "windows": {},
        "statements_without_actor": skipped["statements_without_actor"],
        "statements_outside_window": skipped["statements_outside_window"],
        "sets_not_gold": skipped["sets_not_gold"],
    }
    for period in sorted(windows) or [""]:
        tally = windows.get(period) or networks.Tally()
        folder = f"{period}/" if period else ""
        counts = {"statements": tally.statements}
        for name in NETWORKS:
            edges = getattr(tally, name)()
            counts[name] = len(edges)
            nodes = tally.nodes(edges)
            yield f"{folder}{name}.graphml", "".join(networks.graphml(nodes, edges))
            yield f"{folder}{name}.csv", edges_csv(edges, name == "affiliation")
        summary["windows"][period or "all"] = counts
    for key in ("statements_without_actor", "statements_outside_window", "sets_not_gold"):
        if summary[key]:
            context.count(key, summary[key])
    context.report["claims_network"] = summary
    yield "report.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n"


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    return stream_zip(members(documents, context))
