"""Inter-annotator agreement measures for Accord.

Pure Python, no Django: plain data in, plain data out, so that the agreement
report, the review queue and the dataset manifests can share one implementation
and the published reference values (docs/AGREEMENT-VECTORS.md) can be tested
without a database.

Every measure returns a *result* dict::

    {"value": float | None, "items": int, "reason": str | None, ...}

``value`` is the full-precision float (callers round for display).  When a
measure cannot be computed -- fewer than two annotators with data, only one
category used (chance agreement undefined), nothing to compare -- ``value`` is
``None`` and ``reason`` says why in plain English.  A measure never reports 1.0
or raises for those cases.  ``items`` states how many things the value rests
on; each function's docstring says what it counts.

Spans are ``(start, end, label)`` tuples (optionally a fourth element, the
actor) or dicts with ``start``, ``end``, ``label`` and optionally ``actor`` and
``id``.  Offsets are half-open ``[start, end)``.
"""

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

OUTSIDE = "O"

REASON_NO_ITEMS = "there are no items to compare"
REASON_ONE_ANNOTATOR = "fewer than two annotators gave a value for the same item"
REASON_ONE_CATEGORY = "only one category was used, so chance agreement is undefined"
REASON_NO_SHARED_DOCUMENT = "fewer than two annotators annotated the same document"
REASON_NO_SPANS = "neither annotator marked a span"
REASON_NO_STANCES = "neither annotator marked a stance"
REASON_NO_MATCHED_STANCES = "no stances of two annotators matched on holder and target"
REASON_NO_ACTOR_LINKS = "no exactly matched span was linked to an actor by either annotator"
REASON_ONE_RATER = "each subject has fewer than two ratings"


def _result(value, items, reason=None, **extra):
    """Build a result dict; extra keys follow the three standard ones."""
    return {"value": value, "items": items, "reason": reason, **extra}


def _undefined(items, reason, **extra):
    return _result(None, items, reason, **extra)


def _sorted(values: Iterable) -> list:
    """Sort names or labels; fall back to their text when types are mixed."""
    values = list(values)
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=repr)


# ---------------------------------------------------------------------------
# Core coefficients
# ---------------------------------------------------------------------------


def krippendorff_alpha(reliability_data: Sequence[Sequence[Any]], level: str = "nominal") -> dict:
    """Krippendorff's alpha for coders x units data (None = missing value).

    ``level`` is "nominal" (labels) or "interval" (numbers).  Units with fewer
    than two values are not pairable and are skipped, as Krippendorff
    prescribes.  ``items`` counts the units used (those with two or more
    values); ``pairable_values`` is n.., the number of values in those units.
    """
    if level == "nominal":

        def delta(c, k):
            return 0.0 if c == k else 1.0

    elif level == "interval":

        def delta(c, k):
            return float(c - k) ** 2

    else:
        raise ValueError(f'Unknown level "{level}": use "nominal" or "interval".')

    coders = [list(coder) for coder in reliability_data]
    if not coders:
        return _undefined(0, REASON_NO_ITEMS, pairable_values=0)
    n_units = len(coders[0])
    if any(len(coder) != n_units for coder in coders):
        raise ValueError("Every coder must give one value (or None) for every unit.")
    if n_units == 0:
        return _undefined(0, REASON_NO_ITEMS, pairable_values=0)

    unit_counts = []
    for u in range(n_units):
        values = [coder[u] for coder in coders if coder[u] is not None]
        if len(values) >= 2:
            unit_counts.append(Counter(values))
    if level == "interval":
        for counts in unit_counts:
            for value in counts:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"Interval alpha needs numbers, got {value!r}.")

    units = len(unit_counts)
    totals = Counter()
    for counts in unit_counts:
        totals.update(counts)
    n = sum(totals.values())
    if units == 0:
        return _undefined(0, REASON_ONE_ANNOTATOR, pairable_values=0)
    if len(totals) < 2:
        # All pairable values are equal: expected disagreement is 0.
        return _undefined(units, REASON_ONE_CATEGORY, pairable_values=n)

    # Observed disagreement from the coincidence matrix: each unit adds its
    # ordered value pairs weighted by 1 / (m_u - 1).
    observed = 0.0
    for counts in unit_counts:
        m_u = sum(counts.values())
        within = sum(
            n_c * n_k * delta(c, k)
            for c, n_c in counts.items()
            for k, n_k in counts.items()
            if c != k
        )
        observed += within / (m_u - 1)
    expected = sum(
        n_c * n_k * delta(c, k) for c, n_c in totals.items() for k, n_k in totals.items() if c != k
    )
    alpha = 1.0 - (n - 1) * observed / expected
    return _result(alpha, units, pairable_values=n)


