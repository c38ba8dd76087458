"""Every numeric and enumerated project setting is range-checked, the same on
create and on update, on SQLite and PostgreSQL alike (apps/projects/limits.py)."""

import pytest
from django.core.exceptions import ValidationError

from apps.projects import limits
from apps.projects.models import Project

pytestmark = pytest.mark.django_db

K = limits.MAX_ANNOTATORS

# (setting, a refused value, words the message has)
REFUSED = [
    ("annotators_per_document", 0, "greater than or equal to 1"),
    ("annotators_per_document", K + 1, f"less than or equal to {K}"),
    ("annotators_per_document", 1_768_649, f"less than or equal to {K}"),
    ("annotators_per_document", 1.5, "valid integer"),
    ("routing_threshold", -1, "greater than or equal to 0"),
    ("routing_threshold", 1.01, "less than or equal to 1"),
    ("routing_threshold", "NaN", "valid number"),
    ("routing_max_annotators", 0, "greater than or equal to 1"),
    ("routing_max_annotators", K + 1, f"less than or equal to {K}"),
    ("assignment_seed", -1, "greater than or equal to 0"),
    ("assignment_seed", limits.MAX_SEED + 1, f"less than or equal to {limits.MAX_SEED}"),
    ("assignment_order", "shuffled", "not a valid choice"),
    ("blind", "maybe", "valid boolean"),
    ("anonymous_review", 2, "valid boolean"),
    ("routing_enabled", "sometimes", "valid boolean"),
    ("actor_kind_labels", ["state", "GPE"], "must be an object"),
    ("actor_kind_labels", {"country": "GPE"}, "'country' is not an actor kind"),
    ("actor_kind_labels", {"state": 3}, "state must map to the name of an entity label"),
    ("actor_kind_labels", {"state": "gpe"}, "state must map to the name of an entity label"),
]
# The edges themselves are accepted.
ACCEPTED = [
    ("annotators_per_document", 1),
    ("routing_threshold", 0),
    ("routing_threshold", 1),
    ("routing_max_annotators", K),
    ("assignment_seed", 0),
    ("assignment_seed", limits.MAX_SEED),
    ("actor_kind_labels", {}),
    ("actor_kind_labels", {"state": "GPE", "person": "PERSON"}),
]


def patch(client_for, project, fields):
    return client_for("olga").patch(f"/api/v1/projects/{project.pk}/", fields, format="json")


def create(client_for, fields):
    return client_for("oscar").post("/api/v1/projects/", {"name": "New", **fields}, format="json")


@pytest.mark.parametrize(("setting", "value", "message"), REFUSED)
def test_an_update_out_of_range_is_a_400_naming_the_setting(
    project, client_for, setting, value, message
):
    before = Project.objects.filter(pk=project.pk).values().get()
    response = patch(client_for, project, {setting: value})
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [setting]
    assert message in body["detail"] and body["detail"].startswith(setting)
    assert Project.objects.filter(pk=project.pk).values().get() == before


@pytest.mark.parametrize(("setting", "value", "message"), REFUSED)
def test_a_new_project_out_of_range_is_a_400_and_not_created(
    users, client_for, setting, value, message
):
    response = create(client_for, {setting: value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [setting]
    assert message in response.json()["detail"]
    assert not Project.objects.filter(name="New").exists()


@pytest.mark.parametrize(("setting", "value"), ACCEPTED)
def test_the_edges_are_accepted(project, client_for, setting, value):
    response = patch(client_for, project, {setting: value})
    assert response.status_code == 200, response.json()
    project.refresh_from_db()
    assert getattr(project, setting) == value


def test_routing_ceiling_below_k_is_refused_while_routing_is_on(project, client_for):
    # k = 2 in the fixture.
    response = patch(client_for, project, {"routing_enabled": True, "routing_max_annotators": 1})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["routing_max_annotators"]
    assert "at least annotators_per_document (2)" in response.json()["detail"]
    # Off, the ceiling is not used, so it is not held against k.
    assert patch(client_for, project, {"routing_max_annotators": 1}).status_code == 200
    # Turning routing on then names the ceiling it would use.
    response = patch(client_for, project, {"routing_enabled": True})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["routing_max_annotators"]


def test_raising_k_above_the_ceiling_names_k(project, client_for):
    assert patch(client_for, project, {"routing_enabled": True}).status_code == 200  # ceiling 5
    response = patch(client_for, project, {"annotators_per_document": 6})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["annotators_per_document"]
    assert "at most routing_max_annotators (5)" in response.json()["detail"]
    both = patch(client_for, project, {"annotators_per_document": 6, "routing_max_annotators": 6})
    assert both.status_code == 200
    project.refresh_from_db()
    assert (project.annotators_per_document, project.routing_max_annotators) == (6, 6)


def test_a_new_project_with_routing_below_k_is_refused(users, client_for):
    fields = {"annotators_per_document": 3, "routing_enabled": True, "routing_max_annotators": 2}
    response = create(client_for, fields)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["routing_max_annotators"]


def test_the_model_refuses_the_same_values(project):
    """The admin saves through full_clean(): the same ranges, the same ceiling rule."""
    project.annotators_per_document = K + 1
    project.assignment_seed = limits.MAX_SEED + 1
    project.routing_threshold = -1  # the issue's own examples, which the admin took
    project.routing_max_annotators = 0
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert set(refused.value.message_dict) == {
        "annotators_per_document",
        "assignment_seed",
        "routing_threshold",
        "routing_max_annotators",
    }
    project.refresh_from_db()
    project.routing_enabled, project.routing_max_annotators = True, 1
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert list(refused.value.message_dict) == ["routing_max_annotators"]
