"""Who may call what: every API endpoint x every role x every method it accepts.

The matrix below has one row per (URL name, method); apps add theirs in
tests/api/test_permissions_<app>.py. `test_matrix_covers_every_endpoint` walks
Django's URL resolver, so an endpoint added without a row fails the suite.

Roles: anonymous, outsider (oscar, signed in but not a member), annotator (ana),
reviewer (rita), owner (olga). Rules (README, "Concepts"):

- anonymous: 401 (TokenAuthentication is the first authentication class, and it
  offers a `WWW-Authenticate: Token` challenge) everywhere but POST auth/token/;
- outsider: 404 on every /projects/{p}/... URL, never 403;
- a member lacking the role: 403, and nothing changes.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLResolver, get_resolver, resolve
from rest_framework.test import APIClient

from apps.actors.models import Actor, Alias
from apps.annotations.assignment import claim
from apps.annotations.models import AnnotationSet, Span, Stance
from apps.documents.models import Document
from apps.projects import tokens
from apps.projects.models import ApiToken, Job, Label, Membership, Project, Role
from tests.builders import add_gold, add_prediction, annotate, make_project, span

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "annotator", "reviewer", "owner")
USERNAME = {
    "anonymous": None,
    "outsider": "oscar",
    "annotator": "ana",
    "reviewer": "rita",
    "owner": "olga",
}
MEMBER_ROLES = ("annotator", "reviewer", "owner")
MISSING = 999_999
TEXT = "Moscow condemned the operation against Venezuela."


# --------------------------------------------------------------------------- expectations


def member_may(code):
    """Every member gets `code`."""
    return {"anonymous": 401, "outsider": 404, "annotator": code, "reviewer": code, "owner": code}


def reviewer_may(code):
    return {**member_may(code), "annotator": 403}


def owner_may(code):
    return {**member_may(code), "annotator": 403, "reviewer": 403}


def signed_in_may(code):
    """Not project-scoped: any signed-in user."""
    return {role: code for role in ROLES} | {"anonymous": 401}


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    """A project with one of each object, so that every detail URL resolves."""

    project: Project
    document: Document
    label: Label  # not used by any span, so it may be deleted
    member: Membership  # an extra annotator, so removing it leaves the project sane
    actor: Actor
    survivor: Actor  # what `actor` merges into
    job: Job
    token: ApiToken  # one of olga's API tokens

    def ids(self, **override):
        ids = {
            "p": self.project.pk,
            "d": self.document.pk,
            "label": self.label.pk,
            "member": self.member.pk,
            "actor": self.actor.pk,
            "survivor": self.survivor.pk,
            "job": self.job.pk,
            "token": self.token.pk,
        }
        return ids | override


def build_world(project, suffix=""):
    user_model = get_user_model()
    extra = user_model.objects.create_user(f"max{suffix}", password="pw")
    actor = Actor.objects.create(project=project, name="Russia", kind=Actor.Kind.STATE)
    Alias.objects.bulk_create(
        [Alias(actor=actor, text="Moscow"), Alias(actor=actor, text="the Kremlin")]
    )
    return World(
        project=project,
        document=Document.objects.create(project=project, external_id="d1", text=TEXT),
        label=Label.objects.create(project=project, kind=Label.Kind.ENTITY, name="SPARE"),
        member=Membership.objects.create(project=project, user=extra, role=Role.ANNOTATOR),
        actor=actor,
        survivor=Actor.objects.create(project=project, name="Russian Federation"),
        job=Job.objects.create(project=project, kind="import", handler="-"),
        token=tokens.issue(user_model.objects.get(username="olga"))[0],
    )


def matrix_cases(matrix):
    """The parameters of a matrix test: every row of `matrix` as every role."""
    return [pytest.param(row, role, id=f"{row.id} as {role}") for row in matrix for role in ROLES]


# --------------------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Row:
    route: str  # URL name as the resolver knows it
    method: str
    path: str  # under /api/v1/, with {p}, {d}, {label}, {member}, {actor} placeholders
    expect: dict[str, int]
    body: Callable[[World, str | None], Any] | None = None
    # Runs before the request, for a member: e.g. give the caller a set to submit.
    prepare: Callable[[World, Any], None] | None = None

    @property
    def id(self):
        return f"{self.method} {self.path}"

    @property
    def has_sub_object(self):
        # Sub-objects of a project; jobs are not nested under a project URL.
        return any(key in self.path for key in ("{d}", "{label}", "{member}", "{actor}"))


def token_body(world, username):
    username = username or "olga"
    return {"username": username, "password": f"pw-{username}"}


def set_body(world, username):
    return {
        "version": 1,
        "spans": [{"id": "s1", "start": 0, "end": 6, "label": "GPE", "text": "Moscow"}],
        "stances": [],
    }


def make_staff(world, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])


def give_caller_a_set(world, user):
    claim(world.document, user)


MATRIX = [
    Row("auth-token", "POST", "auth/token/", {role: 200 for role in ROLES}, body=token_body),
    # a caller's own tokens: another's is 404, like a missing one
    Row("token-list", "GET", "auth/tokens/", signed_in_may(200)),
    Row("token-list", "DELETE", "auth/tokens/", signed_in_may(204)),
    # signed in by session (as the matrix is), there is no current token to revoke
    Row("token-current", "DELETE", "auth/tokens/current/", signed_in_may(400)),
    Row(
        "token-detail",
        "DELETE",
        "auth/tokens/{token}/",
        signed_in_may(404) | {"owner": 204},
    ),
    # projects
    Row("project-list", "GET", "projects/", signed_in_may(200)),
    Row("project-list", "POST", "projects/", signed_in_may(201), body=lambda w, u: {"name": "N"}),
    Row("project-detail", "GET", "projects/{p}/", member_may(200)),
    Row(
        "project-detail",
        "PUT",
        "projects/{p}/",
        owner_may(200),
        body=lambda w, u: {"name": "Renamed", "annotators_per_document": 2, "blind": True},
    ),
    Row(
        "project-detail",
        "PATCH",
        "projects/{p}/",
        owner_may(200),
        body=lambda w, u: {"description": "Changed"},
    ),
    Row("project-detail", "DELETE", "projects/{p}/", owner_may(204)),
    # background jobs: not under /projects/, so an outsider's list is empty and a
    # job of another project is 404; the world's job is an import, the owners'
    # (each kind's role: tests/api/test_anonymity.py)
    Row("job-list", "GET", "jobs/", signed_in_may(200)),
    Row("job-detail", "GET", "jobs/{job}/", owner_may(200)),
    # Retrying is the kind's starters' (owners for an import). The world's job
    # is pending, so the owner's retry is refused: 409.
    Row("job-retry", "POST", "projects/{p}/jobs/{job}/retry/", owner_may(409)),
    # Restoring an archive makes a new project of the caller's: anyone signed
    # in (without a file: 400; tests/datasets/test_restore_api.py restores).
    Row("project-restore", "POST", "projects/restore/", signed_in_may(400)),
    # labels
    Row("label-list", "GET", "projects/{p}/labels/", member_may(200)),
    Row(
        "label-list",
        "POST",
        "projects/{p}/labels/",
        owner_may(201),
        body=lambda w, u: {"kind": "entity", "name": "EVENT"},
    ),
    Row("label-detail", "GET", "projects/{p}/labels/{label}/", member_may(200)),
    Row(
        "label-detail",
        "PATCH",
        "projects/{p}/labels/{label}/",
        owner_may(200),
        body=lambda w, u: {"color": "#112233"},
    ),
    Row("label-detail", "DELETE", "projects/{p}/labels/{label}/", owner_may(204)),
    # members
    Row("member-list", "GET", "projects/{p}/members/", member_may(200)),
    Row(
        "member-list",
        "POST",
        "projects/{p}/members/",
        owner_may(201),
        body=lambda w, u: {"username": "zoe", "role": "annotator"},
    ),
    Row("member-detail", "GET", "projects/{p}/members/{member}/", member_may(200)),
    Row(
        "member-detail",
        "PATCH",
        "projects/{p}/members/{member}/",
        owner_may(200),
        body=lambda w, u: {"role": "reviewer"},
    ),
    Row("member-detail", "DELETE", "projects/{p}/members/{member}/", owner_may(204)),
    # Staff owners only: every caller is made staff first, so the role decides
    # (a non-staff owner's 403 is in tests/annotations/test_members_api.py).
    Row(
        "member-create-account",
        "POST",
        "projects/{p}/members/new-account/",
        owner_may(201),
        body=lambda w, u: {"username": "newcomer", "role": "annotator"},
        prepare=make_staff,
    ),
    # actors
    Row("actor-list", "GET", "projects/{p}/actors/", member_may(200)),
    Row(
        "actor-list",
        "POST",
        "projects/{p}/actors/",
        member_may(201),
        body=lambda w, u: {"name": "Venezuela", "kind": "state", "aliases": ["Caracas"]},
    ),
    Row("actor-detail", "GET", "projects/{p}/actors/{actor}/", member_may(200)),
    Row(
        "actor-detail",
        "PATCH",
        "projects/{p}/actors/{actor}/",
        reviewer_may(200),
        body=lambda w, u: {"description": "The Russian state."},
    ),
    Row("actor-detail", "DELETE", "projects/{p}/actors/{actor}/", reviewer_may(204)),
    Row(
        "actor-merge",
        "POST",
        "projects/{p}/actors/{actor}/merge/",
        reviewer_may(200),
        body=lambda w, u: {"into": w.survivor.pk},
    ),
    # documents
    Row("document-list", "GET", "projects/{p}/documents/", member_may(200)),
    Row(
        "document-list",
        "POST",
        "projects/{p}/documents/",
        owner_may(201),
        body=lambda w, u: {"id": "new-1", "text": "Caracas answered."},
    ),
    Row(
        "document-import",
        "POST",
        "projects/{p}/documents/import/",
        owner_may(201),
        body=lambda w, u: [{"id": "imp-1", "text": "One."}, {"id": "imp-2", "text": "Two."}],
    ),
    Row(
        "document-import-preview",
        "POST",
        "projects/{p}/documents/import/preview/",
        owner_may(200),
        body=lambda w, u: [{"id": "imp-1", "text": "One."}],
    ),
    Row("document-next", "POST", "projects/{p}/documents/next/", member_may(200)),
    Row("document-detail", "GET", "projects/{p}/documents/{d}/", member_may(200)),
    Row(
        "document-detail",
        "PATCH",
        "projects/{p}/documents/{d}/",
        owner_may(200),
        body=lambda w, u: {"title": "Moscow condemns"},
    ),
    Row("document-detail", "DELETE", "projects/{p}/documents/{d}/", owner_may(204)),
    Row(
        "document-reassign",
        "POST",
        "projects/{p}/documents/{d}/reassign/",
        owner_may(200),
        # The world's extra annotator has an unfinished set; the caller takes it.
        body=lambda w, u: {"from": w.member.user.username, "to": u or "olga"},
        prepare=lambda w, u: claim(w.document, w.member.user),
    ),
    # annotation sets
    Row("document-sets", "GET", "projects/{p}/documents/{d}/annotations/", member_may(200)),
    Row(
        "my-set",
        "GET",
        "projects/{p}/documents/{d}/annotations/mine/",
        member_may(200),
        prepare=give_caller_a_set,
    ),
    Row("my-set", "POST", "projects/{p}/documents/{d}/annotations/mine/", member_may(201)),
    Row(
        "my-set",
        "PUT",
        "projects/{p}/documents/{d}/annotations/mine/",
        member_may(200),
        body=set_body,
        prepare=give_caller_a_set,
    ),
    Row(
        "my-set-submit",
        "POST",
        "projects/{p}/documents/{d}/annotations/mine/submit/",
        member_may(200),
        prepare=give_caller_a_set,
    ),
]

CASES = matrix_cases(MATRIX)
PROJECT_ROWS = [row for row in MATRIX if "{p}" in row.path]
SUB_OBJECT_ROWS = [row for row in MATRIX if row.has_sub_object]


# --------------------------------------------------------------------------- helpers


def url(row, ids):
    return "/api/v1/" + row.path.format(**ids)


def call(client, row, world, username, ids=None):
    body = row.body(world, username) if row.body else None
    return client.generic(
        row.method,
        url(row, ids or world.ids()),
        data="" if body is None else json.dumps(body),
        content_type="application/json",
    )


def snapshot():
    """Every row an API call could change, to prove a refused call changed nothing."""
    models = (Project, Membership, Label, Document, Actor, Alias, AnnotationSet, Span, Stance)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def accepted_methods(callback):
    """The HTTP methods (besides HEAD and OPTIONS) a resolved view answers."""
    cls = callback.cls
    allowed = {m for m in cls.http_method_names if m not in ("head", "options", "trace")}
    actions = getattr(callback, "actions", None)
    methods = set(actions) & allowed if actions else {m for m in allowed if hasattr(cls, m)}
    return {method.upper() for method in methods}


def api_endpoints():
    """{(url name, METHOD)} for every view served under /api/v1/."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif route.startswith("api/v1/"):
                found.update((pattern.name, m) for m in accepted_methods(pattern.callback))

    walk(get_resolver().url_patterns, "")
    return found


