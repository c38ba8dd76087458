"""The per-request floor: queries and CPU per request of the hot endpoints,
served by gunicorn, for a baseline checkout and this one in the same run.

Seeds one project (2,000 news-like documents, 500 of them annotated by two
annotators with 10 spans each, so 500 wait for review), then serves the same
database with gunicorn from each checkout (`--baseline`: e.g. a `git worktree
add --detach` of the previous commit), both served at once and measured in
turn, so a change in the machine's load falls on both alike; per endpoint:

- queries per request: the request run in a subprocess of that checkout,
  through Django's test client, counted with CaptureQueriesContext;
- CPU ms per request: the gunicorn workers' user + system CPU time over
  `--requests` sequential requests (blocks of 10 to each checkout in turn),
  divided by their number (client time excluded), and the wall p50 as the
  client sees it;
- a worker's resident memory after those requests;
- concurrent reads: 8 client threads reading one document with its
  annotations, with 1 and 2 gunicorn workers: reads/s and p95 (the mean of
  two rounds on each checkout, taken in turn).

Every client is token-authenticated (`Authorization: Token …`). Settings are
the test settings (fast password hashing, no HTTPS redirect), DEBUG off. On
PostgreSQL the seeded database is BENCH_TEST_DATABASE (or TEST_DATABASE_NAME;
default floor_bench), made and dropped on DATABASE_URL's server.

    .venv/bin/python bench/floor_bench.py --baseline ../accord-previous
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/floor_bench.py --baseline ../accord-previous

On PostgreSQL the served database is TEST_DATABASE_NAME (default floor_bench).
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
LABELS = [("entity", "PERSON"), ("entity", "GPE"), ("entity", "ORG"), ("stance", "SUPPORT")]


# -- the endpoints ---------------------------------------------------------


def endpoints(world):
    """(name, who, method, path, body or None, extra headers) of each row.
    A body that is a callable gets the previous answer (a PUT carries the
    version the previous one returned)."""
    p, doc, mine = world["project"], world["document"], world["mine"]
    base = f"/api/v1/projects/{p}"

    def put_body(previous):
        return {"version": previous["version"], "spans": world["spans"], "stances": []}

    return [
        (
            "GET document ?include=annotations",
            "reviewer",
            "GET",
            f"{base}/documents/{doc}/?include=annotations",
            None,
            {},
        ),
        (
            "GET document, If-None-Match (poll)",
            "reviewer",
            "GET",
            f"{base}/documents/{doc}/?include=annotations",
            None,
            {"etag": True},
        ),
        (
            "GET documents, page of 100",
            "reviewer",
            "GET",
            f"{base}/documents/?page_size=100",
            None,
            {},
        ),
        (
            "GET documents, 100 ?include=annotations",
            "reviewer",
            "GET",
            f"{base}/documents/?page_size=100&include=annotations",
            None,
            {},
        ),
        (
            "GET documents, 100 annotated, If-None-Match",
            "reviewer",
            "GET",
            f"{base}/documents/?page_size=100&include=annotations",
            None,
            {"etag": True},
        ),
        (
            "GET a set (annotations/mine/)",
            "worker",
            "GET",
            f"{base}/documents/{mine}/annotations/mine/",
            None,
            {},
        ),
        (
            "GET a set, If-None-Match (poll)",
            "worker",
            "GET",
            f"{base}/documents/{mine}/annotations/mine/",
            None,
            {"etag": True},
        ),
        (
            "PUT a 10-span set",
            "worker",
            "PUT",
            f"{base}/documents/{mine}/annotations/mine/",
            put_body,
            {},
        ),
        ("POST documents/next/ (resume)", "worker", "POST", f"{base}/documents/next/", None, {}),
        ("GET review/queue/", "reviewer", "GET", f"{base}/review/queue/", None, {}),
    ]
    # fmt: on


# -- seeding (this checkout) -----------------------------------------------


def seeded_database(scratch, default_name):
    """Name the test database the seed goes to (TEST_DATABASE_NAME, before
    Django is set up) and return the URL the checkouts measured read it by:
    on PostgreSQL its own name (BENCH_TEST_DATABASE, or TEST_DATABASE_NAME,
    else `default_name`), so runs beside each other do not share one; on
    SQLite a file in `scratch`."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        name = os.environ.get("BENCH_TEST_DATABASE") or os.environ.get(
            "TEST_DATABASE_NAME", default_name
        )
        os.environ["TEST_DATABASE_NAME"] = name
        return url.rsplit("/", 1)[0] + "/" + name
    os.environ["TEST_DATABASE_NAME"] = str(scratch / f"{default_name}.sqlite3")
    return f"sqlite:///{scratch / f'{default_name}.sqlite3'}"


