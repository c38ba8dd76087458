"""The recommender's API: settings, training on demand, the versions."""

import pytest

from apps.projects.models import Job
from apps.recommender import training
from apps.recommender.models import RecommenderModel

from .corpus import build

pytestmark = pytest.mark.django_db


def url(project, tail=""):
    return f"/api/v1/projects/{project.pk}/recommender/{tail}"


def test_the_defaults_before_any_setting(project, client_for):
    response = client_for("rita").get(url(project))
    assert response.status_code == 200
    body = response.json()
    assert body["settings"] == {
        "enabled": False,
        "threshold": 0.5,
        "retrain_after": 0,
        "include_submitted": False,
        "labels": [],
    }
    assert body["entity_labels"] == ["GPE", "ORG", "PERSON"]
    assert body["current"] is None and body["latest"] is None and body["running"] is None
    assert body["adjudicated"] == 0


def test_owners_change_the_settings(project, client_for):
    olga = client_for("olga")
    body = {"enabled": True, "threshold": 0.7, "retrain_after": 20, "labels": ["PERSON", "GPE"]}
    response = olga.patch(url(project), body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["settings"] == {
        "enabled": True,
        "threshold": 0.7,
        "retrain_after": 20,
        "include_submitted": False,
        "labels": ["GPE", "PERSON"],
    }
    again = olga.patch(url(project), {"labels": []}, content_type="application/json")
    assert again.json()["settings"]["labels"] == [] and again.json()["settings"]["enabled"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": -0.1}, "threshold"),
        ({"retrain_after": -1}, "retrain_after"),
        ({"retrain_after": 100_001}, "retrain_after"),
        ({"labels": ["SUPPORT"]}, "labels"),
        ({"labels": ["NOPE"]}, "labels"),
        ({"enabled": "maybe"}, "enabled"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(body, field, project, client_for):
    response = client_for("olga").patch(url(project), body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert client_for("olga").get(url(project)).json()["settings"]["threshold"] == 0.5


def test_train_now_answers_202_and_the_versions_list_it(project, client_for):
    olga = client_for("olga")
    olga.patch(url(project), {"enabled": True, "threshold": 0.2}, content_type="application/json")
    build(project, gold=8, open_documents=2)
    response = olga.post(url(project, "train/"))
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job"])
    assert job.kind == "train" and job.status == Job.Status.DONE, job.error
    summary = olga.get(url(project)).json()
    assert summary["current"]["version"] == 1
    assert summary["current"]["source"] == "recommender-v1"
    assert summary["adjudicated"] == 8 and summary["adjudicated_since"] == 0
    versions = client_for("rita").get(url(project, "models/")).json()
    assert [v["version"] for v in versions] == [1]
    assert "data" not in versions[0] and versions[0]["size"] > 0
    assert set(versions[0]["scores"]["labels"]) == {"GPE", "ORG", "PERSON"}


def test_train_now_while_one_runs_is_409_naming_it(project, client_for):
    build(project, gold=5, open_documents=0)
    running = Job.objects.create(
        project=project, kind="train", handler=training.HANDLER, status=Job.Status.PENDING
    )
    response = client_for("olga").post(url(project, "train/"))
    assert response.status_code == 409
    assert f"Training job {running.pk} of this project is pending" in response.json()["detail"]
    assert response.json()["version"] is None
    assert Job.objects.filter(kind="train").count() == 1


def test_train_now_with_too_few_documents_is_400(project, client_for):
    build(project, gold=3, open_documents=0)
    response = client_for("olga").post(url(project, "train/"))
    assert response.status_code == 400
    assert "this project has 3, it needs at least 5" in response.json()["detail"]
    assert not Job.objects.filter(kind="train").exists()


def test_the_versions_cost_the_same_queries_however_many(
    project, users, client_for, django_assert_max_num_queries
):
    build(project, gold=6, open_documents=0)
    rita = client_for("rita")
    for _ in range(3):
        training.start_training(project, users["olga"])
    assert RecommenderModel.objects.count() == 3
    with django_assert_max_num_queries(4):
        assert len(rita.get(url(project, "models/")).json()) == 3
    with django_assert_max_num_queries(12):
        assert rita.get(url(project)).status_code == 200


def test_the_answers_match_the_openapi_schema(project, client_for):
    from tests.api.test_openapi import Checker, openapi_schema

    check = Checker(openapi_schema())
    olga, rita, ana = client_for("olga"), client_for("rita"), client_for("ana")
    check(rita.get(url(project)))
    check(rita.get(url(project, "models/")))
    check(ana.get(url(project)))
    check(olga.post(url(project, "train/")))  # 400: nothing adjudicated
    check(olga.patch(url(project), {"threshold": 2}, content_type="application/json"))
    body = {"enabled": True, "threshold": 0.2, "labels": ["GPE"]}
    check(olga.patch(url(project), body, content_type="application/json"))
    build(project, gold=6, open_documents=2)
    check(olga.post(url(project, "train/")))
    olga.patch(url(project), {"threshold": 1.0}, content_type="application/json")
    check(olga.post(url(project, "train/")))  # a second version, below the threshold
    check(rita.get(url(project)))
    check(rita.get(url(project, "models/")))
    Job.objects.create(project=project, kind="train", handler=training.HANDLER)
    check(olga.post(url(project, "train/")))  # 409
    check(rita.get(url(project)))
    assert {code for _, _, code in check.checked} == {"200", "202", "400", "403", "409"}


def test_switching_it_off_withdraws_its_suggestions(project, client_for, users):
    from apps.annotations.models import AnnotationSet
    from apps.documents.models import Document
    from tests.builders import annotate

    olga = client_for("olga")
    olga.patch(url(project), {"enabled": True, "threshold": 0.2}, content_type="application/json")
    build(project, gold=8, open_documents=2)
    assert olga.post(url(project, "train/")).status_code == 202
    predictions = AnnotationSet.objects.filter(
        document__project=project, kind=AnnotationSet.Kind.PREDICTION
    )
    assert predictions.filter(source="recommender-v1").exists()
    open_document = Document.objects.filter(project=project, adjudicated_at=None).first()
    AnnotationSet.objects.create(
        document=open_document, kind="prediction", source="aliases", status="submitted"
    )
    rejected = [{"source": "recommender-v1", "start": 0, "end": 3, "label": "GPE"}]
    mine = annotate(open_document, users["ana"], rejected=rejected, submit=False)

    off = olga.patch(url(project), {"enabled": False}, content_type="application/json")
    assert off.status_code == 200, off.content
    # The recommender's suggestions are gone; another suggester's and the
    # annotator's set, with what they rejected, stay.
    assert list(predictions.values_list("source", flat=True)) == ["aliases"]
    mine.refresh_from_db()
    assert mine.rejected_predictions == rejected
