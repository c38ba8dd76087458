"""Concept stances (claims) and document categories in every writer, on
hand-made records: each format carries them or says in its report what it
left out."""

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile

import pytest

from apps.datasets.formats import (
    brat,
    claims_network,
    conll,
    doccano,
    jsonl,
    label_studio,
    network,
    stances_csv,
    statements,
    xmi,
)
from apps.datasets.formats import spacy as spacy_format
from apps.datasets.formats.records import (
    ActorRecord,
    ConceptRecord,
    DocumentRecord,
    ExportContext,
    SetRecord,
    SpanRecord,
    StanceRecord,
    text_sha256,
)

TEXT = "Moscow backs the UN Charter, said Lavrov 🇷🇺; Kyiv disagrees."
LAW, CHARTER, SOVEREIGNTY = 10, 11, 12


def span(sid, word, label="GPE", actor=None, occurrence=0):
    start = TEXT.index(word)
    return SpanRecord(sid, start, start + len(word), label, actor)


def claims_set(owner="gold", kind="gold"):
    return SetRecord(
        owner=owner,
        kind=kind,
        spans=[
            span("s1", "Moscow", actor=1),
            span("s2", "Kyiv", actor=2),
            span("s3", "Lavrov", "PERSON"),  # linked to no actor
            span("c1", "backs", "CUE"),
        ],
        stances=[
            StanceRecord("t1", "s1", None, "SUPPORT", "c1", CHARTER),
            StanceRecord("t2", "s2", None, "OPPOSE", None, CHARTER),
            StanceRecord("t3", "s1", None, "SUPPORT", None, SOVEREIGNTY),
            StanceRecord("t4", "s3", None, "SUPPORT", None, CHARTER),
            StanceRecord("t5", "s2", "s1", "OPPOSE"),  # a stance on a span
        ],
        categories=["Diplomacy", "Europe"],
    )


def claims_doc(external_id="d1", published="2024-03-05", sets=None):
    return DocumentRecord(
        id=1,
        external_id=external_id,
        text=TEXT,
        text_sha256=text_sha256(TEXT),
        length=len(TEXT),
        outlet="TASS",
        published=published,
        split="train",
        sets=sets if sets is not None else [claims_set()],
    )


def context(**kw):
    base = {
        "entity_labels": ["CUE", "GPE", "PERSON"],
        "stance_labels": ["OPPOSE", "SUPPORT"],
        "actors": {1: ActorRecord(1, "Russia", "state", "RU"), 2: ActorRecord(2, "Ukraine")},
        "concepts": {
            LAW: ConceptRecord(LAW, "International law"),
            CHARTER: ConceptRecord(CHARTER, "UN Charter", LAW),
            SOVEREIGNTY: ConceptRecord(SOVEREIGNTY, "Sovereignty"),
        },
        "category_groups": {"Diplomacy": "Topic", "War": "Topic", "Europe": "Region"},
        "multiple_groups": {"Region"},
    }
    return ExportContext(**(base | kw))


def joined(pieces):
    pieces = list(pieces)
    if pieces and isinstance(pieces[0], bytes):
        return b"".join(pieces)
    return "".join(pieces)


