"""The library choice for the recommender: spaCy's trainable NER against the CRF.

Both learn from the same 500 training documents of bench/recommender_corpus.py
and are scored exactly (same start, end, label) on the same held-out
documents with apps/recommender/evaluation.py.  spaCy is a blank English
pipeline with a trainable ``ner`` (no downloaded weights; the default
tok2vec), trained with ``nlp.update`` for ``--epochs`` passes in minibatches.
Each runs in its own fresh process (spawn), so the peak RSS is its own.

    .venv/bin/python bench/recommender_spacy_compare.py
    .venv/bin/python bench/recommender_spacy_compare.py --train 500 --epochs 10

Timings on a shared machine are inflated by whatever else runs on it.
"""

import argparse
import multiprocessing
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import recommender_corpus

from apps.recommender.evaluation import score
from apps.recommender.learner import Model, train

LABELS = ("PERSON", "ORG", "GPE")


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _corpus(n_train, n_test, seed):
    return (
        [e for _, e in recommender_corpus.build(n_train, seed)],
        [e for _, e in recommender_corpus.build(n_test, seed, test=True)],
    )


def crf_job(n_train, n_test, seed):
    train_docs, test_docs = _corpus(n_train, n_test, seed)
    started = time.perf_counter()
    model = train(train_docs, LABELS, seed=seed)
    train_s = time.perf_counter() - started
    peak = rss_mib()
    data = model.to_bytes()
    model = Model.from_bytes(data)
    started = time.perf_counter()
    predictions = model.predict_many(e.text for e in test_docs)
    pred_s = time.perf_counter() - started
    predicted = [[(s["start"], s["end"], s["label"]) for s in p.spans] for p in predictions]
    return train_s, pred_s, len(data), peak, predicted


def spacy_job(n_train, n_test, seed, epochs):
    import spacy
    from spacy.training import Example
    from spacy.util import compounding, fix_random_seed, minibatch

    train_docs, test_docs = _corpus(n_train, n_test, seed)
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in LABELS:
        ner.add_label(label)
    examples = []
    dropped = 0
    for e in train_docs:
        doc = nlp.make_doc(e.text)
        ents = []
        for start, end, label in e.spans:
            span = doc.char_span(start, end, label=label)
            if span is None:
                dropped += 1
            else:
                ents.append((start, end, label))
        examples.append(Example.from_dict(doc, {"entities": ents}))
    started = time.perf_counter()
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=compounding(4.0, 32.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=0.2)
    train_s = time.perf_counter() - started
    peak = rss_mib()
    data = nlp.to_bytes()
    started = time.perf_counter()
    predicted = [
        [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
        for doc in nlp.pipe(e.text for e in test_docs)
    ]
    pred_s = time.perf_counter() - started
    return train_s, pred_s, len(data), peak, predicted, dropped


def in_child(fn, *args):
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=int, default=500)
    parser.add_argument("--test", type=int, default=400)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    _, test_docs = _corpus(0, args.test, args.seed)
    gold = [list(e.spans) for e in test_docs]

    crf = in_child(crf_job, args.train, args.test, args.seed)
    sp = in_child(spacy_job, args.train, args.test, args.seed, args.epochs)
    print(
        f"{args.train} training documents, {args.test} held-out documents; spaCy "
        f"{args.epochs} epochs, {sp[5]} training spans not on spaCy token boundaries dropped"
    )
    f1s = " | ".join(f"{label} F1" for label in LABELS)
    print(
        f"| learner | train s | suggest docs/s | model KiB | peak RSS MiB | {f1s} "
        "| micro P / R / F1 | confidence per span |"
    )
    print("|---|---:|---:|---:|---:|" + "---:|" * len(LABELS) + "---|---|")
    for name, result, conf in (
        ("CRF (python-crfsuite)", crf, "yes: token marginals"),
        ("spaCy blank ner", sp, "no (only with beam_ner)"),
    ):
        train_s, pred_s, size, peak, predicted = result[:5]
        s = score(gold, predicted, LABELS)
        m = s["micro"]
        per = " | ".join(f"{100 * s['labels'][label]['f1']:.1f}" for label in LABELS)
        print(
            f"| {name} | {train_s:.1f} | {len(test_docs) / pred_s:.0f} | {size / 1024:.0f} | "
            f"{peak:.0f} | {per} | {100 * m['precision']:.1f} / {100 * m['recall']:.1f} / "
            f"{100 * m['f1']:.1f} | {conf} |"
        )


if __name__ == "__main__":
    main()
