"""The label schema: a label that spans or stances use keeps its kind and
cannot be deleted; the refusal is a 409 that says how many items use it."""

import importlib

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.projects.models import Label
from tests.builders import annotate, make_document, make_project, span_of, stance

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


# ----------------------------------------------------------------- uses and order


def names(response):
    return [label["name"] for label in response.json()["results"]]


def test_the_list_says_how_many_spans_stances_and_sets_use_each_label(
    project, users, client_for, api
):
    text = "Moscow and Caracas condemned Washington."
    document = make_document(project, text=text)
    spans = [
        span_of("s1", text, "Moscow", "GPE"),
        span_of("s2", text, "Caracas", "GPE"),
        span_of("s3", text, "Washington", "ORG"),
    ]
    annotate(document, users["ana"], spans, [stance("t1", "s1", "s3"), stance("t2", "s2", "s3")])
    annotate(document, users["ben"], spans[:1])
    body = client_for("rita").get(api("labels/")).json()["results"]
    uses = {label["name"]: label["uses"] for label in body}
    assert uses["GPE"] == {"spans": 3, "stances": 0, "categories": 0}
    assert uses["ORG"] == {"spans": 1, "stances": 0, "categories": 0}
    assert uses["OPPOSE"] == {"spans": 0, "stances": 2, "categories": 0}
    assert uses["PERSON"] == {"spans": 0, "stances": 0, "categories": 0}
    one = client_for("olga").get(api(f"labels/{body[0]['id']}/")).json()
    assert "uses" in one and "position" in one


def test_the_label_list_takes_the_same_queries_however_much_uses_it(
    project, users, client_for, api, django_assert_max_num_queries
):
    client = client_for("olga")
    text = "Moscow condemned Washington. " * 3

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(api("labels/"), {"page_size": 1000}).status_code == 200
        return len(queries)

    before = count()
    for i, user in enumerate(("ana", "ben", "rita")):
        document = make_document(project, text=text, external_id=f"d{i}")
        spans = [span_of(f"s{k}", text, "Moscow", "GPE", occurrence=k) for k in range(3)]
        spans.append(span_of("w", text, "Washington", "ORG"))
        annotate(document, users[user], spans, [stance("t1", "s0", "w")])
    for extra in ("EVENT", "LAW", "PARTY"):
        Label.objects.create(project=project, kind=Label.Kind.ENTITY, name=extra)
    assert count() == before
    with django_assert_max_num_queries(3):
        client.get(api("labels/"), {"page_size": 1000})


def test_existing_labels_keep_their_order_and_new_ones_go_last(project, client_for, api):
    owner = client_for("olga")
    # The suite's labels are made without a position: kind, then name.
    assert names(owner.get(api("labels/"))) == [
        "GPE",
        "ORG",
        "PERSON",
        "NEUTRAL",
        "OPPOSE",
        "SUPPORT",
    ]
    created = owner.post(api("labels/"), {"kind": "entity", "name": "EVENT"}, format="json")
    assert created.status_code == 201
    assert names(owner.get(api("labels/")))[-1] == "EVENT"


def test_writing_a_position_moves_the_label_and_keeps_the_others_in_order(project, client_for, api):
    owner = client_for("olga")
    person = Label.objects.get(project=project, name="PERSON")
    moved = owner.patch(api(f"labels/{person.pk}/"), {"position": 0}, format="json")
    assert moved.status_code == 200 and moved.json()["position"] == 0
    order = ["PERSON", "GPE", "ORG", "NEUTRAL", "OPPOSE", "SUPPORT"]
    assert names(owner.get(api("labels/"))) == order
    positions = list(Label.objects.filter(project=project).values_list("position", flat=True))
    assert sorted(positions) == list(range(6))
    # Down again, past ORG: where ORG is now (index 2).
    owner.patch(api(f"labels/{person.pk}/"), {"position": 2}, format="json")
    assert names(owner.get(api("labels/")))[:3] == ["GPE", "ORG", "PERSON"]
    # A position past the end is the end.
    owner.patch(api(f"labels/{person.pk}/"), {"position": 99}, format="json")
    assert names(owner.get(api("labels/")))[-1] == "PERSON"


