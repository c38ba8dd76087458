"""The one-regex tokenizer of apps/documents/text.py gives exactly the tokens and sentences of
the character-by-character scanner it replaced (tests/documents/reference_tokenizer.py), on
generated text that goes for every rule's edges and on news-like corpus text."""

import itertools
import random

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apps.documents.text import sentence_ends, split_sentences, token_offsets, tokenize

from . import reference_tokenizer as reference

# Pieces that meet the rules' edges: abbreviations and initials, possessives, joiners, digit
# groups, keycaps, flags, ZWJ sequences, skin tones, tags, marks, RTL text and its controls,
# every kind of line break and space, terminators and closers.
PIECES = [
    "a", "Z", "No", "Mr", "Mrs", "U", "S", "s", "e", "g", "v", "vs", "etc", "Inc", "St", "Dec",
    "Sept", "word", "Moscow", "O", "Brien", "it", "don", "t", "10", "1", "0", "7", "3.5",
    "٣", "١٢", "²", "Ⅻ", "❶", "'s", "’s", "'S", "'", "’", "-", "\u2010", "\u2011", "\u05be", "--",
    "\u2013", "\u2014", ".", ",", ";", ":", "!", "?", "…", "?!", "؟", "۔", "‼", "\u066b",
    "\u066c", ")", "]", "(", "[", '"', "“", "”", "‘", "«", "»", "$", "%", "#", "*", "@", "/",
    " ", "  ", "\t", "\n", "\r\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\xa0",
    "\u202f", "\u2009", "\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\ufeff", "\u200e",
    "\u200f", "\u202b", "\x00", "\x1c", "é", "e\u0301", "Quo\u0302\u0301c", "\u0301", "\u0302",
    "\u20e3", "\ufe0f", "1\ufe0f\u20e3", "#\ufe0f\u20e3", "🇻🇪", "🇻", "🇪", "🏴\U000e0067\U000e0062"
    "\U000e0065\U000e006e\U000e0067\U000e007f", "\U000e0067", "👨", "👩", "👧", "👍", "🏽", "🏳",
    "🌈", "\U0001fae8", "☕", "⌚", "⬛", "©", "قالَ", "الرئيسُ", "\u05e6\u05d4\u05f4\u05dc",
    "\u05f3", "\u05f4", "שָׁלוֹם", "Москва", "北京", "ไทย", "\u0928\u092e\u0938\u094d\u0924\u0947",
    "\u06a9\u062a\u0627\u0628\u200c\u0647\u0627", "\ue000", "\U0010ffff", "\U00050000",
]  # fmt: skip

pieces = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
# Any code point but lone surrogates (a str from a request or a file cannot hold them),
# weighted towards the interesting ones by mixing in the pieces.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
mixed = st.lists(st.one_of(st.sampled_from(PIECES), any_text), max_size=12).map("".join)


NEWS = [
    "the", "minister", "said", "government", "talks", "sanctions", "oil", "border", "Mr.",
    "Dr.", "Nicolás", "Rodríguez", "Caracas", "Moscow’s", "Brasília", "São", "Quốc", "🇻🇪",
    "U.S.", "U.N.", "1,560", "3.5%", "30-year-old", "COVID-19", "“We", "won’t,”", "she",
    "said.", "(Reuters)", "—", "Feb.", "3", "No.", "10", "Inc.", "Jan.", "etc.", "J.", "Smith,",
    'e.g.', 'St.', 'Louis',
]  # fmt: skip


def news(seed: int) -> str:
    """News-like text: the export bench's words, names, abbreviations and flags, in sentences
    and paragraphs, with some of the pieces thrown in."""
    rng = random.Random(seed)
    words = []
    for _ in range(rng.randint(50, 250)):
        word = rng.choice(NEWS) if rng.random() < 0.9 else rng.choice(PIECES)
        if rng.random() < 0.07:
            word += rng.choice([".", ".", "?", "!", ".\n", ".\n\n", "”.", "…"])
        words.append(word)
    return " ".join(words)


