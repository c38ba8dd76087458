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
from itertools import accumulate, groupby

__all__ = [
    "ABBREVIATIONS",
    "Sentence",
    "Token",
    "iob2_tags",
    "sentence_ends",
    "split_sentences",
    "token_index_for_spans",
    "token_offsets",
    "token_texts",
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

_TERMINATORS = ".!?\u2026\u061f\u06d4\u203c\u2047\u2048\u2049"
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_AMBIGUOUS_QUOTES = "\"'"


def _ranges(categories) -> list[tuple[int, int]]:
    """The code point ranges of the general ``categories``, read once from Python's Unicode
    database (planes 4 to 13 hold no character, 15 and 16 only private use: not read)."""
    wanted = frozenset(categories)
    out: list[tuple[int, int]] = []
    for first, last in ((first, last) for first, last, cat in _CATEGORY_RUNS if cat in wanted):
        if out and out[-1][1] + 1 == first:
            out[-1] = (out[-1][0], last)
        else:
            out.append((first, last))
    return out


def _category_runs() -> list[tuple[int, int, str]]:
    cps = (*range(0x40000), *range(0xE0000, 0xF0000))
    cats = map(unicodedata.category, map(chr, cps))
    runs, k = [], 0
    for cat, group in groupby(cats):
        n = sum(1 for _ in group)
        runs.append((cps[k], cps[k + n - 1], cat))
        k += n
    return runs


def _set(ranges: list[tuple[int, int]]) -> str:
    """A regex matching a character of ``ranges``.  The re module tests the characters beyond
    U+FFFF of a set one range after another, after a table of the others: behind a guard of one
    range, a letter or a space does not walk the emoji and historic scripts each time."""

    def body(part):
        return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in part)

    bmp = [(a, min(b, 0xFFFF)) for a, b in ranges if a <= 0xFFFF]
    astral = [(max(a, 0x10000), b) for a, b in ranges if b > 0xFFFF]
    if not astral:
        return f"[{body(bmp)}]"
    return f"(?:[{body(bmp)}]|(?=[\\U00010000-\\U0010ffff])[{body(astral)}])"


_CATEGORY_RUNS = _category_runs()
_LETTERS, _NUMBERS = ("Lu", "Ll", "Lt", "Lm", "Lo"), ("Nd", "Nl", "No")
# Letters and numbers (L*, N*) are [^\W_] and decimal digits (Nd) \d for the re module, exactly
# (tests/documents/test_tokenizer_reference.py checks every code point), and it tests those by
# category, without a table; the other classes are read from the database.
_W = r"[^\W_]"
_ND = r"\d"
_NX = _set(_ranges(("Nl", "No")))
_L = f"(?!{_NX})[^\\W\\d_]"
_UL = _set(_ranges(("Lu", "Lt")))
_M = _set(_ranges(("Mn", "Mc", "Me")))
_LNM = f"(?:{_W}|{_M})"
_SEP = f"(?:\\s|{_set(_ranges(('Cc', 'Cf')))})"
_P = _set(
    [*_ranges(("So",)), (0x1F000, 0x1FAFF), (0x2300, 0x23FF), (0x2600, 0x27BF), (0x2B00, 0x2BFF)]
)
_RI = "[\U0001f1e6-\U0001f1ff]"
# The same in the BMP only, as one table each: the commonest tokens' test (a letter or number
# there not a decimal digit, for a word that ends before a comma or a period).
_WB = _set([r for r in _ranges((*_LETTERS, *_NUMBERS)) if r[1] <= 0xFFFF])
_LB = _set([r for r in _ranges((*_LETTERS, "Nl", "No")) if r[1] <= 0xFFFF])
_KEYCAP = "[0-9]\ufe0f?\u20e3"
# A run of word characters with the marks after it: digits (not a keycap's, which ends a word
# before it), or letters and other numbers.  The run's last character says whether a digit
# separator ("1,560") or a geresh ("צה״ל") may join it to the next run.
_RUN = (
    f"(?:(?!{_KEYCAP})\\d+(?:(?!\ufe0f?\u20e3)|(?<![0-9])){_M}*(?:[.,\u066b\u066c](?=\\d))?"
    f"|[^\\W\\d_]+(?:(?<!{_NX}){_M}*[\u05f3\u05f4](?={_L})|{_M}*))"
)
# An apostrophe, hyphen or word joiner before a word character; not the "'s" split off.
_JOINER = (
    f"(?:['\u2019](?={_W})(?![sS](?!{_LNM}))|[-\u2010\u2011\u05be\u200c\u200d\u00ad\u2060](?={_W}))"
)
_ABBREVIATED = "|".join(sorted(ABBREVIATIONS - _NEEDS_NUMBER, key=len, reverse=True))
_POSSESSIVE = f"['\u2019][sS](?!{_LNM})"

