"""The pure writers, on hand-made records: offsets in each tool's unit, exact files."""

import csv
import io
import json
import re
import zipfile

import pytest

from apps.datasets.formats import (
    FORMATS,
    brat,
    conll,
    doccano,
    jsonl,
    label_studio,
    network,
    stances_csv,
    xmi,
)
from apps.datasets.formats import spacy as spacy_format
from apps.datasets.formats.records import (
    ActorRecord,
    DocumentRecord,
    ExportContext,
    SetRecord,
    SpanRecord,
    StanceRecord,
    text_sha256,
)
from apps.documents.offsets import utf16_offsets
from tests.builders import tricky_payloads


def doc(external_id, text, spans=(), stances=(), owner="gold", published=None, sets=None):
    aset = SetRecord(
        owner=owner,
        spans=[
            SpanRecord(s["id"], s["start"], s["end"], s["label"], s.get("actor")) for s in spans
        ],
        stances=[
            StanceRecord(t["id"], t["holder"], t["target"], t["polarity"], t.get("cue"))
            for t in stances
        ],
    )
    return DocumentRecord(
        id=1,
        external_id=external_id,
        text=text,
        text_sha256=text_sha256(text),
        length=len(text),
        url=f"https://news.example/{external_id}",
        published=published,
        split="train",
        sets=sets if sets is not None else [aset],
    )


def context(**kw):
    base = {
        "entity_labels": ["GPE", "ORG", "PERSON"],
        "stance_labels": ["NEUTRAL", "OPPOSE", "SUPPORT"],
        "actors": {1: ActorRecord(1, "Russia", "state", "RU"), 2: ActorRecord(2, "Venezuela")},
    }
    return ExportContext(**(base | kw))


def tricky_docs(actors=None):
    return [doc(*payload) for payload in tricky_payloads(actors)]


def joined(pieces):
    pieces = list(pieces)
    if pieces and isinstance(pieces[0], bytes):
        return b"".join(pieces)
    return "".join(pieces)


# --------------------------------------------------------------------------- jsonl


def test_jsonl_offsets_are_code_points_and_text_matches():
    for line, document in zip(
        joined(jsonl.write(tricky_docs(), context())).splitlines(), tricky_docs(), strict=True
    ):
        item = json.loads(line)
        assert item["text"] == document.text
        for s in item["spans"]:
            assert document.text[s["start"] : s["end"]] == s["text"]
        assert item["split"] == "train" and item["text_sha256"] == document.text_sha256


def test_jsonl_standoff_leaves_the_text_out():
    out = joined(jsonl.write(tricky_docs(), context(include_text=False))).decode()
    for line, document in zip(out.splitlines(), tricky_docs(), strict=True):
        item = json.loads(line)
        assert "text" not in item and all("text" not in s for s in item["spans"])
        assert item["url"] == document.url and item["text_sha256"] == document.text_sha256
    assert "Caracas" not in out


def test_jsonl_lists_the_linked_actors():
    item = json.loads(joined(jsonl.write(tricky_docs({"russia": 1}), context())).splitlines()[0])
    assert [s["actor"] for s in item["spans"]] == [None, 1, None, None]
    assert item["actors"] == [
        {"id": 1, "name": "Russia", "kind": "state", "country": "RU", "wikidata_id": ""}
    ]


def test_jsonl_multi_layer_keeps_each_annotator():
    a = SetRecord("annotator-1", "annotator", [SpanRecord("s1", 0, 3, "GPE")])
    b = SetRecord("annotator-2", "annotator", [])
    item = jsonl.record(doc("x", "Foo bar", sets=[a, b]), context(multi_layer=True))
    assert [(x["annotator"], len(x["spans"])) for x in item["annotations"]] == [
        ("annotator-1", 1),
        ("annotator-2", 0),
    ]
    assert "spans" not in item


# --------------------------------------------------------------------------- conll


def test_conll_of_a_known_document_equals_the_hand_checked_file():
    text = "Moscow’s envoy met Delcy Rodríguez.\nThe U.S. objected."
    spans = [
        {"id": "s1", "start": 0, "end": 6, "label": "GPE"},
        {"id": "s2", "start": 19, "end": 34, "label": "PERSON"},
        {"id": "s3", "start": 40, "end": 44, "label": "GPE"},
    ]
    expected = (
        "-DOCSTART- -X- -X- O\n\n"
        "Moscow -X- -X- B-GPE\n"
        "’s -X- -X- O\n"
        "envoy -X- -X- O\n"
        "met -X- -X- O\n"
        "Delcy -X- -X- B-PERSON\n"
        "Rodríguez -X- -X- I-PERSON\n"
        ". -X- -X- O\n"
        "\n"
        "The -X- -X- O\n"
        "U.S. -X- -X- B-GPE\n"
        "objected -X- -X- O\n"
        ". -X- -X- O\n"
        "\n"
    )
    ctx = context()
    assert joined(conll.write([doc("d", text, spans)], ctx)) == expected
    assert ctx.report == {}


