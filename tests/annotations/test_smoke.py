from apps.documents.models import Document

NO_SETS = {"annotator": 0, "gold": 0, "prediction": 0}


def test_import_annotate_read_back(project, client_for, api):
    owner, ana = client_for("olga"), client_for("ana")
    text = "Moscow 🇷🇺 backs Caracas.\r\nQuo\u0302\u0301c spoke."
    r = owner.post(api("documents/import/"), [{"id": 7, "text": text}], format="json")
    assert r.status_code == 201, r.content
    assert r.json() == {"created": 1, "skipped": 0, "errors": [], "sets": NO_SETS}
    doc = Document.objects.get()
    assert doc.external_id == "7" and doc.text == text

    r = ana.post(api("documents/next/"))
    assert r.status_code == 200, r.content
    assert r.json()["id"] == doc.pk
    version = r.json()["set"]["version"]

    start = text.index("Caracas")
    body = {
        "version": version,
        "spans": [
            {"id": "a", "start": 0, "end": 6, "label": "GPE", "text": "Moscow"},
            {"id": "b", "start": start, "end": start + 7, "label": "GPE", "text": "Caracas"},
        ],
        "stances": [{"holder": "a", "target": "b", "polarity": "SUPPORT"}],
    }
    r = ana.put(api(f"documents/{doc.pk}/annotations/mine/"), body, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["version"] == version + 1
    r = ana.get(api(f"documents/{doc.pk}/annotations/mine/"))
    assert [s["text"] for s in r.json()["spans"]] == ["Moscow", "Caracas"]
    assert r.json()["stances"][0]["id"] == "t1"
