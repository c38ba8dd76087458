"""Agreement on document categories (nominal and MASI-weighted alpha, Cohen's
and Fleiss' kappa) and on stances on concepts (F1, polarity kappa), against
values computed by hand; and the disagreement score counting both."""

import pytest

from apps.review import agreement
from apps.review.agreement import (
    alpha_with_distance,
    category_agreement,
    concept_stance_agreement,
    disagreement_score,
    masi_distance,
)

GROUPS = {
    "LAW": ("FRAME", False),
    "CONFLICT": ("FRAME", False),
    "OIL": ("TOPIC", True),
    "ARMS": ("TOPIC", True),
}


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        (set(), set(), 0.0),
        ({"x"}, {"x"}, 0.0),
        ({"x", "y"}, {"x"}, 1 - 1 / 2 * 2 / 3),  # subset: J = 1/2, M = 2/3
        ({"x", "y"}, {"y", "z"}, 1 - 1 / 3 * 1 / 3),  # overlap: J = 1/3, M = 1/3
        ({"x"}, {"y"}, 1.0),  # disjoint
        (set(), {"y"}, 1.0),
    ],
)
def test_masi_distance(a, b, distance):
    assert masi_distance(a, b) == pytest.approx(distance)
    assert masi_distance(b, a) == pytest.approx(distance)


def test_masi_alpha_by_hand():
    """{x}/{x}, {x,y}/{x}, {y}/{x}: n = 6, values {x}×4, {x,y}, {y}.
    Observed: 2·(2/3) + 2·1 = 10/3; expected: 2·(4·2/3 + 4·1 + 2/3) = 44/3;
    alpha = 1 - 5 · (10/3) / (44/3) = -6/44, as NLTK gives (-0.136363…)."""
    units = [
        [frozenset("x"), frozenset("x")],
        [frozenset("xy"), frozenset("x")],
        [frozenset("y"), frozenset("x")],
    ]
    result = alpha_with_distance(units, masi_distance)
    assert result["value"] == pytest.approx(-6 / 44)
    assert (result["items"], result["pairable_values"]) == (3, 6)


def test_alpha_with_the_nominal_distance_is_krippendorffs_nominal_alpha():
    coders = [["a", "a", "b", None, "c"], ["a", "b", "b", "c", "c"], [None, "a", "b", "c", None]]
    units = [list(unit) for unit in zip(*coders, strict=True)]
    ours = alpha_with_distance(units, lambda x, y: float(x != y))
    assert ours["value"] == pytest.approx(agreement.krippendorff_alpha(coders)["value"])


def test_single_choice_group_counts_no_category_as_a_value():
    """FRAME: LAW/LAW, LAW/CONFLICT, none/none. Values LAW×3, CONFLICT, none×2:
    alpha = 1 - 5 · 2 / (36 - 9 - 1 - 4) = 12/22; Cohen: po = 2/3, pe = 1/3,
    kappa = 1/2."""
    documents = {
        1: {"ana": ["LAW", "OIL"], "ben": ["LAW"]},
        2: {"ana": ["LAW"], "ben": ["CONFLICT"]},
        3: {"ana": [], "ben": ["OIL"]},
    }
    frame = category_agreement(documents, GROUPS)["FRAME"]
    assert (frame["multiple"], frame["documents"]) == (False, 3)
    assert frame["alpha"]["value"] == pytest.approx(12 / 22)
    assert frame["alpha"]["distance"] == "nominal"
    assert frame["kappa"]["measure"] == "cohen"
    assert frame["kappa"]["value"] == pytest.approx(0.5)
    assert frame["kappa"]["items"] == 3


def test_multi_choice_group_uses_masi():
    """TOPIC: {OIL}/{OIL}, {OIL,ARMS}/{OIL}, {ARMS}/{OIL}: the MASI example
    above, so alpha = -6/44; kappa compares the sets whole: po = 1/3,
    A: {OIL}, {ARMS,OIL}, {ARMS}; B: {OIL}×3; pe = 1/3: kappa = 0."""
    documents = {
        1: {"ana": ["OIL"], "ben": ["OIL", "LAW"]},
        2: {"ana": ["OIL", "ARMS"], "ben": ["OIL"]},
        3: {"ana": ["ARMS"], "ben": ["OIL"]},
    }
    topic = category_agreement(documents, GROUPS)["TOPIC"]
    assert topic["alpha"]["distance"] == "masi"
    assert topic["alpha"]["value"] == pytest.approx(-6 / 44)
    assert topic["kappa"]["value"] == pytest.approx(0.0)


def test_three_annotators_get_fleiss_kappa():
    documents = {
        1: {"a": ["LAW"], "b": ["LAW"], "c": ["CONFLICT"]},
        2: {"a": ["CONFLICT"], "b": ["CONFLICT"], "c": ["CONFLICT"]},
        3: {"a": [], "b": ["LAW"], "c": ["LAW"]},
    }
    kappa = category_agreement(documents, GROUPS)["FRAME"]["kappa"]
    expected = agreement.fleiss_kappa([[2, 1, 0], [0, 3, 0], [2, 0, 1]])
    assert kappa["measure"] == "fleiss"
    assert kappa["value"] == pytest.approx(expected["value"])


