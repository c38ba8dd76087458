"""Pre-annotation: suggestions land as validated prediction sets, all or nothing."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from apps.annotations.models import AnnotationSet, Span
from apps.mentions.preannotate import PreannotateError, preannotate
from apps.projects.models import Job
from tests.actors.helpers import SuggestServer, make_documents, make_registry

pytestmark = pytest.mark.django_db


def predictions(document, source="aliases"):
    """[(covered text, label, actor name)] of the document's prediction set."""
    aset = AnnotationSet.objects.get(document=document, kind="prediction", source=source)
    return [
        (document.text[s.start : s.end], s.label.name, s.actor.name if s.actor else None)
        for s in aset.spans.order_by("start").select_related("label", "actor")
    ]


@pytest.fixture
def world(project):
    return make_registry(project), make_documents(project)


def test_alias_predictions_have_actor_links_and_mapped_labels(project, world):
    _, docs = world
    report = preannotate(project)
    assert report == {
        "suggester": "aliases",
        "documents": 3,
        "created": 2,
        "replaced": 0,
        "deleted": 0,
        "spans": 6,
        "per_label": {"GPE": 4, "ORG": 1, "PERSON": 1},
        "capped": 0,
        "max_spans": 500,
    }
    assert predictions(docs["a"]) == [
        ("Russian Foreign Ministry", "ORG", "Russian Foreign Ministry"),
        ("Moscow", "GPE", "Russia"),
        ("Caracas", "GPE", "Venezuela"),
    ]
    # "Iranian" is not "Iran"; "media" is an alias of an unmapped kind (group).
    assert predictions(docs["b"]) == [
        ("Iran", "GPE", "Iran"),
        ("Delcy Rodríguez", "PERSON", "Delcy Rodríguez"),
        ("Caracas", "GPE", "Venezuela"),
    ]
    aset = AnnotationSet.objects.get(document=docs["a"])
    assert (aset.kind, aset.source, aset.status, aset.author) == (
        "prediction",
        "aliases",
        "submitted",
        None,
    )
    # Nothing suggested, no set.
    assert not AnnotationSet.objects.filter(document=docs["c"]).exists()


def test_a_rerun_replaces_the_sets_of_its_source_only(project, world, users):
    _, docs = world
    preannotate(project)
    first = AnnotationSet.objects.get(document=docs["a"], source="aliases")
    imported = AnnotationSet.objects.create(
        document=docs["a"], kind="prediction", source="import", status="submitted"
    )
    project.actor_kind_labels = {"state": "GPE"}
    project.save()

    report = preannotate(project)

    assert report["replaced"] == 2 and report["created"] == 0
    again = AnnotationSet.objects.get(document=docs["a"], source="aliases")
    assert again.pk == first.pk and again.version == first.version + 1
    assert predictions(docs["a"]) == [("Moscow", "GPE", "Russia"), ("Caracas", "GPE", "Venezuela")]
    assert AnnotationSet.objects.filter(pk=imported.pk).exists()
    assert AnnotationSet.objects.filter(kind="prediction", source="aliases").count() == 2


def test_a_rerun_that_finds_nothing_removes_the_old_set(project, world):
    preannotate(project)
    project.actor_kind_labels = {"igo": "ORG"}
    project.save()
    report = preannotate(project)
    assert report["deleted"] == 2
    assert not AnnotationSet.objects.filter(source="aliases").exists()


def test_only_the_given_documents(project, world):
    _, docs = world
    report = preannotate(project, document_ids=[docs["b"].pk])
    assert report["documents"] == 1
    assert list(AnnotationSet.objects.values_list("document_id", flat=True)) == [docs["b"].pk]


def test_unknown_documents_unmapped_labels_and_missing_mapping_are_refused(project, world, users):
    _, docs = world
    with pytest.raises(PreannotateError, match="There is no document 999999"):
        preannotate(project, document_ids=[docs["a"].pk, 999999])
    project.actor_kind_labels = {"state": "COUNTRY"}
    project.save()
    with pytest.raises(PreannotateError, match="'state' to 'COUNTRY', which is not an entity"):
        preannotate(project)
    project.actor_kind_labels = {}
    project.save()
    with pytest.raises(PreannotateError, match="maps no actor kind to a label"):
        preannotate(project)
    assert not AnnotationSet.objects.exists()