# --------------------------------------------------------------------------- the tests


def all_matrix_rows():
    """This module's MATRIX and those of tests/api/test_permissions_*.py, where each
    app with endpoints of its own (review, datasets, …) keeps its rows and the
    worlds they need, reusing Row, call and the expectations defined here."""
    rows = list(MATRIX)
    for path in sorted(Path(__file__).parent.glob("test_permissions_*.py")):
        rows += importlib.import_module(f"tests.api.{path.stem}").MATRIX
    return rows


def test_matrix_covers_every_endpoint():
    served = api_endpoints()
    rows = all_matrix_rows()
    covered = {(row.route, row.method) for row in rows}
    assert len(covered) == len(rows), "a (route, method) appears twice in the matrices"
    assert served - covered == set(), "endpoints without a permission matrix row"
    assert covered - served == set(), "matrix rows for endpoints the API does not serve"


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_matrix_paths_resolve_to_their_route(row):
    ids = dict.fromkeys(("p", "d", "label", "member", "actor", "job", "token"), 1)
    assert resolve(url(row, ids)).url_name == row.route


def check_row(row, role, world, users, client_for, state=snapshot, ids=None):
    """Call `row` as `role` and check the matrix's rules: the exact status, the
    Token challenge on 401, and on a refusal a `detail` and an unchanged
    `state()` (each app's module passes the state its endpoints could change).
    Returns the response and the state before the call."""
    username = USERNAME[role]
    if row.prepare and role in MEMBER_ROLES:
        row.prepare(world, users[username])
    before = state()

    response = call(client_for(username), row, world, username, ids)

    expected = row.expect[role]
    # A streamed answer (an export) has no .content.
    assert response.status_code == expected, getattr(response, "content", b"")
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if expected >= 400:
        assert state() == before, "a refused request changed the database"
        assert "detail" in response.json()
    return response, before


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix(row, role, world, users, client_for):
    check_row(row, role, world, users, client_for)