def test_category_measures_are_null_with_a_reason_when_undefined():
    alone = category_agreement({1: {"ana": ["LAW"]}}, GROUPS)["FRAME"]
    assert alone["alpha"]["value"] is None and alone["kappa"]["value"] is None
    assert alone["alpha"]["reason"] == agreement.REASON_NO_SHARED_DOCUMENT
    same = category_agreement({1: {"a": ["LAW"], "b": ["LAW"]}}, GROUPS)["FRAME"]
    assert same["alpha"]["value"] is None
    assert same["alpha"]["reason"] == agreement.REASON_ONE_CATEGORY
    assert same["kappa"]["reason"] == agreement.REASON_ONE_CATEGORY
    assert category_agreement({1: {"a": [], "b": []}}, {}) == {}


def moscow(actor=None, start=0, end=6):
    return {"start": start, "end": end, "label": "GPE", "actor": actor}


def claim(holder, concept, polarity):
    return {"holder": holder, "concept": concept, "polarity": polarity}


def test_concept_stance_f1_and_polarity_kappa_by_hand():
    """d1: ana (Russia, 7, SUPPORT), (span 10-15, 8, OPPOSE); ben (Russia on
    another span, 7, SUPPORT), (span 10-15, 8, SUPPORT). d2: both (span 0-3,
    7, OPPOSE). Matched 2 of 6: F1 = 2/3. Polarity pairs S/S, O/S, O/O:
    po = 2/3, pe = (1·2 + 2·1) / 9 = 4/9, kappa = 0.4."""
    documents = {
        1: {
            "ana": [claim(moscow(1), 7, "SUPPORT"), claim(moscow(None, 10, 15), 8, "OPPOSE")],
            "ben": [
                claim(moscow(1, 30, 36), 7, "SUPPORT"),
                claim(moscow(None, 10, 15), 8, "SUPPORT"),
            ],
        },
        2: {
            "ana": [claim(moscow(None, 0, 3), 7, "OPPOSE")],
            "ben": [claim(moscow(None, 0, 3), 7, "OPPOSE")],
        },
    }
    result = concept_stance_agreement(documents)
    assert result["f1"]["value"] == pytest.approx(2 / 3)
    assert (result["f1"]["items"], result["f1"]["matched"]) == (6, 2)
    assert result["polarity_kappa"]["value"] == pytest.approx(0.4)
    assert result["polarity_kappa"]["items"] == 3
    [pair] = result["pairs"]
    assert (pair["a"], pair["b"], pair["documents"]) == ("ana", "ben", 2)


def test_concept_stance_measures_are_null_with_a_reason_when_undefined():
    assert concept_stance_agreement({})["f1"]["reason"] == agreement.REASON_NO_SHARED_DOCUMENT
    empty = concept_stance_agreement({1: {"a": [], "b": []}})
    assert empty["f1"]["value"] is None
    assert empty["f1"]["reason"] == agreement.REASON_NO_CONCEPT_STANCES
    apart = concept_stance_agreement(
        {1: {"a": [claim(moscow(1), 7, "SUPPORT")], "b": [claim(moscow(1), 8, "SUPPORT")]}}
    )
    assert apart["f1"]["value"] == 0.0
    assert apart["polarity_kappa"]["value"] is None
    assert apart["polarity_kappa"]["reason"] == agreement.REASON_NO_MATCHED_CONCEPT_STANCES


def test_disagreement_score_counts_concept_stances_and_categories():
    holder = {"id": "h", **moscow()}
    same = {
        "spans": [holder],
        "stances": [{"holder": "h", "target": None, "concept": 7, "polarity": "SUPPORT"}],
        "categories": ["LAW"],
    }
    assert disagreement_score({"a": same, "b": same}) == 0.0
    other_category = {**same, "categories": ["CONFLICT"]}
    # Items: span, concept stance, category each; 2 of 3 shared: 1 - 4/6.
    assert disagreement_score({"a": same, "b": other_category}) == pytest.approx(1 / 3)
    other_concept = {
        **same,
        "stances": [{"holder": "h", "target": None, "concept": 8, "polarity": "SUPPORT"}],
    }
    assert disagreement_score({"a": same, "b": other_concept}) == pytest.approx(1 / 3)


def test_masi_alpha_matches_nltk_with_three_coders_and_a_missing_value():
    """NLTK's AnnotationTask(data, distance=masi_distance).alpha() gives
    0.3446280991735535 for these units (checked once in a scratch virtualenv;
    NLTK is no dependency). NLTK divides by zero on two empty sets, which is
    why no value here is empty."""
    units = [["AB", "A", "A"], ["B", "BC", "C"], ["B", "A", "A"], ["ABC", "AB"], ["C", "C", "C"]]
    result = alpha_with_distance([[frozenset(v) for v in unit] for unit in units], masi_distance)
    assert result["value"] == pytest.approx(0.3446280991735535)
    assert (result["items"], result["pairable_values"]) == (5, 14)
