"""The manifest's gold provenance, from review records made by review's own functions."""

import pytest

from apps.actors.models import Actor
from apps.annotations.models import AnnotationSet
from apps.datasets.export import Exporter, ExportOptions
from apps.datasets.models import Release
from apps.datasets.provenance import gold_provenance
from apps.datasets.releases import annotator_payloads, create_release, set_payload
from apps.documents.models import Document
from apps.review import gold
from apps.review.models import Decision
from tests.builders import add_set, span_of

pytestmark = pytest.mark.django_db

TEXT = "Caracas rejected Moscow’s offer."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def annotated(project, users, external_id):
    """A document ana and ben annotated: both marked Caracas, only ana Moscow and a stance."""
    document = Document.objects.create(project=project, external_id=external_id, text=TEXT)
    caracas, moscow = span_of("s1", TEXT, "Caracas", "GPE"), span_of("s2", TEXT, "Moscow", "GPE")
    stance = {"id": "t1", "holder": "s1", "target": "s2", "polarity": "OPPOSE", "cue": None}
    add_set(document, AnnotationSet.Kind.ANNOTATOR, [caracas, moscow], [stance], users["ana"])
    add_set(document, AnnotationSet.Kind.ANNOTATOR, [caracas], author=users["ben"])
    return document


def item(piece, label="GPE", actor=None):
    found = span_of("x", TEXT, piece, label, actor)
    return {k: found[k] for k in ("start", "end", "label", "actor")}


def decide(document, project, user, action, item_type, what, edited_to=None):
    review = gold.load(document)
    return gold.decide(
        review, project, user, action, item_type, what, edited_to, "", gold.current_version(review)
    )[0]


def auto_merge(document, project, user, min_agreement):
    review = gold.load(document)
    gold.auto_merge(review, project, user, min_agreement, gold.current_version(review))


@pytest.fixture
def reviewed(project, users):
    """Three adjudicated documents reviewed each its own way, and one still in review."""
    rita = users["rita"]
    venezuela = Actor.objects.create(project=project, name="Venezuela", kind="state")
    # d1: auto-merge at 2 takes Caracas; the reviewer accepts Moscow and adds "offer".
    d1 = annotated(project, users, "d1")
    auto_merge(d1, project, rita, 2)
    decide(d1, project, rita, "accept", "span", item("Moscow"))
    decide(d1, project, rita, "add", "span", item("offer", "ORG"))
    gold.accept(d1, rita)
    # d2: auto-merge at 1 takes everything; its stance is reversed, Caracas gets
    # an actor no annotator linked (an edit), Moscow is rejected.
    d2 = annotated(project, users, "d2")
    auto_merge(d2, project, rita, 1)
    stance = Decision.objects.get(document=d2, item_type="stance")
    gold.reverse(gold.load(d2), project, rita, stance, "no stance here")
    decide(d2, project, rita, "edit", "span", item("Caracas"), item("Caracas", actor=venezuela.pk))
    decide(d2, project, rita, "reject", "span", item("Moscow"))
    gold.accept(d2, rita)
    # d3: one whole-set write: Caracas as made, Moscow as ORG, a stance on it.
    d3 = annotated(project, users, "d3")
    review = gold.load(d3)
    payload = {
        "spans": [span_of("s1", TEXT, "Caracas", "GPE"), span_of("s2", TEXT, "Moscow", "ORG")],
        "stances": [
            {"id": "t1", "holder": "s1", "target": "s2", "polarity": "OPPOSE", "cue": None}
        ],
    }
    gold.put_gold(review, project, rita, payload, gold.current_version(review))
    gold.accept(d3, rita)
    # d4: auto-merged but never accepted, so not released and not counted.
    d4 = annotated(project, users, "d4")
    auto_merge(d4, project, rita, 1)
    return project


def test_the_manifest_says_how_gold_was_made(reviewed, users):
    release, _ = create_release(reviewed, {"name": "v1", "formats": ["jsonl"]}, users["olga"])
    release.refresh_from_db()
    assert release.status == Release.Status.READY, release.error
    provenance = release.manifest["gold"]
    assert provenance["adjudicated_documents"] == 3
    assert provenance["documents_with_decisions"] == 3
    decisions = provenance["decisions"]
    assert decisions["by_action"] == {"accept": 5, "reject": 1, "edit": 1, "add": 3}
    assert decisions["by_source"] == {"reviewer": 4, "auto": 3, "set": 3, "import": 0}
    assert decisions["total"] == 10
    assert decisions["documents_by_source"] == {"reviewer": 2, "auto": 2, "set": 1, "import": 0}
    assert decisions["reversed_excluded"] == 1 and "reversed" in decisions["note"]
    assert provenance["auto_merge"]["thresholds"] == [
        {"min_agreement": 1, "documents": 1},
        {"min_agreement": 2, "documents": 1},
    ]
    assert provenance["auto_merge"]["documents_without_recorded_threshold"] == 0
    assert provenance["items"] == {
        "spans": {"annotators": 3, "changed": 2, "added": 1},
        "stances": {"annotators": 0, "changed": 0, "added": 1},
    }
    assert not any("review" in x.lower() for x in release.manifest["known_limitations"])


def test_a_release_of_annotator_sets_still_says_how_the_gold_was_made(reviewed, users):
    body = {"name": "all", "formats": ["jsonl"], "source": "all"}
    release, _ = create_release(reviewed, body, users["olga"])
    release.refresh_from_db()
    provenance = release.manifest["gold"]
    # d4 is released (its annotators submitted) but is not adjudicated.
    assert len(release.manifest["documents"]) == 4
    assert provenance["adjudicated_documents"] == 3
    assert provenance["decisions"]["total"] == 10
    assert provenance["items"]["spans"] == {"annotators": 3, "changed": 2, "added": 1}


def provenance_of(project, django_assert_num_queries):
    exporter = Exporter(project, ExportOptions(source="gold"))
    gold_sets = {r.id: set_payload(r.sets[0]) for r in exporter}
    annotators = annotator_payloads(project, set(gold_sets))
    adjudicated = exporter.documents().filter(adjudicated_at__isnull=False)
    with django_assert_num_queries(4):
        return gold_provenance(adjudicated, gold_sets, annotators)


def test_gold_provenance_costs_four_queries_whatever_the_size(
    project, users, django_assert_num_queries
):
    rita = users["rita"]
    small = annotated(project, users, "small")
    auto_merge(small, project, rita, 2)
    gold.accept(small, rita)
    assert provenance_of(project, django_assert_num_queries)["decisions"]["total"] == 1
    for n in range(12):
        document = annotated(project, users, f"more-{n}")
        auto_merge(document, project, rita, 1 + n % 2)
        gold.accept(document, rita)
    result = provenance_of(project, django_assert_num_queries)
    assert result["adjudicated_documents"] == 13
    assert [t["documents"] for t in result["auto_merge"]["thresholds"]] == [6, 7]
