"""The fast paths of apps.review.agreement against simple reference implementations.

The references below are the straightforward algorithms agreement.py used before it was
optimised (every token against every span, every span pair scored, one Counter per unit);
random projects -- overlapping and duplicate spans, several labels, actors, missing
annotators, unsorted tokens, 2 to 4 annotators -- must give the same results.  On CPython
3.11 the floats are the same to the last bit; from 3.12, ``sum`` of floats is compensated,
which can move Fleiss' P-bar by an ulp, so floats are compared to 1e-12 there.
"""

import math
import random
import sys
from collections import Counter, defaultdict
from itertools import combinations

import pytest

from apps.documents.text import token_offsets, tokenize
from apps.review import agreement
from apps.review.agreement import (
    REASON_NO_MATCHED_STANCES,
    REASON_NO_SHARED_DOCUMENT,
    REASON_ONE_ANNOTATOR,
    _sorted,
    actor_link_agreement,
    as_span,
    cohen_kappa,
    cohen_kappa_from_confusion,
    fleiss_kappa_from_labels,
    krippendorff_alpha,
    span_agreement,
    span_f1,
    stance_agreement,
    token_agreement,
    token_labels,
)
from tests.documents import reference_tokenizer as reference

EXACT = sys.version_info < (3, 12)


def same(got, want, path="result"):
    """Equal results; floats equal to the bit on 3.11, to 1e-12 on later versions."""
    if isinstance(want, float) and isinstance(got, float):
        if EXACT:
            assert got == want or (math.isnan(got) and math.isnan(want)), path
        else:
            assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-15), path
    elif isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), path
        for key in want:
            same(got[key], want[key], f"{path}[{key!r}]")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), path
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            same(g, w, f"{path}[{k}]")
    else:
        assert type(got) is type(want) and got == want, f"{path}: {got!r} != {want!r}"


# -- Reference implementations ------------------------------------------------


def ref_alpha(data):
    units = []
    for values in zip(*data, strict=True):
        values = [v for v in values if v is not None]
        if len(values) >= 2:
            units.append(Counter(values))
    if not data or not data[0]:
        return None
    totals = Counter()
    for counts in units:
        totals.update(counts)
    if not units or len(totals) < 2:
        return None
    observed = 0.0
    for counts in units:
        within = sum(
            n_c * n_k * (0.0 if c == k else 1.0)
            for c, n_c in counts.items()
            for k, n_k in counts.items()
            if c != k
        )
        observed += within / (sum(counts.values()) - 1)
    expected = sum(
        n_c * n_k * (0.0 if c == k else 1.0)
        for c, n_c in totals.items()
        for k, n_k in totals.items()
        if c != k
    )
    n = sum(totals.values())
    return 1.0 - (n - 1) * observed / expected


def ref_cohen(a, b):
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        return {
            "value": None,
            "items": 0,
            "reason": REASON_ONE_ANNOTATOR,
            "observed": None,
            "expected": None,
        }
    categories = _sorted({x for x, _ in pairs} | {y for _, y in pairs})
    index = {label: i for i, label in enumerate(categories)}
    matrix = [[0] * len(categories) for _ in categories]
    for x, y in pairs:
        matrix[index[x]][index[y]] += 1
    return cohen_kappa_from_confusion(matrix)


def ref_token_labels(spans, tokens):
    ordered = sorted(
        (as_span(s) for s in spans), key=lambda s: (-(s.end - s.start), s.start, repr(s.label))
    )
    labels = []
    for start, end in tokens:
        label = "O"
        for span in ordered:
            if span.start < end and start < span.end:
                label = span.label
                break
        labels.append(label)
    return labels


def ref_token_agreement(documents, tokens_by_doc):
    doc_ids = [d for d in documents if d in tokens_by_doc]
    annotators = _sorted({name for d in doc_ids for name in documents[d]})
    columns = {name: [] for name in annotators}
    for d in doc_ids:
        tokens = list(tokens_by_doc[d])
        for name in annotators:
            if name in documents[d]:
                columns[name].extend(ref_token_labels(documents[d][name], tokens))
            else:
                columns[name].extend([None] * len(tokens))
    reliability = [columns[name] for name in annotators]
    n_units = len(reliability[0]) if reliability else 0
    units = [[column[u] for column in reliability] for u in range(n_units)]
    pairwise, items = [], 0
    for a, b in combinations(annotators, 2):
        result = ref_cohen(columns[a], columns[b])
        items += result["items"]
        if result["value"] is not None:
            pairwise.append(result["value"])
    return {
        "alpha": ref_alpha(reliability),
        "fleiss": fleiss_kappa_from_labels(units),
        "cohen": sum(pairwise) / len(pairwise) if pairwise else None,
        "cohen_items": items,
        "items": n_units,
    }


