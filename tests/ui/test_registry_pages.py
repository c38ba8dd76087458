"""The actor registry page: who may open it, what it offers each role, and
that data stays text."""

import json
import re
from pathlib import Path

import pytest

from apps.actors.models import Actor
from apps.projects.models import Project
from tests.builders import browser_for

pytestmark = pytest.mark.django_db

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def registry_url(project):
    return f"/projects/{project.pk}/actors/"


def page_config(response):
    match = re.search(
        r'<script id="accord-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page hands its config to the script"
    return json.loads(match.group(1))


def test_anonymous_is_sent_to_sign_in(users, project):
    url = registry_url(project)
    response = browser_for(users, None).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_non_members_and_missing_projects_are_404(users, project):
    assert browser_for(users, "oscar").get(registry_url(project)).status_code == 404
    assert browser_for(users, "olga").get("/projects/999999/actors/").status_code == 404
    other = Project.objects.create(name="Other")
    assert browser_for(users, "ana").get(registry_url(other)).status_code == 404


@pytest.mark.parametrize(("username", "can_edit"), [("ana", False), ("rita", True), ("olga", True)])
def test_members_open_it_and_are_offered_what_their_role_allows(users, project, username, can_edit):
    response = browser_for(users, username).get(registry_url(project))
    assert response.status_code == 200
    config = page_config(response)
    assert config["canEdit"] is can_edit
    assert config["canCreate"] is True
    assert config["api"] == f"/api/v1/projects/{project.pk}/"
    assert {k["value"] for k in config["kinds"]} == set(Actor.Kind.values)
    body = response.content.decode()
    assert 'id="new-actor"' in body  # every member may create
    # Import is for reviewers and owners; export for every member.
    assert ('id="import-form"' in body) is can_edit
    assert "actors/export/?format=csv" in body


def test_project_page_links_to_the_registry(users, project):
    body = browser_for(users, "ana").get(f"/projects/{project.pk}/").content.decode()
    assert f'href="{registry_url(project)}"' in body
    assert "Actor registry" in body


def test_project_name_is_escaped(users, project):
    project.name = XSS
    project.save(update_fields=["name"])
    body = browser_for(users, "ana").get(registry_url(project)).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_actor_data_never_reaches_the_page_as_markup(users, project):
    """Actors are drawn by the script with textContent; the server renders none
    of them, so a hostile name cannot become markup here either."""
    Actor.objects.create(project=project, name=XSS, description=XSS)
    body = browser_for(users, "olga").get(registry_url(project)).content.decode()
    assert "onerror" not in body
    assert "alert(" not in body


def test_registry_script_sets_text_only():
    """The script never assigns HTML: no innerHTML, outerHTML or
    insertAdjacentHTML anywhere in it."""
    source = (Path(__file__).resolve().parents[2] / "static/accord/registry.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert sink not in source, sink
