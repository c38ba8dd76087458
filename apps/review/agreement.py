"""Inter-annotator agreement measures for Accord.

Pure Python, no Django: plain data in, plain data out, so that the agreement
report, the review queue and the dataset manifests can share one implementation
and published reference values for each measure can be tested
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
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from operator import le
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
    if level not in ("nominal", "interval"):
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
    for values in zip(*coders, strict=True):
        counts = Counter(values)
        counts.pop(None, None)
        if counts.total() >= 2:
            unit_counts.append(counts)
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
    # ordered value pairs weighted by 1 / (m_u - 1).  For nominal data the
    # off-diagonal pairs of a unit number m_u**2 - sum(n_c**2): O(distinct
    # values) per unit, not O(pairs).
    observed = 0.0
    if level == "nominal":
        for counts in unit_counts:
            m_u = counts.total()
            within = m_u * m_u - sum(n_c * n_c for n_c in counts.values())
            observed += within / (m_u - 1)
        expected = float(n * n - sum(n_c * n_c for n_c in totals.values()))
    else:
        for counts in unit_counts:
            m_u = counts.total()
            within = sum(
                n_c * n_k * float(c - k) ** 2
                for c, n_c in counts.items()
                for k, n_k in counts.items()
                if c != k
            )
            observed += within / (m_u - 1)
        expected = sum(
            n_c * n_k * float(c - k) ** 2
            for c, n_c in totals.items()
            for k, n_k in totals.items()
            if c != k
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
    return _cohen_from_pair_counts(Counter(zip(a, b, strict=True)))


def _cohen_from_pair_counts(pair_counts: Mapping) -> dict:
    """``cohen_kappa`` from counts of (label a, label b) pairs; None labels are skipped."""
    pairs = {
        pair: count
        for pair, count in pair_counts.items()
        if count and pair[0] is not None and pair[1] is not None
    }
    if not pairs:
        return _undefined(0, REASON_ONE_ANNOTATOR, observed=None, expected=None)
    categories = _sorted({x for x, _ in pairs} | {y for _, y in pairs})
    index = {label: i for i, label in enumerate(categories)}
    matrix = [[0] * len(categories) for _ in categories]
    for (x, y), count in pairs.items():
        matrix[index[x]][index[y]] += count
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


def _span_tuple(value) -> tuple:
    """``(start, end, label, actor)`` of a span, read as ``as_span`` reads it.

    The hot paths below work on these plain tuples: building a frozen Span
    object for each of hundreds of thousands of spans costs more than the
    matching itself.
    """
    if type(value) is dict:
        return (int(value["start"]), int(value["end"]), value["label"], value.get("actor"))
    span = as_span(value)
    return (span.start, span.end, span.label, span.actor)


def _span_signature(span: tuple):
    # Span.sort_signature of a span tuple: comparable whatever the label and actor types are.
    return (span[0], span[1], repr(span[2]), repr(span[3]))


def _greedy(candidates, a_items, b_items, signature) -> list[tuple[int, int]]:
    """One-to-one greedy matching of a_items to b_items.

    ``candidates`` are ``(rank, i, j)`` for every candidate pair, where a
    smaller rank is better.  Candidates are taken best first; remaining ties
    are ordered by the *unordered* pair of signatures, so that the order --
    and hence the number of matches -- is the same when a and b are swapped,
    then by (i, j).  Candidates that still tie have identical values, so which
    copy is taken does not change the count.  When no item is in two
    candidates (the usual case) every candidate is a match, whatever the order.
    """
    if not candidates:
        return []
    if len({c[1] for c in candidates}) == len(candidates) == len({c[2] for c in candidates}):
        return [(i, j) for _rank, i, j in candidates]
    ordered = sorted(
        (rank, sorted((signature(a_items[i]), signature(b_items[j]))), i, j)
        for rank, i, j in candidates
    )
    used_a, used_b, matches = set(), set(), []
    for _rank, _pair, i, j in ordered:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matches.append((i, j))
    return matches


def _label_index(spans: list[tuple]) -> dict:
    """label -> (span indexes sorted by start, their starts, longest span length)."""
    groups = {}
    for j, span in enumerate(spans):
        groups.setdefault(span[2], []).append(j)
    index = {}
    for label, members in groups.items():
        members.sort(key=lambda j: spans[j][0])
        starts = [spans[j][0] for j in members]
        longest = max(spans[j][1] - spans[j][0] for j in members)
        index[label] = (members, starts, longest)
    return index


def _partial_candidates(a: list[tuple], b: list[tuple], b_index: dict | None = None) -> list:
    """``(rank, i, j)`` for every same-label overlapping pair of a and b.

    A sweep over b's spans sorted by start: a span y overlaps x only if
    y.start < x.end and y.start > x.start - (longest span of the label), so
    only that window of b is looked at, not every pair.  The rank is the
    largest overlap first, then the closest boundaries.
    """
    if b_index is None:
        b_index = _label_index(b)
    candidates = []
    for i, x in enumerate(a):
        group = b_index.get(x[2])
        if group is None:
            continue
        members, starts, longest = group
        x_start, x_end = x[0], x[1]
        for k in range(bisect_right(starts, x_start - longest), bisect_left(starts, x_end)):
            j = members[k]
            y_start, y_end = b[j][0], b[j][1]
            if y_end > x_start:
                overlap = min(x_end, y_end) - max(x_start, y_start)
                rank = (-max(0, overlap), abs(x_start - y_start) + abs(x_end - y_end))
                candidates.append((rank, i, j))
    return candidates


def _exact_count(a_keys: Mapping, b_keys: Mapping, per_label: Counter | None = None) -> int:
    """Exact one-to-one matches between two Counters of (start, end, label) keys."""
    matched = 0
    for key, count in a_keys.items():
        other = b_keys.get(key)
        if other:
            pairs = min(count, other)
            matched += pairs
            if per_label is not None:
                per_label[key[2]] += pairs
    return matched


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
    a = [_span_tuple(s) for s in a_spans]
    b = [_span_tuple(s) for s in b_spans]
    if mode == "exact":
        matched = _exact_count(Counter(s[:3] for s in a), Counter(s[:3] for s in b))
    elif mode == "partial":
        matched = len(_greedy(_partial_candidates(a, b), a, b, _span_signature))
    else:
        raise ValueError(f'Unknown mode "{mode}": use "exact" or "partial".')
    return _f1(
        matched,
        len(a) + len(b),
        REASON_NO_SPANS,
        precision=matched / len(b) if b else None,
        recall=matched / len(a) if a else None,
    )


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
    # One pass over the documents (each set normalised once), all pairs of a
    # document at a time; the sums are order-free integers.
    by_pair = {}  # (a, b) -> [exact, partial, size, documents]
    label_matched = {"exact": Counter(), "partial": Counter()}
    label_size = Counter()
    support = Counter()

    for sets in documents.values():
        if len(sets) < 2:
            continue
        names = _sorted(sets)
        spans = {name: [_span_tuple(s) for s in sets[name]] for name in names}
        keys = {name: Counter(s[:3] for s in spans[name]) for name in names}
        labels = {name: Counter(s[2] for s in spans[name]) for name in names}
        index = {name: _label_index(spans[name]) for name in names[1:]}
        for name in names:
            support.update(labels[name])
        for a, b in combinations(names, 2):
            pair = by_pair.get((a, b))
            if pair is None:
                pair = by_pair[(a, b)] = [0, 0, 0, 0]
            a_spans, b_spans = spans[a], spans[b]
            pair[2] += len(a_spans) + len(b_spans)
            pair[3] += 1
            label_size.update(labels[a])
            label_size.update(labels[b])
            pair[0] += _exact_count(keys[a], keys[b], label_matched["exact"])
            matches = _greedy(
                _partial_candidates(a_spans, b_spans, index[b]), a_spans, b_spans, _span_signature
            )
            pair[1] += len(matches)
            label_matched["partial"].update(a_spans[i][2] for i, _ in matches)

    pairs_out = []
    total = {"exact": 0, "partial": 0, "size": 0}
    for a, b in _sorted(by_pair):
        exact, partial, size, n_docs = by_pair[(a, b)]
        total["exact"] += exact
        total["partial"] += partial
        total["size"] += size
        pairs_out.append(
            {
                "a": a,
                "b": b,
                "f1_exact": _f1(exact, size, REASON_NO_SPANS),
                "f1_partial": _f1(partial, size, REASON_NO_SPANS),
                "documents": n_docs,
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


def _token_bounds(tokens: list) -> tuple | None:
    """(starts, ends) of the tokens when both are non-decreasing (as ``tokenize``
    gives them), else None."""
    if not tokens:
        return (), ()
    starts, ends = zip(*tokens, strict=True)
    if all(map(le, starts, starts[1:])) and all(map(le, ends, ends[1:])):
        return starts, ends
    return None


def _priority(span: tuple):
    # Longest first, then earliest start, then label name.
    return (-(span[1] - span[0]), span[0], repr(span[2]))


def _paint_labels(spans: list[tuple], starts, ends, outside) -> list:
    """Token labels from sorted token bounds, without looking at every (token, span) pair.

    A span covers the tokens ending after its start and starting before its
    end: with sorted tokens, the index range [bisect_right(ends, start),
    bisect_left(starts, end)).  The ranges are painted from the lowest
    priority to the highest, so each token keeps the label of its best span.
    """
    labels = [outside] * len(starts)
    ranges = []
    for span in spans:
        first = bisect_right(ends, span[0])
        stop = bisect_left(starts, span[1])
        if first < stop:
            ranges.append((first, stop, span))
    previous_stop = 0
    for first, stop, _span in ranges:
        if first < previous_stop:
            # Overlapping ranges: the priority decides (stable: input order last).
            ranges.sort(key=lambda r: _priority(r[2]))
            ranges.reverse()
            break
        previous_stop = stop
    for first, stop, span in ranges:
        labels[first:stop] = [span[2]] * (stop - first)
    return labels


def _scan_labels(spans: list[tuple], tokens, outside) -> list:
    """Token labels by looking at every span for every token (unsorted tokens)."""
    ordered = sorted(spans, key=_priority)
    labels = []
    for start, end in tokens:
        label = outside
        for span in ordered:
            if span[0] < end and start < span[1]:
                label = span[2]
                break
        labels.append(label)
    return labels


def token_labels(spans, tokens: Sequence[tuple[int, int]], outside: str = OUTSIDE) -> list:
    """The label of each token given one annotator's spans.

    A span covers a token when they share at least one character, so a span
    whose edge falls inside a token still labels it.  When several spans
    cover a token the longest wins, ties by earliest start, then label name.
    Tokens no span covers get ``outside`` ("O").
    """
    spans = [_span_tuple(s) for s in spans]
    tokens = list(tokens)
    bounds = _token_bounds(tokens)
    if bounds is None:
        return _scan_labels(spans, tokens, outside)
    return _paint_labels(spans, bounds[0], bounds[1], outside)


class _Memo(dict):
    """A dict that computes a missing value with ``function(key)`` and keeps it."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value


