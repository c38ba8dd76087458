"""Recommender benchmark: the CRF learner on a synthetic news corpus.

The corpus (bench/recommender_corpus.py) has a training pool and a fixed set
of held-out test documents, half of whose names never occur in training.
For each training size the bench reports, in the same run:

- training time (wall clock) and peak RSS of the training process, next to
  the peak RSS of the same process before training (the baseline: Python,
  the imports and the corpus);
- held-out precision / recall / F1 per label and micro, and the recall on
  the spans whose names were never seen in training;
- suggestion throughput (documents per second, ``predict_many`` on the test
  documents) and the peak RSS of a process that only loads the model and
  suggests, against the same process before loading it;
- the model's size (``to_bytes``);
- the share of gold spans an annotator must add or fix, and the share of
  suggestions to delete, starting from: nothing, the alias-matcher baseline
  (every name seen in training, labelled as it was most often labelled,
  found by apps/actors/matcher.py), and the model's suggestions;
- how often the model's suggestions are right in each confidence band, and
  the share of its errors found in the 20% of documents it is least certain
  of (the "least certain first" queue; a random 20% holds about 20%).

Each training and each loaded model runs in a fresh process (multiprocessing
"spawn"), so the RSS figures are that process's own peak (getrusage), which
also counts crfsuite's C memory that tracemalloc does not see.

    .venv/bin/python bench/recommender_bench.py
    .venv/bin/python bench/recommender_bench.py --sizes 200,500,1000 --test 400

Timings on a shared machine are inflated by whatever else runs on it; the
quality figures do not depend on the load (training is deterministic).
"""

import argparse
import multiprocessing
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import recommender_corpus

from apps.actors.matcher import Matcher
from apps.recommender.evaluation import fix_share, score
from apps.recommender.learner import Model, train

LABELS = ("PERSON", "ORG", "GPE")


