"""Scores, splits, cross-validation and fix shares (apps/recommender/evaluation.py)."""

import pytest

from apps.recommender.evaluation import (
    REASON_NO_GOLD,
    REASON_NO_PREDICTIONS,
    REASON_NO_SPANS,
    cross_validate,
    fix_share,
    folds,
    score,
    split,
)
from apps.recommender.learner import Example, LearnerError


def test_score_per_label_and_micro():
    gold = [[(0, 5, "PER"), (10, 15, "ORG")], [(0, 4, "PER"), (6, 9, "GPE")]]
    pred = [[(0, 5, "PER"), (10, 15, "PER")], [(0, 4, "PER")]]
    result = score(gold, pred)
    per = result["labels"]["PER"]
    assert (per["correct"], per["support"], per["predicted"]) == (2, 2, 3)
    assert per["precision"] == pytest.approx(2 / 3)
    assert per["recall"] == 1.0
    assert per["f1"] == pytest.approx(0.8)
    org = result["labels"]["ORG"]
    assert org["precision"] is None and org["recall"] == 0.0 and org["f1"] == 0.0
    assert org["reason"] == REASON_NO_PREDICTIONS
    micro = result["micro"]
    assert (micro["correct"], micro["support"], micro["predicted"]) == (2, 4, 3)
    assert micro["f1"] == pytest.approx(4 / 7)
    assert result["documents"] == 2


def test_score_undefined_and_one_sided_labels():
    result = score([[]], [[(0, 2, "X")]], labels=["X", "Y"])
    assert result["labels"]["Y"] == {
        "precision": None, "recall": None, "f1": None, "support": 0, "predicted": 0,
        "correct": 0, "reason": REASON_NO_SPANS,
    }  # fmt: skip
    assert result["labels"]["X"]["precision"] == 0.0
    assert result["labels"]["X"]["recall"] is None
    assert result["labels"]["X"]["reason"] == REASON_NO_GOLD
    assert score([], [])["micro"]["f1"] is None


def test_score_is_exact_match_per_document_with_duplicates():
    # a span predicted in the wrong document or off by one code point is wrong
    gold = [[(0, 5, "PER")], [(3, 8, "PER"), (3, 8, "PER")]]
    pred = [[(0, 4, "PER")], [(0, 5, "PER"), (3, 8, "PER")]]
    per = score(gold, pred)["labels"]["PER"]
    assert (per["correct"], per["support"], per["predicted"]) == (1, 3, 3)
    # dict spans (as Prediction.spans) are read too
    assert (
        score([[(0, 5, "PER")]], [[{"start": 0, "end": 5, "label": "PER", "confidence": 0.3}]])[
            "micro"
        ]["f1"]
        == 1.0
    )
    with pytest.raises(ValueError, match="one list of spans per document"):
        score([[]], [])


def test_split_is_deterministic_disjoint_and_sized():
    ids = [f"doc-{i}" for i in range(50)]
    train, held = split(ids, held_out=0.2, seed=3)
    assert (len(train), len(held)) == (40, 10)
    assert set(train) | set(held) == set(ids) and not set(train) & set(held)
    assert split(list(reversed(ids)), 0.2, 3)[1] == list(reversed(held))  # order-free choice
    assert split(ids, 0.2, 4)[1] != held
    assert split(["a", "b"], 0.1) in ((["a"], ["b"]), (["b"], ["a"]))
    assert split(["a"], 0.5) == (["a"], [])
    with pytest.raises(ValueError):
        split(ids, 1.0)
    with pytest.raises(ValueError, match="distinct"):
        split(["a", "a"])


def test_folds_cover_every_id_once():
    ids = list(range(23))
    result = folds(ids, 5, seed=1)
    assert len(result) == 5
    tests = [t for _, t in result]
    assert sorted(i for t in tests for i in t) == ids
    assert {len(t) for t in tests} == {4, 5}
    for train, test in result:
        assert sorted(train + test) == ids
    assert folds(ids, 5, seed=1) == result
    with pytest.raises(ValueError):
        folds(ids, 1)
    with pytest.raises(ValueError):
        folds([1, 2], 3)


def _docs(n):
    names = ["Maria Lopez", "John Smith", "Olga Petrova", "Chen Wei", "Ana Silva"]
    out = []
    for i in range(n):
        name = names[i % len(names)]
        text = f"{name} said on Monday that the talks failed."
        out.append(Example(text, ((0, len(name), "PERSON"),)))
    return out


def test_cross_validate_scores_every_document_once():
    result = cross_validate(_docs(10), ["PERSON"], k=5, seed=0)
    assert result["k"] == 5
    assert result["micro"]["support"] == 10
    assert len(result["fold_f1"]) == 5
    assert result["micro"]["f1"] > 0.5
    assert result["folds_without_model"] == []
    assert cross_validate(_docs(10), ["PERSON"], k=5, seed=0) == result
    assert cross_validate(_docs(3), ["PERSON"], k=5)["k"] == 3
    with pytest.raises(LearnerError):
        cross_validate(_docs(1), ["PERSON"])


def test_cross_validate_fold_without_spans_counts_as_missed():
    docs = [*_docs(1), Example("Nothing here.", ()), Example("Nor here.", ())]
    result = cross_validate(docs, ["PERSON"], k=3)
    assert result["folds_without_model"]  # the fold holding the only span trains on none
    assert result["micro"]["correct"] == 0 and result["micro"]["support"] == 1


def test_fix_share_categories():
    gold = [[(0, 5, "PER"), (10, 15, "ORG"), (20, 25, "GPE"), (30, 35, "PER")]]
    sugg = [[(0, 5, "PER"), (10, 15, "GPE"), (20, 23, "GPE"), (40, 45, "ORG"), (41, 44, "ORG")]]
    result = fix_share(gold, sugg)
    assert result["correct"] == 1
    assert result["wrong_label"] == 1
    assert result["wrong_boundary"] == 1
    assert result["missing"] == 1
    assert result["to_delete"] == 2
    assert result["add_or_fix_share"] == 0.75
    assert result["delete_share"] == 0.4


def test_fix_share_without_suggestions_and_without_gold():
    result = fix_share([[(0, 5, "PER")], [(1, 2, "ORG")]], [[], []])
    assert result["add_or_fix_share"] == 1.0
    assert result["delete_share"] is None and result["reason"]
    result = fix_share([[]], [[(0, 5, "PER")]])
    assert result["add_or_fix_share"] is None and result["delete_share"] == 1.0


def test_fix_share_prefers_same_boundaries_then_same_label():
    gold = [[(0, 10, "PER")]]
    # the same-boundary wrong-label suggestion is the one to fix; the other is deleted
    result = fix_share(gold, [[(0, 4, "PER"), (0, 10, "ORG")]])
    assert (result["wrong_label"], result["wrong_boundary"], result["to_delete"]) == (1, 0, 1)
    result = fix_share(gold, [[(0, 4, "ORG"), (2, 10, "PER")]])
    assert (result["wrong_boundary"], result["to_delete"]) == (1, 1)
