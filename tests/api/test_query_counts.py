"""No N+1: every list and set endpoint answers in a fixed number of queries.

Each test measures an endpoint on a small project (N=3) and then on a large one
(N=60: documents, sets, spans, stances, actors, aliases, labels, members,
projects all grow with N), and asserts the two counts are equal. It also
asserts an explicit ceiling, so that a regression shows as a number.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.actors.models import Actor, Alias, Concept
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import ProjectSchema, insert_rows
from apps.annotations.validation import CleanSet
from apps.documents.models import Document
from apps.projects.models import Label, Membership, Project, Role
from tests.builders import make_project

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 60
SENTENCE = "Moscow condemned the operation against Venezuela and welcomed Rodriguez. "
#           0     6                                     39       48          61      70


def annotator_set(actor_ids, variant):
    """A few spans (linked to actors) and a stance, as `validation` cleans them."""
    return CleanSet(
        spans=[
            {"id": "s1", "start": 0, "end": 6, "label": "GPE", "actor": actor_ids[0]},
            {"id": "s2", "start": 39, "end": 48, "label": "GPE", "actor": actor_ids[1]},
            {"id": "s3", "start": 61, "end": 70, "label": "PERSON", "actor": None},
            {"id": "s4", "start": 7, "end": 16 + variant, "label": "ORG", "actor": None},
        ],
        stances=[
            {"id": "t1", "holder": "s1", "target": "s2", "polarity": "OPPOSE", "cue": "s4"},
            {"id": "t2", "holder": "s1", "target": "s3", "polarity": "SUPPORT", "cue": None},
        ],
    )


@dataclass
class Sized:
    project: Project
    document: Document  # the first document, which also carries N prediction sets

    def url(self, path):
        return f"/api/v1/projects/{self.project.pk}/{path}"


def build(users, n):
    """A project where everything a list shows grows with n."""
    user_model = get_user_model()
    project = make_project(users, annotators_per_document=2, blind=True)
    # Labels, members, and projects the callers belong to.
    Label.objects.bulk_create(
        Label(project=project, kind=Label.Kind.ENTITY, name=f"EXTRA_{n}_{i}") for i in range(n)
    )
    extra_users = user_model.objects.bulk_create(
        user_model(username=f"member-{project.pk}-{i}") for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(project=project, user=user, role=Role.ANNOTATOR) for user in extra_users
    )
    for i in range(n - 1):
        other = Project.objects.create(name=f"Side project {project.pk}-{i}")
        Membership.objects.bulk_create(
            Membership(project=other, user=users[name], role=role)
            for name, role in (("olga", Role.OWNER), ("ana", Role.ANNOTATOR))
        )
    # Actors with aliases.
    actors = Actor.objects.bulk_create(
        Actor(project=project, name=f"Actor {i}", kind=Actor.Kind.STATE) for i in range(n)
    )
    Alias.objects.bulk_create(
        Alias(actor=actor, text=f"{alias} {actor.pk}")
        for actor in actors
        for alias in ("alias", "nickname")
    )
    # Concepts, each under the one before: paths grow as deep as the codebook.
    parent = None
    for i in range(n):
        parent = Concept.objects.create(
            project=project, name=f"Concept {i}", parent=parent, keywords=[f"word {i}"]
        )
    # Documents, each with ana's and ben's sets (in progress), in bulk rather
    # than through tests/builders.py: the sizes here would take minutes one set
    # at a time. The counters are set to what claim() would leave.
    documents = Document.objects.bulk_create(
        Document(project=project, external_id=f"doc-{i}", text=SENTENCE * 2, annotator_count=2)
        for i in range(n)
    )
    sets = AnnotationSet.objects.bulk_create(
        AnnotationSet(document=document, kind=AnnotationSet.Kind.ANNOTATOR, author=users[name])
        for document in documents
        for name in ("ana", "ben")
    )
    predictions = AnnotationSet.objects.bulk_create(
        AnnotationSet(
            document=documents[0],
            kind=AnnotationSet.Kind.PREDICTION,
            source=f"model-{i}",
            status=AnnotationSet.Status.SUBMITTED,
        )
        for i in range(n)
    )
    actor_ids = [actors[0].pk, actors[-1].pk]
    label_ids = ProjectSchema(project).label_ids
    insert_rows(
        [(aset.pk, annotator_set(actor_ids, i % 3)) for i, aset in enumerate(sets + predictions)],
        label_ids,
    )
    return Sized(project=project, document=documents[0])


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


# Endpoint -> (path under the project, query parameters, explicit ceiling).
ENDPOINTS = {
    "documents": ("documents/", {"page_size": 100}, 2),
    "documents+annotations": ("documents/", {"page_size": 100, "include": "annotations"}, 6),
    "document sets": ("documents/{d}/annotations/", {}, 6),
    "actors": ("actors/", {"page_size": 1000}, 4),
    "concepts": ("concepts/", {"page_size": 1000}, 4),
    "concepts?q=": ("concepts/", {"page_size": 1000, "q": "WORD"}, 5),
    "labels": ("labels/", {"page_size": 1000}, 3),
    "members": ("members/", {"page_size": 1000}, 3),
    "projects": (None, {"page_size": 1000}, 2),
}


def endpoint_url(sized, name):
    path = ENDPOINTS[name][0]
    if path is None:
        return "/api/v1/projects/"
    return sized.url(path.format(d=sized.document.pk))


def size_of(name, sized, body):
    """How many items the answer holds, to prove the large project is large."""
    if name == "document sets":
        return len(body)
    items = body["results"]
    if name == "documents+annotations":
        return sum(len(doc["annotations"]) for doc in items)
    return len(items)


@pytest.mark.parametrize("caller", ["olga", "ana"])
@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_list_queries_do_not_grow(name, caller, users, client_for, django_assert_max_num_queries):
    client = client_for(caller)
    _, params, ceiling = ENDPOINTS[name]

    small = build(users, SMALL)
    small_count, small_body = count_queries(client, endpoint_url(small, name), **params)
    large = build(users, LARGE)
    large_count, large_body = count_queries(client, endpoint_url(large, name), **params)

    assert size_of(name, large, large_body) > size_of(name, small, small_body)
    assert large_count == small_count, (
        f"{name}: {small_count} queries for N=3, {large_count} for N=60"
    )
    with django_assert_max_num_queries(ceiling):
        client.get(endpoint_url(large, name), params)


def test_included_annotations_are_complete(users, client_for):
    """The fixed count is not bought by dropping data: spans, stances and actors all come."""
    large = build(users, LARGE)
    _, body = count_queries(
        client_for("olga"), large.url("documents/"), page_size=100, include="annotations"
    )
    documents = body["results"]
    assert len(documents) == LARGE
    first = documents[0]
    assert len(first["annotations"]) == 2 + LARGE
    for document in documents:
        for aset in document["annotations"]:
            assert len(aset["spans"]) == 4 and len(aset["stances"]) == 2
            assert aset["spans"][0]["text"] == "Moscow"
            assert aset["spans"][0]["actor"] is not None


# --------------------------------------------------------------------------- writing a set


def big_payload(text, actor_ids, spans, stances, version):
    """`spans` distinct one-character spans and `stances` distinct stances between them."""
    assert spans <= len(text)
    payload_spans = [
        {
            "id": f"s{i}",
            "start": i,
            "end": i + 1,
            "label": "GPE",
            "text": text[i],
            "actor": actor_ids[i % len(actor_ids)],
        }
        for i in range(spans)
    ]
    payload_stances = [
        {
            "id": f"t{i}",
            "holder": f"s{i}",
            "target": f"s{i + 1}",
            "polarity": "SUPPORT",
            "cue": f"s{i + 2}" if i % 2 else None,
        }
        for i in range(stances)
    ]
    return {"version": version, "spans": payload_spans, "stances": payload_stances}


def statements(queries):
    """The statements a request ran, with one bulk insert counted once.

    On SQLite Django splits one `bulk_create` into INSERTs of at most 999
    parameters (166 spans); that is the backend's limit, not a query per row,
    and PostgreSQL sends one INSERT. Every other statement counts.
    """
    found = []
    for query in queries:
        sql = query["sql"]
        if sql.startswith("INSERT INTO") and found and found[-1] == sql.split(" (")[0]:
            continue
        found.append(sql.split(" (")[0] if sql.startswith("INSERT INTO") else sql)
    return found


def shown(found):
    return "statements:\n" + "\n".join(sql[:90] for sql in found)


@pytest.fixture
def mine(users, client_for):
    """PUT annotations/mine/ as ana on a fresh document; returns the statements it ran."""
    sized = build(users, SMALL)
    # Each call takes a fresh document while the earlier ones stay unfinished.
    sized.project.max_unfinished_per_annotator = 100
    sized.project.save(update_fields=["max_unfinished_per_annotator"])
    actor_ids = list(Actor.objects.filter(project=sized.project).values_list("pk", flat=True))
    client = client_for("ana")

    def put(document, spans, stances, around=None):
        url = sized.url(f"documents/{document.pk}/annotations/mine/")
        version = client.post(url).json()["version"]
        payload = big_payload(document.text, actor_ids, spans, stances, version)
        with around or nullcontext(), CaptureQueriesContext(connection) as queries:
            response = client.put(url, payload, format="json")
        assert response.status_code == 200, response.content
        assert len(response.json()["spans"]) == spans
        assert len(response.json()["stances"]) == stances
        return statements(queries.captured_queries)

    def document():
        count = Document.objects.filter(project=sized.project).count()
        return Document.objects.create(
            project=sized.project, external_id=f"put-{count}", text=SENTENCE * 4
        )

    put.document = document
    return put


# Three reads (membership, the caller's set with its document, the actors
# named), a savepoint around the write, the write itself, one INSERT each of
# spans and stances.
# The write is one statement on PostgreSQL (the version check, the three
# DELETEs of the old content and the document's sort key); five on SQLite.
# PUT answers in GET's shape from what it wrote, reading back nothing
# (several categories would be one query more: their order is the database's).
PUT_CEILING = 8 if connection.vendor == "postgresql" else 12


def test_first_put_of_mine_does_not_grow_with_the_set(mine):
    small = mine(mine.document(), spans=2, stances=1)
    large = mine(mine.document(), spans=200, stances=50)
    assert len(large) == len(small), shown(large)
    assert len(large) <= PUT_CEILING


def test_replacing_mine_does_not_grow_with_the_set(mine):
    small_doc, large_doc = mine.document(), mine.document()
    mine(small_doc, spans=2, stances=1)
    mine(large_doc, spans=200, stances=50)

    small = mine(small_doc, spans=2, stances=1)
    large = mine(large_doc, spans=200, stances=50)
    assert len(large) == len(small), shown(large)
    assert len(large) <= PUT_CEILING


def test_put_mine_ceiling(mine, django_assert_max_num_queries):
    """The same number, as django_assert_max_num_queries sees it (2 spans: no batching),
    for the first write and for a write that replaces content."""
    document = mine.document()
    mine(document, spans=2, stances=1, around=django_assert_max_num_queries(PUT_CEILING))
    mine(document, spans=2, stances=1, around=django_assert_max_num_queries(PUT_CEILING))


def taking(users, client_for, n):
    """The statements of taking documents on a project of size n: rita takes
    a named one (POST mine/), olga asks for her next (a new one), and ana,
    who holds n unfinished documents, asks for hers (resumed)."""
    sized = build(users, n)
    fresh = [
        Document.objects.create(project=sized.project, external_id=f"new-{i}", text=SENTENCE)
        for i in range(2)
    ]
    calls = {
        "claim": ("rita", f"documents/{fresh[0].pk}/annotations/mine/", 201),
        "next, new": ("olga", "documents/next/", 200),
        "next, resumed": ("ana", "documents/next/", 200),
    }
    counts = {}
    for name, (username, path, code) in calls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client_for(username).post(sized.url(path))
        assert response.status_code == code, response.content
        counts[name] = len(statements(queries.captured_queries))
    return counts


# membership and project of the request, the caller's own set, the membership
# lock, what they hold, the document lock, the insert and the count, then the
# set read back (set_payloads, four); savepoints included.
TAKE_CEILING = 15


def test_taking_a_document_does_not_grow_with_the_project(users, client_for):
    small = taking(users, client_for, SMALL)
    large = taking(users, client_for, LARGE)
    assert small == large
    assert max(large.values()) <= TAKE_CEILING, large
