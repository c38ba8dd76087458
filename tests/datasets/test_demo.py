"""The demo project (`manage.py demo`): its codebook, categories, claims and
gold, and the network they make."""

import io

import pytest
from django.core.management import call_command

from apps.actors.models import Concept
from apps.annotations.models import AnnotationSet, SetCategory, Stance
from apps.datasets.management.commands.demo import PROJECT_NAME
from apps.projects.models import CategoryGroup, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", stdout=io.StringIO())
    return Project.objects.get(name=PROJECT_NAME)


def test_the_codebook_and_the_category_groups(demo):
    concepts = {c.name: c for c in Concept.objects.filter(project=demo)}
    assert concepts["UN Charter"].parent == concepts["International law"]
    assert "Legitimacy of the interim government" in concepts
    groups = {g.name: g for g in CategoryGroup.objects.filter(project=demo)}
    assert not groups["FRAME"].multiple and groups["TOPIC"].multiple
    keys = list(groups["FRAME"].labels.values_list("shortcut", flat=True))
    assert all(keys)


def test_annotators_code_claims_and_categories_and_disagree(demo):
    def coded(username, external_id):
        aset = AnnotationSet.objects.get(
            author__username=username, document__external_id=external_id
        )
        claims = set(
            Stance.objects.filter(set=aset, concept__isnull=False).values_list(
                "holder__start", "concept__name", "polarity__name"
            )
        )
        categories = set(SetCategory.objects.filter(set=aset).values_list("label__name", flat=True))
        return claims, categories

    ana_claims, _ = coded("ana", "demo-004")
    ben_claims, _ = coded("ben", "demo-004")
    assert ana_claims and ben_claims and ana_claims != ben_claims
    _, ana_categories = coded("ana", "demo-001")
    _, ben_categories = coded("ben", "demo-001")
    assert ana_categories and ben_categories and ana_categories != ben_categories


def test_gold_on_some_documents_makes_a_network(demo):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    gold = AnnotationSet.objects.filter(
        document__project=demo, kind=AnnotationSet.Kind.GOLD, document__adjudicated_at__isnull=False
    )
    # Three stories with claims, three briefs with mentions only.
    assert gold.count() == 6
    assert gold.filter(stances__concept__isnull=False).distinct().count() == 3
    assert Stance.objects.filter(set__in=gold, concept__isnull=False).count() >= 10
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="rita"))
    base = f"/api/v1/projects/{demo.pk}/networks/"
    congruence = client.get(base).json()
    conflict = client.get(f"{base}?kind=conflict").json()
    assert congruence["statements_without_actor"] == 0
    assert len(congruence["edges"]) >= 3 and len(conflict["edges"]) >= 3
    pairs = {(e["source"], e["target"]) for e in conflict["edges"]}
    assert ("a:Brazil", "a:United States") in pairs


def test_the_dashboard_shows_how_long_the_annotators_took(demo):
    from apps.review.progress import annotator_progress

    rows = {row["username"]: row for row in annotator_progress(demo)}
    # Minutes, as a person takes over a story: not the instant the demo wrote it in.
    assert 120 < rows["ana"]["median_seconds"] < 900
    assert 120 < rows["ben"]["median_seconds"] < 900


def test_the_recommender_is_on_trained_and_suggesting(django_capture_on_commit_callbacks):
    from apps.recommender.models import SOURCE_PREFIX, RecommenderModel, RecommenderSettings

    # The training job runs once the demo's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=io.StringIO())
    demo = Project.objects.get(name=PROJECT_NAME)
    assert RecommenderSettings.objects.get(project=demo).enabled
    (model,) = RecommenderModel.objects.filter(project=demo)
    assert model.status == RecommenderModel.Status.ACTIVE, model.error
    # Its suggestions wait in the stories still open, with their uncertainty.
    suggested = AnnotationSet.objects.filter(
        document__project=demo,
        kind=AnnotationSet.Kind.PREDICTION,
        source__startswith=SOURCE_PREFIX,
    )
    open_ids = set(demo.documents.filter(adjudicated_at__isnull=True).values_list("pk", flat=True))
    assert open_ids and set(suggested.values_list("document_id", flat=True)) == open_ids
    assert suggested.filter(spans__isnull=False).exists()
    assert not demo.documents.filter(pk__in=open_ids, uncertainty__isnull=True).exists()
