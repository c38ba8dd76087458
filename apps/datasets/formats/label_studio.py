"""Label Studio's JSON export: a list of tasks with annotations.

Each task: ``data`` (``text`` and the document's metadata), and one
annotation per layer (the gold set; with ``source=all`` each annotator's) whose
``result`` holds ``labels`` regions (``value.start``/``end`` in code points,
as Label Studio's Python back end counts them, with the covered ``text``) and
``relation`` results from holder region to target region labelled with the
polarity. The labelling config this matches is ``LABEL_CONFIG`` below.
Actor links ride along in each region's ``meta`` (``{"actor": id}``).
Prediction sets (``source=prediction``) are the task's ``predictions``
instead, ``model_version`` naming their source, and a region whose model gave
a confidence has Label Studio's per-region ``score`` (0 to 1).

Document categories are ``choices`` results, one per category group, with
the group's name as ``from_name`` (a ``<Choices>`` control of that name).
Label Studio has no relation from a region to something that is not a
region, so stances on concepts of the codebook are a per-region
``taxonomy`` result on the holder's region (its ``id`` is the region's, as
Label Studio links per-region results): each path is the polarity, then the
concept's place in the codebook from the top down (``["SUPPORT", "International
law", "UN Charter"]``), and ``meta.concepts`` carries the concept ids and
stance ids in the same order. The config's ``<Taxonomy name="claim">`` has
the polarities as top-level choices and the codebook under each.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import quoteattr

import orjson

from .records import DocumentRecord, ExportContext

FROM_NAME, TO_NAME = "label", "text"
PREDICTION = "prediction"  # the kind of a layer written as a Label Studio prediction
CLAIM = "claim"  # the per-region taxonomy of stances on concepts


def _codebook(context: ExportContext, parent=None) -> str:
    children = sorted(
        (c for c in context.concepts.values() if c.parent == parent), key=lambda c: c.name
    )
    return "".join(
        f"<Choice value={quoteattr(c.name)}>{_codebook(context, c.id)}</Choice>" for c in children
    )


def label_config(context: ExportContext) -> str:
    """The Label Studio labelling config the tasks fit."""
    labels = "".join(f"<Label value={quoteattr(name)}/>" for name in context.entity_labels)
    relations = "".join(f"<Relation value={quoteattr(name)}/>" for name in context.stance_labels)
    groups = defaultdict(list)
    for label, group in context.category_groups.items():
        groups[group].append(label)
    choices = "".join(
        f"<Choices name={quoteattr(group)} toName={quoteattr(TO_NAME)} choice="
        f'"{"multiple" if group in context.multiple_groups else "single"}">'
        + "".join(f"<Choice value={quoteattr(name)}/>" for name in names)
        + "</Choices>"
        for group, names in groups.items()
    )
    taxonomy = ""
    if context.concepts:
        codebook = _codebook(context)
        taxonomy = (
            f'<Taxonomy name="{CLAIM}" toName="{TO_NAME}" perRegion="true">'
            + "".join(
                f"<Choice value={quoteattr(p)}>{codebook}</Choice>" for p in context.stance_labels
            )
            + "</Taxonomy>"
        )
    return (
        f'<View><Relations>{relations}</Relations><Labels name="{FROM_NAME}" '
        f'toName="{TO_NAME}">{labels}</Labels><Text name="{TO_NAME}" value="$text"/>'
        f"{taxonomy}{choices}</View>"
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
        if span.score is not None:
            region["score"] = span.score
        out.append(region)
    spans = {span.id: span for span in aset.spans}
    claims = defaultdict(list)
    for t in aset.stances:
        if t.cue:
            context.count("stance_cues_dropped")
        if t.concept is not None:
            claims[t.holder].append(t)
            continue
        out.append(
            {
                "from_id": t.holder,
                "to_id": t.target,
                "type": "relation",
                "direction": "right",
                "labels": [t.polarity],
            }
        )
    for holder, stances in claims.items():
        span = spans[holder]
        out.append(
            {
                "id": holder,
                "from_name": CLAIM,
                "to_name": TO_NAME,
                "type": "taxonomy",
                "value": {
                    "start": span.start,
                    "end": span.end,
                    "taxonomy": [[t.polarity, *context.concept_path(t.concept)] for t in stances],
                },
                "meta": {
                    "concepts": [t.concept for t in stances],
                    "stances": [t.id for t in stances],
                },
            }
        )
    groups = defaultdict(list)
    for name in aset.categories:
        groups[context.category_groups.get(name, "")].append(name)
    for group, names in groups.items():
        out.append(
            {
                "from_name": group,
                "to_name": TO_NAME,
                "type": "choices",
                "value": {"choices": names},
            }
        )
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
    out = {
        "data": data,
        "annotations": [
            {"completed_by": aset.owner, "result": _result(document, aset, context)}
            for aset in document.sets
            if aset.kind != PREDICTION
        ],
    }
    predictions = [
        {"model_version": aset.owner, "result": _result(document, aset, context)}
        for aset in document.sets
        if aset.kind == PREDICTION
    ]
    if predictions:
        out["predictions"] = predictions
    return out


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    yield b"["
    first = True
    for document in documents:
        yield (b"\n" if first else b",\n") + orjson.dumps(task(document, context))
        first = False
    yield b"\n]\n"