def test_conll_reports_misaligned_and_overlapping_spans_without_shifting():
    text = "Caracas rejected Moscow."
    spans = [
        {"id": "a", "start": 0, "end": 4, "label": "GPE"},  # "Cara": inside a token
        {"id": "b", "start": 17, "end": 23, "label": "GPE"},
        {"id": "c", "start": 17, "end": 23, "label": "ORG"},  # the same tokens again
    ]
    ctx = context()
    out = joined(conll.write([doc("d", text, spans)], ctx))
    assert "Caracas -X- -X- O\n" in out  # not shifted to the whole token
    assert "Moscow -X- -X- B-GPE\n" in out
    assert ctx.report["misaligned_spans"] == 1
    assert ctx.report["misaligned_spans_examples"][0]["text"] == "Cara"
    assert ctx.report["overlapping_spans"] == 1
    # The file says so itself, in its last line (issue 12.12).
    assert out.endswith(
        "\n# accord-dropped: 2 spans IOB2 cannot hold (1 overlapping, 1 misaligned); "
        "first: d gold [17:23] ORG\n"
    )


def test_conll_without_dropped_spans_has_no_trailer():
    text = "Caracas rejected Moscow."
    ctx = context()
    out = joined(
        conll.write([doc("d", text, [{"id": "b", "start": 17, "end": 23, "label": "GPE"}])], ctx)
    )
    assert "#" not in out


def test_conll_tricky_texts_place_every_span():
    ctx = context()
    out = joined(conll.write(tricky_docs(), ctx))
    assert "misaligned_spans" not in ctx.report
    assert "🇻🇪 -X- -X- B-GPE\n" in out and "Quo\u0302\u0301c -X- -X- B-ORG\n" in out
    assert "كاراكاس -X- -X- B-GPE\n" in out
    assert out.count("-DOCSTART-") == 3
    assert "\r" not in out


# --------------------------------------------------------------------------- doccano


def test_doccano_counts_utf16_code_units():
    [line, *_] = joined(doccano.write(tricky_docs(), context())).splitlines()
    item = json.loads(line)
    text = item["text"]
    encoded = text.encode("utf-16-le")
    for entity in item["entities"]:
        piece = encoded[2 * entity["start_offset"] : 2 * entity["end_offset"]].decode("utf-16-le")
        assert piece in ("Caracas", "Moscow", "U.S.", "🇻🇪")
    caracas = item["entities"][0]
    assert (caracas["start_offset"], caracas["end_offset"]) == (5, 12)  # the flag is 4 units
    assert item["relations"] == [{"id": 1, "from_id": 1, "to_id": 2, "type": "OPPOSE"}]


# --------------------------------------------------------------------------- label studio


def test_label_studio_is_one_json_list_with_code_point_regions():
    tasks = json.loads(joined(label_studio.write(tricky_docs({"russia": 1}), context())))
    assert len(tasks) == 3
    first = tasks[0]
    result = first["annotations"][0]["result"]
    regions = [r for r in result if r["type"] == "labels"]
    for r in regions:
        assert first["data"]["text"][r["value"]["start"] : r["value"]["end"]] == r["value"]["text"]
    assert regions[1]["meta"] == {"actor": 1}
    [relation] = [r for r in result if r["type"] == "relation"]
    assert (relation["from_id"], relation["to_id"], relation["labels"]) == ("s1", "s2", ["OPPOSE"])
    assert '<Relation value="OPPOSE"/>' in label_studio.label_config(context())


def test_label_studio_empty_export_is_an_empty_list():
    assert json.loads(joined(label_studio.write([], context()))) == []


# --------------------------------------------------------------------------- brat


