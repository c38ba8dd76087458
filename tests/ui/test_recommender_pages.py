"""The recommender page: owners only, linked from the project page for them."""

import pytest

from tests.builders import browser_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "status"),
    [("olga", 200), ("rita", 403), ("ana", 403), ("oscar", 404), (None, 302)],
)
def test_who_may_open_the_page(users, project, username, status):
    response = browser_for(users, username).get(f"/projects/{project.pk}/recommender/")
    assert response.status_code == status


@pytest.mark.parametrize(("username", "linked"), [("olga", True), ("rita", False), ("ana", False)])
def test_the_project_page_links_it_for_owners(users, project, username, linked):
    page = browser_for(users, username).get(f"/projects/{project.pk}/").content.decode()
    assert (f'href="/projects/{project.pk}/recommender/"' in page) is linked
