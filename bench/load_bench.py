"""Many processes: web and task workers around one PostgreSQL, under a bounded mixed load.

Setup, not timed: a throwaway database on DATABASE_URL's server, migrated,
with one project per phase of 20,000 news-like documents (scale_bench's
corpus, through the import path; k = 2), two entity labels and a stance
label, an owner, a reviewer and ANNOTATORS annotators, and REVIEWABLE
documents already carrying two submitted sets each, so the reviewer has a
queue from the first second. Then each phase starts its processes as
production runs them (config.settings, DEBUG off, the database task
backend, CACHE_URL in the database, behind a proxy on loopback that says
HTTPS) and, for --seconds, drives them over HTTP on 127.0.0.1:

- ANNOTATORS annotators, each in a loop: `documents/next/`, PUT 10 spans and
  a stance on their set, submit it;
- a reviewer, in a loop: `review/queue/`, the first document's `review/`,
  `gold/auto-merge/`, `gold/accept/` (adjudicating it);
- the owner, at 5 s: a 10,000-document file import (over
  ACCORD_IMPORT_BACKGROUND_BYTES, so a background job), at 10 s: a release
  (a job), both polled through `jobs/{id}/` until they end;
- a sampler on its own connection, every 20 ms: the longest wait of any lock
  not yet granted in the database (pg_locks.waitstart) and what waited.

The baseline phase is one gunicorn worker and one task worker; the measured
one 4 and 2 (--web, --tasks). Prints, per phase and operation: requests,
errors (any status but the one expected), requests a second, p50, p95; the
longest lock wait; each job's status and time from request to done. A job
that has not ended by the end of the load is waited for up to 120 s more.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=bench_load \\
        .venv/bin/python bench/load_bench.py --seconds 60
"""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import common  # sets Django up: keep it before Django and apps imports
import psycopg
import requests
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from scale_bench import Corpus

from apps.annotations.assignment import claim
from apps.annotations.sets import ProjectSchema, replace_set, submit_set
from apps.documents.models import Document
from apps.imports.parsers import parse
from apps.imports.store import import_records
from apps.projects.models import Label, Membership, Project, Role
from apps.projects.tokens import issue

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = 20_000
IMPORTED = 10_000  # the background import's file
ANNOTATORS = 8
REVIEWABLE = 200
SPANS = 10
PORT = 8765


def database_url():
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def words_of(text, n):
    """The first n (start, end) word spans of the text, in code points."""
    spans, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isalnum() and start is None:
            start = i
        elif not ch.isalnum() and start is not None:
            spans.append((start, i))
            start = None
            if len(spans) == n:
                break
    return spans


def body_for(text, version, rng):
    chosen = sorted(rng.sample(words_of(text, 3 * SPANS), SPANS))
    spans = [
        {"id": f"s{n}", "start": s, "end": e, "label": rng.choice(["GPE", "PERSON"])}
        for n, (s, e) in enumerate(chosen)
    ]
    stances = [{"id": "t1", "holder": "s0", "target": "s1", "polarity": "OPPOSE"}]
    return {"version": version, "spans": spans, "stances": stances}


def seed(name, corpus, rng):
    """A project of DOCUMENTS documents, its people (with a token each) and
    REVIEWABLE documents with two submitted sets: (project, tokens)."""
    project = Project.objects.create(name=name, annotators_per_document=2)
    for label in ("GPE", "PERSON"):
        Label.objects.create(project=project, kind=Label.Kind.ENTITY, name=label)
    Label.objects.create(project=project, kind=Label.Kind.STANCE, name="OPPOSE")
    model = get_user_model()
    users = {
        role: [model.objects.create_user(f"{name}-{role}{i}") for i in range(n)]
        for role, n in (("owner", 1), ("reviewer", 1), ("annotator", ANNOTATORS))
    }
    Membership.objects.bulk_create(
        Membership(project=project, user=user, role=Role(role))
        for role, people in users.items()
        for user in people
    )
    for first in range(0, DOCUMENTS, 10_000):
        data = corpus.file(first, 10_000)
        assert not import_records(project, parse(data, "seed.jsonl", "jsonl"))["errors"]
    schema = ProjectSchema(project)
    for document in Document.objects.filter(project=project).order_by("-id")[:REVIEWABLE]:
        for user in users["annotator"][:2]:
            aset, _ = claim(document, user)
            clean, errors = schema.validate(document.text, body_for(document.text, 1, rng))
            assert not errors, errors
            replace_set(aset, aset.version, clean, schema.label_ids)
            aset.refresh_from_db()
            submit_set(aset)
    tokens = {role: [issue(user)[1] for user in people] for role, people in users.items()}
    return project, tokens


