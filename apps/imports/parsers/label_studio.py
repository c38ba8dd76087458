"""Label Studio's JSON export: a list of tasks with annotations (or predictions).

Each task's ``data.text`` is the text; the id is ``data.external_id``, else
``data.id``, else the task's ``id``; ``title``, ``url``, ``outlet``,
``author``, ``section``, ``published`` in ``data`` are kept and the other
``data`` keys go into ``meta``. The first annotation that was not cancelled
(else the first prediction) becomes a prediction set: ``labels`` regions are
spans (``value.start``/``end`` in code points, as Label Studio counts them;
the region's ``id`` is the span id; ``meta.actor`` a linked actor) and
``relation`` results are stances from ``from_id`` to ``to_id`` with the
relation's first label as polarity.
"""

from apps.documents.fields import METADATA_FIELDS

from . import ImportFormatError, describe_type, show
from .jsonl import loads

# The metadata a record passes on as it is; the rest of the object goes into meta.
PASSED = tuple(name for name in METADATA_FIELDS if name != "meta")
SKIPPED = {"text", "external_id", "id", "text_sha256", "split", "meta"}


def _result(task):
    for annotation in task.get("annotations") or []:
        if isinstance(annotation, dict) and not annotation.get("was_cancelled"):
            return annotation.get("result") or []
    for prediction in task.get("predictions") or []:
        if isinstance(prediction, dict):
            return prediction.get("result") or []
    return []


def convert(task, where, collector):
    if not isinstance(task, dict):
        collector.error(where, None, f"a task must be a JSON object, got {describe_type(task)}")
        return None
    data = task.get("data")
    if not isinstance(data, dict):
        collector.error(where, "data", f'"data" must be an object, got {show(data)}')
        return None
    record = {"text": data.get("text")}
    external_id = data.get("external_id", data.get("id", task.get("id")))
    if external_id is not None:
        record["id"] = external_id
    for name in PASSED:
        if data.get(name) not in (None, ""):
            record[name] = data[name]
    meta = dict(data["meta"]) if isinstance(data.get("meta"), dict) else {}
    meta.update({k: v for k, v in data.items() if k not in SKIPPED and k not in PASSED})
    if meta:
        record["meta"] = meta
    spans, stances, ok = [], [], True
    result = _result(task)
    if not isinstance(result, list):
        collector.error(where, "annotations", "an annotation's result must be a list")
        return None
    for n, item in enumerate(result):
        path = f"result[{n}]"
        if not isinstance(item, dict):
            collector.error(where, path, f"{path} must be an object")
            ok = False
            continue
        kind = item.get("type")
        if kind == "labels":
            value = item.get("value") or {}
            labels = value.get("labels") or []
            if len(labels) != 1:
                collector.error(
                    where, f"{path}.value.labels", f"{path} must have exactly one label"
                )
                ok = False
                continue
            actor = (
                (item.get("meta") or {}).get("actor")
                if isinstance(item.get("meta"), dict)
                else None
            )
            spans.append(
                {
                    "id": item.get("id"),
                    "start": value.get("start"),
                    "end": value.get("end"),
                    "label": labels[0],
                    "actor": actor,
                }
            )
        elif kind == "relation":
            labels = item.get("labels") or []
            if not labels:
                collector.error(
                    where, f"{path}.labels", f"{path}: a relation needs a label (its polarity)"
                )
                ok = False
                continue
            holder, target = item.get("from_id"), item.get("to_id")
            if item.get("direction") == "left":
                holder, target = target, holder
            stances.append(
                {
                    "id": f"r{len(stances) + 1}",
                    "holder": holder,
                    "target": target,
                    "polarity": labels[0],
                    "cue": None,
                }
            )
        else:
            collector.error(
                where, f"{path}.type", f"{path}: results of type {show(kind)} are not imported"
            )
            ok = False
    if not ok:
        return None
    if spans or stances:
        record["spans"], record["stances"] = spans, stances
    return record


def read_label_studio(text, label, collector):
    try:
        tasks = loads(text)
    except (ValueError, RecursionError) as exc:
        raise ImportFormatError(f"{label} is not valid JSON: {exc}") from None
    if not isinstance(tasks, list):
        raise ImportFormatError(
            f"{label} must hold a JSON list of Label Studio tasks, got {describe_type(tasks)}"
        )
    for number, task in enumerate(tasks, start=1):
        where = f"task {number}"
        record = convert(task, where, collector)
        if record is not None:
            collector.add(record, where)