def bad_label_suggester(document, registry):
    return [{"start": 0, "end": 3, "label": "PERSON"}, {"start": 0, "end": 3, "label": "STANCY"}]


def half_failing_suggester(document, registry):
    if document["external_id"] == "c":
        raise RuntimeError("model crashed")
    return [{"start": 0, "end": 3, "label": "ORG", "actor": None}]


@override_settings(
    ACCORD_SUGGESTERS={
        "bad": "tests.mentions.test_preannotate.bad_label_suggester",
        "half": "tests.mentions.test_preannotate.half_failing_suggester",
    }
)
def test_invalid_or_failing_suggestions_store_nothing(project, world):
    with pytest.raises(PreannotateError, match=r"spans\[1\]\.label: unknown label STANCY"):
        preannotate(project, "bad")
    with pytest.raises(PreannotateError, match=r"RuntimeError: model crashed.*Nothing was stored"):
        preannotate(project, "half")
    assert not AnnotationSet.objects.exists()


def test_http_suggester_predictions_are_stored_under_its_name(project, world):
    actors, docs = world
    russia = actors["Russia"].pk

    def behaviour(document):
        end = document["text"].index(" ")
        return 200, {"spans": [{"start": 0, "end": end, "label": "ORG", "actor": russia}]}, 0

    with (
        SuggestServer(behaviour) as server,
        override_settings(ACCORD_SUGGESTERS={"remote": {"url": server.url, "timeout": 5}}),
    ):
        report = preannotate(project, "remote")
    assert report["created"] == 3
    assert predictions(docs["b"], "remote") == [("Iranian", "ORG", "Russia")]
    assert {doc["external_id"] for doc, _ in server.received} == {"a", "b", "c"}


@pytest.mark.parametrize(
    ("failure", "message"),
    [((500, {"error": "boom"}, 0), "answered 500"), ((200, {"spans": []}, 1.5), "within 0.3 s")],
    ids=["500", "slow"],
)
def test_a_failing_or_slow_http_suggester_stores_nothing(project, world, failure, message):
    preannotate(project)  # an earlier run whose sets must survive untouched
    before = list(Span.objects.order_by("pk").values())
    ok = (200, {"spans": [{"start": 0, "end": 3, "label": "ORG"}]}, 0)

    def behaviour(document):
        # The last document fails, after the others were answered.
        return failure if document["external_id"] == "c" else ok

    with SuggestServer(behaviour) as server:
        config = {"aliases-v2": {"url": server.url, "timeout": 0.3}}
        with (
            override_settings(ACCORD_SUGGESTERS=config),
            pytest.raises(PreannotateError, match=message),
        ):
            preannotate(project, "aliases-v2")
    assert not AnnotationSet.objects.filter(source="aliases-v2").exists()
    assert list(Span.objects.order_by("pk").values()) == before


def test_the_job_reports_progress_and_failure(project, world, users):
    from apps.projects.jobs import start_job

    job = start_job(
        project,
        "preannotate",
        "apps.mentions.preannotate.run",
        {"documents": None},
        users["olga"],
    )
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.progress == 1.0
    assert job.result["spans"] == 6
    failed = start_job(
        project, "preannotate", "apps.mentions.preannotate.run", {"suggester": "nope"}
    )
    failed.refresh_from_db()
    assert failed.status == Job.Status.FAILED
    assert "no suggester named 'nope'" in failed.error


def test_progress_is_reported_per_batch(project, world, monkeypatch):
    from apps.mentions import preannotate as module

    monkeypatch.setattr(module, "BATCH", 2)
    calls = []
    preannotate(project, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 6), (3, 6), (5, 6), (6, 6)]


def test_a_slow_suggester_reports_within_a_batch_so_the_heartbeat_never_lapses(
    project, world, monkeypatch
):
    from apps.mentions import preannotate as module

    monkeypatch.setattr(module, "HEARTBEAT_SECONDS", 0)  # every document is "slow"
    calls = []
    preannotate(project, progress=lambda done, total: calls.append((done, total)))
    # One report per document while suggesting (3 of 3, in one batch), then the writes.
    assert calls[:3] == [(1, 6), (2, 6), (3, 6)]


def test_management_command(project, world):
    _, docs = world
    out = io.StringIO()
    call_command("preannotate", str(project.pk), stdout=out)
    assert "aliases: 3 document(s), 6 span(s); prediction sets created 2" in out.getvalue()
    assert "Pre-annotating 6/6 (100%)" in out.getvalue()
    call_command("preannotate", project.name, "--documents", str(docs["a"].pk), stdout=out)
    assert "replaced 1" in out.getvalue()
    with pytest.raises(CommandError, match="no suggester named 'x'"):
        call_command("preannotate", str(project.pk), "--suggester", "x", stdout=out)


