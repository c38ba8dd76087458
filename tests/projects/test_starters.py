"""A new project with a starting schema: the news template, a copy of a project
the creator owns, all or nothing, and nothing said about other people's projects."""

import pytest
from django.db import IntegrityError

from apps.actors import starters
from apps.actors.models import Actor, Alias
from apps.projects.models import Label, Membership, Project, Role

pytestmark = pytest.mark.django_db


def create(client, body):
    return client.post("/api/v1/projects/", body, format="json")


def labels_of(project_id):
    return set(
        Label.objects.filter(project_id=project_id).values_list("kind", "name", "color", "shortcut")
    )


def test_news_template_gives_the_actor_and_stance_labels(users, client_for):
    response = create(client_for("oscar"), {"name": "Elections", "schema": {"template": "news"}})
    assert response.status_code == 201, response.content
    body = response.json()
    assert "schema" not in body
    assert body["role"] == "owner"
    project = Project.objects.get(pk=body["id"])
    names = {(kind, name) for kind, name, _, _ in labels_of(project.pk)}
    assert names == {
        ("entity", "PERSON"),
        ("entity", "ORG"),
        ("entity", "GPE"),
        ("entity", "IGO"),
        ("stance", "SUPPORT"),
        ("stance", "OPPOSE"),
        ("stance", "NEUTRAL"),
    }
    rows = labels_of(project.pk)
    assert len({color for _, _, color, _ in rows}) == 7
    assert len({key for _, _, _, key in rows}) == 7
    assert project.actor_kind_labels["state"] == "GPE"
    assert Membership.objects.get(project=project).role == Role.OWNER


def test_no_schema_and_empty_template_give_no_labels(users, client_for):
    for body in ({"name": "A"}, {"name": "B", "schema": {"template": "empty"}}):
        response = create(client_for("oscar"), body)
        assert response.status_code == 201
        assert labels_of(response.json()["id"]) == set()


def test_copy_from_an_owned_project_copies_labels_actors_aliases_and_merges(
    users, project, client_for
):
    russia = Actor.objects.create(project=project, name="Russia", kind="state", country="RU")
    Alias.objects.create(actor=russia, text="Moscow")
    Alias.objects.create(actor=russia, text="kremlin", case_sensitive=False)
    # A merged actor may share its survivor's name.
    Actor.objects.create(project=project, name="Russia", kind="state", merged_into=russia)
    response = create(client_for("olga"), {"name": "Copy", "schema": {"copy_from": project.pk}})
    assert response.status_code == 201, response.content
    new = response.json()["id"]
    assert labels_of(new) == labels_of(project.pk)
    copied = Actor.objects.get(project_id=new, merged_into=None)
    assert (copied.name, copied.country) == ("Russia", "RU")
    assert set(copied.aliases.values_list("text", "case_sensitive")) == {
        ("Moscow", True),
        ("kremlin", False),
    }
    merged = Actor.objects.get(project_id=new, merged_into__isnull=False)
    assert merged.merged_into == copied
    # The source is untouched.
    assert Actor.objects.filter(project=project).count() == 2


@pytest.mark.parametrize("who", ["rita", "ana", "oscar"])
def test_copying_a_project_you_do_not_own_is_refused_like_a_missing_one(
    users, project, client_for, who
):
    before = Project.objects.count()
    refused = create(client_for(who), {"name": "Steal", "schema": {"copy_from": project.pk}})
    missing = create(client_for(who), {"name": "Steal", "schema": {"copy_from": 999_999}})
    assert refused.status_code == missing.status_code == 400
    assert refused.json() == missing.json()
    assert "schema" in refused.json()["errors"]
    assert project.name not in refused.content.decode()
    assert Project.objects.count() == before


def test_a_failure_while_copying_leaves_no_project(users, project, client_for, monkeypatch):
    Actor.objects.create(project=project, name="Russia", kind="state")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Alias.objects, "bulk_create", broken)
    before = (Project.objects.count(), Label.objects.count(), Actor.objects.count())
    client = client_for("olga")
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        create(client, {"name": "Half", "schema": {"copy_from": project.pk}})
    after = (Project.objects.count(), Label.objects.count(), Actor.objects.count())
    assert after == before
    assert not Membership.objects.filter(project__name="Half").exists()


def test_a_failure_in_the_template_leaves_no_project(users, monkeypatch):
    monkeypatch.setattr(starters, "NEWS_LABELS", [*starters.NEWS_LABELS, starters.NEWS_LABELS[0]])
    with pytest.raises(IntegrityError):  # the duplicate label
        starters.create_project(users["oscar"], {"name": "Dup"}, {"template": "news"})
    assert not Project.objects.filter(name="Dup").exists()


def test_schema_errors_name_the_field(users, client_for):
    client = client_for("oscar")
    for schema in ({"template": "legal"}, {"template": "news", "copy_from": 1}):
        response = create(client, {"name": "X", "schema": schema})
        assert response.status_code == 400
        assert "schema" in response.json()["errors"]
    response = create(client, {"name": "", "annotators_per_document": 0})
    assert set(response.json()["errors"]) == {"name", "annotators_per_document"}


def test_schema_is_refused_on_update(users, project, client_for):
    response = client_for("olga").patch(
        f"/api/v1/projects/{project.pk}/", {"schema": {"template": "news"}}, format="json"
    )
    assert response.status_code == 400
    assert "schema" in response.json()["errors"]


def test_copying_takes_a_fixed_number_of_queries(users, project, django_assert_max_num_queries):
    for i in range(30):
        actor = Actor.objects.create(project=project, name=f"Actor {i}")
        Alias.objects.create(actor=actor, text=f"alias {i}")
    with django_assert_max_num_queries(16):
        starters.create_project(users["olga"], {"name": "Big"}, {"copy_from": project.pk})


def test_guidelines_preview_escapes_everything(users, client_for):
    response = client_for("oscar").post(
        "/api/v1/guidelines/preview/",
        {"guidelines": "# Rules\n\n<script>alert(1)</script> **bold**"},
        format="json",
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<h2>Rules</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
