"""POST /projects/{p}/preannotate/: owner only, a job, clear 400s."""

import pytest
from django.test import override_settings

from apps.annotations.assignment import claim
from apps.annotations.models import AnnotationSet
from apps.projects.models import Job
from tests.actors.helpers import SuggestServer, make_documents, make_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(project):
    make_registry(project)
    return make_documents(project)


def post(client, project, body):
    return client.post(f"/api/v1/projects/{project.pk}/preannotate/", body, format="json")


def test_owner_starts_a_job_that_writes_prediction_sets(project, docs, client_for):
    response = post(client_for("olga"), project, {})
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job"])
    assert (job.kind, job.status, job.progress) == ("preannotate", "done", 1.0)
    assert job.result["created"] == 2 and job.result["spans"] == 6
    shown = client_for("olga").get(f"/api/v1/jobs/{job.pk}/").json()
    assert shown["status"] == "done" and shown["result"]["suggester"] == "aliases"
    # The annotator sees the predictions through the sets API.
    sets = client_for("ana").get(
        f"/api/v1/projects/{project.pk}/documents/{docs['a'].pk}/annotations/"
    )
    [prediction] = sets.json()
    assert prediction["kind"] == "prediction" and prediction["source"] == "aliases"
    assert [s["text"] for s in prediction["spans"]] == [
        "Russian Foreign Ministry",
        "Moscow",
        "Caracas",
    ]


def test_given_documents_only(project, docs, client_for):
    response = post(client_for("olga"), project, {"documents": [docs["b"].pk]})
    assert response.status_code == 202
    assert list(AnnotationSet.objects.values_list("document_id", flat=True)) == [docs["b"].pk]


def test_unannotated_documents_only(project, docs, users, client_for):
    claim(docs["a"], users["ana"])  # taken: its annotator is already at work
    response = post(client_for("olga"), project, {"unannotated": True})
    assert response.status_code == 202
    predicted = set(
        AnnotationSet.objects.filter(kind="prediction").values_list("document_id", flat=True)
    )
    assert docs["a"].pk not in predicted and docs["b"].pk in predicted


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"documents": "all"}, "documents", "must be a list of document ids"),
        ({"unannotated": "yes"}, "unannotated", "must be true or false"),
        ({"documents": [1, True]}, "documents", "must be a list of document ids"),
        ({"documents": []}, "documents", "is empty"),
        ({"documents": [999999]}, "documents", "There is no document 999999"),
        ({"suggester": "gpt"}, "suggester", "There is no suggester named 'gpt'"),
        ({"suggester": 3}, "suggester", "must be the name of a suggester"),
    ],
)
def test_bad_requests_are_400_and_start_nothing(project, docs, client_for, body, field, message):
    response = post(client_for("olga"), project, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert message in response.json()["detail"]
    assert not Job.objects.exists()


def test_a_project_without_a_kind_mapping_is_told_what_to_set(project, docs, client_for):
    project.actor_kind_labels = {}
    project.save()
    response = post(client_for("olga"), project, {})
    assert response.status_code == 400
    assert "actor_kind_labels" in response.json()["detail"]


def test_a_failing_http_suggester_fails_the_job_and_stores_nothing(project, docs, client_for):
    with (
        SuggestServer(lambda doc: (500, {"error": "down"}, 0)) as server,
        override_settings(ACCORD_SUGGESTERS={"remote": {"url": server.url, "timeout": 2}}),
    ):
        response = post(client_for("olga"), project, {"suggester": "remote"})
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job"])
    assert job.status == "failed"
    assert "answered 500" in job.error and "Nothing was stored" in job.error
    assert not AnnotationSet.objects.exists()
