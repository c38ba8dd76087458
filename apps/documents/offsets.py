"""Offsets in code points, UTF-16 code units, and what a reader sees as one character.

Pure Python, standard library only: the server's counterpart of
static/accord/offsets.js. Accord counts offsets in Unicode code points
(Python ``str`` indices), start inclusive, end exclusive. Some tools count
UTF-16 code units instead (the browser, doccano, UIMA), where a code point
outside the Basic Multilingual Plane (most emoji) is two units. Every
conversion between the two goes through here. Nothing is ever normalised:
CRLF, combining marks and bidi controls are code points like any other.

The grapheme helpers say where a cut would split a character sequence a
reader sees as one: a letter and its combining marks, an emoji with its
modifiers, variation selectors, tags or ZWJ joins, a flag's two regional
indicators. They are the simple rules Accord needs (for snippets and for the
tokenizer's emoji), not the full Unicode segmentation algorithm.
"""

import unicodedata

ZWJ = "\u200d"


# --------------------------------------------------------------------------- UTF-16


def has_astral(text: str) -> bool:
    """Whether any code point of ``text`` takes two UTF-16 code units."""
    return not text.isascii() and any(ord(ch) > 0xFFFF for ch in text)


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_offsets(text: str) -> list[int]:
    """The UTF-16 offset of every code point offset 0..len(text) (both ends included)."""
    out = [0] * (len(text) + 1)
    position = 0
    for index, ch in enumerate(text):
        out[index] = position
        position += 2 if ord(ch) > 0xFFFF else 1
    out[len(text)] = position
    return out


class OffsetMap:
    """Converts offsets of one text between code points and UTF-16 code units.

    Built once per text (linear), then each conversion is a lookup. Without
    astral code points both counts are the same and nothing is built.
    """

    __slots__ = ("_to_cp", "_to_utf16", "length", "length16")

    def __init__(self, text: str):
        self.length = len(text)
        if not has_astral(text):
            self._to_utf16 = self._to_cp = None
            self.length16 = self.length
            return
        self._to_utf16 = utf16_offsets(text)
        self._to_cp = {unit: index for index, unit in enumerate(self._to_utf16)}
        self.length16 = self._to_utf16[-1]

    @property
    def identity(self) -> bool:
        return self._to_utf16 is None

    def to_utf16(self, offset: int) -> int:
        """The UTF-16 offset of a code point offset; ValueError outside the text."""
        if not 0 <= offset <= self.length:
            raise ValueError(f"code point offset {offset} is outside the text (0..{self.length})")
        return offset if self._to_utf16 is None else self._to_utf16[offset]

    def to_code_point(self, offset: int) -> int | None:
        """The code point offset of a UTF-16 offset, or None when it falls inside
        a surrogate pair (half a character: never rounded, the caller reports
        it); ValueError outside the text."""
        if not 0 <= offset <= self.length16:
            raise ValueError(f"UTF-16 offset {offset} is outside the text (0..{self.length16})")
        return offset if self._to_cp is None else self._to_cp.get(offset)


# --------------------------------------------------------------------------- graphemes


def is_regional_indicator(ch: str) -> bool:
    """One of the 26 letters that pair up into a flag."""
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def is_emoji_modifier(ch: str) -> bool:
    """A skin-tone modifier."""
    return 0x1F3FB <= ord(ch) <= 0x1F3FF


def is_tag(ch: str) -> bool:
    """A tag character (subdivision flags such as England's)."""
    return 0xE0020 <= ord(ch) <= 0xE007F


def is_variation_selector(ch: str) -> bool:
    return 0xFE00 <= ord(ch) <= 0xFE0F


def is_mark(ch: str) -> bool:
    """A combining mark (categories Mn, Mc, Me)."""
    return unicodedata.category(ch)[0] == "M"


def extends(ch: str) -> bool:
    """Whether ``ch`` belongs to the character before it."""
    return (
        is_mark(ch) or ch == ZWJ or is_variation_selector(ch) or is_emoji_modifier(ch) or is_tag(ch)
    )


def splits_grapheme(text: str, cut: int) -> bool:
    """Whether cutting ``text`` at ``cut`` separates two code points that belong together."""
    if cut <= 0 or cut >= len(text):
        return False
    before, after = text[cut - 1], text[cut]
    if extends(after) or before == ZWJ:
        return True
    if is_regional_indicator(before) and is_regional_indicator(after):
        # Flags pair regional indicators from the left: a cut after an odd
        # number of them falls inside a flag.
        run = 0
        while cut - run - 1 >= 0 and is_regional_indicator(text[cut - run - 1]):
            run += 1
        return run % 2 == 1
    return False
