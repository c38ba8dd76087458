"""Accept, reopen, reversals and gold writes decide in the write itself.

A view reads whether a document is adjudicated before it writes; what
counts is what the write finds under the document's row lock (or its
conditional UPDATE). So a request that comes second, at once or in turn,
gets the same 409: the sequential tests here give stale reads to the
write, the PostgreSQL ones race two connections, the first holding its
transaction open until the second waits on its lock (SQLite serialises
write transactions, so it cannot show the race).
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from apps.annotations.models import AnnotationSet
from apps.projects.errors import Conflict
from apps.review import gold as gold_ops
from apps.review.models import AdjudicationEvent, Decision
from tests.builders import make_project, span_at

from .helpers import MOSCOW, RODRIGUEZ, VENEZUELA, document, k3_project

ALREADY = "This document is already adjudicated."
NOT_ADJUDICATED = "This document is not adjudicated, so there is nothing to reopen."
REVERSED = "This decision was already reversed."


def base(project, doc):
    return f"/api/v1/projects/{project.pk}/documents/{doc.pk}/"


def gold_version(doc):
    return AnnotationSet.objects.get(document=doc, kind=AnnotationSet.Kind.GOLD).version


def with_gold(users, make_user):
    """k3's document with a gold set: auto-merged at 2 (Moscow, Venezuela,
    the stance between them), then Rodriguez accepted by a decision that
    nothing depends on. Returns (project, document, that decision)."""
    project, doc = k3_project(users, make_user)
    gold_ops.auto_merge(gold_ops.load(doc), project, users["rita"], 2, 1)
    review = gold_ops.load(doc)
    decision, _ = gold_ops.decide(
        review,
        project,
        users["rita"],
        "accept",
        "span",
        {**RODRIGUEZ, "actor": None},
        None,
        "",
        gold_ops.current_version(review),
    )
    return project, doc, decision


def gold_writes(doc, decision):
    """Each write of the gold set as the API takes it: (path, body)."""
    version = gold_version(doc)
    return {
        "put": ("gold/", {"version": version, "spans": []}),
        "decision": ("decisions/", {"action": "reject", "span": VENEZUELA, "version": version}),
        "auto-merge": ("gold/auto-merge/", {"min_agreement": 1}),
        "reverse": (f"decisions/{decision.pk}/reverse/", {}),
    }


# --------------------------------------------------------------------------- in turn


@pytest.mark.django_db
@pytest.mark.parametrize("write", ["put", "decide", "auto-merge", "reverse"])
def test_a_gold_write_read_before_an_accept_is_frozen(users, make_user, write):
    project, doc, decision = with_gold(users, make_user)
    rita = users["rita"]
    review = gold_ops.load(doc)  # read while the document is open
    version = gold_ops.current_version(review)
    gold_ops.accept(doc, users["olga"])
    calls = {
        "put": lambda: gold_ops.put_gold(review, project, rita, {"spans": []}, version),
        "decide": lambda: gold_ops.decide(
            review, project, rita, "reject", "span", VENEZUELA, None, "", version
        ),
        "auto-merge": lambda: gold_ops.auto_merge(review, project, rita, 1, version),
        "reverse": lambda: gold_ops.reverse(review, project, rita, decision, ""),
    }
    with pytest.raises(gold_ops.Frozen) as raised:
        calls[write]()
    # The version is the stored one, which the accept moved on: what a reload reads.
    assert (raised.value.message, raised.value.version) == (gold_ops.FROZEN, version + 1)
    assert gold_version(doc) == version + 1
    assert not Decision.objects.filter(document=doc, reversed_at__isnull=False).exists()


@pytest.mark.django_db
def test_an_accept_or_reopen_read_before_another_decides_in_the_write(users, make_user):
    _, doc, _ = with_gold(users, make_user)
    stale = type(doc).objects.get(pk=doc.pk)
    gold_ops.accept(doc, users["olga"])
    with pytest.raises(gold_ops.Frozen) as raised:
        gold_ops.accept(stale, users["rita"])
    assert (raised.value.message, raised.value.version) == (ALREADY, gold_version(doc))
    stale = type(doc).objects.get(pk=doc.pk)
    gold_ops.reopen(doc, users["olga"], "again")
    with pytest.raises(gold_ops.NotAdjudicated):
        gold_ops.reopen(stale, users["rita"], "twice")
    assert list(AdjudicationEvent.objects.values_list("action", flat=True)) == ["accept", "reopen"]


@pytest.mark.django_db
def test_a_reversal_read_before_another_finds_it_reversed(users, make_user):
    project, doc, decision = with_gold(users, make_user)
    review = gold_ops.load(doc)
    gold_ops.reverse(gold_ops.load(doc), project, users["olga"], decision, "first")
    with pytest.raises(Conflict) as raised:
        gold_ops.reverse(review, project, users["rita"], decision, "second")
    assert (raised.value.message, raised.value.version) == (REVERSED, gold_version(doc))
    decision.refresh_from_db()
    assert (decision.reversed_by, decision.reversal_rationale) == (users["olga"], "first")


# --------------------------------------------------------------------------- at once


def _waiter_blocked():
    """Whether another connection to this database waits on a lock."""
    with connection.cursor() as cursor:
        # The activity view is read once per transaction unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def race(first, user, method, path, body=None):
    """Run `first` in a transaction that stays open until a request by
    `user` (another connection) waits on a lock, or has answered without
    waiting; then commit. Returns the request's response."""
    holding, answered, result = threading.Event(), threading.Event(), {}

    def hold():
        try:
            with transaction.atomic():
                first()
                holding.set()
                deadline = time.monotonic() + 30
                while not answered.is_set() and time.monotonic() < deadline:
                    if _waiter_blocked():
                        break
                    time.sleep(0.01)
        except Exception as exc:
            result["error"] = exc
        finally:
            holding.set()
            connections.close_all()

    def request():
        try:
            client = APIClient()
            client.force_authenticate(user)
            result["response"] = getattr(client, method)(path, body, format="json")
        finally:
            answered.set()
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(30)
    requester = threading.Thread(target=request)
    requester.start()
    holder.join(60)
    requester.join(60)
    assert "error" not in result, result.get("error")
    return result["response"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_one_wins(users, make_user):
    project, doc, _ = with_gold(users, make_user)
    response = race(
        lambda: gold_ops.accept(doc, users["olga"]),
        users["rita"],
        "post",
        base(project, doc) + "gold/accept/",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == ALREADY
    assert response.json()["version"] == gold_version(doc)
    assert AdjudicationEvent.objects.filter(document=doc).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", ["put", "decision", "auto-merge", "reverse"])
def test_a_gold_write_during_an_accept_is_frozen(users, make_user, write):
    project, doc, decision = with_gold(users, make_user)
    path, body = gold_writes(doc, decision)[write]
    before = gold_version(doc)
    response = race(
        lambda: gold_ops.accept(doc, users["olga"]),
        users["rita"],
        "put" if write == "put" else "post",
        base(project, doc) + path,
        body,
    )
    # The answer a write after the accept gets: frozen, at the accepted version.
    assert response.status_code == 409, response.content
    assert response.json() == {"detail": gold_ops.FROZEN, "version": before + 1}
    assert gold_version(doc) == before + 1
    assert not Decision.objects.filter(document=doc, reversed_at__isnull=False).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reopens_at_once_one_wins(users, make_user):
    project, doc, _ = with_gold(users, make_user)
    gold_ops.accept(doc, users["olga"])
    response = race(
        lambda: gold_ops.reopen(doc, users["olga"], "first"),
        users["rita"],
        "post",
        base(project, doc) + "gold/reopen/",
        {"reason": "second"},
    )
    assert response.status_code == 409
    assert response.json()["detail"] == NOT_ADJUDICATED
    assert list(AdjudicationEvent.objects.values_list("action", flat=True)) == ["accept", "reopen"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reversals_at_once_one_wins(users, make_user):
    project, doc, decision = with_gold(users, make_user)
    response = race(
        lambda: gold_ops.reverse(gold_ops.load(doc), project, users["olga"], decision, "first"),
        users["rita"],
        "post",
        base(project, doc) + f"decisions/{decision.pk}/reverse/",
        {"rationale": "second"},
    )
    assert response.status_code == 409
    assert response.json() == {"detail": REVERSED, "version": gold_version(doc)}
    decision.refresh_from_db()
    assert (decision.reversed_by, decision.reversal_rationale) == (users["olga"], "first")


# ------------------------------------------------- an annotator's write and an accept


def open_set_on(project, doc, annotator):
    """The annotator's unsubmitted set on `doc` holding Moscow, as read
    while the document was open: (set, the project's schema)."""
    from apps.annotations.assignment import claim
    from apps.annotations.sets import ProjectSchema, replace_set

    aset, _ = claim(doc, annotator)
    schema = ProjectSchema(project)
    clean, errors = schema.validate(doc.text, {"spans": [span_at("s1", MOSCOW)]})
    assert not errors
    replace_set(aset, aset.version, clean, schema.label_ids)
    return aset, schema


def _spans_of(aset):
    return list(aset.spans.values_list("start", "end"))


@pytest.mark.django_db
def test_an_annotators_save_read_before_an_accept_is_refused_and_changes_nothing(users):
    from apps.annotations.sets import ADJUDICATED, DocumentFull, replace_set

    project = make_project(users, annotators_per_document=3)
    doc = document(project)
    aset, schema = open_set_on(project, doc, users["ana"])
    version, spans = aset.version, _spans_of(aset)
    gold_ops.accept(doc, users["olga"])
    with pytest.raises(DocumentFull) as raised:
        replace_set(aset, version, schema.validate(doc.text, {"spans": []})[0], schema.label_ids)
    assert raised.value.message == ADJUDICATED
    aset.refresh_from_db()
    assert (aset.version, aset.status, _spans_of(aset)) == (version, "in_progress", spans)


@pytest.mark.django_db
def test_an_annotators_submit_read_before_an_accept_is_refused_and_counts_nothing(users):
    from apps.annotations.sets import ADJUDICATED, DocumentFull, submit_set

    project = make_project(users, annotators_per_document=3)
    doc = document(project)
    aset, _ = open_set_on(project, doc, users["ana"])
    version = aset.version
    gold_ops.accept(doc, users["olga"])
    with pytest.raises(DocumentFull) as raised:
        submit_set(aset, version)
    assert raised.value.message == ADJUDICATED
    aset.refresh_from_db()
    doc.refresh_from_db()
    assert (aset.version, aset.status, doc.submitted_count) == (version, "in_progress", 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", ["put", "submit"])
def test_an_annotators_write_during_an_accept_is_refused(users, write):
    project = make_project(users, annotators_per_document=3)
    doc = document(project)
    aset, _ = open_set_on(project, doc, users["ana"])
    version, spans = aset.version, _spans_of(aset)
    path, body = {
        "put": ("annotations/mine/", {"version": version, "spans": []}),
        "submit": ("annotations/mine/submit/", {"version": version}),
    }[write]
    response = race(
        lambda: gold_ops.accept(doc, users["olga"]),
        users["ana"],
        "put" if write == "put" else "post",
        base(project, doc) + path,
        body,
    )
    # What the same request gets after the accept: the document is closed.
    assert response.status_code == 409, response.content
    assert response.json()["detail"] == "This document is adjudicated; its annotation is closed."
    aset.refresh_from_db()
    doc.refresh_from_db()
    assert (aset.version, aset.status, _spans_of(aset)) == (version, "in_progress", spans)
    assert doc.submitted_count == 0
