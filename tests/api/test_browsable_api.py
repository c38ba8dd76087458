"""The browsable API offers a member only the forms their role may use."""

import pytest
from django.test import Client

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from apps.projects.models import Label

pytestmark = pytest.mark.django_db


def browse(users, username, url):
    client = Client()
    client.force_login(users[username])
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def offers(html):
    """The write forms DRF's page template drew: POST forms post, the PUT
    form and the DELETE button carry their method in data-method, PATCH is a
    button of the PUT form."""
    return {
        "DELETE": 'data-method="DELETE"' in html,
        "PUT": 'data-method="PUT"' in html,
        "PATCH": 'data-method="PATCH"' in html,
        "POST": 'method="POST" class="form-horizontal"' in html
        or 'method="POST" enctype="multipart/form-data" class="form-horizontal"' in html,
    }


@pytest.mark.parametrize(
    "username, allowed",
    [("ana", set()), ("rita", set()), ("olga", {"DELETE", "PUT", "PATCH"})],
)
def test_label_forms_follow_the_role(users, project, username, allowed):
    label = Label.objects.get(project=project, name="PERSON")
    html = browse(users, username, f"/api/v1/projects/{project.pk}/labels/{label.pk}/")
    shown = {method for method, present in offers(html).items() if present}
    assert shown & {"DELETE", "PUT", "PATCH"} == allowed


@pytest.mark.parametrize("username, may_post", [("ana", False), ("olga", True)])
def test_the_create_form_is_only_for_those_who_may_create(users, project, username, may_post):
    html = browse(users, username, f"/api/v1/projects/{project.pk}/labels/")
    assert offers(html)["POST"] is may_post


def test_an_annotator_sees_no_delete_on_a_document(users, project):
    document = Document.objects.create(project=project, external_id="d1", text="Some text.")
    AnnotationSet.objects.create(document=document, kind="annotator", author=users["ana"])
    url = f"/api/v1/projects/{project.pk}/documents/{document.pk}/"
    assert not offers(browse(users, "ana", url))["DELETE"]
    assert offers(browse(users, "olga", url))["DELETE"]
