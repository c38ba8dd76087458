"""Label Studio's JSON export: a list of tasks with annotations.

Each task: ``data`` (``text`` and the document's metadata), and one
annotation per layer (the gold set; with ``source=all`` each annotator's) whose
``result`` holds ``labels`` regions (``value.start``/``end`` in code points,
as Label Studio's Python back end counts them, with the covered ``text``) and
``relation`` results from holder region to target region labelled with the
polarity. The labelling config this matches is ``LABEL_CONFIG`` below.
Actor links ride along in each region's ``meta`` (``{"actor": id}``).
"""

from collections.abc import Iterable, Iterator

import orjson

from .records import DocumentRecord, ExportContext

FROM_NAME, TO_NAME = "label", "text"


def label_config(context: ExportContext) -> str:
    """The Label Studio labelling config the tasks fit."""
    labels = "".join(f'<Label value="{name}"/>' for name in context.entity_labels)
    relations = "".join(f'<Relation value="{name}"/>' for name in context.stance_labels)
    return (
        f'<View><Relations>{relations}</Relations><Labels name="{FROM_NAME}" '
        f'toName="{TO_NAME}">{labels}</Labels><Text name="{TO_NAME}" value="$text"/></View>'
    )


def _result(document: DocumentRecord, aset, context: ExportContext) -> list[dict]:
    out = []
    for span in aset.spans:
        value = {"start": span.start, "end": span.end, "labels": [span.label]}
        if context.include_text:
            value["text"] = document.text[span.start : span.end]
        region = {
            "id": span.id,
            "from_name": FROM_NAME,
            "to_name": TO_NAME,
            "type": "labels",
            "value": value,
        }
        if span.actor is not None:
            region["meta"] = {"actor": span.actor}
        out.append(region)
    for t in aset.stances:
        out.append(
            {
                "from_id": t.holder,
                "to_id": t.target,
                "type": "relation",
                "direction": "right",
                "labels": [t.polarity],
            }
        )
        if t.cue:
            context.count("stance_cues_dropped")
    return out


def task(document: DocumentRecord, context: ExportContext) -> dict:
    data = {"external_id": document.external_id}
    if context.include_text:
        data["text"] = document.text
    else:
        data["text_sha256"] = document.text_sha256
    data.update(
        title=document.title,
        url=document.url,
        outlet=document.outlet,
        published=document.published,
        split=document.split,
        meta=document.meta,
    )
    return {
        "data": data,
        "annotations": [
            {"completed_by": aset.owner, "result": _result(document, aset, context)}
            for aset in document.sets
        ],
    }


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    yield b"["
    first = True
    for document in documents:
        yield (b"\n" if first else b",\n") + orjson.dumps(task(document, context))
        first = False
    yield b"\n]\n"
