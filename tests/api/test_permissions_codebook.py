"""Permission rows for the codebook: concepts, their merge, import and export.

Members read the codebook; owners write it. Annotators and reviewers may also
add concepts when the project's `annotators_create_concepts` is on (the last
tests here); nothing else changes with it."""

import pytest

from apps.actors.models import Concept
from apps.projects.models import Project
from tests.builders import make_project

from .test_permissions import (
    MEMBER_ROLES,
    ROLES,
    USERNAME,
    Row,
    build_world,
    call,
    check_row,
    matrix_cases,
    member_may,
    owner_may,
    snapshot,
)

pytestmark = pytest.mark.django_db


def add_codebook(world):
    """The concept the rows act on, and the survivor of its merge."""
    world.concept = Concept.objects.create(project=world.project, name="Sovereignty")
    world.into = Concept.objects.create(project=world.project, name="State sovereignty")
    return world


@pytest.fixture
def world(users, project):
    return add_codebook(build_world(project))


def ids(world, **override):
    return world.ids(**({"concept": world.concept.pk} | override))


def state():
    return (
        snapshot(),
        list(Concept.objects.order_by("pk").values()),
        list(Project.objects.order_by("pk").values("pk", "annotators_create_concepts")),
    )


MATRIX = [
    Row("concept-list", "GET", "projects/{p}/concepts/", member_may(200)),
    Row(
        "concept-list",
        "POST",
        "projects/{p}/concepts/",
        owner_may(201),
        body=lambda w, u: {"name": "UN Charter", "keywords": ["Charter"]},
    ),
    Row("concept-detail", "GET", "projects/{p}/concepts/{concept}/", member_may(200)),
    Row(
        "concept-detail",
        "PATCH",
        "projects/{p}/concepts/{concept}/",
        owner_may(200),
        body=lambda w, u: {"description": "Of states."},
    ),
    Row("concept-detail", "DELETE", "projects/{p}/concepts/{concept}/", owner_may(204)),
    Row(
        "concept-merge",
        "POST",
        "projects/{p}/concepts/{concept}/merge/",
        owner_may(200),
        body=lambda w, u: {"into": w.into.pk},
    ),
    Row("concept-export", "GET", "projects/{p}/concepts/export/", member_may(200)),
    Row(
        "concept-import",
        "POST",
        "projects/{p}/concepts/import/",
        owner_may(201),
        body=lambda w, u: [{"name": "UN Charter", "parent": "Sovereignty"}],
    ),
]

CASES = matrix_cases(MATRIX)
CONCEPT_ROWS = [row for row in MATRIX if "{concept}" in row.path]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix_codebook(row, role, world, users, client_for):
    check_row(row, role, world, users, client_for, state=state, ids=ids(world))


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
@pytest.mark.parametrize("role", ["outsider", *MEMBER_ROLES])
def test_missing_project_is_404(row, role, world, client_for):
    username = USERNAME[role]
    response = call(client_for(username), row, world, username, ids(world, p=999_999))
    assert response.status_code == 404


@pytest.mark.parametrize("row", CONCEPT_ROWS, ids=lambda row: row.id)
@pytest.mark.parametrize("role", ["outsider", "owner"])
def test_missing_concept_is_404_and_changes_nothing(row, role, world, client_for):
    username = USERNAME[role]
    before = state()
    response = call(client_for(username), row, world, username, ids(world, concept=999_999))
    assert response.status_code == 404
    assert state() == before


@pytest.mark.parametrize("row", CONCEPT_ROWS, ids=lambda row: row.id)
def test_concept_of_another_project_is_404(row, world, users, client_for):
    """olga owns both projects; project B's concept is not reachable through A's URLs."""
    other = add_codebook(build_world(make_project(users), suffix="-b"))
    before = state()
    response = call(client_for("olga"), row, world, "olga", ids(world, concept=other.concept.pk))
    assert response.status_code == 404
    assert state() == before


def test_merge_into_a_concept_of_another_project_is_refused(world, users, client_for):
    other = add_codebook(build_world(make_project(users), suffix="-b"))
    before = state()
    url = f"/api/v1/projects/{world.project.pk}/concepts/{world.concept.pk}/merge/"
    response = client_for("olga").post(url, {"into": other.into.pk}, format="json")
    assert response.status_code == 400
    assert f"There is no concept {other.into.pk} in this project." in response.json()["detail"]
    assert state() == before


@pytest.mark.parametrize("role", ROLES)
def test_with_the_setting_on_every_member_may_add_concepts(role, world, users, client_for):
    world.project.annotators_create_concepts = True
    world.project.save(update_fields=["annotators_create_concepts"])
    expect = member_may(201)
    row = Row("concept-list", "POST", "projects/{p}/concepts/", expect, body=MATRIX[1].body)
    check_row(row, role, world, users, client_for, state=state, ids=ids(world))


@pytest.mark.parametrize("role", ["annotator", "reviewer"])
def test_the_setting_opens_creating_only(role, world, users, client_for):
    world.project.annotators_create_concepts = True
    world.project.save(update_fields=["annotators_create_concepts"])
    for row in MATRIX:
        if row.method != "GET" and row.route != "concept-list":
            check_row(row, role, world, users, client_for, state=state, ids=ids(world))
