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
"""

from collections.abc import Iterable, Iterator

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


def rows(document: DocumentRecord, aset, context: ExportContext):
    text = document.text if context.include_text else None
    spans = {s.id: s for s in aset.spans}
    for t in aset.stances:
        if t.concept is None:
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
    return csv_pieces(HEADER, lambda document, aset: rows(document, aset, context), documents)
