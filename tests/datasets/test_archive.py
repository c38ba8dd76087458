"""Project archives: a round trip is identical, a restore is all or nothing."""

import gzip
import io
import itertools
from pathlib import Path

import orjson
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.actors.models import Actor, Concept
from apps.annotations.counters import recount
from apps.annotations.models import AnnotationSet, Span, Stance
from apps.datasets.archive import ArchiveError, restore_archive, write_archive
from apps.datasets.archive.fields import NOT_ARCHIVED, SPECS
from apps.datasets.models import Release
from apps.documents.models import Document
from apps.projects.models import Project
from apps.review.models import AdjudicationEvent, Decision
from tests.builders import add_prediction, make_document, span
from tests.datasets.archive_world import rich_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def rich(users, client_for, media):
    return rich_project(users, client_for, name="Rich")


def archive_of(project, chunk_size=2):
    out = io.BytesIO()
    write_archive(project, out, chunk_size=chunk_size)
    return out.getvalue()


def records(data):
    return [orjson.loads(line) for line in gzip.decompress(data).splitlines()]


def without_header(data):
    return records(data)[1:]


def test_round_trip_is_identical_but_for_the_header(rich):
    first = archive_of(rich)
    restored, counts = restore_archive(io.BytesIO(first), chunk_size=3)
    assert restored.pk != rich.pk
    second = archive_of(restored)
    assert without_header(second) == without_header(first)
    head1, head2 = records(first)[0], records(second)[0]
    assert head1["counts"] == head2["counts"] == records(first)[-1]["counts"]
    assert counts == head1["counts"]
    # The world has something of every kind.
    assert all(n > 0 for n in head1["counts"].values()), head1["counts"]


def test_restore_after_deleting_the_original_is_identical(rich, media):
    first = archive_of(rich)
    Release.objects.filter(project=rich).delete()
    rich.delete()
    restored, _ = restore_archive(io.BytesIO(first))
    assert without_header(archive_of(restored)) == without_header(first)


def test_restored_rows_keep_text_offsets_merges_history(rich):
    restored, _ = restore_archive(io.BytesIO(archive_of(rich)), name="Copy")
    assert restored.name == "Copy"
    for original in Document.objects.filter(project=rich):
        copy = Document.objects.get(project=restored, external_id=original.external_id)
        assert copy.text.encode() == original.text.encode()
        counts = ("annotator_count", "submitted_count", "annotators_wanted", "wanted")
        assert [getattr(copy, n) for n in counts] == [getattr(original, n) for n in counts]
        assert copy.created_at == original.created_at
        assert copy.adjudicated_at == original.adjudicated_at
    # recount finds nothing to fix.
    assert recount(Document.objects.filter(project=restored), dry_run=True)[1] == []
    # The merge chain: USSR → Russian Federation → Russia.
    ussr = Actor.objects.get(project=restored, name="USSR")
    assert ussr.merged_into.name == "Russian Federation"
    assert ussr.merged_into.merged_into.name == "Russia"
    assert ussr.merged_by.username == "rita"
    russia = ussr.merged_into.merged_into
    assert set(russia.aliases.values_list("text", "case_sensitive")) >= {
        ("Moscow", True),
        ("the kremlin", False),
        ("USSR", True),
        ("Soviet Union", True),
    }
    # Spans link the restored actors, never the source's.
    linked = set(
        Span.objects.filter(set__document__project=restored).values_list(
            "actor__project", flat=True
        )
    )
    assert linked == {restored.pk, None}
    # Decisions name restored actors and users.
    accept = Decision.objects.filter(document__project=restored, item__label="GPE").first()
    assert Actor.objects.get(pk=accept.item["actor"]).project == restored
    original_accept = Decision.objects.filter(document__project=rich, item__label="GPE").first()
    assert accept.annotators != [] and len(accept.annotators) == len(original_accept.annotators)
    assert (
        Decision.objects.filter(document__project=restored, reversed_at__isnull=False).count() == 1
    )
    # A decision on a stance on a concept names the restored concept; one on
    # a category its label; both name who made them.
    claim = Decision.objects.get(document__project=restored, item_type="concept_stance")
    concept = Concept.objects.get(pk=claim.item["concept"])
    assert (concept.project, concept.name) == (restored, "State sovereignty")
    assert claim.after["concept_stances"][0]["concept"] == concept.pk
    assert len(claim.annotators) == 1
    category = Decision.objects.get(document__project=restored, item_type="category")
    assert (category.item, category.rationale) == ({"label": "FRAME_LAW"}, "the Charter")
    gold = AnnotationSet.objects.get(document__project=restored, kind="gold")
    assert list(gold.categories.values_list("label__name", flat=True)) == ["FRAME_LAW"]
    assert gold.stances.filter(concept=concept).count() == 1
    events = AdjudicationEvent.objects.filter(document__project=restored).order_by("id")
    assert [(e.action, e.reason) for e in events] == [
        ("accept", ""),
        ("reopen", "check the cue"),
        ("accept", ""),
    ]
    # Stances with their cues.
    cue = Stance.objects.filter(set__document__project=restored, cue__isnull=False).get()
    assert cue.cue.label.name == "CUE"
    # The release's manifest, byte for byte.
    release = Release.objects.get(project=restored)
    original = Release.objects.get(project=rich)
    assert release.manifest_file.read() == original.manifest_file.read()
    assert release.manifest_sha256 == original.manifest_sha256
    assert release.job is None and not release.files.exists()


