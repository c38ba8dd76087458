"""Permission rows for an actor's mentions (GET .../actors/{a}/mentions/)."""

import pytest

from tests.builders import make_project

from .test_permissions import (
    MEMBER_ROLES,
    USERNAME,
    Row,
    build_world,
    call,
    check_row,
    matrix_cases,
    member_may,
    snapshot,
)

pytestmark = pytest.mark.django_db


MATRIX = [
    Row("actor-mentions", "GET", "projects/{p}/actors/{actor}/mentions/", member_may(200)),
]

CASES = matrix_cases(MATRIX)


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix_mentions(row, role, world, users, client_for):
    _, before = check_row(row, role, world, users, client_for)
    assert snapshot() == before, "reading mentions changed the database"


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
@pytest.mark.parametrize("role", ["outsider", *MEMBER_ROLES])
def test_missing_project_or_actor_is_404(row, role, world, client_for):
    username = USERNAME[role]
    assert call(client_for(username), row, world, username, world.ids(p=999_999)).status_code == 404
    if role != "outsider":
        response = call(client_for(username), row, world, username, world.ids(actor=999_999))
        assert response.status_code == 404


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_actor_of_another_project_is_404(row, world, users, client_for):
    other = build_world(make_project(users), suffix="-b")
    ids = world.ids(actor=other.actor.pk)
    assert call(client_for("olga"), row, world, "olga", ids).status_code == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_mentions_are_read_only(method, world, client_for):
    row = MATRIX[0]
    url = "/api/v1/" + row.path.format(**world.ids())
    before = snapshot()
    response = client_for("olga").generic(method, url, "{}", content_type="application/json")
    assert response.status_code == 405
    assert snapshot() == before
