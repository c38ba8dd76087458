import pytest

from apps.datasets.splits import (
    DEFAULT_RATIOS,
    SplitError,
    Splitter,
    assign,
    check_ratios,
    parse_ratios,
    position,
)


def test_a_documents_split_depends_only_on_seed_and_id():
    ids = [f"doc-{n}" for n in range(300)]
    before = {i: assign(7, i, DEFAULT_RATIOS) for i in ids}
    more = ids + [f"new-{n}" for n in range(1000)]
    after = {i: assign(7, i, DEFAULT_RATIOS) for i in reversed(more)}
    assert all(after[i] == before[i] for i in ids)


def test_ratios_are_roughly_respected_and_the_seed_matters():
    splitter = Splitter(3, {"train": 0.8, "dev": 0.1, "test": 0.1})
    counts = {"train": 0, "dev": 0, "test": 0}
    for n in range(10_000):
        counts[splitter(str(n))] += 1
    assert 7700 < counts["train"] < 8300 and 800 < counts["dev"] < 1200
    other = Splitter(4)
    assert any(splitter(str(n)) != other(str(n)) for n in range(50))


def test_a_split_is_the_band_of_its_position_in_the_order_of_the_names():
    splitter = Splitter(11, {"train": 0.7, "dev": 0.0, "test": 0.2, "extra": 0.1})
    seen = set()
    for n in range(3000):
        point = position(11, str(n))
        expected = "extra" if point < 0.1 else "test" if point < 0.1 + 0.2 else "train"
        assert splitter(str(n)) == expected == assign(11, str(n), splitter.ratios)
        seen.add(expected)
    assert seen == {"extra", "test", "train"}


def test_a_zero_ratio_split_gets_nothing():
    assert {assign(0, str(n), {"train": 1.0, "test": 0.0}) for n in range(500)} == {"train"}


@pytest.mark.parametrize(
    "ratios",
    [{}, {"train": 0.5}, {"train": -0.1, "test": 1.1}, {"Train": 1.0}, {"a": "x"}, [0.8], None],
)
def test_bad_ratios_are_refused(ratios):
    with pytest.raises(SplitError):
        check_ratios(ratios)


def test_ratios_from_a_query_parameter():
    assert parse_ratios("train:0.7,test:0.3") == {"train": 0.7, "test": 0.3}
    with pytest.raises(SplitError):
        parse_ratios("train=0.7")


def test_the_order_of_the_ratio_keys_does_not_matter():
    # jsonb (Release.ratios on PostgreSQL) reorders keys; the split must not move.
    given = Splitter(5, {"train": 0.6, "dev": 0.25, "test": 0.15})
    reordered = Splitter(5, {"test": 0.15, "dev": 0.25, "train": 0.6})
    ids = [f"doc-{n}" for n in range(2000)]
    assert [given(i) for i in ids] == [reordered(i) for i in ids]
    assert {given(i) for i in ids} == {"train", "dev", "test"}
