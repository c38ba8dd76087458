"""Permission rows for the category groups: members read them, owners
change them; non-members get 404 and a refused call changes nothing."""

import pytest

from apps.projects.models import CategoryGroup, Label

from .test_permissions import (
    MISSING,
    Row,
    call,
    check_row,
    matrix_cases,
    member_may,
    owner_may,
    snapshot,
)

pytestmark = pytest.mark.django_db


MATRIX = [
    Row("category-group-list", "GET", "projects/{p}/category-groups/", member_may(200)),
    Row(
        "category-group-list",
        "POST",
        "projects/{p}/category-groups/",
        owner_may(201),
        body=lambda w, u: {"name": "TOPIC", "multiple": True},
    ),
    Row("category-group-detail", "GET", "projects/{p}/category-groups/{group}/", member_may(200)),
    Row(
        "category-group-detail",
        "PATCH",
        "projects/{p}/category-groups/{group}/",
        owner_may(200),
        body=lambda w, u: {"description": "How the text frames it", "multiple": False},
    ),
    # The world's spare group has no label, so it may be deleted.
    Row("category-group-detail", "DELETE", "projects/{p}/category-groups/{group}/", owner_may(204)),
]

CASES = matrix_cases(MATRIX)


@pytest.fixture
def groups(world):
    """A group in use by a label (FRAME) and the spare one the rows act on."""
    frame = CategoryGroup.objects.create(project=world.project, name="FRAME", multiple=True)
    Label.objects.create(project=world.project, kind="category", name="SOVEREIGNTY", group=frame)
    return CategoryGroup.objects.create(project=world.project, name="SPARE_GROUP", multiple=True)


def state():
    return snapshot(), list(CategoryGroup.objects.order_by("pk").values())


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix_categories(row, role, world, groups, users, client_for):
    check_row(row, role, world, users, client_for, state=state, ids=world.ids(group=groups.pk))


@pytest.mark.parametrize("row", [r for r in MATRIX if "{group}" in r.path], ids=lambda r: r.id)
def test_a_missing_group_is_404_even_to_an_owner(row, world, groups, client_for):
    response = call(client_for("olga"), row, world, "olga", world.ids(group=MISSING))
    assert response.status_code == 404