def test_management_command_with_a_filter(project, world, users):
    from apps.annotations.assignment import claim

    _, docs = world
    claim(docs["b"], users["ana"])
    out = io.StringIO()
    args = ["preannotate", str(project.pk), "--filter", "q=Caracas", "--unannotated"]
    call_command(*args, stdout=out)
    assert "aliases: 1 document(s)" in out.getvalue()
    assert predicted_documents() == {docs["a"].pk}
    with pytest.raises(CommandError, match=r"^filter\.status: Select a valid choice"):
        call_command("preannotate", str(project.pk), "--filter", "status=done", stdout=out)
    with pytest.raises(CommandError, match="write NAME=VALUE"):
        call_command("preannotate", str(project.pk), "--filter", "new", stdout=out)


def predicted_documents():
    return set(
        AnnotationSet.objects.filter(kind="prediction").values_list("document_id", flat=True)
    )


def test_a_filter_reads_only_the_documents_it_matches(project, world):
    _, docs = world
    report = preannotate(project, document_filter={"q": "caracas"})
    assert (report["documents"], report["created"]) == (2, 2)  # a and b name Caracas
    assert predicted_documents() == {docs["a"].pk, docs["b"].pk}
    # Run again over c only: a and b keep their sets, c has nothing to suggest.
    again = preannotate(project, document_filter={"q": "Nothing"})
    assert (again["documents"], again["created"], again["replaced"]) == (1, 0, 0)
    assert predicted_documents() == {docs["a"].pk, docs["b"].pk}
    with pytest.raises(PreannotateError, match="is not a filter") as refused:
        preannotate(project, document_filter={"assigned": "ana"})
    assert refused.value.field == "filter.assigned"


@pytest.mark.parametrize("cap", [0, -1, "500", True])
def test_a_cap_out_of_range_refuses_to_run_and_keeps_the_predictions(project, world, cap):
    """A cap of 0 would store no suggestion, so every earlier prediction set would go."""
    preannotate(project)
    before = sorted(Span.objects.values_list("set_id", "start", "end"))
    with (
        override_settings(ACCORD_PREANNOTATE_MAX_SPANS=cap),
        pytest.raises(PreannotateError, match="ACCORD_PREANNOTATE_MAX_SPANS must be a whole"),
    ):
        preannotate(project)
    assert sorted(Span.objects.values_list("set_id", "start", "end")) == before


def flood_suggester(document, registry):
    """Every word start, as a pathological alias would."""
    text = document["text"]
    starts = [i for i, ch in enumerate(text) if ch.isalpha() and (i == 0 or text[i - 1] == " ")]
    return [{"start": i, "end": i + 1, "label": "GPE", "actor": None} for i in reversed(starts)]


@override_settings(
    ACCORD_SUGGESTERS={"flood": "tests.mentions.test_preannotate.flood_suggester"},
    ACCORD_PREANNOTATE_MAX_SPANS=3,
)
def test_suggestions_are_capped_per_document_in_text_order(project, world):
    _, docs = world
    report = preannotate(project, "flood")
    assert report["capped"] == 3 and report["max_spans"] == 3
    assert report["spans"] == 9 and report["per_label"] == {"GPE": 9}
    aset = AnnotationSet.objects.get(document=docs["a"], source="flood")
    text = docs["a"].text
    words = [i for i, ch in enumerate(text) if ch.isalpha() and (i == 0 or text[i - 1] == " ")]
    assert sorted(aset.spans.values_list("start", flat=True)) == words[:3]


def test_unannotated_leaves_out_taken_and_adjudicated_documents(project, world, users):
    from django.utils import timezone

    from apps.annotations.assignment import claim
    from apps.documents.models import Document

    _, docs = world
    claim(docs["a"], users["ana"])
    Document.objects.filter(pk=docs["b"].pk).update(adjudicated_at=timezone.now())
    report = preannotate(project, unannotated=True)
    assert report["documents"] == 1  # only c
    given = preannotate(project, document_ids=[docs["a"].pk, docs["c"].pk], unannotated=True)
    assert given["documents"] == 1  # a is taken, even when named