def article(rng, index, words, length=1500):
    out, size = [], 0
    while size < length:
        word = rng.choice(words)
        out.append(word)
        size += len(word) + 1
    return {"id": f"floor-{index}", "title": f"Article {index}", "text": " ".join(out)[:length]}


def ten_spans(text):
    """Ten non-overlapping spans on word boundaries of `text`."""
    spans, start = [], 0
    labels = ["PERSON", "GPE", "ORG"]
    while len(spans) < 10:
        end = text.index(" ", start)
        spans.append(
            {"id": f"s{len(spans)}", "start": start, "end": end, "label": labels[len(spans) % 3]}
        )
        start = text.index(" ", end + 40) + 1
    return spans


def seed(args):
    import random

    import common  # sets Django up on the test settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from apps.annotations.assignment import claim
    from apps.annotations.sets import ProjectSchema, replace_set, submit_set
    from apps.documents.models import Document
    from apps.imports.parsers import parse_records
    from apps.imports.store import import_records
    from apps.projects import tokens
    from apps.projects.models import Label, Membership, Project

    call_command("migrate", verbosity=0)
    users = {
        name: get_user_model().objects.create_user(name, password="floor")
        for name in ("reviewer", "ann1", "ann2", "worker")
    }
    project = Project.objects.create(name="floor", annotators_per_document=2)
    for name, role in (
        ("reviewer", "reviewer"),
        ("ann1", "annotator"),
        ("ann2", "annotator"),
        ("worker", "annotator"),
    ):
        Membership.objects.create(project=project, user=users[name], role=role)
    for kind, name in LABELS:
        Label.objects.create(project=project, kind=kind, name=name)
    rng = random.Random(15)
    records = [article(rng, i, common.WORDS) for i in range(args.docs)]
    report = import_records(project, parse_records(records))
    assert not report["errors"], report["errors"][:3]
    ids = report["documents"]
    schema = ProjectSchema(project)
    for index, pk in enumerate(ids[: args.annotated]):
        document = Document.objects.get(pk=pk)
        for who in ("ann1", "ann2"):
            spans = ten_spans(document.text)
            if who == "ann2" and index % 2:
                spans[3]["label"] = "ORG" if spans[3]["label"] != "ORG" else "GPE"
            aset, _ = claim(document, users[who])
            clean, errors = schema.validate(document.text, {"spans": spans, "stances": []})
            assert not errors, errors
            replace_set(aset, aset.version, clean, schema.label_ids)
            submit_set(aset)
    mine = Document.objects.get(pk=ids[args.annotated + 1])
    aset, _ = claim(mine, users["worker"])
    world = {
        "project": project.pk,
        "document": ids[0],
        "mine": mine.pk,
        "spans": ten_spans(mine.text),
        "tokens": {name: tokens.issue(user, "bench")[1] for name, user in users.items()},
    }
    return world


# -- counting queries (a subprocess of the checkout measured) --------------


def send(client, method, path, body, previous, headers):
    """One request through Django's test client."""
    sent = body(previous) if callable(body) else body
    data = json.dumps(sent) if sent is not None else ""
    return client.generic(method, path, data, content_type="application/json", **headers)


