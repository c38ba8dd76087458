"""Tests for apps.review.agreement.

T1-T9 are published reference values for these measures; the
"reference" tests compare with numbers computed by the reference packages in a
separate virtualenv (krippendorff 0.9.0, scikit-learn 1.9.1, statsmodels
0.15.0) and hard-coded here.
"""

import random

import pytest

from apps.review.agreement import (
    REASON_NO_SPANS,
    REASON_ONE_CATEGORY,
    actor_link_agreement,
    bootstrap_interval,
    cohen_kappa,
    cohen_kappa_from_confusion,
    disagreement_score,
    fleiss_kappa,
    fleiss_kappa_from_labels,
    krippendorff_alpha,
    span_agreement,
    span_f1,
    stance_agreement,
    token_agreement,
    token_labels,
)

_ = None  # a missing value (a coder who gave none)


def approx(value, tol=1e-3):
    return pytest.approx(value, abs=tol)


def confusion_to_labels(matrix):
    """Expand a confusion matrix into two raters' label lists (rows: a, columns: b)."""
    a, b = [], []
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            a.extend([i] * count)
            b.extend([j] * count)
    return a, b


def assert_undefined(result):
    assert result["value"] is None
    assert isinstance(result["reason"], str) and result["reason"]


# -- Published vectors --------------------------------------------------------

