import pytest
from django.contrib.auth import get_user_model

from .test_permissions import build_world


@pytest.fixture
def world(users, project):
    """The project of the permission matrices with one object of each kind
    (test_permissions.build_world), and a user who is nobody's member yet."""
    get_user_model().objects.create_user("zoe", password="pw")  # a user to invite
    return build_world(project)