def count_queries(tree, world_file):
    """Print {endpoint: queries} for the checkout at `tree` on DATABASE_URL."""
    sys.path.insert(0, str(tree))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    world = json.loads(Path(world_file).read_text())
    client = Client()
    counts, previous = {}, {}
    for name, who, method, path, body, extra in endpoints(world):
        headers = {"HTTP_AUTHORIZATION": f"Token {world['tokens'][who]}"}
        if callable(body):
            previous = json.loads(client.get(path, **headers).content)

        first = send(client, method, path, body, previous, headers)
        if extra.get("etag") and first.get("ETag"):
            headers["HTTP_IF_NONE_MATCH"] = first["ETag"]
        if callable(body):
            previous = json.loads(first.content)
        with CaptureQueriesContext(connection) as queries:
            answer = send(client, method, path, body, previous, headers)
        assert answer.status_code in (200, 304), (name, answer.status_code, answer.content[:300])
        counts[name] = [len(queries), answer.status_code]
    print(json.dumps(counts))


# -- serving and measuring --------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tree, workers, env):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--chdir",
                str(tree),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=tree,
        )
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)

    def workers_cpu(self):
        """User + system CPU seconds of the gunicorn workers (not the master)."""
        total = 0
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in children.read_text().split():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / TICK

    def workers_rss_mib(self):
        """The largest resident set (MiB) of the gunicorn workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = [0]
        for pid in children.read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return max(sizes)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def request(port, method, path, token, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sent = {"Authorization": f"Token {token}", **(headers or {})}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    connection.request(method, path, data, sent)
    answer = connection.getresponse()
    content = answer.read()
    connection.close()
    return answer.status, dict(answer.getheaders()), content


def measure(servers, world, n, block=10):
    """{label: {endpoint: (cpu ms per request, wall p50 ms, status)}} of the
    servers ({label: Server}, all up at once): per endpoint, blocks of
    `block` requests to each in turn until each has had `n`, so a change in
    the machine's load (other sessions) falls on every checkout alike."""
    out = {label: {} for label in servers}
    for name, who, method, path, body, extra in endpoints(world):
        token = world["tokens"][who]
        cpu = dict.fromkeys(servers, 0.0)
        walls = {label: [] for label in servers}
        status = {}
        for done in range(0, n, block):
            for label, server in servers.items():
                headers, previous = {}, None
                if callable(body):
                    # The servers share the database: the set's version as it is now.
                    previous = json.loads(request(server.port, "GET", path, token)[2])
                status[label], answer_headers, content = request(
                    server.port, method, path, token, body(previous) if callable(body) else body
                )
                if extra.get("etag") and "ETag" in answer_headers:
                    headers["If-None-Match"] = answer_headers["ETag"]
                if callable(body):
                    previous = json.loads(content)
                start_cpu = server.workers_cpu()
                for _ in range(min(block, n - done)):
                    start = time.perf_counter()
                    status[label], _, content = request(
                        server.port,
                        method,
                        path,
                        token,
                        body(previous) if callable(body) else body,
                        headers,
                    )
                    walls[label].append((time.perf_counter() - start) * 1000)
                    if callable(body):
                        previous = json.loads(content)
                cpu[label] += server.workers_cpu() - start_cpu
        for label in servers:
            out[label][name] = (
                cpu[label] * 1000 / n,
                statistics.median(walls[label]),
                status[label],
            )
    return out


