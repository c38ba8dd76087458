"""The statements table, as users of the Discourse Network Analyzer read one.

One row per stance on a concept of the codebook (a claim) in the exported
sets (the gold set, by default): the document, its date and outlet, the
layer, the stance id, the holder's actor (id and name), the holder's text and
offsets, the concept (id and name), the agreement (the stance's polarity),
and the cue's text and offsets. Offsets are code points, end exclusive. A
claim whose holder span is linked to no actor is listed with the actor
columns empty and counted in the report (``statements_without_actor``, with
examples); stances on spans are not statements and are not listed. In
standoff mode the text columns are empty and the offsets stay.

A release may select the claims: options ``start`` and ``end`` keep the
documents published in [start, end) (undated ones only when both are open)
and ``concepts`` (ids) those concepts and the ones below them; what is left
out is counted (``statements_outside_window``, ``statements_on_other_concepts``).
"""

import datetime
from collections.abc import Iterable, Iterator

from .. import networks
from .records import DocumentRecord, ExportContext, csv_pieces

HEADER = [
    "document",
    "date",
    "outlet",
    "layer",
    "stance",
    "actor_id",
    "actor",
    "holder_text",
    "holder_start",
    "holder_end",
    "concept_id",
    "concept",
    "agreement",
    "cue_text",
    "cue_start",
    "cue_end",
]


def _date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def selection(context: ExportContext):
    """(start, end, concept ids or None) of the options: a release's window
    and concepts (each concept with those below it in the codebook)."""
    options = context.options
    concepts = options.get("concepts")
    family = None if concepts is None else networks.concept_family(concepts, context.concepts)
    return _date(options.get("start")), _date(options.get("end")), family


def rows(document: DocumentRecord, aset, context: ExportContext, chosen=(None, None, None)):
    text = document.text if context.include_text else None
    spans = {s.id: s for s in aset.spans}
    start, end, family = chosen
    published = _date(document.published) if document.published else None
    in_window = networks.dated_in(published, start, end)
    for t in aset.stances:
        if t.concept is None:
            continue
        if not in_window:
            context.count("statements_outside_window")
            continue
        if family is not None and t.concept not in family:
            context.count("statements_on_other_concepts")
            continue
        holder = spans[t.holder]
        actor = context.actors.get(holder.actor) if holder.actor is not None else None
        if actor is None:
            context.count(
                "statements_without_actor",
                example={"document": document.external_id, "layer": aset.owner, "stance": t.id},
            )
        cue = spans.get(t.cue) if t.cue else None
        context.count("statements")
        yield [
            document.external_id,
            document.published or "",
            document.outlet,
            aset.owner,
            t.id,
            "" if actor is None else actor.id,
            "" if actor is None else actor.name,
            "" if text is None else text[holder.start : holder.end],
            holder.start,
            holder.end,
            t.concept,
            context.concept_name(t.concept),
            t.polarity,
            "" if text is None or cue is None else text[cue.start : cue.end],
            "" if cue is None else cue.start,
            "" if cue is None else cue.end,
        ]


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[str]:
    context.report.setdefault("statements", 0)
    chosen = selection(context)
    return csv_pieces(
        HEADER, lambda document, aset: rows(document, aset, context, chosen), documents
    )