class Load:
    """The clients of one phase and what they saw."""

    def __init__(self, project, tokens, import_file):
        self.base = f"http://127.0.0.1:{PORT}/api/v1/"
        self.project = project
        self.tokens = tokens
        self.import_file = import_file
        self.latencies = defaultdict(list)  # operation -> [ms]
        self.errors = defaultdict(list)  # operation -> [(status, body)]
        self.jobs = {}  # kind -> {"status", "seconds"}
        self.stop = threading.Event()

    def session(self, token):
        s = requests.Session()
        # What the reverse proxy in front of gunicorn adds (ACCORD_TRUSTED_PROXIES).
        s.headers.update({"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"})
        return s

    def call(self, s, operation, method, path, expect=(200,), **kwargs):
        began = time.perf_counter()
        try:
            response = s.request(
                method, self.base + path, timeout=60, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            self.errors[operation].append(("no answer", repr(exc)))
            return None
        self.latencies[operation].append((time.perf_counter() - began) * 1000)
        if response.status_code not in expect:
            self.errors[operation].append((response.status_code, response.text[:300]))
            return None
        return response

    def annotator(self, token, seed_):
        rng = random.Random(seed_)
        s = self.session(token)
        p = f"projects/{self.project.pk}/documents/"
        while not self.stop.is_set():
            r = self.call(s, "next", "POST", p + "next/", expect=(200, 204))
            if r is None or r.status_code == 204:
                time.sleep(0.1)
                continue
            doc = r.json()
            mine = f"{p}{doc['id']}/annotations/mine/"
            body = body_for(doc["text"], doc["set"]["version"], rng)
            if self.call(s, "PUT set (10 spans)", "PUT", mine, json=body) is None:
                continue
            self.call(s, "submit", "POST", mine + "submit/")

    def reviewer(self, token):
        s = self.session(token)
        p = f"projects/{self.project.pk}/"
        while not self.stop.is_set():
            r = self.call(s, "review/queue/", "GET", p + "review/queue/")
            results = r.json()["results"] if r is not None else []
            if not results:
                time.sleep(0.2)
                continue
            d = f"{p}documents/{results[0]['id']}/"
            if self.call(s, "document review/", "GET", d + "review/") is None:
                continue
            merged = self.call(
                s,
                "gold/auto-merge/",
                "POST",
                d + "gold/auto-merge/",
                json={"min_agreement": 1},
            )
            if merged is not None:
                self.call(s, "gold/accept/", "POST", d + "gold/accept/", json={})

    def owner(self, token):
        s = self.session(token)
        p = f"projects/{self.project.pk}/"
        began = time.perf_counter()
        self.stop.wait(5)
        files = {"file": ("more.jsonl", self.import_file, "application/x-ndjson")}
        started = {}
        r = self.call(s, "POST import", "POST", p + "documents/import/", (202,), files=files)
        if r is not None:
            started["import"] = (r.json()["job"], time.perf_counter())
        self.stop.wait(max(0, 10 - (time.perf_counter() - began)))
        release = {"name": "load", "formats": ["jsonl"], "source": "all"}
        r = self.call(s, "POST release", "POST", p + "releases/", (202,), json=release)
        if r is not None:
            started["release"] = (r.json()["job"], time.perf_counter())
        deadline = None
        while started:
            if self.stop.is_set() and deadline is None:
                deadline = time.perf_counter() + 120
            if deadline and time.perf_counter() > deadline:
                for kind in started:
                    self.jobs[kind] = {"status": "not ended", "seconds": None}
                return
            for kind, (job, at) in list(started.items()):
                r = self.call(s, "GET jobs/{id}/", "GET", f"jobs/{job}/")
                if r is not None and r.json()["status"] in ("done", "failed"):
                    body = r.json()
                    self.jobs[kind] = {
                        "status": body["status"],
                        "seconds": time.perf_counter() - at,
                        "error": body["error"],
                        "result": body["result"],
                    }
                    del started[kind]
            time.sleep(0.25)


class LockSampler(threading.Thread):
    """Every 20 ms, the longest-waiting lock request not yet granted in the
    database, on a connection of its own."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url = url
        self.longest = (0.0, "")
        self.samples = self.waiting_samples = 0
        self.stop = threading.Event()

    def run(self):
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                row = conn.execute(
                    "SELECT extract(epoch FROM now() - l.waitstart), l.locktype, a.query"
                    " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    " WHERE NOT l.granted AND l.waitstart IS NOT NULL"
                    " AND a.datname = current_database()"
                    " ORDER BY l.waitstart LIMIT 1"
                ).fetchone()
                self.samples += 1
                if row:
                    self.waiting_samples += 1
                    if row[0] > self.longest[0]:
                        self.longest = (float(row[0]), f"{row[1]}: {row[2][:160]}")
                time.sleep(0.02)


def start_processes(web, tasks, url, media, logs):
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise RuntimeError(f"something already listens on 127.0.0.1:{PORT}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "load-bench-only-secret-key-not-for-any-deployment-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "ACCORD_TRUSTED_PROXIES": "127.0.0.1",
        "DATABASE_URL": url,
        "CACHE_URL": "db://accord_cache",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": media,
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi"]
    gunicorn += ["--workers", str(web), "--bind", f"127.0.0.1:{PORT}", "--no-control-socket"]
    processes = [
        subprocess.Popen(
            gunicorn,
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        )
    ]
    for _ in range(tasks):
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
                cwd=ROOT,
                env=env,
                stdout=logs,
                stderr=subprocess.STDOUT,
            )
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(
                f"http://127.0.0.1:{PORT}/api/v1/",
                headers={"X-Forwarded-Proto": "https"},
                allow_redirects=False,
                timeout=10,
            )
            return processes
        except requests.RequestException:
            time.sleep(0.2)
    stop_processes(processes)
    logs.seek(0)
    raise RuntimeError("gunicorn did not answer within 60 s:\n" + logs.read().decode()[-3000:])


def stop_processes(processes):
    for p in processes:
        if p.poll() is None:
            p.terminate()
    for p in processes:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def phase(label, web, tasks, project, tokens, import_file, seconds, url):
    media = tempfile.mkdtemp(prefix="load-bench-media-")
    with tempfile.TemporaryFile() as logs:
        processes = start_processes(web, tasks, url, media, logs)
        try:
            load = Load(project, tokens, import_file)
            sampler = LockSampler(url)
            sampler.start()
            threads = [
                threading.Thread(target=load.annotator, args=(t, n))
                for n, t in enumerate(tokens["annotator"])
            ]
            threads.append(threading.Thread(target=load.reviewer, args=tokens["reviewer"]))
            owner = threading.Thread(target=load.owner, args=tokens["owner"])
            began = time.perf_counter()
            for t in (*threads, owner):
                t.start()
            time.sleep(seconds)
            load.stop.set()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - began
            owner.join()
            sampler.stop.set()
            sampler.join()
        finally:
            stop_processes(processes)
        logs.seek(0)
        log = logs.read().decode(errors="replace")
    report(label, load, sampler, elapsed, log)
    return load


def percentile(values, q):
    values = sorted(values)
    return values[int(q * (len(values) - 1))]


def report(label, load, sampler, elapsed, log):
    print(f"\n{label}: {elapsed:.0f} s of load")
    print(f"{'operation':<22}{'requests':>9}{'errors':>8}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}")
    total_errors = 0
    for op in sorted(set(load.latencies) | set(load.errors)):
        ms = load.latencies[op]
        errors = len(load.errors[op])
        total_errors += errors
        p50 = f"{statistics.median(ms):>9.1f}" if ms else f"{'':>9}"
        p95 = f"{percentile(ms, 0.95):>9.1f}" if ms else f"{'':>9}"
        print(f"{op:<22}{len(ms):>9}{errors:>8}{len(ms) / elapsed:>8.1f}{p50}{p95}")
    print(f"errors: {total_errors}")
    for op, errors in load.errors.items():
        for status, body in errors[:3]:
            print(f"  {op}: {status} {body}")
    wait, what = sampler.longest
    print(
        f"longest lock wait seen: {wait * 1000:.0f} ms ({sampler.waiting_samples} of "
        f"{sampler.samples} samples saw a wait){': ' + what if what else ''}"
    )
    for kind in ("import", "release"):
        job = load.jobs.get(kind)
        if job is None:
            print(f"{kind} job: not started")
            continue
        took = f" in {job['seconds']:.1f} s" if job["seconds"] is not None else ""
        extra = f" ({job.get('error')})" if job.get("error") else ""
        if kind == "import" and job.get("result") and job["status"] == "done":
            extra = f" ({job['result'].get('created'):,} documents)"
        print(f"{kind} job: {job['status']}{took}{extra}")
    errors_logged = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line]
    print(f"tracebacks or errors in the processes' logs: {len(errors_logged)}")
    for line in errors_logged[:5]:
        print("  " + line[:200])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--web", type=int, default=4)
    parser.add_argument("--tasks", type=int, default=2)
    parser.add_argument("--no-baseline", action="store_true", help="skip the 1 + 1 phase")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL server"
    with common.throwaway_database():
        call_command("createcachetable", "accord_cache", verbosity=0)
        rng = random.Random(15)
        corpus = Corpus(rng)
        began = time.perf_counter()
        phases = [("measured", args.web, args.tasks)]
        if not args.no_baseline:
            phases.insert(0, ("baseline", 1, 1))
        worlds = [seed(f"p{n}", corpus, rng) for n in range(len(phases))]
        import_file = corpus.file(DOCUMENTS, IMPORTED)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(
            f"seeded {len(phases)} project(s) of {DOCUMENTS:,} documents in "
            f"{time.perf_counter() - began:.0f} s; the import file: {IMPORTED:,} documents, "
            f"{len(import_file) / 2**20:.1f} MB"
        )
        url = database_url()
        connection.close()  # the phases' processes and sampler use their own
        for (label, web, tasks), (project, tokens) in zip(phases, worlds, strict=True):
            name = f"{label}: {web} gunicorn worker(s), {tasks} db_worker(s), "
            name += f"{ANNOTATORS} annotators, 1 reviewer, 1 owner"
            phase(name, web, tasks, project, tokens, import_file, args.seconds, url)
        print(f"\nload average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
