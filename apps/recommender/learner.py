"""The recommender's entity model: a linear-chain CRF trained on the project's own spans.

Pure Python plus python-crfsuite (a C library with per-token marginals and
models of a few hundred kilobytes); no Django, no downloaded weights.  Plain
data in (``Example``), plain data out (``Prediction``), so the training job,
the suggestion pass and the bench share one implementation and the tests need
no database.  Why a CRF and not spaCy: docs/architecture.md ("The recommender").

Tokens and sentences
====================
Text is cut by ``apps.documents.text`` -- the one tokenizer of Accord -- so
code points, emoji, combining marks, CRLF, right-to-left scripts and
punctuation attached to words ("Moscow's", "U.S.", "(Reuters)") are treated
exactly as the exports and token agreement treat them.  A CRF sequence is one
sentence of ``split_sentences``.  Every suggested span therefore starts at a
token's start and ends at a token's end, inside the text.

Training data
=============
Spans are ``(start, end, label)`` in code points, end exclusive.  Only spans
whose label is in ``labels`` are learned.  BIO tags cannot hold overlapping
spans, so the rule of ``iob2_tags`` applies: the longest span (in code points)
wins, then the leftmost, then the label name; a span overlapping one already
placed is left out.  Spans that do not start and end on token boundaries, and
spans that cross a sentence boundary, are left out too.  ``Model.training``
counts what was learned and what was left out, and why.

Confidence and uncertainty
==========================
A suggested span's ``confidence`` is the *smallest marginal probability* of
its tokens' tags (B-X on the first token, I-X on the others, as decoded) under the CRF:
the probability, summed over all tag sequences, that the weakest token of the
span carries the tag the span needs.  It lies in (0, 1] and falls whenever any
one token of the span is in doubt (its boundary or its label).

A document's ``uncertainty`` is the mean over its sentences of
``1 - P(best tag sequence of the sentence)``: the expected share of its
sentences that the model's best reading gets wrong somewhere.  It orders an
active-learning queue "least certain first".  Measured on the bench corpus
(300 training documents, 400 held-out; the share of all the model's errors
found in the 20% of documents ranked least certain, a random 20% holding
20%): this mean 30%, mean token entropy 29%, the least certain sentence 25%,
the smallest span confidence 26%, and ``1 - P(best sequence of the whole
document)`` 33%.  That last one is the product over sentences and sinks
towards 1 for every long article (real articles are several times longer than
the bench's), so long documents would tie at the top whatever the model
knows; the mean stays comparable across lengths.  An empty text (no tokens)
has uncertainty 0.

Determinism
===========
L-BFGS training has no random step: the same examples in the same order give
the same model, byte for byte.  ``seed`` is kept in the model's metadata for
the record (and for callers that shuffle or split with it).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pycrfsuite

from apps.documents.text import Token, iob2_tags, split_sentences, token_index_for_spans

__all__ = ["Example", "LearnerError", "Model", "Prediction", "features", "train"]

FORMAT = "accord-crf"
FORMAT_VERSION = 1
_MAGIC = b"ACCORD-CRF\n"

# L-BFGS with elastic-net regularisation: c1 (L1) keeps the model small by
# dropping useless features, c2 (L2) keeps the weights smooth.  100 iterations
# converge on a few hundred documents; figures in bench/recommender_bench.py.
TRAINING_PARAMS = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 100,
    "feature.possible_transitions": True,
}

# The smallest confidence reported: a marginal is never exactly 0 in theory,
# but may underflow to it in floating point.
_MIN_CONFIDENCE = 1e-9


class LearnerError(Exception):
    """Nothing to learn, bad training data or an unreadable model; str() is for people."""


@dataclass(frozen=True)
class Example:
    text: str
    spans: tuple[tuple[int, int, str], ...]


@dataclass
class Prediction:
    spans: list[dict] = field(default_factory=list)
    uncertainty: float = 0.0


# ---------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------

_TITLES = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt",
        "maj", "adm", "president", "minister", "chancellor", "king", "queen", "prince",
        "premier", "senator", "governor", "mayor", "general", "judge", "chief", "secretary",
        "spokesman", "spokeswoman", "ambassador", "pope", "sheikh",
    }
)  # fmt: skip
_ORG_WORDS = frozenset(
    {
        "inc", "corp", "ltd", "co", "group", "bank", "party", "ministry", "council", "committee",
        "agency", "union", "association", "university", "institute", "company", "corporation",
        "fund", "organisation", "organization", "commission", "court", "army", "police",
        "league", "federation", "airlines", "holdings", "partners", "news", "times",
    }
)  # fmt: skip


def _shape(word: str) -> str:
    """Word shape: X for an uppercase letter, x lowercase, d digit, the character otherwise."""
    out = []
    for ch in word:
        if ch.isupper():
            out.append("X")
        elif ch.isalpha():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        elif unicodedata.category(ch).startswith("M"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def _short_shape(shape: str) -> str:
    """The shape with runs collapsed: "Xxxxx" -> "Xx", "dd.dd" -> "d.d"."""
    out = []
    for ch in shape:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _token_features(word: str) -> list[str]:
    lower = word.lower()
    shape = _shape(word)
    first = word[0]
    feats = [
        "w=" + lower,
        "shape=" + (shape if len(shape) <= 8 else shape[:4] + "~" + shape[-4:]),
        "sshape=" + _short_shape(shape),
        "p1=" + lower[:1],
        "p2=" + lower[:2],
        "p3=" + lower[:3],
        "s1=" + lower[-1:],
        "s2=" + lower[-2:],
        "s3=" + lower[-3:],
        "len=" + (str(len(word)) if len(word) < 6 else "6+"),
    ]
    if first.isupper():
        feats.append("cap")
    if word.isupper() and any(c.isalpha() for c in word):
        feats.append("allcaps")
    if word.istitle():
        feats.append("title")
    if any(c.isdigit() for c in word):
        feats.append("hasdigit")
    if word.isdigit():
        feats.append("digits")
    if "-" in word:
        feats.append("hyphen")
    if "." in word and len(word) > 1:
        feats.append("dotted")
    if not first.isalnum():
        feats.append("punct=" + unicodedata.category(first))
    stem = lower.rstrip(".")
    if stem in _TITLES:
        feats.append("titleword")
    if stem in _ORG_WORDS:
        feats.append("orgword")
    return feats


def features(tokens: Sequence[Token]) -> list[list[str]]:
    """The CRF features of one sentence's tokens, one list of feature names per token.

    What a news NER CRF uses: the lowercased word, its shape and collapsed
    shape, prefixes and suffixes of 1-3 code points, capitalisation (first
    letter, all caps, title case), digits, hyphens, dotted abbreviations,
    punctuation class, title and organisation cue words, the position in the
    sentence (first token, after an opening quote or bracket) and the words
    and shapes of the two tokens either side, plus the bigrams with the
    previous and the next word.  Capitalisation at the start of a sentence
    carries less evidence, so "cap" is also given joined with "first".
    """
    words = [t.text for t in tokens]
    own = [_token_features(w) for w in words]
    lowers = [w.lower() for w in words]
    sshapes = [_short_shape(_shape(w)) for w in words]
    n = len(words)
    out = []
    for i in range(n):
        feats = ["bias", *own[i]]
        if i == 0:
            feats.append("BOS")
            if words[i][0].isupper():
                feats.append("first_cap")
        elif i == 1 and not words[0][0].isalnum():
            feats.append("after_opening")
        if i == n - 1:
            feats.append("EOS")
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < n:
                feats.append(f"{offset:+d}:w={lowers[j]}")
                feats.append(f"{offset:+d}:sshape={sshapes[j]}")
                if offset in (-1, 1):
                    feats.append(f"{offset:+d}:s3={lowers[j][-3:]}")
                    if words[j][0].isupper():
                        feats.append(f"{offset:+d}:cap")
                    stem = lowers[j].rstrip(".")
                    if stem in _TITLES:
                        feats.append(f"{offset:+d}:titleword")
                    if stem in _ORG_WORDS:
                        feats.append(f"{offset:+d}:orgword")
        if i > 0:
            feats.append(f"bigram-={lowers[i - 1]}|{lowers[i]}")
        if i < n - 1:
            feats.append(f"bigram+={lowers[i]}|{lowers[i + 1]}")
        out.append(feats)
    return out


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------


def _check_example(index: int, example) -> None:
    if not isinstance(example, Example):
        raise LearnerError(f"example {index} is a {type(example).__name__}, not an Example")
    if not isinstance(example.text, str):
        raise LearnerError(f"example {index}: text must be a string")
    n = len(example.text)
    for k, span in enumerate(example.spans):
        if not (isinstance(span, tuple | list) and len(span) == 3):
            raise LearnerError(f"example {index}, span {k}: expected (start, end, label)")
        start, end, label = span
        for name, value in (("start", start), ("end", end)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise LearnerError(f"example {index}, span {k}: {name} must be an integer")
        if not 0 <= start < end <= n:
            raise LearnerError(
                f"example {index}, span {k}: start {start} and end {end} must satisfy "
                f"0 <= start < end <= {n} (the text's length in code points)"
            )
        if not isinstance(label, str) or not label:
            raise LearnerError(f"example {index}, span {k}: label must be a non-empty string")


def _sentence_sequences(example: Example, labels: frozenset, counts: dict):
    """(features, tags) for each sentence of ``example``; updates ``counts``."""
    spans = sorted(s for s in example.spans if s[2] in labels)
    counts["spans_given"] += len(spans)
    sentences = split_sentences(example.text)
    sent_starts = [s.start for s in sentences]
    sent_ends = [s.end for s in sentences]
    per_sentence: list[list] = [[] for _ in sentences]
    for span in spans:
        start, end = span[0], span[1]
        q = bisect_right(sent_starts, start) - 1  # the last sentence starting at or before start
        if q >= 0 and end <= sent_ends[q]:
            per_sentence[q].append(span)
            continue
        overlapped = (bisect_left(sent_starts, end) - 1) - bisect_right(sent_ends, start) + 1
        if overlapped >= 2:
            counts["skipped_cross_sentence"] += 1
        else:
            counts["skipped_misaligned"] += 1
    for sentence, sent_spans in zip(sentences, per_sentence, strict=True):
        tokens = list(sentence.tokens)
        tags, skipped = iob2_tags(tokens, sent_spans)
        if skipped:
            _, misaligned = token_index_for_spans(tokens, [sent_spans[i] for i in skipped])
            counts["skipped_misaligned"] += len(misaligned)
            counts["skipped_overlap"] += len(skipped) - len(misaligned)
        counts["spans_learned"] += len(sent_spans) - len(skipped)
        counts["tokens"] += len(tokens)
        yield features(tokens), tags


def train(examples: Iterable[Example], labels: Iterable[str], *, seed: int = 0) -> Model:
    """Train a CRF for ``labels`` on ``examples``; raises LearnerError if there is nothing to learn.

    Deterministic: the same examples (in the same order), labels and seed give
    the same model bytes.  Spans of other labels are ignored; overlapping,
    misaligned and sentence-crossing spans are left out (see the module
    docstring) and counted in ``Model.training``.
    """
    labels = tuple(dict.fromkeys(labels))
    if not labels:
        raise LearnerError("there are no entity labels to learn")
    for label in labels:
        if not isinstance(label, str) or not label or label == "O":
            raise LearnerError(f"label {label!r} cannot be learned: it must be a name other than O")
    examples = list(examples)
    if not examples:
        raise LearnerError("there are no documents to learn from")
    for index, example in enumerate(examples):
        _check_example(index, example)
    wanted = frozenset(labels)
    counts = {
        "documents": len(examples),
        "tokens": 0,
        "spans_given": 0,
        "spans_learned": 0,
        "skipped_overlap": 0,
        "skipped_misaligned": 0,
        "skipped_cross_sentence": 0,
    }
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.select("lbfgs", "crf1d")
    trainer.set_params(TRAINING_PARAMS)
    for example in examples:
        for xseq, yseq in _sentence_sequences(example, wanted, counts):
            if xseq:
                trainer.append(xseq, yseq)
    if counts["spans_learned"] == 0:
        names = ", ".join(labels)
        if counts["spans_given"]:
            raise LearnerError(
                f"none of the {counts['spans_given']} spans of {names} could be learned: "
                "they overlap, cross sentences or do not start and end on token boundaries"
            )
        raise LearnerError(f"the documents have no spans of {names} to learn from")
    learned = {s[2] for e in examples for s in e.spans if s[2] in wanted}
    counts["labels_seen"] = [label for label in labels if label in learned]
    with tempfile.TemporaryDirectory(prefix="accord-crf-") as tmp:
        path = os.path.join(tmp, "model.crfsuite")
        trainer.train(path)
        with open(path, "rb") as fh:
            crf = fh.read()
    return Model(labels=labels, crf=crf, seed=seed, training=counts)


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


class Model:
    """A trained CRF: ``predict`` suggests spans; ``to_bytes`` / ``from_bytes`` store it.

    A Model holds a crfsuite tagger, which is not safe to share between
    threads: give each thread its own (``Model.from_bytes`` is cheap).
    """

    def __init__(self, *, labels, crf: bytes, seed: int = 0, training: dict | None = None):
        self.labels = tuple(labels)
        self.seed = seed
        self.training = dict(training or {})
        self._crf = bytes(crf)
        self._tagger = pycrfsuite.Tagger()
        try:
            self._tagger.open_inmemory(self._crf)
        except (ValueError, OSError) as exc:
            raise LearnerError(f"the model cannot be read: {exc}") from None

    def __repr__(self):
        return f"<Model labels={self.labels!r} {len(self._crf)} bytes>"

    # -- storage -----------------------------------------------------------

    def to_bytes(self) -> bytes:
        """A header line, a JSON metadata line, then the crfsuite model.

        The metadata holds the model's length and SHA-256: crfsuite reads a
        model without checking it and crashes the process on a truncated or
        damaged one, so ``from_bytes`` checks both before crfsuite sees a byte.
        """
        meta = {
            "crf_bytes": len(self._crf),
            "crf_sha256": hashlib.sha256(self._crf).hexdigest(),
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "labels": list(self.labels),
            "seed": self.seed,
            "training": self.training,
        }
        head = json.dumps(meta, sort_keys=True, ensure_ascii=True).encode("ascii")
        return _MAGIC + head + b"\n" + self._crf

    @classmethod
    def from_bytes(cls, data: bytes) -> Model:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise LearnerError(f"a model is bytes, not {type(data).__name__}")
        data = bytes(data)
        if not data.startswith(_MAGIC):
            raise LearnerError("these bytes are not an Accord recommender model")
        head, sep, crf = data[len(_MAGIC) :].partition(b"\n")
        try:
            meta = json.loads(head)
        except ValueError:
            raise LearnerError("the model's metadata is unreadable") from None
        if not sep or not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise LearnerError("the model's metadata is unreadable")
        if meta.get("version") != FORMAT_VERSION:
            raise LearnerError(
                f"the model has format version {meta.get('version')!r}; "
                f"this Accord reads version {FORMAT_VERSION}: retrain it"
            )
        labels = meta.get("labels")
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise LearnerError("the model's labels are unreadable")
        if not crf:
            raise LearnerError("the model has no CRF weights")
        if len(crf) != meta.get("crf_bytes"):
            raise LearnerError(
                f"the model is cut short or padded: {len(crf)} bytes of weights, "
                f"{meta.get('crf_bytes')!r} expected"
            )
        if hashlib.sha256(crf).hexdigest() != meta.get("crf_sha256"):
            raise LearnerError("the model's weights are damaged (their checksum does not match)")
        return cls(
            labels=labels,
            crf=crf,
            seed=meta.get("seed", 0),
            training=meta.get("training") or {},
        )

    # -- prediction --------------------------------------------------------

    def predict(self, text: str) -> Prediction:
        """Suggested spans with confidences, and the document's uncertainty (module docstring)."""
        if not isinstance(text, str):
            raise LearnerError(f"predict() needs a text string, not {type(text).__name__}")
        tagger = self._tagger
        spans: list[dict] = []
        doubt = 0.0
        sentences = 0
        for sentence in split_sentences(text):
            tokens = sentence.tokens
            if not tokens:
                continue
            tagger.set(features(tokens))
            tags = tagger.tag()
            p_best = tagger.probability(tags)
            if not math.isfinite(p_best):
                p_best = 0.0
            doubt += 1.0 - min(1.0, max(0.0, p_best))
            sentences += 1
            for i, j, label in _decode(tags):
                confidence = min(tagger.marginal(tags[k], k) for k in range(i, j))
                spans.append(
                    {
                        "start": tokens[i].start,
                        "end": tokens[j - 1].end,
                        "label": label,
                        "confidence": min(1.0, max(_MIN_CONFIDENCE, confidence)),
                    }
                )
        uncertainty = min(1.0, max(0.0, doubt / sentences)) if sentences else 0.0
        return Prediction(spans=spans, uncertainty=uncertainty)

    def predict_many(self, texts: Iterable[str]) -> list[Prediction]:
        return [self.predict(text) for text in texts]


def _decode(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token ranges ``(i, j, label)`` of a BIO tag sequence.

    An I-X that does not continue a span of X (after O or another label) starts
    a new span, as CoNLL's evaluation reads it.
    """
    out = []
    current = None  # [i, label]
    for k, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current is not None and current[1] == label:
            continue
        if current is not None:
            out.append((current[0], k, current[1]))
            current = None
        if prefix in ("B", "I") and label:
            current = [k, label]
    if current is not None:
        out.append((current[0], len(tags), current[1]))
    return out
