"""What a member learns about who annotated what: every endpoint and page that
takes a user as a filter or shows one, for every role, with anonymous review
on and off.

The rules (docs/api.md, "Blind projects and anonymous review"):

- a non-member gets 404, a member below the role 403, as everywhere;
- under anonymous review a reviewer (not an owner) never meets an
  annotator's username: names are pseudonyms, and a filter on a user takes
  a pseudonym ("Annotator n"); a username is refused with 400 naming the
  parameter, so no answer pairs a username with a pseudonym;
- annotators' names leave Accord in a file (an export, a release) only for
  owners, in any project: a release built with names is the owners' to read;
- a job is seen by whoever may see what it makes (apps/projects/jobs.py).
"""

from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver
from rest_framework.test import APIClient

from apps.annotations.models import AnnotationSet
from apps.datasets.releases import create_release
from apps.front import urls as front_urls
from apps.projects.models import Job, Project
from tests.builders import annotate, make_project, make_users, span_at
from tests.review.helpers import ANONYMOUS_NAMES, MOSCOW, annotated_by_three, document

pytestmark = pytest.mark.django_db

NAMES = ANONYMOUS_NAMES
CALLERS = {"annotator": "ana", "reviewer": "rita", "owner": "olga", "non-member": "oscar"}


def build_world():
    """An anonymous-review, blind project with k = 3: d1 annotated by yan,
    xia, zed (in that order) and auto-merged into gold with its decisions; d2
    by xia, zed. Two releases of every submitted set (one naming the
    annotators, one by pseudonym), and a job of each kind."""
    users = make_users()
    project = make_project(users, annotators_per_document=3, anonymous_review=True, blind=True)
    world = annotated_by_three(project)
    d1, _ = world["docs"]
    merged = client(users["olga"]).post(
        f"/api/v1/projects/{project.pk}/documents/{d1.pk}/gold/auto-merge/",
        {"min_agreement": 2},
        format="json",
    )
    assert merged.status_code == 200, merged.content
    release = {"formats": ["jsonl"], "ratios": {"train": 1.0}, "source": "all"}
    named, named_job = create_release(
        project, {**release, "name": "named", "annotators": "names"}, users["olga"]
    )
    pseudonymous, release_job = create_release(
        project, {**release, "name": "pseudonymous"}, users["olga"]
    )
    jobs = {
        "release": release_job,
        "named": named_job,
        "preannotate": Job.objects.create(
            project=project, kind="preannotate", handler="-", created_by=users["olga"]
        ),
        "import": Job.objects.create(project=project, kind="import", handler="-"),
        "train": Job.objects.create(project=project, kind="train", handler="-"),
        # A row of a kind no longer registered: the owners' alone.
        "retired": Job.objects.create(project=project, kind="retired", handler="-"),
    }
    return {
        **world,
        "users": users,
        "project": project,
        "releases": {"named": named, "pseudonymous": pseudonymous},
        "jobs": jobs,
    }


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module inside a transaction rolled back
    at its end; each test runs in a savepoint of it (pytest-django's own), so
    what a test writes is gone before the next."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(shared, db):
    return shared


@pytest.fixture
def users(world):
    return world["users"]


@pytest.fixture
def client_for(users):
    return lambda username: client(users[username])


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def set_anonymous(world, anonymous):
    # In the database only: the shared objects stay as built.
    Project.objects.filter(pk=world["project"].pk).update(anonymous_review=anonymous)


# --------------------------------------------------------------------------- the matrix


def member_may(code=200):
    return {"annotator": code, "reviewer": code, "owner": code, "non-member": 404}


def reviewer_may(code=200):
    return {**member_may(code), "annotator": 403}


def owner_may(code=200):
    return {**member_may(code), "annotator": 403, "reviewer": 403}


@dataclass(frozen=True)
class Row:
    name: str
    path: str  # an API path under /api/v1/ or a page path, with {p}, {d1}, {d2}, {a}, …
    expect: dict
    # The reviewer's status under anonymous review, where it differs.
    hidden: int | None = None
    # Whether the answer names annotators for those who may see names.
    named: bool = False
    page: bool = False
    # What the expectations say when anonymous review is off, where they differ.
    named_expect: dict = field(default_factory=dict)

    def status(self, role, anonymous):
        if anonymous and role == "reviewer" and self.hidden is not None:
            return self.hidden
        if not anonymous and role in self.named_expect:
            return self.named_expect[role]
        return self.expect[role]


API = [
    Row("agreement", "projects/{p}/agreement/", reviewer_may(), named=True),
    Row(
        "agreement by pseudonym",
        "projects/{p}/agreement/?annotator=Annotator%203",
        reviewer_may(),
    ),
    Row(
        "agreement by username",
        "projects/{p}/agreement/?annotator=xiaannotator",
        reviewer_may(),
        hidden=400,
        named=True,
    ),
    Row(
        "documents by username",
        "projects/{p}/documents/?include=annotations&assigned_to=yanannotator",
        # A blind project's annotator names only themselves.
        {**member_may(), "annotator": 403},
        hidden=400,
        named=True,
    ),
    Row(
        "documents by pseudonym",
        "projects/{p}/documents/?include=annotations&assigned_to=Annotator%202",
        {**member_may(), "annotator": 403},
    ),
    Row(
        "documents with sets",
        "projects/{p}/documents/?include=annotations",
        member_may(),
        named=True,
    ),
    Row(
        "document with sets",
        "projects/{p}/documents/{d1}/?include=annotations",
        member_may(),
        named=True,
    ),
    Row("document sets", "projects/{p}/documents/{d1}/annotations/", member_may(), named=True),
    Row("mentions", "projects/{p}/actors/{a}/mentions/", member_may(), named=True),
    Row("review queue", "projects/{p}/review/queue/", reviewer_may()),
    Row("review", "projects/{p}/documents/{d1}/review/", reviewer_may(), named=True),
    Row("gold", "projects/{p}/documents/{d1}/gold/", reviewer_may(), named=True),
    Row("decisions", "projects/{p}/documents/{d1}/decisions/", reviewer_may(), named=True),
    Row("export", "projects/{p}/export/?format=jsonl&source=all", reviewer_may()),
    Row(
        "export with names",
        "projects/{p}/export/?format=jsonl&source=all&annotators=names",
        owner_may(),
        named=True,
    ),
    Row("networks", "projects/{p}/networks/?kind=affiliation", reviewer_may()),
    Row("network statements", "projects/{p}/networks/statements/", reviewer_may()),
    Row("releases", "projects/{p}/releases/", reviewer_may()),
    Row("named release", "projects/{p}/releases/{named}/", owner_may(), named=True),
    Row(
        "named release file",
        "projects/{p}/releases/{named}/files/jsonl/?split=train",
        owner_may(),
        named=True,
    ),
    Row(
        "named release manifest",
        "projects/{p}/releases/{named}/files/manifest/",
        owner_may(),
        named=True,
    ),
    Row("pseudonymous release", "projects/{p}/releases/{pseudonymous}/", reviewer_may()),
    Row(
        "pseudonymous release file",
        "projects/{p}/releases/{pseudonymous}/files/jsonl/?split=train",
        reviewer_may(),
    ),
    Row(
        "pseudonymous release manifest",
        "projects/{p}/releases/{pseudonymous}/files/manifest/",
        reviewer_may(),
    ),
    # Jobs are not under /projects/: a non-member's list is empty, not 404.
    Row("jobs", "jobs/?project={p}", {**member_may(), "non-member": 200}),
    Row("release job", "jobs/{job_release}/", reviewer_may()),
    Row("named release job", "jobs/{job_named}/", reviewer_may()),
    Row("preannotate job", "jobs/{job_preannotate}/", owner_may()),
    Row("import job", "jobs/{job_import}/", owner_may()),
    # A training: reviewers read the recommender's scores, so they see it.
    Row("train job", "jobs/{job_train}/", reviewer_may()),
    Row("job of a retired kind", "jobs/{job_retired}/", owner_may()),
]

PAGES = [
    Row("project-page", "/projects/{p}/", member_may(), page=True),
    Row("documents-page", "/projects/{p}/documents/", reviewer_may(), page=True),
    # The sets on it come from the sets API ("document sets"), which hides names.
    Row("document-view-page", "/projects/{p}/documents/{d1}/view/", member_may(), page=True),
    Row("import-page", "/projects/{p}/import/", owner_may(), page=True),
    Row("preannotate-page", "/projects/{p}/preannotate/", owner_may(), page=True),
    Row("recommender-page", "/projects/{p}/recommender/", owner_may(), page=True),
    Row("project-settings-page", "/projects/{p}/settings/", owner_may(), page=True),
    Row("workspace", "/projects/{p}/documents/{d2}/", member_may(), page=True),
    Row("actor-registry", "/projects/{p}/actors/", member_may(), page=True),
    Row("codebook-page", "/projects/{p}/codebook/", member_may(), page=True),
    Row("review-queue-page", "/projects/{p}/review/", reviewer_may(), named=True, page=True),
    Row("adjudicate-page", "/projects/{p}/review/{d1}/", reviewer_may(), page=True),
    Row("dashboard-page", "/projects/{p}/dashboard/", reviewer_may(), named=True, page=True),
    Row("members-page", "/projects/{p}/members/", member_may(), page=True),
    Row("datasets-page", "/projects/{p}/datasets/", reviewer_may(), page=True),
    Row("network-page", "/projects/{p}/network/", reviewer_may(), page=True),
    Row("jobs-page", "/projects/{p}/jobs/", reviewer_may(), page=True),
    Row("labels-page", "/projects/{p}/labels/", member_may(), page=True),
]

MATRIX = API + PAGES
CASES = [
    pytest.param(row, role, anonymous, id=f"{row.name} as {role}{' (anonymous)' * anonymous}")
    for row in MATRIX
    for role in CALLERS
    for anonymous in (True, False)
]


def path_of(row, world):
    d1, d2 = world["docs"]
    path = row.path.format(
        p=world["project"].pk,
        d1=d1.pk,
        d2=d2.pk,
        a=world["actor"].pk,
        named=world["releases"]["named"].pk,
        pseudonymous=world["releases"]["pseudonymous"].pk,
        **{f"job_{kind}": job.pk for kind, job in world["jobs"].items()},
    )
    return path if row.page else f"/api/v1/{path}"


def fetch(row, world, users, role):
    """The answer to the row's GET for the role, with its whole body as text."""
    user = users[CALLERS[role]]
    if row.page:
        client = Client()
        client.force_login(user)
    else:
        client = APIClient()
        client.force_authenticate(user)
    response = client.get(path_of(row, world))
    # Reading a stream to its end closes it, as the test client does (closing
    # it again would close the database connection the module's world lives in).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode()


def test_every_project_page_is_in_the_matrix():
    pages = {
        p.name for p in get_resolver(front_urls).url_patterns if "<id:project_pk>" in str(p.pattern)
    }
    # "next" only redirects (POST) to the workspace, which is in the matrix.
    assert pages - {"next-document"} == {row.name for row in PAGES}


@pytest.mark.parametrize(("row", "role", "anonymous"), CASES)
def test_who_gets_what(row, role, anonymous, world, users):
    set_anonymous(world, anonymous)
    response, body = fetch(row, world, users, role)
    assert response.status_code == row.status(role, anonymous), body[:500]


SEEN_BY_REVIEWER = [row for row in MATRIX if row.status("reviewer", True) in (200, 400)]


@pytest.mark.parametrize("row", SEEN_BY_REVIEWER, ids=lambda r: r.name)
def test_a_reviewer_under_anonymous_review_meets_no_username(row, world, users):
    response, body = fetch(row, world, users, "reviewer")
    assert response.status_code in (200, 400)
    for username in NAMES:
        assert username not in body, (row.name, username)


WHO_SEES_NAMES = [("owner", True), ("owner", False), ("reviewer", False)]


@pytest.mark.parametrize(("role", "anonymous"), WHO_SEES_NAMES)
@pytest.mark.parametrize(
    "row",
    [r for r in MATRIX if r.named],
    ids=lambda r: r.name,
)
def test_names_show_where_the_caller_may_see_them(row, role, anonymous, world, users):
    if row.status(role, anonymous) != 200:
        return  # a reviewer's 403 on what only owners may read is the matrix's
    set_anonymous(world, anonymous)
    response, body = fetch(row, world, users, role)
    assert response.status_code == 200
    assert any(username in body for username in NAMES), row.name


# --------------------------------------------------------------------------- user filters


def api(world, path):
    return f"/api/v1/projects/{world['project'].pk}/{path}"


def ids(response):
    assert response.status_code == 200, response.content
    return [d["id"] for d in response.json()["results"]]


def test_a_reviewer_filters_documents_by_the_dashboards_pseudonym(world, client_for):
    d1, d2 = world["docs"]
    rita = client_for("rita")
    # zed, yan, xia: Annotator 1, 2, 3 in user-id order.
    assert ids(rita.get(api(world, "documents/"), {"assigned_to": "Annotator 2"})) == [d1.pk]
    assert ids(rita.get(api(world, "documents/"), {"assigned_to": "Annotator 3"})) == [
        d1.pk,
        d2.pk,
    ]
    # The owner, who sees names, finds the same documents by username.
    olga = client_for("olga")
    assert ids(olga.get(api(world, "documents/"), {"assigned_to": "yanannotator"})) == [d1.pk]


@pytest.mark.parametrize(
    ("path", "param", "value"),
    [
        ("documents/", "assigned_to", "yanannotator"),
        ("documents/", "assigned_to", "Annotator A"),  # a per-document letter
        ("documents/", "assigned_to", "Annotator 9"),  # nobody's
        ("agreement/", "annotator", "xiaannotator"),
        ("agreement/", "annotator", "Annotator B"),
        ("agreement/", "annotator", "olga"),  # not an annotator, yet a username
    ],
)
def test_under_anonymous_review_a_filter_takes_only_a_pseudonym(
    path, param, value, world, client_for
):
    response = client_for("rita").get(api(world, path), {param: value})
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [param]
    assert body["detail"].startswith(f"{param}: takes an annotator's pseudonym")
    assert '"Annotator 1" to "Annotator 3"' in body["detail"]
    assert value not in body["detail"]


def test_a_reviewer_may_always_name_themselves(world, users, client_for):
    d3 = document(world["project"], "d3")
    annotate(d3, users["rita"], [span_at("s1", MOSCOW)])
    found = client_for("rita").get(api(world, "documents/"), {"assigned_to": "rita"})
    assert ids(found) == [d3.pk]


def test_the_agreement_filter_by_pseudonym_is_the_owners_filter_by_name(world, client_for):
    by_pseudonym = client_for("rita").get(api(world, "agreement/?annotator=Annotator 3")).json()
    by_name = client_for("olga").get(api(world, "agreement/?annotator=xiaannotator")).json()
    assert by_pseudonym["filters"]["annotator"] == "Annotator 3"
    assert by_pseudonym["documents"] == by_name["documents"] == 2
    assert by_pseudonym["spans"]["f1_exact"] == by_name["spans"]["f1_exact"]


def test_without_anonymous_review_filters_take_usernames(world, client_for):
    set_anonymous(world, False)
    d1, _ = world["docs"]
    rita = client_for("rita")
    assert ids(rita.get(api(world, "documents/"), {"assigned_to": "yanannotator"})) == [d1.pk]
    assert ids(rita.get(api(world, "documents/"), {"assigned_to": "Annotator 2"})) == []


def test_a_blind_projects_annotator_names_only_themselves(world):
    d1, _ = world["docs"]
    yan = APIClient()
    yan.force_authenticate(world["people"]["yan"])
    assert ids(yan.get(api(world, "documents/"), {"assigned_to": "yanannotator"})) == [d1.pk]
    refused = yan.get(api(world, "documents/"), {"assigned_to": "xiaannotator"})
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "In a blind project you may only filter by your own assignments."
    }