def test_a_negative_position_is_refused_naming_the_field(project, client_for, api):
    person = Label.objects.get(project=project, name="PERSON")
    response = client_for("olga").patch(
        api(f"labels/{person.pk}/"), {"position": -1}, format="json"
    )
    assert response.status_code == 400 and "position" in response.json()["errors"]


def test_the_project_page_lists_labels_in_the_schema_order(project, users, client_for, api):
    org = Label.objects.get(project=project, name="ORG")
    client_for("olga").patch(api(f"labels/{org.pk}/"), {"position": 0}, format="json")
    browser = Client()
    browser.force_login(users["ana"])
    html = browser.get(f"/projects/{project.pk}/").content.decode()
    assert html.index(">ORG<") < html.index(">GPE<") < html.index(">PERSON<")


def test_the_migration_numbers_existing_labels_in_their_old_order(project, users):
    from django.apps import apps as django_apps

    migration = importlib.import_module("apps.projects.migrations.0005_label_position")
    other = make_project(users, name="Other")
    Label.objects.update(position=7)
    migration.number_existing(django_apps, None)
    for p in (project, other):
        rows = Label.objects.filter(project=p).order_by("position")
        assert [label.name for label in rows] == [
            "GPE",
            "ORG",
            "PERSON",
            "NEUTRAL",
            "OPPOSE",
            "SUPPORT",
        ]
        assert [label.position for label in rows] == list(range(6))


def test_an_edit_never_writes_back_a_position_another_move_changed(project, client_for, api):
    """The view read the label at one position; another owner moved it before
    the save. The edit must leave the order as the move made it."""
    from apps.projects.api.serializers import LabelSerializer
    from apps.projects.api.views import LabelViewSet
    from apps.projects.labels import move_label

    stale = Label.objects.get(project=project, name="ORG")
    move_label(Label.objects.get(project=project, name="SUPPORT"), 0)  # shifts ORG by one
    view = LabelViewSet()
    serializer = LabelSerializer(
        stale, data={"color": "#123456"}, partial=True, context={"project": project}
    )
    serializer.is_valid(raise_exception=True)
    view.perform_update(serializer)
    positions = list(Label.objects.filter(project=project).values_list("position", flat=True))
    assert sorted(positions) == list(range(len(positions)))
    assert Label.objects.get(pk=stale.pk).color == "#123456"


@pytest.mark.parametrize("key", ["?", "/", "A", "G"])
def test_the_api_refuses_a_key_the_workspace_keeps_for_itself(project, client_for, api, key):
    response = client_for("olga").post(
        api("labels/"), {"kind": "entity", "name": "X", "shortcut": key}, format="json"
    )
    assert response.status_code == 400
    assert "is reserved" in response.json()["errors"]["shortcut"][0]
    assert not Label.objects.filter(project=project, name="X").exists()


@pytest.mark.parametrize(
    "key, meaning",
    [("e", "edits an item in adjudication"), ("j", "next candidate"), ("a", "accepts")],
)
def test_the_api_refuses_a_key_the_adjudication_screen_keeps(
    project, client_for, api, key, meaning
):
    response = client_for("olga").post(
        api("labels/"), {"kind": "entity", "name": "EVENT", "shortcut": key}, format="json"
    )
    assert response.status_code == 400
    assert meaning in response.json()["errors"]["shortcut"][0]


def test_a_label_that_took_a_key_before_it_was_reserved_can_still_be_edited(
    project, client_for, api
):
    # Projects made before adjudication's keys were reserved may hold one.
    event = Label.objects.create(project=project, kind="entity", name="EVENT", shortcut="e")
    owner = client_for("olga")
    renamed = owner.patch(
        api(f"labels/{event.pk}/"), {"name": "EVENTS", "shortcut": "e"}, format="json"
    )
    assert renamed.status_code == 200, renamed.content
    moved = owner.patch(api(f"labels/{event.pk}/"), {"shortcut": "r"}, format="json")
    assert moved.status_code == 400
    assert "rejects an item" in moved.json()["errors"]["shortcut"][0]
