"""The new-project and project-settings pages: who may open them and what
they hand the script; the saving itself is the project API's."""

import re

import pytest

from apps.actors.models import Actor
from apps.projects import limits
from tests.builders import annotate, browser_for, make_document, make_project

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


def settings_url(project):
    return f"/projects/{project.pk}/settings/"


def test_anonymous_visitors_are_sent_to_sign_in(users, project):
    for url in ("/projects/new/", settings_url(project)):
        response = browser_for(users, None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_any_signed_in_user_may_open_the_new_project_page(users, project):
    response = browser_for(users, "oscar").get("/projects/new/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="f-name"' in body
    assert "f-copy-from" not in body  # oscar owns no project to copy


def test_copy_offers_only_the_projects_the_caller_owns(users, project):
    mine = make_project(users, name="Olga's other")
    mine.memberships.filter(user=users["olga"]).update(role="annotator")
    body = browser_for(users, "olga").get("/projects/new/").content.decode()
    assert f'<option value="{project.pk}">' in body
    assert f'<option value="{mine.pk}">' not in body
    body = browser_for(users, "rita").get("/projects/new/").content.decode()
    assert "f-copy-from" not in body


def test_settings_are_for_owners_only(users, project):
    assert browser_for(users, "oscar").get(settings_url(project)).status_code == 404
    assert browser_for(users, "olga").get("/projects/999999/settings/").status_code == 404
    for username in ("ana", "rita"):
        assert browser_for(users, username).get(settings_url(project)).status_code == 403
    assert browser_for(users, "olga").get(settings_url(project)).status_code == 200


def test_settings_state_what_deleting_removes(users, project, django_assert_max_num_queries):
    document = make_document(project)
    annotate(document, users["ana"])
    Actor.objects.create(project=project, name="Russia")
    project.name = XSS
    project.save()
    client = browser_for(users, "olga")
    with django_assert_max_num_queries(12):
        response = client.get(settings_url(project))
    body = response.content.decode()
    assert "<strong>1</strong> document " in body or "<strong>1</strong> document<" in body
    assert "<strong>1</strong> annotation set " in body
    assert "<strong>1</strong> actor " in body
    assert "<strong>0</strong> releases" in body
    assert XSS not in body


def test_the_project_page_links_settings_for_owners_only(users, project):
    url = f"/projects/{project.pk}/"
    assert 'id="settings-link"' in browser_for(users, "olga").get(url).content.decode()
    for username in ("ana", "rita"):
        assert 'id="settings-link"' not in browser_for(users, username).get(url).content.decode()


def test_the_project_list_offers_a_new_project(users, project):
    body = browser_for(users, "ana").get("/projects/").content.decode()
    assert 'href="/projects/new/"' in body


def _number_input(body, name):
    """The attributes of the number input for setting `name`."""
    match = re.search(rf'<input type="number" [^>]*name="{name}"[^>]*>', body)
    assert match, name
    return dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match.group(0)))


@pytest.mark.parametrize("page", ["/projects/new/", "settings"])
def test_each_number_states_the_range_the_api_holds_it_to(users, project, page):
    url = settings_url(project) if page == "settings" else page
    body = browser_for(users, "olga").get(url).content.decode()
    k, seed = limits.MAX_ANNOTATORS, limits.MAX_SEED
    expected = {
        "annotators_per_document": ("1", str(k), f"(k), 1 to {k}."),
        "routing_max_annotators": (
            "1",
            str(k),
            f"at least the annotators per document, at most {k}.",
        ),
        "assignment_seed": ("0", str(seed), f"a whole number from 0 to {seed}:"),
        "routing_threshold": (
            "0",
            "1",
            "A disagreement score from 0 (all agree) to 1 (none agree)",
        ),
    }
    for name, (low, high, help_text) in expected.items():
        attributes = _number_input(body, name)
        assert (attributes["min"], attributes["max"]) == (low, high), name
        assert help_text in body, name