HEAD_OPTIONS_CASES = [
    pytest.param(path, method, id=f"{method} {path}")
    for path in sorted({row.path for row in PROJECT_ROWS})
    for method in ("HEAD", "OPTIONS")
]


@pytest.mark.parametrize(("path", "method"), HEAD_OPTIONS_CASES)
def test_head_and_options_reveal_nothing(path, method, world, users, client_for):
    """HEAD and OPTIONS, which every view answers, follow the same rules."""
    give_caller_a_set(world, users["ana"])  # so that ana has a set of her own to read
    full = "/api/v1/" + path.format(**world.ids())
    assert client_for(None).generic(method, full).status_code == 401
    assert client_for("oscar").generic(method, full).status_code == 404
    readable = any(row.path == path and row.method == "GET" for row in MATRIX)
    member_gets = 200 if method == "OPTIONS" or readable else 405
    assert client_for("ana").generic(method, full).status_code == member_gets


@pytest.mark.parametrize("row", SUB_OBJECT_ROWS, ids=lambda row: row.id)
def test_outsider_gets_404_for_missing_sub_objects(row, world, client_for):
    ids = world.ids(d=MISSING, label=MISSING, member=MISSING, actor=MISSING)
    assert call(client_for("oscar"), row, world, "oscar", ids).status_code == 404


