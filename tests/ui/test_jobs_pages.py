"""The jobs page and the error pages: who may open what, and what a refusal says."""

import re

import pytest

from tests.builders import browser_for

pytestmark = pytest.mark.django_db


def without_token(html):
    """The page without its CSRF token, which is masked afresh on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def page_url(project):
    return f"/projects/{project.pk}/jobs/"


@pytest.mark.parametrize(
    ("username", "status"),
    [("olga", 200), ("rita", 200), ("ana", 403), ("ben", 403), ("oscar", 404)],
)
def test_who_may_open_the_jobs_page(users, project, username, status):
    assert browser_for(users, username).get(page_url(project)).status_code == status


def test_anonymous_is_sent_to_sign_in(users, project):
    response = browser_for(users, None).get(page_url(project))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={page_url(project)}"


def test_project_page_links_to_jobs_for_reviewers_and_owners_only(users, project):
    for username, shown in (("olga", True), ("rita", True), ("ana", False)):
        html = browser_for(users, username).get(f"/projects/{project.pk}/").content.decode()
        assert (f'href="{page_url(project)}"' in html) is shown


def test_a_403_page_says_why_and_links_back(users, project):
    response = browser_for(users, "ana").get(page_url(project))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>Not allowed · Accord</title>" in html
    assert "This needs the project role reviewer or above; you are an annotator." in html
    assert f'href="/projects/{project.pk}/" id="error-back"' in html
    assert 'class="topbar"' in html  # the site's own frame, signed in
    assert "ana" in html


def test_a_non_members_404_page_reveals_nothing_of_the_project(users, project):
    project.description = "Coverage of the Caracas talks"
    project.save()
    for url in (f"/projects/{project.pk}/", page_url(project), f"/projects/{project.pk}/review/"):
        response = browser_for(users, "oscar").get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "<title>Not found · Accord</title>" in html
        for secret in (project.name, project.description, "owner", "olga", "role"):
            assert secret not in html, (url, secret)
        # The same page a project that does not exist gets.
        missing = browser_for(users, "oscar").get(url.replace(str(project.pk), "999999", 1))
        assert without_token(missing.content.decode()) == without_token(html)


def test_a_404_outside_any_project_is_the_styled_page(users):
    response = browser_for(users, None).get("/no/such/page/")
    assert response.status_code == 404
    assert 'id="error-back"' in response.content.decode()
