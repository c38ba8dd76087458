"""The import page in Chromium: a file with a bad record is refused with every
problem listed and nothing stored; fixed, it previews and imports."""

import json

import pytest
from playwright.sync_api import expect

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from tests.builders import make_document, open_page

pytestmark = pytest.mark.browser


def jsonl(tmp_path, name, records):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return path


RECORDS = [
    {
        "id": "w1",
        "title": "Moscow condemns",
        "text": "Moscow condemned the strikes. 🇻🇪",
        "outlet": "Wire",
        "published": "2026-01-04",
        "spans": [{"start": 0, "end": 6, "label": "GPE"}],
    },
    {"id": "w2", "title": "Caracas answers", "text": "Caracas answered."},
]


def test_import_a_file_with_a_bad_record_then_fixed(
    page, live_server, project, tmp_path, screenshot_path
):
    make_document(project, "w0", text="Already here.")
    open_page(page, live_server.url, f"/projects/{project.pk}/import/", "olga")

    bad = jsonl(tmp_path, "bad.jsonl", [*RECORDS, {"id": "w3", "title": "No text"}])
    page.set_input_files("#file", str(bad))
    expect(page.locator("#problem-rows tr")).to_have_count(1)
    expect(page.locator("#problem-rows")).to_contain_text("line 3")
    expect(page.locator("#problem-rows")).to_contain_text("text")
    expect(page.locator("#import-button")).to_be_disabled()
    assert (
        not Document.objects.filter(project=project, external_id__startswith="w")
        .exclude(external_id="w0")
        .exists()
    )

    good = jsonl(tmp_path, "good.jsonl", [{"id": "w0", "text": "Already here."}, *RECORDS])
    page.set_input_files("#file", str(good))
    expect(page.locator("#summary")).to_contain_text("Format jsonl")
    expect(page.locator("#summary")).to_contain_text("2 new ones to store")
    expect(page.locator("#summary")).to_contain_text("1 already in the project, skipped")
    expect(page.locator("#problems-block")).to_be_hidden()
    expect(page.locator("#preview-rows tr")).to_have_count(3)
    expect(page.locator("#preview-rows")).to_contain_text("Moscow condemned the strikes. 🇻🇪")
    expect(page.locator("#import-button")).to_have_text("Import 2 new documents")
    page.screenshot(path=screenshot_path("import.png"), full_page=True)

    page.click("#import-button")
    expect(page.locator("#result")).to_contain_text(
        "Imported 2 documents with 1 prediction set, 1 duplicate skipped."
    )
    stored = Document.objects.get(project=project, external_id="w1")
    assert stored.text == RECORDS[0]["text"] and stored.outlet == "Wire"
    assert AnnotationSet.objects.filter(document=stored, kind="prediction").count() == 1
    page.click("#result a")
    page.wait_for_url(f"**/projects/{project.pk}/documents/")
