"""What checking a JSON request body costs (apps/projects/inputs.py).

Parses the same body, a JSON list of documents as `POST …/documents/import/`
takes it (text, meta, spans), with DRF's own JSON parser (the baseline, timed
in the same run) and with Accord's, which walks the result for depth, NUL,
lone surrogates and numbers past 64 bits. Pure: no database.

    .venv/bin/python bench/inputs_bench.py
    .venv/bin/python bench/inputs_bench.py --records 5000 --repeat 10
"""

import argparse
import io
import json
import random
import statistics
import time

import common  # sets Django up: keep it before Django and apps imports
from rest_framework.parsers import JSONParser as DRFJSONParser

from apps.projects.parsers import JSONParser


def body(records, rng, title="Talks resume"):
    items = []
    for index in range(records):
        text = " ".join(rng.choice(common.WORDS) for _ in range(350))
        items.append(
            {
                "id": f"doc-{index}",
                "title": title,
                "text": text,
                "meta": {"source": "wire", "tags": ["oil", "talks"], "scores": {"a": 0.5, "b": 2}},
                "spans": [
                    {"id": f"s{n}", "start": 4 * n, "end": 4 * n + 3, "label": "GPE"}
                    for n in range(20)
                ],
            }
        )
    return json.dumps(items).encode()


def best(parser, data, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        parser.parse(io.BytesIO(data), "application/json", {})
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    data = body(args.records, random.Random(7))
    print(f"body: {args.records} records, {len(data) / 2**20:.1f} MiB of JSON")
    base_best, base_median = best(DRFJSONParser(), data, args.repeat)
    ours_best, ours_median = best(JSONParser(), data, args.repeat)
    # An escaped emoji (a surrogate pair, valid) makes every string be looked at.
    escaped = body(args.records, random.Random(7), title="Talks resume 🌍")
    full_best, full_median = best(JSONParser(), escaped, args.repeat)
    for name, fastest, median in (
        ("DRF JSONParser (baseline)", base_best, base_median),
        ("Accord JSONParser", ours_best, ours_median),
        ("Accord, body with \\u escapes", full_best, full_median),
    ):
        print(f"{name:32} best {fastest * 1000:7.1f} ms  median {median * 1000:7.1f} ms")
    print(
        f"the checks add {100 * (ours_best / base_best - 1):.0f}% to parsing, "
        f"{100 * (full_best / base_best - 1):.0f}% when strings must be looked at "
        f"(best of {args.repeat})"
    )


if __name__ == "__main__":
    main()
