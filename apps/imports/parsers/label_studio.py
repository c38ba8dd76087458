"""Label Studio's JSON export: a list of tasks with annotations (or predictions).

Each task's ``data.text`` is the text; the id is ``data.external_id``, else
``data.id``, else the task's ``id``; ``title``, ``url``, ``outlet``,
``author``, ``section``, ``published`` in ``data`` are kept and the other
``data`` keys go into ``meta``. Each annotation that was not cancelled is
an annotation group, and each prediction a predicted one: ``labels`` regions
are spans (``value.start``/``end`` in code points, as Label Studio counts
them; the region's ``id`` is the span id; ``meta.actor`` a linked actor;
``score``, a prediction's confidence, kept where the group lands in a
prediction set) and
``relation`` results are stances from ``from_id`` to ``to_id`` with the
relation's first label as polarity. ``choices`` results (not per region)
are document categories, whatever control (``from_name``) they come from:
each choice must be a category label of the project. A per-region
``taxonomy`` result (Accord's own encoding of stances on concepts, see
apps/datasets/formats/label_studio.py) is a stance of the region's span on
each path: the first element its polarity, the last the concept's name in
the project's codebook.

Who annotated is the annotation's ``completed_by``: the user's id in Label
Studio's own export (which only Label Studio can resolve, so it must be
mapped), an object ``{id, email, first_name, last_name}`` in its older
exports and with the user expanded, or a name (Accord's own export writes
the annotator's username there).
"""

from apps.documents.fields import METADATA_FIELDS

from . import AnnotationGroup, PeerAuthor, describe_type, show
from .jsonl import items

# The metadata a record passes on as it is; the rest of the object goes into meta.
PASSED = tuple(name for name in METADATA_FIELDS if name != "meta")
SKIPPED = {"text", "external_id", "id", "text_sha256", "split", "meta"}


def peer_author(value):
    """The PeerAuthor a ``completed_by`` names, or None; a str is a problem."""
    if isinstance(value, bool):
        return "must be a user id, a user object or a name, got a boolean"
    if isinstance(value, int):
        return PeerAuthor(str(value), "id", f"Label Studio user {value}")
    if isinstance(value, str) and value.strip():
        return PeerAuthor(value.strip(), "email" if "@" in value else "name")
    if isinstance(value, dict):
        email = value.get("email")
        user_id = value.get("id")
        has_id = isinstance(user_id, int) and not isinstance(user_id, bool)
        name = " ".join(
            part.strip()
            for part in (value.get("first_name"), value.get("last_name"))
            if isinstance(part, str) and part.strip()
        )
        if isinstance(email, str) and email.strip():
            email = email.strip()
            label = f"{name} <{email}>" if name else email
            return PeerAuthor(email, "email", label, (str(user_id),) if has_id else ())
        if has_id:
            label = f"{name} (Label Studio user {user_id})" if name else ""
            return PeerAuthor(str(user_id), "id", label or f"Label Studio user {user_id}")
        return "names neither an e-mail nor a user id"
    if value is None:
        return None
    return f"must be a user id, a user object or a name, got {show(value)}"


def _groups(task, where):
    """The task's annotation groups (annotations not cancelled, with their
    authors), then its predictions."""
    groups = []
    for kind in ("annotations", "predictions"):
        items = task.get(kind)
        if items is None:
            continue
        if not isinstance(items, list):
            group = AnnotationGroup([], [], where, prefix=kind, predicted=kind == "predictions")
            group.error(None, f'"{kind}" must be a list, got {show(items)}')
            groups.append(group)
            continue
        for n, item in enumerate(items):
            prefix = f"{kind}[{n}]"
            group = AnnotationGroup([], [], where, prefix=prefix, predicted=kind == "predictions")
            if not isinstance(item, dict):
                group.error(None, f"must be an object, got {describe_type(item)}")
                groups.append(group)
                continue
            if kind == "annotations":
                if item.get("was_cancelled"):
                    continue  # skipped in Label Studio, skipped here
                group.author_field = f"{prefix}.completed_by"
                author = peer_author(item.get("completed_by"))
                if isinstance(author, str):
                    group.author_problem = f'"completed_by" {author}'
                else:
                    group.author = author
            _read_result(item.get("result"), group)
            groups.append(group)
    return groups


