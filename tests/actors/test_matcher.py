"""The alias matcher: pure, many small cases."""

import pytest

from apps.actors.matcher import Matcher, fold


def spans(aliases, text):
    """[(covered text, actors)] of every match; aliases are (text, case_sensitive, actor)."""
    return [(text[m.start : m.end], m.actors) for m in Matcher(aliases).find(text)]


def found(aliases, text):
    return [covered for covered, _ in spans(aliases, text)]


RUSSIA = [("Russia", True, 1), ("Russian Foreign Ministry", True, 2)]


def test_longest_alias_wins_where_aliases_overlap():
    text = "The Russian Foreign Ministry said Russia would respond."
    assert spans(RUSSIA, text) == [("Russian Foreign Ministry", (2,)), ("Russia", (1,))]


def test_longest_wins_across_different_starts_then_leftmost():
    aliases = [("Foreign Ministry", True, 1), ("Russian Foreign", True, 2), ("Ministry", True, 3)]
    # "Foreign Ministry" (16) beats "Russian Foreign" (15) although it starts later.
    assert found(aliases, "Russian Foreign Ministry") == ["Foreign Ministry"]
    # Equal lengths: the leftmost wins, the other is dropped, not cut.
    same = [("a b", True, 1), ("b c", True, 2)]
    assert found(same, "a b c") == ["a b"]


def test_shorter_alias_inside_a_longer_match_is_not_reported():
    aliases = [("Ministry", True, 3), *RUSSIA]
    assert found(aliases, "the Russian Foreign Ministry") == ["Russian Foreign Ministry"]


def test_a_longer_alias_that_does_not_end_on_a_word_falls_back_to_the_shorter():
    aliases = [("New York", True, 1), ("New York Times", True, 2)]
    assert found(aliases, "New York Timesquare") == ["New York"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iran said", ["Iran"]),
        ("Iranian officials", []),
        ("Iran's envoy", ["Iran"]),
        ("Iran’s envoy", ["Iran"]),
        ("(Iran)", ["Iran"]),
        ("«Iran»", ["Iran"]),
        ("Iran.", ["Iran"]),
        ("Iran,Iraq", ["Iran"]),
        ("pro-Iran groups", ["Iran"]),
        ("AntiIran", []),
        ("Iran2", []),
        ("2Iran", []),
        ("_Iran_", ["Iran"]),
        ("#Iran", ["Iran"]),
        ("Iran", ["Iran"]),
        ("Iran Iran", ["Iran", "Iran"]),
    ],
)
def test_whole_words_only(text, expected):
    assert found([("Iran", True, 1)], text) == expected


def test_a_listed_longer_word_still_matches():
    aliases = [("Iran", True, 1), ("Iranian", True, 1)]
    assert found(aliases, "Iranian and Iran") == ["Iranian", "Iran"]


def test_aliases_with_punctuation_inside_and_at_the_end():
    aliases = [("U.S.", True, 1), ("Al-Qaeda", True, 2)]
    assert found(aliases, "The U.S. and Al-Qaeda; U.S.A. is not U.S.") == [
        "U.S.",
        "Al-Qaeda",
        "U.S.",
    ]


def test_case_sensitive_by_default_and_per_alias():
    assert found([("Iran", True, 1)], "IRAN and iran and Iran") == ["Iran"]
    assert found([("Iran", False, 1)], "IRAN and iran and Iran") == ["IRAN", "iran", "Iran"]


def test_same_text_case_sensitive_and_not_for_two_actors():
    aliases = [("Georgia", True, 1), ("georgia", False, 2)]
    assert spans(aliases, "Georgia and GEORGIA") == [("Georgia", (1, 2)), ("GEORGIA", (2,))]