# The token starting at a position: the first alternative that matches, in the rules' order;
# what none matches is a separator.  A word keeps a "'s" that splits off (token_offsets splits
# it): the one group is the whole token, for re.split.
_TOKEN = re.compile(
    f"((?!{_SEP})(?:"  # (the guard lets a separator fail at once)
    # first the commonest tokens, never extended by a later rule: a word of letters and digits
    # before a space or a mark that joins nothing to it (a comma joins digits), a word of two or
    # more ending in a letter before a period it cannot keep, a punctuation mark before a space
    f'{_WB}+(?=[ \\n\\t\\r;:!?)\\]"])|{_WB}*{_LB}(?=,)'
    f"|(?!(?:{_ABBREVIATED}|No)\\.){_WB}{_WB}+(?<={_LB})(?=\\.)"
    '|[.,;:!?)\\]"](?=[ \\n]|\\Z)'
    f"|{_KEYCAP}"  # a keycap emoji
    f"|(?=[A-Za-z]{{2,4}}\\.|{_L}{_M}*\\.)(?:"  # then the words that may keep a period:
    f"(?:{_L}{_M}*\\.){{2,}}(?!{_W})"  # a dotted abbreviation, "U.S."
    f"|{_UL}{_M}*\\.(?!{_W})"  # an initial, "F."
    f"|(?:{_ABBREVIATED})\\.(?!{_W})"  # a known abbreviation, "Mr."
    f"|No\\.(?=\\s*{_ND}))"  # "No." before a number
    f"|{_RUN}(?:{_RUN}|{_JOINER})*(?:{_POSSESSIVE})?"  # a word
    f"|{_M}+"  # combining marks with no base
    f"|{_RI}{_RI}?"  # a flag, or a lone regional indicator
    f"|{_P}(?:{_M}|[\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]"
    f"|\u200d(?!{_RI}){_P})*"  # a pictographic emoji and what extends it
    f"|.{_M}*"  # any other character
    "))",
    re.DOTALL,
)
_SPLIT_POSSESSIVE = re.compile(_POSSESSIVE)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens (see the module docstring for the rules)."""
    if not isinstance(text, str):
        raise TypeError(f"tokenize() expects str, not {type(text).__name__}")
    offsets, texts = token_texts(text)
    # Built through the slots' own setters: the frozen dataclass's __init__ goes through
    # object.__setattr__ for each field, twice the cost of a token on news text.
    new, set_start, set_end, set_text = object.__new__, _SET_START, _SET_END, _SET_TEXT
    tokens = []
    for (start, end), word in zip(offsets, texts, strict=True):
        token = new(Token)
        set_start(token, start)
        set_end(token, end)
        set_text(token, word)
        tokens.append(token)
    return tokens


_SET_START, _SET_END, _SET_TEXT = Token.start.__set__, Token.end.__set__, Token.text.__set__


def token_offsets(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each token of ``text``: ``tokenize`` without the Token objects."""
    if not isinstance(text, str):
        raise TypeError(f"token_offsets() expects str, not {type(text).__name__}")
    return token_texts(text)[0]


