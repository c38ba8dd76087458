"""The documents list's orderings (keyset pages, nulls last, ties by id), its
date filters, and the stored sort keys that set writes keep."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from apps.annotations.assignment import reassign, release_unfinished
from apps.annotations.sets import (
    ProjectSchema,
    SetConflict,
    refresh_sort_keys,
    replace_set,
    submit_set,
)
from apps.documents.api.views import ORDERINGS
from apps.documents.models import Document
from tests.builders import add_gold, annotate, make_document, span

DAYS = [datetime.date(2024, 3, d) for d in (5, 1, 5, 9)] + [None, None, datetime.date(2024, 3, 1)]


@pytest.fixture
def owner(client_for):
    return client_for("olga")


@pytest.fixture
def docs(project):
    return [
        make_document(project, f"d{i}", f"Text {i}.", published=day) for i, day in enumerate(DAYS)
    ]


def walk(client, url, **params):
    """Every page forward from the first, then every page back from the last:
    (ids forward, ids backward as read, pages)."""
    r = client.get(url, {"page_size": 2, **params})
    assert r.status_code == 200, r.content
    pages = [r.json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    forward = [d["id"] for page in pages for d in page["results"]]
    back, page = [], pages[-1]
    while page["previous"]:
        page = client.get(page["previous"]).json()
        back = [d["id"] for d in page["results"]] + back
    return forward, back, pages


def expected(docs, key, descending):
    with_value = [d for d in docs if key(d) is not None]
    without = [d for d in docs if key(d) is None]
    with_value.sort(key=lambda d: (key(d), d.pk), reverse=descending)
    without.sort(key=lambda d: d.pk, reverse=descending)
    return [d.pk for d in with_value + without]


@pytest.mark.parametrize("ordering", ["id", "-id", "published", "-published"])
def test_every_page_forward_and_back(owner, api, docs, ordering):
    field = ORDERINGS[ordering]
    key = (lambda d: d.pk) if field is None else (lambda d: getattr(d, field))
    want = expected(docs, key, ordering.startswith("-"))
    forward, back, pages = walk(owner, api("documents/"), ordering=ordering)
    assert forward == want
    # Back from the last page: every page but the last, in order.
    assert back == want[: len(want) - len(pages[-1]["results"])]


def test_submitted_and_last_activity_come_from_the_set_writes(owner, api, project, users):
    a, b, c = (make_document(project, f"s{i}", "Moscow spoke.") for i in range(3))
    annotate(b, users["ana"], [span("s1", 0, 6)])  # submitted first
    annotate(a, users["ben"], [span("s1", 0, 6)])  # submitted second
    annotate(c, users["ana"], [span("s1", 0, 6)], submit=False)  # only saved
    for doc in (a, b, c):
        doc.refresh_from_db()
    assert b.last_submitted_at < a.last_submitted_at and c.last_submitted_at is None
    assert c.last_activity > a.last_activity > b.last_activity
    ids = lambda r: [d["id"] for d in r.json()["results"]]  # noqa: E731
    assert ids(owner.get(api("documents/"), {"ordering": "submitted"})) == [b.pk, a.pk, c.pk]
    assert ids(owner.get(api("documents/"), {"ordering": "-submitted"})) == [a.pk, b.pk, c.pk]
    assert ids(owner.get(api("documents/"), {"ordering": "-last_activity"})) == [c.pk, a.pk, b.pk]
    first = owner.get(api("documents/"), {"ordering": "-last_activity"}).json()["results"][0]
    assert first["last_activity"] and first["last_submitted_at"] is None


def test_submitting_moves_the_sort_keys(project, users):
    doc = make_document(project)
    aset = annotate(doc, users["ana"], [span("s1", 0, 6)], submit=False)
    doc.refresh_from_db()
    saved = doc.last_activity
    submit_set(aset)
    doc.refresh_from_db()
    assert doc.last_submitted_at is not None and doc.last_activity >= saved


def test_ties_are_broken_by_id_across_pages(owner, api, project):
    same = datetime.date(2024, 1, 1)
    docs = [make_document(project, f"t{i}", "x", published=same) for i in range(5)]
    forward, _, _ = walk(owner, api("documents/"), ordering="-published")
    assert forward == sorted((d.pk for d in docs), reverse=True)


def test_unknown_ordering_is_refused_naming_it(owner, api, docs):
    r = owner.get(api("documents/"), {"ordering": "title"})
    assert r.status_code == 400
    assert "ordering" in r.json()["errors"]


def test_a_cursor_of_another_ordering_is_refused(owner, api, docs):
    nxt = owner.get(api("documents/"), {"ordering": "published", "page_size": 2}).json()["next"]
    r = owner.get(nxt.replace("ordering=published", "ordering=-id"))
    assert r.status_code == 404


@pytest.mark.parametrize("ordering", list(ORDERINGS))
def test_list_queries_are_constant_in_every_ordering(
    owner, api, project, users, ordering, django_assert_max_num_queries
):
    for i in range(30):
        doc = make_document(project, f"q{i}", "Moscow spoke.", published=DAYS[i % len(DAYS)])
        if i % 3 == 0:  # a third submitted, the rest without a set (null keys)
            annotate(doc, users["ana" if i % 2 else "ben"], [span("s1", 0, 6)])
    r = owner.get(api("documents/"), {"ordering": ordering, "page_size": 10})
    nxt = r.json()["next"]
    # Session and membership reads, then at most two segments of rows.
    with django_assert_max_num_queries(6):
        r = owner.get(nxt)
    assert r.status_code == 200 and len(r.json()["results"]) == 10
    with django_assert_max_num_queries(7):
        r = owner.get(nxt + "&include=annotations")
    assert r.status_code == 200


def test_date_filters_on_submission_and_last_change(owner, api, project, users):
    old, new = make_document(project, "old", "Moscow spoke."), make_document(project, "new", "x")
    annotate(old, users["ana"], [span("s1", 0, 6)])
    last_week = timezone.now() - datetime.timedelta(days=7)
    Document.objects.filter(pk=old.pk).update(last_submitted_at=last_week, last_activity=last_week)
    today = timezone.now().date().isoformat()
    ids = lambda **p: [d["id"] for d in owner.get(api("documents/"), p).json()["results"]]  # noqa: E731
    assert ids(submitted_before=today) == [old.pk]
    assert ids(submitted_after=today) == []
    assert ids(active_after=today) == []
    annotate(new, users["ben"], [span("s1", 0, 1)], submit=False)
    assert ids(active_after=today) == [new.pk]


def stored_and_recounted(project):
    """Each document's stored sort keys, and what its sets say they are."""
    rows = Document.objects.filter(project=project).order_by("pk")
    stored = list(rows.values_list("pk", "last_submitted_at", "last_activity"))
    with transaction.atomic():
        refresh_sort_keys(rows)
        recounted = list(rows.values_list("pk", "last_submitted_at", "last_activity"))
        transaction.set_rollback(True)
    return stored, recounted


