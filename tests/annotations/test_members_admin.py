"""The Django admin changes members through the same service as the API:
removing an annotator releases their unfinished slots, and no path removes
or demotes a project's last owner."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client

from apps.annotations.assignment import claim
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import submit_set
from apps.documents.models import Document
from apps.projects.models import Membership, Role
from tests.builders import make_project

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned the U.S. operation against Venezuela."
MEMBERSHIPS = "/admin/projects/membership/"
REFUSAL = "needs at least one owner; make someone else owner first."


@pytest.fixture
def admin(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    return client


def membership(project, user):
    return Membership.objects.get(project=project, user=user)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --------------------------------------------------------------------------- the paths


def via_api(client_for, admin, project, users, names):
    for name in names:
        pk = membership(project, users[name]).pk
        response = client_for("olga").delete(f"/api/v1/projects/{project.pk}/members/{pk}/")
        assert response.status_code == 204


def via_delete_view(client_for, admin, project, users, names):
    for name in names:
        pk = membership(project, users[name]).pk
        response = admin.post(f"{MEMBERSHIPS}{pk}/delete/", {"post": "yes"})
        assert response.status_code == 302


def via_bulk_delete(client_for, admin, project, users, names):
    pks = [membership(project, users[name]).pk for name in names]
    response = admin.post(
        MEMBERSHIPS, {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
    )
    assert response.status_code == 302
    plural = "" if len(pks) == 1 else "s"
    assert messages_of(response) == [f"Successfully deleted {len(pks)} membership{plural}."]


def project_form(admin, project):
    """The project's admin change form as the browser would post it back."""
    response = admin.get(f"/admin/projects/project/{project.pk}/change/")
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value is not None and value is not False:
                data[form.add_prefix(name)] = value
    return data


def inline_key(data, project, user, field):
    """The POST key of `field` in the membership inline row of `user`."""
    pk = membership(project, user).pk
    row = next(key for key, value in data.items() if key.endswith("-id") and value == pk)
    return row.removesuffix("-id") + "-" + field


def post_project(admin, project, data):
    return admin.post(f"/admin/projects/project/{project.pk}/change/", data)


def via_project_inline(client_for, admin, project, users, names):
    data = project_form(admin, project)
    for name in names:
        data[inline_key(data, project, users[name], "DELETE")] = "on"
    response = post_project(admin, project, data)
    assert response.status_code == 302


PATHS = [via_api, via_delete_view, via_bulk_delete, via_project_inline]


# --------------------------------------------------------------------------- removals


@pytest.mark.parametrize("remove", PATHS, ids=lambda path: path.__name__)
def test_every_path_releases_the_removed_annotators_slots(
    remove, project, users, client_for, admin
):
    ana, ben, rita = users["ana"], users["ben"], users["rita"]
    shared = Document.objects.create(project=project, external_id="shared", text=TEXT)
    finished = Document.objects.create(project=project, external_id="finished", text=TEXT)
    done, _ = claim(finished, ana)
    submit_set(done)
    claim(shared, ana)
    claim(shared, ben)
    claim(finished, rita)
    other = make_project(users, annotators_per_document=1)
    elsewhere = Document.objects.create(project=other, external_id="elsewhere", text=TEXT)
    claim(elsewhere, ana)

    remove(client_for, admin, project, users, ["ana", "ben"])

    assert not Membership.objects.filter(project=project, user__in=[ana, ben]).exists()
    shared.refresh_from_db()
    finished.refresh_from_db()
    elsewhere.refresh_from_db()
    # Both sets on the shared document go, and both its slots.
    assert shared.annotator_count == 0
    assert not shared.annotation_sets.exists()
    # Submitted work stays; rita's unfinished set is not theirs to release.
    assert (finished.annotator_count, finished.submitted_count) == (2, 1)
    assert AnnotationSet.objects.filter(pk=done.pk).exists()
    # Their membership and work in another project are untouched.
    assert elsewhere.annotator_count == 1
    assert Membership.objects.filter(project=other, user=ana).exists()


@pytest.mark.parametrize("remove", [via_delete_view, via_bulk_delete], ids=lambda p: p.__name__)
def test_the_admin_logs_the_removal(remove, project, users, client_for, admin):
    pk = membership(project, users["ana"]).pk
    remove(client_for, admin, project, users, ["ana"])
    assert LogEntry.objects.filter(object_id=str(pk), action_flag=DELETION).count() == 1


# --------------------------------------------------------------------------- the last owner


@pytest.fixture
def olga_set(project, users):
    aset, _ = claim(
        Document.objects.create(project=project, external_id="o", text=TEXT), users["olga"]
    )
    return aset


def assert_nothing_changed(project, users, olga_set, members=4):
    assert Membership.objects.filter(project=project).count() == members
    assert membership(project, users["olga"]).role == Role.OWNER
    assert AnnotationSet.objects.filter(pk=olga_set.pk).exists()
    assert Document.objects.get(pk=olga_set.document_id).annotator_count == 1
    assert not LogEntry.objects.exists()


def test_the_delete_view_refuses_the_last_owner(project, users, admin, olga_set):
    pk = membership(project, users["olga"]).pk
    response = admin.post(f"{MEMBERSHIPS}{pk}/delete/", {"post": "yes"}, follow=True)
    assert response.redirect_chain == [(f"{MEMBERSHIPS}{pk}/change/", 302)]
    assert messages_of(response) == [f"The project “{project.name}” {REFUSAL}"]
    assert_nothing_changed(project, users, olga_set)


