"""Reading never writes: every GET of the API and every page, opened by each
member role, runs no INSERT, UPDATE or DELETE and takes no row lock.

The routes come from the permission matrices (which must name every API
endpoint) and from the front end's URL patterns, so a GET added later is
checked too. The world is one where a careless read would write: the callers
have no set on the document (GET …/annotations/mine/ used to claim one) and
the document has no gold set (GET …/gold/ used to create one).

One read may write, by design, and only the one table it names in ALLOWED:
reading jobs marks failed, in one conditional UPDATE, those whose worker has
been silent past its lease (projects/jobs.py, expire_stale). It records what
the stored data already implies; it changes no member's work. (The review
queue reads its scores off the documents: its plain read writes nothing.)
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse

from apps.actors.models import Concept
from apps.annotations.models import AnnotationSet
from apps.datasets.releases import create_release
from apps.documents.models import Document
from apps.front import urls as front_urls
from apps.projects.models import CategoryGroup
from tests.builders import add_gold, add_prediction, annotate, browser_for, span

from .test_permissions import MEMBER_ROLES, USERNAME, all_matrix_rows, build_world, url

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b|\bFOR\s+(NO\s+KEY\s+)?UPDATE\b", re.I)


@pytest.fixture
def ids(users, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project.annotators_per_document = 3
    project.save(update_fields=["annotators_per_document"])
    world = build_world(project)
    # ben and max annotated the document; one slot of three is free, and
    # ana, rita and olga have no set on it.
    annotate(world.document, users["ben"], [span("s1", 0, 6)])
    annotate(world.document, world.member.user, [span("s1", 0, 6)])
    add_prediction(world.document, spans=[span("p1", 0, 6)])
    # A release needs gold somewhere: on another document.
    other = Document.objects.create(project=project, external_id="d2", text="Caracas spoke.")
    add_gold(other, users["rita"], spans=[span("g1", 0, 7)])
    release, _ = create_release(
        project, {"name": "v1", "formats": ["jsonl"], "ratios": {"train": 1.0}}, users["olga"]
    )
    group = CategoryGroup.objects.create(project=project, name="TONE")
    concept = Concept.objects.create(project=project, name="Sovereignty")
    return world.ids(r=release.pk, decision=1, group=group.pk, concept=concept.pk)


# URL name -> the one table its read may write (see the module's docstring).
ALLOWED = {
    "job-list": "projects_job",
    "job-detail": "projects_job",
}


def writes(queries, route=None):
    allowed = ALLOWED.get(route)
    return [
        q["sql"]
        for q in queries
        if WRITE.search(q["sql"])
        and not (allowed and re.match(rf'^\s*\w+ (INTO )?"{allowed}"', q["sql"]))
    ]


GET_ROWS = [row for row in all_matrix_rows() if row.method == "GET"]


@pytest.mark.parametrize("role", MEMBER_ROLES)
@pytest.mark.parametrize("row", GET_ROWS, ids=lambda row: row.id)
def test_no_api_read_writes(row, role, ids, client_for):
    client = client_for(USERNAME[role])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(row, ids))
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # an export reads as it streams
    assert response.status_code < 500
    assert writes(queries.captured_queries, row.route) == []


def page_urls(ids):
    """Every page a member opens with a GET, by its URL name."""
    found = []
    for pattern in front_urls.urlpatterns:
        if not isinstance(pattern, URLPattern):
            continue
        params = set(pattern.pattern.regex.groupindex)
        # The one-time set-password link keeps its token in the session as
        # Django's own view does: session bookkeeping, not project data.
        if params - {"project_pk", "document_pk"}:
            continue
        kwargs = {"project_pk": ids["p"], "document_pk": ids["d"]}
        found.append((pattern.name, reverse(pattern.name, kwargs={k: kwargs[k] for k in params})))
    return found


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_no_page_writes(role, ids, users):
    client = browser_for(users, USERNAME[role])
    sets = AnnotationSet.objects.count()
    pages = page_urls(ids)
    assert {"workspace", "adjudicate-page", "review-queue-page"} <= {name for name, _ in pages}
    for name, path in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code < 500, name
        assert writes(queries.captured_queries, name) == [], name
    assert AnnotationSet.objects.count() == sets


def test_the_check_sees_a_write(ids, client_for):
    """Not vacuous: a claim, which does write, is caught."""
    with CaptureQueriesContext(connection) as queries:
        response = client_for("ana").post(
            f"/api/v1/projects/{ids['p']}/documents/{ids['d']}/annotations/mine/"
        )
    assert response.status_code == 201
    assert writes(queries.captured_queries)