def _values(unit: tuple) -> Counter:
    counts = Counter(unit)
    counts.pop(None, None)
    return counts


def _alpha_term(unit: tuple) -> float:
    """A unit's observed-disagreement term for nominal alpha: off-diagonal pairs / (m - 1)."""
    counts = _values(unit)
    m = counts.total()
    if m < 2:
        return 0.0
    return (m * m - sum(c * c for c in counts.values())) / (m - 1)


def _fleiss_term(unit: tuple) -> float:
    """A unit's P_i for Fleiss' kappa (agreeing rater pairs / all rater pairs)."""
    counts = _values(unit)
    m = counts.total()
    return (sum(c * c for c in counts.values()) - m) / (m * (m - 1))


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

    ``tokens_by_doc[doc_id]`` is read once per document, one document at a
    time, so it may be a lazy mapping that tokenizes on demand.
    """
    doc_ids = [doc_id for doc_id in documents if doc_id in tokens_by_doc]
    annotators = _sorted({name for doc_id in doc_ids for name in documents[doc_id]})
    position = {name: k for k, name in enumerate(annotators)}

    # The units are summarised by their label tuples: for each set of present
    # annotators, how many units had each tuple of labels.  Every count below
    # comes from these tallies.  The two float sums that the unit-by-unit
    # formulas accumulate in unit order (alpha's observed disagreement and
    # Fleiss' P-bar) are accumulated in the same order, so the values are the
    # same to the last bit.
    tallies = defaultdict(Counter)  # present annotator indexes -> Counter(label tuple)
    alpha_terms = _Memo(_alpha_term)
    fleiss_terms = _Memo(_fleiss_term)
    observed = 0.0
    fleiss_sums = {}  # raters -> sum of P_i over the units with that many labels, in order
    n_units = 0
    # With no annotator at all there are no columns, hence no units.
    for doc_id in doc_ids if annotators else ():
        tokens = list(tokens_by_doc[doc_id])
        sets = documents[doc_id]
        present = [name for name in annotators if name in sets]
        bounds = _token_bounds(tokens)
        columns, missing_labels = [], False
        for name in present:
            spans = [_span_tuple(s) for s in sets[name]]
            missing_labels = missing_labels or any(span[2] is None for span in spans)
            if bounds is None:
                columns.append(_scan_labels(spans, tokens, OUTSIDE))
            else:
                columns.append(_paint_labels(spans, bounds[0], bounds[1], OUTSIDE))
        n_units += len(tokens)
        units = list(zip(*columns, strict=True)) if columns else [()] * len(tokens)
        tallies[tuple(position[name] for name in present)].update(units)
        for term in filter(None, map(alpha_terms.__getitem__, units)):
            observed += term
        if missing_labels:
            # A span labelled None leaves its tokens unlabelled: raters vary by unit.
            for unit in units:
                raters = len(unit) - unit.count(None)
                if raters >= 2:
                    fleiss_sums[raters] = fleiss_sums.get(raters, 0) + fleiss_terms[unit]
        elif len(present) >= 2:
            raters = len(present)
            fleiss_sums[raters] = sum(
                map(fleiss_terms.__getitem__, units), fleiss_sums.get(raters, 0)
            )

    # Cohen's kappa per annotator pair, from the tallies.
    pairwise, pair_items, first_reason = [], 0, None
    for a, b in combinations(range(len(annotators)), 2):
        pair_counts = Counter()
        for present, counts in tallies.items():
            if a in present and b in present:
                i, j = present.index(a), present.index(b)
                for unit, count in counts.items():
                    pair_counts[(unit[i], unit[j])] += count
        result = _cohen_from_pair_counts(pair_counts)
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

    by_unit = Counter()  # label tuple -> units (whoever gave the labels)
    for counts in tallies.values():
        by_unit.update(counts)
    return {
        "krippendorff_alpha": _token_alpha(by_unit, n_units, observed),
        "fleiss_kappa": _token_fleiss(by_unit, n_units, fleiss_sums),
        "cohen_kappa": cohen,
        "items": n_units,
    }


def _token_alpha(by_unit: Counter, n_units: int, observed: float) -> dict:
    """``krippendorff_alpha`` (nominal) from tallied units and the observed sum."""
    if n_units == 0:
        return _undefined(0, REASON_NO_ITEMS, pairable_values=0)
    units = 0
    totals = Counter()
    for unit, count in by_unit.items():
        values = _values(unit)
        if values.total() >= 2:
            units += count
            for value, n_c in values.items():
                totals[value] += n_c * count
    n = sum(totals.values())
    if units == 0:
        return _undefined(0, REASON_ONE_ANNOTATOR, pairable_values=0)
    if len(totals) < 2:
        return _undefined(units, REASON_ONE_CATEGORY, pairable_values=n)
    expected = float(n * n - sum(n_c * n_c for n_c in totals.values()))
    alpha = 1.0 - (n - 1) * observed / expected
    return _result(alpha, units, pairable_values=n)


def _token_fleiss(by_unit: Counter, n_units: int, fleiss_sums: dict) -> dict:
    """``fleiss_kappa_from_labels`` from tallied units and the P_i sums."""
    rater_counts = Counter()
    for unit, count in by_unit.items():
        raters = len(unit) - unit.count(None)
        if raters >= 2:
            rater_counts[raters] += count
    if not rater_counts:
        result = _undefined(
            0,
            REASON_ONE_ANNOTATOR if n_units else REASON_NO_ITEMS,
            observed=None,
            expected=None,
            raters=0,
        )
        result["dropped"] = n_units
        return result
    raters = max(rater_counts, key=lambda r: (rater_counts[r], r))
    subjects = rater_counts[raters]
    totals = Counter()
    for unit, count in by_unit.items():
        if len(unit) - unit.count(None) == raters:
            for value, n_c in _values(unit).items():
                totals[value] += n_c * count
    categories = _sorted(totals)
    column_totals = [totals[label] for label in categories]
    p_bar = fleiss_sums[raters] / subjects
    if sum(1 for total in column_totals if total) < 2:
        result = _undefined(
            subjects, REASON_ONE_CATEGORY, observed=p_bar, expected=1.0, raters=raters
        )
    else:
        all_ratings = subjects * raters
        p_e = sum((total / all_ratings) ** 2 for total in column_totals)
        kappa = (p_bar - p_e) / (1.0 - p_e)
        result = _result(kappa, subjects, observed=p_bar, expected=p_e, raters=raters)
    result["dropped"] = n_units - subjects
    return result


# ---------------------------------------------------------------------------
# Stances
# ---------------------------------------------------------------------------


def _stance_tuple(value) -> tuple:
    """``(holder span tuple, target span tuple, polarity)``."""
    return (_span_tuple(value["holder"]), _span_tuple(value["target"]), value["polarity"])


def _stance_signature(stance: tuple):
    # Comparable whatever the label, actor and polarity types are.
    return (_span_signature(stance[0]), _span_signature(stance[1]), repr(stance[2]))


def _stance_candidates(a: list[tuple], b: list[tuple]) -> list:
    """``(rank, i, j)`` for stance pairs whose holders match and whose targets match.

    Holder (or target) spans match when they overlap or carry the same
    non-null actor, whatever their labels.  Prefer the most character overlap,
    then the closest boundaries; stances matched by actor alone (no overlap)
    come last.
    """
    candidates = []
    for i, (xh, xt, _xp) in enumerate(a):
        for j, (yh, yt, _yp) in enumerate(b):
            if not (xh[0] < yh[1] and yh[0] < xh[1]) and (xh[3] is None or xh[3] != yh[3]):
                continue
            if not (xt[0] < yt[1] and yt[0] < xt[1]) and (xt[3] is None or xt[3] != yt[3]):
                continue
            overlap = max(0, min(xh[1], yh[1]) - max(xh[0], yh[0])) + max(
                0, min(xt[1], yt[1]) - max(xt[0], yt[0])
            )
            distance = (
                abs(xh[0] - yh[0]) + abs(xh[1] - yh[1]) + abs(xt[0] - yt[0]) + abs(xt[1] - yt[1])
            )
            candidates.append(((-overlap, distance), i, j))
    return candidates


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
    by_pair = {}  # (a, b) -> [matched, size, documents]
    polarity_pairs = Counter()
    for sets in documents.values():
        if len(sets) < 2:
            continue
        names = _sorted(sets)
        stances = {name: [_stance_tuple(s) for s in sets[name]] for name in names}
        for a, b in combinations(names, 2):
            pair = by_pair.get((a, b))
            if pair is None:
                pair = by_pair[(a, b)] = [0, 0, 0]
            a_stances, b_stances = stances[a], stances[b]
            pair[1] += len(a_stances) + len(b_stances)
            pair[2] += 1
            candidates = _stance_candidates(a_stances, b_stances)
            if not candidates:
                continue
            same_polarity = [c for c in candidates if a_stances[c[1]][2] == b_stances[c[2]][2]]
            pair[0] += len(_greedy(same_polarity, a_stances, b_stances, _stance_signature))
            for i, j in _greedy(candidates, a_stances, b_stances, _stance_signature):
                polarity_pairs[(a_stances[i][2], b_stances[j][2])] += 1

    return _stance_result(by_pair, polarity_pairs, REASON_NO_STANCES, REASON_NO_MATCHED_STANCES)


def _stance_result(by_pair, polarity_pairs, no_items, no_matches) -> dict:
    """``{"f1", "polarity_kappa", "pairs"}`` from per-pair ``[matched, size,
    documents]`` and the counts of matched (polarity a, polarity b) pairs."""
    pairs_out = []
    matched_total = size_total = 0
    for a, b in _sorted(by_pair):
        matched, size, n_docs = by_pair[(a, b)]
        matched_total += matched
        size_total += size
        pairs_out.append({"a": a, "b": b, "f1": _f1(matched, size, no_items), "documents": n_docs})
    if not pairs_out:
        f1 = _undefined(0, REASON_NO_SHARED_DOCUMENT, matched=0)
        kappa = _undefined(0, REASON_NO_SHARED_DOCUMENT, observed=None, expected=None)
    else:
        f1 = _f1(matched_total, size_total, no_items)
        kappa = _cohen_from_pair_counts(polarity_pairs)
        if kappa["items"] == 0:
            kappa["reason"] = no_matches
    return {"f1": f1, "polarity_kappa": kappa, "pairs": pairs_out}


# ---------------------------------------------------------------------------
# Actor links
# ---------------------------------------------------------------------------


def _actor_order(actor):
    # Linked spans first, so that duplicates pair linked with linked.
    return (actor is None, repr(actor))


def _actors_by_key(spans: list[tuple]) -> dict:
    """(start, end, label) -> the actors of the spans with that key, linked first."""
    by_key = defaultdict(list)
    for span in spans:
        by_key[span[:3]].append(span[3])
    for actors in by_key.values():
        if len(actors) > 1:
            actors.sort(key=_actor_order)
    return by_key


def actor_link_agreement(documents: Mapping[Any, Mapping[Any, Sequence]]) -> dict:
    """Share of exactly matched spans that two annotators linked to the same actor.

    ``documents`` is as for ``span_agreement``, with spans carrying ``actor``
    (None when unlinked).  Over every annotator pair and shared document,
    spans are matched exactly (same start, end, label; one-to-one).  A matched
    pair counts when at least one of the two linked an actor; ``items`` is the
    number of such pairs and ``agreed`` how many have the same actor.
    """
    items = agreed = 0
    shared = False
    for sets in documents.values():
        if len(sets) < 2:
            continue
        shared = True
        spans = {name: [_span_tuple(s) for s in spans] for name, spans in sets.items()}
        linked = [
            name for name, doc_spans in spans.items() if any(s[3] is not None for s in doc_spans)
        ]
        if not linked:
            continue  # no pair of spans here can count
        by_key = {name: _actors_by_key(doc_spans) for name, doc_spans in spans.items()}
        for a, b in combinations(_sorted(sets), 2):
            if a not in linked and b not in linked:
                continue
            b_by_key = by_key[b]
            for key, a_actors in by_key[a].items():
                b_actors = b_by_key.get(key)
                if not b_actors:
                    continue
                for x, y in zip(a_actors, b_actors, strict=False):
                    if x is None and y is None:
                        continue
                    items += 1
                    agreed += x == y
    if not shared:
        return _undefined(0, REASON_NO_SHARED_DOCUMENT, agreed=0)
    if items == 0:
        return _undefined(0, REASON_NO_ACTOR_LINKS, agreed=0)
    return _result(agreed / items, items, agreed=agreed)


# ---------------------------------------------------------------------------
# Document categories
# ---------------------------------------------------------------------------


def masi_distance(a: Iterable, b: Iterable) -> float:
    """MASI distance between two label sets (Passonneau 2006): 1 - J * M.

    J is the Jaccard coefficient |A & B| / |A | B| and M the monotonicity:
    1 when the sets are equal, 2/3 when one is a subset of the other, 1/3
    when they overlap otherwise, 0 when they are disjoint.  Two empty sets
    are equal (distance 0).
    """
    a, b = frozenset(a), frozenset(b)
    if a == b:
        return 0.0
    common = len(a & b)
    if not common:
        return 1.0
    monotonicity = 2 / 3 if a <= b or b <= a else 1 / 3
    return 1.0 - common / len(a | b) * monotonicity


def alpha_with_distance(units: Sequence[Sequence[Any]], distance: Callable) -> dict:
    """Krippendorff's alpha for any distance between values.

    ``units`` lists, per unit, the values its coders gave (None = missing).
    Units with fewer than two values are skipped; ``items`` counts the units
    used and ``pairable_values`` their values (n..).  alpha = 1 - (n.. - 1) *
    sum over units of (sum of distances of ordered pairs in the unit) /
    (m_u - 1), divided by the sum of distances of all ordered pairs of
    pairable values.  Values are grouped by identity, so the cost grows with
    the distinct values, not with their number.
    """
    unit_counts = []
    for values in units:
        counts = Counter(v for v in values if v is not None)
        if counts.total() >= 2:
            unit_counts.append(counts)
    if not unit_counts:
        reason = REASON_ONE_ANNOTATOR if units else REASON_NO_ITEMS
        return _undefined(0, reason, pairable_values=0)
    totals = Counter()
    for counts in unit_counts:
        totals.update(counts)
    n = totals.total()
    if len(totals) < 2:
        return _undefined(len(unit_counts), REASON_ONE_CATEGORY, pairable_values=n)
    memo = {}

    def d(x, y):
        key = (x, y)
        if key not in memo:
            memo[key] = memo[(y, x)] = distance(x, y)
        return memo[key]

    def pairs(counts):
        return sum(nx * ny * d(x, y) for x, nx in counts.items() for y, ny in counts.items())

    observed = sum(pairs(counts) / (counts.total() - 1) for counts in unit_counts)
    expected = pairs(totals)
    if expected == 0:
        return _undefined(len(unit_counts), REASON_ONE_CATEGORY, pairable_values=n)
    return _result(1.0 - (n - 1) * observed / expected, len(unit_counts), pairable_values=n)


def _nominal(x, y) -> float:
    return 0.0 if x == y else 1.0


def _kappa(units: list[dict]) -> dict:
    """Cohen's kappa when the units have two annotators in all, else Fleiss'
    kappa; values are compared as they are (nominal).  ``measure`` names it."""
    annotators = _sorted({who for unit in units for who in unit})
    if len(annotators) == 2:
        a, b = annotators
        result = _cohen_from_pair_counts(Counter((u.get(a), u.get(b)) for u in units))
        return {"measure": "cohen", **result}
    rows = [[u.get(who) for who in annotators] for u in units]
    return {"measure": "fleiss", **fleiss_kappa_from_labels(rows)}


def category_agreement(documents: Mapping[Any, Mapping[Any, Sequence]], groups: Mapping) -> dict:
    """Agreement on document categories, per category group.

    ``documents`` is ``{doc_id: {annotator: [category label names]}}`` (the
    annotators who submitted a set) and ``groups`` ``{label: (group name,
    multiple)}``.  Per group and document each annotator gives one value:
    the set of that group's labels they chose.  Choosing none is a value of
    its own (the empty set: "none of these" for a single-choice group), not
    missing data, because every annotator saw the group.

    Returns ``{group: {"multiple", "documents", "alpha", "kappa"}}``:
    ``alpha`` is Krippendorff's alpha, nominal for a group that takes one
    category and MASI-weighted (``masi_distance``) for one that takes
    several (``alpha["distance"]`` says which); ``kappa`` is Cohen's (two
    annotators) or Fleiss' kappa (more) over the values compared whole.
    ``items`` is the number of documents compared.
    """
    by_group = defaultdict(set)
    for label, (group, multiple) in groups.items():
        by_group[(group, multiple)].add(label)
    out = {}
    for (group, multiple), labels in sorted(by_group.items(), key=lambda g: str(g[0][0])):
        units = []
        for sets in documents.values():
            if len(sets) < 2:
                continue
            units.append(
                {
                    who: tuple(sorted(label for label in chosen if label in labels))
                    for who, chosen in sets.items()
                }
            )
        values = [list(unit.values()) for unit in units]
        distance = masi_distance if multiple else _nominal
        alpha = alpha_with_distance(values, distance)
        alpha["distance"] = "masi" if multiple else "nominal"
        if not units:
            alpha = _undefined(
                0, REASON_NO_SHARED_DOCUMENT, pairable_values=0, distance=alpha["distance"]
            )
            kappa = {
                "measure": None,
                **_undefined(0, REASON_NO_SHARED_DOCUMENT, observed=None, expected=None),
            }
        else:
            kappa = _kappa(units)
        out[group] = {"multiple": multiple, "documents": len(units), "alpha": alpha, "kappa": kappa}
    return out


# ---------------------------------------------------------------------------
# Stances on concepts
# ---------------------------------------------------------------------------

REASON_NO_CONCEPT_STANCES = "neither annotator took a stance on a concept"
REASON_NO_MATCHED_CONCEPT_STANCES = "no stances of two annotators matched on holder and concept"


def _holder_identity(holder) -> tuple:
    """A holder is its actor when linked, else its span's offsets."""
    span = as_span(holder)
    if span.actor is not None:
        return ("actor", span.actor)
    return ("span", span.start, span.end)