@pytest.mark.parametrize("row", PROJECT_ROWS, ids=lambda row: row.id)
@pytest.mark.parametrize("role", ["outsider", *MEMBER_ROLES])
def test_missing_project_is_404_for_everyone(row, role, world, client_for):
    username = USERNAME[role]
    response = call(client_for(username), row, world, username, world.ids(p=MISSING))
    assert response.status_code == 404


@pytest.mark.parametrize("row", SUB_OBJECT_ROWS, ids=lambda row: row.id)
def test_owner_gets_404_for_missing_sub_objects(row, world, client_for):
    before = snapshot()
    ids = world.ids(d=MISSING, label=MISSING, member=MISSING, actor=MISSING)
    assert call(client_for("olga"), row, world, "olga", ids).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("row", SUB_OBJECT_ROWS, ids=lambda row: row.id)
def test_sub_objects_of_another_project_are_404(row, world, users, client_for):
    """olga owns both projects; project B's objects are not reachable through A's URLs."""
    other = build_world(make_project(users), suffix="-b")
    ids = other.ids(p=world.project.pk)
    before = snapshot()
    assert call(client_for("olga"), row, world, "olga", ids).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("path", ["labels/abc/", "members/abc/", "labels/1.5/"])
def test_non_numeric_ids_are_404(path, world, client_for):
    assert client_for("olga").get(f"/api/v1/projects/{world.project.pk}/{path}").status_code == 404


