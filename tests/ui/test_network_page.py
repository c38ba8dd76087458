"""The network page: who may open it, what it is handed, that data stays text."""

import pytest

from apps.actors.models import Concept
from tests.builders import browser_for
from tests.ui.test_datasets_pages import XSS, config_of

pytestmark = pytest.mark.django_db


def page_url(project):
    return f"/projects/{project.pk}/network/"


@pytest.mark.parametrize(
    ("username", "status"),
    [("olga", 200), ("rita", 200), ("ana", 403), ("ben", 403), ("oscar", 404)],
)
def test_who_may_open_the_page(users, project, username, status):
    assert browser_for(users, username).get(page_url(project)).status_code == status


def test_anonymous_is_sent_to_sign_in(users, project):
    response = browser_for(users, None).get(page_url(project))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={page_url(project)}"


def test_project_page_links_to_the_network_for_reviewers_and_owners_only(users, project):
    for username, shown in (("olga", True), ("rita", True), ("ana", False)):
        html = browser_for(users, username).get(f"/projects/{project.pk}/").content.decode()
        assert (f'href="{page_url(project)}"' in html) is shown


def test_the_codebook_is_handed_over_with_paths_merged_concepts_left_out(
    users, project, django_assert_max_num_queries
):
    law = Concept.objects.create(project=project, name="International law")
    Concept.objects.create(project=project, name=XSS, parent=law)
    survivor = Concept.objects.create(project=project, name="Sovereignty")
    Concept.objects.create(project=project, name="Sovereignity", merged_into=survivor)
    client = browser_for(users, "rita")
    client.get(page_url(project))
    with django_assert_max_num_queries(8):
        html = client.get(page_url(project)).content.decode()
    assert [c["path"] for c in config_of(html)["concepts"]] == [
        "International law",
        f"International law › {XSS}",
        "Sovereignty",
    ]
    assert "<script>alert(1)" not in html
    assert config_of(html)["api"] == f"/api/v1/projects/{project.pk}/"
