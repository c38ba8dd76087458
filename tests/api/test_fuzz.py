"""Schema-driven fuzzing of the whole API on the live test server.

Schemathesis reads the project's own OpenAPI schema (`/api/schema/`) and, for
every operation, sends requests it derives from it: data the schema allows
and data it refuses (a wrong type, a missing field, a bad enum). Each answer
is checked: never a 5xx, a status the operation documents, a declared
content type, and a body that matches the schema for its status.

Each write operation gets a freshly seeded project (tests/builders.py) and a
new token of its caller, so that requests reach real objects (half of them
name the seeded ids in the path) and one operation's deletes or revocations
cannot starve the next; the reads, which write nothing, share one. It runs
as the owner, an annotator and an outsider of the project.

Bounded and repeatable: Hypothesis is derandomized (a fixed seed), each
operation tries at most ACCORD_FUZZ_EXAMPLES cases, and the whole run shares
ACCORD_FUZZ_SECONDS of wall time, split evenly over the operations not yet
run, so every operation gets its turn however slow one of them is. Requests
go to the live server on the loopback address only.
"""

import contextlib
import os
import time
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.projects import tokens
from apps.projects.models import Membership
from tests.builders import add_gold, annotate, make_document, make_project, span_of

pytestmark = pytest.mark.fuzz

SECONDS = float(os.environ.get("ACCORD_FUZZ_SECONDS", "100"))
EXAMPLES = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "30"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Each role's share of the time: the owner reaches the most code.
ROLE_SHARES = {"olga": 0.6, "ana": 0.25, "oscar": 0.15}
TEXT = "Caracas rejected the offer of Moscow. Maduro spoke."


class OutOfTime(Exception):
    """This operation's share of the time is spent: stop generating for it."""


@dataclass
class Tally:
    operations: set = field(default_factory=set)
    requests: int = 0
    server_errors: int = 0
    mismatches: int = 0
    # (operation, failure title) -> the first request that showed it.
    found: dict = field(default_factory=dict)

    def record(self, case, response, failures):
        for failure in failures:
            key = (case.operation.label, failure.title)
            if key not in self.found:
                self.found[key] = describe(case, response, failure)

    def line(self):
        return (
            f"fuzz: {len(self.operations)} operations, {self.requests} requests, "
            f"{self.server_errors} 5xx, {self.mismatches} schema mismatches"
        )


def describe(case, response, failure):
    body = response.request.body if response is not None else None
    if isinstance(body, bytes | str):
        body = body[:300]
    answer = f"{response.status_code} {response.text[:300]!r}" if response is not None else "-"
    return (
        f"{case.operation.label}: {failure.title}\n"
        f"  request: {case.method} {response.request.url if response is not None else case.path}"
        f" body={body!r}\n  answer: {answer}\n  {str(failure.message)[:500]}"
    )


def seed(users):
    """A project as its members leave it: documents annotated by two annotators,
    one adjudicated, one with gold open and a decision on it, an actor linked
    from a span, a release built. Returns the ids each path parameter names."""
    project = make_project(users, name="Fuzzed", annotators_per_document=2, blind=True)
    owner = Client()
    owner.force_login(users["olga"])
    base = f"/api/v1/projects/{project.pk}/"
    actor = owner.post(
        f"{base}actors/", {"name": "Maduro", "aliases": ["Maduro"]}, content_type="application/json"
    ).json()["id"]
    spans = [span_of("s1", TEXT, "Caracas", "GPE"), span_of("s2", TEXT, "Maduro", "PERSON", actor)]
    stances = [{"id": "t1", "holder": "s2", "target": "s1", "polarity": "SUPPORT", "cue": None}]
    adjudicated, open_gold, fresh = (
        make_document(project, f"d{n}", TEXT, title=f"Doc {n}") for n in range(3)
    )
    for document in (adjudicated, open_gold):
        for username in ("ana", "ben"):
            annotate(document, users[username], spans, stances)
    add_gold(adjudicated, users["rita"], spans, stances)
    gold = add_gold(open_gold, users["rita"], spans[:1], adjudicate=False)
    decision = owner.post(
        f"{base}documents/{open_gold.pk}/decisions/",
        {"action": "add", "span": span_of("s9", TEXT, "Moscow", "GPE"), "version": gold.version},
        content_type="application/json",
    ).json()["id"]
    started = owner.post(f"{base}releases/", {"name": "v1"}, content_type="application/json")
    release = started.json()["release"]["id"]
    return {
        "projects": project.pk,
        "actors": actor,
        "documents": adjudicated.pk,
        "review_documents": open_gold.pk,
        "fresh_documents": fresh.pk,
        "decisions": decision,
        "releases": release,
        "jobs": started.json()["job"],
        "labels": project.labels.order_by("pk").first().pk,
        "members": Membership.objects.get(project=project, user=users["ben"]).pk,
        "format_name": "jsonl",
    }


