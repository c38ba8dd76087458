"""The label schema: a label that spans or stances use keeps its kind and
cannot be deleted; the refusal is a 409 that says how many items use it."""

import pytest

from apps.projects.models import Label
from tests.builders import annotate, make_document, span_of

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned the operation."


@pytest.fixture
def gpe_in_use(project, users):
    document = make_document(project, text=TEXT)
    annotate(document, users["ana"], [span_of("s1", TEXT, "Moscow", "GPE")])
    return Label.objects.get(project=project, name="GPE")


def test_a_label_in_use_cannot_be_deleted(gpe_in_use, client_for, api):
    response = client_for("olga").delete(api(f"labels/{gpe_in_use.pk}/"))
    assert response.status_code == 409
    body = response.json()
    assert "GPE is in use (1 spans)" in body["detail"] and body["version"] is None
    assert Label.objects.filter(pk=gpe_in_use.pk).exists()


def test_a_label_in_use_keeps_its_kind_but_may_be_renamed(gpe_in_use, client_for, api):
    owner = client_for("olga")
    refused = owner.patch(api(f"labels/{gpe_in_use.pk}/"), {"kind": "stance"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["field"] == "kind" and "kind cannot change" in refused.json()["detail"]
    assert Label.objects.get(pk=gpe_in_use.pk).kind == Label.Kind.ENTITY
    renamed = owner.patch(api(f"labels/{gpe_in_use.pk}/"), {"name": "PLACE"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "PLACE"


def test_an_unused_label_may_change_kind_and_be_deleted(project, client_for, api):
    label = Label.objects.get(project=project, name="ORG")
    owner = client_for("olga")
    changed = owner.patch(api(f"labels/{label.pk}/"), {"kind": "stance"}, format="json")
    assert changed.status_code == 200 and changed.json()["kind"] == "stance"
    assert owner.delete(api(f"labels/{label.pk}/")).status_code == 204


def test_a_refusal_names_the_role_needed_and_the_callers(project, client_for, api):
    response = client_for("ana").post(api("labels/"), {"kind": "entity", "name": "X"})
    assert response.status_code == 403
    assert response.json()["detail"] == "This needs the project role owner; you are an annotator."