def ref_greedy(a, b, score, signature):
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            rank = score(x, y)
            if rank is not None:
                candidates.append((rank, sorted((signature(x), signature(y))), i, j))
    candidates.sort()
    used_a, used_b, matches = set(), set(), []
    for _rank, _pair, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matches.append((i, j))
    return matches


def overlap(x, y):
    return max(0, min(x.end, y.end) - max(x.start, y.start))


def overlaps(x, y):
    return x.start < y.end and y.start < x.end


def ref_span_matches(a, b, mode):
    if mode == "exact":
        by_key = defaultdict(list)
        for y in b:
            by_key[y.key].append(y)
        return [(x, by_key[x.key].pop(0)) for x in a if by_key.get(x.key)]

    def score(x, y):
        if x.label != y.label or not overlaps(x, y):
            return None
        return (-overlap(x, y), abs(x.start - y.start) + abs(x.end - y.end))

    return [(a[i], b[j]) for i, j in ref_greedy(a, b, score, lambda s: s.sort_signature())]


def ref_span_agreement(documents):
    out = {"pairs": {}, "exact": Counter(), "partial": Counter(), "size": Counter()}
    for sets in documents.values():
        for a, b in combinations(_sorted(sets), 2):
            xs = [as_span(s) for s in sets[a]]
            ys = [as_span(s) for s in sets[b]]
            pair = out["pairs"].setdefault((a, b), Counter())
            pair["size"] += len(xs) + len(ys)
            pair["documents"] += 1
            out["size"].update(s.label for s in xs + ys)
            for mode in ("exact", "partial"):
                matches = ref_span_matches(xs, ys, mode)
                pair[mode] += len(matches)
                out[mode].update(x.label for x, _ in matches)
    return out


def ref_stance_agreement(documents):
    def same_entity(x, y):
        return overlaps(x, y) or (x.actor is not None and x.actor == y.actor)

    def score(x, y, with_polarity):
        if not (same_entity(x[0], y[0]) and same_entity(x[1], y[1])):
            return None
        if with_polarity and x[2] != y[2]:
            return None
        total = overlap(x[0], y[0]) + overlap(x[1], y[1])
        distance = sum(
            abs(p.start - q.start) + abs(p.end - q.end) for p, q in ((x[0], y[0]), (x[1], y[1]))
        )
        return (-total, distance)

    def signature(s):
        return (s[0].sort_signature(), s[1].sort_signature(), repr(s[2]))

    pairs, pol_a, pol_b = {}, [], []
    for sets in documents.values():
        for a, b in combinations(_sorted(sets), 2):
            xs = [(as_span(s["holder"]), as_span(s["target"]), s["polarity"]) for s in sets[a]]
            ys = [(as_span(s["holder"]), as_span(s["target"]), s["polarity"]) for s in sets[b]]
            pair = pairs.setdefault((a, b), Counter())
            pair["size"] += len(xs) + len(ys)
            pair["matched"] += len(ref_greedy(xs, ys, lambda x, y: score(x, y, True), signature))
            for i, j in ref_greedy(xs, ys, lambda x, y: score(x, y, False), signature):
                pol_a.append(xs[i][2])
                pol_b.append(ys[j][2])
    return pairs, ref_cohen(pol_a, pol_b)


def ref_actor_links(documents):
    def order(span):
        return (span.actor is None, repr(span.actor))

    items = agreed = 0
    for sets in documents.values():
        for a, b in combinations(_sorted(sets), 2):
            a_by_key, b_by_key = defaultdict(list), defaultdict(list)
            for s in sets[a]:
                a_by_key[as_span(s).key].append(as_span(s))
            for s in sets[b]:
                b_by_key[as_span(s).key].append(as_span(s))
            for key, xs in a_by_key.items():
                ys = sorted(b_by_key.get(key, []), key=order)
                for x, y in zip(sorted(xs, key=order), ys, strict=False):
                    if x.actor is None and y.actor is None:
                        continue
                    items += 1
                    agreed += x.actor == y.actor
    return items, agreed


# -- Random projects ------------------------------------------------------------

LABELS = ["PER", "ORG", "GPE", 7, None]  # 7 and None: sorting falls back to repr


def random_tokens(rng, text_length):
    tokens, position = [], 0
    while True:
        position += rng.randint(0, 2)
        length = rng.randint(1, 6)
        if position + length > text_length:
            break
        tokens.append((position, position + length))
        position += length
    if tokens and rng.random() < 0.1:
        rng.shuffle(tokens)  # unsorted tokens take the slow path
    if tokens and rng.random() < 0.05:
        tokens.append((0, text_length))  # a token overlapping the others
    return tokens


