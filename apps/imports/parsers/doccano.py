"""doccano's JSONL export (sequence labelling, with or without relations).

Each line: ``text``, ``entities`` (``id``, ``label``, ``start_offset``,
``end_offset``) and ``relations`` (``from_id``, ``to_id``, ``type``), or the
older ``label`` list of ``[start, end, label]``. doccano counts offsets in
UTF-16 code units (JavaScript string indices); they are converted to code
points here, and an offset that falls inside a surrogate pair (half an
emoji) is reported, not rounded. The id comes from ``external_id`` (as
Accord's doccano export writes it), else ``id``; other keys go into ``meta``.
Entities become spans ``e<id>`` and relations stances ``r<n>`` of a
prediction set.
"""

from apps.documents.fields import METADATA_FIELDS
from apps.documents.offsets import OffsetMap

from . import describe_type, show
from .jsonl import json_lines

KNOWN = {"text", "entities", "relations", "label", "id", "external_id", "Comments", "text_sha256"}
# The metadata a record passes on as it is; the rest of the object goes into meta.
PASSED = tuple(name for name in METADATA_FIELDS if name != "meta")


def convert(item, where, collector):
    """The doccano object as an Accord record, or None (errors reported)."""
    text = item.get("text")
    record = {"text": text}
    external_id = item.get("external_id", item.get("id"))
    if external_id is not None:
        record["id"] = external_id
    for name in PASSED:
        if item.get(name) not in (None, ""):
            record[name] = item[name]
    meta = {k: v for k, v in item.items() if k not in KNOWN and k not in PASSED}
    meta.pop("split", None)
    if meta:
        record["meta"] = meta
    if not isinstance(text, str):
        return record  # the collector reports the missing text
    offsets = OffsetMap(text)  # doccano counts UTF-16 code units
    entities = item.get("entities")
    if entities is None and isinstance(item.get("label"), list):
        entities = [
            {"id": n, "start_offset": e[0], "end_offset": e[1], "label": e[2]}
            if isinstance(e, list) and len(e) == 3
            else e
            for n, e in enumerate(item["label"], start=1)
        ]
    spans, ids, ok = [], {}, True
    for n, entity in enumerate(entities or []):
        path = f"entities[{n}]"
        if not isinstance(entity, dict):
            collector.error(where, path, f"{path} must be an object, got {describe_type(entity)}")
            ok = False
            continue
        span = {"id": f"e{entity.get('id', n + 1)}", "label": entity.get("label")}
        for ours, theirs in (("start", "start_offset"), ("end", "end_offset")):
            value = entity.get(theirs)
            if isinstance(value, int) and not isinstance(value, bool) and value > offsets.length16:
                # Said in doccano's unit: the validator would count code points.
                collector.error(
                    where,
                    f"{path}.{theirs}",
                    f"{path}.{theirs} {value} is past the end of the text "
                    f"({offsets.length16} UTF-16 code units)",
                )
                ok = False
            elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                # A negative value is left for the validator to report.
                converted = offsets.to_code_point(value)
                if converted is None:
                    collector.error(
                        where,
                        f"{path}.{theirs}",
                        f"{path}.{theirs} {value} is not a character boundary in UTF-16 "
                        "(it falls inside an emoji or another character outside the BMP)",
                    )
                    ok = False
                value = converted
            span[ours] = value
        ids[entity.get("id", n + 1)] = span["id"]
        spans.append(span)
    stances = []
    for n, relation in enumerate(item.get("relations") or []):
        path = f"relations[{n}]"
        if not isinstance(relation, dict):
            collector.error(where, path, f"{path} must be an object, got {describe_type(relation)}")
            ok = False
            continue
        holder, target = ids.get(relation.get("from_id")), ids.get(relation.get("to_id"))
        if holder is None or target is None:
            collector.error(
                where,
                path,
                f"{path} links entities {show(relation.get('from_id'))} and "
                f"{show(relation.get('to_id'))}, which are not both in this line",
            )
            ok = False
            continue
        stances.append(
            {
                "id": f"r{relation.get('id', n + 1)}",
                "holder": holder,
                "target": target,
                "polarity": relation.get("type"),
                "cue": None,
            }
        )
    if not ok:
        return None
    if spans or stances:
        record["spans"], record["stances"] = spans, stances
    return record


def read_doccano(text, collector):
    for where, item in json_lines(text, collector):
        if not isinstance(item, dict):
            collector.error(where, None, f"a line must be a JSON object, got {describe_type(item)}")
            continue
        record = convert(item, where, collector)
        if record is not None:
            collector.add(record, where)
