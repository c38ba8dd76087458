"""The tokenizer and sentence splitter as they were before the one-regex tokenizer of
apps/documents/text.py: a character-by-character scanner.  Kept here only, as the reference the
new code is proven equal to (tests/documents/test_tokenizer_reference.py).  Do not use it
outside the tests."""

import re
import unicodedata

from apps.documents.offsets import ZWJ, is_emoji_modifier, is_regional_indicator, is_tag
from apps.documents.text import ABBREVIATIONS, Sentence, Token

_NEEDS_NUMBER = frozenset({"No"})

_APOSTROPHES = frozenset("'\u2019")
_HYPHENS = frozenset("-\u2010\u2011\u05be")
_DIGIT_SEPARATORS = frozenset(".,\u066b\u066c")
_WORD_JOINERS = frozenset("\u200c\u200d\u00ad\u2060")
_HEBREW_IN_WORD = frozenset("\u05f3\u05f4")

_KEYCAP = "\u20e3"
_VS16 = "\ufe0f"
_ASCII_DIGITS = frozenset("0123456789")

_TERMINATORS = frozenset(".!?\u2026\u061f\u06d4\u203c\u2047\u2048\u2049")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_AMBIGUOUS_QUOTES = frozenset("\"'")


def _is_pictographic(ch: str, cat: str) -> bool:
    cp = ord(ch)
    return (
        cat == "So"
        or 0x1F000 <= cp <= 0x1FAFF
        or 0x2300 <= cp <= 0x23FF
        or 0x2600 <= cp <= 0x27BF
        or 0x2B00 <= cp <= 0x2BFF
    )


class _Scanner:
    """One pass over a text; ``cats`` holds the general category of every code point."""

    __slots__ = ("cats", "n", "text")

    def __init__(self, text: str, cats: list | None = None) -> None:
        self.text = text
        self.n = len(text)
        self.cats = [unicodedata.category(ch) for ch in text] if cats is None else cats

    def is_word(self, k: int) -> bool:
        return k < self.n and self.cats[k][0] in "LN"

    def skip_marks(self, k: int) -> int:
        cats, n = self.cats, self.n
        while k < n and cats[k][0] == "M":
            k += 1
        return k

    def keycap_end(self, k: int) -> int | None:
        """End of a keycap emoji starting at k with an ASCII digit, else None."""
        text, n = self.text, self.n
        if text[k] not in _ASCII_DIGITS:
            return None
        j = k + 1
        if j < n and text[j] == _VS16:
            j += 1
        if j < n and text[j] == _KEYCAP:
            return j + 1
        return None

    def dotted_abbreviation_end(self, i: int) -> int | None:
        """End of "U.S."-like abbreviation (>= 2 single letters each with a period) at i."""
        text, cats, n = self.text, self.cats, self.n
        k, count = i, 0
        while k < n and cats[k][0] == "L":
            after = self.skip_marks(k + 1)
            if after < n and text[after] == ".":
                count += 1
                k = after + 1
            else:
                return None
        if count >= 2 and not self.is_word(k):
            return k
        return None

    def word_end(self, i: int) -> tuple[int, int | None]:
        """Scan the word starting at i.

        Returns (end, possessive_end): possessive_end is the end of a split-off "'s" token
        that starts at ``end``, or None.
        """
        text, cats, n = self.text, self.cats, self.n
        j = i + 1
        last_cat = cats[i]
        while True:
            j = self.skip_marks(j)
            if j >= n:
                return j, None
            cat = cats[j]
            if cat[0] in "LN":
                if self.keycap_end(j) is not None:
                    return j, None
                last_cat = cat
                j += 1
                continue
            if not self.is_word(j + 1):
                return j, None
            ch = text[j]
            if ch in _APOSTROPHES:
                if text[j + 1] in "sS" and not (j + 2 < n and cats[j + 2][0] in "LNM"):
                    return j, j + 2
            elif ch in _HYPHENS or ch in _WORD_JOINERS:
                pass
            elif ch in _DIGIT_SEPARATORS:
                if last_cat != "Nd" or cats[j + 1] != "Nd":
                    return j, None
            elif ch in _HEBREW_IN_WORD:
                if last_cat[0] != "L" or cats[j + 1][0] != "L":
                    return j, None
            else:
                return j, None
            j += 1

    def takes_period(self, i: int, j: int) -> bool:
        """Does the word text[i:j] (followed by "." at j) keep the period?"""
        text, cats, n = self.text, self.cats, self.n
        if self.is_word(j + 1):
            return text[i:j] in _NEEDS_NUMBER and cats[j + 1] == "Nd"
        word = text[i:j]
        if cats[i] in ("Lu", "Lt") and self.skip_marks(i + 1) == j:
            return True  # an initial
        if word not in ABBREVIATIONS:
            return False
        if word in _NEEDS_NUMBER:
            k = j + 1
            while k < n and text[k].isspace():
                k += 1
            return k < n and cats[k] == "Nd"
        return True

    def other_end(self, i: int) -> int:
        """End of a non-word token starting at i (punctuation, symbol, emoji)."""
        text, cats, n = self.text, self.cats, self.n
        if is_regional_indicator(text[i]):
            if i + 1 < n and is_regional_indicator(text[i + 1]):
                return i + 2
            return i + 1
        pictographic = _is_pictographic(text[i], cats[i])
        j = i + 1
        while j < n:
            ch = text[j]
            if cats[j][0] == "M" or (pictographic and (is_emoji_modifier(ch) or is_tag(ch))):
                j += 1
            elif (
                pictographic
                and ch == ZWJ
                and j + 1 < n
                and _is_pictographic(text[j + 1], cats[j + 1])
                and not is_regional_indicator(text[j + 1])
            ):
                j += 2
            else:
                break
        return j

    def tokens(self) -> list[Token]:
        text = self.text
        return [Token(start, end, text[start:end]) for start, end in self.scan(0, self.n, [])]

    def scan(self, i: int, stop: int, out: list) -> list:
        """Append the (start, end) of the tokens from i to ``stop`` to ``out``.

        ``i`` must be where a token may start (0, or the end of a token, or after whitespace),
        and ``stop`` the end of the text or a position right after whitespace.  Only the
        categories of ``cats[i:stop + 1]`` are read.
        """
        text, cats, n = self.text, self.cats, self.n
        while i < stop:
            ch = text[i]
            cat = cats[i]
            if ch.isspace() or cat in ("Cc", "Cf"):
                i += 1
                continue
            if cat[0] in "LN":
                end = self.keycap_end(i)
                if end is None:
                    end = self.dotted_abbreviation_end(i)
                if end is not None:
                    out.append((i, end))
                    i = end
                    continue
                end, possessive_end = self.word_end(i)
                if (
                    possessive_end is None
                    and end < n
                    and text[end] == "."
                    and self.takes_period(i, end)
                ):
                    end += 1
                out.append((i, end))
                if possessive_end is not None:
                    out.append((end, possessive_end))
                    end = possessive_end
                i = end
                continue
            # a run of combining marks with no base, or punctuation / symbol / emoji
            end = self.skip_marks(i) if cat[0] == "M" else self.other_end(i)
            out.append((i, end))
            i = end
        return out


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens (see the module docstring for the rules)."""
    if not isinstance(text, str):
        raise TypeError(f"tokenize() expects str, not {type(text).__name__}")
    return [Token(start, end, text[start:end]) for start, end in token_offsets(text)]


# A plain ASCII word standing alone: after whitespace (or at the start), made of ASCII letters
# and digits only, followed by whitespace or the end -- optionally after one opening mark and
# through closing marks, none of which can join it to anything.  For such a word the rules above
# give exactly the word and each mark as tokens, so it needs no character-by-character scan.  A
# period right after the word is accepted by ``token_offsets`` only when the word cannot take it
# (rule 3).  Everything else -- non-ASCII text, apostrophes or hyphens inside words, numbers with
# separators, emoji, other spaces -- goes to the scanner.
_PLAIN_WORD = re.compile(
    r"[ \t\n\r]*(?<![^ \t\n\r])"  # whitespace, then the start of the group
    r"([(\[\"'$]?)"  # an opening mark
    r"([A-Za-z0-9]+)"  # the word
    r"([.,;:!?)\]\"']*)"  # closing marks
    r"(?=[ \t\n\r]|\Z)"  # then whitespace or the end
)


def token_offsets(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each token of ``text``: ``tokenize`` without the Token objects.

    Plain ASCII words are found with one regular expression; the stretches between them go
    through the character-by-character scanner, which reads the Unicode categories of those
    stretches only.  The result is the same as scanning the whole text.
    """
    if not isinstance(text, str):
        raise TypeError(f"token_offsets() expects str, not {type(text).__name__}")
    n = len(text)
    out: list[tuple[int, int]] = []
    cats: list = [None] * n
    scanner = _Scanner(text, cats)
    category = unicodedata.category
    pos = 0
    for match in _PLAIN_WORD.finditer(text):
        first = match.start(1)
        start, end = match.span(2)
        stop = match.end(3)
        if (
            end < stop
            and text[end] == "."
            and (end - start < 2 or text[start:end] in ABBREVIATIONS)
        ):
            continue  # an initial or an abbreviation may keep its period: let the scanner decide
        if match.start() > pos:
            cats[pos : first + 1] = map(category, text[pos : first + 1])
            scanner.scan(pos, first, out)
        if first < start:
            out.append((first, start))
        out.append((start, end))
        for k in range(end, stop):
            out.append((k, k + 1))
        pos = stop
    if pos < n:
        cats[pos:] = map(category, text[pos:])
        scanner.scan(pos, n, out)
    return out


