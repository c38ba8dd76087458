"""Offsets are code points of the text as stored (Python str indexing), end exclusive.

Each text kind round-trips: imported as is, a span computed with str indexing is saved
through `mine/` (and given at import as a prediction) and read back covering exactly
`document.text[start:end]`.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document

# (id, text, the covered string); the covered string occurs once in the text.
CASES = [
    ("flag", "🇻🇪 Caracas welcomed Delcy Rodríguez.", "Caracas"),
    ("flags-twice", "🇷🇺🇻🇪 Moscow 🇺🇸 backs Caracas.", "Caracas"),
    ("zwj-family", "👨\u200d👩\u200d👧 Maduro spoke to families.", "Maduro"),
    ("skin-tone", "👍🏽 Petro approved the deal.", "Petro"),
    ("decomposed-inside", "Delegates of the Quo\u0302\u0301c Hội voted.", "Quo\u0302\u0301c Hội"),
    ("decomposed-before", "Quo\u0302\u0301c Hội: Hanoi responds.", "Hanoi"),
    ("crlf", "MOSCOW (Reuters)\r\n\r\nThe Kremlin condemned it.\r\n", "Kremlin"),
    ("arabic", "قالت وزارة الخارجية الروسية إن موسكو تدين العملية.", "موسكو"),
    ("arabic-harakat", "أَدَانَتْ مُوسْكُو العَمَلِيَّةَ", "مُوسْكُو"),
    ("hebrew", "משרד החוץ הרוסי: מוסקבה מגנה את המבצע.", "מוסקבה"),
    ("mixed-bidi", "Reuters: \u200fموسكو\u200f condemned 🇺🇸 العملية in Venezuela.", "العملية"),
]
IDS = [case[0] for case in CASES]


def utf16_offset(text, index):
    """The UTF-16 code unit offset of code point `index`, as a browser counts."""
    return len(text[:index].encode("utf-16-le")) // 2


@pytest.fixture
def owner(client_for):
    return client_for("olga")


@pytest.fixture
def ana(client_for):
    return client_for("ana")


def import_text(owner, api, text, external_id="d"):
    r = owner.post(api("documents/import/"), [{"id": external_id, "text": text}], format="json")
    assert r.status_code == 201, r.content
    doc = Document.objects.get(external_id=external_id)
    assert doc.text == text  # stored exactly: no newline or Unicode normalisation
    return doc


def put_span(client, url, span):
    version = client.post(url).json()["version"]  # takes the document, or reads the set held
    return client.put(url, {"version": version, "spans": [span], "stances": []}, format="json")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cases_are_what_they_claim(case):
    _name, text, covered = case
    assert text.count(covered) == 1
    start = text.index(covered)
    # Every case has something before or inside the span that makes code points differ
    # from UTF-16 units or from bytes, or reorders on screen.
    end = start + len(covered)
    assert (
        utf16_offset(text, start) != start
        or len(text[:end].encode("utf-8")) != end
        or "\r\n" in text[:start]
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_span_saved_through_mine_round_trips(case, owner, ana, api):
    _name, text, covered = case
    doc = import_text(owner, api, text)
    start = text.index(covered)
    end = start + len(covered)
    url = api(f"documents/{doc.pk}/annotations/mine/")

    r = put_span(ana, url, {"id": "s", "start": start, "end": end, "label": "GPE", "text": covered})
    assert r.status_code == 200, r.content
    assert r.json()["spans"][0]["text"] == covered

    got = ana.get(url).json()["spans"]
    assert len(got) == 1
    assert (got[0]["start"], got[0]["end"]) == (start, end)
    assert got[0]["text"] == doc.text[start:end] == covered

    # The document as the API returns it still slices to the same characters.
    served = ana.get(api(f"documents/{doc.pk}/")).json()["text"]
    assert served == text
    assert served[got[0]["start"] : got[0]["end"]] == covered


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_span_saved_without_text_reads_back_the_covered_text(case, owner, ana, api):
    _name, text, covered = case
    doc = import_text(owner, api, text)
    start = text.index(covered)
    url = api(f"documents/{doc.pk}/annotations/mine/")
    r = put_span(ana, url, {"start": start, "end": start + len(covered), "label": "GPE"})
    assert r.status_code == 200, r.content
    assert [s["text"] for s in ana.get(url).json()["spans"]] == [covered]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_span_given_at_jsonl_import_round_trips(case, owner, ana, api):
    _name, text, covered = case
    start = text.index(covered)
    end = start + len(covered)
    record = {
        "id": "d",
        "text": text,
        "spans": [{"id": "p", "start": start, "end": end, "label": "GPE", "text": covered}],
    }
    line = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
    r = owner.post(
        api("documents/import/"),
        {"file": SimpleUploadedFile("docs.jsonl", line)},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    doc = Document.objects.get()
    assert doc.text == text
    aset = AnnotationSet.objects.get(document=doc)
    assert aset.kind == "prediction"

    # Annotators of a blind project see predictions.
    sets = ana.get(api(f"documents/{doc.pk}/annotations/")).json()
    assert [s["kind"] for s in sets] == ["prediction"]
    spans = sets[0]["spans"]
    assert [(s["id"], s["start"], s["end"]) for s in spans] == [("p", start, end)]
    assert spans[0]["text"] == doc.text[start:end] == covered


@pytest.mark.parametrize("case", [c for c in CASES if c[0] != "crlf"], ids=lambda c: c[0])
def test_utf8_byte_offsets_are_not_code_points(case, owner, ana, api):
    _name, text, covered = case
    doc = import_text(owner, api, text)
    start = text.index(covered)
    byte_start = len(text[:start].encode("utf-8"))
    byte_end = byte_start + len(covered.encode("utf-8"))
    assert (byte_start, byte_end) != (start, start + len(covered))
    url = api(f"documents/{doc.pk}/annotations/mine/")
    span = {"start": byte_start, "end": byte_end, "label": "GPE", "text": covered}
    r = put_span(ana, url, span)
    assert r.status_code == 400, r.content


# --- offsets are not UTF-16 ----------------------------------------------------------------


UTF16_CASES = [c for c in CASES if utf16_offset(c[1], c[1].index(c[2])) != c[1].index(c[2])]


@pytest.mark.parametrize("case", UTF16_CASES, ids=lambda c: c[0])
def test_utf16_offsets_with_text_are_rejected(case, owner, ana, api):
    _name, text, covered = case
    doc = import_text(owner, api, text)
    start = utf16_offset(text, text.index(covered))
    end = start + len(covered.encode("utf-16-le")) // 2
    url = api(f"documents/{doc.pk}/annotations/mine/")
    r = put_span(ana, url, {"start": start, "end": end, "label": "GPE", "text": covered})
    assert r.status_code == 400, r.content
    error = r.json()["errors"][0]
    if end <= len(text):
        # Lands on other characters: the message shows both.
        assert error["field"] == "spans[0].text"
        assert covered in error["message"]
        assert text[start:end] in error["message"]
    else:
        # Runs past the end of the text, counted in code points.
        assert error["field"] == "spans[0].end"
        assert str(len(text)) in error["message"]
    assert ana.get(url).json()["spans"] == []


def test_utf16_offsets_without_text_cover_other_characters(owner, ana, api):
    text = "🇻🇪 Caracas welcomed Delcy Rodríguez."
    doc = import_text(owner, api, text)
    start = utf16_offset(text, text.index("Caracas"))
    assert start == 5  # two astral code points are four UTF-16 units
    url = api(f"documents/{doc.pk}/annotations/mine/")
    r = put_span(ana, url, {"start": start, "end": start + 7, "label": "GPE"})
    assert r.status_code == 200, r.content
    got = ana.get(url).json()["spans"][0]
    assert got["text"] == text[5:12] == "racas w"
    assert got["text"] != "Caracas"


def test_utf16_end_at_text_end_is_out_of_bounds(owner, ana, api):
    text = "🇻🇪 Caracas"
    doc = import_text(owner, api, text)
    assert text[3:] == "Caracas" and len(text) == 10
    url = api(f"documents/{doc.pk}/annotations/mine/")
    assert put_span(ana, url, {"start": 3, "end": 10, "label": "GPE"}).status_code == 200
    r = put_span(ana, url, {"start": 5, "end": 12, "label": "GPE"})
    assert r.status_code == 400, r.content
    error = r.json()["errors"][0]
    assert error["field"] == "spans[0].end"
    assert "10" in error["message"]


def test_utf16_offsets_at_import_are_rejected(owner, api):
    text = "🇻🇪 Caracas welcomed Delcy Rodríguez."
    record = {
        "id": "d",
        "text": text,
        "spans": [{"start": 5, "end": 12, "label": "GPE", "text": "Caracas"}],
    }
    r = owner.post(api("documents/import/"), [record], format="json")
    assert r.status_code == 400, r.content
    error = r.json()["errors"][0]
    assert error["field"] == "spans[0].text"
    assert "Caracas" in error["message"] and "racas w" in error["message"]
    assert not Document.objects.exists()


def test_span_ending_inside_a_decomposed_letter_covers_only_the_base(owner, ana, api):
    # Code points, not grapheme clusters: "Quo" without its combining marks is a valid span
    # and reads back as exactly those three code points.
    text = "Quo\u0302\u0301c Hội"
    doc = import_text(owner, api, text)
    url = api(f"documents/{doc.pk}/annotations/mine/")
    r = put_span(ana, url, {"start": 0, "end": 3, "label": "ORG", "text": "Quo"})
    assert r.status_code == 200, r.content
    assert ana.get(url).json()["spans"][0]["text"] == "Quo"
    # The precomposed "Quốc" (NFC) is not the stored decomposed text.
    r = put_span(ana, url, {"start": 0, "end": 6, "label": "ORG", "text": "Qu\u1ed1c"})
    assert r.status_code == 400, r.content
