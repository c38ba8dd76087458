"""Candidates, auto-merge and reviewer decisions over plain data.

Pure Python, no ORM: the API, the management commands and the tests feed it
annotation sets in the API's set shape and get plain data back.

Identity, as in agreement.py's disagreement score: a span is its
``(start, end, label)``; a stance is ``(holder span key, target span key,
polarity)``. The validator refuses two spans (or stances) of one set with the
same identity, so each annotator makes each candidate at most once.

The gold set is handled as a `Gold`: span key -> actor (and the span's id),
stance key -> cue span key (and the stance's id). A reviewer's decision is a
`Change`: the items it takes out of gold (`before`) and the items it puts in
(`after`), so it can be reversed exactly.
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


# --------------------------------------------------------------------------- gold


@dataclass
class Gold:
    spans: dict = field(default_factory=dict)  # span key -> {"actor", "id"}
    stances: dict = field(default_factory=dict)  # stance key -> {"cue", "id"}

    def copy(self) -> "Gold":
        return Gold(
            {k: dict(v) for k, v in self.spans.items()},
            {k: dict(v) for k, v in self.stances.items()},
        )

    def items(self) -> dict:
        """Every item in the `Change` shape, for comparing and storing."""
        return {
            "spans": [span_item(k, v["actor"]) for k, v in sorted(self.spans.items())],
            "stances": [stance_item(k, v["cue"]) for k, v in sorted(self.stances.items())],
        }


def gold_from_payload(payload: Mapping) -> Gold:
    """A Gold from a set in the API shape (stances name their spans by id)."""
    gold = Gold()
    by_id = {}
    for span in payload.get("spans") or ():
        key = span_key(span)
        by_id[span["id"]] = key
        gold.spans[key] = {"actor": span.get("actor"), "id": span["id"]}
    for stance in payload.get("stances") or ():
        key = (by_id[stance["holder"]], by_id[stance["target"]], stance["polarity"])
        cue = by_id.get(stance.get("cue")) if stance.get("cue") else None
        gold.stances[key] = {"cue": cue, "id": stance["id"]}
    return gold


def gold_to_payload(gold: Gold) -> dict:
    """The set shape that validation and replace_set take: existing ids are
    kept, new items get the next free ``s<n>`` / ``t<n>``."""
    taken = {v["id"] for v in gold.spans.values() if v.get("id")}
    taken |= {v["id"] for v in gold.stances.values() if v.get("id")}
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
                "polarity": polarity,
                "cue": ids.get(cue),
            }
        )
    return {"spans": spans, "stances": stances}


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


def candidates(sets: Mapping) -> dict:
    """Every distinct span and stance of the annotators' sets, with who made it.

    ``sets`` maps an annotator (any hashable, in the order to report them) to
    a set ``{"spans": [{"id", "start", "end", "label", "actor"}], "stances":
    [{"holder": span id, "target": span id, "polarity", "cue"}]}``.
    Spans come ordered by start, longest first, then label; each carries
    ``annotators`` (in the order of `sets`), ``actors`` (annotator -> the actor
    they linked, None for no link), and the majority ``actor`` with ``tie``.
    Stances carry ``annotators`` and ``cues`` (annotator -> cue span key).
    """
    annotators = list(sets)
    spans, stances = {}, {}
    for who, payload in sets.items():
        by_id = {}
        for span in payload.get("spans") or ():
            key = span_key(span)
            by_id[span["id"]] = key
            spans.setdefault(key, {}).setdefault(who, span.get("actor"))
        for stance in payload.get("stances") or ():
            key = (by_id[stance["holder"]], by_id[stance["target"]], stance["polarity"])
            cue = by_id.get(stance.get("cue")) if stance.get("cue") else None
            stances.setdefault(key, {}).setdefault(who, cue)
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
    stance_out = []
    for key in sorted(stances, key=lambda k: (k[0][0], -k[0][1], k[0][2], k[1], k[2])):
        votes = stances[key]
        cue, _ = _majority(votes)
        stance_out.append(
            {
                "key": key,
                "annotators": [a for a in annotators if a in votes],
                "cues": votes,
                "cue": cue,
            }
        )
    return {"annotators": annotators, "spans": span_out, "stances": stance_out}


@dataclass
class MergeResult:
    gold: Gold
    spans: list = field(default_factory=list)  # candidates added
    stances: list = field(default_factory=list)
    ties: list = field(default_factory=list)  # span candidates added without an actor
    # Stances with enough votes whose holder, target (or cue) is not in gold.
    skipped_stances: list = field(default_factory=list)


def auto_merge(cands: Mapping, gold: Gold, min_agreement: int) -> MergeResult:
    """Put into gold every candidate made by at least `min_agreement` annotators.

    A span goes in with the actor most of its annotators linked; when linked
    actors tie, with none, and it is listed in ``ties``. A stance goes in when
    its holder and target spans are in gold (after the spans are merged); its
    cue only when the cue span is in gold too. Items already in gold stay as
    the reviewer left them.
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
    for cand in cands["stances"]:
        if len(cand["annotators"]) < min_agreement or cand["key"] in merged.gold.stances:
            continue
        holder, target, _ = cand["key"]
        if holder not in merged.gold.spans or target not in merged.gold.spans:
            merged.skipped_stances.append(cand)
            continue
        cue = cand["cue"] if cand["cue"] in merged.gold.spans else None
        merged.gold.stances[cand["key"]] = {"cue": cue, "id": None}
        merged.stances.append(cand)
    return merged


# --------------------------------------------------------------------------- decisions


@dataclass
class Change:
    """What a decision does to gold: items taken out and items put in."""

    before: dict  # {"spans": [span items], "stances": [stance items]}
    after: dict


