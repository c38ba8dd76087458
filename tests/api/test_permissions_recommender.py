"""Permission rows for the recommender (apps/recommender/api): reviewers read
its settings and scores, owners change them and train; annotators get 403."""

import pytest

from apps.projects.models import Job
from apps.recommender.models import RecommenderModel, RecommenderSettings

from .test_permissions import (
    MEMBER_ROLES,
    USERNAME,
    Row,
    call,
    check_row,
    matrix_cases,
    owner_may,
    reviewer_may,
    snapshot,
)

pytestmark = pytest.mark.django_db


def state():
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (RecommenderSettings, RecommenderModel, Job)
    }
    return snapshot() | rows


MATRIX = [
    Row("recommender", "GET", "projects/{p}/recommender/", reviewer_may(200)),
    Row(
        "recommender",
        "PATCH",
        "projects/{p}/recommender/",
        owner_may(200),
        body=lambda w, u: {"enabled": True, "threshold": 0.6},
    ),
    # The world has no adjudicated document: the owner's training is refused
    # before any job starts (tests/recommender/test_api.py trains).
    Row("recommender-train", "POST", "projects/{p}/recommender/train/", owner_may(400)),
    Row("recommender-models", "GET", "projects/{p}/recommender/models/", reviewer_may(200)),
]

CASES = matrix_cases(MATRIX)


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix_recommender(row, role, world, users, client_for):
    _, before = check_row(row, role, world, users, client_for, state=state)
    if row.method == "GET":
        assert state() == before, "reading the recommender changed the database"


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
@pytest.mark.parametrize("role", ["outsider", *MEMBER_ROLES])
def test_missing_project_is_404(row, role, world, client_for):
    username = USERNAME[role]
    before = state()
    assert call(client_for(username), row, world, username, world.ids(p=999_999)).status_code == 404
    assert state() == before
