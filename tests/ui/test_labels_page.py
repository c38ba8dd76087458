"""The label schema page: who may open it, and who may edit there."""

import json
import re

import pytest

from tests.builders import browser_for

pytestmark = pytest.mark.django_db


def page_url(project):
    return f"/projects/{project.pk}/labels/"


def config_of(html):
    match = re.search(r'<script id="accord-config" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


@pytest.mark.parametrize(
    ("username", "status", "can_edit"),
    [("olga", 200, True), ("rita", 200, False), ("ana", 200, False), ("oscar", 404, None)],
)
def test_members_may_open_it_and_only_owners_edit(users, project, username, status, can_edit):
    response = browser_for(users, username).get(page_url(project))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert config_of(html)["canEdit"] is can_edit
        assert ('id="add-form"' in html) is can_edit


def test_anonymous_is_sent_to_sign_in(users, project):
    response = browser_for(users, None).get(page_url(project))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={page_url(project)}"


def test_the_project_page_links_to_it(users, project):
    html = browser_for(users, "ana").get(f"/projects/{project.pk}/").content.decode()
    assert f'href="{page_url(project)}"' in html
