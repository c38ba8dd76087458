"""The release list carries each ready release's counts per split (for the
datasets page) without loading the manifests."""

import pytest

from apps.datasets.models import Release

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(project, path=""):
    return f"/api/v1/projects/{project.pk}/releases/{path}"


def build(client, project, name):
    response = client.post(url(project), {"name": name, "formats": ["jsonl"]}, format="json")
    assert response.status_code == 202, response.json()
    return response.json()["release"]["id"]


def test_list_has_the_counts_per_split_of_ready_releases(gold_project, users, client_for):
    release_id = build(client_for("olga"), gold_project, "v1")
    Release.objects.create(project=gold_project, name="waiting", created_by=users["olga"])
    rows = {r["name"]: r for r in client_for("rita").get(url(gold_project)).json()}
    manifest = client_for("rita").get(url(gold_project, f"{release_id}/")).json()["manifest"]
    assert rows["v1"]["splits"] == manifest["splits"]
    assert sum(s["documents"] for s in rows["v1"]["splits"].values()) == 3
    assert rows["waiting"]["splits"] is None
    assert "manifest" not in rows["v1"]


def test_list_runs_a_fixed_number_of_queries(
    gold_project, client_for, django_assert_num_queries, django_assert_max_num_queries
):
    olga, rita = client_for("olga"), client_for("rita")
    build(olga, gold_project, "v1")
    with django_assert_max_num_queries(8) as one:
        rita.get(url(gold_project))
    one_count = len(one)  # now: the query log is a bounded deque read by index
    for name in ("v2", "v3", "v4"):
        build(olga, gold_project, name)
    with django_assert_num_queries(one_count):
        assert len(rita.get(url(gold_project)).json()) == 4