def fleiss_kappa(table: Sequence[Sequence[int]]) -> dict:
    """Fleiss' kappa for a subjects x categories table of rating counts.

    Every subject must have the same number of ratings; a ValueError says so
    otherwise (``fleiss_kappa_from_labels`` drops incomplete subjects for
    you).  ``items`` counts subjects; ``observed`` is P-bar, ``expected``
    P-bar-e, ``raters`` the ratings per subject.
    """
    rows = [list(row) for row in table]
    if not rows:
        return _undefined(0, REASON_NO_ITEMS, observed=None, expected=None, raters=0)
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise ValueError("Every subject must have a count for every category.")
    raters = sum(rows[0])
    for index, row in enumerate(rows):
        if sum(row) != raters:
            raise ValueError(
                f"Fleiss' kappa needs the same number of raters for every subject: subject "
                f"{index} has {sum(row)} ratings, subject 0 has {raters}. Drop incomplete "
                "subjects first (fleiss_kappa_from_labels does)."
            )
    subjects = len(rows)
    if raters < 2:
        return _undefined(subjects, REASON_ONE_RATER, observed=None, expected=None, raters=raters)
    p_bar = (
        sum((sum(c * c for c in row) - raters) / (raters * (raters - 1)) for row in rows) / subjects
    )
    column_totals = [sum(row[j] for row in rows) for j in range(width)]
    if sum(1 for total in column_totals if total) < 2:
        # P-bar-e would be 1: kappa is 0 / 0.
        return _undefined(
            subjects, REASON_ONE_CATEGORY, observed=p_bar, expected=1.0, raters=raters
        )
    all_ratings = subjects * raters
    p_e = sum((total / all_ratings) ** 2 for total in column_totals)
    kappa = (p_bar - p_e) / (1.0 - p_e)
    return _result(kappa, subjects, observed=p_bar, expected=p_e, raters=raters)


def fleiss_kappa_from_labels(units: Sequence[Sequence[Any]]) -> dict:
    """Fleiss' kappa from per-unit label lists (one entry per rater, None = missing).

    Fleiss' kappa needs a constant number of ratings per unit, so units whose
    count of non-missing labels differs from the most common count (among
    units with at least two labels; ties go to the larger count) are dropped.
    ``dropped`` reports how many; ``items`` counts the units kept.
    """
    labelled = [[label for label in unit if label is not None] for unit in units]
    counts = Counter(len(labels) for labels in labelled if len(labels) >= 2)
    if not counts:
        result = _undefined(
            0,
            REASON_ONE_ANNOTATOR if labelled else REASON_NO_ITEMS,
            observed=None,
            expected=None,
            raters=0,
        )
        result["dropped"] = len(labelled)
        return result
    raters = max(counts, key=lambda count: (counts[count], count))
    kept = [labels for labels in labelled if len(labels) == raters]
    categories = _sorted({label for labels in kept for label in labels})
    column = {label: j for j, label in enumerate(categories)}
    table = []
    for labels in kept:
        row = [0] * len(categories)
        for label in labels:
            row[column[label]] += 1
        table.append(row)
    result = fleiss_kappa(table)
    result["dropped"] = len(labelled) - len(kept)
    return result


