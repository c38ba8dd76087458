"""Tokenizer benchmark: apps/documents/text.py against the tokenizer of ``--baseline`` (a git
revision, read with ``git show`` and imported beside today's), in one run, on the same texts.

The texts are the export bench's articles (about 1,000 characters of news-like text with
accents, flags and a decomposed "Quốc") and the recommender bench's news corpus (names,
initials, possessives, quotes, CRLF paragraphs).  Each figure is the best of ``--repeat`` runs
over all the texts; every result is checked equal to the baseline's first.

    nice .venv/bin/python bench/tokenizer_bench.py --baseline b8df16c
"""

import argparse
import random
import time

import common  # sets Django up: keep it before apps imports
import recommender_corpus
from export_bench import article

from apps.documents import text as new


def plain(sentences):
    """Sentences as tuples: each revision's module has its own Token and Sentence classes."""
    return [(s.start, s.end, [(t.start, t.end, t.text) for t in s.tokens]) for s in sentences]


def best(fn, texts, repeat):
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        for text in texts:
            fn(text)
        times.append(time.perf_counter() - began)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="b8df16c", help="a git revision")
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    old = common.baseline_text(args.baseline)
    rng = random.Random(1)
    corpora = {
        "export articles": [article(rng) for _ in range(args.documents)],
        "recommender news": [
            example.text for _, example in recommender_corpus.build(args.documents, seed=1)
        ],
    }

    def old_conll(text):  # what CoNLL read from the tokenizer: sentences of Token objects
        return old.split_sentences(text)

    def new_conll(text):  # what it reads now: offsets, their texts, the sentence ends
        offsets, _ = new.token_texts(text)
        return new.sentence_ends(text, offsets)

    work = (
        ("token_offsets", old.token_offsets, new.token_offsets),
        ("tokenize", old.tokenize, new.tokenize),
        ("split_sentences", old.split_sentences, new.split_sentences),
        ("CoNLL's tokens", old_conll, new_conll),
    )
    print(f"baseline: {args.baseline}; best of {args.repeat}")
    print(f"{'texts':>17} {'docs':>5} {'chars':>8} {'function':>16} {'baseline s':>10} "
          f"{'new s':>8} {'speed-up':>8}")  # fmt: skip
    for corpus, texts in corpora.items():
        for text in texts:
            assert new.token_offsets(text) == old.token_offsets(text)
            assert plain(new.split_sentences(text)) == plain(old.split_sentences(text))
        chars = sum(map(len, texts))
        for name, before, after in work:
            was, now = best(before, texts, args.repeat), best(after, texts, args.repeat)
            print(
                f"{corpus:>17} {len(texts):>5} {chars:>8,} {name:>16} {was:>10.4f} {now:>8.4f} "
                f"{was / now:>7.1f}x"
            )


if __name__ == "__main__":
    main()