def _empty():
    return {"spans": [], "stances": []}


def _stances_on(gold: Gold, span) -> list:
    return [
        (key, entry)
        for key, entry in sorted(gold.stances.items())
        if span in (key[0], key[1], entry.get("cue"))
    ]


def plan(gold: Gold, action: str, item_type: str, item, edited_to=None) -> Change:
    """The Change a decision makes to `gold`, or MergeError when it cannot apply.

    - accept / add: put the item in (a span's actor replaces the one in gold);
      a stance needs its holder and target in gold.
    - reject: take the item out; rejecting a span takes out the stances on it.
      An item not in gold is left out: the Change is empty, and the decision
      records that the reviewer rejected it (`rejected_candidate` checks an
      annotator made it).
    - edit: replace the item by `edited_to`; a span's stances follow it.
    """
    before, after = _empty(), _empty()
    if item_type == "span":
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
            before["stances"] += [stance_item(k, e["cue"]) for k, e in attached]
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
        else:
            raise MergeError(f"unknown action {action!r}", "action")
    elif item_type == "stance":
        key, cue = parse_stance_item(item)
        current = gold.stances.get(key)
        if action in ("accept", "add", "edit"):
            new_key, new_cue = key, cue
            if action == "edit":
                if current is None:
                    raise MergeError("is not in the gold set", "stance")
                new_key, new_cue = parse_stance_item(edited_to, "edited_to")
                if new_key != key and new_key in gold.stances:
                    raise MergeError("is already in the gold set", "edited_to")
                before["stances"].append(stance_item(key, current["cue"]))
            elif current is not None:
                if current["cue"] == cue:
                    raise MergeError("is already in the gold set", "stance")
                before["stances"].append(stance_item(key, current["cue"]))
            where = "edited_to" if action == "edit" else "stance"
            for role, span in (("holder", new_key[0]), ("target", new_key[1]), ("cue", new_cue)):
                if span is not None and span not in gold.spans:
                    raise MergeError(
                        f"{_show(span)} is not in the gold set: accept it first", f"{where}.{role}"
                    )
            after["stances"].append(stance_item(new_key, new_cue))
        elif action == "reject":
            if current is not None:
                before["stances"].append(stance_item(key, current["cue"]))
        else:
            raise MergeError(f"unknown action {action!r}", "action")
    else:
        raise MergeError("give a span or a stance", "item_type")
    return Change(before, after)


def rejected_candidate(cands: Mapping, item_type: str, item) -> bool:
    """Whether `item` is a candidate an annotator made: what a reject of an
    item not in gold must be, so that it records a real decision."""
    if item_type == "span":
        key = parse_span_item(item)[0]
        return any(c["key"] == key for c in cands["spans"])
    key = parse_stance_item(item)[0]
    return any(c["key"] == key for c in cands["stances"])


def _take(gold: Gold, items: Mapping, strict: bool):
    for stance in items.get("stances", ()):
        key, cue = parse_stance_item(stance)
        if strict and gold.stances.get(key, {}).get("cue", object()) != cue:
            raise MergeError("the gold set changed since this decision: reverse later ones first")
        gold.stances.pop(key, None)
    for span in items.get("spans", ()):
        key, actor = parse_span_item(span)
        if strict and gold.spans.get(key, {}).get("actor", object()) != actor:
            raise MergeError("the gold set changed since this decision: reverse later ones first")
        gold.spans.pop(key, None)


def _put(gold: Gold, items: Mapping, strict: bool):
    for span in items.get("spans", ()):
        key, actor = parse_span_item(span)
        if strict and key in gold.spans:
            raise MergeError("the gold set changed since this decision: reverse later ones first")
        gold.spans[key] = {"actor": actor, "id": gold.spans.get(key, {}).get("id")}
    for stance in items.get("stances", ()):
        key, cue = parse_stance_item(stance)
        if strict and key in gold.stances:
            raise MergeError("the gold set changed since this decision: reverse later ones first")
        gold.stances[key] = {"cue": cue, "id": gold.stances.get(key, {}).get("id")}


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


def diff(old: Gold, new: Gold, cands: Mapping) -> list[tuple[str, str, Change]]:
    """The decisions a whole-set write amounts to: ``(action, item_type, Change)``.

    A span or stance that appears is an accept when an annotator made it (a
    span with the actor one of them linked), else an add; one that goes is a
    reject; a span whose actor (or stance whose cue) changes is an edit.
    """
    made_spans = {c["key"]: c for c in cands["spans"]}
    made_stances = {c["key"]: c for c in cands["stances"]}
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
    for key in sorted(old.stances.keys() | new.stances.keys()):
        was, now = old.stances.get(key), new.stances.get(key)
        if was is not None and now is not None and was["cue"] == now["cue"]:
            continue
        before = [stance_item(key, was["cue"])] if was else []
        after = [stance_item(key, now["cue"])] if now else []
        if now is None:
            action = "reject"
        elif was is not None:
            action = "edit"
        else:
            action = "accept" if key in made_stances else "add"
        out.append((action, "stance", Change({"stances": before}, {"stances": after})))
    return out


def provenance(gold: Gold, cands: Mapping) -> dict:
    """Where each gold item came from: ``{"spans": {key: …}, "stances": {key: …}}``.

    Each entry names exactly who made what. ``annotators`` lists who made the
    item as it is in gold (a span with the same actor, a stance with the same
    holder, target and polarity); ``from`` lists the close items others made
    instead, each ``{"span" | "stance": item, "annotators": [...]}``: the
    same span with another actor, an overlapping span, a stance between the
    same holder and target with another polarity. ``origin`` is
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
    return {"spans": spans_out, "stances": stances_out}
