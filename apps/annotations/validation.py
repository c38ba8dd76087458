"""Check an annotation set against its document's text and the project schema.

Plain data in, plain data out: the API, the importers and pre-annotation all
pass what they were given through `validate_set`, which returns the cleaned set
and every error at once, each naming the field at fault
(``spans[2].text``) in a sentence a person can act on.

Offsets are Unicode code points of the stored text, start inclusive, end
exclusive: ``text[start:end]`` in Python.
"""

from dataclasses import dataclass, field

from apps.projects.inputs import MAX_ID, unstorable

MAX_ID_LENGTH = 64


@dataclass
class Schema:
    """What a set may refer to in its project."""

    entity_labels: set[str]
    stance_labels: set[str]
    # Actor ids that spans may link to; None leaves links unchecked.
    actors: set[int] | None = None
    # Actors that were merged away: id -> survivor id, for a helpful message.
    merged_actors: dict[int, int] = field(default_factory=dict)
    # Concept ids that stances may be taken on; None leaves them unchecked.
    concepts: set[int] | None = None
    merged_concepts: dict[int, int] = field(default_factory=dict)
    # Category label name -> (its group's name, whether the group allows several).
    categories: dict[str, tuple[str, bool]] = field(default_factory=dict)


@dataclass
class CleanSet:
    spans: list[dict]
    stances: list[dict]
    # Category label names, each once, sorted.
    categories: list[str] = field(default_factory=list)


def _error(errors, path, message):
    errors.append({"field": path, "message": message})


REJECTION_FIELD = "rejected_predictions"


def clean_rejections(text: str, value) -> tuple[list[dict], list[dict]]:
    """The rejected suggestions of a set write, ``[{"source", "start", "end",
    "label"}]`` (offsets in code points into `text`), each once, in text
    order; or the errors, in validate_set's shape."""
    errors, out = [], set()
    if not isinstance(value, list):
        _error(errors, REJECTION_FIELD, "must be a list of rejected suggestions")
        return [], errors
    for i, item in enumerate(value):
        path = f"{REJECTION_FIELD}[{i}]"
        if not isinstance(item, dict):
            _error(errors, path, "must be an object with source, start, end and label")
            continue
        source, start, end, label = (item.get(k) for k in ("source", "start", "end", "label"))
        # "" is a prediction set stored without a source.
        if not isinstance(source, str) or len(source) > 100:
            _error(errors, f"{path}.source", "must be the prediction set's source (text)")
        for name, number in (("start", start), ("end", end)):
            if not isinstance(number, int) or isinstance(number, bool):
                _error(errors, f"{path}.{name}", f"must be an integer, got {number!r}")
        if not isinstance(label, str) or not label:
            _error(errors, f"{path}.label", "must be a label name")
        if errors and errors[-1]["field"].startswith(path):
            continue
        if not 0 <= start < end <= len(text):
            _error(errors, path, f"[{start}:{end}] is not a span of the text (0 to {len(text)})")
            continue
        out.add((start, end, label, source))
    rows = [
        {"source": source, "start": start, "end": end, "label": label}
        for start, end, label, source in sorted(out, key=lambda r: (r[0], -r[1], r[2], r[3]))
    ]
    return rows, errors


def _is_int(value):
    # bool is an int in Python; an offset of `true` is a client bug, not 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_id(value, path, errors):
    if _is_int(value):
        value = str(value)
    if not isinstance(value, str) or not value:
        _error(errors, path, "must be a non-empty string")
        return None
    if len(value) > MAX_ID_LENGTH:
        _error(errors, path, f"must be at most {MAX_ID_LENGTH} characters")
        return None
    if problem := unstorable(value):
        _error(errors, path, problem)
        return None
    return value


SCORE_FIELD = "score"