def test_members_get_404_for_missing_documents(world, client_for):
    p = world.project.pk
    for username in ("ana", "rita", "olga"):
        client = client_for(username)
        for path in (
            f"documents/{MISSING}/",
            f"documents/{MISSING}/annotations/",
            f"documents/{MISSING}/annotations/mine/",
            f"actors/{MISSING}/",
            f"labels/{MISSING}/",
            f"members/{MISSING}/",
        ):
            assert client.get(f"/api/v1/projects/{p}/{path}").status_code == 404, (username, path)


def test_outsider_lists_no_foreign_project_but_may_create_one(world, client_for):
    oscar = client_for("oscar")
    assert oscar.get("/api/v1/projects/").json()["results"] == []

    response = oscar.post("/api/v1/projects/", {"name": "Oscar's"}, format="json")
    assert response.status_code == 201
    assert response.json()["role"] == "owner"
    listed = oscar.get("/api/v1/projects/").json()["results"]
    assert [p["name"] for p in listed] == ["Oscar's"]


def test_members_list_the_project_with_their_role(world, client_for):
    for username, role in (("ana", "annotator"), ("rita", "reviewer"), ("olga", "owner")):
        listed = client_for(username).get("/api/v1/projects/").json()["results"]
        assert [(p["id"], p["role"]) for p in listed] == [(world.project.pk, role)]


