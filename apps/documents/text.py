"""The one tokenizer and sentence splitter of Accord.

Everything in the project that needs tokens (the CoNLL export, token-level agreement) uses this
module, so that "a token" means the same thing everywhere.  Pure Python, standard library only,
deterministic: the same text always gives the same tokens.

Offsets
=======
All offsets are Unicode code points, i.e. Python ``str`` indices, start inclusive, end
exclusive.  For every token ``text[t.start:t.end] == t.text``.  A span annotated in the
interface (also in code points) is *aligned* when it starts where a token starts and ends where
a token ends; otherwise it is misaligned and the functions below report it instead of moving it.

What a token is
===============
The text is read left to right; at each position the first matching rule applies.

1. **Separators.**  Whitespace (``str.isspace``: space, tab, ``\\r``, ``\\n``, NBSP, narrow NBSP,
   the Unicode space characters, line/paragraph separators) separates tokens and is never part
   of one.  Invisible control and format characters (categories Cc and Cf: LRM/RLM and other
   bidi controls, zero-width space, BOM, a stray ZWJ) are treated the same way, except in the two
   places listed below (inside a word, inside an emoji).

2. **Words.**  A word starts with a letter or a digit (Unicode categories ``L*`` and ``N*``, any
   script: Latin, Cyrillic, Arabic, Hebrew, ...).  Combining marks (``M*``) always stay with the
   character before them, so the decomposed "Quốc" (``Quo\\u0302\\u0301c``, 6 code points) is one
   token and Arabic harakat / Hebrew niqqud stay inside their word.  The word goes on over further
   letters, digits and marks, and over these characters when they stand *between* two word
   characters:

   * an apostrophe ``'`` or ``’``: "don't", "O'Brien", "l’État", "rock'n'roll" are one token each
     -- **except** the clitic/possessive ``'s`` / ``’s`` (``s`` or ``S`` ending the word), which is
     split off as its own token, as in CoNLL-2003/Penn Treebank: "Moscow’s" -> "Moscow" + "’s",
     "it's" -> "it" + "'s".  No other contraction is split ("don't" stays whole, unlike the
     Treebank's "do" + "n't").  An apostrophe that is not between two word characters is its own
     token ("the Smiths' house" -> "Smiths" + "'"; "'90s" -> "'" + "90s").
   * a hyphen ``-`` (also U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN, U+05BE HEBREW MAQAF) between
     letters or digits: "great-power", "COVID-19", "30-year-old", "2-1" are one token.  Dashes
     (en dash, em dash) and doubled hyphens are not joiners: they are punctuation tokens.
   * ``.`` or ``,`` (and the Arabic decimal/thousands separators U+066B, U+066C) between two
     decimal digits: "1,560", "3.5", "1.234.567" are one token.
   * ZWNJ, ZWJ, soft hyphen, word joiner (U+200C, U+200D, U+00AD, U+2060) between two word
     characters (Persian and Indic spelling, hyphenation hints).
   * Hebrew geresh / gershayim (U+05F3, U+05F4) between two letters ("צה״ל").

   Letters and digits are not separated from each other: "G7", "10km", "COVID19" are one token.
   Scripts written without spaces (Chinese, Japanese, Thai) are not segmented: a run of their
   letters is one token.

3. **Words that take their final period.**  A word immediately followed by ``.`` includes the
   period when the character after the period is not a letter or digit and the word is

   * a dotted abbreviation: two or more single letters each followed by a period, like "U.S.",
     "U.N.", "U.S.A.", "e.g.", "a.m." (a trailing letter without a period, as in "U.S.A", breaks
     the pattern and falls back to the other rules);
   * a single uppercase letter -- an initial, as in "John F. Kennedy" -> "F."  (so "Plan B."
     at the end of a sentence is also "B."; see the sentence rules);
   * a known abbreviation from ``ABBREVIATIONS`` (case-sensitive): the titles Mr, Mrs, Ms, Dr,
     Prof, Gen, Sen, Rep, Gov, Lt, Col, Capt, Sgt, Maj, Adm, Cmdr, Rev, Hon, Sens, Reps, Gens,
     St, Mt, Ft, Jr, Sr, the words vs, v, etc, and the AP-style months Jan, Feb, Aug, Sept, Oct,
     Nov, Dec.  "No" takes its period only when a number follows ("No. 10" -> "No." + "10", but
     "No. We won't." -> "No" + "." + ...).

   Company suffixes (Inc, Corp, Ltd, Co) are *not* in the list: they often end sentences, and
   "Inc" + "." still lets a span end either before or after the period.

4. **Emoji.**  A whole emoji stays one token: a pair of regional indicators (a flag such as
   "🇻🇪"; a lone regional indicator is its own token), a keycap (``1️⃣``: digit or ``#``/``*``,
   optional U+FE0F, U+20E3), and a pictographic character with what extends it: variation
   selectors and other combining marks, skin-tone modifiers U+1F3FB–U+1F3FF, tag characters
   (subdivision flags such as England), and ``ZWJ`` + another pictographic character, repeatedly
   ("👨‍👩‍👧", "👍🏽", "🏳️‍🌈").  "Pictographic" means category So or a code point in the emoji blocks
   (U+1F000–U+1FAFF, U+2300–U+23FF, U+2600–U+27BF, U+2B00–U+2BFF), so emoji newer than
   Python's Unicode database are still recognised.

5. **Everything else** is a one-character token (plus any combining marks that follow it):
   punctuation ``, . ; : ! ? " “ ” ‘ ’ ( ) [ ] — – …``, symbols ``$ € % & @ # /``.  A run of
   combining marks with no base (after a space or at the start) is one token.  There is no
   special handling for URLs, e-mail addresses, hashtags or handles: they come out in pieces
   ("@" + "user"), and a span over them is still aligned.

Right-to-left text needs nothing special: offsets are logical (storage) order, Arabic and
Hebrew letters are letters, their marks are marks, "،" and "؟" are punctuation tokens.

Sentences
=========
``split_sentences`` groups the tokens of ``tokenize(text)``; every token is in exactly one
sentence, in order.  ``Sentence.start`` is its first token's start and ``Sentence.end`` its last
token's end (surrounding whitespace is outside every sentence).  A sentence ends:

1. **At every line break.**  When the whitespace between two tokens contains a line break
   (``\\n``, ``\\r``, CRLF counted as one, U+2028, U+2029, VT, FF, NEL), the sentence ends there.
   A blank line therefore always ends a sentence, and so does a single newline: news text puts
   headlines, bylines, datelines and paragraphs on their own lines, usually without final
   punctuation.  (Hard-wrapped text will be cut at each wrap.)

2. **After terminal punctuation.**  After a token ``.``, ``!``, ``?``, ``…``, ``؟`` (Arabic
   question mark), ``۔`` (Arabic full stop) or ``‼ ⁇ ⁈ ⁉`` -- together with the further
   terminators and closing quotes/brackets attached right after it (``?!``, ``...``, ``?”``,
   ``.)``) -- when whitespace follows and the next token starts with an uppercase letter, a
   letter of a script without case (Arabic, Hebrew, CJK ...), a digit, or an opening
   quote/bracket (``“ ‘ « ( [ "`` ``'``).  At the end of the text the last sentence simply ends.
   So ``“Why?” she asked.`` is one sentence and ``“Why?” She left.`` is two.

3. **Never after an abbreviation.**  A token that took its period under token rule 3 ("U.S.",
   "Mr.", "F.", "etc.", "No.") does not end a sentence, whatever follows on the same line.  This
   is deliberately ambiguous for abbreviations that can close a sentence: "in the U.S. Officials
   said" is one sentence, while "in the U.S.\\nOfficials said" is two (rule 1).

Span helpers
============
``token_index_for_spans`` maps character spans to token index ranges (``None`` when the span
does not start and end exactly on token boundaries; a span with leading/trailing whitespace is
therefore misaligned).  ``iob2_tags`` produces CoNLL IOB2 tags and reports what it could not
place.  Span lengths are measured in code points (``end - start``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from .offsets import ZWJ, is_emoji_modifier, is_regional_indicator, is_tag

__all__ = [
    "ABBREVIATIONS",
    "Sentence",
    "Token",
    "iob2_tags",
    "split_sentences",
    "token_index_for_spans",
    "token_offsets",
    "tokenize",
]


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    tokens: tuple[Token, ...]


# Words that keep a following "." (case-sensitive).  "No" only before a number (see below).
ABBREVIATIONS = frozenset(
    {
        # titles and ranks
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Sgt",
        "Maj", "Adm", "Cmdr", "Rev", "Hon", "Sens", "Reps", "Gens", "Jr", "Sr",
        # places
        "St", "Mt", "Ft",
        # AP-style months (March to July are never abbreviated)
        "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec",
        # others
        "vs", "v", "etc", "No",
    }
)  # fmt: skip
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


def token_index_for_spans(
    tokens: list[Token], spans: Iterable
) -> tuple[list[tuple[int, int] | None], list[int]]:
    """Map character spans onto token index ranges.

    ``tokens`` must be sorted and non-overlapping (as ``tokenize`` returns them).  ``spans`` is an
    iterable of ``(start, end)`` pairs in code points (longer tuples are accepted; only the first
    two items are used).  For each span, returns ``(i, j)`` such that ``tokens[i:j]`` are exactly
    the tokens it covers -- ``start == tokens[i].start`` and ``end == tokens[j - 1].end`` -- or
    ``None`` when the span starts or ends inside a token or in whitespace, or covers no token
    (empty or inverted spans).  The second item lists the indexes (into ``spans``) of the ``None``
    entries, ascending.  O((n_tokens + n_spans) log n_tokens).
    """
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    n = len(tokens)
    result: list[tuple[int, int] | None] = []
    misaligned: list[int] = []
    for index, span in enumerate(spans):
        start, end = span[0], span[1]
        if start < end:
            i = bisect_left(starts, start)
            if i < n and starts[i] == start:
                j = bisect_left(ends, end)
                if i <= j < n and ends[j] == end:
                    result.append((i, j + 1))
                    continue
        result.append(None)
        misaligned.append(index)
    return result, misaligned


def _priority(span: tuple, index: int) -> tuple:
    start, end, label = span[0], span[1], span[2]
    return (-(end - start), start, str(label), index)


def iob2_tags(tokens: list[Token], spans: Iterable) -> tuple[list[str], list[int]]:
    """IOB2 tags for ``(start, end, label)`` spans: one of "O", "B-LABEL", "I-LABEL" per token.

    Every placed span starts with "B-", so two adjacent spans of the same label give
    "B-X B-X", never "B-X I-X".  IOB cannot express overlap: spans are placed longest first
    (length in code points), then earliest start, then label name, then input order; a span
    overlapping a span already placed is skipped.  Returns the tags and the ascending indexes
    (into ``spans``) of the spans not placed: misaligned ones (see ``token_index_for_spans``)
    and overlapping ones.  Nothing is ever shifted to fit.
    """
    spans = list(spans)
    positions, skipped = token_index_for_spans(tokens, spans)
    order = sorted(
        (index for index, pos in enumerate(positions) if pos is not None),
        key=lambda index: _priority(spans[index], index),
    )
    tags = ["O"] * len(tokens)
    placed_starts: list[int] = []  # disjoint placed token ranges, sorted by start
    placed_ends: list[int] = []
    for index in order:
        i, j = positions[index]
        q = bisect_left(placed_starts, j) - 1  # the placed range starting last before j
        if q >= 0 and placed_ends[q] > i:
            skipped.append(index)
            continue
        placed_starts.insert(q + 1, i)
        placed_ends.insert(q + 1, j)
        label = spans[index][2]
        tags[i] = f"B-{label}"
        for k in range(i + 1, j):
            tags[k] = f"I-{label}"
    skipped.sort()
    return tags, skipped