BRAT_T = re.compile(r"^T(\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
BRAT_R = re.compile(r"^R(\d+)\t(\S+) Arg1:(T\d+) Arg2:(T\d+)$")
BRAT_NOTE = re.compile(r"^#(\d+)\tAnnotatorNotes ([TR]\d+)\t(.*)$")


def parse_standoff(ann, text):
    """A small brat standoff reader with brat's own checks: ids, fragments, covered text."""
    spans, relations, notes = {}, [], {}
    for line in ann.splitlines():
        if m := BRAT_T.match(line):
            fragments = [tuple(map(int, f.split())) for f in m[3].split(";")]
            covered = " ".join(text[a:b] for a, b in fragments)
            assert covered == m[4], (line, covered)
            assert all(0 <= a < b <= len(text) for a, b in fragments)
            spans[f"T{m[1]}"] = (m[2], fragments[0][0], fragments[-1][1])
        elif m := BRAT_R.match(line):
            assert m[3] in spans and m[4] in spans
            relations.append((m[2], m[3], m[4]))
        elif m := BRAT_NOTE.match(line):
            notes[m[2]] = m[3]
        else:
            raise AssertionError(f"not brat standoff: {line!r}")
    return spans, relations, notes


def test_brat_zip_is_standoff_that_a_standoff_reader_accepts():
    data = joined(brat.write(tricky_docs({"russia": 1}), context()))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert {"annotation.conf", "documents.tsv", "flag.txt", "flag.ann"} <= set(names)
        text = archive.read("flag.txt").decode()
        assert text == tricky_docs()[0].text  # CRLF kept, so the offsets hold
        spans, relations, notes = parse_standoff(archive.read("flag.ann").decode(), text)
        assert spans["T1"] == ("GPE", text.index("Caracas"), text.index("Caracas") + 7)
        assert relations == [("OPPOSE", "T1", "T2")]
        assert notes == {"T2": "actor:1 Russia"}
        for name in names:
            if name.endswith(".ann"):
                parse_standoff(
                    archive.read(name).decode(), archive.read(name[:-4] + ".txt").decode()
                )


def test_brat_splits_a_span_over_a_line_break_into_fragments():
    text = "The U.S.\r\nsaid no."
    ann = brat.ann(
        doc("d", text, [{"id": "s", "start": 4, "end": 14, "label": "ORG"}]),
        doc("d", text, [{"id": "s", "start": 4, "end": 14, "label": "ORG"}]).sets[0],
        context(),
    )
    assert ann == "T1\tORG 4 8;10 14\tU.S. said\n"
    parse_standoff(ann, text)


# --------------------------------------------------------------------------- xmi


def test_xmi_loads_with_cassis_with_utf16_offsets_in_the_file():
    cassis = pytest.importorskip("cassis")
    data = joined(xmi.write(tricky_docs({"russia": 1}), context()))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        ts = cassis.load_typesystem(archive.read("TypeSystem.xml").decode())
        for document in tricky_docs({"russia": 1}):
            raw = archive.read(f"{document.external_id}.xmi").decode()
            cas = cassis.load_cas_from_xmi(raw, typesystem=ts)
            assert cas.sofa_string == document.text
            entities = list(cas.select(xmi.ENTITY))
            want = [(s.start, s.end, s.label) for s in document.sets[0].spans]
            assert sorted((e.begin, e.end, e.label) for e in entities) == sorted(want)
            for e in entities:
                assert e.get_covered_text() == document.text[e.begin : e.end]
            # The file itself counts UTF-16, as UIMA in Java does.
            units = utf16_offsets(document.text)
            begins = sorted(int(b) for b in re.findall(r'custom:Entity [^>]*begin="(\d+)"', raw))
            assert begins == sorted(units[s.start] for s in document.sets[0].spans)
            [stance] = list(cas.select(xmi.STANCE))
            assert stance.Governor.spanId == "s1" and stance.Dependent.spanId == "s2"


def test_xmi_keeps_actor_ids():
    cassis = pytest.importorskip("cassis")
    data = joined(xmi.write(tricky_docs({"russia": 1})[:1], context()))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        ts = cassis.load_typesystem(archive.read("TypeSystem.xml").decode())
        cas = cassis.load_cas_from_xmi(archive.read("flag.xmi").decode(), typesystem=ts)
    linked = [
        (e.get_covered_text(), e.actorId, e.actorName) for e in cas.select(xmi.ENTITY) if e.actorId
    ]
    assert linked == [("Moscow", "1", "Russia")]


# --------------------------------------------------------------------------- spaCy


def test_spacy_json_uses_code_point_offsets():
    for line, document in zip(
        joined(spacy_format.write(tricky_docs(), context())).splitlines(),
        tricky_docs(),
        strict=True,
    ):
        item = json.loads(line)
        assert item["entities"] == [[s.start, s.end, s.label] for s in document.sets[0].spans]


def test_spacy_docbin_loads_and_its_ents_match():
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    ctx = context()
    data = joined(spacy_format.write_docbin(tricky_docs(), ctx))
    vocab = spacy.blank("xx").vocab
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [part] = archive.namelist()
        docs = list(DocBin().from_bytes(archive.read(part)).get_docs(vocab))
    for loaded, document in zip(docs, tricky_docs(), strict=True):
        assert loaded.text == document.text
        got = [(e.start_char, e.end_char, e.label_) for e in loaded.ents]
        assert got == sorted((s.start, s.end, s.label) for s in document.sets[0].spans)
        assert loaded.user_data["id"] == document.external_id
    assert "misaligned_spans" not in ctx.report


def test_spacy_docbin_reports_a_misaligned_span():
    pytest.importorskip("spacy")
    ctx = context()
    bad = doc("d", "Caracas said no.", [{"id": "a", "start": 0, "end": 4, "label": "GPE"}])
    joined(spacy_format.write_docbin([bad], ctx))
    assert ctx.report["misaligned_spans"] == 1


# --------------------------------------------------------------------------- stances csv


def test_stances_csv_has_the_evidence_sentence():
    out = joined(stances_csv.write(tricky_docs({"russia": 1}), context()))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3
    flag = rows[0]
    assert flag["holder_text"] == "Caracas" and flag["target_actor"] == "Russia"
    assert flag["evidence"] == "🇻🇪 Caracas rejected Moscow’s offer."
    text = tricky_docs()[0].text
    assert text[int(flag["evidence_start"]) : int(flag["evidence_end"])] == flag["evidence"]


def test_stances_csv_standoff_keeps_offsets_only():
    out = joined(stances_csv.write(tricky_docs(), context(include_text=False)))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["evidence"] == "" and rows[0]["holder_text"] == ""
    assert rows[0]["holder_start"] == str(tricky_docs()[0].text.index("Caracas"))


# --------------------------------------------------------------------------- network


def network_docs():
    def one(external_id, published, holder_actor, target_actor, polarity):
        text = "Moscow backs Caracas."
        spans = [
            {"id": "s1", "start": 0, "end": 6, "label": "GPE", "actor": holder_actor},
            {"id": "s2", "start": 13, "end": 20, "label": "GPE", "actor": target_actor},
        ]
        stances = [{"id": "t1", "holder": "s1", "target": "s2", "polarity": polarity}]
        return doc(external_id, text, spans, stances, published=published)

    return [
        one("a", "2023-01-05", 1, 2, "SUPPORT"),
        one("b", "2023-02-05", 1, 2, "SUPPORT"),
        one("c", "2024-03-01", 1, 2, "OPPOSE"),
        one("d", "2024-03-02", 2, 1, "OPPOSE"),
        one("e", None, None, 2, "OPPOSE"),  # holder without actor
    ]


def read_network(ctx):
    data = joined(network.write(network_docs(), ctx))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_network_counts_polarities_and_net_weight_and_reports_missing_actors():
    ctx = context()
    files = read_network(ctx)
    edges = list(csv.DictReader(io.StringIO(files["edges.csv"])))
    assert [(e["source"], e["target"], e["SUPPORT"], e["OPPOSE"], e["net"]) for e in edges] == [
        ("1", "2", "2", "1", "1"),
        ("2", "1", "0", "1", "-1"),
    ]
    report = json.loads(files["report.json"])
    assert report["stances_without_actor"] == {"total": 1, "holder": 1, "target": 0, "both": 0}
    assert ctx.report["stances_without_actor"] == 1
    import xml.etree.ElementTree as ET

    graph = ET.fromstring(files["network.graphml"])
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(graph.findall(".//g:node", ns)) == 2
    assert len(graph.findall(".//g:edge", ns)) == 2


def test_network_time_slices_by_year():
    files = read_network(context(options={"slice": "year"}))
    edges = list(csv.DictReader(io.StringIO(files["edges.csv"])))
    assert [(e["period"], e["source"], e["target"], e["net"]) for e in edges] == [
        ("2023", "1", "2", "2"),
        ("2024", "1", "2", "-1"),
        ("2024", "2", "1", "-1"),
    ]


def test_every_format_has_a_writer_and_a_media_type():
    for fmt in FORMATS.values():
        assert callable(fmt.write) and fmt.content_type and fmt.suffix


def test_the_catalog_holds_every_fact_of_a_format():
    from apps.datasets.formats import UNITS

    for name, fmt in FORMATS.items():
        assert fmt.name == name
        assert fmt.offset_unit is None or fmt.offset_unit in UNITS
        assert fmt.carries and fmt.description and fmt.unit_name
        assert fmt.media_type.split(";")[0] in {
            "application/x-ndjson",
            "application/zip",
            "application/json",
            "text/plain",
            "text/csv",
        }
        # The facts are the catalog's alone: no writer module repeats them.
        module = fmt.load()
        for fact in ("MEDIA_TYPE", "EXTENSION", "NEEDS_TEXT"):
            assert not hasattr(module, fact), (name, fact)
    assert FORMATS["doccano"].offset_unit == "utf16_code_unit"
    assert FORMATS["network"].unit_name == "no offsets (actors and counts)"


def test_a_format_is_available_exactly_when_its_package_is(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        "apps.datasets.formats.find_spec", lambda name: None if name == "cassis" else real(name)
    )
    assert not FORMATS["xmi"].available()
    assert FORMATS["jsonl"].available()