def test_the_dashboard_lists_annotators_in_pseudonym_order(world, users):
    # Alphabetically xia, yan, zed; by user id zed, yan, xia: the reviewer's
    # rows must not follow the hidden usernames' order.
    client = Client()
    client.force_login(users["rita"])
    html = client.get(f"/projects/{world['project'].pk}/dashboard/").content.decode()
    table = html[html.index('id="annotator-table"') :]
    rows = [table.index(f'data-name="Annotator {n}"') for n in (1, 2, 3)]
    assert rows == sorted(rows)


@pytest.mark.parametrize(
    ("path", "ceiling"),
    [
        ("documents/?include=annotations&assigned_to=Annotator%203", 8),
        ("agreement/?annotator=Annotator%203", 11),
    ],
)
def test_a_pseudonym_filter_costs_a_fixed_number_of_queries(
    path, ceiling, world, client_for, django_assert_num_queries, django_assert_max_num_queries
):
    rita = client_for("rita")
    with django_assert_max_num_queries(ceiling) as small:
        assert rita.get(api(world, path)).status_code == 200
    people = world["people"]
    for i in range(6):
        doc = document(world["project"], f"more-{i}")
        for who in ("zed", "yan", "xia"):
            annotate(doc, people[who], [span_at("s1", MOSCOW)])
    with django_assert_num_queries(len(small)):
        assert rita.get(api(world, path)).status_code == 200


