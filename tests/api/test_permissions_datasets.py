"""Who may export and who may see, build and download releases.

Reviewers and owners export, read releases and the discourse networks
(gold data is hidden from annotators); only owners build releases.
"""

import pytest

from apps.annotations.models import AnnotationSet
from apps.datasets.models import Release, ReleaseFile
from apps.datasets.releases import create_release
from tests.api.test_permissions import (
    MEMBER_ROLES,
    ROLES,
    USERNAME,
    Row,
    build_world,
    call,
    check_row,
    matrix_cases,
    owner_may,
    reviewer_may,
    snapshot,
)
from tests.builders import add_set

pytestmark = pytest.mark.django_db

MATRIX = [
    Row("export", "GET", "projects/{p}/export/?format=jsonl", reviewer_may(200)),
    Row("network", "GET", "projects/{p}/networks/?kind=affiliation", reviewer_may(200)),
    Row("network-statements", "GET", "projects/{p}/networks/statements/", reviewer_may(200)),
    Row("release-list", "GET", "projects/{p}/releases/", reviewer_may(200)),
    Row(
        "release-list",
        "POST",
        "projects/{p}/releases/",
        owner_may(202),
        body=lambda w, u: {"name": "v2", "formats": ["jsonl"]},
    ),
    Row("release-detail", "GET", "projects/{p}/releases/{r}/", reviewer_may(200)),
    Row(
        "release-file",
        "GET",
        "projects/{p}/releases/{r}/files/jsonl/?split=train",
        reviewer_may(200),
    ),
    Row("release-manifest", "GET", "projects/{p}/releases/{r}/files/manifest/", reviewer_may(200)),
]

CASES = matrix_cases(MATRIX)


@pytest.fixture
def release_world(users, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world(project)
    add_set(
        world.document,
        AnnotationSet.Kind.GOLD,
        [{"id": "s1", "start": 0, "end": 6, "label": "GPE"}],
    )
    release, _ = create_release(
        world.project, {"name": "v1", "formats": ["jsonl"], "ratios": {"train": 1.0}}, users["olga"]
    )
    return world, release


def datasets_snapshot():
    return snapshot() | {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Release, ReleaseFile)
    }


@pytest.mark.parametrize(("row", "role"), CASES)
def test_datasets_permission_matrix(row, role, release_world, users, client_for):
    world, release = release_world
    ids = world.ids(r=release.pk)
    check_row(row, role, world, users, client_for, state=datasets_snapshot, ids=ids)


# The same route with other options: the whole corpus (documents=every) of
# every source is exported to whoever may export, and to nobody else.
CORPUS = [
    Row(
        "export",
        "GET",
        f"projects/{{p}}/export/?format=jsonl&source={source}&documents=every",
        reviewer_may(200),
    )
    for source in ("gold", "all", "prediction")
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", CORPUS, ids=lambda r: r.path.split("source=")[1])
def test_the_whole_corpus_is_exported_only_to_exporters(
    row, role, release_world, users, client_for
):
    world, _release = release_world
    check_row(row, role, world, users, client_for, state=datasets_snapshot, ids=world.ids())


@pytest.mark.parametrize("row", [r for r in MATRIX if "{r}" in r.path], ids=lambda r: r.id)
@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_a_missing_release_is_404(row, role, release_world, client_for):
    world, _ = release_world
    if row.expect[role] == 403:
        return
    username = USERNAME[role]
    response = call(client_for(username), row, world, username, world.ids(r=999_999))
    assert response.status_code == 404
