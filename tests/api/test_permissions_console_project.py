"""Permission rows for the project console's own endpoint: the guidelines preview."""

import pytest

from .test_permissions import ROLES, Row, build_world, check_row, signed_in_may

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users, project):
    return build_world(project)


MATRIX = [
    Row(
        "guidelines-preview",
        "POST",
        "guidelines/preview/",
        signed_in_may(200),
        body=lambda w, u: {"guidelines": "# Rules\n\n- **Mark** every actor."},
    ),
]

CASES = [pytest.param(row, role, id=f"{row.id} as {role}") for row in MATRIX for role in ROLES]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix_console_project(row, role, world, users, client_for):
    check_row(row, role, world, users, client_for)
