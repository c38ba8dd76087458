"""Accord's native JSON Lines: one document a line, offsets in code points.

Readable back by the JSON Lines importer (apps/imports/parsers/jsonl.py):
``id``, ``text``, the news metadata, and ``spans`` / ``stances`` in the API's
set shape. With one layer (gold, or predictions) spans and stances are at the
top level; with ``source=all`` each annotator's set is under ``annotations``.
``provenance`` (who annotated) and ``split`` are extra keys the importer ignores.
In standoff mode ``text`` and each span's ``text`` are left out; ``text_sha256``
and ``url`` let the user fetch the text and check it is the same.
"""

from collections.abc import Iterable, Iterator

import orjson

from .records import DocumentRecord, ExportContext, SetRecord


def _spans(document: DocumentRecord, aset: SetRecord, context: ExportContext) -> list[dict]:
    text = document.text if context.include_text else None
    out = []
    for span in aset.spans:
        item = {"id": span.id, "start": span.start, "end": span.end, "label": span.label}
        if text is not None:
            item["text"] = text[span.start : span.end]
        item["actor"] = span.actor
        out.append(item)
    return out


def _stances(aset: SetRecord) -> list[dict]:
    return [
        {"id": t.id, "holder": t.holder, "target": t.target, "polarity": t.polarity, "cue": t.cue}
        for t in aset.stances
    ]


def record(document: DocumentRecord, context: ExportContext) -> dict:
    item = {"id": document.external_id}
    if context.include_text:
        item["text"] = document.text
    item.update(
        text_sha256=document.text_sha256,
        length=document.length,
        title=document.title,
        meta=document.meta,
        outlet=document.outlet,
        author=document.author,
        section=document.section,
        url=document.url,
        published=document.published,
        split=document.split,
    )
    actor_ids = sorted(
        {s.actor for aset in document.sets for s in aset.spans if s.actor is not None}
    )
    if context.multi_layer:
        item["annotations"] = [
            {
                "annotator": aset.owner,
                "kind": aset.kind,
                "spans": _spans(document, aset, context),
                "stances": _stances(aset),
            }
            for aset in document.sets
        ]
    else:
        aset = document.sets[0] if document.sets else SetRecord(owner="")
        item["spans"] = _spans(document, aset, context)
        item["stances"] = _stances(aset)
    item["actors"] = [
        {
            "id": a.id,
            "name": a.name,
            "kind": a.kind,
            "country": a.country,
            "wikidata_id": a.wikidata_id,
        }
        for a in (context.actors[i] for i in actor_ids if i in context.actors)
    ]
    item["provenance"] = {"annotators": document.annotators}
    return item


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    dumps = orjson.dumps
    for document in documents:
        yield dumps(record(document, context)) + b"\n"
