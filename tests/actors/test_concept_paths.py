"""concept_paths: a concept's place in the hierarchy, in words (pure)."""

from apps.actors.concept_paths import concept_paths

ROWS = {
    1: ("International law", None),
    2: ("UN Charter", 1),
    3: ("Article 2(4)", 2),
    4: ("Free trade", None),
}


def test_a_path_runs_from_the_root_to_the_concept():
    assert concept_paths(ROWS, [3, 4, 1]) == {
        3: "International law › UN Charter › Article 2(4)",
        4: "Free trade",
        1: "International law",
    }


def test_a_missing_parent_ends_the_path_and_a_loop_is_cut():
    assert concept_paths({5: ("Orphan", 99)}, [5]) == {5: "Orphan"}
    looped = {1: ("A", 2), 2: ("B", 1)}
    assert concept_paths(looped, [1]) == {1: "B › A"}
    assert concept_paths(ROWS, [42]) == {42: ""}
