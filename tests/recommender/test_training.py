"""The `train` job: what it reads, scores, stores and suggests, and what a
failed training leaves (the previous version in use)."""

import pytest

from apps.actors.models import Actor, Alias
from apps.annotations.models import AnnotationSet, Span
from apps.annotations.sets import submit_set
from apps.projects.jobs import run_job
from apps.projects.models import Job
from apps.recommender import learner, training
from apps.recommender.models import RecommenderModel, RecommenderSettings
from tests.builders import annotate, span

from .corpus import build

pytestmark = pytest.mark.django_db


def switch_on(project, **fields):
    recommender, _ = RecommenderSettings.objects.get_or_create(project=project)
    for name, value in {"enabled": True, "threshold": 0.3, **fields}.items():
        setattr(recommender, name, value)
    recommender.save()
    return recommender


def train_now(project, user):
    job = training.start_training(project, user)
    job.refresh_from_db()
    return job


def predictions(project, source=None):
    sets = AnnotationSet.objects.filter(
        document__project=project, kind=AnnotationSet.Kind.PREDICTION
    )
    return sets.filter(source=source) if source else sets


def test_a_training_stores_its_version_scores_and_suggestions(project, users):
    switch_on(project)
    gold, rest = build(project, gold=12, open_documents=4)
    job = train_now(project, users["olga"])
    assert job.status == Job.Status.DONE, job.error
    model = RecommenderModel.objects.get(project=project)
    assert model.version == 1 and model.status == RecommenderModel.Status.ACTIVE
    assert model.job_id == job.pk and model.size == len(bytes(model.data)) > 0
    assert model.labels == ["GPE", "ORG", "PERSON"]
    assert sorted(model.training_sets["gold"]) == sorted(
        AnnotationSet.objects.filter(document__in=gold, kind="gold").values_list("pk", flat=True)
    )
    assert model.documents == 12  # k-fold: the stored model saw every gold document
    assert model.spans_per_label == {"GPE": 12, "ORG": 12, "PERSON": 12}
    assert model.scores["method"] == "k-fold" and model.scores["held_out"] == 12
    assert set(model.scores["labels"]) == {"GPE", "ORG", "PERSON"}
    assert model.scores["labels"]["GPE"]["support"] == 12
    assert model.micro_f1 == model.scores["micro"]["f1"]
    # Suggestions on the documents not adjudicated only, named by version.
    sets = predictions(project)
    assert set(sets.values_list("source", flat=True)) == {"recommender-v1"}
    assert set(sets.values_list("document_id", flat=True)) <= {d.pk for d in rest}
    assert sets.exists()
    assert job.result["version"] == 1 and job.result["suggestions"]["created"] == sets.count()
    assert list(learner.Model.from_bytes(bytes(model.data)).labels) == model.labels
    # Each suggestion with the model's confidence, each document with its uncertainty.
    scores = list(Span.objects.filter(set__in=sets).values_list("score", flat=True))
    assert scores and all(0 < score <= 1 for score in scores)
    for document in rest:
        document.refresh_from_db()
        assert 0 <= document.uncertainty <= 1
    for document in gold:
        document.refresh_from_db()
        assert document.uncertainty is None


def test_below_the_threshold_nothing_is_suggested(project, users):
    switch_on(project, threshold=1.0)
    build(project, gold=6, open_documents=2)
    job = train_now(project, users["olga"])
    assert job.status == Job.Status.DONE, job.error
    model = RecommenderModel.objects.get(project=project)
    if model.micro_f1 == 1.0:
        pytest.skip("the model is perfect on this corpus")
    assert model.status == RecommenderModel.Status.BELOW_THRESHOLD
    assert "under the threshold" in model.error
    assert not predictions(project).exists()


def test_switched_off_it_trains_and_scores_but_suggests_nothing(project, users):
    build(project, gold=6, open_documents=2)
    job = train_now(project, users["olga"])
    assert job.status == Job.Status.DONE, job.error
    model = RecommenderModel.objects.get(project=project)
    assert model.status == RecommenderModel.Status.BELOW_THRESHOLD
    assert "switched off" in model.error
    assert not predictions(project).exists()


def test_the_next_version_replaces_the_sets_and_measures_the_acceptance(project, users):
    switch_on(project)
    _, rest = build(project, gold=10, open_documents=3)
    assert train_now(project, users["olga"]).status == Job.Status.DONE
    document = rest[0]
    suggested = list(
        Span.objects.filter(set__document=document, set__kind="prediction")
        .order_by("start")
        .values_list("start", "end", "label__name")
    )
    assert len(suggested) >= 2
    (s1, e1, l1), (s2, e2, l2) = suggested[:2]
    # ana takes the first suggestion and rejects the second.
    aset = annotate(document, users["ana"], [span("a", s1, e1, l1)], submit=False)
    AnnotationSet.objects.filter(pk=aset.pk).update(
        rejected_predictions=[{"source": "recommender-v1", "start": s2, "end": e2, "label": l2}]
    )
    submit_set(aset)
    job = train_now(project, users["olga"])
    assert job.status == Job.Status.DONE, job.error
    first, second = RecommenderModel.objects.filter(project=project).order_by("version")
    assert first.status == RecommenderModel.Status.RETIRED
    assert second.status == RecommenderModel.Status.ACTIVE
    acceptance = second.previous_acceptance
    assert acceptance["version"] == 1 and acceptance["source"] == "recommender-v1"
    assert acceptance["accepted"] == 1 and acceptance["rejected"] == 1
    assert acceptance["left"] == len(suggested) - 2
    assert acceptance["acceptance"] == 0.5
    assert set(predictions(project).values_list("source", flat=True)) == {"recommender-v2"}


