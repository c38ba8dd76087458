"""Category groups and category labels through the API: groups with labels
are not deleted, a group becomes single-choice only while no set holds two
of its categories, a category label in use keeps its kind and its sets."""

import pytest

from apps.annotations.models import SetCategory
from apps.projects.models import CategoryGroup, Label
from tests.builders import annotate, make_category_group, make_document

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned the operation."


@pytest.fixture
def frames(project):
    return make_category_group(project, "FRAME", ["SOVEREIGNTY", "SECURITY"], multiple=True)


def test_members_read_groups_with_their_labels_in_the_schema_order(frames, client_for, api):
    body = client_for("ana").get(api("category-groups/")).json()["results"]
    assert body == [
        {
            "id": frames.pk,
            "name": "FRAME",
            "multiple": True,
            "description": "",
            "position": 0,
            "labels": ["SOVEREIGNTY", "SECURITY"],
        }
    ]


def test_an_owner_creates_groups_at_the_end_and_names_are_unique(frames, client_for, api):
    owner = client_for("olga")
    created = owner.post(api("category-groups/"), {"name": "TOPIC"}, format="json")
    assert created.status_code == 201
    assert created.json()["position"] == 1 and created.json()["multiple"] is False
    again = owner.post(api("category-groups/"), {"name": "TOPIC"}, format="json")
    assert again.status_code == 400
    assert "already has a category group TOPIC" in again.json()["errors"]["name"][0]
    lower = owner.post(api("category-groups/"), {"name": "topic"}, format="json")
    assert lower.status_code == 400 and "name" in lower.json()["errors"]


def test_a_group_with_labels_cannot_be_deleted_and_the_refusal_names_them(frames, client_for, api):
    owner = client_for("olga")
    refused = owner.delete(api(f"category-groups/{frames.pk}/"))
    assert refused.status_code == 409
    assert "SOVEREIGNTY, SECURITY" in refused.json()["detail"]
    assert CategoryGroup.objects.filter(pk=frames.pk).exists()
    Label.objects.filter(group=frames).delete()
    assert owner.delete(api(f"category-groups/{frames.pk}/")).status_code == 204


def test_a_group_becomes_single_choice_only_while_no_set_holds_two(
    project, frames, users, client_for, api
):
    document = make_document(project, text=TEXT, external_id="d-two")
    aset = annotate(document, users["ana"], categories=["SOVEREIGNTY", "SECURITY"])
    owner = client_for("olga")
    url = api(f"category-groups/{frames.pk}/")
    refused = owner.patch(url, {"multiple": False}, format="json")
    assert refused.status_code == 409
    body = refused.json()
    assert body["field"] == "multiple"
    assert f"document {document.pk} (d-two)" in body["detail"]
    assert "SECURITY and SOVEREIGNTY" in body["detail"]
    assert CategoryGroup.objects.get(pk=frames.pk).multiple is True
    # Renaming or describing it is not the switch: allowed.
    assert owner.patch(url, {"description": "Framing"}, format="json").status_code == 200
    SetCategory.objects.filter(set=aset, label__name="SECURITY").delete()
    switched = owner.patch(url, {"multiple": False}, format="json")
    assert switched.status_code == 200 and switched.json()["multiple"] is False


def test_a_category_label_needs_a_group_and_other_kinds_refuse_one(frames, client_for, api):
    owner = client_for("olga")
    missing = owner.post(api("labels/"), {"kind": "category", "name": "ECONOMY"}, format="json")
    assert missing.status_code == 400 and "needs a group" in missing.json()["errors"]["group"][0]
    unknown = owner.post(
        api("labels/"), {"kind": "category", "name": "ECONOMY", "group": "NOPE"}, format="json"
    )
    assert unknown.status_code == 400
    assert "no category group 'NOPE'" in unknown.json()["errors"]["group"][0]
    entity = owner.post(
        api("labels/"), {"kind": "entity", "name": "EVENT", "group": "FRAME"}, format="json"
    )
    assert (
        entity.status_code == 400 and "Only a category label" in entity.json()["errors"]["group"][0]
    )
    made = owner.post(
        api("labels/"),
        {"kind": "category", "name": "ECONOMY", "group": "FRAME", "shortcut": "1"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["group"] == "FRAME"
    assert owner.get(api(f"category-groups/{frames.pk}/")).json()["labels"][-1] == "ECONOMY"


def test_an_unused_category_label_may_become_an_entity_label_leaving_its_group(
    frames, client_for, api
):
    label = Label.objects.get(name="SECURITY")
    changed = client_for("olga").patch(
        api(f"labels/{label.pk}/"), {"kind": "entity"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["group"] is None
    assert Label.objects.get(pk=label.pk).group_id is None


def test_the_reserved_keys_apply_to_category_shortcuts(frames, client_for, api):
    response = client_for("olga").post(
        api("labels/"),
        {"kind": "category", "name": "ECONOMY", "group": "FRAME", "shortcut": "?"},
        format="json",
    )
    assert response.status_code == 400 and "reserved" in response.json()["errors"]["shortcut"][0]


def test_a_category_label_in_use_cannot_be_deleted_and_the_set_keeps_it(
    project, frames, users, client_for, api
):
    document = make_document(project, text=TEXT)
    annotate(document, users["ana"], categories=["SOVEREIGNTY"])
    label = Label.objects.get(name="SOVEREIGNTY")
    owner = client_for("olga")
    listed = {row["name"]: row["uses"] for row in owner.get(api("labels/")).json()["results"]}
    assert listed["SOVEREIGNTY"] == {"spans": 0, "stances": 0, "categories": 1}
    refused = owner.delete(api(f"labels/{label.pk}/"))
    assert refused.status_code == 409
    assert "SOVEREIGNTY is in use (1 sets as a category)" in refused.json()["detail"]
    kind = owner.patch(api(f"labels/{label.pk}/"), {"kind": "entity"}, format="json")
    assert kind.status_code == 409 and kind.json()["field"] == "kind"
    mine = client_for("ana").get(
        f"/api/v1/projects/{project.pk}/documents/{document.pk}/annotations/mine/"
    )
    assert mine.json()["categories"] == ["SOVEREIGNTY"]


def test_the_group_list_takes_the_same_queries_however_many_groups(
    project, client_for, api, django_assert_max_num_queries
):
    for name in ("FRAME", "TOPIC", "TONE"):
        make_category_group(project, name, [f"{name}_A", f"{name}_B"])
    with django_assert_max_num_queries(4):
        response = client_for("ana").get(api("category-groups/"))
    assert len(response.json()["results"]) == 3


def test_writing_a_position_moves_the_group_and_keeps_the_others_in_order(project, client_for, api):
    owner = client_for("olga")
    for name in ("FRAME", "TOPIC", "TONE"):
        assert owner.post(api("category-groups/"), {"name": name}, format="json").status_code == 201
    tone = CategoryGroup.objects.get(name="TONE")
    moved = owner.patch(api(f"category-groups/{tone.pk}/"), {"position": 0}, format="json")
    assert moved.status_code == 200 and moved.json()["position"] == 0
    listed = [g["name"] for g in owner.get(api("category-groups/")).json()["results"]]
    assert listed == ["TONE", "FRAME", "TOPIC"]
    first = owner.post(api("category-groups/"), {"name": "FIRST", "position": 0}, format="json")
    assert first.json()["position"] == 0
    listed = [g["name"] for g in owner.get(api("category-groups/")).json()["results"]]
    assert listed == ["FIRST", "TONE", "FRAME", "TOPIC"]
