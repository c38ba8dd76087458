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


# --------------------------------------------------------------------------- a filter


def count(client, project, body):
    return client.post(f"/api/v1/projects/{project.pk}/preannotate/count/", body, format="json")


def predicted(source="aliases"):
    return set(
        AnnotationSet.objects.filter(kind="prediction", source=source).values_list(
            "document_id", flat=True
        )
    )


@pytest.fixture
def outlets(docs):
    """a and b from Reuters (a in January, b in February), c from TASS."""
    rows = {"a": ("Reuters", "2026-01-10"), "b": ("Reuters", "2026-02-03"), "c": ("TASS", None)}
    for key, (outlet, published) in rows.items():
        docs[key].outlet, docs[key].published = outlet, published
        docs[key].save()
    return docs


def test_a_filter_selects_what_the_documents_list_shows(project, outlets, client_for):
    olga = client_for("olga")
    query = {"q": "Caracas", "outlet": "Reuters", "published_after": "2026-02-01"}
    listed = olga.get(f"/api/v1/projects/{project.pk}/documents/", query).json()["results"]
    assert [d["external_id"] for d in listed] == ["b"]
    assert count(olga, project, {"filter": query}).json() == {"documents": 1}
    response = post(olga, project, {"filter": query})
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job"])
    assert job.params["document_filter"] == query  # applied when the job runs
    assert (job.status, job.result["documents"], job.result["created"]) == ("done", 1, 1)
    assert predicted() == {outlets["b"].pk}


def test_filter_and_unannotated_combine(project, outlets, users, client_for):
    claim(outlets["a"], users["ana"])  # a is taken; b is not
    olga = client_for("olga")
    body = {"filter": {"outlet": "Reuters"}}
    assert count(olga, project, body).json() == {"documents": 2}
    body["unannotated"] = True
    assert count(olga, project, body).json() == {"documents": 1}
    job = Job.objects.get(pk=post(olga, project, body).json()["job"])
    assert job.result["documents"] == 1 and job.result["created"] == 1
    assert predicted() == {outlets["b"].pk}
    # The status filter is the documents list's too: a is in progress.
    assert count(olga, project, {"filter": {"status": "in_progress"}}).json() == {"documents": 1}
    assert count(olga, project, {"filter": {"status": "new"}, "unannotated": True}).json() == {
        "documents": 2
    }


def test_filter_annotator_and_named_documents_combine(project, outlets, users, client_for):
    claim(outlets["a"], users["ana"])
    claim(outlets["b"], users["ben"])
    olga = client_for("olga")
    body = {"filter": {"assigned_to": "ana"}}
    assert count(olga, project, body).json() == {"documents": 1}
    named = {**body, "documents": [outlets["b"].pk, outlets["c"].pk]}
    assert count(olga, project, named).json() == {"documents": 0}
    job = Job.objects.get(pk=post(olga, project, named).json()["job"])
    assert job.result["documents"] == 0 and not predicted()
    job = Job.objects.get(pk=post(olga, project, body).json()["job"])
    assert job.result["documents"] == 1 and predicted() == {outlets["a"].pk}


def test_an_empty_filter_is_every_document(project, outlets, client_for):
    olga = client_for("olga")
    assert count(olga, project, {"filter": {}}).json() == {"documents": 3}
    assert count(olga, project, {"filter": {"q": "", "status": None}}).json() == {"documents": 3}
    assert count(olga, project, {}).json() == {"documents": 3}


def test_the_job_applies_the_filter_when_it_runs(project, outlets, users):
    """A queued job reads what matches when a worker runs it, not when it was asked."""
    from apps.mentions.preannotate import run

    job = Job.objects.create(project=project, kind="preannotate", handler="x")
    claim(outlets["b"], users["ana"])
    result = run(job, document_filter={"outlet": "Reuters"}, unannotated=True)
    assert result["documents"] == 1 and predicted() == {outlets["a"].pk}


@pytest.mark.parametrize(
    ("selection", "field", "message"),
    [
        ({"filter": {"status": "done"}}, "filter.status", "Select a valid choice"),
        ({"filter": {"published_after": "31/01/2026"}}, "filter.published_after", "valid date"),
        ({"filter": {"stauts": "new"}}, "filter.stauts", "is not a filter of the documents list"),
        ({"filter": {"outlet": 3}}, "filter.outlet", "must be text"),
        ({"filter": ["q", "Caracas"]}, "filter", "must be an object of filters"),
        ({"filter": "Caracas"}, "filter", "must be an object of filters"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it_and_starts_nothing(
    project, docs, client_for, selection, field, message
):
    olga = client_for("olga")
    for response in (post(olga, project, selection), count(olga, project, selection)):
        assert response.status_code == 400
        body = response.json()
        assert list(body["errors"]) == [field]
        assert body["detail"].startswith(f"{field}: ") and message in body["detail"]
    assert not Job.objects.exists()
    assert not AnnotationSet.objects.exists()


def test_the_documents_list_refuses_the_same_values(project, docs, client_for):
    olga = client_for("olga")
    response = olga.get(f"/api/v1/projects/{project.pk}/documents/", {"status": "done"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.json()["errors"]["status"][0]


def test_count_refuses_what_the_run_refuses(project, docs, client_for):
    olga = client_for("olga")
    for body, field in (
        ({"documents": []}, "documents"),
        ({"documents": [999999]}, "documents"),
        ({"unannotated": "yes"}, "unannotated"),
    ):
        response = count(olga, project, body)
        assert response.status_code == 400 and field in response.json()["errors"]
    # It needs no suggester: a project without a kind mapping still counts.
    project.actor_kind_labels = {}
    project.save()
    assert count(olga, project, {"documents": [docs["a"].pk]}).json() == {"documents": 1}


def test_count_takes_a_constant_number_of_queries(
    project, docs, client_for, django_assert_max_num_queries
):
    olga = client_for("olga")
    body = {"filter": {"q": "Caracas", "status": "new", "assigned_to": "ana"}, "unannotated": True}
    # The membership with its project, then the count.
    with django_assert_max_num_queries(2):
        assert count(olga, project, body).status_code == 200
