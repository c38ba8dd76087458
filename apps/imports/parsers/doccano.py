"""doccano's JSONL export (sequence labelling, with or without relations).

Each line: ``text``, ``entities`` (``id``, ``label``, ``start_offset``,
``end_offset``) and ``relations`` (``from_id``, ``to_id``, ``type``), or the
older ``label`` list of ``[start, end, label]``. Document categories come
from ``cats`` (intent detection and slot filling; Accord's export writes it)
or from a text-classification line's ``label`` list of names
(``{"text", "label": ["Diplomacy"]}``); they must be category labels of the
project, as spans' labels must be its entity labels. doccano counts offsets in
UTF-16 code units (JavaScript string indices); they are converted to code
points here, and an offset that falls inside a surrogate pair (half an
emoji) is reported, not rounded. The id comes from ``external_id`` (as
Accord's doccano export writes it), else ``id``; other keys go into ``meta``.
Entities become spans ``e<id>``, relations stances ``r<n>`` and Accord's
``claims`` (``{"id", "from_id", "concept": a concept's name, "type"}``)
stances on concepts ``c<n>``: one annotation group per line.

Who annotated: doccano's export of a project without shared annotations is a
ZIP of one ``<username>.jsonl`` per member (``all.jsonl`` when annotations
are shared, which names nobody), so a member file's name is the annotator of
its lines; a line's own ``annotator`` (Accord's doccano export with
``source=all``) or ``username`` (doccano's first JSON export) key says it
too, and wins. Each of those files holds every document, annotated or not,
so a line of a named annotator with no entities and no relations cannot be
told from a document they never opened: it adds no group. Lines of one
document (the same id) from several annotators become one record with a
group for each, once their text and metadata agree.
"""

from apps.documents.fields import METADATA_FIELDS
from apps.documents.offsets import OffsetMap

from . import AnnotationGroup, PeerAuthor, describe_type, open_text, show
from .jsonl import json_lines

KNOWN = {
    "text",
    "cats",
    "entities",
    "relations",
    "claims",
    "label",
    "id",
    "external_id",
    "Comments",
    "text_sha256",
    "annotator",
    "username",
}
# Keys a line may name its annotator by, in the order they are looked for.
AUTHOR_KEYS = ("annotator", "username")
# The file of a project whose annotations are shared: nobody's in particular.
SHARED_FILE = "all"
# The metadata a record passes on as it is; the rest of the object goes into meta.
PASSED = tuple(name for name in METADATA_FIELDS if name != "meta")


def _author(item, file_author):
    """(PeerAuthor or None, the field naming it, what is wrong with it or None)."""
    for key in AUTHOR_KEYS:
        value = item.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            return None, key, f'"{key}" must be a username, got {show(value)}'
        return PeerAuthor(value), key, None
    if file_author is not None:
        return PeerAuthor(file_author), "file name", None
    return None, AUTHOR_KEYS[0], None


