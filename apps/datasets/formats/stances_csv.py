"""One stance a row, with the sentence that carries it.

Columns: document, split, layer, stance, polarity, holder (span id, text,
label, start, end, actor id, actor name), target (the same; empty for a
stance on a concept), the concept (id and name; empty for a stance on a
span), cue text, and
the evidence: the sentences (apps/documents/text.py) from the one holding the
first of holder and target to the one holding the last, with their offsets.
Offsets are code points. In standoff mode the text columns are empty and the
offsets stay.
"""

from bisect import bisect_right
from collections.abc import Iterable, Iterator

from apps.documents.text import split_sentences

from .records import DocumentRecord, ExportContext, csv_pieces

HEADER = [
    "document",
    "split",
    "layer",
    "stance",
    "polarity",
    *(
        f"{role}_{part}"
        for role in ("holder", "target")
        for part in ("span", "text", "label", "start", "end", "actor_id", "actor")
    ),
    "concept_id",
    "concept",
    "cue_text",
    "evidence",
    "evidence_start",
    "evidence_end",
]


def evidence(sentences, starts, low: int, high: int) -> tuple[int, int]:
    """Offsets of the sentences covering [low, high)."""
    if not sentences:
        return low, high
    first = max(bisect_right(starts, low) - 1, 0)
    last = max(bisect_right(starts, max(high - 1, low)) - 1, first)
    return min(sentences[first].start, low), max(sentences[last].end, high)


def rows(document: DocumentRecord, aset, context: ExportContext):
    text = document.text
    show = context.include_text
    spans = {s.id: s for s in aset.spans}
    sentences = split_sentences(text) if aset.stances else []
    starts = [s.start for s in sentences]
    for t in aset.stances:
        holder = spans[t.holder]
        target = spans[t.target] if t.target is not None else None
        row = [document.external_id, document.split or "", aset.owner, t.id, t.polarity]
        for span in (holder, target):
            if span is None:
                row += [""] * 7
                continue
            actor = context.actors.get(span.actor) if span.actor is not None else None
            row += [
                span.id,
                text[span.start : span.end] if show else "",
                span.label,
                span.start,
                span.end,
                "" if span.actor is None else span.actor,
                actor.name if actor else "",
            ]
        row += ["" if t.concept is None else t.concept, context.concept_name(t.concept)]
        cue = spans.get(t.cue) if t.cue else None
        row.append(text[cue.start : cue.end] if cue and show else "")
        low = min(holder.start, (target or holder).start)
        high = max(holder.end, (target or holder).end)
        start, end = evidence(sentences, starts, low, high)
        row += [text[start:end] if show else "", start, end]
        yield row


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[str]:
    return csv_pieces(HEADER, lambda document, aset: rows(document, aset, context), documents)
