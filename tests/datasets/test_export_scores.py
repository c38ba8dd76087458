"""A prediction span's score in the files that have a place for it (jsonl,
Label Studio predictions), and back through the importers; the project
archive keeps it too."""

import io
import json

import pytest

from apps.annotations.models import Span
from apps.datasets.archive import restore_archive, write_archive
from apps.documents.models import Document
from tests.builders import add_gold, add_prediction, make_project
from tests.datasets.test_export import content, export, import_file, without

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned the U.S. operation against Venezuela."
MOSCOW = {"id": "m", "start": 0, "end": 6, "label": "GPE"}
VENEZUELA = {"id": "v", "start": 44, "end": 53, "label": "GPE"}
US = {"id": "u", "start": 21, "end": 25, "label": "GPE"}


@pytest.fixture
def predicted(project):
    """Two documents with a model's prediction sets, scored and not."""
    first = Document.objects.create(project=project, external_id="d1", text=TEXT)
    second = Document.objects.create(project=project, external_id="d2", text=TEXT)
    add_prediction(first, "ner-v2", [{**MOSCOW, "score": 0.87}, {**VENEZUELA, "score": 0.125}])
    add_prediction(second, "ner-v2", [{**US, "score": 1.0}, MOSCOW])
    add_gold(second, spans=[MOSCOW])
    return project


def scores_of(project):
    return sorted(
        Span.objects.filter(set__document__project=project, set__kind="prediction").values_list(
            "set__document__external_id", "start", "score"
        )
    )


EXPECTED = [("d1", 0, 0.87), ("d1", 44, 0.125), ("d2", 0, None), ("d2", 21, 1.0)]


def test_jsonl_carries_the_score_of_scored_prediction_spans_only(predicted, client_for):
    olga = client_for("olga")
    lines = [
        json.loads(x)
        for x in content(export(olga, predicted, source="prediction", format="jsonl")).splitlines()
    ]
    assert [[(s["id"], s.get("score", "-")) for s in x["spans"]] for x in lines] == [
        [("m", 0.87), ("v", 0.125)],
        [("m", "-"), ("u", 1.0)],
    ]
    # A gold export has no score at all.
    gold = content(export(olga, predicted, format="jsonl"))
    assert b"score" not in gold


@pytest.mark.parametrize(("fmt", "name"), [("jsonl", "p.jsonl"), ("label-studio", "p.json")])
def test_scores_round_trip_through_the_importer(fmt, name, predicted, users, client_for):
    olga = client_for("olga")
    first = content(export(olga, predicted, source="prediction", format=fmt))
    other = make_project(users, name="Other")
    import_file(olga, other, first, fmt, name)
    assert scores_of(other) == EXPECTED == scores_of(predicted)
    again = content(export(olga, other, source="prediction", format=fmt))
    if fmt == "label-studio":
        # The same file, but for the source: the import's prediction set is "import".
        assert again.replace(b'"model_version":"import"', b'"model_version":"ner-v2"') == first
    else:
        # The same lines, but for provenance (who annotated: the new project cannot know).
        assert without(again.decode(), "provenance") == without(first.decode(), "provenance")


def test_label_studio_writes_predictions_with_per_region_scores(predicted, client_for):
    body = content(
        export(client_for("olga"), predicted, source="prediction", format="label-studio")
    )
    first = json.loads(body)[0]
    assert first["annotations"] == []
    (prediction,) = first["predictions"]
    assert prediction["model_version"] == "ner-v2"
    assert [(r["id"], r["score"]) for r in prediction["result"]] == [("m", 0.87), ("v", 0.125)]


def upload(client, project, tasks, annotations="prediction"):
    data = io.BytesIO(json.dumps(tasks).encode())
    data.name = "ls.json"
    r = client.post(
        f"/api/v1/projects/{project.pk}/documents/import/",
        {"file": data, "format": "label-studio", "annotations": annotations},
        format="multipart",
    )
    return r


def ls_region(rid, start, end, label, score=None):
    region = {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "labels": [label]},
    }
    if score is not None:
        region["score"] = score
    return region


def test_a_label_studio_file_keeps_its_predictions_scores_not_its_annotations(project, client_for):
    tasks = [
        {
            "data": {"text": TEXT, "external_id": "t1"},
            "annotations": [{"completed_by": "olga", "result": [ls_region("a", 0, 6, "GPE", 0.3)]}],
            "predictions": [
                {
                    "model_version": "their-model",
                    "score": 0.5,
                    "result": [ls_region("p", 0, 6, "GPE", 0.93), ls_region("q", 44, 53, "GPE")],
                }
            ],
        }
    ]
    r = upload(client_for("olga"), project, tasks, annotations="gold")
    assert r.status_code == 201, r.content
    rows = sorted(
        Span.objects.filter(set__document__project=project).values_list("set__kind", "sid", "score")
    )
    # The gold set leaves the annotation's score behind; the prediction keeps its own.
    assert rows == [("gold", "a", None), ("prediction", "p", 0.93), ("prediction", "q", None)]


def test_a_wrong_score_in_a_file_is_refused_naming_the_record_and_field(project, client_for):
    tasks = [
        {
            "data": {"text": TEXT, "external_id": "t1"},
            "predictions": [{"result": [ls_region("p", 0, 6, "GPE", 87)]}],
        }
    ]
    r = upload(client_for("olga"), project, tasks)
    assert r.status_code == 400, r.content
    errors = r.json()["errors"]
    assert any("score" in e["field"] and "from 0 to 1" in e["message"] for e in errors), errors
    assert not Document.objects.filter(project=project).exists()


def test_the_archive_keeps_scores_and_uncertainty(predicted):
    Document.objects.filter(project=predicted, external_id="d1").update(uncertainty=0.42)
    out = io.BytesIO()
    write_archive(predicted, out)
    restored, _ = restore_archive(io.BytesIO(out.getvalue()), name="Restored")
    assert scores_of(restored) == EXPECTED
    assert dict(
        Document.objects.filter(project=restored).values_list("external_id", "uncertainty")
    ) == {"d1": 0.42, "d2": None}
