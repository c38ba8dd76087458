"""Assignment refuses adjudicated documents; removing a member frees their slots."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.annotations.assignment import DocumentFull, claim, next_document, release_unfinished
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import submit_set
from apps.documents.models import Document
from apps.projects.models import Membership, Role
from tests.builders import make_project

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned the U.S. operation against Venezuela."


def adjudicate(document):
    Document.objects.filter(pk=document.pk).update(adjudicated_at=timezone.now())
    document.refresh_from_db()


@pytest.fixture
def doc(project):
    return Document.objects.create(project=project, external_id="d1", text=TEXT)


def test_claim_refuses_a_new_set_on_an_adjudicated_document(doc, users, client_for, api):
    adjudicate(doc)
    with pytest.raises(DocumentFull):
        claim(doc, users["ana"])
    response = client_for("ana").post(api(f"documents/{doc.pk}/annotations/mine/"))
    assert response.status_code == 409
    assert response.json()["detail"] == "This document is adjudicated; its annotation is closed."
    assert not AnnotationSet.objects.filter(document=doc).exists()
    doc.refresh_from_db()
    assert doc.annotator_count == 0


def test_an_unfinished_set_on_an_adjudicated_document_is_closed(doc, users, client_for, api):
    url = api(f"documents/{doc.pk}/annotations/mine/")
    ana = client_for("ana")
    version = ana.post(url).json()["version"]
    adjudicate(doc)
    assert ana.get(url).status_code == 409  # closed: nothing is left to edit
    response = ana.put(url, {"version": version, "spans": [], "stances": []}, format="json")
    assert response.status_code == 409
    assert "adjudicated" in response.json()["detail"]
    assert next_document(doc.project, users["ana"]) is None


def test_a_submitted_set_on_an_adjudicated_document_stays_readable(doc, users, client_for, api):
    url = api(f"documents/{doc.pk}/annotations/mine/")
    ana = client_for("ana")
    version = ana.post(url).json()["version"]
    assert ana.post(url + "submit/", {"version": version}, format="json").status_code == 200
    adjudicate(doc)
    response = ana.get(url)
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_next_document_skips_adjudicated_documents(project, doc, users):
    adjudicate(doc)
    other = Document.objects.create(project=project, external_id="d2", text=TEXT)
    got, aset, _ = next_document(project, users["ana"])
    assert got.pk == other.pk and aset.author == users["ana"]


# --------------------------------------------------------------------------- removed members


def remove_member(client, project, user):
    membership = Membership.objects.get(project=project, user=user)
    return client.delete(f"/api/v1/projects/{project.pk}/members/{membership.pk}/")


def test_removing_a_member_releases_their_unfinished_slots(project, users, client_for):
    ana, ben = users["ana"], users["ben"]
    unfinished = Document.objects.create(project=project, external_id="u", text=TEXT)
    finished = Document.objects.create(project=project, external_id="f", text=TEXT)
    done, _ = claim(finished, ana)
    submit_set(done)
    claim(unfinished, ana)
    claim(unfinished, ben)
    other = make_project(users, annotators_per_document=1)
    elsewhere = Document.objects.create(project=other, external_id="e", text=TEXT)
    claim(elsewhere, ana)

    assert remove_member(client_for("olga"), project, ana).status_code == 204

    unfinished.refresh_from_db()
    finished.refresh_from_db()
    elsewhere.refresh_from_db()
    assert unfinished.annotator_count == 1
    assert list(unfinished.annotation_sets.values_list("author__username", flat=True)) == ["ben"]
    # Submitted work stays, and so do sets in other projects.
    assert (finished.annotator_count, finished.submitted_count) == (1, 1)
    assert AnnotationSet.objects.filter(pk=done.pk).exists()
    assert elsewhere.annotator_count == 1
    # The freed slot goes to someone else.
    cai = Membership.objects.create(
        project=project, user=get_user_model().objects.create_user("cai"), role=Role.ANNOTATOR
    ).user
    assert claim(unfinished, cai)[1] is True


def test_a_refused_removal_releases_nothing(project, users, client_for):
    # Removing the last owner is refused: the transaction keeps the slot too.
    olga_set, _ = claim(
        Document.objects.create(project=project, external_id="o", text=TEXT), users["olga"]
    )
    response = remove_member(client_for("olga"), project, users["olga"])
    assert response.status_code == 400
    assert AnnotationSet.objects.filter(pk=olga_set.pk).exists()
    assert Document.objects.get(external_id="o").annotator_count == 1


def test_release_unfinished_is_a_no_op_without_unfinished_sets(project, users):
    assert release_unfinished(project, users["ana"]) == 0


def test_the_admin_cannot_delete_annotation_sets(rf, users):
    model_admin = admin.site._registry[AnnotationSet]
    request = rf.get("/admin/")
    request.user = users["olga"]
    assert model_admin.has_delete_permission(request) is False
