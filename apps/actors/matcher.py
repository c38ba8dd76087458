"""Finding every alias of the actor registry in a text, in one pass.

Pure: plain data in, plain data out, standard library only. Build a
`Matcher` once per registry, then call `find(text)` for each document.

The rules
=========
- **Whole words.** A word character is a letter, a digit or a combining mark
  (Unicode categories L*, N*, M*); everything else (space, punctuation,
  symbols, emoji, "_") is a boundary. A match must not have a word character
  just before its start or just after its end, so "Iran" matches in "Iran's",
  "(Iran)" and "Iran." but not in "Iranian". A combining mark after a match's
  last letter means the match would end inside a grapheme ("Iran" + U+0303),
  so it is not a match. As in ``apps/documents/text.py`` (the tokenizer),
  ZWJ, ZWNJ, word joiner and soft hyphen *between two word characters* join
  them into one word; elsewhere (before an emoji, say) they are boundaries.
- **Case.** An alias matches exactly unless it is marked case-insensitive.
  Case-insensitive comparison uses a *length-preserving* fold: each code point
  is replaced by its full case fold when that is a single code point, else by
  its lower case when that is a single code point, else kept. So "ẞ" matches
  "ß" and "Σ" matches "ς" and "σ", but "ß" does not match "ss" (that would
  change the length and move every later offset). Offsets are therefore the
  code points of the original text, with no mapping back needed.
- **Overlaps.** Where matches overlap, the longest wins, then the leftmost;
  the winners never overlap.
- The same text may be an alias of several actors: a match lists every actor
  it names (sorted), and the caller decides what an ambiguous match means.

Why a trie walked from each word start, not an Aho–Corasick automaton
=====================================================================
Matches may only start at a word start, so we never need Aho–Corasick's
failure links: at each word start we walk a character trie of the folded
aliases as far as the text follows it, and keep the longest alias that ends
at a word boundary. Most walks stop after one or two characters, so the work
is one pass over the word starts, bounded by the longest alias, and it does
not grow with the number of aliases (each step is one dict lookup). An
Aho–Corasick automaton would also report every occurrence inside words
("Iran" in "Iranian") only to throw it away, and in pure Python its
per-character transitions cost the same dict lookup as ours, on every
character instead of only from word starts. The candidate word starts are
found by one C-level regex scan.
"""

import re
import unicodedata
from bisect import bisect_left, insort
from dataclasses import dataclass
from itertools import pairwise

# Characters that join two word characters into one word (see the tokenizer).
JOINERS = frozenset("\u200c\u200d\u2060\u00ad")

# Positions whose previous character is not alphanumeric: a superset of the
# word starts (letters and digits are exactly what Python calls alphanumeric,
# but "_" and combining marks, which `re` counts differently, are checked
# again precisely in `_starts_word`).
_CANDIDATE = re.compile(r"(?<![^\W_])\S")

_word_cache: dict[str, bool] = {}
_fold_cache: dict[str, str] = {}


def is_word_char(char):
    """A letter, a digit or a combining mark."""
    known = _word_cache.get(char)
    if known is None:
        known = _word_cache[char] = unicodedata.category(char)[0] in "LNM"
    return known


def fold_char(char):
    """The one-code-point case fold of `char` (see the module docstring)."""
    folded = _fold_cache.get(char)
    if folded is None:
        folded = char.casefold()
        if len(folded) != 1:
            folded = char.lower()
            if len(folded) != 1:
                folded = char
        _fold_cache[char] = folded
    return folded


def fold(text):
    """Fold a text for case-insensitive comparison; the result has the same
    length as `text`, so its offsets are the text's offsets."""
    folded = text.casefold()
    if len(folded) == len(text):
        # casefold works code point by code point and never shortens, so an
        # unchanged length means no code point expanded: the fast path is exact.
        return folded
    return "".join(map(fold_char, text))


def _is_inside_word(text, index):
    """Whether text[index] continues the word that ends at text[index - 1]."""
    char = text[index]
    if is_word_char(char):
        return True
    return (
        char in JOINERS
        and index + 1 < len(text)
        and is_word_char(text[index + 1])
        and index > 0
        and is_word_char(text[index - 1])
    )


def _starts_word(text, start):
    return start == 0 or not _is_inside_word(text, start - 1)


def _ends_word(text, end):
    return end == len(text) or not _is_inside_word(text, end)


@dataclass(frozen=True, order=True)
class Match:
    start: int
    end: int
    # Every actor the matched text is an alias of, sorted.
    actors: tuple

    @property
    def length(self):
        return self.end - self.start


class _Node:
    __slots__ = ("children", "exact", "folded")

    def __init__(self):
        self.children = {}
        # Case-sensitive aliases ending here: original text -> actors.
        self.exact = None
        # Actors with a case-insensitive alias ending here.
        self.folded = None


class Matcher:
    """An automaton of every alias, built once, used for many texts.

    `aliases` is an iterable of ``(text, case_sensitive, actor)``; `actor`
    is any sortable, hashable value (an actor id). Empty aliases are ignored.
    """

    def __init__(self, aliases):
        self.root = _Node()
        self.size = 0
        for text, case_sensitive, actor in aliases:
            if not text:
                continue
            node = self.root
            for char in fold(text):
                child = node.children.get(char)
                if child is None:
                    child = node.children[char] = _Node()
                node = child
            if case_sensitive:
                if node.exact is None:
                    node.exact = {}
                node.exact.setdefault(text, set()).add(actor)
            else:
                if node.folded is None:
                    node.folded = set()
                node.folded.add(actor)
            self.size += 1

    def _longest_at(self, text, folded, start):
        """The longest alias starting at `start` and ending at a word end."""
        node = self.root
        best = None
        index = start
        length = len(text)
        while index < length:
            node = node.children.get(folded[index])
            if node is None:
                break
            index += 1
            if (node.exact is None and node.folded is None) or not _ends_word(text, index):
                continue
            actors = set(node.folded) if node.folded else set()
            if node.exact:
                actors |= node.exact.get(text[start:index], set())
            if actors:
                best = Match(start, index, tuple(sorted(actors)))
        return best

    def candidates(self, text):
        """For every word start, the longest alias there (they may overlap)."""
        if not self.root.children:
            return []
        folded = fold(text)
        root = self.root.children
        found = []
        for m in _CANDIDATE.finditer(text):
            start = m.start()
            if folded[start] in root and _starts_word(text, start):
                match = self._longest_at(text, folded, start)
                if match is not None:
                    found.append(match)
        return found

    def find(self, text):
        """Non-overlapping matches in text order: longest first, then leftmost."""
        found = self.candidates(text)
        # Most texts have no overlapping candidates at all: keep them as they are.
        if all(a.end <= b.start for a, b in pairwise(found)):
            return found
        chosen = []
        taken = []  # sorted (start, end) of chosen matches, which never overlap
        for match in sorted(found, key=lambda m: (-m.length, m.start)):
            if not _overlaps(taken, match.start, match.end):
                insort(taken, (match.start, match.end))
                chosen.append(match)
        chosen.sort()
        return chosen


def _overlaps(taken, start, end):
    index = bisect_left(taken, (start, end))
    if index < len(taken) and taken[index][0] < end:
        return True
    return index > 0 and taken[index - 1][1] > start
