import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_export_dataset_writes_the_file_and_shows_progress(gold_project, tmp_path):
    out = tmp_path / "gold.jsonl"
    err = io.StringIO()
    call_command(
        "export_dataset", str(gold_project.pk), "--format", "jsonl", "--out", str(out), stderr=err
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == ["flag", "marks", "rtl"]
    assert "3/3 (100%)" in err.getvalue()


def test_export_dataset_prints_the_conll_report(gold_project, tmp_path):
    from apps.annotations.models import Span

    Span.objects.filter(set__document__external_id="flag", sid="s1").update(
        end=6
    )  # "Car" of "Caracas"
    err = io.StringIO()
    out = tmp_path / "gold.conll"
    call_command(
        "export_dataset", gold_project.name, "--format", "conll", "--out", str(out), stderr=err
    )
    assert '"misaligned_spans": 1' in err.getvalue()


def test_export_dataset_refuses_standoff_conll(gold_project, tmp_path):
    with pytest.raises(CommandError, match="without the text"):
        call_command(
            "export_dataset",
            str(gold_project.pk),
            "--format",
            "conll",
            "--no-text",
            "--out",
            str(tmp_path / "x"),
        )


def test_export_dataset_names_the_option_at_fault(gold_project, tmp_path):
    out = str(tmp_path / "x")
    with pytest.raises(CommandError, match=r"^--published-from: published_from must be a date"):
        call_command(
            "export_dataset", str(gold_project.pk), "--format", "jsonl", "--out", out,
            "--published-from", "May",
        )  # fmt: skip
    with pytest.raises(CommandError, match=r"^--split: "):
        call_command(
            "export_dataset", str(gold_project.pk), "--format", "jsonl", "--out", out,
            "--split", "holdout",
        )  # fmt: skip
