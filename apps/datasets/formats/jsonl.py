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
    text = document.text if context.include_text else None
    out = []
    for span in aset.spans:
        item = {"id": span.id, "start": span.start, "end": span.end, "label": span.label}
        if text is not None:
            item["text"] = text[span.start : span.end]
        item["actor"] = span.actor
        if span.score is not None:  # a prediction span's confidence, where its model gave one
            item["score"] = span.score
        out.append(item)
    return out


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
                "stances": _stances(aset, context),
                "categories": aset.categories,
            }
            for aset in document.sets
        ]
    else:
        aset = document.sets[0] if document.sets else SetRecord(owner="")
        item["spans"] = _spans(document, aset, context)
        item["stances"] = _stances(aset, context)
        item["categories"] = aset.categories
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
    concept_ids = sorted(
        {t.concept for aset in document.sets for t in aset.stances if t.concept is not None}
    )
    item["concepts"] = [
        {"id": c.id, "name": c.name, "parent": c.parent}
        for c in (context.concepts[i] for i in concept_ids if i in context.concepts)
    ]
    item["provenance"] = {"annotators": document.annotators}
    return item


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    dumps = orjson.dumps
    for document in documents:
        yield dumps(record(document, context)) + b"\n"
