"""Which actor a suggested span gets (apps/recommender/linking.py, pure)."""

from collections import Counter

from apps.recommender.linking import ActorLinker, past_links

ACTORS = [
    {"id": 1, "name": "Nicolás Maduro", "aliases": [{"text": "Maduro", "case_sensitive": False}]},
    {"id": 2, "name": "Juan Guaidó", "aliases": [{"text": "Guaidó", "case_sensitive": True}]},
    {"id": 3, "name": "Moisés Maduro", "aliases": []},
    {"id": 4, "name": "Venezuela", "aliases": [{"text": "Caracas", "case_sensitive": False}]},
    {"id": 5, "name": "Caracas FC", "aliases": [{"text": "caracas", "case_sensitive": False}]},
]


def test_past_links_win_when_one_actor_holds_most_of_them():
    linker = ActorLinker({"Maduro": Counter({1: 3, 3: 1})}, ACTORS)
    assert linker.link("Maduro") == (1, 0.75)
    assert linker.link("MADURO") == (1, 0.75)  # case folded
    assert linker.link("Maduro\n") == (1, 0.75)  # spaces collapsed


def test_split_past_links_fall_back_to_the_aliases():
    linker = ActorLinker({"Maduro": Counter({1: 1, 3: 1})}, ACTORS)
    assert linker.link("Maduro") == (1, 1.0)  # the only alias "Maduro" is actor 1's


def test_aliases_respect_their_case():
    linker = ActorLinker({}, ACTORS)
    assert linker.link("Guaidó") == (2, 1.0)
    assert linker.link("guaidó") == (None, 0.0)
    assert linker.link("Juan Guaidó") == (2, 1.0)  # the name is an alias


def test_an_alias_of_two_actors_links_none():
    assert ActorLinker({}, ACTORS).link("Caracas") == (None, 0.0)


def test_links_to_actors_no_longer_in_the_registry_are_ignored():
    # Actor 9 was merged away (the registry leaves merged actors out).
    linker = ActorLinker({"Maduro": Counter({9: 5, 1: 1})}, ACTORS)
    assert linker.link("Maduro") == (1, 1.0)


def test_nothing_known():
    assert ActorLinker({}, ACTORS).link("Lavrov") == (None, 0.0)


def test_past_links_read_the_texts_of_linked_spans():
    examples = [
        ("Maduro met Lavrov.", [(0, 6, 1), (11, 17, None)]),
        ("MADURO spoke.", [(0, 6, 1)]),
    ]
    assert past_links(examples) == {"maduro": Counter({1: 2})}
