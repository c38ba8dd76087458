"""The export endpoint and round trips through the importers."""

import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from apps.annotations.models import AnnotationSet
from apps.datasets.export import Exporter, ExportOptions, pseudonym
from apps.datasets.formats import FORMATS
from apps.documents.models import Document
from tests.builders import add_set, annotate, make_project, span_of, tricky_payloads

pytestmark = pytest.mark.django_db


def content(response):
    assert response.status_code == 200, getattr(response, "content", b"")
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def export(client, project, **params):
    return client.get(f"/api/v1/projects/{project.pk}/export/", params)


def import_file(client, project, data, fmt, name):
    upload = io.BytesIO(data)
    upload.name = name
    response = client.post(
        f"/api/v1/projects/{project.pk}/documents/import/",
        {"file": upload, "format": fmt},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def without(lines, *keys):
    out = []
    for line in lines.splitlines():
        item = json.loads(line)
        for key in keys:
            item.pop(key, None)
        out.append(item)
    return out


def spans_of(project, kind):
    rows = (
        AnnotationSet.objects.filter(document__project=project, kind=kind)
        .order_by("document__external_id")
        .values_list("document__external_id", "spans__start", "spans__end", "spans__label__name")
    )
    return sorted(rows)


def stances_of(project, kind):
    rows = AnnotationSet.objects.filter(document__project=project, kind=kind).values_list(
        "document__external_id",
        "stances__holder__start",
        "stances__target__start",
        "stances__polarity__name",
    )
    return sorted(rows)


def test_jsonl_round_trip_through_the_importer(gold_project, users, client_for):
    olga = client_for("olga")
    first = content(export(olga, gold_project, format="jsonl"))
    other = make_project(users)
    assert import_file(olga, other, first, "jsonl", "gold.jsonl")["created"] == 3
    again = content(export(olga, other, format="jsonl", source="prediction"))
    # Byte for byte but for provenance (who annotated, which the new project cannot know).
    assert without(again.decode(), "provenance") == without(first.decode(), "provenance")
    assert spans_of(other, "prediction") == spans_of(gold_project, "gold")
    assert stances_of(other, "prediction") == stances_of(gold_project, "gold")


@pytest.mark.parametrize(("fmt", "name"), [("doccano", "d.jsonl"), ("label-studio", "ls.json")])
def test_doccano_and_label_studio_round_trip(fmt, name, gold_project, users, client_for):
    olga = client_for("olga")
    first = content(export(olga, gold_project, format=fmt))
    other = make_project(users)
    assert import_file(olga, other, first, fmt, name)["created"] == 3
    again = content(export(olga, other, format=fmt, source="prediction"))
    if fmt == "label-studio":
        # The gold layer is an annotation there; a prediction set is one of
        # the task's predictions here, model_version its source.
        tasks = json.loads(again)
        for task in tasks:
            (prediction,) = task.pop("predictions")
            assert prediction["model_version"] == "import" and task["annotations"] == []
            task["annotations"] = [{"completed_by": "gold", "result": prediction["result"]}]
        assert tasks == json.loads(first)
    else:
        assert again == first
    assert spans_of(other, "prediction") == spans_of(gold_project, "gold")
    assert stances_of(other, "prediction") == stances_of(gold_project, "gold")
    texts = dict(Document.objects.filter(project=other).values_list("external_id", "text"))
    assert texts == {external_id: text for external_id, text, _, _ in tricky_payloads()}


def test_doccano_reader_refuses_an_offset_inside_an_emoji(project, client_for):
    line = json.dumps(
        {
            "text": "🇻🇪 x",
            "entities": [{"id": 1, "label": "GPE", "start_offset": 1, "end_offset": 4}],
        }
    )
    upload = io.BytesIO(line.encode())
    upload.name = "d.jsonl"
    response = client_for("olga").post(
        f"/api/v1/projects/{project.pk}/documents/import/",
        {"file": upload, "format": "doccano"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "inside an emoji" in json.dumps(response.json(), ensure_ascii=False)
    assert not Document.objects.filter(project=project).exists()


def test_standoff_export_has_no_text(gold_project, client_for):
    body = content(export(client_for("rita"), gold_project, format="jsonl", include_text="false"))
    assert b"Caracas" not in body
    item = json.loads(body.splitlines()[0])
    assert item["url"].startswith("https://") and len(item["text_sha256"]) == 64


def test_standoff_refused_for_a_format_that_needs_the_text(gold_project, client_for):
    response = export(client_for("olga"), gold_project, format="conll", include_text="false")
    assert response.status_code == 400
    assert "conll" in response.json()["detail"] and "errors" in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({"source": "mine"}, "source"),
        ({"split": "holdout"}, "split"),
        ({"published_from": "May"}, "published_from"),
        ({"include_text": "maybe"}, "include_text"),
        ({"ratios": "train:2"}, "ratios"),
    ],
)
def test_bad_parameters_name_the_field(params, field, gold_project, client_for):
    response = export(client_for("olga"), gold_project, **params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_filters_split_label_and_published(gold_project, client_for):
    olga = client_for("olga")

    def ids(**params):
        body = content(export(olga, gold_project, format="jsonl", **params))
        return sorted(json.loads(line)["id"] for line in body.splitlines())

    everything = ids()
    by_split = {s: ids(split=s) for s in ("train", "dev", "test")}
    assert sorted(i for part in by_split.values() for i in part) == everything
    assert ids(label="ORG") == ["marks"]
    body = content(export(olga, gold_project, format="jsonl", label="ORG"))
    assert [s["label"] for s in json.loads(body)["spans"]] == ["ORG"]
    assert ids(label="OPPOSE") == ["flag"]
    dates = dict(Document.objects.values_list("external_id", "published"))
    cut = sorted(dates.values())[1]
    assert ids(published_from=cut.isoformat()) == sorted(k for k, v in dates.items() if v >= cut)
    assert ids(published_to=cut.isoformat()) == sorted(k for k, v in dates.items() if v <= cut)


def test_source_all_names_annotators_by_pseudonym_unless_the_owner_asks(project, users, client_for):
    document = Document.objects.create(project=project, external_id="d", text="Moscow and Caracas.")
    for name, piece in (("ana", "Moscow"), ("ben", "Caracas")):
        add_set(
            document,
            AnnotationSet.Kind.ANNOTATOR,
            [span_of("s1", document.text, piece, "GPE")],
            author=users[name],
        )
    body = content(export(client_for("rita"), project, format="jsonl", source="all"))
    layers = json.loads(body)["annotations"]
    assert [x["annotator"] for x in layers] == [
        pseudonym(project.pk, users["ana"].pk),
        pseudonym(project.pk, users["ben"].pk),
    ]
    assert b"ana" not in body
    assert export(client_for("rita"), project, source="all", annotators="names").status_code == 403
    body = content(export(client_for("olga"), project, source="all", annotators="names"))
    assert [x["annotator"] for x in json.loads(body)["annotations"]] == ["ana", "ben"]


def test_every_format_streams_over_the_api(gold_project, client_for):
    for fmt in (name for name, f in FORMATS.items() if f.available()):
        response = export(client_for("olga"), gold_project, format=fmt)
        assert content(response), fmt
        assert response["Content-Disposition"].startswith("attachment;")


# --------------------------------------------------------------------------- queries


def make_documents(project, n, start=0):
    Document.objects.bulk_create(
        Document(project=project, external_id=f"n{i}", text="Moscow backs Caracas.")
        for i in range(start, start + n)
    )
    for document in Document.objects.filter(project=project, external_id__startswith="n").exclude(
        annotation_sets__kind="gold"
    ):
        add_set(
            document,
            AnnotationSet.Kind.GOLD,
            [
                {"id": "s1", "start": 0, "end": 6, "label": "GPE"},
                {"id": "s2", "start": 13, "end": 20, "label": "GPE"},
            ],
            [{"id": "t1", "holder": "s1", "target": "s2", "polarity": "SUPPORT", "cue": None}],
        )


def count_queries(project, chunk_size):
    exporter = Exporter(project, ExportOptions(chunk_size=chunk_size))
    with CaptureQueriesContext(connection) as captured:
        exporter.context()
        records = list(exporter)
    return len(captured.captured_queries), records


def test_the_export_runs_a_fixed_number_of_queries_per_chunk(project):
    make_documents(project, 10)
    small, records = count_queries(project, chunk_size=500)
    assert len(records) == 10
    make_documents(project, 30, start=10)
    large, records = count_queries(project, chunk_size=500)
    assert len(records) == 40
    # Three at the start (labels, actors, concepts), six per chunk: whatever
    # the number of documents.
    assert small == large == 3 + 6
    # Four chunks of ten: six queries each, and one read that finds the end.
    chunked, records = count_queries(project, chunk_size=10)
    assert len(records) == 40
    assert chunked == 3 + 4 * 6 + 1


def test_the_export_response_is_a_generator(project, client_for, django_assert_max_num_queries):
    make_documents(project, 25)
    with django_assert_max_num_queries(12):
        response = export(client_for("olga"), project, format="conll")
        body = content(response)
    assert body.count(b"-DOCSTART-") == 25


def test_gold_exports_only_adjudicated_documents(gold_project, users, client_for):
    rita = client_for("rita")
    # A gold set still being edited, and an empty one a reviewer saved.
    editing = Document.objects.create(project=gold_project, external_id="editing", text="Moscow.")
    add_set(
        editing,
        AnnotationSet.Kind.GOLD,
        [span_of("s1", editing.text, "Moscow", "GPE")],
        adjudicated=False,
    )
    opened = Document.objects.create(project=gold_project, external_id="opened", text="Caracas.")
    url = f"/api/v1/projects/{gold_project.pk}/documents/{opened.pk}/gold/"
    empty = {"version": 1, "spans": [], "stances": []}
    assert rita.put(url, empty, format="json").status_code == 200
    assert AnnotationSet.objects.filter(document=opened, kind=AnnotationSet.Kind.GOLD).exists()

    body = content(export(rita, gold_project, format="jsonl"))
    exported = sorted(json.loads(line)["id"] for line in body.splitlines())
    assert exported == ["flag", "marks", "rtl"]
    # The label filter takes the same rule.
    body = content(export(rita, gold_project, format="jsonl", label="GPE"))
    assert "editing" not in {json.loads(line)["id"] for line in body.splitlines()}


@pytest.mark.parametrize(("fmt", "name"), [("doccano", "d.jsonl"), ("label-studio", "ls.json")])
def test_each_annotators_work_round_trips_as_their_own_sets(fmt, name, project, users, client_for):
    """source=all with names: each line (doccano) or annotation (Label Studio)
    names its annotator, so another project with the same members gets the
    same annotator sets back, each submitted by its author."""
    for external_id, text, spans, stances in tricky_payloads():
        document = Document.objects.create(project=project, external_id=external_id, text=text)
        annotate(document, users["ana"], spans, stances)
        annotate(document, users["ben"], spans[:1])
    olga = client_for("olga")
    first = content(export(olga, project, format=fmt, source="all", annotators="names"))
    other = make_project(users, name="Moved over", annotators_per_document=2)
    upload = io.BytesIO(first)
    upload.name = name
    response = olga.post(
        f"/api/v1/projects/{other.pk}/documents/import/",
        {"file": upload, "format": fmt, "annotations": "annotators"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["sets"] == {"annotator": 6, "gold": 0, "prediction": 0}

    def work(p):
        rows = AnnotationSet.objects.filter(document__project=p, kind="annotator").values_list(
            "document__external_id", "author__username", "status", "spans__start", "spans__end"
        )
        return sorted(rows)

    assert work(other) == work(project)
    assert content(export(olga, other, format=fmt, source="all", annotators="names")) == first


def test_the_conll_download_ends_by_saying_which_spans_it_dropped(project, client_for):
    """Issue 12.12: the streamed CoNLL file dropped overlapping spans without a
    word; its last line now counts them."""
    document = Document.objects.create(project=project, external_id="wire-1", text="Moscow said.")
    add_set(
        document,
        AnnotationSet.Kind.GOLD,
        [
            span_of("s1", document.text, "Moscow", "GPE"),
            span_of("s2", document.text, "Moscow", "ORG"),
        ],
    )
    body = content(export(client_for("rita"), project, format="conll")).decode()
    assert "Moscow -X- -X- B-GPE\n" in body
    assert body.splitlines()[-1] == (
        "# accord-dropped: 1 span IOB2 cannot hold (1 overlapping); first: wire-1 gold [0:6] ORG"
    )