def concept_stance_agreement(documents: Mapping[Any, Mapping[Any, Sequence]]) -> dict:
    """Stance-on-concept F1 per annotator pair and overall, and Cohen's kappa on polarity.

    ``documents`` is ``{doc_id: {annotator: [stances]}}`` with stances
    ``{"holder": span, "concept": id, "polarity"}``.  A stance is the triple
    (holder, concept, polarity), the holder being its linked actor or, when
    unlinked, its span's start and end; two stances match when the triples
    are equal (one-to-one).  F1 is micro over documents and pairs; ``items``
    is |A| + |B| summed.  ``polarity_kappa`` is Cohen's kappa over the
    polarities of stance pairs matched on holder and concept alone (one to
    one, in polarity order), pooled; its ``items`` counts those pairs.
    """
    by_pair = {}  # (a, b) -> [matched, size, documents]
    polarity_pairs = Counter()
    for sets in documents.values():
        if len(sets) < 2:
            continue
        names = _sorted(sets)
        triples = {
            name: Counter(
                (_holder_identity(s["holder"]), s["concept"], s["polarity"]) for s in sets[name]
            )
            for name in names
        }
        for a, b in combinations(names, 2):
            pair = by_pair.setdefault((a, b), [0, 0, 0])
            pair[0] += (triples[a] & triples[b]).total()
            pair[1] += triples[a].total() + triples[b].total()
            pair[2] += 1
            on = {name: defaultdict(list) for name in (a, b)}
            for name in (a, b):
                for (holder, concept, polarity), count in triples[name].items():
                    on[name][(holder, concept)] += [polarity] * count
            for key, a_polarities in on[a].items():
                b_polarities = on[b].get(key)
                if not b_polarities:
                    continue
                x, y = _sorted(a_polarities), _sorted(b_polarities)
                # Equal polarities pair first, then the rest in order.
                common = Counter(x) & Counter(y)
                polarity_pairs.update({(p, p): n for p, n in common.items()})
                rest_x = list((Counter(x) - common).elements())
                rest_y = list((Counter(y) - common).elements())
                polarity_pairs.update(zip(_sorted(rest_x), _sorted(rest_y), strict=False))
    return _stance_result(
        by_pair, polarity_pairs, REASON_NO_CONCEPT_STANCES, REASON_NO_MATCHED_CONCEPT_STANCES
    )


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
    if len(doc_ids) == 1:
        # Every resample of one document is that document: an interval of
        # width 0 would claim a certainty the data cannot give.
        out["reason"] = "one document cannot be resampled into an interval; it needs two or more"
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
    """Exact-identity items of one set: its spans, its stances (on a target
    span or on a concept) and its categories."""
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
        if stance.get("target") is None:
            items[("concept_stance", holder.key, stance["concept"], stance["polarity"])] += 1
        else:
            target = resolve(stance["target"])
            items[("stance", holder.key, target.key, stance["polarity"])] += 1
    items.update(("category", label) for label in annotation_set.get("categories") or [])
    return items