def signed_in_world(users, username):
    """A fresh seeded project and a requests session with a new token of `username`."""
    session = requests.Session()
    session.ids = seed(users)
    token, secret = tokens.issue(users[username], name="fuzz")
    session.token_id = token.pk
    session.headers["Authorization"] = f"Token {secret}"
    return session


def real_path_parameters(path, ids, token_id):
    """The seeded object each path parameter of `path` names: a `{id}` is the
    object of the collection before it."""
    parts = path.strip("/").split("/")
    values = {}
    for at, part in enumerate(parts):
        if not part.startswith("{"):
            continue
        name = part[1:-1]
        collection = parts[at - 1]
        if collection == "tokens":
            values[name] = token_id
        elif collection == "documents":
            later = parts[at + 1 :]
            review = {"gold", "decisions", "review"} & set(later)
            values[name] = ids[
                "review_documents" if review else "fresh_documents" if later else "documents"
            ]
        elif name == "format_name":
            values[name] = ids["format_name"]
        elif collection in ids:
            values[name] = ids[collection]
    return values


def strategy_for(operation, real):
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    cases = st.one_of(
        *(operation.as_strategy(mode, path_parameters=real) for mode in modes),
        *(operation.as_strategy(mode) for mode in modes),
    )
    return cases


def fuzz_operation(operation, base_url, session, tally, until):
    real = real_path_parameters(operation.path, session.ids, session.token_id)
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy_for(operation, real))
    def run(case):
        nonlocal sent
        # Every operation sends at least one request, however late.
        if sent and time.monotonic() > until:
            raise OutOfTime
        response = None
        try:
            response = case.call(base_url=base_url, session=session, timeout=30)
            sent += 1
            tally.requests += 1
            tally.operations.add(operation.label)
            tally.server_errors += response.status_code >= 500
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            tally.mismatches += sum(not is_server_error(f) for f in group.exceptions)
            tally.record(case, response, group.exceptions)
        except Failure as failure:
            tally.mismatches += not is_server_error(failure)
            tally.record(case, response, [failure])
        except requests.RequestException as exc:
            # No answer at all (a dropped connection, a timeout) is a finding too.
            tally.found.setdefault(
                (operation.label, type(exc).__name__), f"{operation.label}: no answer: {exc!r}"
            )

    with contextlib.suppress(OutOfTime):
        run()


def is_server_error(failure):
    return "Server error" in failure.title


@pytest.mark.django_db(transaction=True)
def test_every_operation_survives_the_fuzzer(live_server, users, capsys, monkeypatch):
    assert live_server.url.startswith(("http://localhost:", "http://127.0.0.1:"))
    # The server's request threads share this settings dict: each closes its
    # connection when its request ends, so none outlives the test's database.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    raw = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(raw)
    # Reads first: they write nothing, so they share one seeded world.
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()), key=lambda op: op.method != "get"
    )
    tally = Tally()
    started = time.monotonic()
    for username, share in ROLE_SHARES.items():
        budget_end = time.monotonic() + SECONDS * share
        session = None
        for done, operation in enumerate(operations):
            # The operation's share of what is left pays for its seeding too.
            now = time.monotonic()
            until = now + max(budget_end - now, 0) / (len(operations) - done)
            if session is None or operation.method != "get":
                session = signed_in_world(users, username)
            fuzz_operation(operation, live_server.url, session, tally, until)
    with capsys.disabled():
        print(f"\n{tally.line()} in {time.monotonic() - started:.0f} s")
    assert len(tally.operations) == len(operations)
    assert not tally.found, f"{tally.line()}\n\n" + "\n\n".join(tally.found.values())