def random_span(rng, text_length, as_dict):
    start = rng.randint(0, text_length)
    roll = rng.random()
    if roll < 0.05:
        end = start  # empty
    elif roll < 0.08:
        end = max(0, start - rng.randint(1, 3))  # inverted
    else:
        end = min(text_length, start + rng.randint(1, 12))
    label = rng.choice(LABELS)
    actor = rng.choice([None, None, None, 1, 2, "x"])
    if as_dict:
        return {"start": start, "end": end, "label": label, "actor": actor, "id": None}
    return (start, end, label, actor) if rng.random() < 0.5 else (start, end, label)


def random_project(rng, with_tuples=True):
    n_annotators = rng.randint(2, 4)
    names = [f"a{k}" for k in range(n_annotators)]
    documents, stances, tokens = {}, {}, {}
    for doc in range(rng.randint(0, 6)):
        text_length = rng.randint(0, 60)
        tokens[doc] = random_tokens(rng, text_length)
        present = [name for name in names if rng.random() < 0.8]
        documents[doc], stances[doc] = {}, {}
        for name in present:
            as_dict = not with_tuples or rng.random() < 0.5
            spans = [random_span(rng, text_length, as_dict) for _ in range(rng.randint(0, 8))]
            if spans and rng.random() < 0.3:
                spans.append(rng.choice(spans))  # an exact duplicate
            documents[doc][name] = spans
            stances[doc][name] = [
                {
                    "holder": random_span(rng, text_length, True),
                    "target": random_span(rng, text_length, True),
                    "polarity": rng.choice(["SUPPORT", "OPPOSE"]),
                }
                for _ in range(rng.randint(0, 4))
            ]
    if rng.random() < 0.2:
        tokens.pop(0, None)  # a document without tokens is left out
    return documents, stances, tokens


SEEDS = range(400)


@pytest.mark.parametrize("seed", SEEDS)
def test_token_agreement_matches_reference(seed):
    rng = random.Random(seed)
    documents, _stances, tokens = random_project(rng)
    got = token_agreement(documents, tokens)
    want = ref_token_agreement(documents, tokens)
    same(got["krippendorff_alpha"]["value"], want["alpha"])
    same(got["fleiss_kappa"], want["fleiss"])
    same(got["cohen_kappa"]["value"], want["cohen"])
    assert got["cohen_kappa"]["items"] == want["cohen_items"]
    assert got["items"] == want["items"]
    for doc, sets in documents.items():
        for spans in sets.values():
            if doc in tokens:
                assert token_labels(spans, tokens[doc]) == ref_token_labels(spans, tokens[doc])


@pytest.mark.parametrize("seed", SEEDS)
def test_span_agreement_matches_reference(seed):
    rng = random.Random(seed)
    documents, _stances, _tokens = random_project(rng)
    got = span_agreement(documents)
    want = ref_span_agreement(documents)
    assert [(p["a"], p["b"]) for p in got["pairs"]] == _sorted(want["pairs"])
    for pair in got["pairs"]:
        counts = want["pairs"][(pair["a"], pair["b"])]
        assert pair["f1_exact"]["matched"] == counts["exact"]
        assert pair["f1_partial"]["matched"] == counts["partial"]
        assert pair["f1_exact"]["items"] == counts["size"]
        assert pair["documents"] == counts["documents"]
    for label, result in got["per_label"].items():
        assert result["f1_exact"]["matched"] == want["exact"][label]
        assert result["f1_partial"]["matched"] == want["partial"][label]
        assert result["f1_exact"]["items"] == want["size"][label]
    for sets in documents.values():
        for a, b in combinations(_sorted(sets), 2):
            for mode in ("exact", "partial"):
                xs = [as_span(s) for s in sets[a]]
                ys = [as_span(s) for s in sets[b]]
                matched = len(ref_span_matches(xs, ys, mode))
                assert span_f1(sets[a], sets[b], mode)["matched"] == matched
                assert span_f1(sets[b], sets[a], mode)["matched"] == matched


@pytest.mark.parametrize("seed", SEEDS)
def test_stance_and_actor_agreement_match_reference(seed):
    rng = random.Random(seed)
    documents, stances, _tokens = random_project(rng, with_tuples=False)
    got = stance_agreement(stances)
    pairs, kappa = ref_stance_agreement(stances)
    assert [(p["a"], p["b"]) for p in got["pairs"]] == _sorted(pairs)
    for pair in got["pairs"]:
        assert pair["f1"]["matched"] == pairs[(pair["a"], pair["b"])]["matched"]
        assert pair["f1"]["items"] == pairs[(pair["a"], pair["b"])]["size"]
    if pairs:
        assert got["polarity_kappa"]["items"] == kappa["items"]
        same(got["polarity_kappa"]["value"], kappa["value"])
        if kappa["items"] == 0:
            assert got["polarity_kappa"]["reason"] == REASON_NO_MATCHED_STANCES
    else:
        assert got["polarity_kappa"]["reason"] == REASON_NO_SHARED_DOCUMENT

    links = actor_link_agreement(documents)
    items, agreed = ref_actor_links(documents)
    assert (links["items"], links["agreed"]) == (items, agreed)
    if items:
        assert links["value"] == agreed / items