def disagreement_score(doc_sets: Mapping[Any, Mapping]) -> float | None:
    """How much the annotators of one document disagree, for ranking the review queue.

    ``doc_sets`` is ``{annotator: {"spans": [...], "stances": [...],
    "categories": [...]}}``.  Spans (start, end, label), stances (holder span,
    target span, polarity, spans by start, end, label; holder and target
    inline or by span id), stances on a concept (holder span, concept id,
    polarity) and categories (label names) are all items, matched exactly.
    The score is 1 - micro F1 over all annotator pairs: 0.0 when all sets
    agree (including all empty), None with fewer than two annotators.
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


REASON_NO_REVIEWED_PREDICTIONS = "no annotator accepted or rejected a suggestion"


def suggestion_outcomes(predictions: Mapping, sets: Mapping) -> dict:
    """What became of each prediction source's suggestions, counted once per
    suggestion and set that reviewed its document.

    ``predictions`` is ``{document: {source: [spans]}}`` (spans with
    ``start``, ``end``, ``label``) and ``sets`` ``{document: {set name:
    {"spans": [...], "rejected_predictions": [{"source", "start", "end",
    "label"}]}}}``: annotators' sets, a gold set, whichever the caller
    counts. A suggestion is *accepted* by a set that has a span with its
    start, end and label, *rejected* by one that rejected it (the set's
    ``rejected_predictions``, by source and span), else *left*. Returns
    ``{source: {"accepted": n, "rejected": n, "left": n}}`` for every source
    with a suggestion on a document some set reviewed; a document no set
    reviewed counts nothing."""
    counts = {}
    for doc, by_source in predictions.items():
        for payload in (sets.get(doc) or {}).values():
            made = {as_span(s).key[:3] for s in payload.get("spans") or ()}
            rejected = {
                (r["source"], r["start"], r["end"], r["label"])
                for r in payload.get("rejected_predictions") or ()
            }
            for source, spans in by_source.items():
                c = counts.setdefault(source, {"accepted": 0, "rejected": 0, "left": 0})
                for span in spans:
                    key = as_span(span).key[:3]
                    if key in made:
                        c["accepted"] += 1
                    elif (source, *key) in rejected:
                        c["rejected"] += 1
                    else:
                        c["left"] += 1
    return counts


def prediction_agreement(predictions: Mapping, sets: Mapping) -> dict:
    """How the annotators took each prediction source's suggestions.

    ``predictions`` is ``{document: {source: [spans]}}`` and ``sets``
    ``{document: {annotator: {"spans": [...], "rejected_predictions":
    [{"source", "start", "end", "label"}]}}}``. For each suggested span and
    each annotator of its document: *accepted* when their set has the span
    (same start, end and label), *rejected* when they rejected it (stored with
    their set), else *unreviewed*. ``acceptance`` is accepted / (accepted +
    rejected): a rejection counts against the source, an untouched
    suggestion does not count. Returns ``{"sources": [{"source", "accepted",
    "rejected", "unreviewed", "acceptance": result}]}`` by source name.
    """
    counts = suggestion_outcomes(predictions, sets)
    out = []
    for source in _sorted(counts):
        c = counts[source]
        reviewed = c["accepted"] + c["rejected"]
        acceptance = (
            _result(c["accepted"] / reviewed, reviewed)
            if reviewed
            else _undefined(0, REASON_NO_REVIEWED_PREDICTIONS)
        )
        out.append(
            {
                "source": source,
                "accepted": c["accepted"],
                "rejected": c["rejected"],
                "unreviewed": c["left"],
                "acceptance": acceptance,
            }
        )
    return {"sources": out}


def majority_spans(doc_sets: Mapping) -> set:
    """The spans (start, end, label) more than half of a document's
    annotators made: ``doc_sets`` is ``{annotator: {"spans": [...]}}``."""
    votes = Counter()
    for payload in doc_sets.values():
        votes.update({as_span(s).key[:3] for s in payload.get("spans") or ()})
    need = len(doc_sets) / 2
    return {key for key, n in votes.items() if n > need}


def model_disagreement(predicted: Iterable, doc_sets: Mapping) -> float | None:
    """1 − exact span F1 between a model's suggestions on a document
    (`predicted`, spans) and the spans most of its annotators made
    (majority_spans of ``doc_sets``); 0.0 when both are empty, None when no
    annotator has submitted (nothing to compare with)."""
    if not doc_sets:
        return None
    model = {as_span(s).key[:3] for s in predicted}
    majority = majority_spans(doc_sets)
    size = len(model) + len(majority)
    if size == 0:
        return 0.0
    return 1.0 - 2.0 * len(model & majority) / size


def model_scores(predictions: Iterable, submitted: Iterable, spans: Mapping) -> dict:
    """model_disagreement of each prediction set, from plain rows:
    `predictions` ``[(set_id, document_id)]``, `submitted` the submitted
    annotator sets of their documents ``[(set_id, document_id)]`` and
    `spans` ``{set_id: [(start, end, label)]}`` of both. Returns
    ``{prediction set_id: score or None}``."""
    doc_sets = defaultdict(dict)
    for set_id, document_id in submitted:
        doc_sets[document_id][set_id] = {"spans": spans.get(set_id, ())}
    return {
        set_id: model_disagreement(spans.get(set_id, ()), doc_sets.get(document_id, {}))
        for set_id, document_id in predictions
    }