T1 = [
    [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
    [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
    [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
]


def test_t1_krippendorff_nominal_and_interval():
    nominal = krippendorff_alpha(T1, level="nominal")
    assert nominal["value"] == approx(0.691358, tol=1e-6)
    assert krippendorff_alpha(T1, level="interval")["value"] == approx(0.810845, tol=1e-6)
    # Units 1, 2 and 14 have fewer than two values and are skipped.
    assert nominal["items"] == 12
    assert nominal["pairable_values"] == 26


def test_t2_krippendorff_2011():
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
        [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ]
    result = krippendorff_alpha(data, level="nominal")
    assert result["value"] == approx(0.743)
    assert result["items"] == 11  # the last unit has a single value


def test_t3_fleiss_wikipedia():
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    result = fleiss_kappa(table)
    assert result["value"] == approx(0.2099, tol=1e-4)
    assert result["observed"] == approx(0.3780, tol=1e-4)
    assert result["expected"] == approx(0.2128, tol=1e-4)
    assert result["items"] == 10
    assert result["raters"] == 14


def test_t5_cohen_2x2():
    result = cohen_kappa_from_confusion([[20, 5], [10, 15]])
    assert result["value"] == approx(0.40)
    assert result["observed"] == approx(0.70)
    assert result["expected"] == approx(0.50)
    assert result["items"] == 50
    # The same from label lists.
    assert cohen_kappa(*confusion_to_labels([[20, 5], [10, 15]]))["value"] == approx(0.40)


def test_t6_cohen_3x3_sas():
    result = cohen_kappa_from_confusion([[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    assert result["value"] == approx(0.4842, tol=1e-4)
    assert cohen_kappa(*confusion_to_labels([[0, 4, 1], [0, 8, 0], [0, 1, 5]]))["value"] == approx(
        0.4842, tol=1e-4
    )


def test_t7_kappa_paradox():
    matrix = [[90, 5], [5, 0]]
    result = cohen_kappa_from_confusion(matrix)
    assert result["observed"] == approx(0.90)
    assert result["value"] == approx(-0.0526, tol=1e-4)
    a, b = confusion_to_labels(matrix)
    assert krippendorff_alpha([a, b], level="nominal")["value"] == approx(-0.0474, tol=1e-4)


def test_t8_span_f1_exact_and_partial():
    a = [(0, 6, "ORG"), (10, 20, "PER"), (25, 30, "GPE")]
    b = [(0, 6, "ORG"), (10, 18, "PER"), (40, 45, "GPE")]
    exact = span_f1(a, b, mode="exact")
    partial = span_f1(a, b, mode="partial")
    assert exact["value"] == approx(0.333)
    assert partial["value"] == approx(0.667)
    assert exact["matched"] == 1
    assert partial["matched"] == 2
    assert exact["items"] == partial["items"] == 6


def test_t9_all_values_the_same_is_undefined():
    data = [[1, 1], [1, 1]]
    alpha = krippendorff_alpha(data, level="nominal")
    assert_undefined(alpha)
    assert alpha["reason"] == REASON_ONE_CATEGORY
    assert_undefined(krippendorff_alpha(data, level="interval"))
    assert_undefined(cohen_kappa(data[0], data[1]))
    assert_undefined(fleiss_kappa([[2], [2]]))
    assert_undefined(fleiss_kappa([[2, 0], [2, 0]]))
    assert_undefined(fleiss_kappa_from_labels([[1, 1], [1, 1]]))
    assert_undefined(cohen_kappa_from_confusion([[2, 0], [0, 0]]))


# -- Cross-checks against the reference implementations ---------------------

K1 = [
    [1, 2, 2, _, 3, 1, 1, _, 2, 3, 3, 1],
    [1, 2, 3, 3, 3, _, 1, 2, 2, 3, _, 1],
    [_, 2, 2, 3, 1, 1, 1, 2, _, 3, 3, 2],
    [1, _, 2, 3, 3, 1, 2, 2, 2, _, 3, 1],
]


def test_reference_krippendorff_nominal_with_missing_data():
    # krippendorff 0.9.0: alpha(K1 with nan, level_of_measurement="nominal")
    assert krippendorff_alpha(K1, level="nominal")["value"] == approx(0.7073170731707317, 1e-9)
    # krippendorff 0.9.0: alpha(K1 with nan, level_of_measurement="interval")
    assert krippendorff_alpha(K1, level="interval")["value"] == approx(0.7375, 1e-9)


def test_reference_krippendorff_nominal_binary_with_labels():
    k2 = [
        [0, 0, 1, _, 1, 0, 0, 1, 1, _],
        [0, 1, 1, 1, _, 0, 0, 1, _, 0],
        [_, 0, 1, 1, 1, 1, _, 1, 0, 0],
    ]
    # krippendorff 0.9.0: alpha(k2 with nan, level_of_measurement="nominal")
    expected = 0.5174825174825175
    assert krippendorff_alpha(k2, level="nominal")["value"] == approx(expected, 1e-9)
    # Nominal alpha does not care whether the categories are numbers or labels.
    names = {0: "no", 1: "yes"}
    labelled = [[None if v is None else names[v] for v in coder] for coder in k2]
    assert krippendorff_alpha(labelled, level="nominal")["value"] == approx(expected, 1e-9)


def test_reference_sklearn_cohen_on_entity_labels():
    a = ["PER", "ORG", "O", "O", "GPE", "PER", "O", "ORG", "O", "PER", "GPE", "O"]
    b = ["PER", "PER", "O", "O", "GPE", "ORG", "O", "ORG", "GPE", "PER", "O", "O"]
    # scikit-learn 1.9.1: cohen_kappa_score(a, b)
    assert cohen_kappa(a, b)["value"] == approx(0.5294117647058824, 1e-9)


def test_reference_sklearn_cohen_on_polarities_with_missing_pairs():
    a = ["pos", "neg", "neu", "pos", "pos", "neg", "neu", "neu", "pos", "neg"]
    b = ["pos", "neg", "pos", "pos", "neu", "neg", "neu", "neg", "pos", "neg"]
    # scikit-learn 1.9.1: cohen_kappa_score(a, b)
    expected = 0.5454545454545454
    assert cohen_kappa(a, b)["value"] == approx(expected, 1e-9)
    # Pairs with a missing label are skipped, not counted as disagreement.
    result = cohen_kappa([*a, None, "pos"], [*b, "neg", None])
    assert result["value"] == approx(expected, 1e-9)
    assert result["items"] == 10


def test_reference_statsmodels_fleiss_on_table():
    table = [[3, 0, 0], [1, 2, 0], [0, 3, 0], [0, 1, 2], [2, 0, 1], [0, 0, 3], [1, 1, 1], [3, 0, 0]]
    # statsmodels 0.15.0: fleiss_kappa(np.array(table), method="fleiss")
    assert fleiss_kappa(table)["value"] == approx(0.4285714285714285, 1e-9)


def test_reference_statsmodels_fleiss_from_labels_drops_incomplete_units():
    units = [
        ["A", "A", "B"],
        ["B", "B", "B"],
        ["A", "C", "C"],
        ["C", "C", "C"],
        ["A", "A", "A"],
        ["B", "C", "B"],
        ["A", "B", "C"],
    ]
    # statsmodels 0.15.0: fleiss_kappa(aggregate_raters(units as codes)[0], method="fleiss")
    expected = 0.3571428571428571
    result = fleiss_kappa_from_labels(units)
    assert result["value"] == approx(expected, 1e-9)
    assert result["dropped"] == 0
    # Units rated by two of the three raters are dropped and reported.
    result = fleiss_kappa_from_labels([*units, ["A", None, "B"], [None, None, "C"]])
    assert result["value"] == approx(expected, 1e-9)
    assert result["items"] == 7
    assert result["dropped"] == 2


def test_fleiss_table_with_unequal_raters_raises():
    with pytest.raises(ValueError, match="same number of raters"):
        fleiss_kappa([[2, 1], [1, 1]])


# -- Spans -------------------------------------------------------------------


def test_span_f1_is_symmetric():
    a = [(0, 10, "PER"), (12, 20, "PER"), (30, 40, "ORG"), (30, 35, "ORG"), (50, 60, "GPE")]
    b = [(5, 15, "PER"), (31, 39, "ORG"), (33, 45, "ORG"), (50, 60, "GPE"), (70, 80, "GPE")]
    for mode in ("exact", "partial"):
        ab, ba = span_f1(a, b, mode=mode), span_f1(b, a, mode=mode)
        assert ab["value"] == ba["value"]
        assert ab["matched"] == ba["matched"]
        assert ab["precision"] == ba["recall"]
    assert span_f1(a, b, mode="partial")["matched"] == 4


def test_span_f1_partial_symmetric_on_random_spans():
    # The greedy tie-break must not depend on which side is "a", duplicates included.
    rng = random.Random(1)

    def random_span():
        start = rng.randrange(0, 40)
        return (start, start + rng.randrange(1, 12), rng.choice("AB"))

    for _ in range(500):
        a = [random_span() for _ in range(rng.randrange(0, 7))]
        b = [random_span() for _ in range(rng.randrange(0, 7))] + a[:2]
        assert span_f1(a, b, mode="partial") == {
            **span_f1(b, a, mode="partial"),
            "precision": span_f1(a, b, mode="partial")["precision"],
            "recall": span_f1(a, b, mode="partial")["recall"],
        }


def test_span_f1_partial_matching_is_one_to_one():
    long = [(0, 20, "ORG")]
    short = [(0, 8, "ORG"), (10, 20, "ORG")]
    result = span_f1(long, short, mode="partial")
    assert result["matched"] == 1
    assert result["value"] == approx(2 * 1 / 3)
    assert span_f1(short, long, mode="partial")["value"] == result["value"]


def test_span_f1_partial_needs_same_label():
    assert span_f1([(0, 5, "PER")], [(0, 5, "ORG")], mode="partial")["value"] == 0.0


def test_span_f1_accepts_dicts_and_handles_empty_sides():
    a = [{"start": 0, "end": 6, "label": "ORG", "actor": 3, "id": "s1"}]
    assert span_f1(a, [(0, 6, "ORG")])["value"] == 1.0
    one_sided = span_f1(a, [])
    assert one_sided["value"] == 0.0
    assert one_sided["items"] == 1
    empty = span_f1([], [])
    assert_undefined(empty)
    assert empty["reason"] == REASON_NO_SPANS


SPAN_DOCS = {
    "d1": {
        "ana": [(0, 6, "ORG"), (10, 20, "PER")],
        "ben": [(0, 6, "ORG"), (10, 18, "PER")],
        "cy": [(0, 6, "ORG")],
    },
    "d2": {
        "ana": [(0, 5, "GPE")],
        "ben": [(0, 5, "GPE"), (7, 9, "PER")],
    },
    "d3": {"ana": [(3, 4, "PER")]},  # one annotator: in no pair
}


def test_span_agreement_pairs_are_micro_averaged_over_documents():
    report = span_agreement(SPAN_DOCS)
    assert [(p["a"], p["b"]) for p in report["pairs"]] == [
        ("ana", "ben"),
        ("ana", "cy"),
        ("ben", "cy"),
    ]
    ana_ben = report["pairs"][0]
    assert ana_ben["documents"] == 2
    # d1: 1 exact of 2+2, d2: 1 exact of 1+2 -> 2 * 2 / 7 (not the mean of 0.5 and 0.667).
    assert ana_ben["f1_exact"]["value"] == approx(4 / 7, 1e-9)
    assert ana_ben["f1_exact"]["items"] == 7
    assert ana_ben["f1_partial"]["value"] == approx(6 / 7, 1e-9)
    assert report["pairs"][1]["f1_exact"]["value"] == approx(2 / 3, 1e-9)
    assert report["pairs"][1]["documents"] == 1


def test_span_agreement_overall_and_per_label_micro():
    report = span_agreement(SPAN_DOCS)
    # Pairs: ana-ben 2 exact / 7, ana-cy 1 / 3, ben-cy 1 / 3.
    assert report["f1_exact"]["value"] == approx(2 * 4 / 13, 1e-9)
    assert report["f1_exact"]["items"] == 13
    assert report["f1_partial"]["value"] == approx(2 * 5 / 13, 1e-9)
    per_label = report["per_label"]
    assert list(per_label) == ["GPE", "ORG", "PER"]
    # ORG: matched in all three pairs, 2 spans each pair.
    assert per_label["ORG"]["f1_exact"]["value"] == 1.0
    assert per_label["ORG"]["support"] == 3
    # PER: ana-ben d1 (1+1, partial match only), ben d2 (1): 0 exact, 1 partial of 5 spans
    # (ana-cy and ben-cy add one PER each from d1).
    assert per_label["PER"]["f1_exact"]["value"] == 0.0
    assert per_label["PER"]["f1_partial"]["value"] == approx(2 * 1 / 5, 1e-9)
    assert per_label["PER"]["support"] == 3  # d3 has a single annotator
    assert per_label["GPE"]["f1_exact"]["value"] == 1.0


def test_span_agreement_with_one_annotator_is_undefined():
    report = span_agreement({"d1": {"ana": [(0, 5, "PER")]}})
    assert_undefined(report["f1_exact"])
    assert_undefined(report["f1_partial"])
    assert report["pairs"] == []


# -- Tokens ------------------------------------------------------------------

# "Putin met Maduro in Caracas"
TOKENS = [(0, 5), (6, 9), (10, 16), (17, 19), (20, 27)]


def test_token_labels_longest_covering_span_wins():
    spans = [(0, 5, "PER"), (0, 16, "ORG"), (20, 27, "GPE"), (20, 27, "LOC")]
    # ORG (longest) covers Putin, met, Maduro; GPE and LOC tie on length and
    # start, so the label name decides.
    assert token_labels(spans, TOKENS) == ["ORG", "ORG", "ORG", "O", "GPE"]
    # A span ending inside a token still labels it.
    assert token_labels([(10, 13, "PER")], TOKENS) == ["O", "O", "PER", "O", "O"]


def test_token_agreement_hand_example():
    documents = {
        "d1": {
            "ana": [(0, 5, "PER"), (10, 16, "PER"), (20, 27, "GPE")],
            "ben": [(0, 5, "PER"), (10, 16, "PER")],
        },
        # Only ana annotated d2: its tokens have one value each.
        "d2": {"ana": [(0, 3, "ORG")]},
    }
    tokens = {"d1": TOKENS, "d2": [(0, 3), (4, 8)]}
    # d1 tokens: ana = PER O PER O GPE, ben = PER O PER O O.
    # Cohen: po = 4/5 = 0.8; marginals ana PER 2, O 2, GPE 1; ben PER 2, O 3;
    #   pe = (2*2 + 2*3 + 1*0) / 25 = 0.4; kappa = (0.8 - 0.4) / 0.6 = 2/3.
    # Fleiss (2 raters): P-bar = 4/5 = 0.8; p = PER 4/10, O 5/10, GPE 1/10;
    #   P-bar-e = 0.16 + 0.25 + 0.01 = 0.42; kappa = 0.38 / 0.58 = 0.655172.
    # Alpha (nominal): n = 10, n_PER = 4, n_O = 5, n_GPE = 1; one unit disagrees,
    #   D_o numerator = 2 / (2 - 1) = 2; D_e numerator = 100 - (16 + 25 + 1) = 58;
    #   alpha = 1 - 9 * 2 / 58 = 40/58 = 0.689655.
    # d2's two tokens (one annotator) are skipped by alpha and dropped by Fleiss.
    result = token_agreement(documents, tokens)
    assert result["items"] == 7
    assert result["cohen_kappa"]["value"] == approx(2 / 3, 1e-9)
    assert result["cohen_kappa"]["pairs"] == 1
    assert result["cohen_kappa"]["items"] == 5
    assert result["fleiss_kappa"]["value"] == approx(0.38 / 0.58, 1e-9)
    assert result["fleiss_kappa"]["dropped"] == 2
    assert result["fleiss_kappa"]["items"] == 5
    assert result["krippendorff_alpha"]["value"] == approx(40 / 58, 1e-9)
    assert result["krippendorff_alpha"]["items"] == 5


def test_token_agreement_one_annotator_and_one_category_are_undefined():
    tokens = {"d1": TOKENS}
    alone = token_agreement({"d1": {"ana": [(0, 5, "PER")]}}, tokens)
    for key in ("krippendorff_alpha", "fleiss_kappa", "cohen_kappa"):
        assert_undefined(alone[key])
    # Nobody marked anything: every token is "O".
    all_outside = token_agreement({"d1": {"ana": [], "ben": []}}, tokens)
    for key in ("krippendorff_alpha", "fleiss_kappa", "cohen_kappa"):
        assert_undefined(all_outside[key])
        assert all_outside[key]["reason"] == REASON_ONE_CATEGORY


# -- Stances -----------------------------------------------------------------


def span(start, end, label="PER", actor=None):
    return {"start": start, "end": end, "label": label, "actor": actor}


def test_stance_matching_by_overlap_and_by_actor():
    ana = [
        {"holder": span(0, 5), "target": span(10, 16), "polarity": "SUPPORT"},
        {"holder": span(20, 27, "GPE", actor=7), "target": span(40, 50), "polarity": "OPPOSE"},
    ]
    ben = [
        # Holder and target overlap ana's first stance.
        {"holder": span(0, 6), "target": span(10, 14), "polarity": "SUPPORT"},
        # Holder elsewhere in the text but linked to the same actor.
        {"holder": span(60, 70, "ORG", actor=7), "target": span(42, 48), "polarity": "OPPOSE"},
    ]
    report = stance_agreement({"d1": {"ana": ana, "ben": ben}})
    assert report["f1"]["value"] == 1.0
    assert report["f1"]["items"] == 4
    assert report["pairs"] == [
        {"a": "ana", "b": "ben", "f1": report["f1"], "documents": 1},
    ]


def test_stance_polarity_must_match_for_f1_but_kappa_counts_it():
    documents = {
        "d1": {
            "ana": [
                {"holder": span(0, 5), "target": span(10, 16), "polarity": "SUPPORT"},
                {"holder": span(20, 25), "target": span(30, 36), "polarity": "OPPOSE"},
                {"holder": span(40, 45), "target": span(50, 56), "polarity": "SUPPORT"},
            ],
            "ben": [
                {"holder": span(0, 5), "target": span(10, 16), "polarity": "SUPPORT"},
                {"holder": span(20, 25), "target": span(30, 36), "polarity": "OPPOSE"},
                {"holder": span(40, 45), "target": span(50, 56), "polarity": "OPPOSE"},
                # No counterpart: neither holder nor actor matches.
                {"holder": span(80, 85), "target": span(90, 96), "polarity": "OPPOSE"},
            ],
        }
    }
    report = stance_agreement(documents)
    assert report["f1"]["matched"] == 2
    assert report["f1"]["value"] == approx(2 * 2 / 7, 1e-9)
    kappa = report["polarity_kappa"]
    # Matched on holder and target: (S,S), (O,O), (S,O).
    # po = 2/3; ana S 2, O 1; ben S 1, O 2; pe = (2*1 + 1*2) / 9 = 4/9;
    # kappa = (2/3 - 4/9) / (5/9) = 0.4.
    assert kappa["items"] == 3
    assert kappa["value"] == approx(0.4, 1e-9)


def test_stance_agreement_undefined_cases():
    one = stance_agreement({"d1": {"ana": []}})
    assert_undefined(one["f1"])
    assert_undefined(one["polarity_kappa"])
    empty = stance_agreement({"d1": {"ana": [], "ben": []}})
    assert_undefined(empty["f1"])
    assert_undefined(empty["polarity_kappa"])


# -- Actor links -------------------------------------------------------------


def test_actor_link_agreement():
    documents = {
        "d1": {
            "ana": [span(0, 5, actor=1), span(10, 16, actor=2), span(20, 27, "GPE", actor=3)],
            "ben": [span(0, 5, actor=1), span(10, 16, actor=4), span(20, 27, "GPE")],
            # cy has the same spans but no links; (30, 40) has no exact match.
            "cy": [span(0, 5), span(30, 40, actor=9)],
        }
    }
    result = actor_link_agreement(documents)
    # ana-ben: 1 same, 2 different (4 vs 2, 3 vs none); ana-cy: (0,5) 1 vs none;
    # ben-cy: (0,5) 1 vs none.  Pairs where neither linked are not counted.
    assert result["items"] == 5
    assert result["value"] == approx(1 / 5, 1e-9)


def test_actor_link_agreement_undefined_cases():
    assert_undefined(actor_link_agreement({"d1": {"ana": [span(0, 5, actor=1)]}}))
    unlinked = actor_link_agreement({"d1": {"ana": [span(0, 5)], "ben": [span(0, 5)]}})
    assert_undefined(unlinked)
    assert unlinked["items"] == 0


# -- Bootstrap ---------------------------------------------------------------


def _bootstrap_documents():
    documents = {}
    for i in range(30):
        ana = [(0, 5, "PER"), (10, 16, "ORG"), (20, 27, "GPE")]
        # Every third document ben misses one span and shifts another.
        if i % 3 == 0:
            ben = [(0, 5, "PER"), (10, 15, "ORG")]
        elif i % 5 == 0:
            ben = [(0, 5, "PER"), (10, 16, "ORG"), (20, 27, "LOC")]
        else:
            ben = list(ana)
        documents[f"doc-{i:02d}"] = {"ana": ana, "ben": ben}
    return documents


def _exact_f1(documents):
    return span_agreement(documents)["f1_exact"]


def test_bootstrap_is_deterministic_and_contains_the_estimate():
    documents = _bootstrap_documents()
    first = bootstrap_interval(documents, _exact_f1, iterations=200, seed=13)
    again = bootstrap_interval(documents, _exact_f1, iterations=200, seed=13)
    assert first == again
    assert first["iterations"] == 200
    assert first["seed"] == 13
    assert first["confidence"] == 0.95
    estimate = _exact_f1(documents)["value"]
    assert first["low"] <= estimate <= first["high"]
    assert first["low"] < first["high"]
    other = bootstrap_interval(documents, _exact_f1, iterations=200, seed=14)
    assert (other["low"], other["high"]) != (first["low"], first["high"])


def test_bootstrap_ignores_undefined_values():
    result = bootstrap_interval(
        {"d1": {"ana": []}}, lambda docs: span_agreement(docs)["f1_exact"], iterations=10
    )
    assert result["low"] is None and result["high"] is None


# -- Review queue ------------------------------------------------------------


def test_disagreement_score():
    spans = [
        {"id": "s1", "start": 4, "end": 10, "label": "GPE", "actor": 2},
        {"id": "s2", "start": 60, "end": 74, "label": "GPE", "actor": 5},
    ]
    stances = [{"id": "t1", "holder": "s1", "target": "s2", "polarity": "SUPPORT"}]
    same = {"spans": spans, "stances": stances}
    assert disagreement_score({"ana": same, "ben": same, "cy": same}) == 0.0
    assert disagreement_score({"ana": {"spans": []}, "ben": {"spans": []}}) == 0.0

    other_polarity = {
        "spans": spans,
        "stances": [{"holder": spans[0], "target": spans[1], "polarity": "OPPOSE"}],
    }
    score = disagreement_score({"ana": same, "ben": other_polarity})
    # 2 spans match, the stances do not: 1 - 2 * 2 / 6.
    assert score == approx(1 - 4 / 6, 1e-9)
    assert score > 0
    assert disagreement_score({"ana": same, "ben": {"spans": [], "stances": []}}) == 1.0
    assert disagreement_score({"ana": same}) is None


def test_bootstrap_of_one_document_gives_no_interval_and_says_why():
    spans = [{"id": "s1", "start": 0, "end": 6, "label": "GPE", "actor": None}]
    result = bootstrap_interval(
        {"d1": {"ana": spans, "ben": spans}},
        lambda docs: span_agreement(docs)["f1_exact"],
        iterations=10,
    )
    assert (result["low"], result["high"]) == (None, None)
    assert "one document" in result["reason"]
