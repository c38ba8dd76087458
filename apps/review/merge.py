"""Candidates, auto-merge and reviewer decisions over plain data.

Pure Python, no ORM: the API, the management commands and the tests feed it
annotation sets in the API's set shape and get plain data back.

Identity, as in agreement.py's disagreement score: a span is its
``(start, end, label)``; a stance is ``(holder span key, target span key,
polarity)``; a stance on a concept of the codebook (a "concept stance") is
``(holder span key, concept id, polarity)``; a document category is its label
name. The validator refuses two spans (or stances) of one set with the same
identity, and a category chosen twice, so each annotator makes each candidate
at most once.

The gold set is handled as a `Gold`: span key -> actor (and the span's id),
stance and concept stance key -> cue span key (and the stance's id), and the
set of category label names. A reviewer's decision is a `Change`: the items
it takes out of gold (`before`) and the items it puts in (`after`), so it can
be reversed exactly.

Category groups (``groups``): ``{category label name: (group name,
multiple)}``, as annotations' ProjectSchema.categories gives them. In a group
that takes one category (``multiple`` false) gold holds at most one: accepting
another replaces it, and auto-merge merges only a clear winner.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from apps.projects.errors import Invalid
from apps.projects.limits import MAX_ANNOTATORS, MIN_ANNOTATORS


class MergeError(Invalid):
    """A decision that cannot apply to the gold set as it is; `field` is at fault."""

    def __init__(self, message, field=None):
        super().__init__(message, field=field)


# --------------------------------------------------------------------------- items


def span_key(span) -> tuple:
    return (span["start"], span["end"], span["label"])


def key_dict(key) -> dict:
    return {"start": key[0], "end": key[1], "label": key[2]}


def span_item(key, actor) -> dict:
    return {**key_dict(key), "actor": actor}


def stance_item(key, cue) -> dict:
    holder, target, polarity = key
    return {
        "holder": key_dict(holder),
        "target": key_dict(target),
        "polarity": polarity,
        "cue": key_dict(cue) if cue else None,
    }


def concept_stance_item(key, cue) -> dict:
    holder, concept, polarity = key
    return {
        "holder": key_dict(holder),
        "concept": concept,
        "polarity": polarity,
        "cue": key_dict(cue) if cue else None,
    }


def category_item(label) -> dict:
    return {"label": label}


def parse_span_item(value, where="span") -> tuple[tuple, object]:
    """(key, actor) of a span given as ``{"start", "end", "label", "actor"?}``."""
    if not isinstance(value, Mapping):
        raise MergeError("must be an object with start, end and label", where)
    start, end, label = value.get("start"), value.get("end"), value.get("label")
    for name, number in (("start", start), ("end", end)):
        if not isinstance(number, int) or isinstance(number, bool):
            raise MergeError(f"must be an integer, got {number!r}", f"{where}.{name}")
    if not isinstance(label, str) or not label:
        raise MergeError("must be a label name", f"{where}.label")
    actor = value.get("actor")
    if actor is not None and (not isinstance(actor, int) or isinstance(actor, bool)):
        raise MergeError("must be an actor id or null", f"{where}.actor")
    return (start, end, label), actor


def parse_stance_item(value, where="stance") -> tuple[tuple, object]:
    """(key, cue key) of a stance given with its holder, target (and cue) inline."""
    if not isinstance(value, Mapping):
        raise MergeError("must be an object with holder, target and polarity", where)
    holder, _ = parse_span_item(value.get("holder"), f"{where}.holder")
    target, _ = parse_span_item(value.get("target"), f"{where}.target")
    polarity = value.get("polarity")
    if not isinstance(polarity, str) or not polarity:
        raise MergeError("must be a stance label name", f"{where}.polarity")
    cue = value.get("cue")
    cue_key = parse_span_item(cue, f"{where}.cue")[0] if cue is not None else None
    return (holder, target, polarity), cue_key


def parse_concept_stance_item(value, where="concept_stance") -> tuple[tuple, object]:
    """(key, cue key) of a stance on a concept, its holder (and cue) inline."""
    if not isinstance(value, Mapping):
        raise MergeError("must be an object with holder, concept and polarity", where)
    holder, _ = parse_span_item(value.get("holder"), f"{where}.holder")
    concept = value.get("concept")
    if not isinstance(concept, int) or isinstance(concept, bool):
        raise MergeError(f"must be a concept id (an integer), got {concept!r}", f"{where}.concept")
    polarity = value.get("polarity")
    if not isinstance(polarity, str) or not polarity:
        raise MergeError("must be a stance label name", f"{where}.polarity")
    cue = value.get("cue")
    cue_key = parse_span_item(cue, f"{where}.cue")[0] if cue is not None else None
    return (holder, concept, polarity), cue_key


def parse_category_item(value, where="category") -> str:
    """The label name of a category given as ``{"label": name}``."""
    if not isinstance(value, Mapping):
        raise MergeError("must be an object with the category's label", where)
    label = value.get("label")
    if not isinstance(label, str) or not label:
        raise MergeError("must be a category label name", f"{where}.label")
    return label


# The layers of a gold set: item type -> the key of its items in a Change and
# in candidates, and how to read the key of one item.
LAYERS = {
    "span": "spans",
    "stance": "stances",
    "concept_stance": "concept_stances",
    "category": "categories",
}


def item_key(item_type: str, item):
    """The identity of a decided item (what candidates are keyed by)."""
    if item_type == "span":
        return parse_span_item(item)[0]
    if item_type == "stance":
        return parse_stance_item(item)[0]
    if item_type == "concept_stance":
        return parse_concept_stance_item(item)[0]
    return parse_category_item(item)


def makers(cands: Mapping, item_type: str, key) -> list:
    """Who made the candidate with this key (empty when nobody did)."""
    for cand in cands[LAYERS[item_type]]:
        if cand["key"] == key:
            return list(cand["annotators"])
    return []


# --------------------------------------------------------------------------- gold


@dataclass
class Gold:
    spans: dict = field(default_factory=dict)  # span key -> {"actor", "id"}
    stances: dict = field(default_factory=dict)  # stance key -> {"cue", "id"}
    concept_stances: dict = field(default_factory=dict)  # concept stance key -> {"cue", "id"}
    categories: set = field(default_factory=set)  # category label names

    def copy(self) -> "Gold":
        return Gold(
            {k: dict(v) for k, v in self.spans.items()},
            {k: dict(v) for k, v in self.stances.items()},
            {k: dict(v) for k, v in self.concept_stances.items()},
            set(self.categories),
        )

    def items(self) -> dict:
        """Every item in the `Change` shape, for comparing and storing."""
        return {
            "spans": [span_item(k, v["actor"]) for k, v in sorted(self.spans.items())],
            "stances": [stance_item(k, v["cue"]) for k, v in sorted(self.stances.items())],
            "concept_stances": [
                concept_stance_item(k, v["cue"]) for k, v in sorted(self.concept_stances.items())
            ],
            "categories": [category_item(label) for label in sorted(self.categories)],
        }


def _stance_keys(payload: Mapping):
    """``(layer, key, cue key, stance)`` of each stance of a set in the API
    shape (stances name their spans by id): layer "stances" for a stance on a
    target span, "concept_stances" for one on a concept."""
    by_id = {span["id"]: span_key(span) for span in payload.get("spans") or ()}
    for stance in payload.get("stances") or ():
        holder = by_id[stance["holder"]]
        cue = by_id.get(stance.get("cue")) if stance.get("cue") else None
        if stance.get("target") is None:
            key = (holder, stance.get("concept"), stance["polarity"])
            yield "concept_stances", key, cue, stance
        else:
            yield "stances", (holder, by_id[stance["target"]], stance["polarity"]), cue, stance


def gold_from_payload(payload: Mapping) -> Gold:
    """A Gold from a set in the API shape (stances name their spans by id)."""
    gold = Gold()
    for span in payload.get("spans") or ():
        gold.spans[span_key(span)] = {"actor": span.get("actor"), "id": span["id"]}
    for layer, key, cue, stance in _stance_keys(payload):
        getattr(gold, layer)[key] = {"cue": cue, "id": stance["id"]}
    gold.categories = set(payload.get("categories") or ())
    return gold


def gold_to_payload(gold: Gold) -> dict:
    """The set shape that validation and replace_set take: existing ids are
    kept, new items get the next free ``s<n>`` / ``t<n>``."""
    taken = {v["id"] for v in gold.spans.values() if v.get("id")}
    taken |= {v["id"] for v in gold.stances.values() if v.get("id")}
    taken |= {v["id"] for v in gold.concept_stances.values() if v.get("id")}
    counter = {"s": 0, "t": 0}

    def fresh(prefix):
        while True:
            counter[prefix] += 1
            candidate = f"{prefix}{counter[prefix]}"
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    ids, spans = {}, []
    for key in sorted(gold.spans):
        entry = gold.spans[key]
        ids[key] = entry.get("id") or fresh("s")
        spans.append({"id": ids[key], **key_dict(key), "actor": entry["actor"]})
    stances = []
    for key in sorted(gold.stances):
        entry = gold.stances[key]
        holder, target, polarity = key
        cue = entry.get("cue")
        stances.append(
            {
                "id": entry.get("id") or fresh("t"),
                "holder": ids[holder],
                "target": ids[target],
                "concept": None,
                "polarity": polarity,
                "cue": ids.get(cue),
            }
        )
    for key in sorted(gold.concept_stances):
        entry = gold.concept_stances[key]
        holder, concept, polarity = key
        stances.append(
            {
                "id": entry.get("id") or fresh("t"),
                "holder": ids[holder],
                "target": None,
                "concept": concept,
                "polarity": polarity,
                "cue": ids.get(entry.get("cue")),
            }
        )
    return {"spans": spans, "stances": stances, "categories": sorted(gold.categories)}


def dangling(gold: Gold) -> list[str]:
    """Stances of `gold` whose holder, target or cue span is not in it."""
    problems = []
    for (holder, target, polarity), entry in sorted(gold.stances.items()):
        for role, key in (("holder", holder), ("target", target), ("cue", entry.get("cue"))):
            if key is not None and key not in gold.spans:
                problems.append(
                    f"the {polarity} stance {_show(holder)} → {_show(target)} would lose its "
                    f"{role} {_show(key)}"
                )
    for (holder, concept, polarity), entry in sorted(gold.concept_stances.items()):
        for role, key in (("holder", holder), ("cue", entry.get("cue"))):
            if key is not None and key not in gold.spans:
                problems.append(
                    f"the {polarity} stance of {_show(holder)} on concept {concept} would lose "
                    f"its {role} {_show(key)}"
                )
    return problems


def _show(key) -> str:
    return f"[{key[0]}:{key[1]}] {key[2]}"


# --------------------------------------------------------------------------- candidates


def _majority(votes: Mapping) -> tuple[object, bool]:
    """The actor most annotators linked (unlinked votes do not count) and
    whether the top was a tie, in which case the actor is None."""
    counts = Counter(actor for actor in votes.values() if actor is not None)
    if not counts:
        return None, False
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None, True
    return ranked[0][0], False


def _holder_order(key):
    # By the holder span (start, longest first, label), then the rest.
    return (key[0][0], -key[0][1], key[0][2], *key[1:])


def candidates(sets: Mapping) -> dict:
    """Every distinct span, stance, concept stance and category of the
    annotators' sets, with who made it.

    ``sets`` maps an annotator (any hashable, in the order to report them) to
    a set ``{"spans": [{"id", "start", "end", "label", "actor"}], "stances":
    [{"holder": span id, "target": span id or None, "concept": id or None,
    "polarity", "cue"}], "categories": [label names]}``.
    Spans come ordered by start, longest first, then label; each carries
    ``annotators`` (in the order of `sets`), ``actors`` (annotator -> the actor
    they linked, None for no link), and the majority ``actor`` with ``tie``.
    Stances and concept stances carry ``annotators`` and ``cues`` (annotator
    -> cue span key) and the majority ``cue``; categories (``key``: the label
    name) their ``annotators``.
    """
    annotators = list(sets)
    spans = {}
    layers = {"stances": {}, "concept_stances": {}}
    categories = {}
    for who, payload in sets.items():
        for span in payload.get("spans") or ():
            spans.setdefault(span_key(span), {}).setdefault(who, span.get("actor"))
        for layer, key, cue, _ in _stance_keys(payload):
            layers[layer].setdefault(key, {}).setdefault(who, cue)
        for label in payload.get("categories") or ():
            categories.setdefault(label, []).append(who)
    span_out = []
    for key in sorted(spans, key=lambda k: (k[0], -k[1], k[2])):
        votes = spans[key]
        actor, tie = _majority(votes)
        span_out.append(
            {
                "key": key,
                "annotators": [a for a in annotators if a in votes],
                "actors": votes,
                "actor": actor,
                "tie": tie,
            }
        )
    out = {"annotators": annotators, "spans": span_out}
    for layer, stances in layers.items():
        out[layer] = []
        for key in sorted(stances, key=_holder_order):
            votes = stances[key]
            cue, _ = _majority(votes)
            out[layer].append(
                {
                    "key": key,
                    "annotators": [a for a in annotators if a in votes],
                    "cues": votes,
                    "cue": cue,
                }
            )
    out["categories"] = [
        {"key": label, "annotators": [a for a in annotators if a in categories[label]]}
        for label in sorted(categories)
    ]
    return out


def _single_group(groups: Mapping | None, label):
    """The group of a category label when that group takes one category, else None."""
    group, multiple = (groups or {}).get(label, (None, True))
    return None if multiple else group


@dataclass
class MergeResult:
    gold: Gold
    spans: list = field(default_factory=list)  # candidates added
    stances: list = field(default_factory=list)
    concept_stances: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    ties: list = field(default_factory=list)  # span candidates added without an actor
    # Stances (and concept stances) with enough votes whose holder, target
    # (or cue) is not in gold.
    skipped_stances: list = field(default_factory=list)
    skipped_concept_stances: list = field(default_factory=list)
    # Single-choice groups where two or more categories had the most votes
    # (at least min_agreement each): {"group", "categories": [candidates]}.
    category_ties: list = field(default_factory=list)


def _merge_categories(cands: Mapping, merged: MergeResult, min_agreement, groups):
    """Categories with enough votes go in; in a single-choice group only the
    one with the most votes, none on a tie or when gold already has one."""
    by_group = {}
    for cand in cands.get("categories", ()):
        if len(cand["annotators"]) < min_agreement or cand["key"] in merged.gold.categories:
            continue
        group = _single_group(groups, cand["key"])
        if group is None:
            merged.gold.categories.add(cand["key"])
            merged.categories.append(cand)
        else:
            by_group.setdefault(group, []).append(cand)
    for group, group_cands in sorted(by_group.items()):
        if any(_single_group(groups, label) == group for label in merged.gold.categories):
            continue  # the reviewer (or an earlier merge) chose this group's category
        top = max(len(c["annotators"]) for c in group_cands)
        best = [c for c in group_cands if len(c["annotators"]) == top]
        if len(best) > 1:
            merged.category_ties.append({"group": group, "categories": best})
            continue
        merged.gold.categories.add(best[0]["key"])
        merged.categories.append(best[0])
    merged.categories.sort(key=lambda c: c["key"])


def auto_merge(
    cands: Mapping, gold: Gold, min_agreement: int, groups: Mapping | None = None
) -> MergeResult:
    """Put into gold every candidate made by at least `min_agreement` annotators.

    A span goes in with the actor most of its annotators linked; when linked
    actors tie, with none, and it is listed in ``ties``. A stance goes in when
    its holder and target spans are in gold (after the spans are merged), a
    concept stance when its holder is; the cue only when the cue span is in
    gold too. A category goes in; in a group that takes one (see `groups`),
    only the category with the most votes, and none when two tie for the most
    (listed in ``category_ties``) or gold already holds one of that group.
    Items already in gold stay as the reviewer left them.
    """
    if not MIN_ANNOTATORS <= min_agreement <= MAX_ANNOTATORS:
        raise MergeError(f"must be from {MIN_ANNOTATORS} to {MAX_ANNOTATORS}", "min_agreement")
    merged = MergeResult(gold.copy())
    for cand in cands["spans"]:
        if len(cand["annotators"]) < min_agreement or cand["key"] in merged.gold.spans:
            continue
        merged.gold.spans[cand["key"]] = {"actor": cand["actor"], "id": None}
        merged.spans.append(cand)
        if cand["tie"]:
            merged.ties.append(cand)
    for layer, on_spans in (("stances", 2), ("concept_stances", 1)):
        in_gold = getattr(merged.gold, layer)
        for cand in cands.get(layer, ()):
            if len(cand["annotators"]) < min_agreement or cand["key"] in in_gold:
                continue
            if any(span not in merged.gold.spans for span in cand["key"][:on_spans]):
                getattr(merged, "skipped_" + layer).append(cand)
                continue
            cue = cand["cue"] if cand["cue"] in merged.gold.spans else None
            in_gold[cand["key"]] = {"cue": cue, "id": None}
            getattr(merged, layer).append(cand)
    _merge_categories(cands, merged, min_agreement, groups)
    return merged


# --------------------------------------------------------------------------- decisions


@dataclass
class Change:
    """What a decision does to gold: items taken out and items put in."""

    before: (
        dict  # {"spans": [...], "stances": [...], "concept_stances": [...], "categories": [...]}
    )
    after: dict


def _empty():
    return {layer: [] for layer in LAYERS.values()}


def _stances_on(gold: Gold, span) -> list:
    return [
        (key, entry)
        for key, entry in sorted(gold.stances.items())
        if span in (key[0], key[1], entry.get("cue"))
    ]


def _concept_stances_on(gold: Gold, span) -> list:
    return [
        (key, entry)
        for key, entry in sorted(gold.concept_stances.items())
        if span in (key[0], entry.get("cue"))
    ]


def _plan_span(gold, action, item, edited_to, before, after):
    key, actor = parse_span_item(item)
    current = gold.spans.get(key)
    if action in ("accept", "add"):
        if current is not None and current["actor"] == actor:
            raise MergeError("is already in the gold set", "span")
        if current is not None:
            before["spans"].append(span_item(key, current["actor"]))
        after["spans"].append(span_item(key, actor))
    elif action == "reject" and current is None:
        pass
    elif action in ("reject", "edit"):
        if current is None:
            raise MergeError("is not in the gold set", "span")
        before["spans"].append(span_item(key, current["actor"]))
        attached = _stances_on(gold, key)
        on_concepts = _concept_stances_on(gold, key)
        before["stances"] += [stance_item(k, e["cue"]) for k, e in attached]
        before["concept_stances"] += [concept_stance_item(k, e["cue"]) for k, e in on_concepts]
        if action == "edit":
            new_key, new_actor = parse_span_item(edited_to, "edited_to")
            if (new_key, new_actor) == (key, current["actor"]):
                raise MergeError("changes nothing", "edited_to")
            if new_key != key and new_key in gold.spans:
                raise MergeError("is already in the gold set", "edited_to")
            after["spans"].append(span_item(new_key, new_actor))

            def moved(k):
                return new_key if k == key else k

            for (h, t, polarity), entry in attached:
                cue = entry.get("cue")
                after["stances"].append(
                    stance_item((moved(h), moved(t), polarity), moved(cue) if cue else None)
                )
            for (h, concept, polarity), entry in on_concepts:
                cue = entry.get("cue")
                after["concept_stances"].append(
                    concept_stance_item((moved(h), concept, polarity), moved(cue) if cue else None)
                )
    else:
        raise MergeError(f"unknown action {action!r}", "action")


def _plan_stance(gold, action, item_type, item, edited_to, before, after):
    """A stance on a target span or on a concept: the same rules, the spans
    it needs being the holder and target, or the holder."""
    layer = LAYERS[item_type]
    if item_type == "stance":
        parse, make, roles = parse_stance_item, stance_item, ("holder", "target")
    else:
        parse, make, roles = parse_concept_stance_item, concept_stance_item, ("holder",)
    in_gold = getattr(gold, layer)
    key, cue = parse(item)
    current = in_gold.get(key)
    if action in ("accept", "add", "edit"):
        new_key, new_cue = key, cue
        if action == "edit":
            if current is None:
                raise MergeError("is not in the gold set", item_type)
            new_key, new_cue = parse(edited_to, "edited_to")
            if new_key != key and new_key in in_gold:
                raise MergeError("is already in the gold set", "edited_to")
            before[layer].append(make(key, current["cue"]))
        elif current is not None:
            if current["cue"] == cue:
                raise MergeError("is already in the gold set", item_type)
            before[layer].append(make(key, current["cue"]))
        where = "edited_to" if action == "edit" else item_type
        needed = [*zip(roles, new_key, strict=False), ("cue", new_cue)]
        for role, span in needed:
            if span is not None and span not in gold.spans:
                raise MergeError(
                    f"{_show(span)} is not in the gold set: accept it first", f"{where}.{role}"
                )
        after[layer].append(make(new_key, new_cue))
    elif action == "reject":
        if current is not None:
            before[layer].append(make(key, current["cue"]))
    else:
        raise MergeError(f"unknown action {action!r}", "action")


def _plan_category(gold, action, item, edited_to, groups, before, after):
    label = parse_category_item(item)

    def put(new, where):
        if new in gold.categories:
            raise MergeError("is already in the gold set", where)
        after["categories"].append(category_item(new))
        group = _single_group(groups, new)
        if group is None:
            return
        # A group that takes one category: the new one replaces the old.
        for other in sorted(gold.categories):
            taken = category_item(other)
            same_group = other != new and _single_group(groups, other) == group
            if same_group and taken not in before["categories"]:
                before["categories"].append(taken)

    if action in ("accept", "add"):
        put(label, "category")
    elif action == "reject":
        if label in gold.categories:
            before["categories"].append(category_item(label))
    elif action == "edit":
        if label not in gold.categories:
            raise MergeError("is not in the gold set", "category")
        new = parse_category_item(edited_to, "edited_to")
        if new == label:
            raise MergeError("changes nothing", "edited_to")
        before["categories"].append(category_item(label))
        put(new, "edited_to")
    else:
        raise MergeError(f"unknown action {action!r}", "action")


def plan(
    gold: Gold, action: str, item_type: str, item, edited_to=None, groups: Mapping | None = None
) -> Change:
    """The Change a decision makes to `gold`, or MergeError when it cannot apply.

    - accept / add: put the item in (a span's actor replaces the one in gold);
      a stance needs its holder and target in gold, a concept stance its
      holder; a category of a single-choice group (see `groups`) replaces the
      group's category in gold.
    - reject: take the item out; rejecting a span takes out the stances and
      concept stances on it. An item not in gold is left out: the Change is
      empty, and the decision records that the reviewer rejected it
      (`rejected_candidate` checks an annotator made it).
    - edit: replace the item by `edited_to`; a span's stances follow it.
    """
    before, after = _empty(), _empty()
    if item_type == "span":
        _plan_span(gold, action, item, edited_to, before, after)
    elif item_type in ("stance", "concept_stance"):
        _plan_stance(gold, action, item_type, item, edited_to, before, after)
    elif item_type == "category":
        _plan_category(gold, action, item, edited_to, groups, before, after)
    else:
        raise MergeError("give a span, a stance, a concept_stance or a category", "item_type")
    return Change(before, after)


def rejected_candidate(cands: Mapping, item_type: str, item) -> bool:
    """Whether `item` is a candidate an annotator made: what a reject of an
    item not in gold must be, so that it records a real decision."""
    return bool(makers(cands, item_type, item_key(item_type, item)))


_CHANGED = "the gold set changed since this decision: reverse later ones first"


def _take(gold: Gold, items: Mapping, strict: bool):
    for layer, parse in (
        ("stances", parse_stance_item),
        ("concept_stances", parse_concept_stance_item),
    ):
        in_gold = getattr(gold, layer)
        for stance in items.get(layer, ()):
            key, cue = parse(stance)
            if strict and in_gold.get(key, {}).get("cue", object()) != cue:
                raise MergeError(_CHANGED)
            in_gold.pop(key, None)
    for category in items.get("categories", ()):
        label = parse_category_item(category)
        if strict and label not in gold.categories:
            raise MergeError(_CHANGED)
        gold.categories.discard(label)
    for span in items.get("spans", ()):
        key, actor = parse_span_item(span)
        if strict and gold.spans.get(key, {}).get("actor", object()) != actor:
            raise MergeError(_CHANGED)
        gold.spans.pop(key, None)


def _put(gold: Gold, items: Mapping, strict: bool):
    for span in items.get("spans", ()):
        key, actor = parse_span_item(span)
        if strict and key in gold.spans:
            raise MergeError(_CHANGED)
        gold.spans[key] = {"actor": actor, "id": gold.spans.get(key, {}).get("id")}
    for layer, parse in (
        ("stances", parse_stance_item),
        ("concept_stances", parse_concept_stance_item),
    ):
        in_gold = getattr(gold, layer)
        for stance in items.get(layer, ()):
            key, cue = parse(stance)
            if strict and key in in_gold:
                raise MergeError(_CHANGED)
            in_gold[key] = {"cue": cue, "id": in_gold.get(key, {}).get("id")}
    for category in items.get("categories", ()):
        label = parse_category_item(category)
        if strict and label in gold.categories:
            raise MergeError(_CHANGED)
        gold.categories.add(label)


def apply(gold: Gold, change: Change) -> Gold:
    """Gold with the change made (a new Gold; `gold` is left alone)."""
    out = gold.copy()
    _take(out, change.before, strict=False)
    _put(out, change.after, strict=False)
    problems = dangling(out)
    if problems:
        raise MergeError("; ".join(problems))
    return out


def revert(gold: Gold, change: Change) -> Gold:
    """Gold with the change undone. Refused (MergeError) when gold no longer
    holds exactly what the change put in, or when undoing it would leave a
    stance without its spans."""
    out = gold.copy()
    _take(out, change.after, strict=True)
    _put(out, change.before, strict=True)
    problems = dangling(out)
    if problems:
        raise MergeError("; ".join(problems) + ": reject or reverse those first")
    return out


def _diff_stances(old: Gold, new: Gold, cands: Mapping, item_type: str, make) -> list:
    layer = LAYERS[item_type]
    was_in, now_in = getattr(old, layer), getattr(new, layer)
    made = {c["key"] for c in cands.get(layer, ())}
    out = []
    for key in sorted(was_in.keys() | now_in.keys()):
        was, now = was_in.get(key), now_in.get(key)
        if was is not None and now is not None and was["cue"] == now["cue"]:
            continue
        before = [make(key, was["cue"])] if was else []
        after = [make(key, now["cue"])] if now else []
        if now is None:
            action = "reject"
        elif was is not None:
            action = "edit"
        else:
            action = "accept" if key in made else "add"
        out.append((action, item_type, Change({layer: before}, {layer: after})))
    return out


def diff(old: Gold, new: Gold, cands: Mapping) -> list[tuple[str, str, Change]]:
    """The decisions a whole-set write amounts to: ``(action, item_type, Change)``.

    A span, stance, concept stance or category that appears is an accept when
    an annotator made it (a span with the actor one of them linked), else an
    add; one that goes is a reject; a span whose actor (or stance whose cue)
    changes is an edit.
    """
    made_spans = {c["key"]: c for c in cands["spans"]}
    out = []
    for key in sorted(old.spans.keys() | new.spans.keys()):
        was, now = old.spans.get(key), new.spans.get(key)
        if was is not None and now is not None and was["actor"] == now["actor"]:
            continue
        before = [span_item(key, was["actor"])] if was else []
        after = [span_item(key, now["actor"])] if now else []
        if now is None:
            action = "reject"
        elif was is not None:
            action = "edit"
        else:
            cand = made_spans.get(key)
            made = cand is not None and now["actor"] in cand["actors"].values()
            action = "accept" if made else "add"
        out.append((action, "span", Change({"spans": before}, {"spans": after})))
    out += _diff_stances(old, new, cands, "stance", stance_item)
    out += _diff_stances(old, new, cands, "concept_stance", concept_stance_item)
    chosen = {c["key"] for c in cands.get("categories", ())}
    for label in sorted(old.categories ^ new.categories):
        item = [category_item(label)]
        if label in old.categories:
            out.append(("reject", "category", Change({"categories": item}, {"categories": []})))
        else:
            action = "accept" if label in chosen else "add"
            out.append((action, "category", Change({"categories": []}, {"categories": item})))
    return out


def provenance(gold: Gold, cands: Mapping, groups: Mapping | None = None) -> dict:
    """Where each gold item came from: ``{"spans": {key: …}, "stances": {key: …},
    "concept_stances": {key: …}, "categories": {label: …}}``.

    Each entry names exactly who made what. ``annotators`` lists who made the
    item as it is in gold (a span with the same actor, a stance with the same
    holder, target and polarity); ``from`` lists the close items others made
    instead, each ``{"span" | "stance": item, "annotators": [...]}``: the
    same span with another actor, an overlapping span, a stance between the
    same holder and target (or on the same concept) with another polarity,
    ``{"category": item, ...}`` another category of the same single-choice
    group (see `groups`). ``origin`` is
    ``"annotators"`` when someone made the item as it is, else ``"changed"``
    when someone made a close item and ``"added"`` when nothing like it was
    made.
    """
    order = {a: i for i, a in enumerate(cands["annotators"])}

    def ordered(who):
        return sorted(who, key=lambda a: order.get(a, len(order)))

    made_spans = {c["key"]: c for c in cands["spans"]}
    made_stances = {c["key"]: c for c in cands["stances"]}
    spans_out = {}
    for key, entry in gold.spans.items():
        actor = entry["actor"]
        cand = made_spans.get(key)
        exact = [a for a in cand["annotators"] if cand["actors"][a] == actor] if cand else []
        close = {}  # (key, actor) -> who made that item
        for other in cands["spans"]:
            if not (other["key"][0] < key[1] and key[0] < other["key"][1]):
                continue
            for who in other["annotators"]:
                linked = other["actors"][who]
                if (other["key"], linked) != (key, actor):
                    close.setdefault((other["key"], linked), []).append(who)
        near = [
            {"span": span_item(k, a), "annotators": ordered(who)}
            for (k, a), who in sorted(close.items(), key=lambda kv: (kv[0][0], repr(kv[0][1])))
        ]
        origin = "annotators" if exact else "changed" if near else "added"
        spans_out[key] = {"origin": origin, "annotators": ordered(exact), "from": near}
    stances_out = {}
    for key in gold.stances:
        cand = made_stances.get(key)
        exact = list(cand["annotators"]) if cand else []
        near = [
            {"stance": stance_item(c["key"], c["cue"]), "annotators": list(c["annotators"])}
            for c in cands["stances"]
            if c["key"] != key and c["key"][:2] == key[:2]
        ]
        origin = "annotators" if exact else "changed" if near else "added"
        stances_out[key] = {"origin": origin, "annotators": exact, "from": near}
    concepts_out = {}
    for key in gold.concept_stances:
        exact = makers(cands, "concept_stance", key)
        near = [
            {
                "concept_stance": concept_stance_item(c["key"], c["cue"]),
                "annotators": list(c["annotators"]),
            }
            for c in cands.get("concept_stances", ())
            if c["key"] != key and c["key"][:2] == key[:2]
        ]
        origin = "annotators" if exact else "changed" if near else "added"
        concepts_out[key] = {"origin": origin, "annotators": exact, "from": near}
    categories_out = {}
    for label in gold.categories:
        exact = makers(cands, "category", label)
        group = _single_group(groups, label)
        near = [
            {"category": category_item(c["key"]), "annotators": list(c["annotators"])}
            for c in cands.get("categories", ())
            if group is not None and c["key"] != label and _single_group(groups, c["key"]) == group
        ]
        origin = "annotators" if exact else "changed" if near else "added"
        categories_out[label] = {"origin": origin, "annotators": exact, "from": near}
    return {
        "spans": spans_out,
        "stances": stances_out,
        "concept_stances": concepts_out,
        "categories": categories_out,
    }
