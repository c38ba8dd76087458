"""Shared fixtures: a project with every role, its label schema, and API
clients. What they build comes from tests/builders.py."""

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from apps.annotations.sets import SET_CONTENTS
from apps.projects import tokens
from tests import builders


def pytest_collection_modifyitems(config, items):
    # One rule for every test that needs PostgreSQL (row locks that block,
    # isolation levels): marked `postgres`, skipped on any other database.
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason=f"needs PostgreSQL, this run uses {connection.vendor}: "
        "run with DATABASE_URL=postgres://…"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def make_user(db):
    return builders.make_user


@pytest.fixture
def users(db):
    """owner, reviewer, two annotators and an outsider (a user who is not a member)."""
    return builders.make_users()


@pytest.fixture
def project(users):
    """A blind project with k = 2."""
    return builders.make_project(users, annotators_per_document=2, blind=True)


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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Sign-in counts live in the cache (the process's own memory in tests):
    each test starts with none; nor does any test start with tokens this
    process remembers having checked, or sets' contents it rendered (a test's
    query counts are its own, whatever ran before it)."""
    cache.clear()
    tokens._checked.clear()
    SET_CONTENTS.clear()
