"""manage.py import_documents: a file of records stored, its progress shown."""

import io
import json

import pytest
from django.core.management import call_command

from apps.documents.models import Document

pytestmark = pytest.mark.django_db


def test_the_command_imports_a_file_and_reports_progress(project, tmp_path):
    path = tmp_path / "docs.jsonl"
    records = [
        {"id": f"c{n}", "text": f"Moscow defended sovereignty, day {n}.", "published": "2026-01-11"}
        for n in range(3)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = io.StringIO()
    call_command("import_documents", str(project.pk), str(path), stdout=out)
    assert sorted(
        Document.objects.filter(project=project).values_list("external_id", flat=True)
    ) == [
        "c0",
        "c1",
        "c2",
    ]
    assert "Storing 3/3 (100%)" in out.getvalue()
    assert "Imported 3 document(s)" in out.getvalue()
