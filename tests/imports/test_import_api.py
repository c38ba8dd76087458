"""POST documents/import/: files (JSONL, JSON, CSV, TXT, ZIP) or a JSON list, atomically."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.annotations.models import AnnotationSet, Span, Stance
from apps.documents.models import Document

NO_SETS = {"annotator": 0, "gold": 0, "prediction": 0}

CARACAS = "Moscow backs Caracas."


def upload(client, url, name, content, fmt=None):
    if isinstance(content, str):
        content = content.encode("utf-8")
    data = {"file": SimpleUploadedFile(name, content)}
    if fmt is not None:
        data["format"] = fmt
    return client.post(url, data, format="multipart")


def jsonl(*records):
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"


def texts():
    return dict(Document.objects.values_list("external_id", "text"))


def test_fixture_offsets_are_right():
    assert CARACAS[0:6] == "Moscow" and CARACAS[13:20] == "Caracas"


# --- formats -------------------------------------------------------------------------------


def test_jsonl(owner, url):
    body = jsonl(
        {"id": "a", "text": "First line.\r\nSecond 🇻🇪 line.", "title": "A", "meta": {"k": 1}},
        {"id": "b", "text": "  leading and trailing spaces  "},
    )
    r = upload(owner, url, "docs.jsonl", body)
    assert r.status_code == 201, r.content
    assert r.json() == {"created": 2, "skipped": 0, "errors": [], "sets": NO_SETS}
    assert texts() == {
        "a": "First line.\r\nSecond 🇻🇪 line.",
        "b": "  leading and trailing spaces  ",
    }
    a = Document.objects.get(external_id="a")
    assert a.title == "A" and a.meta == {"k": 1}


def test_json_list_body(owner, url):
    records = [{"id": "x", "text": "Quo\u0302\u0301c Hội"}, {"id": "y", "text": "Two"}]
    r = owner.post(url, records, format="json")
    assert r.status_code == 201, r.content
    assert r.json() == {"created": 2, "skipped": 0, "errors": [], "sets": NO_SETS}
    assert texts() == {"x": "Quo\u0302\u0301c Hội", "y": "Two"}


def test_json_file(owner, url):
    records = [{"id": "x", "text": "From a JSON file."}]
    r = upload(owner, url, "docs.json", json.dumps(records))
    assert r.status_code == 201, r.content
    assert texts() == {"x": "From a JSON file."}


def test_csv(owner, url):
    body = 'id,title,text\r\n1,First,"Hello, world"\r\n2,Second,"Two\r\nlines"\r\n'
    r = upload(owner, url, "docs.csv", body)
    assert r.status_code == 201, r.content
    assert r.json()["created"] == 2
    assert texts() == {"1": "Hello, world", "2": "Two\r\nlines"}
    assert Document.objects.get(external_id="1").title == "First"


def test_txt(owner, url):
    body = "Plain text\r\nwith a CRLF and é.\n"
    r = upload(owner, url, "note.txt", body)
    assert r.status_code == 201, r.content
    doc = Document.objects.get()
    assert doc.text == body
    assert doc.external_id == "note"


def test_zip_of_txt_files(owner, url):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("b.txt", "Second file.\n")
        archive.writestr("a.txt", "First file 🇻🇪.")
    r = upload(owner, url, "docs.zip", buffer.getvalue())
    assert r.status_code == 201, r.content
    assert r.json()["created"] == 2
    assert texts() == {"a": "First file 🇻🇪.", "b": "Second file.\n"}


def test_explicit_format_overrides_the_name(owner, url):
    r = upload(owner, url, "export.data", jsonl({"id": "a", "text": "x"}), fmt="jsonl")
    assert r.status_code == 201, r.content
    assert texts() == {"a": "x"}


def test_no_file_and_no_list_is_400(owner, url):
    r = owner.post(url, {"text": "one document, not a list"}, format="json")
    assert r.status_code == 400, r.content
    assert not Document.objects.exists()


# --- imported spans become a prediction set ------------------------------------------------


def test_jsonl_spans_become_one_prediction_set(owner, url):
    body = jsonl(
        {
            "id": "a",
            "text": CARACAS,
            "spans": [
                {"id": "m", "start": 0, "end": 6, "label": "GPE", "text": "Moscow"},
                {"id": "c", "start": 13, "end": 20, "label": "GPE"},
            ],
            "stances": [{"holder": "m", "target": "c", "polarity": "SUPPORT"}],
        },
        {"id": "b", "text": "No annotations here."},
    )
    r = upload(owner, url, "docs.jsonl", body)
    assert r.status_code == 201, r.content
    a = Document.objects.get(external_id="a")
    b = Document.objects.get(external_id="b")
    sets = AnnotationSet.objects.filter(kind=AnnotationSet.Kind.PREDICTION)
    assert sets.count() == 1
    aset = sets.get()
    assert aset.document == a
    assert aset.source == "import"
    assert not AnnotationSet.objects.filter(document=b).exists()
    assert not AnnotationSet.objects.exclude(kind=AnnotationSet.Kind.PREDICTION).exists()
    spans = {s.sid: (s.start, s.end, s.label.name) for s in Span.objects.filter(set=aset)}
    assert spans == {"m": (0, 6, "GPE"), "c": (13, 20, "GPE")}
    stance = Stance.objects.get(set=aset)
    assert (stance.holder.sid, stance.target.sid, stance.polarity.name) == ("m", "c", "SUPPORT")
    # A prediction is not an annotator: the document is still new.
    a.refresh_from_db()
    assert a.annotator_count == 0


def test_json_list_spans_become_a_prediction_set(owner, url):
    records = [{"id": 1, "text": CARACAS, "spans": [{"start": 13, "end": 20, "label": "GPE"}]}]
    r = owner.post(url, records, format="json")
    assert r.status_code == 201, r.content
    aset = AnnotationSet.objects.get()
    assert aset.kind == "prediction" and aset.source == "import"
    assert list(Span.objects.values_list("sid", "start", "end")) == [("s1", 13, 20)]


# --- atomic: nothing stored on any bad record ----------------------------------------------


def test_malformed_jsonl_line_stores_nothing(owner, url):
    body = (
        json.dumps({"id": "a", "text": "fine"})
        + "\n"
        + '{"id": "b", "text": "broken'
        + "\n"
        + json.dumps(
            {"id": "c", "text": "also fine", "spans": [{"start": 0, "end": 4, "label": "ORG"}]}
        )
        + "\n"
    )
    r = upload(owner, url, "docs.jsonl", body)
    assert r.status_code == 400, r.content
    data = r.json()
    assert data["created"] == 0
    assert len(data["errors"]) == 1
    assert data["errors"][0]["where"] == "line 2"
    assert "line 2" in data["errors"][0]["message"]
    assert "line 2" in data["detail"]
    assert not Document.objects.exists()
    assert not AnnotationSet.objects.exists()


def test_every_bad_record_is_listed(owner, url):
    body = jsonl(
        {"id": "a", "text": "fine"},
        {"id": "b"},
        {"id": "c", "text": CARACAS, "spans": [{"start": 0, "end": 6, "label": "LOC"}]},
    )
    r = upload(owner, url, "docs.jsonl", body)
    assert r.status_code == 400, r.content
    assert [e["where"] for e in r.json()["errors"]] == ["line 2", "line 3"]
    assert not Document.objects.exists()


def test_csv_without_text_column(owner, url):
    r = upload(owner, url, "docs.csv", "id,title,body\n1,One,Hello\n")
    assert r.status_code == 400, r.content
    detail = r.json()["detail"]
    assert '"text" column' in detail
    assert "body" in detail
    assert not Document.objects.exists()


def test_span_text_mismatch_names_line_and_field(owner, url):
    body = jsonl(
        {"id": "a", "text": "fine"},
        {
            "id": "b",
            "text": CARACAS,
            "spans": [{"start": 13, "end": 20, "label": "GPE", "text": "Havana"}],
        },
    )
    r = upload(owner, url, "docs.jsonl", body)
    assert r.status_code == 400, r.content
    error = r.json()["errors"][0]
    assert error["where"] == "line 2"
    assert error["field"] == "spans[0].text"
    assert "line 2" in error["message"] and "spans[0].text" in error["message"]
    assert "Havana" in error["message"] and "Caracas" in error["message"]
    assert not Document.objects.exists()


def test_unknown_label_in_jsonl_spans(owner, url):
    body = jsonl({"id": "a", "text": CARACAS, "spans": [{"start": 0, "end": 6, "label": "LOC"}]})
    r = upload(owner, url, "docs.jsonl", body)
    assert r.status_code == 400, r.content
    error = r.json()["errors"][0]
    assert error["field"] == "spans[0].label"
    assert "LOC" in error["message"] and "GPE" in error["message"]
    assert not Document.objects.exists()


def test_duplicate_ids_in_one_file_name_both_lines(owner, url):
    body = jsonl(
        {"id": "a", "text": "one"},
        {"id": "b", "text": "two"},
        {"id": "a", "text": "three"},
    )
    r = upload(owner, url, "docs.jsonl", body)
    assert r.status_code == 400, r.content
    error = r.json()["errors"][0]
    assert "line 3" in error["message"] and "line 1" in error["message"]
    assert not Document.objects.exists()


def test_numeric_and_string_id_that_collide_are_duplicates(owner, url):
    r = owner.post(url, [{"id": 5, "text": "one"}, {"id": "5", "text": "two"}], format="json")
    assert r.status_code == 400, r.content
    assert not Document.objects.exists()


def test_invalid_utf8(owner, url):
    r = upload(owner, url, "docs.jsonl", b'{"id": "a", "text": "caf\xe9"}\n')
    assert r.status_code == 400, r.content
    assert "UTF-8" in r.json()["detail"]
    assert not Document.objects.exists()


# --- idempotent ----------------------------------------------------------------------------


def test_reimport_skips_every_document(owner, url):
    body = jsonl(
        {"id": "a", "text": CARACAS, "spans": [{"start": 0, "end": 6, "label": "GPE"}]},
        {"id": "b", "text": "two"},
        {"id": "c", "text": "three"},
    )
    assert upload(owner, url, "docs.jsonl", body).status_code == 201
    r = upload(owner, url, "docs.jsonl", body)
    assert r.status_code == 200, r.content
    assert r.json() == {"created": 0, "skipped": 3, "errors": [], "sets": NO_SETS}
    assert Document.objects.count() == 3
    assert AnnotationSet.objects.count() == 1


def test_partial_reimport_counts_created_and_skipped(owner, url):
    assert upload(owner, url, "a.jsonl", jsonl({"id": "a", "text": "one"})).status_code == 201
    body = jsonl({"id": "a", "text": "one"}, {"id": "b", "text": "two"})
    r = upload(owner, url, "b.jsonl", body)
    assert r.status_code == 201, r.content
    assert r.json() == {"created": 1, "skipped": 1, "errors": [], "sets": NO_SETS}


def test_records_without_id_are_idempotent(owner, url):
    records = [{"text": "no id here"}]
    assert owner.post(url, records, format="json").status_code == 201
    r = owner.post(url, records, format="json")
    assert r.status_code == 200 and r.json()["skipped"] == 1
    assert Document.objects.count() == 1


# --- limits and permissions ----------------------------------------------------------------


def test_file_over_the_limit_is_413(owner, url, settings):
    settings.ACCORD_IMPORT_MAX_BYTES = 1000
    body = jsonl({"id": "a", "text": "x" * 2000})
    r = upload(owner, url, "big.jsonl", body)
    assert r.status_code == 413, r.content
    length = int(r.wsgi_request.META["CONTENT_LENGTH"])
    detail = r.json()["detail"].replace(",", "")
    assert str(length) in detail
    assert "1000" in detail
    assert not Document.objects.exists()


def test_json_list_over_the_limit_is_413(owner, url, settings):
    settings.ACCORD_IMPORT_MAX_BYTES = 1000
    r = owner.post(url, [{"id": "a", "text": "x" * 2000}], format="json")
    assert r.status_code == 413, r.content
    assert not Document.objects.exists()


def test_file_under_the_limit_is_fine(owner, url, settings):
    settings.ACCORD_IMPORT_MAX_BYTES = 1000
    r = upload(owner, url, "small.jsonl", jsonl({"id": "a", "text": "x" * 100}))
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("name", ["ana", "rita"])
def test_non_owner_may_not_import(client_for, url, name):
    r = upload(client_for(name), url, "docs.jsonl", jsonl({"id": "a", "text": "x"}))
    assert r.status_code == 403, r.content
    assert not Document.objects.exists()


def test_outsider_gets_404(client_for, url):
    r = upload(client_for("oscar"), url, "docs.jsonl", jsonl({"id": "a", "text": "x"}))
    assert r.status_code == 404, r.content
    assert not Document.objects.exists()


# --- ids and metadata ----------------------------------------------------------------------


def test_numeric_id_kept_as_decimal_text(owner, url, api):
    r = upload(owner, url, "docs.jsonl", jsonl({"id": 12345, "text": "x"}))
    assert r.status_code == 201, r.content
    assert Document.objects.get().external_id == "12345"
    listed = owner.get(api("documents/"), {"external_id": "12345"}).json()["results"]
    assert [d["external_id"] for d in listed] == ["12345"]


def test_news_metadata_stored_and_filterable(owner, url, api):
    body = jsonl(
        {
            "id": "r1",
            "text": "Reuters, January 3.",
            "outlet": "Reuters",
            "author": "Jane Doe",
            "section": "World",
            "url": "https://example.com/r1",
            "published": "2026-01-03",
        },
        {
            "id": "r2",
            "text": "Reuters, January 10.",
            "outlet": "Reuters",
            "published": "2026-01-10",
        },
        {"id": "t1", "text": "TASS, January 5.", "outlet": "TASS", "published": "2026-01-05"},
    )
    r = upload(owner, url, "docs.jsonl", body)
    assert r.status_code == 201, r.content
    r1 = Document.objects.get(external_id="r1")
    assert (r1.outlet, r1.author, r1.section, r1.url) == (
        "Reuters",
        "Jane Doe",
        "World",
        "https://example.com/r1",
    )
    assert r1.published == datetime.date(2026, 1, 3)

    def ids(**params):
        r = owner.get(api("documents/"), params)
        assert r.status_code == 200, r.content
        return [d["external_id"] for d in r.json()["results"]]

    assert ids(outlet="Reuters") == ["r1", "r2"]
    assert ids(outlet="Reuters", published_after="2026-01-04") == ["r2"]
    assert ids(published_before="2026-01-05") == ["r1", "t1"]
    assert ids(published_after="2026-01-04", published_before="2026-01-06") == ["t1"]

    detail = owner.get(api(f"documents/{r1.pk}/")).json()
    assert detail["outlet"] == "Reuters" and detail["author"] == "Jane Doe"
    assert detail["section"] == "World" and detail["url"] == "https://example.com/r1"
    assert detail["published"] == "2026-01-03"


def test_bad_published_date_is_400(owner, url):
    r = upload(owner, url, "docs.jsonl", jsonl({"id": "a", "text": "x", "published": "3 Jan"}))
    assert r.status_code == 400, r.content
    assert r.json()["errors"][0]["field"] == "published"
    assert not Document.objects.exists()