def test_review_scores_are_recomputed(rich):
    restored, _ = restore_archive(io.BytesIO(archive_of(rich)))
    original = dict(rich.documents.values_list("external_id", "disagreement"))
    copied = dict(restored.documents.values_list("external_id", "disagreement"))
    assert copied == original
    assert any(score is not None for score in copied.values())


def nested(depth):
    value = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def rewrite(data, change):
    """The archive with `change(records)` applied to its records."""
    lines = records(data)
    change(lines)
    return gzip.compress(b"".join(orjson.dumps(r) + b"\n" for r in lines))


def stored_counts():
    models = (Project, Actor, Document, AnnotationSet, Span, Stance, Decision, Release)
    return {m.__name__: m.objects.count() for m in models}


def stored_files():
    return sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def refused(data, **options):
    """The ArchiveError restoring `data` raises, having stored no row and no file."""
    before, files = stored_counts(), stored_files()
    with pytest.raises(ArchiveError) as caught:
        restore_archive(io.BytesIO(data), **options)
    assert stored_counts() == before
    assert stored_files() == files
    return caught.value


def test_a_bad_record_in_the_middle_stores_nothing(rich, media):
    data = archive_of(rich)

    def corrupt(lines):
        doc = [r for r in lines if r["type"] == "document"][2]  # after a chunk was stored
        doc["sets"][0]["spans"][0]["label"] = "NEUTRAL"

    error = refused(rewrite(data, corrupt), chunk_size=2)
    assert "sets[0].spans[0].label" in error.message
    assert "NEUTRAL is a stance label" in error.message
    assert '(document "rtl")' in error.message


def test_a_problem_after_the_manifests_were_stored_deletes_them(rich):
    data = rewrite(archive_of(rich), lambda r: r[-1]["counts"].update(spans=0))
    before = len(stored_files())
    error = refused(data)  # the release (and its manifest file) came before the end record
    assert "counts" in error.message
    assert len(stored_files()) == before


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        (lambda r: r[0].update(version=99), "version", "restores version 1"),
        (lambda r: r.pop(), "end", "truncated"),
        (
            lambda r: next(x for x in r if x["type"] == "document").update(text="changed"),
            "text",
            "text_sha256",
        ),
        (
            lambda r: next(x for x in r if x["type"] == "document").update(colour="red"),
            "colour",
            "not a field",
        ),
        (
            lambda r: next(x for x in r if x["type"] == "label" and x["kind"] == "entity").update(
                kind="stance"
            ),
            "label",
            "is a stance label",
        ),
        (
            lambda r: next(x for x in r if x["type"] == "actor" and x["merged_into"]).update(
                merged_into=999
            ),
            "merged_into",
            "not before it",
        ),
        (
            lambda r: next(x for x in r if x["type"] == "release").update(manifest_file="{}"),
            "manifest_file",
            "does not match",
        ),
        (lambda r: r[-1]["counts"].update(documents=1), "counts", "the end record counts"),
        (
            lambda r: next(x for x in r if x["type"] == "document").update(title="a\x00b"),
            "title",
            "NUL",
        ),
        (
            lambda r: next(x for x in r if x["type"] == "document").update(meta=nested(100)),
            "meta",
            "nests too deeply",
        ),
    ],
    ids=[
        "version",
        "truncated",
        "text",
        "unknown-field",
        "label-kind",
        "merge",
        "manifest",
        "counts",
        "nul",
        "deep-meta",
    ],
)
def test_each_problem_refuses_the_restore(rich, change, field, says):
    error = refused(rewrite(archive_of(rich), change))
    assert field in error.message and says in error.message, error.message