@pytest.mark.parametrize(
    ("alias", "text", "expected"),
    [
        ("Zürich", "ZÜRICH und zürich", ["ZÜRICH", "zürich"]),
        ("Österreich", "ÖSTERREICH", ["ÖSTERREICH"]),
        ("Москва", "МОСКВА и москва", ["МОСКВА", "москва"]),
        ("Αθήνα", "ΑΘΉΝΑ", ["ΑΘΉΝΑ"]),
        ("Σύρος", "σύρος", ["σύρος"]),
        # Final sigma folds to sigma.
        ("Κάρολος", "ΚΆΡΟΛΟΣ", ["ΚΆΡΟΛΟΣ"]),
        # Capital sharp s folds to ß (one code point), so it matches.
        ("Straße", "STRAẞE", ["STRAẞE"]),
    ],
)
def test_case_insensitive_non_ascii(alias, text, expected):
    assert found([(alias, False, 1)], text) == expected


def test_case_folding_that_changes_length_keeps_offsets_on_the_original_text():
    # "ß".casefold() is "ss": a full fold of the text would shift every offset
    # after it. The fold here is one code point for one, so "Iran" is found at
    # its real place, and "ss" does not match an alias spelled with "ß".
    text = "Die Straße nach Iran; STRASSE"
    matches = Matcher([("Iran", False, 1), ("straße", False, 2)]).find(text)
    assert [(m.start, m.end, text[m.start : m.end]) for m in matches] == [
        (4, 10, "Straße"),
        (16, 20, "Iran"),
    ]
    assert len(fold(text)) == len(text)
    assert len(fold("ﬁ İ ẞ ŉ")) == len("ﬁ İ ẞ ŉ")


def test_dotted_capital_i_keeps_its_offsets():
    text = "İstanbul and Ankara"
    assert found([("Ankara", False, 1)], text) == ["Ankara"]
    assert Matcher([("Ankara", False, 1)]).find(text)[0].start == 13


def test_emoji_are_boundaries_and_count_as_their_code_points():
    text = "🇻🇪Caracas👍 and 👨‍👩‍👧 Caracas"
    matches = Matcher([("Caracas", True, 1)]).find(text)
    assert [text[m.start : m.end] for m in matches] == ["Caracas", "Caracas"]
    assert matches[0].start == 2  # a flag is two code points


def test_a_combining_mark_after_the_last_letter_is_not_a_match():
    # "Irañ" decomposed: the match would end inside the grapheme "n" + U+0303.
    assert found([("Iran", True, 1)], "Iran\u0303 said") == []
    assert found([("Iran", True, 1)], "e\u0301Iran said") == []


def test_decomposed_aliases_match_decomposed_text():
    alias = "Quo\u0302\u0301c Hội"
    assert found([(alias, True, 1)], f"the {alias}, said") == [alias]
    # ... and not the precomposed spelling: no normalisation is applied.
    assert found([(alias, True, 1)], "the Quốc Hội, said") == []


def test_zwj_between_letters_joins_them_but_before_an_emoji_is_a_boundary():
    assert found([("Iran", True, 1)], "Iran\u200dian") == []
    assert found([("Iran", True, 1)], "x\u200dIran") == []
    assert found([("Iran", True, 1)], "Iran\u200d🇮🇷") == ["Iran"]
    assert found([("Iran", True, 1)], "🇮🇷\u200dIran") == ["Iran"]


def test_zwnj_inside_a_persian_alias():
    alias = "می\u200cخواهم"
    assert found([(alias, True, 1)], f"او {alias}.") == [alias]
    assert found([("می", True, 2)], f"او {alias}.") == []


def test_offsets_are_code_points_of_the_original_text():
    text = "«Moscow» 🇷🇺, Moscow’s"
    matches = Matcher([("Moscow", True, 7)]).find(text)
    assert [(m.start, m.end) for m in matches] == [(1, 7), (13, 19)]
    assert all(text[m.start : m.end] == "Moscow" for m in matches)


def test_no_aliases_and_empty_aliases():
    assert Matcher([]).find("anything") == []
    assert Matcher([("", True, 1)]).find("anything") == []
    assert Matcher([("x", True, 1)]).find("") == []


def test_many_aliases_one_build():
    aliases = [(f"Actor{i}", True, i) for i in range(2000)]
    matcher = Matcher(aliases)
    assert matcher.size == 2000
    text = "Actor5 met Actor1999 and Actor20000."
    assert [m.actors for m in matcher.find(text)] == [(5,), (1999,)]