def test_methods_an_endpoint_does_not_accept_answer_405(world, client_for):
    """What the matrix leaves out is refused for the owner too, not silently served."""
    owner = client_for("olga")
    ids = world.ids()
    by_route = {}
    for row in MATRIX:
        by_route.setdefault(row.route, (row, set()))[1].add(row.method)
    for row, methods in by_route.values():
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - methods:
            response = owner.generic(method, url(row, ids), "{}", content_type="application/json")
            assert response.status_code == 405, (method, row.path)


# --------------------------------------------------------------------------- blindness


def draft(document, user, start=0, end=6):
    """The user's annotator set with one GPE span, not submitted."""
    return annotate(document, user, [span("s1", start, end)], submit=False)


@pytest.fixture
def sets_on(users):
    """Every kind of set on a fresh document of the given project."""

    def build(project):
        document = Document.objects.create(project=project, external_id="sets", text=TEXT)
        return {
            "ana": draft(document, users["ana"]),
            "ben": draft(document, users["ben"], start=39, end=48),
            "prediction": add_prediction(document, "import", [span("s1", 0, 6)]),
            "gold": add_gold(
                document, spans=[span("s1", 0, 6)], adjudicate=False, author=users["rita"]
            ),
        }

    return build


def visible_ids(client, project, document_id):
    """The set ids the caller sees on a document, through every URL that shows sets."""
    base = f"/api/v1/projects/{project.pk}/documents/"
    sets_view = client.get(f"{base}{document_id}/annotations/")
    listing = client.get(base, {"include": "annotations"})
    detail = client.get(f"{base}{document_id}/", {"include": "annotations"})
    assert sets_view.status_code == listing.status_code == detail.status_code == 200
    [listed] = [doc for doc in listing.json()["results"] if doc["id"] == document_id]
    found = {
        "annotations/": {s["id"] for s in sets_view.json()},
        "?include=annotations": {s["id"] for s in listed["annotations"]},
        "{d}/?include=annotations": {s["id"] for s in detail.json()["annotations"]},
    }
    return found


def ids_of(sets, *names):
    return {sets[name].pk for name in names}


def assert_sees(client, project, sets, *names):
    want = ids_of(sets, *names)
    for where, seen in visible_ids(client, project, sets["ana"].document_id).items():
        assert seen == want, where


def test_blind_annotator_sees_only_her_set_and_predictions(project, sets_on, client_for):
    sets = sets_on(project)
    assert_sees(client_for("ana"), project, sets, "ana", "prediction")
    assert_sees(client_for("ben"), project, sets, "ben", "prediction")


@pytest.mark.parametrize("username", ["rita", "olga"])
def test_reviewer_and_owner_see_every_set(username, project, sets_on, client_for):
    sets = sets_on(project)
    assert_sees(client_for(username), project, sets, "ana", "ben", "prediction", "gold")


def test_open_project_annotator_sees_colleagues_but_never_gold(users, sets_on, client_for):
    project = make_project(users, annotators_per_document=2, blind=False)
    sets = sets_on(project)
    assert_sees(client_for("ana"), project, sets, "ana", "ben", "prediction")


def test_blind_annotator_cannot_filter_by_a_colleague(project, sets_on, client_for):
    sets = sets_on(project)
    documents = f"/api/v1/projects/{project.pk}/documents/"
    ana = client_for("ana")
    assert ana.get(documents, {"assigned_to": "ben"}).status_code == 403
    mine = ana.get(documents, {"assigned_to": "ana"})
    assert mine.status_code == 200
    assert [d["id"] for d in mine.json()["results"]] == [sets["ana"].document_id]
    for username in ("rita", "olga"):
        response = client_for(username).get(documents, {"assigned_to": "ben"})
        assert response.status_code == 200
        assert [d["id"] for d in response.json()["results"]] == [sets["ben"].document_id]


def test_open_project_annotator_may_filter_by_a_colleague(users, sets_on, client_for):
    project = make_project(users, annotators_per_document=2, blind=False)
    sets = sets_on(project)
    response = client_for("ana").get(
        f"/api/v1/projects/{project.pk}/documents/", {"assigned_to": "ben"}
    )
    assert response.status_code == 200
    assert [d["id"] for d in response.json()["results"]] == [sets["ben"].document_id]