@pytest.mark.parametrize("seed", range(100))
def test_coefficients_match_reference(seed):
    rng = random.Random(seed)
    coders, units = rng.randint(1, 5), rng.randint(0, 30)
    values = [None, "a", "b", "c", 1] if seed % 2 else [None, 1, 2]
    data = [[rng.choice(values) for _ in range(units)] for _ in range(coders)]
    same(krippendorff_alpha(data)["value"], ref_alpha(data))
    if coders >= 2:
        same(cohen_kappa(data[0], data[1]), ref_cohen(data[0], data[1]))


def test_bench_like_project_is_identical_to_the_reference():
    """3 annotators, 20 short spans each over plain text, as bench/review_bench.py builds."""
    rng = random.Random(7)
    words = ["the", "minister", "said", "government", "talks", "Moscow", "Caracas"]
    text = " ".join(rng.choice(words) for _ in range(120))
    starts = [i + 1 for i, ch in enumerate(text) if ch == " "][:60]
    tokens = {doc: token_offsets(text) for doc in range(30)}
    documents = {
        doc: {
            who: [
                {"start": s, "end": s + 3, "label": rng.choice(LABELS[:3]), "actor": None}
                for s in sorted(rng.sample(starts, 20))
            ]
            for who in ("u0", "u1", "u2")
        }
        for doc in range(30)
    }
    got = token_agreement(documents, tokens)
    want = ref_token_agreement(documents, tokens)
    assert got["krippendorff_alpha"]["value"] == want["alpha"]
    assert got["fleiss_kappa"] == want["fleiss"] or not EXACT
    assert got["cohen_kappa"]["value"] == want["cohen"]


# -- The tokenizer's fast path ----------------------------------------------------

PIECES = [
    "a", "Z", "No", "Mr", "U", "S", "e", "g", "v", "s", "10", "1", "word", "Moscow", "etc",
    "Inc", "St", "Dec", "A", "'s", "Ab.", 'ab,"', " ", " ", "  ", "\n", "\t", "\r", "\x0b",
    "\xa0", ".", ",", ";", ":", "!", "?", ")", "]", "[", '"', "'", "\u2019", "-", "\u2013", "(",
    "é", "e\u0301", "\u0301", "\u200d", "\u200b", "\ufe0f", "\u20e3", "\U0001f600",
    "\U0001f1fb", "\U0001f1ea", "\U0001f3fb", "\u05d0", "\u05f4", "\u0661", "\u066b", "#",
    "*", "$", "\x00", "\u2028", "…",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(20))
def test_token_offsets_match_the_full_scan(seed):
    rng = random.Random(seed)
    for _ in range(500):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
        full = reference._Scanner(text).tokens()  # every character scanned, the old way
        assert token_offsets(text) == [(t.start, t.end) for t in full], repr(text)
        assert tokenize(text) == full


def test_prediction_agreement_counts_rejections_against_the_source():
    """Issue 12.13: a suggestion an annotator rejected (stored with their set)
    counts against its source; one left alone does not count."""
    moscow = {"start": 0, "end": 6, "label": "GPE"}
    caracas = {"start": 10, "end": 17, "label": "GPE"}
    predictions = {1: {"matcher": [moscow, caracas]}}
    sets = {
        1: {
            "ana": {"spans": [moscow], "rejected_predictions": [{"source": "matcher", **caracas}]},
            "ben": {"spans": [], "rejected_predictions": []},
            # A rejection of another source's span says nothing about this one.
            "cai": {"spans": [], "rejected_predictions": [{"source": "model", **caracas}]},
        }
    }
    [matcher] = agreement.prediction_agreement(predictions, sets)["sources"]
    assert (matcher["accepted"], matcher["rejected"], matcher["unreviewed"]) == (1, 1, 4)
    assert matcher["acceptance"]["value"] == 0.5 and matcher["acceptance"]["items"] == 2
    untouched = agreement.prediction_agreement(predictions, {1: {"ben": sets[1]["ben"]}})
    assert untouched["sources"][0]["acceptance"]["value"] is None
    assert agreement.prediction_agreement({}, sets) == {"sources": []}