def test_a_bulk_delete_that_takes_every_owner_removes_nobody(project, users, admin, olga_set):
    Membership.objects.filter(project=project, user=users["rita"]).update(role=Role.OWNER)
    pks = [membership(project, users[name]).pk for name in ("olga", "rita", "ana")]
    response = admin.post(
        MEMBERSHIPS,
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
        follow=True,
    )
    assert response.redirect_chain == [(MEMBERSHIPS, 302)]
    assert messages_of(response) == [f"The project “{project.name}” {REFUSAL}"]
    # All or nothing: ana, who could go alone, stays too.
    assert_nothing_changed(project, users, olga_set)


def test_a_bulk_delete_may_take_one_of_two_owners(project, users, admin, olga_set):
    Membership.objects.filter(project=project, user=users["rita"]).update(role=Role.OWNER)
    via_bulk_delete(None, admin, project, users, ["olga"])
    assert not AnnotationSet.objects.filter(pk=olga_set.pk).exists()
    assert Document.objects.get(pk=olga_set.document_id).annotator_count == 0


def test_the_change_form_refuses_to_demote_the_last_owner(project, users, admin, olga_set):
    pk = membership(project, users["olga"]).pk
    response = admin.post(f"{MEMBERSHIPS}{pk}/change/", {"role": Role.ANNOTATOR}, follow=True)
    assert messages_of(response) == [f"The project “{project.name}” {REFUSAL}"]
    assert_nothing_changed(project, users, olga_set)


def test_the_change_form_changes_a_role(project, users, admin):
    pk = membership(project, users["ana"]).pk
    response = admin.post(f"{MEMBERSHIPS}{pk}/change/", {"role": Role.REVIEWER})
    assert response.status_code == 302
    assert membership(project, users["ana"]).role == Role.REVIEWER


def test_the_add_form_adds_a_member(project, users, admin):
    response = admin.post(
        f"{MEMBERSHIPS}add/",
        {"project": project.pk, "user": users["oscar"].pk, "role": Role.REVIEWER},
    )
    assert response.status_code == 302
    assert membership(project, users["oscar"]).role == Role.REVIEWER


def test_the_project_inline_refuses_to_remove_the_last_owner(project, users, admin, olga_set):
    data = project_form(admin, project)
    data[inline_key(data, project, users["olga"], "DELETE")] = "on"
    data[inline_key(data, project, users["ana"], "DELETE")] = "on"
    data["description"] = "Changed"
    response = post_project(admin, project, data)
    assert response.status_code == 302
    assert messages_of(admin.get(response.url)) == [f"The project “{project.name}” {REFUSAL}"]
    assert_nothing_changed(project, users, olga_set)
    project.refresh_from_db()
    assert project.description == ""  # the whole save is undone


def test_the_project_inline_refuses_to_demote_the_last_owner(project, users, admin, olga_set):
    data = project_form(admin, project)
    data[inline_key(data, project, users["olga"], "role")] = Role.REVIEWER
    response = post_project(admin, project, data)
    assert messages_of(admin.get(response.url)) == [f"The project “{project.name}” {REFUSAL}"]
    assert_nothing_changed(project, users, olga_set)


def test_the_project_inline_hands_the_project_over_in_one_save(project, users, admin):
    data = project_form(admin, project)
    data[inline_key(data, project, users["olga"], "DELETE")] = "on"
    data[inline_key(data, project, users["rita"], "role")] = Role.OWNER
    assert post_project(admin, project, data).status_code == 302
    owners = Membership.objects.filter(project=project, role=Role.OWNER)
    assert list(owners.values_list("user__username", flat=True)) == ["rita"]


def test_the_project_inline_does_not_move_a_membership_to_another_user(project, users, admin):
    data = project_form(admin, project)
    data[inline_key(data, project, users["ana"], "user")] = users["oscar"].pk
    response = post_project(admin, project, data)
    assert response.status_code == 200
    assert "A membership&#x27;s user cannot change" in response.content.decode()
    assert Membership.objects.filter(project=project, user=users["ana"]).exists()
    assert not Membership.objects.filter(project=project, user=users["oscar"]).exists()


def test_the_api_refuses_the_last_owner_with_the_same_message(project, users, client_for):
    pk = membership(project, users["olga"]).pk
    response = client_for("olga").delete(f"/api/v1/projects/{project.pk}/members/{pk}/")
    assert response.status_code == 400
    assert response.json()["errors"] == {"role": f"The project “{project.name}” {REFUSAL}"}
    response = client_for("olga").patch(
        f"/api/v1/projects/{project.pk}/members/{pk}/", {"role": "annotator"}, format="json"
    )
    assert response.status_code == 400
    assert membership(project, users["olga"]).role == Role.OWNER


def test_the_project_inline_adds_a_member(project, users, admin):
    data = project_form(admin, project)
    row = data["memberships-TOTAL_FORMS"]
    data["memberships-TOTAL_FORMS"] = row + 1
    data |= {
        f"memberships-{row}-project": project.pk,
        f"memberships-{row}-user": users["oscar"].pk,
        f"memberships-{row}-role": Role.REVIEWER,
    }
    assert post_project(admin, project, data).status_code == 302
    assert membership(project, users["oscar"]).role == Role.REVIEWER
