"""A page of 100 documents with their annotations, warm and cold: CPU per
request in process, for a baseline checkout and this one in the same run.

floor_bench.py serves the same page again and again, so with the sets'
rendered contents kept (annotations.sets.SET_CONTENTS) it measures the warm
page only. This one seeds floor_bench's world (2,000 news-like documents,
500 with two 10-span sets) and reads the first page of 100 (`?include=
annotations`, 200 sets, 2,000 spans) as the reviewer through Django's test
client in a subprocess of each checkout, in rounds taken in turn:

- warm: the same page `--requests` times;
- cold: the same, with SET_CONTENTS emptied before each request (what a
  page costs the first time a worker reads it, or after its sets changed);
  a checkout without SET_CONTENTS reads it the one way it has.

CPU = the process's user + system time per request (time.process_time),
the test client's own part included; the answers are checked byte for
byte between the checkouts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/page_sets_bench.py --baseline ../accord-previous
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def measure(tree, world_file, n):
    """Print {"warm": ms, "cold": ms, "sha": answer digest} for the checkout at `tree`."""
    sys.path.insert(0, str(tree))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    try:
        from apps.annotations.sets import SET_CONTENTS

        clear = SET_CONTENTS.clear
    except ImportError:  # a checkout before the rendered contents

        def clear():
            pass

    world = json.loads(Path(world_file).read_text())
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Token {world['tokens']['reviewer']}"}
    path = f"/api/v1/projects/{world['project']}/documents/?include=annotations"
    first = client.get(path, **headers)
    assert first.status_code == 200, first.content[:300]
    for _ in range(10):
        client.get(path, **headers)
    found = {"sha": hashlib.sha256(first.content).hexdigest(), "bytes": len(first.content)}
    for name, before in (("warm", lambda: None), ("cold", clear)):
        spent = 0.0
        for _ in range(n):
            before()
            start = time.process_time()
            answer = client.get(path, **headers)
            spent += time.process_time() - start
            assert answer.content == first.content
        found[name] = spent / n * 1000
    print(json.dumps(found))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, type=Path, help="checkout to compare with")
    parser.add_argument("--requests", type=int, default=100, help="per round, checkout and kind")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(Path(args.measure[0]), args.measure[1], args.requests)

    sys.path.insert(0, str(HERE / "bench"))
    import floor_bench

    scratch = Path(tempfile.mkdtemp(prefix="page-sets-bench-"))
    served_url = floor_bench.seeded_database(scratch, "page_sets_bench")
    import common

    trees = {"baseline": args.baseline.resolve(), "this": HERE}
    with common.throwaway_database():
        from django.db import connection

        world = floor_bench.seed(argparse.Namespace(docs=2000, annotated=500))
        connection.close()
        world_file = scratch / "world.json"
        world_file.write_text(json.dumps(world))
        env = {**os.environ, "DATABASE_URL": served_url, "DEBUG": "false"}
        env.pop("TEST_DATABASE_NAME", None)
        runs = {label: [] for label in trees}
        for _ in range(args.rounds):
            for label, tree in trees.items():
                found = subprocess.run(
                    [
                        *(sys.executable, __file__, "--baseline", str(tree)),
                        *(
                            "--measure",
                            str(tree),
                            str(world_file),
                            "--requests",
                            str(args.requests),
                        ),
                    ],
                    env=env,
                    cwd=tree,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs[label].append(json.loads(found.stdout.strip().splitlines()[-1]))
        digests = {run["sha"] for found in runs.values() for run in found}
        print(
            f"database: {connection.vendor}; GET documents, 100 ?include=annotations (200 sets, "
            f"2,000 spans, {runs['this'][0]['bytes']:,} bytes); {args.rounds} rounds of "
            f"{args.requests} requests per checkout and kind, in turn; CPU ms per request "
            "in process (test client included), each round's figure"
        )
        print(f"answers byte for byte the same in both checkouts: {len(digests) == 1}")
        for kind in ("warm", "cold"):
            figures = {
                label: " ".join(f"{run[kind]:.1f}" for run in found)
                for label, found in runs.items()
            }
            print(f"{kind:5} baseline {figures['baseline']:>18}   this {figures['this']:>18}")


if __name__ == "__main__":
    main()