def _is_closer(ch: str) -> bool:
    return ch in _AMBIGUOUS_QUOTES or unicodedata.category(ch) in ("Pe", "Pf")


def _starts_sentence(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat in ("Lu", "Lt", "Lo", "Ps", "Pi") or cat[0] == "N" or ch in _AMBIGUOUS_QUOTES


def split_sentences(text: str) -> list[Sentence]:
    """Group ``tokenize(text)`` into sentences (see the module docstring for the rules)."""
    tokens = tokenize(text)
    n = len(tokens)
    if not n:
        return []
    ends_here = [False] * n
    ends_here[-1] = True
    for k in range(n - 1):
        gap = text[tokens[k].end : tokens[k + 1].start]
        if any(ch in _LINE_BREAKS for ch in gap):
            ends_here[k] = True
    k = 0
    while k < n - 1:
        if tokens[k].text[0] not in _TERMINATORS:
            k += 1
            continue
        m = k
        while (
            m + 1 < n
            and tokens[m + 1].start == tokens[m].end
            and (tokens[m + 1].text[0] in _TERMINATORS or _is_closer(tokens[m + 1].text[0]))
        ):
            m += 1
        if m + 1 < n:
            gap = text[tokens[m].end : tokens[m + 1].start]
            if any(ch.isspace() for ch in gap) and _starts_sentence(tokens[m + 1].text[0]):
                ends_here[m] = True
        k = m + 1
    sentences: list[Sentence] = []
    first = 0
    for k in range(n):
        if ends_here[k]:
            group = tuple(tokens[first : k + 1])
            sentences.append(Sentence(group[0].start, group[-1].end, group))
            first = k + 1
    return sentences
