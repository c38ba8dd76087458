"""The readers' side of claims and categories, without the database: what
Label Studio choices and taxonomies, doccano cats and labels, and JSON Lines
categories become, and the problems each names."""

import json

from apps.imports.parsers import parse

from .label_studio_files import TEXT, region
from .label_studio_files import by as annotation


def label_studio(*results):
    tasks = [{"id": 1, "data": {"text": TEXT}, "annotations": [annotation(10, *results)]}]
    return parse(json.dumps(tasks).encode(), "export.json", "label-studio")


def doccano(*lines):
    return parse("\n".join(json.dumps(x) for x in lines).encode(), "d.jsonl", "doccano")


def test_label_studio_choices_are_categories_and_a_taxonomy_is_claims_of_its_region():
    result = label_studio(
        region("a", 0, 6),
        {"type": "choices", "from_name": "Topic", "value": {"choices": ["Diplomacy"]}},
        {"type": "choices", "from_name": "Region", "value": {"choices": ["Europe", "Asia"]}},
        {
            "id": "a",
            "type": "taxonomy",
            "from_name": "claim",
            "value": {"start": 0, "end": 6, "taxonomy": [["SUPPORT", "Law", "UN Charter"]]},
        },
    )
    [group] = result.records[0].annotations
    assert group.problems == []
    assert group.categories == ["Diplomacy", "Europe", "Asia"]
    assert group.stances == [
        {
            "id": "r1",
            "holder": "a",
            "target": None,
            "concept": "UN Charter",
            "polarity": "SUPPORT",
            "cue": None,
        }
    ]


def test_label_studio_per_region_choices_and_bad_taxonomies_are_named():
    result = label_studio(
        region("a", 0, 6),
        {"id": "a", "type": "choices", "value": {"start": 0, "end": 6, "choices": ["x"]}},
        {"id": "a", "type": "taxonomy", "value": {"taxonomy": [["SUPPORT"]]}},
    )
    [group] = result.records[0].annotations
    assert [(p.field, p.message) for p in group.problems] == [
        (
            "annotations[0].result[1].value",
            "task 1: annotations[0]: result[1]: only document-level choices "
            "(categories) are imported",
        ),
        (
            "annotations[0].result[2].value.taxonomy[0]",
            "task 1: annotations[0]: result[2].value.taxonomy[0] must be [polarity, …, "
            'concept name], got ["SUPPORT"]',
        ),
    ]


def test_doccano_cats_and_text_classification_labels():
    result = doccano(
        {"id": "a", "text": "Moscow spoke.", "label": ["War"]},
        {"id": "b", "text": "Moscow spoke.", "label": [[0, 6, "GPE"]], "cats": ["Asia"]},
        {"id": "c", "text": "Moscow spoke.", "cats": "Asia"},
    )
    a, b, c = (r.groups for r in result.records)
    assert (a[0].categories, a[0].spans) == (["War"], [])
    assert b[0].categories == ["Asia"] and [s["label"] for s in b[0].spans] == ["GPE"]
    assert [p.field for p in c[0].problems] == ["cats"]


def test_jsonl_categories_alone_make_a_group():
    line = {"id": "a", "text": "Moscow spoke.", "categories": ["War"]}
    [record] = parse(json.dumps(line).encode(), "x.jsonl").records
    [group] = record.groups
    assert (group.spans, group.stances, group.categories) == ([], [], ["War"])
