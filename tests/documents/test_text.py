"""Tokenizer and sentence splitter (apps/documents/text.py): one test per rule."""

import dataclasses

import pytest

from apps.documents.text import (
    Sentence,
    Token,
    iob2_tags,
    split_sentences,
    token_index_for_spans,
    tokenize,
)


def words(text):
    return [t.text for t in tokenize(text)]


def sentences(text):
    return [text[s.start : s.end] for s in split_sentences(text)]


def span_of(text, needle, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


MIXED = (
    "Venezuela’s \u201cgreat-power\u201d bet: 1,560 troops, 3.5% of GDP\u2026 says U.S. Sen. Ruiz."
    "\r\nQuo\u0302\u0301c Anh 🇻🇪 👨\u200d👩\u200d👧 👍🏽 1\ufe0f\u20e3 \u200fقالَ\u00a0الرئيسُ؟ "
    "\u05e6\u05d4\u05f4\u05dc\tשָׁלוֹם (O'Brien) don't\u2014Smiths' #tag @user\n\n"
    "\u0301 lone mark, e\u0301te\u0301 done!"
)


# --- offsets and general invariants -------------------------------------------------------


def test_offsets_invariant_on_mixed_text():
    tokens = tokenize(MIXED)
    assert tokens
    previous_end = 0
    for token in tokens:
        assert MIXED[token.start : token.end] == token.text
        assert token.start >= previous_end  # sorted, non-overlapping
        assert token.end > token.start
        assert not any(ch.isspace() for ch in token.text)
        previous_end = token.end


def test_every_visible_character_is_in_a_token():
    covered = set()
    for token in tokenize(MIXED):
        covered.update(range(token.start, token.end))
    for index, ch in enumerate(MIXED):
        if not ch.isspace() and ch not in "\u200f":
            assert index in covered, (index, ch)


def test_whitespace_only_and_empty_text():
    assert tokenize("") == []
    assert tokenize(" \r\n\t\u00a0\u2003") == []
    assert split_sentences("") == []
    assert split_sentences("  \n\n ") == []


def test_tokenize_rejects_non_str():
    with pytest.raises(TypeError):
        tokenize(b"bytes")


def test_token_and_sentence_are_frozen_value_objects():
    token = Token(0, 3, "abc")
    assert token == Token(0, 3, "abc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        token.start = 1  # type: ignore[misc]
    assert Sentence(0, 3, (token,)).tokens == (token,)


def test_nbsp_and_other_unicode_spaces_separate():
    assert words("10\u00a0km and\u2009more\u202fhere") == ["10", "km", "and", "more", "here"]


def test_invisible_format_characters_are_not_tokens():
    text = "\ufeff\u200fNews\u200b today\u200e."
    assert words(text) == ["News", "today", "."]


# --- words ------------------------------------------------------------------------------


def test_dotted_abbreviations_are_one_token():
    assert words("The U.S. and U.N. agreed.") == ["The", "U.S.", "and", "U.N.", "agreed", "."]
    assert words("e.g. at 9 a.m.") == ["e.g.", "at", "9", "a.m."]


def test_dotted_abbreviation_followed_by_hyphen():
    assert words("U.S.-led") == ["U.S.", "-", "led"]


def test_hyphenated_words_stay_whole():
    assert words("a great-power rivalry") == ["a", "great-power", "rivalry"]
    assert words("COVID-19 hit 30-year-old") == ["COVID-19", "hit", "30-year-old"]


def test_dashes_and_double_hyphens_split():
    assert words("great--power") == ["great", "-", "-", "power"]
    assert words("Caracas\u2014the capital\u2013city") == [
        "Caracas",
        "\u2014",
        "the",
        "capital",
        "\u2013",
        "city",
    ]
    assert words("-5 and 5-") == ["-", "5", "and", "5", "-"]


def test_digit_groups_stay_whole():
    assert words("1,560 soldiers") == ["1,560", "soldiers"]
    assert words("3.5 percent") == ["3.5", "percent"]
    assert words("1.234.567,89") == ["1.234.567,89"]


def test_separator_not_between_digits_splits():
    assert words("1, 560") == ["1", ",", "560"]
    assert words("in 2019. Then") == ["in", "2019", ".", "Then"]
    assert words("$5.") == ["$", "5", "."]


def test_possessive_s_is_split_curly_and_straight():
    assert words("Moscow’s plan") == ["Moscow", "’s", "plan"]
    assert words("Moscow's plan") == ["Moscow", "'s", "plan"]
    assert words("MOSCOW'S") == ["MOSCOW", "'S"]
    tokens = tokenize("Moscow’s")
    assert [(t.start, t.end) for t in tokens] == [(0, 6), (6, 8)]


def test_other_apostrophes_stay_in_the_word():
    assert words("don't") == ["don't"]
    assert words("O'Brien and O’Neill") == ["O'Brien", "and", "O’Neill"]
    assert words("l’État") == ["l’État"]
    assert words("the Smiths' house") == ["the", "Smiths", "'", "house"]


def test_decomposed_characters_are_one_token_with_correct_offsets():
    text = "Vie\u0323\u0302t Nam, Quo\u0302\u0301c"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["Vie\u0323\u0302t", "Nam", ",", "Quo\u0302\u0301c"]
    quoc = tokens[-1]
    assert (quoc.start, quoc.end) == (12, 18)
    assert len(quoc.text) == 6


def test_lone_combining_mark_is_a_token():
    assert words("a \u0301\u0302 b") == ["a", "\u0301\u0302", "b"]


def test_initial_is_one_token():
    assert words("John F. Kennedy") == ["John", "F.", "Kennedy"]


def test_titles_keep_their_period():
    assert words("Mr. Smith met Dr. Jones, Sen. Ruiz etc. today") == [
        "Mr.",
        "Smith",
        "met",
        "Dr.",
        "Jones",
        ",",
        "Sen.",
        "Ruiz",
        "etc.",
        "today",
    ]


def test_no_keeps_its_period_only_before_a_number():
    assert words("No. 10 Downing") == ["No.", "10", "Downing"]
    assert words("No. We won't.") == ["No", ".", "We", "won't", "."]


def test_company_suffix_does_not_keep_period():
    assert words("Apple Inc. The") == ["Apple", "Inc", ".", "The"]


def test_letters_and_digits_run_together():
    assert words("G7 10km") == ["G7", "10km"]


def test_punctuation_and_symbols_are_single_tokens():
    assert words("(yes)!?") == ["(", "yes", ")", "!", "?"]
    assert words("#tag @user 50%") == ["#", "tag", "@", "user", "50", "%"]
    assert words("wait...") == ["wait", ".", ".", "."]
    assert words("wait\u2026") == ["wait", "\u2026"]


def test_curly_quotes_are_own_tokens():
    assert words("\u201cHello,\u201d she said \u2018twice\u2019.") == [
        "\u201c",
        "Hello",
        ",",
        "\u201d",
        "she",
        "said",
        "\u2018",
        "twice",
        "\u2019",
        ".",
    ]


# --- emoji --------------------------------------------------------------------------------


def test_flag_emoji_is_one_token_of_two_code_points():
    tokens = tokenize("Go 🇻🇪!")
    assert [t.text for t in tokens] == ["Go", "🇻🇪", "!"]
    assert tokens[1].end - tokens[1].start == 2


def test_adjacent_flags_are_separate_tokens():
    assert words("🇻🇪🇨🇴") == ["🇻🇪", "🇨🇴"]


def test_lone_regional_indicator_is_own_token():
    assert words("🇻🇪🇨") == ["🇻🇪", "🇨"]


def test_zwj_family_is_one_token():
    family = "👨\u200d👩\u200d👧"
    tokens = tokenize(f"a {family} b")
    assert [t.text for t in tokens] == ["a", family, "b"]
    assert tokens[1].end - tokens[1].start == 5


def test_zwj_sequence_with_variation_selector():
    rainbow = "🏳\ufe0f\u200d🌈"
    assert words(f"{rainbow}!") == [rainbow, "!"]


def test_skin_tone_emoji_is_one_token():
    assert words("ok👍🏽👍") == ["ok", "👍🏽", "👍"]


def test_keycap_emoji_are_tokens():
    assert words("1\ufe0f\u20e32\ufe0f\u20e3 #\ufe0f\u20e3") == [
        "1\ufe0f\u20e3",
        "2\ufe0f\u20e3",
        "#\ufe0f\u20e3",
    ]


def test_subdivision_flag_with_tags_is_one_token():
    england = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert words(f"{england} win") == [england, "win"]


def test_emoji_newer_than_unicode_database_still_token():
    assert words("x \U0001fae8\U0001f3fd y") == ["x", "\U0001fae8\U0001f3fd", "y"]


# --- right-to-left ------------------------------------------------------------------------


def test_arabic_words_keep_harakat():
    text = "قالَ الرئيسُ إنّ الوضعَ صعبٌ."
    assert words(text) == ["قالَ", "الرئيسُ", "إنّ", "الوضعَ", "صعبٌ", "."]


def test_arabic_sentences_split_without_case():
    text = "قالَ الرئيسُ إنّ الوضعَ صعبٌ. وأضافَ أنّهُ متفائلٌ؟ نعم"
    assert sentences(text) == [
        "قالَ الرئيسُ إنّ الوضعَ صعبٌ.",
        "وأضافَ أنّهُ متفائلٌ؟",
        "نعم",
    ]


def test_arabic_digits_and_separators():
    assert words("١٬٥٦٠ و٣٫٥") == ["١٬٥٦٠", "و٣٫٥"]


def test_hebrew_niqqud_and_gershayim():
    assert words("שָׁלוֹם צה״ל, בית־ספר") == ["שָׁלוֹם", "צה״ל", ",", "בית־ספר"]


def test_persian_zwnj_stays_in_word():
    assert words("می\u200cخواهم") == ["می\u200cخواهم"]


# --- sentences ----------------------------------------------------------------------------


def test_every_token_in_exactly_one_sentence_in_order():
    tokens = tokenize(MIXED)
    grouped = [t for s in split_sentences(MIXED) for t in s.tokens]
    assert grouped == tokens


def test_sentence_offsets_are_first_and_last_token():
    text = "  First one.  Second one!  "
    result = split_sentences(text)
    assert [(s.start, s.end) for s in result] == [(2, 12), (14, 25)]
    for s in result:
        assert s.start == s.tokens[0].start and s.end == s.tokens[-1].end


def test_simple_split_on_period_question_exclamation():
    assert sentences("It rained. Did it? Yes! 20 fled.") == [
        "It rained.",
        "Did it?",
        "Yes!",
        "20 fled.",
    ]


def test_no_split_before_lowercase():
    assert sentences("It fell by 5 p.c. and then rose.") == ["It fell by 5 p.c. and then rose."]
    assert sentences("Wait... and see.") == ["Wait... and see."]


def test_no_split_without_whitespace():
    assert sentences("see example.com.Then") == ["see example.com.Then"]


def test_title_does_not_end_sentence():
    assert sentences("He met Mr. Smith. Then he left.") == ["He met Mr. Smith.", "Then he left."]


def test_us_followed_by_lowercase():
    assert sentences("U.S. officials said so.") == ["U.S. officials said so."]


def test_us_followed_by_capital_on_same_line_is_not_a_split():
    assert sentences("Troops left the U.S. Officials said so.") == [
        "Troops left the U.S. Officials said so."
    ]


def test_us_followed_by_newline_is_a_split():
    assert sentences("Troops left the U.S.\nOfficials said so.") == [
        "Troops left the U.S.",
        "Officials said so.",
    ]


def test_initial_does_not_end_sentence():
    assert sentences("John F. Kennedy was shot. Oswald fled.") == [
        "John F. Kennedy was shot.",
        "Oswald fled.",
    ]


def test_ellipsis_ends_sentence_before_capital():
    assert sentences("He paused\u2026 Then he spoke. Wait\u2026 what?") == [
        "He paused\u2026",
        "Then he spoke.",
        "Wait\u2026 what?",
    ]


def test_question_mark_inside_closing_quote():
    assert sentences("\u201cWho?\u201d She left.") == ["\u201cWho?\u201d", "She left."]
    assert sentences("\u201cWho?\u201d she asked.") == ["\u201cWho?\u201d she asked."]


def test_closing_bracket_after_period_and_opening_quote_next():
    assert sentences("(It was late.) \u201cGo,\u201d he said. \"Now.\" 'Yes.'") == [
        "(It was late.)",
        "\u201cGo,\u201d he said.",
        '"Now."',
        "'Yes.'",
    ]


def test_headline_without_punctuation_then_newline():
    text = "Maduro Wins Again\nCaracas reacted calmly. Crowds gathered."
    assert sentences(text) == ["Maduro Wins Again", "Caracas reacted calmly.", "Crowds gathered."]


def test_blank_line_ends_sentence():
    assert sentences("no final period\n \n\tnext paragraph") == [
        "no final period",
        "next paragraph",
    ]


def test_crlf_between_two_sentences():
    text = "First sentence.\r\nSecond sentence."
    result = split_sentences(text)
    assert [text[s.start : s.end] for s in result] == ["First sentence.", "Second sentence."]
    assert (result[1].start, result[1].end) == (17, 33)
    assert all("\r" not in t.text for s in result for t in s.tokens)


def test_crlf_splits_even_before_lowercase():
    assert sentences("dateline\r\nthe story") == ["dateline", "the story"]


# --- token_index_for_spans ----------------------------------------------------------------

ALIGN_TEXT = "Moscow’s great-power bet failed in the U.S. yesterday."


def test_token_index_for_aligned_spans():
    tokens = tokenize(ALIGN_TEXT)
    spans = [
        span_of(ALIGN_TEXT, "Moscow"),
        span_of(ALIGN_TEXT, "Moscow’s great-power bet"),
        span_of(ALIGN_TEXT, "U.S."),
    ]
    positions, misaligned = token_index_for_spans(tokens, spans)
    assert misaligned == []
    assert [tokens[i].text for i in range(*positions[0])] == ["Moscow"]
    assert [tokens[i].text for i in range(*positions[1])] == ["Moscow", "’s", "great-power", "bet"]
    assert [tokens[i].text for i in range(*positions[2])] == ["U.S."]


def test_token_index_for_misaligned_spans():
    tokens = tokenize(ALIGN_TEXT)
    inside = span_of(ALIGN_TEXT, "great")  # ends inside "great-power"
    start, end = span_of(ALIGN_TEXT, "power")  # starts inside "great-power"
    trailing = span_of(ALIGN_TEXT, "bet ")  # ends in whitespace
    no_dot = span_of(ALIGN_TEXT, "U.S")  # ends inside "U.S."
    empty = (3, 3)
    good = span_of(ALIGN_TEXT, "failed")
    positions, misaligned = token_index_for_spans(
        tokens, iter([inside, (start, end), trailing, good, no_dot, empty, (10, 2)])
    )
    assert misaligned == [0, 1, 2, 4, 5, 6]
    assert positions[3] is not None
    assert [p is None for p in positions] == [True, True, True, False, True, True, True]


def test_token_index_accepts_labelled_triples_and_empty_tokens():
    tokens = tokenize("a b")
    assert token_index_for_spans(tokens, [(0, 1, "X")]) == ([(0, 1)], [])
    assert token_index_for_spans([], [(0, 1)]) == ([None], [0])


# --- iob2_tags ----------------------------------------------------------------------------


def test_iob2_basic():
    text = "Bank of America hired John Smith."
    tokens = tokenize(text)
    tags, skipped = iob2_tags(
        tokens, [(*span_of(text, "Bank of America"), "ORG"), (*span_of(text, "John Smith"), "PER")]
    )
    assert tags == ["B-ORG", "I-ORG", "I-ORG", "O", "B-PER", "I-PER", "O"]
    assert skipped == []


def test_iob2_nested_longer_wins_shorter_reported():
    text = "Bank of America hired John Smith."
    tokens = tokenize(text)
    spans = [(*span_of(text, "America"), "GPE"), (*span_of(text, "Bank of America"), "ORG")]
    tags, skipped = iob2_tags(tokens, spans)
    assert tags[:3] == ["B-ORG", "I-ORG", "I-ORG"]
    assert skipped == [0]


def test_iob2_equal_length_overlap_earlier_start_wins():
    text = "a b c"
    tokens = tokenize(text)
    tags, skipped = iob2_tags(tokens, [(2, 5, "Y"), (0, 3, "X")])
    assert tags == ["B-X", "I-X", "O"]
    assert skipped == [0]


def test_iob2_adjacent_same_label_are_b_b():
    text = "Venezuela Colombia met"
    tokens = tokenize(text)
    spans = [(*span_of(text, "Venezuela"), "GPE"), (*span_of(text, "Colombia"), "GPE")]
    tags, skipped = iob2_tags(tokens, spans)
    assert tags == ["B-GPE", "B-GPE", "O"]
    assert skipped == []


def test_iob2_misaligned_span_reported_not_shifted():
    text = "Moscow’s great-power bet"
    tokens = tokenize(text)
    spans = [(*span_of(text, "great"), "MISC"), (*span_of(text, "Moscow"), "GPE")]
    tags, skipped = iob2_tags(tokens, spans)
    assert tags == ["B-GPE", "O", "O", "O"]
    assert skipped == [0]


def test_iob2_possessive_span_including_clitic_is_aligned():
    text = "Moscow’s bet"
    tags, skipped = iob2_tags(tokenize(text), [(0, 8, "GPE")])
    assert tags == ["B-GPE", "I-GPE", "O"]
    assert skipped == []