def same_as_reference(text: str) -> None:
    expected = reference.token_offsets(text)
    assert expected == [(t.start, t.end) for t in reference._Scanner(text).tokens()]
    offsets = token_offsets(text)
    assert offsets == expected
    assert tokenize(text) == reference.tokenize(text)
    assert split_sentences(text) == reference.split_sentences(text)
    last, expected_ends = -1, []
    for sentence in reference.split_sentences(text):
        last += len(sentence.tokens)
        expected_ends.append(last)
    assert sentence_ends(text, offsets) == expected_ends


EXAMPLES = [
    "Venezuela’s “great-power” bet: 1,560 troops, 3.5% of GDP… says U.S. Sen. Ruiz.\r\n"
    "Quo\u0302\u0301c Anh 🇻🇪 👨\u200d👩\u200d👧 👍🏽 1\ufe0f\u20e3 \u200fقالَ\u00a0الرئيسُ؟ "
    "\u05e6\u05d4\u05f4\u05dc\tשָׁלוֹם (O'Brien) don't\u2014Smiths' #tag @user\n\n"
    "\u0301 lone mark, e\u0301te\u0301 done!",
    "No. 10 and No.\n7, No. We won't. x's's a-1\ufe0f\u20e3 1.2\u20e3 U.S.A U.S. Officials",
    "“Why?” she asked. “Why?” She left. It ended.) (Then) 'Quoted.' \"Yes.\" 5 x",
    "👨\u200d🇻🇪 🏳\ufe0f\u200d🌈 👍🏽\u200d ☕\u200d☕ ❶\u200d❶ 1\u0301,2 a’S's \u05d0\u05f3\u05d1 "
    "1\u05f32 \u05d0\u05b8\u05f3\u05d1 Ⅻ\u05f3\u05d0 ²\u05f3\u05d0 \u05d0\u05f3Ⅻ "
    "ab\u200bcd a-\u0301b F.B U.S.A. a.b.c.d \u0301\u0302x -\u0301's Mr\u0301. Ǆ. ǅ.",
]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces)
@example("")
@example(EXAMPLES[0])
@example(EXAMPLES[1])
@example(EXAMPLES[2])
@example(EXAMPLES[3])
def test_same_tokens_and_sentences_on_the_rules_edges(text):
    same_as_reference(text)


@settings(max_examples=400, deadline=None)
@given(mixed)
def test_same_tokens_and_sentences_on_any_text(text):
    same_as_reference(text)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10_000))
def test_same_tokens_and_sentences_on_news(seed):
    same_as_reference(news(seed))


def test_the_re_modules_classes_are_the_categories_the_rules_name():
    """text.py reads letters and numbers as [^\\W_], decimal digits as \\d and whitespace as
    \\s: the same characters as the categories (and str.isspace), on every code point."""
    import re
    import unicodedata

    word, digit, space = re.compile(r"[^\W_]"), re.compile(r"\d"), re.compile(r"\s")
    for cp in range(0x110000):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        assert (word.match(ch) is not None) == (cat[0] in "LN"), hex(cp)
        assert (digit.match(ch) is not None) == (cat == "Nd"), hex(cp)
        assert (space.match(ch) is not None) == ch.isspace(), hex(cp)


def test_same_tokens_and_sentences_on_the_recommender_corpus():
    """The news-like corpus of bench/recommender_corpus.py: names, initials, possessives,
    datelines, quotes, CRLF and blank-line paragraphs."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "recommender_corpus.py"
    spec = importlib.util.spec_from_file_location("recommender_corpus", path)
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    documents = corpus.build(150, seed=3) + corpus.build(50, seed=4, test=True)
    assert any("\r\n" in document.text for _, document in documents)
    for _, document in documents:
        same_as_reference(document.text)


# One character of each kind the rules tell apart.
KINDS = [
    "a", "S", "s", "N", "o", "1", "0", "٣", "Ⅻ", "'", "’", ".", ",", "-", "\u05f3", "\u05d0",
    "\u0301", "\u20e3", "\ufe0f", "\u200d", "👨", "🇻", "🏽", "\U000e0067", " ", "\n", "?", "”",
    "\u200b",
]  # fmt: skip


def test_same_tokens_and_sentences_on_every_short_string_of_the_kinds():
    """Every string of up to three of them (25,259 strings)."""
    for length in (1, 2, 3):
        for combination in itertools.product(KINDS, repeat=length):
            same_as_reference("".join(combination))
