"""Who made the annotations that come with a file, as each format says it.

Label Studio names the author of each annotation in ``completed_by`` (its
own export: the user's id; older ones and an expanded user: an object with
the e-mail; Accord's export: the username); doccano in the file names of its
per-user ZIP export, or in an ``annotator`` / ``username`` key on the line.
Formats that name nobody say so.
"""

import io
import json
import zipfile

from apps.imports.parsers import AUTHORSHIP, NO_AUTHORS, PeerAuthor, parse

from .label_studio_files import TEXT, region
from .label_studio_files import by as annotation


def label_studio(*tasks):
    return parse(json.dumps(list(tasks)).encode(), "export.json", "label-studio")


def task(*annotations, predictions=None, tid=1):
    item = {"id": tid, "data": {"text": TEXT}, "annotations": list(annotations)}
    if predictions is not None:
        item["predictions"] = predictions
    return item


def test_label_studio_completed_by_as_an_id_an_object_or_a_name():
    result = label_studio(
        task(
            annotation(10, region("a", 0, 6)),
            annotation(
                {"id": 11, "email": "ana@example.org", "first_name": "Ana", "last_name": "Lima"},
                region("b", 11, 16),
            ),
            annotation({"id": 12, "first_name": "", "last_name": ""}, region("c", 0, 6)),
            annotation("ben", region("d", 20, 26, "GPE")),
        )
    )
    assert result.errors == []
    [record] = result.records
    authors = [g.author for g in record.annotations]
    assert authors == [
        PeerAuthor("10", "id", "Label Studio user 10"),
        PeerAuthor("ana@example.org", "email", "Ana Lima <ana@example.org>", ("11",)),
        PeerAuthor("12", "id", "Label Studio user 12"),
        PeerAuthor("ben", "name"),
    ]
    fields = [(g.prefix, g.author_field) for g in record.annotations]
    assert fields[1] == ("annotations[1]", "annotations[1].completed_by")
    assert [len(g.spans) for g in record.annotations] == [1, 1, 1, 1]
    assert record.annotations[3].spans[0]["label"] == "GPE"
    assert result.authorship == AUTHORSHIP["label-studio"]


def test_label_studio_cancelled_annotations_are_skipped_and_predictions_kept_apart():
    result = label_studio(
        task(
            annotation(10, region("a", 0, 6), was_cancelled=True),
            annotation(11, region("b", 11, 16)),
            predictions=[{"model_version": "m1", "result": [region("p", 20, 26, "GPE")]}],
        )
    )
    [record] = result.records
    assert [g.author.key for g in record.annotations] == ["11"]
    [prediction] = record.predictions
    assert prediction.author is None and prediction.prefix == "predictions[0]"
    assert prediction.spans[0]["id"] == "p"


def test_an_empty_label_studio_annotation_is_a_group_of_its_author():
    # Label Studio exports only submitted annotations: an empty one is a
    # real "nothing here".
    [record] = label_studio(task(annotation(10))).records
    [group] = record.annotations
    assert (group.author.key, group.spans, group.stances) == ("10", [], [])


def test_a_bad_completed_by_or_result_stays_with_its_group():
    # Problems are the group's: an import of predictions takes only the
    # first group, as it always has, and reports only its problems.
    result = label_studio(
        task(
            annotation(True, region("a", 0, 6)),
            annotation(11, {"type": "rating", "value": {"rating": 4}}),
        )
    )
    assert result.errors == []
    first, second = result.records[0].annotations
    assert first.author is None and "boolean" in first.author_problem
    assert first.problems == []
    [problem] = second.problems
    assert problem.where == "task 1"
    assert problem.field == "annotations[1].result[0].type"
    assert problem.message == (
        'task 1: annotations[1]: result[0]: results of type "rating" are not imported'
    )


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, lines in members.items():
            archive.writestr(name, "\n".join(json.dumps(line) for line in lines))
    return buffer.getvalue()


def doccano_line(doc_id, *entities, **extra):
    return {
        "id": doc_id,
        "text": TEXT if doc_id == 1 else f"Document {doc_id}.",
        "entities": [
            {"id": n, "label": label, "start_offset": start, "end_offset": end}
            for n, (start, end, label) in enumerate(entities, start=1)
        ],
        "relations": [],
        "Comments": [],
        **extra,
    }


