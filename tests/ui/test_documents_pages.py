"""The documents page: reviewers and owners only; owners are offered deletion
and reassigning. The read-only view of a document: every member, 404 for others."""

import json
import re

import pytest

from tests.builders import browser_for, make_document

pytestmark = pytest.mark.django_db


def page_url(project):
    return f"/projects/{project.pk}/documents/"


@pytest.mark.parametrize(
    ("username", "status"),
    [("olga", 200), ("rita", 200), ("ana", 403), ("ben", 403), ("oscar", 404)],
)
def test_who_may_open_the_page(users, project, username, status):
    assert browser_for(users, username).get(page_url(project)).status_code == status


def test_anonymous_is_sent_to_sign_in(project, client):
    response = client.get(page_url(project))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def config_of(response):
    match = re.search(
        r'<script id="accord-config" type="application/json">(.*?)</script>',
        response.content.decode(),
    )
    return json.loads(match.group(1))


def test_only_owners_are_offered_deletion_and_reassigning(users, project):
    owner = config_of(browser_for(users, "olga").get(page_url(project)))
    reviewer = config_of(browser_for(users, "rita").get(page_url(project)))
    assert owner["canDelete"] is True and reviewer["canDelete"] is False
    assert owner["members"] == ["ana", "ben", "olga", "rita"]
    assert reviewer["members"] is None
    html = browser_for(users, "rita").get(page_url(project)).content.decode()
    assert 'id="reassign-dialog"' not in html


@pytest.mark.parametrize(
    ("username", "status", "adjudicate"),
    [("olga", 200, True), ("rita", 200, True), ("ana", 200, False), ("oscar", 404, None)],
)
def test_who_may_open_a_document_read_only(users, project, username, status, adjudicate):
    doc = make_document(project)
    response = browser_for(users, username).get(f"{page_url(project)}{doc.pk}/view/")
    assert response.status_code == status
    if status == 200:
        assert bool(config_of(response)["adjudicatePage"]) is adjudicate


def test_a_document_of_another_project_is_not_found(users, project):
    from tests.builders import make_project

    other = make_document(make_project(users, name="Other"), "x")
    response = browser_for(users, "olga").get(f"{page_url(project)}{other.pk}/view/")
    assert response.status_code == 404


def test_the_project_page_links_to_it_for_reviewers_and_owners(users, project):
    link = f'href="{page_url(project)}"'
    assert link in browser_for(users, "rita").get(f"/projects/{project.pk}/").content.decode()
    assert link not in browser_for(users, "ana").get(f"/projects/{project.pk}/").content.decode()