def _check_score(value, path, scores, errors):
    """A span's score: a model's confidence, a number from 0 to 1, kept only
    on a prediction set's spans (`scores`); None when absent. False when wrong."""
    if value is None:
        return None
    if not scores:
        _error(
            errors,
            f"{path}.{SCORE_FIELD}",
            "only a prediction set's spans carry a score (a model's confidence); "
            "leave it out of annotator and gold sets",
        )
        return False
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        _error(errors, f"{path}.{SCORE_FIELD}", f"must be a number from 0 to 1, got {value!r}")
        return False
    return float(value)


def _check_span(index, span, text, schema, errors, scores=False):
    path = f"spans[{index}]"
    if not isinstance(span, dict):
        _error(errors, path, "must be an object with start, end and label")
        return None
    ok = True
    start, end = span.get("start"), span.get("end")
    for name, value in (("start", start), ("end", end)):
        if not _is_int(value):
            _error(errors, f"{path}.{name}", f"must be an integer, got {value!r}")
            ok = False
        elif value < 0:
            _error(errors, f"{path}.{name}", f"must not be negative, got {value}")
            ok = False
        elif value > len(text):
            _error(
                errors,
                f"{path}.{name}",
                f"{value} is past the end of the text ({len(text)} code points)",
            )
            ok = False
    if ok and start >= end:
        _error(errors, f"{path}.end", f"must be greater than start ({start}), got {end}")
        ok = False
    label = span.get("label")
    if not isinstance(label, str) or not label:
        _error(errors, f"{path}.label", "is required")
        ok = False
    elif label not in schema.entity_labels:
        if label in schema.stance_labels:
            message = f"{label} is a stance label; a span needs an entity label"
        else:
            message = f"unknown label {label}; this project's entity labels are " + (
                ", ".join(sorted(schema.entity_labels)) or "not defined yet"
            )
        _error(errors, f"{path}.label", message)
        ok = False
    given = span.get("text")
    if given is not None and ok:
        covered = text[start:end]
        if not isinstance(given, str):
            _error(errors, f"{path}.text", "must be a string")
            ok = False
        elif given != covered:
            _error(
                errors,
                f"{path}.text",
                f"{given!r} does not match the document's text[{start}:{end}], {covered!r}",
            )
            ok = False
    actor = span.get("actor")
    if actor is not None:
        if not _is_int(actor):
            _error(errors, f"{path}.actor", f"must be an actor id (an integer), got {actor!r}")
            ok = False
        elif actor < 1 or actor > MAX_ID:
            _error(errors, f"{path}.actor", f"there is no actor {actor} in this project")
            ok = False
        elif actor in schema.merged_actors:
            _error(
                errors,
                f"{path}.actor",
                f"actor {actor} was merged into actor {schema.merged_actors[actor]}; link that one",
            )
            ok = False
        elif schema.actors is not None and actor not in schema.actors:
            _error(errors, f"{path}.actor", f"there is no actor {actor} in this project")
            ok = False
    score = _check_score(span.get(SCORE_FIELD), path, scores, errors)
    ok = ok and score is not False
    span_id = span.get("id")
    if span_id is not None:
        span_id = _check_id(span_id, f"{path}.id", errors)
        ok = ok and span_id is not None
    if not ok:
        return None
    return {
        "id": span_id,
        "start": start,
        "end": end,
        "label": label,
        "actor": actor,
        "score": score,
    }


def _check_reference(stance, name, span_ids, path, errors):
    """The span id a stance field refers to, None when absent; False when wrong."""
    value = stance.get(name)
    if value is None:
        return None
    if _is_int(value):
        value = str(value)
    if not isinstance(value, str) or value not in span_ids:
        _error(errors, f"{path}.{name}", f"refers to span {value!r}, which is not in this set")
        return False
    return value