def test_doccano_per_user_zip_names_the_annotator_by_file_and_joins_their_copies():
    data = zipped(
        {
            "ana.jsonl": [doccano_line(1, (0, 6, "PERSON")), doccano_line(2)],
            "ben.jsonl": [doccano_line(1, (11, 16, "PERSON")), doccano_line(2, (0, 8, "ORG"))],
            "admin.jsonl": [doccano_line(1), doccano_line(2)],  # annotated nothing
        }
    )
    result = parse(data, "project_1.zip", "doccano")
    assert result.errors == []
    first, second = result.records
    assert (first.external_id, second.external_id) == ("1", "2")
    # Members in name order: admin's empty copies add no group.
    assert [(g.author.key, g.author_field) for g in first.annotations] == [
        ("ana", "file name"),
        ("ben", "file name"),
    ]
    assert [g.where for g in first.annotations] == [
        "project_1.zip: ana.jsonl line 1",
        "project_1.zip: ben.jsonl line 1",
    ]
    assert first.where == "project_1.zip: admin.jsonl line 1"
    assert [g.author.key for g in second.annotations] == ["ben"]
    assert second.annotations[0].spans[0] == {"id": "e1", "label": "ORG", "start": 0, "end": 8}
    assert result.authorship == AUTHORSHIP["doccano"]


def test_doccano_shared_export_all_jsonl_names_nobody():
    result = parse(zipped({"all.jsonl": [doccano_line(1, (0, 6, "PERSON"))]}), "x.zip", "doccano")
    [group] = result.records[0].annotations
    assert group.author is None and len(group.spans) == 1


def test_doccano_copies_of_one_document_must_agree():
    changed = doccano_line(1, (0, 6, "PERSON"))
    changed["text"] = "Another text."
    result = parse(
        zipped({"ana.jsonl": [doccano_line(1, (0, 6, "PERSON"))], "ben.jsonl": [changed]}),
        "x.zip",
        "doccano",
    )
    [error] = result.errors
    assert (error.where, error.field) == ("x.zip: ben.jsonl line 1", "text")
    assert 'differs from x.zip: ana.jsonl line 1, which has the same id "1"' in error.message


def test_doccano_annotator_key_per_line_as_accord_exports_it():
    lines = [
        doccano_line(1, (0, 6, "PERSON"), annotator="ana"),
        doccano_line(1, (11, 16, "PERSON"), annotator="ben"),
        doccano_line(2, (0, 8, "ORG"), username="ana"),  # doccano's first export
        doccano_line(1, (0, 6, "PERSON"), annotator="ana"),  # ana again
    ]
    result = parse("\n".join(json.dumps(line) for line in lines).encode(), "d.jsonl", "doccano")
    first, second = result.records
    assert [(g.author.key, g.author_field) for g in first.annotations] == [
        ("ana", "annotator"),
        ("ben", "annotator"),
    ]
    assert [(g.author.key, g.author_field) for g in second.annotations] == [("ana", "username")]
    assert "annotator" not in first.meta and "username" not in second.meta
    [error] = result.errors
    assert (error.where, error.field) == ("line 4", "annotator")
    assert "ana already annotated this document in line 1" in error.message


def test_doccano_lines_without_an_annotator_still_may_not_repeat_an_id():
    lines = [doccano_line(1, (0, 6, "PERSON")), doccano_line(1, (11, 16, "PERSON"))]
    result = parse("\n".join(json.dumps(line) for line in lines).encode(), "d.jsonl", "doccano")
    [error] = result.errors
    assert (error.where, error.field) == ("line 2", "id")


def test_formats_without_authors_say_so():
    line = {"id": "a", "text": TEXT, "spans": [{"start": 0, "end": 6, "label": "PERSON"}]}
    result = parse(json.dumps(line).encode(), "a.jsonl")
    assert result.records[0].groups[0].author is None
    assert result.authorship == NO_AUTHORS
    assert "does not say who annotated" in NO_AUTHORS
    for fmt in ("jsonl", "json", "csv", "txt", "zip"):
        assert AUTHORSHIP[fmt] == NO_AUTHORS


def test_label_studio_stance_ids_never_take_a_region_id():
    # Label Studio region ids are free text: one may well be "r1", the name
    # the first relation gets, which made the set invalid (a repeated id).
    relation = {"from_id": "r1", "to_id": "r2", "type": "relation", "labels": ["OPPOSE"]}
    [record] = label_studio(
        task(
            annotation(10, relation, region("r1", 0, 6), region("r2", 11, 16), region("r3", 20, 26))
        )
    ).records
    [group] = record.annotations
    assert [s["id"] for s in group.spans] == ["r1", "r2", "r3"]
    assert [(t["id"], t["holder"], t["target"]) for t in group.stances] == [("r4", "r1", "r2")]
