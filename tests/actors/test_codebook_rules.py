"""The codebook's pure rules: keywords, the hierarchy, paths, doubled claims."""

import pytest

from apps.actors.codebook_rules import (
    CodebookError,
    ancestors,
    clean_keywords,
    cycle_of,
    doubled_claims,
    merged_keywords,
    parent_problem,
    paths,
    tree_order,
)


def test_keywords_are_stripped_and_repeats_dropped_keeping_the_first_spelling():
    assert clean_keywords([" sovereignty ", "Sovereignty", "souveraineté", "souverainete"]) == [
        "sovereignty",
        "souveraineté",
    ]
    assert clean_keywords([]) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("law", "must be a list"),
        (["law", ""], "keywords[1] must be a non-empty string"),
        (["law", 3], "keywords[1] must be a non-empty string"),
        (["x" * 101], "keywords[0] ('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'…) is longer than 100"),
        (["a\x00b"], "keywords[0] contains a NUL character"),
        ([f"k{i}" for i in range(51)], "has 51 keywords; a concept has at most 50"),
    ],
)
def test_bad_keywords_are_refused_naming_the_keyword(value, message):
    with pytest.raises(CodebookError) as caught:
        clean_keywords(value)
    assert message in str(caught.value)


def test_fifty_keywords_of_a_hundred_characters_are_kept():
    words = [f"{i:02d}" + "x" * 98 for i in range(50)]
    assert clean_keywords(words) == words


# 1 International law > 2 UN Charter > 3 Article 2(4); 4 Sovereignty at the top
PARENTS = {1: None, 2: 1, 3: 2, 4: None}
NAMES = {1: "International law", 2: "UN Charter", 3: "Article 2(4)", 4: "Sovereignty"}


def test_ancestors_nearest_first():
    assert ancestors(3, PARENTS) == [2, 1]
    assert ancestors(1, PARENTS) == []


def test_a_parent_must_be_current_and_not_below_the_concept():
    assert parent_problem(4, 3, PARENTS, NAMES) is None
    assert parent_problem(None, 1, PARENTS, NAMES) is None
    assert parent_problem(1, None, PARENTS, NAMES) is None
    assert "own parent" in parent_problem(2, 2, PARENTS, NAMES)
    assert parent_problem(1, 3, PARENTS, NAMES) == (
        "'Article 2(4)' is under 'International law'; a concept cannot be placed under "
        "one of its own sub-concepts."
    )
    assert "no current concept 99" in parent_problem(1, 99, PARENTS, NAMES)


def test_cycle_of_finds_a_loop_and_nothing_in_a_tree():
    assert cycle_of(PARENTS) is None
    assert sorted(cycle_of({"a": "b", "b": "c", "c": "a", "d": None})) == ["a", "b", "c"]
    assert cycle_of({"a": "a"}) == ["a"]


def test_paths_join_the_ancestors():
    assert paths(PARENTS, NAMES) == {
        1: "International law",
        2: "International law › UN Charter",
        3: "International law › UN Charter › Article 2(4)",
        4: "Sovereignty",
    }


def test_tree_order_puts_parents_first_each_level_by_name():
    concepts = [{"id": i, "name": NAMES[i], "parent": p} for i, p in PARENTS.items()]
    concepts.append({"id": 5, "name": "Aggression", "parent": 1})
    assert [c["id"] for c in tree_order(concepts)] == [1, 5, 2, 3, 4]


def test_doubled_claims_keep_the_one_with_a_cue_then_the_oldest():
    # (id, set, holder, concept, polarity, cue)
    stances = [
        (10, 1, 100, 7, 1, None),
        (11, 1, 100, 7, 1, 300),  # same claim, with a cue: kept
        (12, 1, 100, 7, 2, None),  # another polarity: another claim
        (13, 2, 100, 7, 1, None),  # another set
        (14, 2, 100, 7, 1, None),
        (15, 1, 101, 7, 1, None),  # another holder
    ]
    assert doubled_claims(stances) == [10, 14]
    assert doubled_claims([]) == []


def test_a_merge_gives_the_survivor_the_merged_name_and_keywords_once():
    kept = merged_keywords(
        "Sovereignty", ["sovereign"], "State sovereignty", ["SOVEREIGN", "sovereignty", "état"]
    )
    # "SOVEREIGN" repeats a keyword and "sovereignty" the survivor's own name.
    assert kept == ["sovereign", "State sovereignty", "état"]
    assert merged_keywords("A", [], "x" * 101, ["b"]) == ["b"]  # too long for a keyword
    full = [f"k{n}" for n in range(50)]
    assert merged_keywords("A", full, "B", ["c"]) == full  # at most fifty
