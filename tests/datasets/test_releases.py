"""Releases: built by a job, files in storage matching their SHA-256, an immutable manifest."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.annotations.models import AnnotationSet
from apps.datasets.models import Release
from apps.datasets.releases import build_release, release_warnings
from apps.documents.models import Document
from apps.projects.jobs import JobError, expire_stale
from apps.projects.models import Job
from tests.builders import add_set, release_being_built, reopened, span_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def releases_url(project, path=""):
    return f"/api/v1/projects/{project.pk}/releases/{path}"


def post_release(client, project, **body):
    body = {"name": "v1.0", "seed": 13, "formats": ["jsonl", "conll", "brat"]} | body
    return client.post(releases_url(project), body, format="json")


def downloaded(response):
    assert response.status_code == 200, getattr(response, "content", b"")
    return b"".join(response.streaming_content)


def add_annotators(project, users):
    """Two annotators on each tricky document, for the agreement."""
    for document in Document.objects.filter(project=project):
        gold = AnnotationSet.objects.get(document=document, kind="gold")
        spans = list(gold.spans.order_by("start").values("sid", "start", "end", "label__name"))
        payload = [
            {"id": s["sid"], "start": s["start"], "end": s["end"], "label": s["label__name"]}
            for s in spans
        ]
        # The gold fixture came first; annotation opens again for them.
        with reopened(document, users["rita"]):
            add_set(document, AnnotationSet.Kind.ANNOTATOR, payload, author=users["ana"])
            add_set(document, AnnotationSet.Kind.ANNOTATOR, payload[:1], author=users["ben"])


def test_a_release_builds_files_that_match_their_sha256(gold_project, users, client_for):
    add_annotators(gold_project, users)
    olga = client_for("olga")
    response = post_release(olga, gold_project, licence_text="none; fetch from url")
    assert response.status_code == 202, response.json()
    job = Job.objects.get(pk=response.json()["job"])
    assert job.status == Job.Status.DONE, job.error
    release_id = response.json()["release"]["id"]
    detail = client_for("rita").get(releases_url(gold_project, f"{release_id}/")).json()
    assert detail["status"] == "ready" and detail["created_by"] == "olga"
    manifest = detail["manifest"]
    assert len(manifest["files"]) == 3 * 3
    for entry in manifest["files"]:
        body = downloaded(
            olga.get(
                releases_url(gold_project, f"{release_id}/files/{entry['format']}/"),
                {"split": entry["split"]},
            )
        )
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
        assert len(body) == entry["size"]
    raw = downloaded(olga.get(releases_url(gold_project, f"{release_id}/files/manifest/")))
    assert hashlib.sha256(raw).hexdigest() == detail["manifest_sha256"]
    assert json.loads(raw) == manifest

    assert manifest["text"]["offset_unit"] == "code_point" and manifest["text"]["end_exclusive"]
    assert sum(s["documents"] for s in manifest["splits"].values()) == 3
    assert manifest["labels"]["GPE"] and manifest["licence"]["text"] == "none; fetch from url"
    assert {d["id"] for d in manifest["documents"]} == {"flag", "marks", "rtl"}
    assert all(len(d["annotators"]) == 2 for d in manifest["documents"])
    entities = manifest["agreement"]["entities"]
    assert 0 < entities["value"] < 1 and entities["items"] > 0
    assert entities["interval"]["iterations"] == 200
    assert manifest["gold"]["adjudicated_documents"] == 3
    assert not any("reviewer decisions" in x.lower() for x in manifest["known_limitations"])


def test_splits_are_stable_across_releases_when_documents_are_added(gold_project, client_for):
    olga = client_for("olga")
    first = post_release(olga, gold_project, formats=["jsonl"]).json()["release"]["manifest"]
    for n in range(40):
        document = Document.objects.create(
            project=gold_project, external_id=f"more-{n}", text="Moscow spoke."
        )
        add_set(document, AnnotationSet.Kind.GOLD, [span_of("s1", document.text, "Moscow", "GPE")])
    second = post_release(olga, gold_project, name="v2", formats=["jsonl"]).json()["release"]
    before = {d["id"]: d["split"] for d in first["documents"]}
    after = {d["id"]: d["split"] for d in second["manifest"]["documents"]}
    assert {k: after[k] for k in before} == before
    assert len(after) == 43


def test_a_release_never_changes(gold_project, client_for):
    olga = client_for("olga")
    release_id = post_release(olga, gold_project, formats=["jsonl"]).json()["release"]["id"]
    release = Release.objects.get(pk=release_id)
    before = (release.manifest, list(release.files.values("sha256", "file")))
    job = Job.objects.create(project=gold_project, kind="release", handler="-")
    with pytest.raises(JobError):
        build_release(job, release_id)
    release.refresh_from_db()
    assert (release.manifest, list(release.files.values("sha256", "file"))) == before
    again = post_release(olga, gold_project, formats=["jsonl"])
    assert again.status_code == 400 and "name" in again.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"formats": ["pdf"]}, "formats[0]"),
        ({"formats": ["conll"], "include_text": False}, "formats[0]"),
        ({"ratios": {"train": 0.5}}, "ratios"),
        ({"seed": -1}, "seed"),
        ({"name": ""}, "name"),
        ({"source": "everything"}, "source"),
    ],
)
def test_bad_release_requests_name_the_field(body, field, gold_project, client_for):
    response = post_release(client_for("olga"), gold_project, **body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Release.objects.exists()


def test_a_standoff_release_says_so(gold_project, client_for):
    olga = client_for("olga")
    response = post_release(olga, gold_project, formats=["jsonl", "brat"], include_text=False)
    manifest = response.json()["release"]["manifest"]
    assert manifest["text"]["included"] is False and "SHA-256" in manifest["text"]["standoff"]
    release_id = response.json()["release"]["id"]
    body = downloaded(
        olga.get(releases_url(gold_project, f"{release_id}/files/jsonl/"), {"split": "train"})
    )
    assert b"Caracas" not in body


def test_a_file_needs_a_split_when_there_are_several(gold_project, client_for):
    olga = client_for("olga")
    release_id = post_release(olga, gold_project, formats=["jsonl"]).json()["release"]["id"]
    response = olga.get(releases_url(gold_project, f"{release_id}/files/jsonl/"))
    assert response.status_code == 400 and "train" in response.json()["detail"]
    assert olga.get(releases_url(gold_project, f"{release_id}/files/xmi/")).status_code == 404


def test_release_warnings_name_empty_splits_and_missing_intervals():
    splits = {"train": {"documents": 1}, "dev": {"documents": 0}, "test": {"documents": 0}}
    layers = {
        "entities": {
            "value": 1.0,
            "interval": {"low": None, "reason": "one document cannot be resampled"},
        },
        "stances": {"value": None, "interval": {"low": None, "reason": "no documents"}},
        "tokens": {"value": 0.6, "interval": {"low": 0.5, "reason": None}},
    }
    warnings = release_warnings({"train": 0.8, "dev": 0.1, "test": 0.1}, splits, layers)
    assert warnings == [
        "The dev split is empty: 1 document at a ratio of 0.1 gave it none.",
        "The test split is empty: 1 document at a ratio of 0.1 gave it none.",
        "No agreement interval for entities: one document cannot be resampled.",
    ]
    # A ratio of 0 asks for no split: nothing to warn about.
    assert release_warnings({"train": 1.0, "dev": 0.0}, {"train": {"documents": 3}}, {}) == []


def test_a_release_of_one_document_says_what_it_lacks(gold_project, users, client_for):
    add_annotators(gold_project, users)
    keep = Document.objects.filter(project=gold_project).order_by("pk").first()
    Document.objects.filter(project=gold_project).exclude(pk=keep.pk).delete()
    response = post_release(client_for("olga"), gold_project)
    assert response.status_code == 202, response.json()
    release = Release.objects.get(pk=response.json()["release"]["id"])
    warnings = release.manifest["warnings"]
    assert any("split is empty: 1 document" in w for w in warnings), warnings
    assert any(w.startswith("No agreement interval for entities") for w in warnings), warnings


def test_a_release_whose_build_was_lost_reads_as_failed(gold_project, users, client_for):
    job, release = release_being_built(
        gold_project,
        users["olga"],
        job={"started_at": timezone.now() - timedelta(hours=1), "heartbeat_at": None},
        status=Release.Status.RUNNING,
    )
    expire_stale(Job.objects.filter(pk=job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    got = client_for("olga").get(releases_url(gold_project, f"{release.pk}/")).json()
    assert (got["status"], got["error"]) == ("failed", job.error)
    listed = client_for("rita").get(releases_url(gold_project)).json()
    assert [r["status"] for r in listed] == ["failed"]
    # Reading wrote nothing: the row keeps what the dead build left.
    assert Release.objects.get(pk=release.pk).status == Release.Status.RUNNING


def test_release_agreement_measures_stances_on_concepts():
    from apps.datasets.releases import agreement_for

    def payload(polarity, concept=7):
        moscow = {"id": "s1", "start": 0, "end": 6, "label": "GPE", "actor": None}
        claim = {"id": "t1", "holder": "s1", "target": None, "concept": concept}
        return {"spans": [moscow], "stances": [{**claim, "polarity": polarity, "cue": None}]}

    sets = {1: {"A": payload("SUPPORT"), "B": payload("SUPPORT"), "C": payload("OPPOSE")}}
    layers = agreement_for(sets, seed=1)
    claims, polarity = layers["concept_stances"], layers["concept_stance_polarity"]
    # One matched claim of the three pairs' six: F1 = 2·1/6.
    assert claims["value"] == pytest.approx(1 / 3) and claims["items"] == 6
    assert polarity["items"] == 3
    # Stances on spans are measured apart: none here.
    assert layers["stances"]["items"] == 0
    nothing = {"spans": [], "stances": []}
    one_sided = agreement_for({1: {"A": payload("SUPPORT"), "B": nothing}}, 1)["concept_stances"]
    assert (one_sided["value"], one_sided["items"]) == (0.0, 1)
    none = agreement_for({1: {"A": nothing, "B": nothing}}, 1)["concept_stances"]
    assert none["value"] is None
    assert none["reason"] == "neither annotator took a stance on a concept"


def test_release_agreement_measures_each_category_group():
    from apps.datasets.releases import agreement_for

    def payload(*categories):
        return {"spans": [], "stances": [], "categories": list(categories)}

    groups = {
        "Conflict": ("FRAME", False),
        "Economic": ("FRAME", False),
        "Security": ("TOPIC", True),
        "Diplomacy": ("TOPIC", True),
    }
    sets = {
        1: {"A": payload("Conflict", "Security"), "B": payload("Conflict", "Security")},
        2: {"A": payload("Economic", "Diplomacy"), "B": payload("Conflict", "Diplomacy")},
        3: {"A": payload("Economic"), "B": payload("Economic", "Security")},
    }
    layers = agreement_for(sets, seed=1, groups=groups)
    frame, frame_kappa = layers["categories:FRAME"], layers["categories_kappa:FRAME"]
    topic = layers["categories:TOPIC"]
    assert frame["parameters"] == {"group": "FRAME", "multiple": False, "distance": "nominal"}
    assert topic["parameters"]["distance"] == "masi"
    assert (frame["items"], frame["documents"]) == (3, 3)
    # FRAME: agreement on 2 of 3 documents, by the pure measure itself.
    from apps.review.agreement import category_agreement

    expected = category_agreement(
        {d: {w: p["categories"] for w, p in s.items()} for d, s in sets.items()}, groups
    )
    assert frame["value"] == pytest.approx(expected["FRAME"]["alpha"]["value"])
    assert frame_kappa["value"] == pytest.approx(expected["FRAME"]["kappa"]["value"])
    assert topic["value"] == pytest.approx(expected["TOPIC"]["alpha"]["value"])
    assert frame["interval"]["valid"] > 0
    # The other layers are still there, in their order, the groups after them.
    assert list(layers)[-4:] == [
        "categories:FRAME",
        "categories_kappa:FRAME",
        "categories:TOPIC",
        "categories_kappa:TOPIC",
    ]
    # Nobody chose any category: not computable, with the reason.
    blank = agreement_for({1: {"A": payload(), "B": payload()}}, 1, groups)["categories:FRAME"]
    assert blank["value"] is None and blank["reason"]
    # A project without category groups adds no layer.
    assert not [k for k in agreement_for(sets, 1) if k.startswith("categories")]