def rss_mib():
    """The peak resident set size of this process so far, in MiB (Linux: KiB units)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _train_job(size, seed):
    examples = [e for _, e in recommender_corpus.build(size, seed)]
    before = rss_mib()
    started = time.perf_counter()
    model = train(examples, LABELS, seed=seed)
    seconds = time.perf_counter() - started
    return model.to_bytes(), seconds, before, rss_mib(), model.training


def _predict_job(data, n_test, seed):
    texts = [e.text for _, e in recommender_corpus.build(n_test, seed, test=True)]
    before = rss_mib()
    model = Model.from_bytes(data)
    started = time.perf_counter()
    predictions = model.predict_many(texts)
    seconds = time.perf_counter() - started
    return (
        [p.spans for p in predictions],
        [p.uncertainty for p in predictions],
        seconds,
        before,
        rss_mib(),
    )


def in_child(fn, *args):
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def alias_baseline(train_docs, test_docs):
    """Every training name, with the label it had most often, matched in the test texts."""
    labels_of = defaultdict(Counter)
    for e in train_docs:
        for start, end, label in e.spans:
            labels_of[e.text[start:end]][label] += 1
    label_of = {text: counts.most_common(1)[0][0] for text, counts in labels_of.items()}
    matcher = Matcher((text, True, text) for text in label_of)
    return [
        [(m.start, m.end, label_of[m.actors[0]]) for m in matcher.find(e.text)] for e in test_docs
    ]


def unseen_recall(test_docs, predicted, unseen):
    hit = total = 0
    for e, spans in zip(test_docs, predicted, strict=True):
        found = {(s["start"], s["end"], s["label"]) for s in spans}
        for span in e.spans:
            if e.text[span[0] : span[1]] in unseen[span[2]]:
                total += 1
                hit += span in found
    return hit / total if total else None


def pct(value):
    return "  n/a" if value is None else f"{100 * value:5.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,500,1000", help="training sizes, comma-separated")
    parser.add_argument("--test", type=int, default=400, help="held-out test documents")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    pool_size = max(max(sizes), 2000 - args.test)

    train_pool = [e for _, e in recommender_corpus.build(pool_size, args.seed)]
    test_docs = [e for _, e in recommender_corpus.build(args.test, args.seed, test=True)]
    gold = [list(e.spans) for e in test_docs]
    unseen = recommender_corpus.unseen_names(args.seed)
    n_gold = sum(len(g) for g in gold)
    n_unseen = sum(1 for e in test_docs for s in e.spans if e.text[s[0] : s[1]] in unseen[s[2]])
    print(
        f"corpus: {pool_size} training-pool + {args.test} held-out documents "
        f"({pool_size + args.test} in all), {n_gold} held-out gold spans, "
        f"{n_unseen} of them names never seen in training; "
        f"mean {sum(len(e.text) for e in test_docs) / len(test_docs):.0f} code points a document"
    )
    print("each training and each loaded model runs in its own fresh process (spawn)\n")

    none = fix_share(gold, [[] for _ in gold])
    rows = []
    for size in sizes:
        data, train_s, train_before, train_peak, counts = in_child(_train_job, size, args.seed)
        spans, uncertainties, pred_s, load_before, load_peak = in_child(
            _predict_job, data, args.test, args.seed
        )
        predicted = [[(s["start"], s["end"], s["label"]) for s in doc] for doc in spans]
        result = score(gold, predicted, LABELS)
        alias = alias_baseline(train_pool[:size], test_docs)
        rows.append(
            {
                "size": size,
                "tokens": counts["tokens"],
                "train_s": train_s,
                "train_before": train_before,
                "train_peak": train_peak,
                "pred_dps": len(test_docs) / pred_s,
                "load_before": load_before,
                "load_peak": load_peak,
                "bytes": len(data),
                "score": result,
                "unseen_recall": unseen_recall(test_docs, spans, unseen),
                "fix_model": fix_share(gold, predicted),
                "fix_alias": fix_share(gold, alias),
                "score_alias": score(gold, alias, LABELS),
                "confidence": _calibration(gold, spans),
                "errors_first": _errors_in_least_certain(gold, predicted, uncertainties),
            }
        )
        print(f"  trained on {size} documents in {train_s:.1f} s", flush=True)

    print()
    print("| training docs | tokens | train s | train RSS MiB (before → peak) | model KiB | "
          "suggest docs/s | loaded RSS MiB (before → peak) |")  # fmt: skip
    print("|---:|---:|---:|---|---:|---:|---|")
    for r in rows:
        print(
            f"| {r['size']} | {r['tokens']} | {r['train_s']:.1f} | "
            f"{r['train_before']:.0f} → {r['train_peak']:.0f} | {r['bytes'] / 1024:.0f} | "
            f"{r['pred_dps']:.0f} | {r['load_before']:.0f} → {r['load_peak']:.0f} |"
        )
    print()
    print("held-out exact-match P / R / F1 (%), support in brackets")
    print("| training docs | " + " | ".join(f"{label}" for label in LABELS) + " | micro | "
          "recall on unseen names | alias baseline micro F1 |")  # fmt: skip
    print("|---:|" + "---|" * (len(LABELS) + 3))
    for r in rows:
        cells = []
        for label in (*LABELS, None):
            s = r["score"]["micro"] if label is None else r["score"]["labels"][label]
            cells.append(
                f"{pct(s['precision'])} / {pct(s['recall'])} / {pct(s['f1'])} ({s['support']})"
            )
        print(
            f"| {r['size']} | " + " | ".join(cells) + f" | {pct(r['unseen_recall'])} | "
            f"{pct(r['score_alias']['micro']['f1'])} |"
        )
    print()
    print("what an annotator must do to the suggestions (% of gold spans to add or fix; "
          "% of suggestions to delete)")  # fmt: skip
    print("| training docs | no suggestions | alias baseline | model |")
    print("|---:|---|---|---|")
    for r in rows:
        cells = [
            f"{pct(f['add_or_fix_share'])} add/fix, {pct(f['delete_share'])} delete"
            for f in (none, r["fix_alias"], r["fix_model"])
        ]
        print(f"| {r['size']} | " + " | ".join(cells) + " |")
    print()
    print("confidence of the model's suggestions: share correct per confidence band")
    print("| training docs | " + " | ".join(b for b, _ in BANDS) + " |")
    print("|---:|" + "---|" * len(BANDS))
    for r in rows:
        cells = [f"{pct(c / n) if n else '  n/a'} of {n}" for c, n in r["confidence"]]
        print(f"| {r['size']} | " + " | ".join(cells) + " |")

    print()
    print("least certain first: share of all the model's errors (spans to add, fix or delete) in")
    print("the 20% of held-out documents it is least certain of (a random 20% holds about 20%)")
    print("| training docs | errors in the least certain 20% |")
    print("|---:|---|")
    for r in rows:
        print(f"| {r['size']} | {pct(r['errors_first'])} |")


def _errors_in_least_certain(gold, predicted, uncertainties, share=0.2):
    errors = []
    for g, p in zip(gold, predicted, strict=True):
        f = fix_share([g], [p])
        errors.append(f["missing"] + f["wrong_label"] + f["wrong_boundary"] + f["to_delete"])
    total = sum(errors)
    if not total:
        return None
    order = sorted(range(len(gold)), key=lambda i: (-uncertainties[i], i))
    top = order[: max(1, round(share * len(order)))]
    return sum(errors[i] for i in top) / total


BANDS = [("<0.5", 0.5), ("0.5–0.8", 0.8), ("0.8–0.95", 0.95), ("≥0.95", 1.01)]


def _calibration(gold, spans):
    """(correct, count) of suggestions per confidence band."""
    out = [[0, 0] for _ in BANDS]
    for g, doc in zip(gold, spans, strict=True):
        truth = set(g)
        for s in doc:
            band = next(i for i, (_, top) in enumerate(BANDS) if s["confidence"] < top)
            out[band][1] += 1
            out[band][0] += (s["start"], s["end"], s["label"]) in truth
    return out


if __name__ == "__main__":
    main()
