"""Two owners removing each other at once never leave a project without one.

Real threads with their own connections, against PostgreSQL (SQLite
serialises write transactions, so it cannot show the race).
"""

import threading
import time

import pytest
from django.db import connections, transaction
from rest_framework.test import APIClient

from apps.projects.models import Membership, Role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_removing_an_owner_waits_for_a_concurrent_owner_change(project, users):
    Membership.objects.filter(project=project, user=users["rita"]).update(role=Role.OWNER)
    olga = Membership.objects.get(project=project, user=users["olga"])
    rita = Membership.objects.get(project=project, user=users["rita"])
    locked, results = threading.Event(), {}

    def remove_olga_slowly():
        # Another request removing olga: it has deleted her row, not yet committed.
        try:
            with transaction.atomic():
                Membership.objects.filter(pk=olga.pk).delete()
                locked.set()
                time.sleep(1.0)
        finally:
            connections.close_all()

    def olga_removes_rita():
        try:
            client = APIClient()
            client.force_authenticate(users["olga"])
            url = f"/api/v1/projects/{project.pk}/members/{rita.pk}/"
            results["status"] = client.delete(url).status_code
        finally:
            connections.close_all()

    first = threading.Thread(target=remove_olga_slowly)
    first.start()
    assert locked.wait(10)
    second = threading.Thread(target=olga_removes_rita)
    second.start()
    first.join(30)
    second.join(30)
    # Olga's removal committed first; rita's removal then finds no other owner.
    assert results["status"] == 400
    assert list(
        Membership.objects.filter(project=project, role=Role.OWNER).values_list(
            "user__username", flat=True
        )
    ) == ["rita"]