# --------------------------------------------------------------------------- releases


def test_the_release_list_says_which_releases_name_annotators(world, client_for):
    for username in ("rita", "olga"):
        listed = client_for(username).get(api(world, "releases/")).json()
        assert {r["name"]: r["carries_names"] for r in listed} == {
            "named": True,
            "pseudonymous": False,
        }


@pytest.mark.parametrize("anonymous", [True, False])
def test_a_release_naming_annotators_is_refused_to_a_reviewer_as_the_export_is(
    anonymous, world, client_for
):
    set_anonymous(world, anonymous)
    named = world["releases"]["named"]
    rita = client_for("rita")
    for path in ("", "files/manifest/", "files/jsonl/?split=train"):
        response = rita.get(api(world, f"releases/{named.pk}/{path}"))
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only a project owner may read a release that names the annotators."
        }
    export = rita.get(api(world, "export/?format=jsonl&source=all&annotators=names"))
    assert export.status_code == 403
    assert export.json() == {"detail": "Only a project owner may export annotators' names."}


def test_the_owner_reads_a_release_with_its_names(world, client_for):
    named = world["releases"]["named"]
    manifest = client_for("olga").get(api(world, f"releases/{named.pk}/")).json()["manifest"]
    annotators = {name for doc in manifest["documents"] for name in doc["annotators"]}
    assert annotators == set(NAMES)


