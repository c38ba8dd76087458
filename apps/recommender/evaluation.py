"""How good the recommender's model is: scores, document-level splits, cross-validation.

Pure Python, no Django.  Spans are ``(start, end, label)`` tuples in code
points, end exclusive; ``gold`` and ``predicted`` are lists with one list of
spans per document, in the same order.  A match is *exact*: same start, end
and label (the CoNLL rule).  As in ``apps/review/agreement.py``, a value that
cannot be computed is ``None`` with a ``reason`` in plain English, never 0 or
1 by convention.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

from apps.datasets.splits import position

from .learner import Example, LearnerError, train

__all__ = ["cross_validate", "fix_share", "folds", "score", "split"]

REASON_NO_SPANS = "there are no gold and no predicted spans of this label"
REASON_NO_PREDICTIONS = "the model predicted no span of this label"
REASON_NO_GOLD = "there is no gold span of this label"
REASON_NO_GOLD_SPANS = "there are no gold spans"
REASON_NO_SUGGESTIONS = "there are no suggestions"


def _spans(doc) -> list[tuple]:
    out = []
    for span in doc:
        if isinstance(span, dict):
            out.append((span["start"], span["end"], span["label"]))
        else:
            out.append((span[0], span[1], span[2]))
    return out


def _pairs(gold, predicted):
    gold = list(gold)
    predicted = list(predicted)
    if len(gold) != len(predicted):
        raise ValueError(
            f"gold has {len(gold)} documents and predicted {len(predicted)}: "
            "give one list of spans per document to both"
        )
    return [(_spans(g), _spans(p)) for g, p in zip(gold, predicted, strict=True)]


def _prf(tp: int, fp: int, fn: int) -> dict:
    support = tp + fn
    predicted = tp + fp
    reason = None
    if support == 0 and predicted == 0:
        reason = REASON_NO_SPANS
    elif predicted == 0:
        reason = REASON_NO_PREDICTIONS
    elif support == 0:
        reason = REASON_NO_GOLD
    return {
        "precision": tp / predicted if predicted else None,
        "recall": tp / support if support else None,
        "f1": 2 * tp / (2 * tp + fp + fn) if (tp + fp + fn) else None,
        "support": support,
        "predicted": predicted,
        "correct": tp,
        "reason": reason,
    }


def score(gold, predicted, labels: Iterable[str] | None = None) -> dict:
    """Exact-match precision, recall and F1 per label, with support, plus ``micro``.

    Returns ``{"labels": {label: result}, "micro": result, "documents": n}``
    where a result is ``{"precision", "recall", "f1", "support", "predicted",
    "correct", "reason"}``: ``support`` counts gold spans, ``predicted`` the
    model's spans, ``correct`` the exact matches (a span counted once per
    occurrence: duplicates match at most as often as they occur on both sides).
    Precision is None when nothing was predicted, recall when there is no gold;
    F1 (2·correct / (support + predicted)) is None only when there is neither,
    and ``reason`` then says so.  When predictions exist but no gold (or the
    reverse), F1 is 0 and ``reason`` names the missing side.  ``labels`` lists
    labels to report even when absent from both sides; labels that occur are
    always reported.
    """
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    seen = dict.fromkeys(labels or ())
    docs = _pairs(gold, predicted)
    for g, p in docs:
        gc, pc = Counter(g), Counter(p)
        for span, n in gc.items():
            hit = min(n, pc.get(span, 0))
            tp[span[2]] += hit
            fn[span[2]] += n - hit
            seen.setdefault(span[2])
        for span, n in pc.items():
            fp[span[2]] += n - min(n, gc.get(span, 0))
            seen.setdefault(span[2])
    per_label = {label: _prf(tp[label], fp[label], fn[label]) for label in sorted(seen, key=str)}
    micro = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"labels": per_label, "micro": micro, "documents": len(docs)}


# ---------------------------------------------------------------------------
# Splits
# ---------------------------------------------------------------------------


def _ordered(ids: Sequence[Hashable], seed: int) -> list:
    """The ids in a seeded pseudo-random order: SHA-256 of seed and id, as the release splits."""
    ids = list(ids)
    if len(set(ids)) != len(ids):
        raise ValueError("document ids must be distinct")
    return sorted(ids, key=lambda i: (position(seed, str(i)), str(i)))


def split(ids: Sequence[Hashable], held_out: float = 0.2, seed: int = 0) -> tuple[list, list]:
    """``(train_ids, held_out_ids)``, each in the input order.

    The ids are ordered by SHA-256 of ``"{seed}:{id}"`` (``apps.datasets.splits.position``)
    and the first ``round(n * held_out)`` are held out -- at least one and at
    most n − 1 when there are two or more documents and ``held_out`` > 0.  The
    same ids and seed always give the same split.
    """
    if not 0 <= held_out < 1:
        raise ValueError(f"held_out must be in [0, 1), got {held_out!r}")
    ids = list(ids)
    n = len(ids)
    count = round(n * held_out)
    if held_out > 0 and n >= 2:
        count = min(max(count, 1), n - 1)
    held = set(_ordered(ids, seed)[:count])
    return [i for i in ids if i not in held], [i for i in ids if i in held]


def folds(ids: Sequence[Hashable], k: int = 5, seed: int = 0) -> list[tuple[list, list]]:
    """``k`` pairs ``(train_ids, test_ids)``: each id is in exactly one test fold.

    Ids are dealt round-robin in the seeded order of ``split``, so fold sizes
    differ by at most one.  Needs 2 <= k <= len(ids).
    """
    ids = list(ids)
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ValueError(f"k must be an integer of at least 2, got {k!r}")
    if k > len(ids):
        raise ValueError(f"{k} folds need at least {k} documents, there are {len(ids)}")
    fold_of = {doc: n % k for n, doc in enumerate(_ordered(ids, seed))}
    return [
        ([i for i in ids if fold_of[i] != f], [i for i in ids if fold_of[i] == f]) for f in range(k)
    ]


def cross_validate(
    examples: Sequence[Example], labels: Iterable[str], k: int = 5, seed: int = 0
) -> dict:
    """k-fold cross-validation for projects too small to hold documents out.

    Each fold's model is trained on the other folds and predicts its own
    documents; the predictions of all folds are pooled and scored once
    (``score``), so every document is scored exactly once by a model that did
    not see it.  ``k`` is lowered to the number of documents when there are
    fewer.  A fold whose training part has no span to learn suggests nothing
    for its documents (they count as missed) and is listed in
    ``folds_without_model``.  Raises LearnerError with fewer than two
    documents.  Returns the ``score`` dict plus ``k``, ``fold_f1`` (micro F1
    per fold, None where undefined) and ``folds_without_model``.
    """
    examples = list(examples)
    labels = tuple(labels)
    if len(examples) < 2:
        raise LearnerError("cross-validation needs at least two documents")
    k = min(k, len(examples))
    wanted = frozenset(labels)
    gold = [[s for s in e.spans if s[2] in wanted] for e in examples]
    predicted: list[list] = [[] for _ in examples]
    fold_f1 = []
    without_model = []
    for f, (train_ids, test_ids) in enumerate(folds(range(len(examples)), k, seed)):
        try:
            model = train([examples[i] for i in train_ids], labels, seed=seed)
        except LearnerError:
            without_model.append(f)
        else:
            for i, prediction in zip(
                test_ids, model.predict_many(examples[i].text for i in test_ids), strict=True
            ):
                predicted[i] = prediction.spans
        fold_score = score([gold[i] for i in test_ids], [predicted[i] for i in test_ids])
        fold_f1.append(fold_score["micro"]["f1"])
    result = score(gold, predicted, labels)
    result.update(k=k, fold_f1=fold_f1, folds_without_model=without_model)
    return result


# ---------------------------------------------------------------------------
# What the suggestions save an annotator
# ---------------------------------------------------------------------------


def _overlap(a, b) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def fix_share(gold, suggested) -> dict:
    """How much work is left to an annotator who starts from ``suggested``.

    Per document, each gold span is *correct* (a suggestion with the same
    start, end and label), else *wrong_label* (a leftover suggestion with the
    same start and end), else *wrong_boundary* (a leftover suggestion of the
    same label overlapping it, else any leftover overlapping suggestion --
    one edit fixes it), else *missing* (to add).  Each suggestion serves at
    most one gold span; those serving none are *to delete*.  Candidates are
    taken best first: same boundaries, then same label, then the largest
    overlap, then the leftmost.

    ``add_or_fix_share`` = (missing + wrong_label + wrong_boundary) / gold
    spans (None without gold); ``delete_share`` = suggestions to delete /
    suggestions (None without suggestions).  With no suggestions at all the
    add-or-fix share is 1: every gold span is added by hand.
    """
    counts = Counter(correct=0, wrong_label=0, wrong_boundary=0, missing=0, delete=0)
    n_gold = n_suggested = 0
    for g, s in _pairs(gold, suggested):
        n_gold += len(g)
        n_suggested += len(s)
        left_gold = Counter(g)
        left_sugg = Counter(s)
        for span in list(left_gold):
            hit = min(left_gold[span], left_sugg.get(span, 0))
            if hit:
                counts["correct"] += hit
                left_gold[span] -= hit
                left_sugg[span] -= hit
        gold_rest = sorted(left_gold.elements())
        sugg_rest = sorted(left_sugg.elements())
        candidates = []
        for gi, gs in enumerate(gold_rest):
            for si, ss in enumerate(sugg_rest):
                ov = _overlap(gs, ss)
                if ov > 0:
                    same_bounds = gs[:2] == ss[:2]
                    candidates.append(
                        (not same_bounds, gs[2] != ss[2], -ov, gs[0], ss[0], gi, si, same_bounds)
                    )
        candidates.sort()
        used_g, used_s = set(), set()
        for *_, gi, si, same_bounds in candidates:
            if gi in used_g or si in used_s:
                continue
            used_g.add(gi)
            used_s.add(si)
            counts["wrong_label" if same_bounds else "wrong_boundary"] += 1
        counts["missing"] += len(gold_rest) - len(used_g)
        counts["delete"] += len(sugg_rest) - len(used_s)
    to_fix = counts["missing"] + counts["wrong_label"] + counts["wrong_boundary"]
    if not n_gold:
        reason = REASON_NO_GOLD_SPANS
    elif not n_suggested:
        reason = REASON_NO_SUGGESTIONS
    else:
        reason = None
    return {
        "gold": n_gold,
        "suggested": n_suggested,
        "correct": counts["correct"],
        "missing": counts["missing"],
        "wrong_label": counts["wrong_label"],
        "wrong_boundary": counts["wrong_boundary"],
        "to_delete": counts["delete"],
        "add_or_fix_share": to_fix / n_gold if n_gold else None,
        "delete_share": counts["delete"] / n_suggested if n_suggested else None,
        "reason": reason,
    }
