"""`uncertainty` in the documents API: reviewers and owners read the
recommender's score on each document, annotators are not shown it."""

import pytest

from apps.documents.models import Document
from apps.projects.models import Membership, Role
from tests.builders import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(project):
    scored = make_document(project, "d1", "Moscow condemned Caracas.")
    unscored = make_document(project, "d2", "Caracas answered.")
    Document.objects.filter(pk=scored.pk).update(uncertainty=0.625)
    return scored, unscored


@pytest.mark.parametrize("who", ["olga", "rita"])
def test_reviewers_and_owners_see_it_in_the_list_and_the_detail(
    client_for, api, documents, who, django_assert_max_num_queries
):
    client = client_for(who)
    scored, unscored = documents
    # The membership and the page: the score comes with the row.
    with django_assert_max_num_queries(2):
        page = client.get(api("documents/")).json()
    assert {row["external_id"]: row["uncertainty"] for row in page["results"]} == {
        "d1": 0.625,
        "d2": None,
    }
    with django_assert_max_num_queries(2):
        detail = client.get(api(f"documents/{scored.pk}/")).json()
    assert detail["uncertainty"] == 0.625
    assert client.get(api(f"documents/{unscored.pk}/")).json()["uncertainty"] is None


def test_annotators_are_not_shown_it(client_for, api, documents):
    ana = client_for("ana")
    scored, _ = documents
    assert all("uncertainty" not in row for row in ana.get(api("documents/")).json()["results"])
    assert "uncertainty" not in ana.get(api(f"documents/{scored.pk}/")).json()
    assert "uncertainty" not in ana.post(api("documents/next/")).json()


def test_it_is_read_only(client_for, api, documents):
    scored, _ = documents
    r = client_for("olga").patch(
        api(f"documents/{scored.pk}/"), {"uncertainty": 0.0, "title": "T"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["uncertainty"] == 0.625 and r.json()["title"] == "T"


def test_a_new_score_and_a_role_change_move_the_etag(client_for, api, documents, project, users):
    # The tag of a plain document covers the row, so a new score gives another
    # tag; and whether the caller sees the score, so a reviewer made an
    # annotator never gets a 304 that keeps the score on screen.
    scored, _ = documents
    url = api(f"documents/{scored.pk}/")
    rita = client_for("rita")
    tag = rita.get(url)["ETag"]
    Document.objects.filter(pk=scored.pk).update(uncertainty=0.25)
    again = rita.get(url, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 200 and again.json()["uncertainty"] == 0.25
    tag = again["ETag"]
    Membership.objects.filter(project=project, user=users["rita"]).update(role=Role.ANNOTATOR)
    demoted = rita.get(url, HTTP_IF_NONE_MATCH=tag)
    assert demoted.status_code == 200 and "uncertainty" not in demoted.json()
