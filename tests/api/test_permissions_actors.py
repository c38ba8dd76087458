"""Permission rows for the registry import/export and pre-annotation routes."""

import pytest

from apps.projects.models import Job

from .test_permissions import (
    Row,
    call,
    check_row,
    matrix_cases,
    member_may,
    owner_may,
    reviewer_may,
    snapshot,
)

pytestmark = pytest.mark.django_db


def map_kinds(world, user):
    world.project.actor_kind_labels = {"state": "GPE"}
    world.project.save(update_fields=["actor_kind_labels"])


MATRIX = [
    Row("actor-registry-export", "GET", "projects/{p}/actors/export/", member_may(200)),
    Row(
        "actor-registry-import",
        "POST",
        "projects/{p}/actors/import/",
        reviewer_may(201),
        body=lambda w, u: [{"name": "Venezuela", "kind": "state", "aliases": ["Caracas"]}],
    ),
    Row(
        "preannotate",
        "POST",
        "projects/{p}/preannotate/",
        owner_may(202),
        body=lambda w, u: {"filter": {"q": "Caracas", "status": "new"}, "unannotated": True},
        prepare=map_kinds,
    ),
    Row(
        "preannotate-count",
        "POST",
        "projects/{p}/preannotate/count/",
        owner_may(200),
        body=lambda w, u: {"filter": {"q": "Caracas"}, "unannotated": True},
    ),
]

CASES = matrix_cases(MATRIX)


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix_actors(row, role, world, users, client_for):
    # Refused calls start no pre-annotation job either.
    check_row(row, role, world, users, client_for, state=lambda: (snapshot(), Job.objects.count()))


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_missing_project_is_404(row, world, client_for):
    response = call(client_for("olga"), row, world, "olga", world.ids(p=999_999))
    assert response.status_code == 404


def test_export_csv_errors_are_json(world, client_for):
    """`format=csv` selects the file, not DRF's renderer: a refusal is still JSON."""
    url = f"/api/v1/projects/{world.project.pk}/actors/export/?format=csv"
    response = client_for("oscar").get(url)
    assert response.status_code == 404
    assert "detail" in response.json()
    assert client_for("ana").get(url)["Content-Type"].startswith("text/csv")
