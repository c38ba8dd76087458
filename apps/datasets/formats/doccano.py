"""doccano's JSONL for sequence labelling with relations.

``{"text", "entities": [{"id", "label", "start_offset", "end_offset"}],
"relations": [{"id", "from_id", "to_id", "type"}]}`` — offsets in UTF-16 code
units, because doccano's browser front end counts JavaScript string indices
(an emoji outside the BMP is two). Entity and relation ids are numbered 1..n
per line, as doccano numbers its own. Document categories are ``cats`` (a
list of label names, as doccano's intent-detection-and-slot-filling projects
write them). doccano's relations join two entities, so a stance on a concept
of the codebook goes in a key of its own, ``claims``: ``[{"id", "from_id",
"concept", "type"}]``, the holder entity's id, the concept by name (ids are
one project's) and the polarity. doccano keeps unknown keys as metadata, so
a file that went through doccano still carries them, and Accord's doccano
import reads them back. Cues have no place and are counted in the report
(``stance_cues_dropped``). Extra keys (``external_id``, ``url``, ``split``,
``annotator``) become doccano metadata on import.
"""

from collections.abc import Iterable, Iterator

import orjson

from apps.documents.offsets import OffsetMap

from .records import DocumentRecord, ExportContext, sets_of


def record(document: DocumentRecord, aset, context: ExportContext) -> dict:
    text = document.text
    units = OffsetMap(text)
    entities, number = [], {}
    for index, span in enumerate(aset.spans, start=1):
        number[span.id] = index
        start, end = units.to_utf16(span.start), units.to_utf16(span.end)
        entities.append(
            {"id": index, "label": span.label, "start_offset": start, "end_offset": end}
        )
    on_spans = [t for t in aset.stances if t.concept is None]
    relations = [
        {"id": index, "from_id": number[t.holder], "to_id": number[t.target], "type": t.polarity}
        for index, t in enumerate(on_spans, start=1)
    ]
    on_concepts = [t for t in aset.stances if t.concept is not None]
    claims = [
        {
            "id": index,
            "from_id": number[t.holder],
            "concept": context.concepts[t.concept].name,
            "type": t.polarity,
        }
        for index, t in enumerate(on_concepts, start=1)
    ]
    if any(t.cue for t in aset.stances):
        context.count("stance_cues_dropped", sum(1 for t in aset.stances if t.cue))
    item = {"external_id": document.external_id}
    if context.include_text:
        item["text"] = text
    else:
        item["text_sha256"] = document.text_sha256
    item.update(entities=entities, relations=relations, claims=claims, cats=aset.categories)
    item.update(url=document.url, split=document.split)
    if context.multi_layer:
        item["annotator"] = aset.owner
    return item


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    for document in documents:
        for aset in sets_of(document):
            yield orjson.dumps(record(document, aset, context)) + b"\n"