def cohen_kappa_from_confusion(matrix: Sequence[Sequence[float]]) -> dict:
    """Cohen's kappa from a square confusion matrix (rows: rater A, columns: rater B).

    ``items`` is the total count; ``observed`` is po and ``expected`` pe.
    """
    rows = [list(row) for row in matrix]
    size = len(rows)
    if any(len(row) != size for row in rows):
        raise ValueError("A confusion matrix must be square (same categories for both raters).")
    total = sum(sum(row) for row in rows)
    items = int(total) if float(total).is_integer() else total
    if total == 0:
        return _undefined(items, REASON_NO_ITEMS, observed=None, expected=None)
    row_totals = [sum(row) for row in rows]
    col_totals = [sum(row[j] for row in rows) for j in range(size)]
    po = sum(rows[i][i] for i in range(size)) / total
    used = sum(1 for i in range(size) if row_totals[i] or col_totals[i])
    if used < 2:
        # pe would be 1: both raters put everything in the same category.
        return _undefined(items, REASON_ONE_CATEGORY, observed=po, expected=1.0)
    pe = sum(row_totals[i] * col_totals[i] for i in range(size)) / (total * total)
    return _result((po - pe) / (1.0 - pe), items, observed=po, expected=pe)


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> dict:
    """Cohen's kappa between two equal-length label sequences.

    Positions where either label is None are skipped; ``items`` counts the
    positions used.  ``observed`` is po, ``expected`` pe.
    """
    if len(a) != len(b):
        raise ValueError(f"Both raters must label the same items ({len(a)} vs {len(b)} labels).")
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        return _undefined(0, REASON_ONE_ANNOTATOR, observed=None, expected=None)
    categories = _sorted({x for x, _ in pairs} | {y for _, y in pairs})
    index = {label: i for i, label in enumerate(categories)}
    matrix = [[0] * len(categories) for _ in categories]
    for x, y in pairs:
        matrix[index[x]][index[y]] += 1
    return cohen_kappa_from_confusion(matrix)


