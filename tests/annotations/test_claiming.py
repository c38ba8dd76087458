"""Taking a document is a POST; reading one's set never takes it. And one
annotator holds at most the project's `max_unfinished_per_annotator`
documents unfinished (default 1), whichever way they ask."""

import pytest

from apps.annotations.assignment import HoldingLimit, claim, next_document
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import submit_set
from apps.documents.models import Document
from apps.projects.errors import NotFound
from apps.projects.models import Membership
from tests.builders import annotate, make_document

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned the operation against Venezuela."


@pytest.fixture
def docs(project):
    return [make_document(project, f"d{i}", TEXT, title=f"Story {i}") for i in range(4)]


def mine_url(api, document):
    return api(f"documents/{document.pk}/annotations/mine/")


def counts(document):
    document.refresh_from_db()
    return document.annotator_count, AnnotationSet.objects.filter(document=document).count()


# --------------------------------------------------------------------------- reading never takes


def test_get_mine_without_a_set_is_404_and_takes_nothing(docs, client_for, api):
    for username in ("ana", "rita", "olga"):
        response = client_for(username).get(mine_url(api, docs[0]))
        assert response.status_code == 404
        assert "POST" in response.json()["detail"]
    assert counts(docs[0]) == (0, 0)


def test_put_mine_without_a_set_is_404_and_takes_nothing(docs, client_for, api):
    body = {"version": 1, "spans": [], "stances": []}
    response = client_for("ana").put(mine_url(api, docs[0]), body, format="json")
    assert response.status_code == 404
    assert counts(docs[0]) == (0, 0)


def test_post_mine_takes_the_document_once(docs, client_for, api):
    ana = client_for("ana")
    first = ana.post(mine_url(api, docs[0]))
    assert first.status_code == 201
    body = first.json()
    assert (body["author"], body["status"], body["version"], body["spans"]) == (
        "ana",
        "in_progress",
        1,
        [],
    )
    again = ana.post(mine_url(api, docs[0]))
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert ana.get(mine_url(api, docs[0])).json()["id"] == body["id"]
    assert counts(docs[0]) == (1, 1)


def test_reading_a_set_changes_nothing(docs, users, client_for, api):
    aset, _ = claim(docs[0], users["ana"])
    before = AnnotationSet.objects.values().get(pk=aset.pk)
    assert client_for("ana").get(mine_url(api, docs[0])).status_code == 200
    assert AnnotationSet.objects.values().get(pk=aset.pk) == before
    assert counts(docs[0]) == (1, 1)


def test_post_mine_on_a_full_document_is_409(docs, users, client_for, api):
    annotate(docs[0], users["ben"])
    annotate(docs[0], users["olga"])  # k = 2
    response = client_for("ana").post(mine_url(api, docs[0]))
    assert response.status_code == 409
    assert response.json()["detail"] == "This document already has its 2 annotators."
    assert response.json()["version"] is None
    assert counts(docs[0]) == (2, 2)


# --------------------------------------------------------------------------- the limit


def test_a_second_document_is_refused_naming_the_one_held(docs, users, client_for, api):
    ana = client_for("ana")
    assert ana.post(mine_url(api, docs[0])).status_code == 201
    response = ana.post(mine_url(api, docs[1]))
    assert response.status_code == 409
    body = response.json()
    assert body["held"] == [docs[0].pk]
    assert body["field"] == "document"
    assert "“Story 0”" in body["detail"] and "1 unfinished document at a time" in body["detail"]
    assert counts(docs[1]) == (0, 0)
    # Submitted, it no longer counts.
    submit_set(AnnotationSet.objects.get(document=docs[0], author=users["ana"]))
    assert ana.post(mine_url(api, docs[1])).status_code == 201


def test_next_resumes_the_held_document_at_the_limit(docs, users):
    project = docs[0].project
    document, aset, _ = next_document(project, users["ana"])
    assert document == docs[0]
    again = next_document(project, users["ana"])
    assert again[0] == docs[0] and again[1].pk == aset.pk
    assert AnnotationSet.objects.filter(author=users["ana"]).count() == 1


def test_an_owner_may_allow_more(docs, users, client_for, api, project):
    project.max_unfinished_per_annotator = 2
    project.save()
    ana = users["ana"]
    taken = [next_document(project, ana)[0], next_document(project, ana)[0]]
    assert taken == docs[:2]
    # At two, next resumes the oldest; a named document is refused.
    assert next_document(project, ana)[0] == docs[0]
    response = client_for("ana").post(mine_url(api, docs[2]))
    assert response.status_code == 409
    assert response.json()["held"] == [docs[0].pk, docs[1].pk]
    assert "and 1 other" in response.json()["detail"]
    assert AnnotationSet.objects.filter(author=ana).count() == 2


def test_lowering_the_limit_keeps_what_is_held(docs, users, project):
    project.max_unfinished_per_annotator = 3
    project.save()
    for document in docs[:3]:
        claim(document, users["ana"])
    project.max_unfinished_per_annotator = 1
    project.save()
    with pytest.raises(HoldingLimit):
        claim(docs[3], users["ana"])
    assert next_document(project, users["ana"])[0] == docs[0]
    assert AnnotationSet.objects.filter(author=users["ana"]).count() == 3


def test_next_resumes_rather_than_saying_nothing_is_left(project, users):
    project.max_unfinished_per_annotator = 2
    project.save()
    only = make_document(project, "only", TEXT)
    assert next_document(project, users["ana"])[0] == only
    # Nothing new is left, but ana holds a document: next gives it back.
    assert next_document(project, users["ana"])[0] == only
    submit_set(AnnotationSet.objects.get(author=users["ana"]))
    assert next_document(project, users["ana"]) is None


def test_a_set_on_an_adjudicated_document_does_not_count(docs, users):
    claim(docs[0], users["ana"])
    Document.objects.filter(pk=docs[0].pk).update(adjudicated_at="2024-01-01T00:00:00Z")
    _, created = claim(docs[1], users["ana"])
    assert created


def test_a_non_member_claims_nothing(docs, users):
    Membership.objects.filter(user=users["ana"]).delete()
    with pytest.raises(NotFound):
        claim(docs[0], users["ana"])
    with pytest.raises(NotFound):
        next_document(docs[0].project, users["ana"])
    assert counts(docs[0]) == (0, 0)


# --------------------------------------------------------------------------- the setting


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "greater than or equal to 1"),
        (101, "less than or equal to 100"),
        ("many", "valid integer"),
        (None, "null"),
    ],
)
def test_the_limit_is_range_checked(value, message, project, client_for):
    response = client_for("olga").patch(
        f"/api/v1/projects/{project.pk}/", {"max_unfinished_per_annotator": value}, format="json"
    )
    assert response.status_code == 400
    assert message in response.json()["errors"]["max_unfinished_per_annotator"][0]
    project.refresh_from_db()
    assert project.max_unfinished_per_annotator == 1


def test_the_owner_sets_the_limit(project, client_for):
    url = f"/api/v1/projects/{project.pk}/"
    assert client_for("olga").get(url).json()["max_unfinished_per_annotator"] == 1
    response = client_for("olga").patch(url, {"max_unfinished_per_annotator": 3}, format="json")
    assert response.status_code == 200
    assert response.json()["max_unfinished_per_annotator"] == 3
    patch = {"max_unfinished_per_annotator": 5}
    assert client_for("rita").patch(url, patch, format="json").status_code == 403
