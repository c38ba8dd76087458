"""Permission rows for the project console's own endpoint: the guidelines preview."""

import pytest

from .test_permissions import Row, check_row, matrix_cases, signed_in_may

pytestmark = pytest.mark.django_db


MATRIX = [
    Row(
        "guidelines-preview",
        "POST",
        "guidelines/preview/",
        signed_in_may(200),
        body=lambda w, u: {"guidelines": "# Rules\n\n- **Mark** every actor."},
    ),
]

CASES = matrix_cases(MATRIX)


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix_console_project(row, role, world, users, client_for):
    check_row(row, role, world, users, client_for)