def test_a_failed_training_leaves_the_previous_model_in_use(project, users, monkeypatch):
    switch_on(project)
    build(project, gold=8, open_documents=2)
    assert train_now(project, users["olga"]).status == Job.Status.DONE
    before = set(predictions(project).values_list("pk", "version", "source"))

    def broken(*args, **kwargs):
        raise learner.LearnerError("the data has no span of any label")

    monkeypatch.setattr(learner, "train", broken)
    job = train_now(project, users["olga"])
    assert job.status == Job.Status.FAILED
    assert "Training failed: the data has no span of any label" in job.error
    assert list(RecommenderModel.objects.values_list("version", "status")) == [(1, "active")]
    assert set(predictions(project).values_list("pk", "version", "source")) == before


def test_a_crash_while_storing_stores_nothing(project, users, monkeypatch):
    switch_on(project)
    build(project, gold=8, open_documents=2)
    assert train_now(project, users["olga"]).status == Job.Status.DONE
    before = set(predictions(project).values_list("pk", "version", "source"))

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(training, "_remove_older_sets", crash)
    job = train_now(project, users["olga"])
    assert job.status == Job.Status.FAILED
    assert list(RecommenderModel.objects.values_list("version", "status")) == [(1, "active")]
    assert set(predictions(project).values_list("pk", "version", "source")) == before


def test_too_few_adjudicated_documents(project, users):
    switch_on(project)
    build(project, gold=2, open_documents=1)
    job = train_now(project, users["olga"])
    assert job.status == Job.Status.FAILED
    assert "this project has 2, it needs at least 5" in job.error
    assert not RecommenderModel.objects.exists()


def test_one_training_at_a_time(project, users):
    running = Job.objects.create(
        project=project, kind="train", handler=training.HANDLER, status=Job.Status.RUNNING
    )
    with pytest.raises(training.TrainingRunning, match=f"Training job {running.pk} "):
        training.start_training(project, users["olga"])
    assert Job.objects.filter(kind="train").count() == 1


def test_chosen_labels_and_submitted_sets(project, users):
    recommender = switch_on(project, include_submitted=True)
    recommender.labels.set(project.labels.filter(name__in=["GPE", "PERSON"]))
    _, rest = build(project, gold=6, open_documents=1)
    text = rest[0].text
    annotate(rest[0], users["ana"], [span("a", 0, len(text.split()[0]), "PERSON")])
    job = train_now(project, users["olga"])
    assert job.status == Job.Status.DONE, job.error
    model = RecommenderModel.objects.get()
    assert model.labels == ["GPE", "PERSON"]
    assert "ORG" not in model.spans_per_label
    assert len(model.training_sets["submitted"]) == 1
    assert model.documents == 6


def test_suggested_spans_get_the_actor_of_past_links_or_aliases(project, users):
    switch_on(project)
    maduro = Actor.objects.create(project=project, name="Nicolás Maduro", kind=Actor.Kind.PERSON)
    Alias.objects.create(actor=maduro, text="Maduro")
    build(project, gold=8, open_documents=8)
    assert train_now(project, users["olga"]).status == Job.Status.DONE
    linked = Span.objects.filter(set__kind="prediction", actor=maduro)
    assert linked.exists()
    for row in linked.select_related("set__document"):
        assert row.set.document.text[row.start : row.end] == "Maduro"


def test_retrains_after_n_adjudicated_documents(project, users, django_capture_on_commit_callbacks):
    switch_on(project, retrain_after=3)
    build(project, gold=6, open_documents=0)
    assert train_now(project, users["olga"]).status == Job.Status.DONE
    with django_capture_on_commit_callbacks(execute=True):
        build(project, gold=2, open_documents=0, offset=100)
    assert RecommenderModel.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        build(project, gold=1, open_documents=0, offset=200)
    assert RecommenderModel.objects.count() == 2
    job = Job.objects.filter(kind="train").order_by("-pk").first()
    assert job.params == {"reason": "3 documents adjudicated"}
    assert job.created_by is None


def test_no_retraining_when_off_or_on_demand_only(
    project, users, django_capture_on_commit_callbacks
):
    switch_on(project, retrain_after=0)
    with django_capture_on_commit_callbacks(execute=True):
        build(project, gold=6, open_documents=0)
    assert not Job.objects.filter(kind="train").exists()


def test_a_retried_training_does_not_run_beside_another(project, users):
    switch_on(project)
    build(project, gold=6, open_documents=0)
    running = Job.objects.create(
        project=project, kind="train", handler=training.HANDLER, status=Job.Status.RUNNING
    )
    job = Job.objects.create(
        project=project, kind="train", handler=training.HANDLER, status=Job.Status.PENDING
    )
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert f"Training job {running.pk} of this project is running" in job.error
    assert not RecommenderModel.objects.exists()
