"""Where imported annotations land: `annotations` = prediction (the default),
gold, or annotators (each peer author's group as that Accord user's submitted
set, through `user_map` or their username / e-mail), through the import and
preview endpoints, in one transaction, with the counters right."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.annotations.counters import recount
from apps.annotations.models import AnnotationSet, Span, Stance
from apps.documents.models import Document
from apps.projects.models import Membership
from apps.review import gold as review_gold
from apps.review.models import AdjudicationEvent, Decision
from apps.review.queue import queue_documents
from tests.builders import add_member

from .label_studio_files import TEXT, by, region, relation

pytestmark = pytest.mark.django_db


def ls_task(n, *annotations, predictions=None):
    task = {
        "id": n,
        "data": {"text": TEXT, "external_id": f"t{n}"},
        "annotations": list(annotations),
    }
    if predictions is not None:
        task["predictions"] = predictions
    return task


MADURO, PUTIN, MOSCOW = region("a", 0, 6), region("b", 11, 16), region("c", 20, 26, "GPE")


def two_annotators(n=1):
    """Tasks each annotated by Label Studio user 10 and by ana (by e-mail)."""
    return [
        ls_task(
            i,
            by(10, MADURO, PUTIN, relation("a", "b")),
            by({"id": 11, "email": "ana@example.org"}, MADURO),
            predictions=[{"model_version": "m1", "result": [MOSCOW]}],
        )
        for i in range(1, n + 1)
    ]


@pytest.fixture
def ana_email(users):
    users["ana"].email = "ana@example.org"
    users["ana"].save()


def send(client, path, content, name="export.json", fmt="label-studio", **options):
    if not isinstance(content, bytes):
        content = json.dumps(content).encode()
    data = {"file": SimpleUploadedFile(name, content), "format": fmt}
    for key, value in options.items():
        data[key] = json.dumps(value) if isinstance(value, dict) else value
    return client.post(path, data, format="multipart")


@pytest.fixture
def owner(client_for):
    return client_for("olga")


@pytest.fixture
def run(owner, api):
    def call(content, **options):
        return send(owner, api("documents/import/"), content, **options)

    return call


@pytest.fixture
def preview(owner, api):
    def call(content, **options):
        response = send(owner, api("documents/import/preview/"), content, **options)
        assert response.status_code == 200, response.content
        return response.json()

    return call


def sets_of(kind):
    return AnnotationSet.objects.filter(kind=kind).order_by("document__external_id", "author")


def nothing_stored():
    return not Document.objects.exists() and not AnnotationSet.objects.exists()


# --------------------------------------------------------------------------- the default


def test_the_default_keeps_the_first_annotation_as_the_prediction(run, ana_email):
    r = run(two_annotators())
    assert r.status_code == 201, r.content
    assert r.json()["sets"] == {"annotator": 0, "gold": 0, "prediction": 1}
    [prediction] = sets_of("prediction")
    assert prediction.source == "import" and prediction.author is None
    assert prediction.spans.count() == 2 and prediction.stances.count() == 1


def test_a_region_named_like_a_relation_imports(run):
    # Regions "r1", "r2" and a relation, which used to be named r1 too.
    r = run([ls_task(1, by(10, relation("r1", "r2"), region("r1", 0, 6), region("r2", 11, 16)))])
    assert r.status_code == 201, r.content
    assert sets_of("prediction").get().stances.get().sid == "r3"


# --------------------------------------------------------------------------- annotators


def test_annotators_become_submitted_sets_of_the_mapped_users(run, project, users, ana_email):
    r = run(two_annotators(), annotations="annotators", user_map={"10": "ben"})
    assert r.status_code == 201, r.content
    assert r.json()["sets"] == {"annotator": 2, "gold": 0, "prediction": 1}
    document = Document.objects.get(external_id="t1")
    ben, ana = (sets_of("annotator").get(author=users[name]) for name in ("ben", "ana"))
    for aset in (ben, ana):
        assert aset.status == AnnotationSet.Status.SUBMITTED and aset.source == "import"
        assert aset.submitted_at is None  # when the peer's annotator submitted is unknown
    assert sorted(ben.spans.values_list("start", "end", "label__name")) == [
        (0, 6, "PERSON"),
        (11, 16, "PERSON"),
    ]
    assert ben.stances.get().polarity.name == "OPPOSE"
    assert list(ana.spans.values_list("sid", flat=True)) == ["a"]
    # The prediction comes along as the prediction set.
    assert sets_of("prediction").get().spans.get().label.name == "GPE"
    # The counters as claim() and submit_set() keep them: k = 2 submitted.
    assert (document.annotator_count, document.submitted_count) == (2, 2)
    assert document.status_for() == "annotated"
    assert list(queue_documents(project)) == [document]
    assert recount(dry_run=True) == (1, [])


def test_an_imported_annotator_set_is_theirs_in_the_api(run, client_for, api, ana_email):
    assert (
        run(two_annotators(), annotations="annotators", user_map={"10": "ben"}).status_code == 201
    )
    document = Document.objects.get()
    mine = client_for("ana").get(api(f"documents/{document.pk}/annotations/mine/"))
    assert mine.status_code == 200
    body = mine.json()
    assert body["status"] == "submitted" and [s["text"] for s in body["spans"]] == ["Maduro"]
    # Submitted: read-only, and not handed out again.
    assert client_for("ana").post(api("documents/next/")).status_code == 204


def test_doccano_per_user_zip_to_annotators(run, users):
    def line(*entities):
        return json.dumps(
            {
                "id": 7,
                "text": TEXT,
                "entities": [
                    {"id": n, "label": "PERSON", "start_offset": s, "end_offset": e}
                    for n, (s, e) in enumerate(entities, 1)
                ],
                "relations": [],
            }
        )

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ana.jsonl", line((0, 6)))
        archive.writestr("benjamin.jsonl", line((0, 6), (11, 16)))
        archive.writestr("olga.jsonl", line())  # annotated nothing: no set
    r = run(
        buffer.getvalue(),
        name="project.zip",
        fmt="doccano",
        annotations="annotators",
        user_map={"benjamin": "ben"},
    )
    assert r.status_code == 201, r.content
    sets = {s.author.username: s.spans.count() for s in sets_of("annotator")}
    assert sets == {"ana": 1, "ben": 2}
    assert Document.objects.get().external_id == "7"
    assert recount(dry_run=True) == (1, [])


REFUSALS = [
    # (tasks, options, where, field, words)
    (
        [ls_task(1, by(10, MADURO))],
        {},
        "task 1",
        "annotations[0].completed_by",
        "an id only the peer tool knows",
    ),
    (
        [ls_task(1, by("nobody", MADURO))],
        {},
        "task 1",
        "annotations[0].completed_by",
        "matches no member's username or e-mail",
    ),
    (
        [ls_task(1, by(10, MADURO))],
        {"user_map": {"10": "oscar"}},
        "task 1",
        "annotations[0].completed_by",
        "oscar, who is not a member of this project",
    ),
    (
        [ls_task(1, by(10, MADURO))],
        {"user_map": {"10": "ghost"}},
        "task 1",
        "annotations[0].completed_by",
        "no Accord user has that name",
    ),
    (
        [ls_task(1, by("ana", MADURO), by(10, PUTIN))],
        {"user_map": {"10": "ana"}},
        "task 1",
        "annotations[1].completed_by",
        "are both ana here",
    ),
    (
        [ls_task(1, by("ana", MADURO), by("ben", PUTIN), by("rita", MOSCOW))],
        {},
        "task 1",
        "annotations[2].completed_by",
        "the project takes 2 annotators per document",
    ),
    (
        [ls_task(1, by("ana", region("a", 0, 6, "NOPE")))],
        {},
        "task 1",
        "annotations[0].spans[0].label",
        "NOPE",
    ),
]


@pytest.mark.parametrize(("tasks", "options", "where", "field", "words"), REFUSALS)
def test_every_refusal_names_the_record_and_field_and_stores_nothing(
    run, users, tasks, options, where, field, words
):
    r = run(tasks, annotations="annotators", **options)
    assert r.status_code == 400, r.content
    errors = r.json()["errors"]
    assert [(e["where"], e["field"]) for e in errors] == [(where, field)], errors
    assert words in errors[0]["message"] and errors[0]["message"].startswith(f"{where}: ")
    assert nothing_stored()


def test_a_file_that_names_nobody_cannot_go_to_annotators(run):
    lines = "\n".join(
        json.dumps(
            {"id": str(n), "text": TEXT, "spans": [{"start": 0, "end": 6, "label": "PERSON"}]}
        )
        for n in range(3)
    )
    r = run(lines.encode(), name="a.jsonl", fmt="jsonl", annotations="annotators")
    assert r.status_code == 400
    [error] = r.json()["errors"]
    assert (error["where"], error["field"]) == ("input", "annotations")
    assert "does not say who annotated" in error["message"]
    assert nothing_stored()


def test_a_member_removed_between_the_check_and_the_store_stores_nothing(
    run, project, users, monkeypatch
):
    from apps.imports import store

    real = store.check_batch

    def then_ben_leaves(*args, **kwargs):
        checked = real(*args, **kwargs)
        Membership.objects.filter(project=project, user=users["ben"]).delete()
        return checked

    monkeypatch.setattr(store, "check_batch", then_ben_leaves)
    r = run([ls_task(1, by("ben", MADURO))], annotations="annotators")
    assert r.status_code == 409, r.content
    assert "left the project" in r.json()["detail"]
    assert nothing_stored()


# --------------------------------------------------------------------------- gold


def test_gold_is_stored_adjudicated_with_its_provenance(run, project, users, client_for, api):
    r = run([ls_task(1, by("ana", MADURO, PUTIN, relation("a", "b")))], annotations="gold")
    assert r.status_code == 201, r.content
    assert r.json()["sets"] == {"annotator": 0, "gold": 1, "prediction": 0}
    document = Document.objects.get()
    gold = sets_of("gold").get()
    assert (gold.status, gold.author, gold.source) == ("submitted", users["olga"], "import")
    assert document.adjudicated_at is not None
    assert document.status_for() == "adjudicated"
    assert (document.annotator_count, document.submitted_count) == (0, 0)
    decisions = list(Decision.objects.order_by("item_type", "id"))
    assert [(d.action, d.item_type, d.source, d.reviewer_id) for d in decisions] == [
        ("add", "span", "import", users["olga"].pk),
        ("add", "span", "import", users["olga"].pk),
        ("add", "stance", "import", users["olga"].pk),
    ]
    assert decisions[0].rationale == review_gold.IMPORTED
    [event] = AdjudicationEvent.objects.all()
    assert (event.action, event.user, event.reason) == (
        "accept",
        users["olga"],
        review_gold.IMPORTED,
    )
    # The review API shows it as any adjudicated gold set, its history saying where it came from.
    body = client_for("rita").get(api(f"documents/{document.pk}/gold/")).json()
    assert body["adjudicated"] is True
    assert [h["reason"] for h in body["history"]] == [review_gold.IMPORTED]
    assert sorted(s["text"] for s in body["spans"]) == ["Maduro", "Putin"]
    # A gold export has it.
    export = client_for("rita").get(api("export/?format=jsonl"))
    assert b"Maduro" in b"".join(export.streaming_content)
    assert recount(dry_run=True) == (1, [])


def test_an_imported_gold_decision_can_be_reversed_after_reopening(run, users, client_for, api):
    assert run([ls_task(1, by("ana", MADURO))], annotations="gold").status_code == 201
    document = Document.objects.get()
    rita = client_for("rita")
    assert (
        rita.post(api(f"documents/{document.pk}/gold/reopen/"), {"reason": "check"}).status_code
        == 200
    )
    decision = Decision.objects.get()
    r = rita.post(
        api(f"documents/{document.pk}/decisions/{decision.pk}/reverse/"), {"rationale": "wrong"}
    )
    assert r.status_code == 200, r.content
    assert not sets_of("gold").get().spans.exists()


def test_gold_refuses_a_record_with_two_groups(run):
    r = run(
        [ls_task(1, by("ana", MADURO)), ls_task(2, by("ana", MADURO), by("ben", PUTIN))],
        annotations="gold",
    )
    assert r.status_code == 400
    [error] = r.json()["errors"]
    assert (error["where"], error["field"]) == ("task 2", "annotations[1]")
    assert "gold is one set" in error["message"]
    assert nothing_stored()


def test_a_failure_while_recording_gold_stores_nothing(run, monkeypatch):
    def broken(sets, user_id):
        raise RuntimeError("the decisions could not be written")

    monkeypatch.setattr(review_gold, "record_imported", broken)
    with pytest.raises(RuntimeError):
        run([ls_task(1, by("ana", MADURO))], annotations="gold")
    assert nothing_stored()
    assert not Span.objects.exists() and not Stance.objects.exists()


def test_gold_through_the_store_needs_the_importing_user(project):
    from apps.imports.parsers import parse
    from apps.imports.store import import_records

    parsed = parse(json.dumps([ls_task(1, by("ana", MADURO))]).encode(), "x.json", "label-studio")
    report = import_records(project, parsed, destination={"annotations": "gold"})
    [error] = report["errors"]
    assert (error["where"], error["field"]) == ("input", "annotations")
    assert nothing_stored()


# --------------------------------------------------------------------------- the option, access


def test_a_bad_option_is_a_400_naming_the_field(run):
    r = run(two_annotators(), annotations="everywhere")
    assert r.status_code == 400
    assert "annotations" in r.json()["errors"]
    r = run(two_annotators(), annotations="annotators", user_map="{oops")
    assert r.status_code == 400 and "user_map" in r.json()["errors"]
    assert nothing_stored()


def test_a_json_list_takes_the_option_in_the_query_string(owner, api):
    records = [{"id": "a", "text": TEXT, "spans": [{"start": 0, "end": 6, "label": "PERSON"}]}]
    r = owner.post(api("documents/import/?annotations=gold"), records, format="json")
    assert r.status_code == 201, r.content
    assert sets_of("gold").count() == 1


@pytest.mark.parametrize(("who", "code"), [("rita", 403), ("ana", 403), ("oscar", 404)])
def test_only_owners_import_to_any_destination(client_for, api, who, code, ana_email):
    for path in ("documents/import/", "documents/import/preview/"):
        r = send(client_for(who), api(path), two_annotators(), annotations="annotators")
        assert r.status_code == code
    assert nothing_stored()


# The sizes stay within one INSERT batch (SQLite's 999 parameters): more
# records take more batches of the same few statements, never a query each.
def test_queries_do_not_grow_with_records(run, ana_email):
    def queries(n, offset):
        tasks = two_annotators(n)
        for task in tasks:
            task["data"]["external_id"] += f"-{offset}"
        with CaptureQueriesContext(connection) as captured:
            r = run(tasks, annotations="annotators", user_map={"10": "ben"})
        assert r.status_code == 201, r.content
        return len(captured)

    queries(1, "warm")  # the label map is read once, then cached
    small, large = queries(3, "a"), queries(25, "b")
    assert small == large, (small, large)


def test_gold_queries_do_not_grow_with_records(run):
    def queries(n, offset):
        tasks = [ls_task(i, by("ana", MADURO, PUTIN, relation("a", "b"))) for i in range(n)]
        for task in tasks:
            task["data"]["external_id"] += f"-{offset}"
        with CaptureQueriesContext(connection) as captured:
            assert run(tasks, annotations="gold").status_code == 201
        return len(captured)

    queries(1, "warm")  # the label map is read once, then cached
    assert queries(3, "a") == queries(15, "b")


# --------------------------------------------------------------------------- the preview


def test_the_preview_lists_the_peer_authors_and_how_each_maps(preview, ana_email):
    body = preview(two_annotators(2), annotations="annotators")
    assert body["annotations"] == "annotators"
    assert body["authors"] == [
        {
            "peer": "10",
            "name": "Label Studio user 10",
            "kind": "id",
            "documents": 2,
            "user": None,
            "matched_by": None,
            "problem": "is an id only the peer tool knows; map it to a member in user_map",
        },
        {
            "peer": "ana@example.org",
            "name": "ana@example.org",
            "kind": "email",
            "documents": 2,
            "user": "ana",
            "matched_by": "email",
            "problem": None,
        },
    ]
    assert [(e["where"], e["field"]) for e in body["errors"]] == [
        ("task 1", "annotations[0].completed_by")
    ]
    assert "Label Studio names the annotator" in body["authorship"]
    mapped = preview(two_annotators(2), annotations="annotators", user_map={"10": "ben"})
    assert mapped["errors"] == []
    assert (
        mapped["authors"][0]["user"] == "ben" and mapped["authors"][0]["matched_by"] == "user_map"
    )
    assert mapped["sets"] == {"annotator": 4, "gold": 0, "prediction": 2}
    assert mapped["preview"][0]["annotators"] == ["Label Studio user 10", "ana@example.org"]
    assert nothing_stored()


def test_the_preview_shows_authors_whatever_the_destination(preview, ana_email):
    body = preview(two_annotators())
    assert body["annotations"] == "prediction"
    assert [a["peer"] for a in body["authors"]] == ["10", "ana@example.org"]
    assert body["errors"] == [] and body["sets"]["prediction"] == 1


def test_an_added_member_can_then_be_mapped(preview, project):
    add_member(project, "carla")
    body = preview([ls_task(1, by("carla", MADURO))], annotations="annotators")
    assert body["errors"] == [] and body["authors"][0]["user"] == "carla"
