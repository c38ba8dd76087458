"""Shared fixtures: a project with every role, its label schema, and API clients."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from apps.projects.models import Label, Membership, Project, Role

ENTITY_LABELS = {"PERSON": "p", "ORG": "o", "GPE": "g"}
STANCE_LABELS = {"SUPPORT": "s", "OPPOSE": "x", "NEUTRAL": "n"}


@pytest.fixture
def make_user(db):
    def make(username):
        return get_user_model().objects.create_user(username, password="pw-" + username)

    return make


@pytest.fixture
def users(make_user):
    """owner, reviewer, two annotators and an outsider (a user who is not a member)."""
    return {name: make_user(name) for name in ("olga", "rita", "ana", "ben", "oscar")}


def make_project(users, **options):
    project = Project.objects.create(name="Venezuela crisis", **options)
    roles = {
        "olga": Role.OWNER,
        "rita": Role.REVIEWER,
        "ana": Role.ANNOTATOR,
        "ben": Role.ANNOTATOR,
    }
    for name, role in roles.items():
        Membership.objects.create(project=project, user=users[name], role=role)
    for name, key in ENTITY_LABELS.items():
        Label.objects.create(project=project, kind=Label.Kind.ENTITY, name=name, shortcut=key)
    for name, key in STANCE_LABELS.items():
        Label.objects.create(project=project, kind=Label.Kind.STANCE, name=name, shortcut=key)
    return project


@pytest.fixture
def project(users):
    """A blind project with k = 2."""
    return make_project(users, annotators_per_document=2, blind=True)


@pytest.fixture
def client_for(users):
    def make(username):
        client = APIClient()
        if username is not None:
            client.force_authenticate(users[username])
        return client

    return make


@pytest.fixture
def api(project):
    """URL builder under /api/v1/projects/{project}/."""

    def url(path=""):
        return f"/api/v1/projects/{project.pk}/{path}"

    return url
