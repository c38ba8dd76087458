"""manage.py recount: the documents' set counts, recomputed from the sets."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.annotations.assignment import claim
from apps.annotations.counters import recount
from apps.annotations.sets import submit_set
from apps.documents.models import Document
from tests.builders import make_project

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned the U.S. operation against Venezuela."


@pytest.fixture
def docs(project, users):
    """d1: two sets, one submitted; d2: none; d3: one; x1 in another project."""
    project.max_unfinished_per_annotator = 2  # ana holds d1 and d3
    project.save(update_fields=["max_unfinished_per_annotator"])
    d1, d2, d3 = (
        Document.objects.create(project=project, external_id=f"d{i}", text=TEXT) for i in (1, 2, 3)
    )
    claim(d1, users["ana"])
    submit_set(claim(d1, users["ben"])[0])
    claim(d3, users["ana"])
    other = make_project(users)
    x1 = Document.objects.create(project=other, external_id="x1", text=TEXT)
    claim(x1, users["ana"])
    return {d.external_id: d for d in (d1, d2, d3, x1)}


def counts():
    return {
        ext: (a, s)
        for ext, a, s in Document.objects.values_list(
            "external_id", "annotator_count", "submitted_count"
        )
    }


RIGHT = {"d1": (2, 1), "d2": (0, 0), "d3": (1, 0), "x1": (1, 0)}


def corrupt(**values):
    for ext, (a, s) in values.items():
        Document.objects.filter(external_id=ext).update(annotator_count=a, submitted_count=s)


def run(*args):
    out = StringIO()
    call_command("recount", *args, stdout=out)
    return out.getvalue()


def test_a_clean_database_reports_nothing_changed(docs):
    assert counts() == RIGHT
    assert run() == "Checked 4 documents: every count is right; nothing changed.\n"
    assert counts() == RIGHT


def test_wrong_counts_are_corrected_and_reported(docs, project):
    corrupt(d1=(5, 0), d2=(1, 1))
    d1, d2 = docs["d1"], docs["d2"]
    assert run() == (
        "Corrected the counts of 2 of 4 documents:\n"
        f"  project {project.pk}, document d1 (id {d1.pk}): "
        "annotator_count 5 → 2, submitted_count 0 → 1\n"
        f"  project {project.pk}, document d2 (id {d2.pk}): "
        "annotator_count 1 → 0, submitted_count 1 → 0\n"
    )
    assert counts() == RIGHT
    assert run().startswith("Checked 4 documents: every count is right")


def test_a_dry_run_reports_and_changes_nothing(docs, project):
    corrupt(d3=(0, 0))
    out = run("--dry-run")
    assert out == (
        "Would correct the counts of 1 of 4 documents:\n"
        f"  project {project.pk}, document d3 (id {docs['d3'].pk}): annotator_count 0 → 1\n"
        "Dry run: nothing changed.\n"
    )
    assert counts() == RIGHT | {"d3": (0, 0)}


def test_project_limits_it_to_one_project(docs, project):
    corrupt(d3=(0, 0), x1=(3, 2))
    out = run("--project", str(project.pk))
    assert out.startswith("Corrected the counts of 1 of 3 documents:\n")
    assert counts() == RIGHT | {"x1": (3, 2)}


def test_the_list_is_capped(docs):
    corrupt(d1=(0, 0), d2=(1, 0), d3=(0, 0))
    lines = run("--show", "2").splitlines()
    assert lines[0] == "Corrected the counts of 3 of 4 documents:"
    assert len(lines) == 4 and lines[-1] == "  … and 1 more."
    assert counts() == RIGHT


def make_wrong_documents(project, n):
    """n documents without sets, each claiming one annotator."""
    start = Document.objects.count()
    Document.objects.bulk_create(
        Document(project=project, external_id=f"w{i}", text=TEXT, annotator_count=1)
        for i in range(start, start + n)
    )


def queries(**options):
    with CaptureQueriesContext(connection) as captured:
        checked, changes = recount(**options)
    return len(captured), checked, len(changes)


def test_the_queries_do_not_grow_with_the_wrong_documents(project):
    make_wrong_documents(project, 3)
    few = queries()
    Document.objects.update(annotator_count=1)
    make_wrong_documents(project, 27)
    Document.objects.update(annotator_count=1)
    many = queries()
    assert (few[1:], many[1:]) == ((3, 3), (30, 30))
    assert few[0] == many[0]


def test_it_works_through_the_documents_in_chunks(project):
    make_wrong_documents(project, 30)
    one_chunk = queries(chunk_size=30)[0]
    Document.objects.update(annotator_count=1)
    assert queries(chunk_size=7) == (5 * (one_chunk - 1) + 1, 30, 30)
    assert not Document.objects.exclude(annotator_count=0).exists()