def alternate_reads(servers, world, per_thread, rounds=2):
    """{label: (reads/s, p95 ms)}: concurrent_reads on each server in turn,
    `rounds` times, `per_thread` reads per thread in all."""
    found = {label: [] for label in servers}
    for _ in range(rounds):
        for label, server in servers.items():
            found[label].append(concurrent_reads(server, world, per_thread=per_thread // rounds))
    return {
        label: (statistics.mean(r for r, _ in runs), statistics.mean(p for _, p in runs))
        for label, runs in found.items()
    }


def concurrent_reads(server, world, threads=8, per_thread=60):
    path = f"/api/v1/projects/{world['project']}/documents/{world['document']}/?include=annotations"
    token = world["tokens"]["reviewer"]
    latencies, lock = [], threading.Lock()

    def reader():
        mine = []
        for _ in range(per_thread):
            start = time.perf_counter()
            status, _, _ = request(server.port, "GET", path, token)
            assert status == 200, status
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=reader) for _ in range(threads)]
    start = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return len(latencies) / elapsed, ordered[int(0.95 * (len(ordered) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, type=Path, help="checkout to compare with")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--annotated", type=int, default=500)
    parser.add_argument("--requests", type=int, default=100, help="per endpoint and checkout")
    parser.add_argument("--reads", type=int, default=60, help="per thread, concurrent reads")
    parser.add_argument("--count", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count:
        return count_queries(Path(args.count[0]), args.count[1])

    scratch = Path(tempfile.mkdtemp(prefix="floor-bench-"))
    served_url = seeded_database(scratch, "floor_bench")
    import common

    trees = {"baseline": args.baseline.resolve(), "this": HERE}
    with common.throwaway_database():
        from django.db import connection

        world = seed(args)
        connection.close()
        world_file = scratch / "world.json"
        world_file.write_text(json.dumps(world))
        env = {
            **os.environ,
            "DATABASE_URL": served_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DEBUG": "false",
        }
        env.pop("TEST_DATABASE_NAME", None)
        queries, reads = {}, {}
        for label, tree in trees.items():
            found = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--baseline",
                    str(tree),
                    "--count",
                    str(tree),
                    str(world_file),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            queries[label] = json.loads(found.stdout.strip().splitlines()[-1])
        # Both checkouts served at once and measured in turn (measure,
        # alternate_reads): the other sessions' load falls on both alike.
        servers = {label: Server(tree, 1, env) for label, tree in trees.items()}
        try:
            timings = measure(servers, world, args.requests)
            memory = {label: server.workers_rss_mib() for label, server in servers.items()}
            for label, found in alternate_reads(servers, world, args.reads).items():
                reads[label, 1] = found
        finally:
            for server in servers.values():
                server.stop()
        servers = {label: Server(tree, 2, env) for label, tree in trees.items()}
        try:
            for server in servers.values():
                concurrent_reads(server, world, per_thread=5)  # both workers warm
            for label, found in alternate_reads(servers, world, args.reads).items():
                reads[label, 2] = found
        finally:
            for server in servers.values():
                server.stop()
        print(
            f"database: {connection.vendor}; {args.docs} documents, {args.annotated} with two "
            f"10-span sets; {args.requests} sequential requests per row and checkout, in "
            "blocks of 10 taken in turn; CPU = gunicorn workers' user+system time per request"
        )
        print(f"{'endpoint':42} {'queries':>9} {'CPU ms':>13} {'wall p50 ms':>13}  status")
        print(f"{'':42} {'base→this':>9} {'base → this':>13} {'base → this':>13}")
        for name, *_ in endpoints(world):
            qb, sb = queries["baseline"][name]
            qt, st = queries["this"][name]
            cb, wb, _ = timings["baseline"][name]
            ct, wt, _ = timings["this"][name]
            print(
                f"{name:42} {qb:>4}→{qt:<4} {cb:>6.1f}→{ct:<6.1f} {wb:>6.1f}→{wt:<6.1f} {sb}→{st}"
            )
        print(
            "a worker's resident memory after the sequential requests: "
            f"{memory['baseline']:.0f} → {memory['this']:.0f} MiB"
        )
        for workers in (1, 2):
            (rb, pb), (rt, pt) = reads["baseline", workers], reads["this", workers]
            print(
                f"8 threads reading a document with annotations, {workers} worker(s): "
                f"{rb:.0f} → {rt:.0f} reads/s, p95 {pb:.1f} → {pt:.1f} ms"
            )


if __name__ == "__main__":
    main()
