"""Streaming imports: documents/s and peak memory of a background import job
at growing sizes, this tree against a baseline revision, in one run.

Each measurement runs in a fresh process (so its peak RSS is its own) on a
throwaway test database of whatever DATABASE_URL points at (SQLite by
default; a file, so that stored rows are not counted as the job's memory,
as they would be in SQLite's in-memory test database): a project, a
news-like JSON Lines file of N documents (about
1.5 KB of text each; every fifth one with 10 spans) kept as a job's file,
then the import job run as a worker runs it (`jobs.run_job`: read the file,
parse, check, store, one transaction). Timed: the job alone (wall time,
and "cpu s", the worker process's own CPU time, which a busy machine
disturbs less: on PostgreSQL it leaves out the server's work, which
"server s" is: the CPU time of the backends serving the job's connection
and its side connection, read from /proc, the server being local), and apart
("fill s") the task that then fills the search vectors the import left
NULL (documents/0009; 0 for trees before it and on SQLite). Peak RSS: the
process's high-water mark reset just before the job (Linux clear_refs),
the file already stored and freed: what the job adds, what it reads of the
file back from the database included (all of it at once before jobs kept
files in chunks); the baseline (`--baseline`, default the commit before
imports COPYed on PostgreSQL and read job files in chunks) is unpacked with
`git archive` and measured the same way.

    .venv/bin/python bench/import_stream_bench.py                     # 2k 10k 50k
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        nice timeout 1800 .venv/bin/python bench/import_stream_bench.py --sizes 10000 100000
    .venv/bin/python bench/import_stream_bench.py --sizes 2000 10000 --format json --repeat 2
    .venv/bin/python bench/import_stream_bench.py --sizes 10000 --profile    # the job's profile
    .venv/bin/python bench/import_stream_bench.py --sizes 10000 --profile --statements

On PostgreSQL the throwaway database is named by BENCH_TEST_DATABASE
(default test_imports_stream_bench), so that two benches sharing a server
do not drop each other's. --profile prints the 30 functions of most own
time (BENCH_PROFILE_SORT=cumulative, BENCH_PROFILE_LINES=70 to change it);
with --statements, every statement's time by kind instead, "(writer)" for
those the import's writer thread ran (its COPYs are not marked).
"""

import argparse
import ctypes
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The commit before imports COPYed on PostgreSQL and read a job's file in chunks.
BASELINE = "3c1237f"
WORDS_PER_DOCUMENT = 220


def rss_mib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def records(n, words, rng):
    for index in range(n):
        chosen = [rng.choice(words) for _ in range(WORDS_PER_DOCUMENT)]
        text = " ".join(chosen)
        record = {
            "id": f"doc-{index}",
            "title": f"Report {index}",
            "outlet": "Wire",
            "published": "2024-05-31",
            "text": text,
            "meta": {"source": "wire", "tags": ["oil", "talks"]},
        }
        if index % 5 == 0:
            spans, start = [], 0
            for n_span, word in enumerate(chosen[:10]):
                spans.append(
                    {"id": f"s{n_span}", "start": start, "end": start + len(word), "label": "GPE"}
                )
                start += len(word) + 1
            record["spans"] = spans
        yield record


def encode(n, fmt, words):
    rng = random.Random(7)
    if fmt == "json":
        return json.dumps(list(records(n, words, rng))).encode()
    return "\n".join(json.dumps(r) for r in records(n, words, rng)).encode()


def server_cpu(connection):
    """CPU seconds the PostgreSQL backend serving `connection` has used so
    far (its /proc stat: the server runs on this machine), NaN elsewhere."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    # utime and stime, fields 14 and 15 of stat(5), in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def statement_kind(sql):
    """A statement's kind for --statements: its verb and table, and
    "(writer)" when the import's writer thread ran it."""
    writer = sql.startswith("/* writer */ ")
    kind = _kind(sql.removeprefix("/* writer */ "))
    return f"{kind} (writer)" if writer else kind


