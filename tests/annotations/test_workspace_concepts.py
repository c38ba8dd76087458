"""The concepts a text page hands its script (the stances of the sets the
member may see are on them) and whether the workspace offers to create one."""

import pytest

from apps.actors.models import Concept
from apps.annotations.visibility import linked_concepts
from apps.documents.models import Document
from apps.front.views.workspace import may_create_concepts
from apps.projects.models import Membership
from tests.annotations.test_workspace_actors import config_on_page
from tests.builders import add_gold, annotate, concept_stance, span_of

pytestmark = pytest.mark.django_db

TEXT = "Moscow backs Caracas."


@pytest.fixture
def linked(project, users):
    """ana's stance is on State sovereignty (under International law), ben's
    on Free trade, gold's on Non-intervention."""
    document = Document.objects.create(project=project, external_id="d", text=TEXT)
    law = Concept.objects.create(project=project, name="International law")
    concepts = {
        "State sovereignty": Concept.objects.create(
            project=project, name="State sovereignty", parent=law
        ),
        "Free trade": Concept.objects.create(project=project, name="Free trade"),
        "Non-intervention": Concept.objects.create(project=project, name="Non-intervention"),
    }
    owners = (("ana", "State sovereignty"), ("ben", "Free trade"), (None, "Non-intervention"))
    for username, concept in owners:
        spans = [span_of("s1", TEXT, "Moscow", "GPE")]
        stances = [concept_stance("t1", "s1", concepts[concept].pk)]
        if username:
            # Not submitted: review does not read stances on concepts yet
            # (agreement runs when the annotators have submitted).
            annotate(document, users[username], spans, stances, submit=False)
        else:
            add_gold(document, spans=spans, stances=stances, adjudicate=False)
    return document


def paths(config):
    return sorted(c["path"] for c in config["concepts"].values())


def test_a_blind_workspace_names_only_the_concepts_of_visible_sets(project, users, linked):
    url = f"/projects/{project.pk}/documents/{linked.pk}/"
    ana = config_on_page(users, "ana", url)
    assert list(ana["concepts"].values()) == [
        {"name": "State sovereignty", "path": "International law › State sovereignty"}
    ]
    assert paths(config_on_page(users, "ben", url)) == ["Free trade"]
    assert paths(config_on_page(users, "rita", url)) == [
        "Free trade",
        "International law › State sovereignty",
        "Non-intervention",
    ]


def test_the_document_page_names_them_too(project, users, linked):
    url = f"/projects/{project.pk}/documents/{linked.pk}/view/"
    assert paths(config_on_page(users, "ana", url)) == ["International law › State sovereignty"]


def test_concepts_come_in_two_queries_or_one_without_any(
    project, users, linked, django_assert_num_queries
):
    rita = Membership.objects.select_related("project").get(user=users["rita"])
    with django_assert_num_queries(2):
        assert len(linked_concepts(rita, linked)) == 3
    empty = Document.objects.create(project=project, external_id="e", text=TEXT)
    with django_assert_num_queries(1):
        assert linked_concepts(rita, empty) == {}


def test_only_owners_are_offered_to_create_a_concept_by_default(project, users, linked):
    url = f"/projects/{project.pk}/documents/{linked.pk}/"
    assert config_on_page(users, "olga", url)["createConcepts"] is True
    assert config_on_page(users, "ana", url)["createConcepts"] is False
    assert config_on_page(users, "rita", url)["createConcepts"] is False
    ana = Membership.objects.select_related("project").get(user=users["ana"])
    ana.project.annotators_create_concepts = True  # the codebook's project setting
    assert may_create_concepts(ana) is True
