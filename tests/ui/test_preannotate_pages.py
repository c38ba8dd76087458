"""The pre-annotation page: owners only; a broken suggester setting is said, not a 500."""

import pytest
from django.test import override_settings

from tests.builders import browser_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "status"),
    [("olga", 200), ("rita", 403), ("ana", 403), ("oscar", 404)],
)
def test_who_may_open_the_page(users, project, username, status):
    response = browser_for(users, username).get(f"/projects/{project.pk}/preannotate/")
    assert response.status_code == status


@override_settings(ACCORD_SUGGESTERS=["not", "a", "mapping"])
def test_a_broken_suggester_setting_is_shown(users, project):
    response = browser_for(users, "olga").get(f"/projects/{project.pk}/preannotate/")
    assert response.status_code == 200
    assert "ACCORD_SUGGESTERS must map suggester names" in response.content.decode()