def test_a_truncated_gzip_file_is_refused(rich):
    data = archive_of(rich)
    error = refused(data[: len(data) // 2])
    assert "gzip" in error.message


def test_unknown_users_are_named_unless_mapped_or_created(rich, users, make_user):
    data = rewrite(archive_of(rich), lambda r: None)
    # As on an instance without ana and cai: rename them in the archive.
    text = gzip.decompress(data).replace(b'"ana"', b'"anya"').replace(b'"cai"', b'"kai"')
    data = gzip.compress(text)
    error = refused(data)
    assert "'anya'" in error.message and "'kai'" in error.message
    error = refused(data, user_map={"anya": "ana"})
    assert "'kai'" in error.message and "'anya'" not in error.message
    assert "not a user of the archive" in refused(data, user_map={"nobody": "ana"}).message
    restored, _ = restore_archive(io.BytesIO(data), user_map={"anya": "ana"}, create_users=True)
    assert AnnotationSet.objects.filter(document__project=restored, author__username="kai").exists()
    assert not AnnotationSet.objects.filter(
        document__project=restored, author__username="anya"
    ).exists()
    assert (
        AnnotationSet.objects.filter(document__project=restored, author=users["ana"]).count() == 2
    )


def queries(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_archive_and_restore_cost_the_same_queries_for_each_chunk(rich):
    """No N+1: each twelve more documents (three chunks of four, each with a
    set) cost the same number of queries, seven a chunk to archive."""
    archive_costs, restore_costs = [], []
    for step in range(3):
        for i in range(12 * step, 12 * step + 12 if step else 0):
            document = make_document(rich, f"more{i}", f"Moscow {i}.")
            add_prediction(document, "model", [span(f"s{i}", 0, 6, "GPE")])
        data = archive_of(rich, chunk_size=4)
        archive_costs.append(queries(lambda: archive_of(rich, chunk_size=4)))
        restore_costs.append(
            queries(lambda data=data: restore_archive(io.BytesIO(data), chunk_size=4))
        )
    archive_steps = {b - a for a, b in itertools.pairwise(archive_costs)}
    restore_steps = {b - a for a, b in itertools.pairwise(restore_costs)}
    assert archive_steps == {3 * 7}, archive_costs
    assert len(restore_steps) == 1, restore_costs


def test_every_model_and_column_is_archived_or_said_not_to_be():
    archived = {spec.model for spec in SPECS.values()}
    ours = {m for m in apps.get_models() if m.__module__.startswith("apps.")}
    left_out = {apps.get_model(m) if isinstance(m, str) else m for m in NOT_ARCHIVED}
    assert ours - archived - left_out == set(), "say whether the archive holds it"
    for spec in SPECS.values():
        named = {*spec.plain, *spec.carried, *spec.derived, *spec.instance}
        columns = {f.name for f in spec.model._meta.concrete_fields if not f.primary_key}
        assert columns - named == set(), f"{spec.model.__name__}: a relation the archive ignores"


def test_commands_archive_and_restore(rich, tmp_path, capsys):
    path = tmp_path / "rich.accord.jsonl.gz"
    call_command("archive_project", str(rich.pk), str(path))
    call_command("restore_project", str(path), "--name", "From file")
    copy = Project.objects.get(name="From file")
    assert copy.documents.count() == rich.documents.count()
    assert "restored project" in capsys.readouterr().out


def test_restore_command_names_unknown_users(rich, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "rich.accord.jsonl.gz"
    path.write_bytes(gzip.compress(gzip.decompress(archive_of(rich)).replace(b'"ben"', b'"bo"')))
    with pytest.raises(CommandError, match="'bo'"):
        call_command("restore_project", str(path))
    with pytest.raises(CommandError, match="OLD=NEW"):
        call_command("restore_project", str(path), "--user-map", "bo")
    call_command("restore_project", str(path), "--user-map", "bo=ben", "--name", "Mapped")
    assert Project.objects.filter(name="Mapped").exists()


def test_a_restore_keeps_the_documents_sort_keys(rich):
    """The documents list sorts by them: a restored project lists its documents
    by last change and last submission as the source did, not by restore time."""
    restored, _ = restore_archive(io.BytesIO(archive_of(rich)), chunk_size=3)

    def keys(project):
        return sorted(
            Document.objects.filter(project=project).values_list(
                "external_id", "last_submitted_at", "last_activity"
            )
        )

    assert keys(restored) == keys(rich)
    assert any(activity for _, _, activity in keys(rich))
