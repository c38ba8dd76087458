"""The import page: owners only."""

import pytest

from tests.builders import browser_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "status"),
    [("olga", 200), ("rita", 403), ("ana", 403), ("oscar", 404)],
)
def test_who_may_open_the_page(users, project, username, status):
    response = browser_for(users, username).get(f"/projects/{project.pk}/import/")
    assert response.status_code == status


def test_the_project_page_links_to_it_for_owners_only(users, project):
    link = f'href="/projects/{project.pk}/import/"'
    for username, shown in (("olga", True), ("rita", False), ("ana", False)):
        html = browser_for(users, username).get(f"/projects/{project.pk}/").content.decode()
        assert (link in html) is shown


def test_the_page_says_which_files_import_in_the_background(users, project, settings):
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 2 * 1024 * 1024
    response = browser_for(users, "olga").get(f"/projects/{project.pk}/import/")
    html = response.content.decode()
    assert "A file over 2.0\xa0MB is imported by a background job" in html
    config = response.context["config"]
    assert config["backgroundBytes"] == 2 * 1024 * 1024
    assert config["jobsApi"] == "/api/v1/"
