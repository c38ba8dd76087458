"""Deleting a user never silently removes them from a project: the last owner
stays, and their memberships go only through the members service."""

import pytest
from django.db.models import ProtectedError
from django.test import Client

from apps.annotations.members import remove_member
from apps.projects.models import Membership

pytestmark = pytest.mark.django_db


def test_a_member_cannot_be_deleted_while_a_member(project, users):
    with pytest.raises(ProtectedError):
        users["olga"].delete()
    assert Membership.objects.filter(project=project, user=users["olga"]).exists()


def test_once_removed_through_the_service_the_user_can_be_deleted(project, users):
    membership = Membership.objects.get(project=project, user=users["ben"])
    remove_member(membership)
    users["ben"].delete()
    assert not Membership.objects.filter(user_id=users["ben"].pk).exists()


def test_the_admin_says_why_instead_of_deleting(project, users, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="pw")
    client = Client()
    client.force_login(admin)
    url = f"/admin/auth/user/{users['olga'].pk}/delete/"
    page = client.get(url)
    assert page.status_code == 200 and b"protected" in page.content.lower()
    client.post(url, {"post": "yes"})
    assert django_user_model.objects.filter(pk=users["olga"].pk).exists()