def token_texts(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The ``(start, end)`` of each token of ``text`` and its text.

    One compiled expression splits the text into separators and tokens, whose lengths add up
    to the offsets: no Python runs per token, only per "'s" split off a word."""
    if not isinstance(text, str):
        raise TypeError(f"token_texts() expects str, not {type(text).__name__}")
    parts = _TOKEN.split(text)
    bounds = list(accumulate(map(len, parts)))
    offsets = list(zip(bounds[:-1:2], bounds[1::2], strict=True))
    texts = parts[1::2]
    if "'" in text or "\u2019" in text:
        ends = bounds[1::2]
        for match in reversed(list(_SPLIT_POSSESSIVE.finditer(text))):
            split, end = match.span()
            k = bisect_left(ends, end)
            if k < len(ends) and ends[k] == end and offsets[k][0] < split:
                start = offsets[k][0]
                offsets[k : k + 1] = [(start, split), (split, end)]
                texts[k : k + 1] = [text[start:split], text[split:end]]
    return offsets, texts


_BREAK_OR_TERMINATOR = re.compile(f"[{_LINE_BREAKS}{_TERMINATORS}]")
_SPACE = re.compile(r"\s").search


def _is_closer(ch: str) -> bool:
    return ch in _AMBIGUOUS_QUOTES or unicodedata.category(ch) in ("Pe", "Pf")


def _starts_sentence(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat in ("Lu", "Lt", "Lo", "Ps", "Pi") or cat[0] == "N" or ch in _AMBIGUOUS_QUOTES


def sentence_ends(text: str, offsets: list[tuple[int, int]]) -> list[int]:
    """The indexes into ``offsets`` (``token_offsets(text)``) of the tokens that end a sentence,
    ascending; the last token always does.  Only line breaks and terminators are looked at, so
    the cost follows their number, not the tokens'."""
    n = len(offsets)
    if not n:
        return []
    starts = [start for start, _ in offsets]
    ends = {n - 1}
    for match in _BREAK_OR_TERMINATOR.finditer(text):
        position = match.start()
        k = bisect_left(starts, position)
        if text[position] in _LINE_BREAKS:
            # whitespace, never in a token: the break is in the gap before token k
            if 0 < k < n:
                ends.add(k - 1)
            continue
        if k >= n - 1 or starts[k] != position:
            continue  # a terminator inside a token ("U.S.", "3.5"), or the last token
        m = k  # with the terminators and closers attached right after it
        while (
            m + 1 < n
            and starts[m + 1] == offsets[m][1]
            and (text[starts[m + 1]] in _TERMINATORS or _is_closer(text[starts[m + 1]]))
        ):
            m += 1
        if m + 1 < n:
            gap = text[offsets[m][1] : starts[m + 1]]
            if _SPACE(gap) and _starts_sentence(text[starts[m + 1]]):
                ends.add(m)
    return sorted(ends)


def split_sentences(text: str) -> list[Sentence]:
    """Group ``tokenize(text)`` into sentences (see the module docstring for the rules)."""
    tokens = tokenize(text)
    sentences: list[Sentence] = []
    first = 0
    for k in sentence_ends(text, [(t.start, t.end) for t in tokens]):
        group = tuple(tokens[first : k + 1])
        sentences.append(Sentence(group[0].start, group[-1].end, group))
        first = k + 1
    return sentences


def _bounds(tokens) -> tuple[list[int], list[int]]:
    if not tokens:
        return [], []
    if isinstance(tokens[0], Token):
        return [t.start for t in tokens], [t.end for t in tokens]
    starts, ends = zip(*tokens, strict=True)
    return list(starts), list(ends)


def token_index_for_spans(
    tokens: list[Token], spans: Iterable
) -> tuple[list[tuple[int, int] | None], list[int]]:
    """Map character spans onto token index ranges.

    ``tokens`` must be sorted and non-overlapping: ``tokenize``'s Tokens, or the ``(start, end)``
    pairs of ``token_offsets``.  ``spans`` is an
    iterable of ``(start, end)`` pairs in code points (longer tuples are accepted; only the first
    two items are used).  For each span, returns ``(i, j)`` such that ``tokens[i:j]`` are exactly
    the tokens it covers -- ``start == tokens[i].start`` and ``end == tokens[j - 1].end`` -- or
    ``None`` when the span starts or ends inside a token or in whitespace, or covers no token
    (empty or inverted spans).  The second item lists the indexes (into ``spans``) of the ``None``
    entries, ascending.  O((n_tokens + n_spans) log n_tokens).
    """
    starts, ends = _bounds(tokens)
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
    """IOB2 tags for ``(start, end, label)`` spans: one of "O", "B-LABEL", "I-LABEL" per token
    (Tokens or ``(start, end)`` pairs, as for ``token_index_for_spans``).

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
