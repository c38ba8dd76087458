"""Claims through the set API: stances on concepts and document categories
are written, read back and checked against the project's own codebook."""

import pytest

from apps.actors.models import Concept
from apps.annotations.models import SetCategory, Stance
from apps.documents.models import Document
from tests.builders import make_category_group, make_project

TEXT = "Moscow defends Venezuela's sovereignty."
MOSCOW = {"id": "m", "start": 0, "end": 6, "label": "GPE"}


@pytest.fixture
def world(project):
    document = Document.objects.create(project=project, external_id="d1", text=TEXT)
    sovereignty = Concept.objects.create(project=project, name="State sovereignty")
    make_category_group(project, "FRAME", ["FRAME_LAW", "FRAME_CONFLICT"])
    make_category_group(project, "TOPIC", ["TOPIC_OIL", "TOPIC_MILITARY"], multiple=True)
    return document, sovereignty


def write(client, api, document, stances=(), categories=None):
    url = api(f"documents/{document.pk}/annotations/mine/")
    version = client.post(url).json()["version"]
    body = {"version": version, "spans": [MOSCOW], "stances": list(stances)}
    if categories is not None:
        body["categories"] = categories
    return url, client.put(url, body, format="json")


def test_a_claim_and_categories_round_trip(world, api, client_for):
    document, sovereignty = world
    ana = client_for("ana")
    claim = {"id": "t", "holder": "m", "concept": sovereignty.pk, "polarity": "SUPPORT"}
    url, r = write(ana, api, document, [claim], ["TOPIC_OIL", "FRAME_LAW", "TOPIC_MILITARY"])
    assert r.status_code == 200, r.content
    for body in (r.json(), ana.get(url).json()):
        assert body["stances"] == [
            {
                "id": "t",
                "holder": "m",
                "target": None,
                "concept": sovereignty.pk,
                "polarity": "SUPPORT",
                "cue": None,
            }
        ]
        assert body["categories"] == ["FRAME_LAW", "TOPIC_MILITARY", "TOPIC_OIL"]
    stance = Stance.objects.get(set__document=document)
    assert stance.concept_id == sovereignty.pk and stance.target_id is None
    # A write that leaves the categories out clears them, as it does spans.
    version = ana.get(url).json()["version"]
    r = ana.put(url, {"version": version, "spans": [MOSCOW]}, format="json")
    assert r.status_code == 200 and r.json()["categories"] == []
    assert not SetCategory.objects.filter(set__document=document).exists()


def test_a_concept_of_another_project_is_no_concept_here(world, api, client_for, users):
    document, _ = world
    elsewhere = Concept.objects.create(project=make_project(users, name="Other"), name="Law")
    claim = {"holder": "m", "concept": elsewhere.pk, "polarity": "SUPPORT"}
    _, r = write(client_for("ana"), api, document, [claim])
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {
            "field": "stances[0].concept",
            "message": f"there is no concept {elsewhere.pk} in this project's codebook",
        }
    ]
    assert not Stance.objects.filter(set__document=document).exists()


def test_two_categories_of_a_single_choice_group_store_nothing(world, api, client_for):
    document, _ = world
    _, r = write(client_for("ana"), api, document, categories=["FRAME_LAW", "FRAME_CONFLICT"])
    assert r.status_code == 400
    assert "FRAME takes one category" in r.json()["detail"]
    assert not SetCategory.objects.exists()


def test_deleting_a_project_takes_its_codebook_and_claims(world, api, client_for, project):
    document, sovereignty = world
    sub = Concept.objects.create(project=project, name="Borders", parent=sovereignty)
    claims = [
        {"holder": "m", "concept": sovereignty.pk, "polarity": "SUPPORT"},
        {"holder": "m", "concept": sub.pk, "polarity": "OPPOSE"},
    ]
    _, r = write(client_for("ana"), api, document, claims, ["FRAME_LAW"])
    assert r.status_code == 200, r.content
    project.delete()
    assert not Concept.objects.exists() and not Stance.objects.exists()
    assert not SetCategory.objects.exists()


def test_a_stance_on_a_merged_concept_is_refused_naming_the_survivor(world, api, client_for, users):
    """A workspace opened before a merge still offers the merged concept: the
    refusal names the live survivor (through a chain of merges), by id and
    name, for the workspace to switch the stance and save again."""
    from apps.mentions.merge import merge_concepts

    document, sovereignty = world
    project = document.project
    old = Concept.objects.create(project=project, name="Sovereignty")
    middle = Concept.objects.create(project=project, name="Sovereignty (states)")
    merge_concepts(old, middle, users["olga"])
    merge_concepts(middle, sovereignty, users["olga"])
    claim = {"id": "t", "holder": "m", "concept": old.pk, "polarity": "SUPPORT"}
    url, r = write(client_for("ana"), api, document, [claim])
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {
            "field": "stances[0].concept",
            "message": f"concept {old.pk} (Sovereignty) was merged into concept "
            f"{sovereignty.pk} (State sovereignty); use that one",
            "merged_into": sovereignty.pk,
            "merged_into_name": "State sovereignty",
        }
    ]
    assert not Stance.objects.filter(set__document=document).exists()
    # Switched to the survivor, the same claim saves.
    version = client_for("ana").get(url).json()["version"]
    again = {
        "version": version,
        "spans": [MOSCOW],
        "stances": [{**claim, "concept": sovereignty.pk}],
    }
    r = client_for("ana").put(url, again, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["stances"][0]["concept"] == sovereignty.pk