def _set_state(aset):
    aset.refresh_from_db()
    spans = list(aset.spans.order_by("sid").values_list("sid", "start", "end"))
    return aset.version, aset.status, spans


@pytest.mark.parametrize("blind", [True, False])
def test_mine_is_always_the_callers_own_set(blind, users, client_for):
    project = make_project(users, annotators_per_document=2, blind=blind)
    document = Document.objects.create(project=project, external_id="x", text=TEXT)
    ben_set = draft(document, users["ben"])
    ben_before = _set_state(ben_set)
    mine = f"/api/v1/projects/{project.pk}/documents/{document.pk}/annotations/mine/"
    ana = client_for("ana")

    got = ana.post(mine).json()
    assert got["author"] == "ana" and got["id"] != ben_set.pk and got["spans"] == []

    # Naming ben's set in the body does not redirect the write.
    body = {**set_body(None, "ana"), "id": ben_set.pk, "author": "ben", "kind": "annotator"}
    written = ana.put(mine, body, format="json")
    assert written.status_code == 200, written.content
    assert written.json()["id"] == got["id"] and written.json()["author"] == "ana"

    submitted = ana.post(mine + "submit/", {"id": ben_set.pk}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["id"] == got["id"] and submitted.json()["status"] == "submitted"

    assert _set_state(ben_set) == ben_before
    ana_set = AnnotationSet.objects.get(pk=got["id"])
    assert ana_set.author == users["ana"] and ana_set.status == "submitted"


def test_annotator_cannot_reach_a_full_documents_sets(project, users, client_for):
    """ben and rita hold the k=2 sets: ana can neither read nor write either of them."""
    document = Document.objects.create(project=project, external_id="full", text=TEXT)
    ben_set = draft(document, users["ben"])
    rita_set = draft(document, users["rita"])
    before = (_set_state(ben_set), _set_state(rita_set))
    base = f"/api/v1/projects/{project.pk}/documents/{document.pk}/annotations/"
    ana = client_for("ana")

    assert ana.post(base + "mine/").status_code == 409
    assert ana.get(base + "mine/").status_code == 404
    assert ana.put(base + "mine/", set_body(None, "ana"), format="json").status_code == 404
    assert ana.post(base + "mine/submit/").status_code == 404
    assert ana.get(base).json() == []
    next_doc = ana.post(f"/api/v1/projects/{project.pk}/documents/next/")
    assert next_doc.status_code == 204
    assert (_set_state(ben_set), _set_state(rita_set)) == before
    assert not AnnotationSet.objects.filter(author=users["ana"]).exists()


def test_next_document_hands_out_only_the_callers_set(project, users, client_for):
    document = Document.objects.create(project=project, external_id="n", text=TEXT)
    ben_set = draft(document, users["ben"])
    response = client_for("ana").post(f"/api/v1/projects/{project.pk}/documents/next/")
    assert response.status_code == 200
    assert response.json()["id"] == document.pk
    assert response.json()["set"]["author"] == "ana"
    assert response.json()["set"]["id"] != ben_set.pk
    assert "annotations" not in response.json()


# --------------------------------------------------------------------------- token auth


def test_token_authentication_round_trip(project, users):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "ana", "password": "pw-ana"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=users["ana"]).digest == tokens.digest_of(token)

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/v1/projects/")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["results"]] == [project.pk]


def test_token_endpoint_takes_a_form_too(users):
    response = APIClient().post("/api/v1/auth/token/", {"username": "ana", "password": "pw-ana"})
    assert response.status_code == 200
    assert "token" in response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"username": "ana", "password": "wrong"},
        {"username": "nobody", "password": "pw-ana"},
        {"username": "ana"},
        {},
    ],
    ids=["wrong password", "unknown user", "no password", "empty"],
)
def test_token_refused_with_bad_credentials(body, users):
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_bad_token_is_401(project):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
