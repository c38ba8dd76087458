"""The actor names a page hands its script follow the set visibility rule."""

import pytest
from django.test import Client

from apps.actors.models import Actor
from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from tests.builders import add_set, span_of

pytestmark = pytest.mark.django_db

TEXT = "Moscow backs Caracas."


@pytest.fixture
def linked(project, users):
    """A document where ana's set links Russia, ben's Venezuela, gold Cuba."""
    document = Document.objects.create(project=project, external_id="d", text=TEXT)
    actors = {
        name: Actor.objects.create(project=project, name=name, kind="state")
        for name in ("Russia", "Venezuela", "Cuba")
    }
    kinds = (
        ("ana", AnnotationSet.Kind.ANNOTATOR, "Moscow", "Russia"),
        ("ben", AnnotationSet.Kind.ANNOTATOR, "Caracas", "Venezuela"),
        (None, AnnotationSet.Kind.GOLD, "Caracas", "Cuba"),
    )
    for username, kind, piece, actor in kinds:
        add_set(
            document,
            kind,
            [span_of("s1", TEXT, piece, "GPE", actors[actor].pk)],
            author=users[username] if username else None,
            adjudicated=False,
        )
    return document


def config_on_page(users, username, url):
    """The config the page at `url` hands its script, for `username`."""
    client = Client()
    client.force_login(users[username])
    response = client.get(url)
    assert response.status_code == 200
    return response.context["config"]


def names_on_page(users, username, url):
    return sorted(config_on_page(users, username, url)["actors"].values())


def test_a_blind_workspace_names_only_the_actors_of_visible_sets(project, users, linked):
    url = f"/projects/{project.pk}/documents/{linked.pk}/"
    assert names_on_page(users, "ana", url) == ["Russia"]
    assert names_on_page(users, "ben", url) == ["Venezuela"]
    assert names_on_page(users, "rita", url) == ["Cuba", "Russia", "Venezuela"]


def test_an_open_project_shows_other_annotators_but_never_gold(project, users, linked):
    project.blind = False
    project.save()
    url = f"/projects/{project.pk}/documents/{linked.pk}/"
    assert names_on_page(users, "ana", url) == ["Russia", "Venezuela"]


def test_the_adjudication_page_names_every_linked_actor(project, users, linked):
    url = f"/projects/{project.pk}/review/{linked.pk}/"
    assert names_on_page(users, "rita", url) == ["Cuba", "Russia", "Venezuela"]
