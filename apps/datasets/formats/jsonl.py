"""Accord's native JSON Lines: one document a line, offsets in code points.

Readable back by the JSON Lines importer (apps/imports/parsers/jsonl.py):
``id``, ``text``, the news metadata, and ``spans`` / ``stances`` in the API's
set shape (a stance on a concept has ``target`` null, ``concept`` its id and
``concept_name`` its name: ids are the project's own, the name is what
another project's importer matches), and ``categories`` (category label
names). With one layer (gold, or predictions) spans, stances and categories
are at the top level; with ``source=all`` each annotator's set is under
``annotations``. ``actors`` lists the linked actors and ``concepts`` the
concepts the stances name (id, name, parent). ``provenance`` (who annotated)
and ``split`` are extra keys the importer ignores. A prediction span whose
model gave a confidence has ``score`` (0 to 1), which an import into
prediction sets keeps. In standoff mode ``text``
and each span's ``text`` are left out; ``text_sha256`` and ``url`` let the
user fetch the text and check it is the same.
"""

from collections.abc import Iterable, Iterator

import orjson

from apps.annotations.sets import stance_payload

from .records import DocumentRecord, ExportContext, SetRecord


def _spans(document: DocumentRecord, aset: SetRecord, context: ExportContext) -> list[dict]:
    # Each item written whole, as a literal (the commonest shapes first):
    # the export's hottest loop, a dozen spans a document.
    if context.include_text:
        text = document.text
        return [
            {
                "id": s.id,
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "text": text[s.start : s.end],
                "actor": s.actor,
            }
            if s.score is None
            else {
                "id": s.id,
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "text": text[s.start : s.end],
                "actor": s.actor,
                # A prediction span's confidence, where its model gave one.
                "score": s.score,
            }
            for s in aset.spans
        ]
    return [
        {"id": s.id, "start": s.start, "end": s.end, "label": s.label, "actor": s.actor}
        if s.score is None
        else {
            "id": s.id,
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "actor": s.actor,
            "score": s.score,
        }
        for s in aset.spans
    ]


def _stances(aset: SetRecord, context: ExportContext) -> list[dict]:
    out = []
    for t in aset.stances:
        item = stance_payload(t.id, t.holder, t.target, t.polarity, t.cue, t.concept)
        if t.concept is not None:
            item["concept_name"] = context.concept_name(t.concept)
        out.append(item)
    return out


def record(document: DocumentRecord, context: ExportContext) -> dict:
    item = {"id": document.external_id}
    if context.include_text:
        item["text"] = document.text
    item["text_sha256"] = document.text_sha256
    item["length"] = document.length
    item["title"] = document.title
    item["meta"] = document.meta
    item["outlet"] = document.outlet
    item["author"] = document.author
    item["section"] = document.section
    item["url"] = document.url
    item["published"] = document.published
    item["split"] = document.split
    if context.multi_layer:
        item["annotations"] = [
            {
                "annotator": aset.owner,
                "kind": aset.kind,
                "spans": _spans(document, aset, context),
                "stances": _stances(aset, context) if aset.stances else [],
                "categories": aset.categories,
            }
            for aset in document.sets
        ]
    else:
        aset = document.sets[0] if document.sets else SetRecord(owner="")
        item["spans"] = _spans(document, aset, context)
        item["stances"] = _stances(aset, context)
        item["categories"] = aset.categories
    actors = context.actors
    item["actors"] = (
        [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind,
                "country": a.country,
                "wikidata_id": a.wikidata_id,
            }
            for a in (
                actors[i]
                for i in sorted(
                    {s.actor for aset in document.sets for s in aset.spans if s.actor is not None}
                )
                if i in actors
            )
        ]
        if actors  # a project without actors: no span names one
        else []
    )
    concepts = context.concepts
    item["concepts"] = (
        [
            {"id": c.id, "name": c.name, "parent": c.parent}
            for c in (
                concepts[i]
                for i in sorted(
                    {
                        t.concept
                        for aset in document.sets
                        for t in aset.stances
                        if t.concept is not None
                    }
                )
                if i in concepts
            )
        ]
        if concepts
        else []
    )
    item["provenance"] = {"annotators": document.annotators}
    return item


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    dumps = orjson.dumps
    for document in documents:
        yield dumps(record(document, context)) + b"\n"
