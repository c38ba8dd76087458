"""The import endpoint and its owner, for the import tests."""

import pytest


@pytest.fixture
def owner(client_for):
    return client_for("olga")


@pytest.fixture
def url(api):
    return api("documents/import/")