def test_every_set_write_keeps_the_sort_keys_equal_to_the_sets(project, users):
    """The stored keys are what the sets say after every kind of write: claim,
    save, submit, accept, reopen, reassign, an actor merge and a release."""
    from apps.actors.models import Actor
    from apps.mentions.merge import merge_actors
    from apps.review import gold

    russia = Actor.objects.create(project=project, name="Russia", kind="state")
    moscow = Actor.objects.create(project=project, name="Moscow", kind="state")
    a, b, c = (make_document(project, f"w{i}", "Moscow spoke.") for i in range(3))
    annotate(a, users["ana"], [span("s1", 0, 6, actor=russia.pk)])
    annotate(a, users["ben"], [span("s1", 0, 6)])
    add_gold(a, spans=[span("g1", 0, 6)])
    gold.reopen(a, users["rita"], "again")
    annotate(b, users["ana"], [span("s1", 0, 6)], submit=False)
    reassign(b, users["ana"], users["rita"])
    annotate(c, users["ben"], [span("s1", 0, 6)], submit=False)
    merge_actors(russia, moscow, users["olga"])
    release_unfinished(project, users["ben"])
    stored, recounted = stored_and_recounted(project)
    assert stored == recounted
    assert stored[2][2] is None  # c lost its only set


def test_saving_a_set_moves_last_activity_forward_only(project, users):
    """replace_set dates the document itself (GREATEST of its last activity
    and now) instead of recounting its sets: a later set elsewhere on the
    document keeps the key, a stale save changes nothing, and the keys stay
    what the sets say."""
    doc = make_document(project, "g", "Moscow spoke.")
    annotate(doc, users["ana"], [span("s1", 0, 6)])
    saved = annotate(doc, users["ben"], [span("s1", 0, 6)], submit=False)
    later = timezone.now() + datetime.timedelta(hours=1)
    doc.annotation_sets.filter(author=users["ana"]).update(updated_at=later)
    refresh_sort_keys(Document.objects.filter(pk=doc.pk))
    submitted = Document.objects.get(pk=doc.pk).last_submitted_at

    annotate(doc, users["ben"], [span("s1", 7, 12)], submit=False)
    doc.refresh_from_db()
    assert (doc.last_activity, doc.last_submitted_at) == (later, submitted)
    assert stored_and_recounted(project)[0] == stored_and_recounted(project)[1]

    doc.annotation_sets.filter(author=users["ana"]).update(updated_at=saved.updated_at)
    refresh_sort_keys(Document.objects.filter(pk=doc.pk))
    ben = annotate(doc, users["ben"], [span("s1", 0, 6)], submit=False)
    doc.refresh_from_db()
    assert doc.last_activity == ben.updated_at > saved.updated_at
    assert doc.last_submitted_at == submitted

    schema = ProjectSchema(project)
    clean, errors = schema.validate(doc.text, {"spans": [span("s1", 7, 12)], "stances": []})
    assert not errors
    with pytest.raises(SetConflict):
        replace_set(ben, ben.version - 1, clean, schema.label_ids)
    doc.refresh_from_db()
    assert doc.last_activity == ben.updated_at
    assert list(ben.spans.values_list("start", flat=True)) == [0]
    stored, recounted = stored_and_recounted(project)
    assert stored == recounted