def _kind(sql):
    words = sql.replace('"', "").split()
    verb = words[0].upper()
    if verb in ("COPY", "UPDATE"):
        return f"{verb} {words[1]}"
    if verb in ("INSERT", "DELETE"):
        return f"{verb} {words[2]}"
    if verb == "SELECT" and "FROM" in (upper := [w.upper() for w in words]):
        table = words[upper.index("FROM") + 1]
        return "SELECT nextval" if "nextval" in sql else f"SELECT {table}"
    return " ".join(words[:2])


def child(tree, path, fmt, profile=False, statements=False):
    """One measurement, in this process, on the code of `tree`, of the file
    at `path`; prints JSON."""
    sys.path.insert(0, str(tree))
    os.chdir(tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    # Tasks the job enqueues (the fill of the search vectors) wait, as for a
    # worker: timed apart, below, not as part of the job.
    os.environ["TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_test_environment

    from apps.documents.models import Document
    from apps.projects.jobs import run_job
    from apps.projects.models import Job, JobFile, Label, Membership, Project

    setup_test_environment()
    # A database of its own, outside this process: SQLite's test database is
    # in memory by default, where every stored row would count as the job's
    # memory; on PostgreSQL a name no test run uses.
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(path).with_suffix(".sqlite3"))
    else:
        test["NAME"] = os.environ.get("BENCH_TEST_DATABASE", "test_imports_stream_bench")
    old = connection.creation.create_test_db(verbosity=0)
    try:
        owner = get_user_model().objects.create_user("olga", password="x")
        project = Project.objects.create(name="bench")
        Membership.objects.create(project=project, user=owner, role="owner")
        Label.objects.create(project=project, kind="entity", name="GPE")
        data = Path(path).read_bytes()
        size = len(data)
        job = Job.objects.create(
            project=project,
            kind="import",
            handler="apps.imports.background.run",
            params={"format": fmt},
            created_by=owner,
        )
        try:  # kept in chunks (jobs.keep_file), or, in older trees, whole
            from apps.projects.jobs import keep_file

            keep_file(job, f"bench.{fmt}", data)
        except ImportError:
            JobFile.objects.create(job=job, name=f"bench.{fmt}", data=data, size=size)
        del data
        # Hand what was freed back to the system, so RSS is what is in use.
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        before = rss_mib("VmRSS")
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # resets VmHWM, the peak RSS, to the current RSS
        # The job's side connection (progress, and the file's reads where a
        # worker reads it there) is served by a backend of its own, opened
        # and closed within the job: its CPU is counted as it closes.
        side_cpu = []
        try:
            from apps.projects.jobs import OutsideWriter
        except ImportError:
            OutsideWriter = None
        if OutsideWriter is not None:
            close = OutsideWriter.close

            def counted_close(writer):
                if writer.side is not None:
                    side_cpu.append(server_cpu(writer.side))
                close(writer)

            OutsideWriter.close = counted_close
        server = server_cpu(connection)
        started, cpu = time.perf_counter(), time.process_time()
        if statements:  # every statement timed by Django's debug cursor
            import threading

            connection.force_debug_cursor = True
            connection.queries_log.clear()
            main_thread = threading.get_ident()

            def which_thread(execute, sql, params, many, context):
                # Marks the statements the import's writer thread ran (overlap.py).
                if threading.get_ident() != main_thread:
                    sql = "/* writer */ " + sql
                return execute(sql, params, many, context)

            connection.execute_wrappers.append(which_thread)
        if profile and not statements:  # the job's own Python, by function, to stderr
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(run_job.func, job.pk)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(
                os.environ.get("BENCH_PROFILE_SORT", "tottime")
            ).print_stats(int(os.environ.get("BENCH_PROFILE_LINES", 30)))
        else:
            run_job.func(job.pk)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        server = server_cpu(connection) - server + sum(side_cpu)
        peak = rss_mib("VmHWM")
        if statements:
            connection.force_debug_cursor = False
            totals = {}
            for query in connection.queries_log:
                kind = statement_kind(query["sql"])
                count, took = totals.get(kind, (0, 0.0))
                totals[kind] = (count + 1, took + float(query["time"]))
            stored = Document.objects.filter(project=project).count()
            for kind, (count, took) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
                print(
                    f"{kind:<40} {count:>5} statements {took:7.3f} s "
                    f"{took / stored * 1e6:6.1f} µs a document",
                    file=sys.stderr,
                )
        try:  # the search vectors the import left to a task (documents/0009)
            from apps.documents.search import fill_search
        except ImportError:
            fill = 0.0
        else:
            started = time.perf_counter()
            fill_search.func(project.pk)
            fill = time.perf_counter() - started
        job.refresh_from_db()
        stored = Document.objects.filter(project=project).count()
        assert job.status == "done", (job.status, job.error)
        print(
            json.dumps(
                {
                    "vendor": connection.vendor,
                    "seconds": seconds,
                    "cpu": cpu,
                    "server": server,
                    "fill": fill,
                    "before": before,
                    "peak": peak,
                    "bytes": size,
                    "stored": stored,
                }
            )
        )
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def measure(tree, path, n, fmt):
    # A 50,000-document file is over the default upload limit of 50 MiB.
    env = {**os.environ, "ACCORD_IMPORT_MAX_BYTES": str(2**30)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(tree), "--file", str(path), "--format", fmt],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"{tree} at {n}: {out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["stored"] != n:
        raise SystemExit(f"{tree} at {n}: stored {result['stored']} documents")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000, 50000])
    parser.add_argument("--format", default="jsonl", choices=["jsonl", "json"])
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each tree per size")
    parser.add_argument(
        "--profile", action="store_true", help="profile one job of this tree (cProfile) instead"
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="with --profile: time every statement instead (Django's debug cursor), by kind",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.file, args.format, args.profile, args.statements)
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from common import WORDS

    if args.profile:
        with tempfile.TemporaryDirectory() as files:
            for n in args.sizes:
                path = Path(files) / f"{n}.{args.format}"
                path.write_bytes(encode(n, args.format, WORDS))
                command = [sys.executable, __file__, "--child", str(ROOT), "--file", str(path)]
                subprocess.run(
                    [*command, "--format", args.format, "--profile"]
                    + (["--statements"] if args.statements else []),
                    env={**os.environ, "ACCORD_IMPORT_MAX_BYTES": str(2**30)},
                    check=True,
                )
        return
    with tempfile.TemporaryDirectory() as baseline_tree, tempfile.TemporaryDirectory() as files:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.baseline], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", baseline_tree], input=archive.stdout, check=True)
        revision = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", args.baseline],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"import job of a {args.format} file; baseline {args.baseline} ({revision})")
        print(
            f"{'docs':>7} {'MB':>6}  {'tree':<9} {'docs/s':>8} {'s':>7} {'cpu s':>6} "
            f"{'server':>6} {'fill s':>7} "
            f"{'RSS before':>11} {'peak RSS':>9} {'added':>7}"
        )
        for n in args.sizes:
            path = Path(files) / f"{n}.{args.format}"
            path.write_bytes(encode(n, args.format, WORDS))
            trees = {"baseline": Path(baseline_tree), "this": ROOT}
            # Alternated (baseline, this, this, baseline, ...) so that a change
            # in the machine's load weighs on both; the fastest run of each,
            # with its peak, is shown, and the least CPU time of any run.
            order = ["baseline", "this", "this", "baseline"] * args.repeat
            runs = {name: [] for name in trees}
            for name in order[: 2 * args.repeat]:
                runs[name].append(measure(trees[name], path, n, args.format))
            for name, measured in runs.items():
                m = min(measured, key=lambda r: r["seconds"])
                cpu = min(r["cpu"] for r in measured)
                server = min(r.get("server", float("nan")) for r in measured)
                print(
                    f"{n:>7} {m['bytes'] / 1e6:6.1f}  {name:<9} {n / m['seconds']:8,.0f} "
                    f"{m['seconds']:7.2f} {cpu:6.2f} {server:6.2f} {m['fill']:7.2f} "
                    f"{m['before']:8.0f} MiB "
                    f"{m['peak']:5.0f} MiB "
                    f"{m['peak'] - m['before']:4.0f} MiB  ({m['vendor']}, best of "
                    f"{len(measured)})"
                )


if __name__ == "__main__":
    main()
