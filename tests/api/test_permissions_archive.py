"""Who may download a project's archive: owners only; non-members get 404."""

import gzip

import orjson
import pytest

from tests.api.test_permissions import (
    USERNAME,
    Row,
    build_world,
    call,
    check_row,
    matrix_cases,
    owner_may,
)

pytestmark = pytest.mark.django_db

MATRIX = [Row("archive", "GET", "projects/{p}/archive/", owner_may(200))]

CASES = matrix_cases(MATRIX)


@pytest.mark.parametrize(("row", "role"), CASES)
def test_archive_permission_matrix(row, role, project, users, client_for):
    world = build_world(project)
    check_row(row, role, world, users, client_for)


def test_the_owner_downloads_the_whole_project(project, client_for):
    world = build_world(project)
    [row] = MATRIX
    response = call(client_for("olga"), row, world, USERNAME["owner"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert ".accord.jsonl.gz" in response["Content-Disposition"]
    lines = gzip.decompress(b"".join(response.streaming_content)).splitlines()
    records = [orjson.loads(line) for line in lines]
    assert records[0]["type"] == "header" and records[-1]["type"] == "end"
    assert [r["external_id"] for r in records if r["type"] == "document"] == ["d1"]
    assert {r["name"] for r in records if r["type"] == "actor"} == {"Russia", "Russian Federation"}