# ---------------------------------------------------------------------------
# Spans
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A normalised span: half-open character offsets, label, optional actor and id."""

    start: int
    end: int
    label: Any
    actor: Any = None
    id: Any = None

    @property
    def key(self):
        """Identity for exact matching: offsets and label (actor and id ignored)."""
        return (self.start, self.end, self.label)

    def overlap(self, other: "Span") -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def sort_signature(self):
        # Comparable whatever the label and actor types are.
        return (self.start, self.end, repr(self.label), repr(self.actor))


def as_span(value) -> Span:
    """Normalise a span given as a tuple, a dict or a Span."""
    if isinstance(value, Span):
        return value
    if isinstance(value, Mapping):
        return Span(
            int(value["start"]),
            int(value["end"]),
            value["label"],
            value.get("actor"),
            value.get("id"),
        )
    if isinstance(value, Sequence) and len(value) in (3, 4):
        actor = value[3] if len(value) == 4 else None
        return Span(int(value[0]), int(value[1]), value[2], actor)
    raise ValueError(f"Not a span: {value!r}. Use (start, end, label) or a dict.")


def _greedy_match(a_items, b_items, score, signature) -> list[tuple[int, int]]:
    """One-to-one greedy matching of a_items to b_items.

    ``score(x, y)`` returns None for a non-candidate, else a tuple where
    smaller is better.  Candidates are taken best first; remaining ties are
    ordered by the *unordered* pair of signatures, so that the order -- and
    hence the number of matches -- is the same when a and b are swapped.
    Candidates that still tie have identical values, so which copy is taken
    does not change the count.
    """
    candidates = []
    for i, x in enumerate(a_items):
        for j, y in enumerate(b_items):
            rank = score(x, y)
            if rank is not None:
                pair = sorted((signature(x), signature(y)))
                candidates.append((rank, pair, i, j))
    candidates.sort()
    used_a, used_b, matches = set(), set(), []
    for _rank, _pair, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matches.append((i, j))
    return matches


def _exact_matches(a: list[Span], b: list[Span]) -> list[tuple[Span, Span]]:
    """Exact one-to-one matches (same start, end and label)."""
    by_key = defaultdict(list)
    for span in b:
        by_key[span.key].append(span)
    matches = []
    for span in a:
        bucket = by_key.get(span.key)
        if bucket:
            matches.append((span, bucket.pop(0)))
    return matches


def _partial_score(x: Span, y: Span):
    if x.label != y.label or not x.overlaps(y):
        return None
    # Largest overlap first, then the closest boundaries.
    return (-x.overlap(y), abs(x.start - y.start) + abs(x.end - y.end))


def _partial_matches(a: list[Span], b: list[Span]) -> list[tuple[Span, Span]]:
    """Overlap-and-same-label one-to-one matches, greedy by largest overlap."""
    pairs = _greedy_match(a, b, _partial_score, Span.sort_signature)
    return [(a[i], b[j]) for i, j in pairs]


def _matches(a: list[Span], b: list[Span], mode: str):
    if mode == "exact":
        return _exact_matches(a, b)
    if mode == "partial":
        return _partial_matches(a, b)
    raise ValueError(f'Unknown mode "{mode}": use "exact" or "partial".')


def _f1(matched: int, size: int, empty_reason: str, **extra) -> dict:
    """F1 as positive specific agreement: 2 * matched / (|A| + |B|)."""
    if size == 0:
        return _undefined(0, empty_reason, matched=0, **extra)
    return _result(2.0 * matched / size, size, matched=matched, **extra)


def span_f1(a_spans, b_spans, mode: str = "exact") -> dict:
    """Pairwise span F1 between two annotators, as positive specific agreement.

    F1 = 2 * matched / (|A| + |B|) (Hripcsak & Rothschild 2005), symmetric in
    a and b.  ``mode="exact"``: same start, end and label.  ``mode="partial"``:
    same label and overlapping offsets (a.start < b.end and b.start < a.end),
    matched one-to-one greedily by largest overlap, then closest boundaries;
    the tie-break order does not depend on which side is a, so the count is
    symmetric.  ``items`` is |A| + |B|; ``recall`` = matched / |A| and
    ``precision`` = matched / |B| treat a as the reference.
    """
    a = [as_span(s) for s in a_spans]
    b = [as_span(s) for s in b_spans]
    matched = len(_matches(a, b, mode))
    return _f1(
        matched,
        len(a) + len(b),
        REASON_NO_SPANS,
        precision=matched / len(b) if b else None,
        recall=matched / len(a) if a else None,
    )


def _annotator_pairs(documents: Mapping) -> dict[tuple, list]:
    """Map each annotator pair (a < b), in sorted order, to the documents both annotated."""
    shared = defaultdict(list)
    for doc_id, sets in documents.items():
        for a, b in combinations(_sorted(sets), 2):
            shared[(a, b)].append(doc_id)
    return {pair: shared[pair] for pair in _sorted(shared)}


def span_agreement(documents: Mapping[Any, Mapping[Any, Sequence]]) -> dict:
    """Span F1 (exact and partial) per annotator pair, per label and overall.

    ``documents`` is ``{doc_id: {annotator: [spans]}}``; an annotator present
    in a document's dict annotated it (an empty list means "no spans").  For
    every pair (a < b) the documents both annotated are pooled: matches and
    sizes are summed across documents (micro average), not averaged per
    document.  ``per_label`` and the overall values are micro over all pairs
    and documents; ``items`` counts |A| + |B| summed over pairs and documents,
    and ``support`` the spans of the label in all sets of documents that at
    least two annotators annotated.  Only pairs sharing a document are listed.
    """
    pairs_out = []
    total = {"exact": 0, "partial": 0, "size": 0}
    label_matched = {"exact": Counter(), "partial": Counter()}
    label_size = Counter()
    support = Counter()

    for sets in documents.values():
        if len(sets) >= 2:
            for spans in sets.values():
                support.update(as_span(s).label for s in spans)

    for (a, b), doc_ids in _annotator_pairs(documents).items():
        pair = {"exact": 0, "partial": 0, "size": 0}
        for doc_id in doc_ids:
            a_spans = [as_span(s) for s in documents[doc_id][a]]
            b_spans = [as_span(s) for s in documents[doc_id][b]]
            pair["size"] += len(a_spans) + len(b_spans)
            label_size.update(s.label for s in a_spans)
            label_size.update(s.label for s in b_spans)
            for mode in ("exact", "partial"):
                matches = _matches(a_spans, b_spans, mode)
                pair[mode] += len(matches)
                label_matched[mode].update(x.label for x, _ in matches)
        for key in total:
            total[key] += pair[key]
        pairs_out.append(
            {
                "a": a,
                "b": b,
                "f1_exact": _f1(pair["exact"], pair["size"], REASON_NO_SPANS),
                "f1_partial": _f1(pair["partial"], pair["size"], REASON_NO_SPANS),
                "documents": len(doc_ids),
            }
        )

    if not pairs_out:
        overall_exact = _undefined(0, REASON_NO_SHARED_DOCUMENT, matched=0)
        overall_partial = _undefined(0, REASON_NO_SHARED_DOCUMENT, matched=0)
    else:
        overall_exact = _f1(total["exact"], total["size"], REASON_NO_SPANS)
        overall_partial = _f1(total["partial"], total["size"], REASON_NO_SPANS)

    per_label = {
        label: {
            "f1_exact": _f1(label_matched["exact"][label], label_size[label], REASON_NO_SPANS),
            "f1_partial": _f1(label_matched["partial"][label], label_size[label], REASON_NO_SPANS),
            "support": support[label],
        }
        for label in _sorted(support)
    }
    return {
        "f1_exact": overall_exact,
        "f1_partial": overall_partial,
        "per_label": per_label,
        "pairs": pairs_out,
    }


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------


def token_labels(spans, tokens: Sequence[tuple[int, int]], outside: str = OUTSIDE) -> list:
    """The label of each token given one annotator's spans.

    A span covers a token when they share at least one character, so a span
    whose edge falls inside a token still labels it.  When several spans
    cover a token the longest wins, ties by earliest start, then label name.
    Tokens no span covers get ``outside`` ("O").
    """
    ordered = sorted(
        (as_span(s) for s in spans),
        key=lambda s: (-(s.end - s.start), s.start, repr(s.label)),
    )
    labels = []
    for start, end in tokens:
        label = outside
        for span in ordered:
            if span.start < end and start < span.end:
                label = span.label
                break
        labels.append(label)
    return labels


def token_agreement(documents: Mapping, tokens_by_doc: Mapping[Any, Sequence]) -> dict:
    """Token-level agreement: Krippendorff's alpha, Fleiss' kappa and mean Cohen's kappa.

    Each (document, token) is a unit; each annotator's label for it comes from
    ``token_labels`` ("O" outside spans).  An annotator who did not annotate a
    document is missing (None) for its tokens.  Only documents present in
    both mappings are used; ``items`` counts their tokens.  Fleiss' kappa
    drops units with a rater count other than the most common one (see
    ``dropped``).  ``cohen_kappa`` is the mean of the defined pairwise kappas
    (``pairs`` of them); its ``items`` sums the tokens each pair both labelled.
    Token kappa is inflated by the many "O" tokens: report span F1 beside it.
    """
    doc_ids = [doc_id for doc_id in documents if doc_id in tokens_by_doc]
    annotators = _sorted({name for doc_id in doc_ids for name in documents[doc_id]})
    columns = {name: [] for name in annotators}
    for doc_id in doc_ids:
        tokens = list(tokens_by_doc[doc_id])
        sets = documents[doc_id]
        for name in annotators:
            if name in sets:
                columns[name].extend(token_labels(sets[name], tokens))
            else:
                columns[name].extend([None] * len(tokens))
    reliability = [columns[name] for name in annotators]
    n_units = len(reliability[0]) if reliability else 0
    units = [[column[u] for column in reliability] for u in range(n_units)]

    pairwise, pair_items, first_reason = [], 0, None
    for a, b in combinations(annotators, 2):
        result = cohen_kappa(columns[a], columns[b])
        if result["items"] == 0:
            continue
        pair_items += result["items"]
        if result["value"] is None:
            first_reason = first_reason or result["reason"]
        else:
            pairwise.append(result["value"])
    if pairwise:
        cohen = _result(sum(pairwise) / len(pairwise), pair_items, pairs=len(pairwise))
    else:
        cohen = _undefined(pair_items, first_reason or REASON_ONE_ANNOTATOR, pairs=0)

    if reliability:
        alpha = krippendorff_alpha(reliability, level="nominal")
    else:
        alpha = _undefined(0, REASON_NO_ITEMS, pairable_values=0)
    return {
        "krippendorff_alpha": alpha,
        "fleiss_kappa": fleiss_kappa_from_labels(units),
        "cohen_kappa": cohen,
        "items": n_units,
    }


# ---------------------------------------------------------------------------
# Stances
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stance:
    holder: Span
    target: Span
    polarity: Any

    def sort_signature(self):
        return (
            self.holder.sort_signature(),
            self.target.sort_signature(),
            repr(self.polarity),
        )


def _as_stance(value) -> _Stance:
    return _Stance(as_span(value["holder"]), as_span(value["target"]), value["polarity"])


def _same_entity(x: Span, y: Span) -> bool:
    """Holder or target match: overlapping offsets or the same linked actor."""
    return x.overlaps(y) or (x.actor is not None and x.actor == y.actor)


def _stance_score(x: _Stance, y: _Stance, with_polarity: bool):
    if not (_same_entity(x.holder, y.holder) and _same_entity(x.target, y.target)):
        return None
    if with_polarity and x.polarity != y.polarity:
        return None
    # Prefer the most character overlap, then the closest boundaries; stances
    # matched by actor alone (no overlap) come last.
    overlap = x.holder.overlap(y.holder) + x.target.overlap(y.target)
    distance = sum(
        abs(p.start - q.start) + abs(p.end - q.end)
        for p, q in ((x.holder, y.holder), (x.target, y.target))
    )
    return (-overlap, distance)


def _stance_matches(a: list[_Stance], b: list[_Stance], with_polarity: bool):
    pairs = _greedy_match(
        a,
        b,
        lambda x, y: _stance_score(x, y, with_polarity),
        _Stance.sort_signature,
    )
    return [(a[i], b[j]) for i, j in pairs]


def stance_agreement(documents: Mapping[Any, Mapping[Any, Sequence]]) -> dict:
    """Stance F1 per annotator pair and overall, and Cohen's kappa on polarity.

    ``documents`` is ``{doc_id: {annotator: [stances]}}`` with stances
    ``{"holder": span, "target": span, "polarity": str}``.  Holders (and
    targets) match when their spans overlap or both carry the same non-null
    actor, whatever their labels.  Two stances match when holders match,
    targets match and polarities are equal; matching is one-to-one and greedy
    (most overlapping characters first).  F1 is micro over documents and
    pairs; ``items`` is |A| + |B| summed.  ``polarity_kappa`` is Cohen's kappa
    over the polarities of stance pairs matched on holder and target alone,
    pooled over pairs and documents; its ``items`` counts those stance pairs.
    """
    pairs_out = []
    matched_total = size_total = 0
    polarity_a, polarity_b = [], []
    for (a, b), doc_ids in _annotator_pairs(documents).items():
        matched = size = 0
        for doc_id in doc_ids:
            a_stances = [_as_stance(s) for s in documents[doc_id][a]]
            b_stances = [_as_stance(s) for s in documents[doc_id][b]]
            size += len(a_stances) + len(b_stances)
            matched += len(_stance_matches(a_stances, b_stances, with_polarity=True))
            for x, y in _stance_matches(a_stances, b_stances, with_polarity=False):
                polarity_a.append(x.polarity)
                polarity_b.append(y.polarity)
        matched_total += matched
        size_total += size
        pairs_out.append(
            {
                "a": a,
                "b": b,
                "f1": _f1(matched, size, REASON_NO_STANCES),
                "documents": len(doc_ids),
            }
        )
    if not pairs_out:
        f1 = _undefined(0, REASON_NO_SHARED_DOCUMENT, matched=0)
        kappa = _undefined(0, REASON_NO_SHARED_DOCUMENT, observed=None, expected=None)
    else:
        f1 = _f1(matched_total, size_total, REASON_NO_STANCES)
        kappa = cohen_kappa(polarity_a, polarity_b)
        if kappa["items"] == 0:
            kappa["reason"] = REASON_NO_MATCHED_STANCES
    return {"f1": f1, "polarity_kappa": kappa, "pairs": pairs_out}


# ---------------------------------------------------------------------------
# Actor links
# ---------------------------------------------------------------------------


def _actor_order(span: Span):
    # Linked spans first, so that duplicates pair linked with linked.
    return (span.actor is None, repr(span.actor))


def actor_link_agreement(documents: Mapping[Any, Mapping[Any, Sequence]]) -> dict:
    """Share of exactly matched spans that two annotators linked to the same actor.

    ``documents`` is as for ``span_agreement``, with spans carrying ``actor``
    (None when unlinked).  Over every annotator pair and shared document,
    spans are matched exactly (same start, end, label; one-to-one).  A matched
    pair counts when at least one of the two linked an actor; ``items`` is the
    number of such pairs and ``agreed`` how many have the same actor.
    """
    items = agreed = 0
    shared = _annotator_pairs(documents)
    for (a, b), doc_ids in shared.items():
        for doc_id in doc_ids:
            a_by_key, b_by_key = defaultdict(list), defaultdict(list)
            for s in documents[doc_id][a]:
                span = as_span(s)
                a_by_key[span.key].append(span)
            for s in documents[doc_id][b]:
                span = as_span(s)
                b_by_key[span.key].append(span)
            for key, a_spans in a_by_key.items():
                b_spans = sorted(b_by_key.get(key, []), key=_actor_order)
                for x, y in zip(sorted(a_spans, key=_actor_order), b_spans, strict=False):
                    if x.actor is None and y.actor is None:
                        continue
                    items += 1
                    agreed += x.actor == y.actor
    if not shared:
        return _undefined(0, REASON_NO_SHARED_DOCUMENT, agreed=0)
    if items == 0:
        return _undefined(0, REASON_NO_ACTOR_LINKS, agreed=0)
    return _result(agreed / items, items, agreed=agreed)


# ---------------------------------------------------------------------------
# Bootstrap
# ---------------------------------------------------------------------------


def _quantile(ordered: list[float], q: float) -> float:
    """Linear-interpolation quantile of sorted values (numpy's default)."""
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def bootstrap_interval(
    documents: Mapping,
    measure: Callable[[Mapping], Mapping],
    *,
    iterations: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict:
    """Percentile bootstrap interval of a measure, resampling documents.

    Each iteration draws len(documents) documents with replacement and calls
    ``measure(resampled)``; the resampled mapping is keyed ``(draw, doc_id)``
    because a document can be drawn twice (a measure needing per-document
    side data, such as tokens, looks it up by ``key[1]``).  Resamples whose
    value is None are ignored; ``valid`` says how many were used.  The same
    seed gives the same interval.
    """
    if iterations < 1:
        raise ValueError("The bootstrap needs at least one iteration.")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1.")
    out = {
        "low": None,
        "high": None,
        "iterations": iterations,
        "confidence": confidence,
        "seed": seed,
        "valid": 0,
        "reason": None,
    }
    # Sorted ids make the draws independent of the mapping's insertion order.
    doc_ids = _sorted(documents)
    if not doc_ids:
        out["reason"] = "there are no documents to resample"
        return out
    rng = random.Random(seed)
    values = []
    for _ in range(iterations):
        draw = rng.choices(doc_ids, k=len(doc_ids))
        resampled = {(i, doc_id): documents[doc_id] for i, doc_id in enumerate(draw)}
        value = measure(resampled)["value"]
        if value is not None:
            values.append(value)
    if not values:
        out["reason"] = "the measure was undefined in every resample"
        return out
    values.sort()
    tail = (1.0 - confidence) / 2.0
    out.update(
        low=_quantile(values, tail),
        high=_quantile(values, 1.0 - tail),
        valid=len(values),
    )
    return out


# ---------------------------------------------------------------------------
# Review queue
# ---------------------------------------------------------------------------


def _set_items(annotation_set: Mapping) -> Counter:
    """Exact-identity items of one set: its spans and its stances."""
    spans = [as_span(s) for s in annotation_set.get("spans") or []]
    by_id = {span.id: span for span in spans if span.id is not None}

    def resolve(ref):
        # Stances may name their spans by id (as the REST API does) or inline them.
        if isinstance(ref, Mapping | Span | tuple | list):
            return as_span(ref)
        if ref in by_id:
            return by_id[ref]
        raise ValueError(f"Stance refers to unknown span {ref!r}.")

    items = Counter(("span", span.key) for span in spans)
    for stance in annotation_set.get("stances") or []:
        holder = resolve(stance["holder"])
        target = resolve(stance["target"])
        items[("stance", holder.key, target.key, stance["polarity"])] += 1
    return items


def disagreement_score(doc_sets: Mapping[Any, Mapping]) -> float | None:
    """How much the annotators of one document disagree, for ranking the review queue.

    ``doc_sets`` is ``{annotator: {"spans": [...], "stances": [...]}}``.  Spans
    (start, end, label) and stances (holder span, target span, polarity, spans
    by start, end, label; holder and target inline or by span id) are all
    items, matched exactly.  The score is 1 - micro F1 over all annotator
    pairs: 0.0 when all sets agree (including all empty), None with fewer than
    two annotators.
    """
    if len(doc_sets) < 2:
        return None
    items = {name: _set_items(s) for name, s in doc_sets.items()}
    matched = size = 0
    for a, b in combinations(_sorted(items), 2):
        matched += sum((items[a] & items[b]).values())
        size += sum(items[a].values()) + sum(items[b].values())
    if size == 0:
        return 0.0
    return 1.0 - 2.0 * matched / size