# --------------------------------------------------------------------------- jobs


def listed_kinds(client_for, username, world):
    body = client_for(username).get(f"/api/v1/jobs/?project={world['project'].pk}").json()
    return sorted(job["kind"] for job in body["results"])


def test_each_role_lists_the_jobs_whose_work_it_may_see(world, client_for):
    assert listed_kinds(client_for, "olga", world) == [
        "import",
        "preannotate",
        "release",
        "release",
        "retired",
        "train",
    ]
    assert listed_kinds(client_for, "rita", world) == ["release", "release", "train"]
    assert listed_kinds(client_for, "ana", world) == []
    assert listed_kinds(client_for, "oscar", world) == []


def test_a_job_the_member_may_not_see_is_refused_naming_the_role(world, client_for):
    job = world["jobs"]["preannotate"]
    response = client_for("rita").get(f"/api/v1/jobs/{job.pk}/")
    assert response.status_code == 403
    assert response.json() == {"detail": "This needs the project role owner; you are a reviewer."}
    release_job = world["jobs"]["release"]
    response = client_for("ana").get(f"/api/v1/jobs/{release_job.pk}/")
    assert response.json() == {
        "detail": "This needs the project role reviewer or above; you are an annotator."
    }


def test_a_reviewer_lists_jobs_in_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, django_assert_max_num_queries
):
    url = f"/api/v1/jobs/?project={world['project'].pk}"
    rita = client_for("rita")
    with django_assert_max_num_queries(4) as small:
        rita.get(url)
    for kind in ("release", "preannotate", "import") * 5:
        Job.objects.create(project=world["project"], kind=kind, handler="-")
    with django_assert_num_queries(len(small)):
        assert len(rita.get(url).json()["results"]) == 8


def test_a_set_author_seen_by_an_annotator_is_a_username(world):
    """Annotators are never given pseudonyms: hides_names is the reviewer's."""
    yan = APIClient()
    yan.force_authenticate(world["people"]["yan"])
    d1, _ = world["docs"]
    sets = yan.get(api(world, f"documents/{d1.pk}/annotations/")).json()
    assert {s["author"] for s in sets if s["kind"] == AnnotationSet.Kind.ANNOTATOR} == {
        "yanannotator"
    }