def _check_concept(value, path, schema, errors):
    """The concept id of a stance, or None after an error."""
    if not _is_int(value):
        _error(errors, f"{path}.concept", f"must be a concept id (an integer), got {value!r}")
        return None
    if value in schema.merged_concepts:
        _error(
            errors,
            f"{path}.concept",
            f"concept {value} was merged into concept "
            f"{schema.merged_concepts[value]}; use that one",
        )
        return None
    if (
        value < 1
        or value > MAX_ID
        or (schema.concepts is not None and value not in schema.concepts)
    ):
        _error(errors, f"{path}.concept", f"there is no concept {value} in this project's codebook")
        return None
    return value


def _check_stance(index, stance, span_ids, schema, errors):
    path = f"stances[{index}]"
    if not isinstance(stance, dict):
        _error(errors, path, "must be an object with holder, target or concept, and polarity")
        return None
    ok = True
    refs = {}
    for name in ("holder", "target", "cue"):
        refs[name] = _check_reference(stance, name, span_ids, path, errors)
        ok = ok and refs[name] is not False
    if refs["holder"] is None:
        _error(errors, f"{path}.holder", "is required: the id of a span in this set")
        ok = False
    # A stance is on a span of the text or on a concept of the codebook.
    concept = stance.get("concept")
    if concept is not None and stance.get("target") is not None:
        _error(
            errors,
            f"{path}.concept",
            "a stance is taken on a target span or on a concept, not both; drop one of them",
        )
        ok = False
    elif concept is not None:
        concept = _check_concept(concept, path, schema, errors)
        ok = ok and concept is not None
    elif stance.get("target") is None:
        _error(
            errors,
            f"{path}.target",
            "is required: the id of a span in this set, or give a concept id instead",
        )
        ok = False
    if ok and refs["holder"] == refs["target"]:
        _error(errors, f"{path}.target", "must be a different span from the holder")
        ok = False
    polarity = stance.get("polarity")
    if not isinstance(polarity, str) or not polarity:
        _error(errors, f"{path}.polarity", "is required")
        ok = False
    elif polarity not in schema.stance_labels:
        if polarity in schema.entity_labels:
            message = f"{polarity} is an entity label; a stance polarity needs a stance label"
        else:
            message = f"unknown polarity {polarity}; this project's stance labels are " + (
                ", ".join(sorted(schema.stance_labels)) or "not defined yet"
            )
        _error(errors, f"{path}.polarity", message)
        ok = False
    stance_id = stance.get("id")
    if stance_id is not None:
        stance_id = _check_id(stance_id, f"{path}.id", errors)
        ok = ok and stance_id is not None
    if not ok:
        return None
    return {"id": stance_id, "polarity": polarity, "concept": concept, **refs}


CATEGORY_FIELD = "categories"


def clean_categories(value, schema) -> tuple[list[str], list[dict]]:
    """The document categories of a set write, a list of category label
    names: each once, at most one per single-choice group; sorted. Returns
    ``(names, errors)``, errors in validate_set's shape."""
    errors = []
    if value is None:
        return [], errors
    if not isinstance(value, list):
        _error(errors, CATEGORY_FIELD, "must be a list of category label names")
        return [], errors
    chosen, by_group = {}, {}
    for i, name in enumerate(value):
        path = f"{CATEGORY_FIELD}[{i}]"
        if not isinstance(name, str) or not name:
            _error(errors, path, f"must be a category label name, got {name!r}")
            continue
        if name not in schema.categories:
            if name in schema.entity_labels or name in schema.stance_labels:
                message = f"{name} is not a category label; categories name document labels"
            else:
                message = f"unknown category {name}; this project's categories are " + (
                    ", ".join(sorted(schema.categories)) or "not defined yet"
                )
            _error(errors, path, message)
            continue
        if name in chosen:
            _error(errors, path, f"repeats {chosen[name]}")
            continue
        group, multiple = schema.categories[name]
        if not multiple and group in by_group:
            _error(
                errors,
                path,
                f"{group} takes one category and {by_group[group]} is already chosen; "
                f"drop one of {by_group[group]} and {name}",
            )
            continue
        chosen[name] = path
        by_group.setdefault(group, name)
    return sorted(chosen), errors


