"""The pure offsets module (apps/documents/offsets.py): UTF-16 and grapheme boundaries."""

import pytest

from apps.documents.offsets import (
    OffsetMap,
    extends,
    has_astral,
    splits_grapheme,
    utf16_length,
    utf16_offsets,
)

FAMILY = "👨\u200d👩\u200d👧"
TEXTS = {
    "ascii": "Moscow condemned it.",
    "empty": "",
    "emoji": "👍 Petro approved 👍🏽 the deal.",
    "zwj": f"a{FAMILY}b",
    "flags": "🇷🇺🇻🇪 Moscow 🇺🇸 backs Caracas.",
    "combining": "Quo\u0302\u0301c Hội",
    "crlf": "MOSCOW (Reuters)\r\n\r\nThe Kremlin 🇺🇸 condemned it.\r\n",
    "rtl": "Reuters: \u200fموسكو\u200f condemned 🇺🇸 العملية in Venezuela.",
    "hebrew": "משרד החוץ הרוסי: מוסקבה מגנה את המבצע.",
    "astral-cjk": "𠀀𠀁 and 𝔘",
}


def units_before(text, index):
    return len(text[:index].encode("utf-16-le")) // 2


@pytest.mark.parametrize("name", TEXTS)
def test_utf16_offsets_agree_with_the_utf16_encoding(name):
    text = TEXTS[name]
    units = utf16_offsets(text)
    assert units == [units_before(text, i) for i in range(len(text) + 1)]
    assert utf16_length(text) == len(text.encode("utf-16-le")) // 2 == units[-1]


@pytest.mark.parametrize("name", TEXTS)
def test_the_map_round_trips_every_code_point_offset(name):
    text = TEXTS[name]
    offsets = OffsetMap(text)
    assert offsets.length == len(text)
    assert offsets.length16 == utf16_length(text)
    for i in range(len(text) + 1):
        assert offsets.to_utf16(i) == units_before(text, i)
        assert offsets.to_code_point(offsets.to_utf16(i)) == i


def test_inside_a_surrogate_pair_there_is_no_code_point():
    offsets = OffsetMap("🇻x")
    assert offsets.to_code_point(0) == 0
    assert offsets.to_code_point(1) is None  # half of the regional indicator
    assert offsets.to_code_point(2) == 1
    assert offsets.to_code_point(3) == 2


def test_without_astral_code_points_the_map_is_the_identity():
    for text in ("abc", "é\u0301", "\r\n", "موسكو", ""):
        offsets = OffsetMap(text)
        assert offsets.identity and not has_astral(text)
        assert [offsets.to_utf16(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert not OffsetMap("a👍").identity and has_astral("a👍")


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.to_utf16(-1),
        lambda m: m.to_utf16(3),
        lambda m: m.to_code_point(-1),
        lambda m: m.to_code_point(4),
    ],
)
def test_offsets_outside_the_text_are_an_error(call):
    with pytest.raises(ValueError, match="outside the text"):
        call(OffsetMap("a👍"))  # 2 code points, 3 UTF-16 units


def test_crlf_and_bidi_controls_are_code_points_like_any_other():
    text = "a\r\nb\u200fc"
    assert utf16_offsets(text) == [0, 1, 2, 3, 4, 5, 6]
    assert not splits_grapheme(text, 2)  # between CR and LF: nothing joins them here


def grapheme_cuts(text):
    """The offsets where a cut keeps every character whole."""
    return [cut for cut in range(len(text) + 1) if not splits_grapheme(text, cut)]


def test_a_combining_mark_stays_with_its_letter():
    text = "Quo\u0302\u0301c"  # Quốc, decomposed
    assert grapheme_cuts(text) == [0, 1, 2, 5, 6]
    assert extends("\u0302") and not extends("o")


def test_a_zwj_sequence_is_one_character():
    text = f"a{FAMILY}b"
    assert grapheme_cuts(text) == [0, 1, 1 + len(FAMILY), len(text)]


def test_skin_tones_variation_selectors_and_tags_extend_the_emoji():
    assert grapheme_cuts("👍🏽x") == [0, 2, 3]
    assert grapheme_cuts("❤\ufe0fx") == [0, 2, 3]
    england = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert grapheme_cuts(england + "x") == [0, len(england), len(england) + 1]


def test_flags_pair_regional_indicators_from_the_left():
    text = "🇷🇺🇻🇪🇺"  # two flags and a lone indicator
    assert grapheme_cuts(text) == [0, 2, 4, 5]


def test_right_to_left_text_cuts_between_letters_not_inside_marks():
    text = "مُوسْكُو"  # harakat after three of the letters
    cuts = grapheme_cuts(text)
    assert cuts == [0, 2, 3, 5, 7, 8]
    for cut in cuts[1:-1]:
        assert not extends(text[cut])