def _read_result(result, group):
    """Fill `group` with the spans and stances of a ``result`` list."""
    if result is None:
        return
    if not isinstance(result, list):
        group.error("result", "an annotation's result must be a list")
        return
    spans, stances = group.spans, group.stances
    for n, item in enumerate(result):
        path = f"result[{n}]"
        if not isinstance(item, dict):
            group.error(path, f"{path} must be an object")
            continue
        kind = item.get("type")
        if kind == "labels":
            value = item.get("value") or {}
            labels = value.get("labels") or []
            if len(labels) != 1:
                group.error(f"{path}.value.labels", f"{path} must have exactly one label")
                continue
            actor = (
                (item.get("meta") or {}).get("actor")
                if isinstance(item.get("meta"), dict)
                else None
            )
            span = {
                "id": item.get("id"),
                "start": value.get("start"),
                "end": value.get("end"),
                "label": labels[0],
                "actor": actor,
            }
            if item.get("score") is not None:
                # A prediction's confidence in the region; kept on prediction sets.
                span["score"] = item["score"]
            spans.append(span)
        elif kind == "choices":
            value = item.get("value") if isinstance(item.get("value"), dict) else {}
            choices = value.get("choices")
            if "start" in value or not isinstance(choices, list):
                group.error(
                    f"{path}.value",
                    f"{path}: only document-level choices (categories) are imported",
                )
                continue
            for k, name in enumerate(choices):
                if not isinstance(name, str):
                    group.error(
                        f"{path}.value.choices[{k}]",
                        f"{path}.value.choices[{k}] must be a name, got {show(name)}",
                    )
                elif name not in group.categories:
                    group.categories.append(name)
        elif kind == "taxonomy":
            value = item.get("value") if isinstance(item.get("value"), dict) else {}
            paths = value.get("taxonomy")
            if not isinstance(paths, list):
                group.error(f"{path}.value.taxonomy", f"{path} must have a taxonomy list")
                continue
            for k, claim in enumerate(paths):
                if (
                    not isinstance(claim, list)
                    or len(claim) < 2
                    or not all(isinstance(part, str) for part in claim)
                ):
                    group.error(
                        f"{path}.value.taxonomy[{k}]",
                        f"{path}.value.taxonomy[{k}] must be [polarity, …, concept name], "
                        f"got {show(claim)}",
                    )
                    continue
                stances.append(
                    {
                        "id": None,
                        "holder": item.get("id"),
                        "target": None,
                        "concept": claim[-1],
                        "polarity": claim[0],
                        "cue": None,
                    }
                )
        elif kind == "relation":
            labels = item.get("labels") or []
            if not labels:
                group.error(f"{path}.labels", f"{path}: a relation needs a label (its polarity)")
                continue
            holder, target = item.get("from_id"), item.get("to_id")
            if item.get("direction") == "left":
                holder, target = target, holder
            stances.append(
                {
                    "id": None,  # named below, once every region's id is known
                    "holder": holder,
                    "target": target,
                    "polarity": labels[0],
                    "cue": None,
                }
            )
        else:
            group.error(f"{path}.type", f"{path}: results of type {show(kind)} are not imported")
    # Relations have no id of their own: r1, r2… in order, skipping any a
    # region already has (region ids are free text, and may be "r1").
    taken = {span["id"] for span in spans}
    number = 0
    for stance in stances:
        number += 1
        while f"r{number}" in taken:
            number += 1
        stance["id"] = f"r{number}"


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
    return record, _groups(task, where)


def read_label_studio(source, label, collector):
    """Add the tasks of a Label Studio JSON export (a text file,
    parsers.open_text), one at a time."""
    for number, task in enumerate(items(source, label, "Label Studio tasks", collector), start=1):
        where = f"task {number}"
        converted = convert(task, where, collector)
        if converted is not None:
            record, groups = converted
            collector.add(record, where, groups=groups)