def _assign_ids(items, taken, prefix):
    """Give server-made ids ("s1", "s2" …) to items that came without one."""
    counter = 0
    for item in items:
        if item["id"] is None:
            counter += 1
            while f"{prefix}{counter}" in taken:
                counter += 1
            item["id"] = f"{prefix}{counter}"
            taken.add(item["id"])


def validate_set(text, data, schema, scores=False):
    """Return ``(CleanSet | None, errors)``; the set is None when there are errors.

    `data` is ``{"spans": [...], "stances": [...], "categories": [...]}`` as
    a client sent it (categories optional). `scores`: the set is a
    prediction set, whose spans may carry a ``score`` (0 to 1); in any other
    set a span with a score is refused, naming it (``spans[2].score``).
    Span and stance ids share one namespace in the set, so a reference is
    never ambiguous.
    """
    errors = []
    spans_in = data.get("spans", [])
    stances_in = data.get("stances", [])
    if spans_in is None:
        spans_in = []
    if stances_in is None:
        stances_in = []
    if not isinstance(spans_in, list):
        _error(errors, "spans", "must be a list")
        spans_in = []
    if not isinstance(stances_in, list):
        _error(errors, "stances", "must be a list")
        stances_in = []

    spans = []
    seen_ids = {}
    seen_spans = {}
    for index, raw in enumerate(spans_in):
        span = _check_span(index, raw, text, schema, errors, scores)
        if span is None:
            continue
        if span["id"] is not None:
            if span["id"] in seen_ids:
                _error(
                    errors,
                    f"spans[{index}].id",
                    f"{span['id']!r} is already used by {seen_ids[span['id']]}",
                )
                continue
            seen_ids[span["id"]] = f"spans[{index}]"
        key = (span["start"], span["end"], span["label"])
        if key in seen_spans:
            _error(
                errors,
                f"spans[{index}]",
                f"repeats {seen_spans[key]} (same start, end and label)",
            )
            continue
        seen_spans[key] = f"spans[{index}]"
        spans.append(span)

    # Spans that failed validation still count as referable, so a stance that
    # points at them is not reported a second time as dangling.
    span_ids = set(seen_ids)
    for raw in spans_in:
        if isinstance(raw, dict) and raw.get("id") is not None:
            span_ids.add(str(raw["id"]))

    stances = []
    seen_stances = {}
    for index, raw in enumerate(stances_in):
        stance = _check_stance(index, raw, span_ids, schema, errors)
        if stance is None:
            continue
        if stance["id"] is not None:
            if stance["id"] in seen_ids:
                _error(
                    errors,
                    f"stances[{index}].id",
                    f"{stance['id']!r} is already used by {seen_ids[stance['id']]}",
                )
                continue
            seen_ids[stance["id"]] = f"stances[{index}]"
        key = (stance["holder"], stance["target"], stance["concept"], stance["polarity"])
        if key in seen_stances:
            on = "target" if stance["concept"] is None else "concept"
            _error(
                errors,
                f"stances[{index}]",
                f"repeats {seen_stances[key]} (same holder, {on} and polarity)",
            )
            continue
        seen_stances[key] = f"stances[{index}]"
        stances.append(stance)

    categories, category_errors = clean_categories(data.get(CATEGORY_FIELD), schema)
    errors.extend(category_errors)

    if errors:
        return None, errors
    taken = set(seen_ids)
    _assign_ids(spans, taken, "s")
    _assign_ids(stances, taken, "t")
    return CleanSet(spans=spans, stances=stances, categories=categories), []


def describe(errors, limit=5):
    """One readable sentence for the first few errors, for the `detail` of a 400."""
    parts = [f"{e['field']}: {e['message']}" for e in errors[:limit]]
    more = len(errors) - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)