def convert(item, where, file_author=None):
    """``(record, groups, merge)`` for the doccano object: an Accord record,
    its annotation group (none when the line annotates nothing), and whether
    it is one annotator's copy of a document that others may have too."""
    author, author_field, author_problem = _author(item, file_author)
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
    # A line that names its annotator is one author's copy of the document.
    merge = author is not None or file_author is not None
    if not isinstance(text, str):
        return record, [], merge  # the collector reports the missing text
    group = AnnotationGroup(
        [], [], where, author=author, author_field=author_field, author_problem=author_problem
    )
    offsets = OffsetMap(text)  # doccano counts UTF-16 code units
    entities = item.get("entities")
    group.categories = _categories(item, group)
    # A text-classification line's "label" names categories, not entities.
    classified = "cats" not in item and group.categories is not None
    if entities is None and not classified and isinstance(item.get("label"), list):
        entities = [
            {"id": n, "start_offset": e[0], "end_offset": e[1], "label": e[2]}
            if isinstance(e, list) and len(e) == 3
            else e
            for n, e in enumerate(item["label"], start=1)
        ]
    spans, ids = [], {}
    for n, entity in enumerate(entities or []):
        path = f"entities[{n}]"
        if not isinstance(entity, dict):
            group.error(path, f"{path} must be an object, got {describe_type(entity)}")
            continue
        span = {"id": f"e{entity.get('id', n + 1)}", "label": entity.get("label")}
        for ours, theirs in (("start", "start_offset"), ("end", "end_offset")):
            value = entity.get(theirs)
            if isinstance(value, int) and not isinstance(value, bool) and value > offsets.length16:
                # Said in doccano's unit: the validator would count code points.
                group.error(
                    f"{path}.{theirs}",
                    f"{path}.{theirs} {value} is past the end of the text "
                    f"({offsets.length16} UTF-16 code units)",
                )
            elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                # A negative value is left for the validator to report.
                converted = offsets.to_code_point(value)
                if converted is None:
                    group.error(
                        f"{path}.{theirs}",
                        f"{path}.{theirs} {value} is not a character boundary in UTF-16 "
                        "(it falls inside an emoji or another character outside the BMP)",
                    )
                value = converted
            span[ours] = value
        ids[entity.get("id", n + 1)] = span["id"]
        spans.append(span)
    stances = []
    for n, relation in enumerate(item.get("relations") or []):
        path = f"relations[{n}]"
        if not isinstance(relation, dict):
            group.error(path, f"{path} must be an object, got {describe_type(relation)}")
            continue
        holder, target = ids.get(relation.get("from_id")), ids.get(relation.get("to_id"))
        if holder is None or target is None:
            group.error(
                path,
                f"{path} links entities {show(relation.get('from_id'))} and "
                f"{show(relation.get('to_id'))}, which are not both in this line",
            )
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
    for n, claim in enumerate(item.get("claims") or []):
        path = f"claims[{n}]"
        if not isinstance(claim, dict):
            group.error(path, f"{path} must be an object, got {describe_type(claim)}")
            continue
        holder = ids.get(claim.get("from_id"))
        if holder is None:
            group.error(
                f"{path}.from_id",
                f"{path} is held by entity {show(claim.get('from_id'))}, which is not in this line",
            )
            continue
        concept = claim.get("concept")
        if not isinstance(concept, str) or not concept:
            group.error(f"{path}.concept", f"{path}.concept must be a concept's name")
            continue
        stances.append(
            {
                "id": f"c{claim.get('id', n + 1)}",
                "holder": holder,
                "target": None,
                "concept_name": concept,
                "polarity": claim.get("type"),
                "cue": None,
            }
        )
    group.spans, group.stances = spans, stances
    group.categories = group.categories or []
    # Nothing annotated (and nothing wrong): no group, whoever's file it is.
    empty = not spans and not stances and not group.categories and not group.problems
    return record, [] if empty else [group], merge


def _categories(item, group):
    """The category names of a line (``cats``, or a ``label`` list of names),
    or None when it has none of those."""
    key = "cats" if "cats" in item else "label"
    value = item.get(key)
    if key == "label" and not (
        isinstance(value, list) and value and all(isinstance(v, str) for v in value)
    ):
        return None  # the older entity list, or nothing
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        group.error(key, f'"{key}" must be a list of category names, got {show(value)}')
        return None
    return list(value)


def read_doccano(source, collector, prefix="", file_author=None):
    """Add the lines of a text file (parsers.open_text)."""
    for where, item in json_lines(source, collector, prefix):
        if not isinstance(item, dict):
            collector.error(where, None, f"a line must be a JSON object, got {describe_type(item)}")
            continue
        record, groups, merge = convert(item, where, file_author)
        collector.add(record, where, groups=groups, merge=merge)


def read_member(content, name, where, collector):
    """A member of doccano's per-user ZIP export: its file name is the
    annotator of its lines (``all.jsonl``, of shared annotations, names nobody)."""
    base = name.rsplit("/", 1)[-1]
    stem = base[: base.rfind(".")]
    author = None if stem == SHARED_FILE else stem
    read_doccano(
        open_text(content, "the file", check_first=True),
        collector,
        prefix=f"{where} ",
        file_author=author,
    )


read_member.extensions = (".jsonl",)