def unzip(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_jsonl_carries_concept_stances_with_id_and_name_and_the_categories():
    item = json.loads(joined(jsonl.write([claims_doc()], context())))
    stances = {t["id"]: t for t in item["stances"]}
    assert stances["t1"] == {
        "id": "t1",
        "holder": "s1",
        "target": None,
        "concept": CHARTER,
        "polarity": "SUPPORT",
        "cue": "c1",
        "concept_name": "UN Charter",
    }
    assert stances["t5"]["target"] == "s1" and stances["t5"]["concept"] is None
    assert "concept_name" not in stances["t5"]
    assert item["categories"] == ["Diplomacy", "Europe"]
    assert item["concepts"] == [
        {"id": CHARTER, "name": "UN Charter", "parent": LAW},
        {"id": SOVEREIGNTY, "name": "Sovereignty", "parent": None},
    ]


def test_jsonl_multi_layer_keeps_each_sets_categories():
    sets = [claims_set("a", "annotator"), SetRecord("b", "annotator", categories=["War"])]
    item = jsonl.record(claims_doc(sets=sets), context(multi_layer=True))
    assert [x["categories"] for x in item["annotations"]] == [["Diplomacy", "Europe"], ["War"]]


def test_label_studio_writes_choices_per_group_and_claims_as_a_region_taxonomy():
    [task] = json.loads(joined(label_studio.write([claims_doc()], context())))
    result = task["annotations"][0]["result"]
    choices = {r["from_name"]: r["value"]["choices"] for r in result if r["type"] == "choices"}
    assert choices == {"Topic": ["Diplomacy"], "Region": ["Europe"]}
    taxonomies = {r["id"]: r for r in result if r["type"] == "taxonomy"}
    moscow = taxonomies["s1"]
    assert moscow["from_name"] == "claim"
    assert moscow["value"]["taxonomy"] == [
        ["SUPPORT", "International law", "UN Charter"],
        ["SUPPORT", "Sovereignty"],
    ]
    assert moscow["meta"] == {"concepts": [CHARTER, SOVEREIGNTY], "stances": ["t1", "t3"]}
    assert (moscow["value"]["start"], moscow["value"]["end"]) == (0, 6)
    assert [r["labels"] for r in result if r["type"] == "relation"] == [["OPPOSE"]]
    config = ET.fromstring(label_studio.label_config(context()))
    region = config.find("Choices[@name='Region']")
    assert region.get("choice") == "multiple"
    assert config.find("Choices[@name='Topic']").get("choice") == "single"
    taxonomy = config.find("Taxonomy[@name='claim']")
    assert taxonomy.get("perRegion") == "true"
    law = taxonomy.find("Choice[@value='SUPPORT']/Choice[@value='International law']")
    assert [c.get("value") for c in law] == ["UN Charter"]


def test_doccano_writes_cats_and_the_claims_by_concept_name():
    ctx = context()
    item = json.loads(joined(doccano.write([claims_doc()], ctx)))
    assert item["cats"] == ["Diplomacy", "Europe"]
    assert len(item["relations"]) == 1 and item["relations"][0]["type"] == "OPPOSE"
    holders = {e["id"] for e in item["entities"]}
    assert len(item["claims"]) == 4 and {c["from_id"] for c in item["claims"]} <= holders
    assert all(isinstance(c["concept"], str) and c["type"] for c in item["claims"])
    assert "concept_stances_dropped" not in ctx.report


def test_spacy_cats_are_one_hot_over_the_category_labels():
    item = json.loads(joined(spacy_format.write([claims_doc()], context())))
    assert item["cats"] == {"Diplomacy": 1.0, "War": 0.0, "Europe": 1.0}


def test_spacy_docbin_has_the_cats():
    pytest.importorskip("spacy")
    import spacy
    from spacy.tokens import DocBin

    files = zipfile.ZipFile(
        io.BytesIO(joined(spacy_format.write_docbin([claims_doc()], context())))
    )
    [doc] = DocBin().from_bytes(files.read("part-00001.spacy")).get_docs(spacy.blank("xx").vocab)
    assert doc.cats == {"Diplomacy": 1.0, "War": 0.0, "Europe": 1.0}


def test_xmi_has_a_concept_feature_on_stances_and_category_annotations():
    cassis = pytest.importorskip("cassis")
    files = zipfile.ZipFile(io.BytesIO(joined(xmi.write([claims_doc()], context()))))
    ts = cassis.load_typesystem(files.read("TypeSystem.xml").decode())
    cas = cassis.load_cas_from_xmi(files.read("d1.xmi").decode(), typesystem=ts)
    stances = {s.stanceId: s for s in cas.select(xmi.STANCE)}
    charter = stances["t1"]
    assert (charter.conceptId, charter.concept, charter.Dependent) == ("11", "UN Charter", None)
    assert charter.Governor.spanId == "s1" and charter.cue.spanId == "c1"
    assert charter.get_covered_text() == "Moscow"
    assert stances["t5"].concept is None and stances["t5"].Dependent.spanId == "s1"
    categories = sorted((c.group, c.label) for c in cas.select(xmi.CATEGORY))
    assert categories == [("Region", "Europe"), ("Topic", "Diplomacy")]


def test_brat_writes_claims_as_notes_on_the_holder_and_categories_in_the_index():
    files = unzip(joined(brat.write([claims_doc()], context())))
    ann = files["d1.ann"].splitlines()
    assert "R1\tOPPOSE Arg1:T2 Arg2:T1" in ann
    notes = [line.split("\t", 2)[1:] for line in ann if line.startswith("#")]
    assert ["AnnotatorNotes T1", "claim:t1 SUPPORT concept:11 UN Charter cue:T4"] in notes
    assert ["AnnotatorNotes T3", "claim:t4 SUPPORT concept:11 UN Charter"] in notes
    index = list(csv.DictReader(io.StringIO(files["documents.tsv"]), delimiter="\t"))
    assert index[0]["categories"] == "Diplomacy|Europe"


def test_conll_counts_the_categories_it_cannot_hold():
    ctx = context()
    joined(conll.write([claims_doc()], ctx))
    assert ctx.report["categories_dropped"] == 2


def test_stances_csv_lists_the_concept_of_a_claim():
    rows = list(csv.DictReader(io.StringIO(joined(stances_csv.write([claims_doc()], context())))))
    by_id = {r["stance"]: r for r in rows}
    assert (by_id["t1"]["concept_id"], by_id["t1"]["concept"]) == ("11", "UN Charter")
    assert by_id["t1"]["target_span"] == "" and by_id["t1"]["evidence"].startswith("Moscow")
    assert by_id["t5"]["concept"] == "" and by_id["t5"]["target_text"] == "Moscow"


def test_the_actor_network_counts_claims_apart_and_not_as_missing_actors():
    ctx = context()
    files = unzip(joined(network.write([claims_doc()], ctx)))
    report = json.loads(files["report.json"])
    assert report["concept_stances"] == 4 and report["stances"] == 1
    assert report["stances_without_actor"]["total"] == 0


# --------------------------------------------------------------------------- statements


def test_statements_table_has_one_row_per_claim_and_counts_unlinked_holders():
    ctx = context()
    rows = list(csv.DictReader(io.StringIO(joined(statements.write([claims_doc()], ctx)))))
    assert list(rows[0]) == statements.HEADER
    assert [(r["stance"], r["actor"], r["concept"], r["agreement"]) for r in rows] == [
        ("t1", "Russia", "UN Charter", "SUPPORT"),
        ("t2", "Ukraine", "UN Charter", "OPPOSE"),
        ("t3", "Russia", "Sovereignty", "SUPPORT"),
        ("t4", "", "UN Charter", "SUPPORT"),
    ]
    first = rows[0]
    assert (first["document"], first["date"], first["outlet"]) == ("d1", "2024-03-05", "TASS")
    assert (first["holder_text"], first["holder_start"], first["holder_end"]) == (
        "Moscow",
        "0",
        "6",
    )
    assert (first["cue_text"], first["cue_start"], first["cue_end"]) == ("backs", "7", "12")
    lavrov = rows[3]
    assert TEXT[int(lavrov["holder_start"]) : int(lavrov["holder_end"])] == "Lavrov"
    assert ctx.report["statements"] == 4
    assert ctx.report["statements_without_actor"] == 1
    assert ctx.report["statements_without_actor_examples"] == [
        {"document": "d1", "layer": "gold", "stance": "t4"}
    ]


def test_statements_standoff_keeps_the_offsets_only():
    out = joined(statements.write([claims_doc()], context(include_text=False)))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert "Moscow" not in out and rows[0]["holder_start"] == "0"


# --------------------------------------------------------------------------- claims network


def network_docs():
    other = SetRecord(
        "gold",
        spans=[span("s1", "Moscow", actor=1), span("s2", "Kyiv", actor=2)],
        stances=[
            StanceRecord("t1", "s1", None, "SUPPORT", None, SOVEREIGNTY),
            StanceRecord("t2", "s2", None, "SUPPORT", None, SOVEREIGNTY),
        ],
    )
    return [
        claims_doc("d1", "2024-03-05"),
        claims_doc("d2", "2025-01-10", sets=[other]),
        claims_doc("d3", None, sets=[SetRecord("a", "annotator")]),
    ]


def edges(files, name):
    return [
        (r["source"], r["target"], r["weight"]) for r in csv.DictReader(io.StringIO(files[name]))
    ]


def test_claims_network_writes_affiliation_congruence_and_conflict():
    ctx = context()
    files = unzip(joined(claims_network.write(network_docs(), ctx)))
    assert sorted(files) == sorted(
        [f"{n}.{x}" for n in claims_network.NETWORKS for x in ("graphml", "csv")] + ["report.json"]
    )
    assert edges(files, "affiliation.csv") == [
        ("Russia", "Sovereignty", "2"),
        ("Russia", "UN Charter", "1"),
        ("Ukraine", "Sovereignty", "1"),
        ("Ukraine", "UN Charter", "-1"),
    ]
    assert edges(files, "congruence.csv") == [("Russia", "Ukraine", "1")]
    assert edges(files, "conflict.csv") == [("Russia", "Ukraine", "1")]
    graph = ET.fromstring(files["affiliation.graphml"])
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert {n.get("id") for n in graph.iter(f"{{{ns['g']}}}node")} == {
        "a:Russia",
        "a:Ukraine",
        "c:Sovereignty",
        "c:UN Charter",
    }
    report = json.loads(files["report.json"])
    assert report["statements"] == 5 and report["statements_without_actor"] == 1
    assert report["sets_not_gold"] == 1
    assert report["windows"] == {
        "all": {"statements": 5, "affiliation": 4, "congruence": 1, "conflict": 1}
    }
    assert ctx.report["statements_without_actor"] == 1


def test_claims_network_window_and_slices():
    import datetime

    ctx = context(options={"start": datetime.date(2025, 1, 1)})
    files = unzip(joined(claims_network.write(network_docs(), ctx)))
    assert edges(files, "conflict.csv") == []
    assert edges(files, "congruence.csv") == [("Russia", "Ukraine", "1")]
    report = json.loads(files["report.json"])
    assert report["statements_outside_window"] == 3 and report["start"] == "2025-01-01"

    files = unzip(joined(claims_network.write(network_docs(), context(options={"slice": "year"}))))
    assert {name.split("/")[0] for name in files} == {"2024", "2025", "report.json"}
    assert edges(files, "2024/conflict.csv") == [("Russia", "Ukraine", "1")]
    assert edges(files, "2025/conflict.csv") == []
    assert json.loads(files["report.json"])["windows"]["2025"]["statements"] == 2


def test_claims_network_of_nothing_is_three_empty_networks():
    files = unzip(joined(claims_network.write([], context())))
    assert edges(files, "congruence.csv") == []
    assert json.loads(files["report.json"])["statements"] == 0
