"""The documents page: reviewers and owners only; owners are offered deletion."""

import json
import re

import pytest

from tests.builders import browser_for

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


def test_only_owners_are_offered_deletion(users, project):
    def config(username):
        html = browser_for(users, username).get(page_url(project)).content.decode()
        match = re.search(
            r'<script id="accord-config" type="application/json">(.*?)</script>', html
        )
        return json.loads(match.group(1))

    assert config("olga")["canDelete"] is True
    assert config("rita")["canDelete"] is False


def test_the_project_page_links_to_it_for_reviewers_and_owners(users, project):
    link = f'href="{page_url(project)}"'
    assert link in browser_for(users, "rita").get(f"/projects/{project.pk}/").content.decode()
    assert link not in browser_for(users, "ana").get(f"/projects/{project.pk}/").content.decode()
