"""Claims (stances on concepts) and document categories through the export
endpoint, the importers and back: round trips, the label filter, the
statements table and the claims network, in a constant number of queries."""

import io
import json
import zipfile

import pytest

from apps.actors.models import Actor, Concept
from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from tests.builders import (
    add_gold,
    concept_stance,
    make_category_group,
    make_project,
    span_of,
    stance,
)

from .test_export import content, export, import_file

pytestmark = pytest.mark.django_db

TEXT = "Moscow backs the UN Charter 🇷🇺, Kyiv says it breaks it."


def codebook(project):
    """The category groups and concepts of a claims project, by name."""
    make_category_group(project, "Topic", ["Diplomacy", "War"])
    make_category_group(project, "Region", ["Europe", "Asia"], multiple=True)
    law = Concept.objects.create(project=project, name="International law")
    charter = Concept.objects.create(project=project, name="UN Charter", parent=law)
    sovereignty = Concept.objects.create(project=project, name="Sovereignty")
    return {c.name: c.pk for c in (law, charter, sovereignty)}


def make_claims(project, link=True):
    """Two gold documents with claims and categories; `link`: holders
    linked to actors (an actor id, like a concept id, names a record of this
    project only, so the round trips leave them out)."""
    concepts = codebook(project)
    russia = Actor.objects.create(project=project, name="Russia", kind="state")
    ukraine = Actor.objects.create(project=project, name="Ukraine", kind="state")
    spans = [
        span_of("s1", TEXT, "Moscow", "GPE", russia.pk if link else None),
        span_of("s2", TEXT, "Kyiv", "GPE", ukraine.pk if link else None),
    ]
    for n, (published, categories) in enumerate(
        [("2024-03-05", ["Diplomacy", "Europe"]), ("2025-01-02", ["War", "Asia", "Europe"])]
    ):
        document = Document.objects.create(
            project=project, external_id=f"d{n}", text=TEXT, published=published, outlet="TASS"
        )
        add_gold(
            document,
            spans=spans,
            stances=[
                concept_stance("t1", "s1", concepts["UN Charter"], "SUPPORT"),
                concept_stance("t2", "s2", concepts["UN Charter"], "OPPOSE"),
                concept_stance("t3", "s1", concepts["Sovereignty"], "SUPPORT"),
                stance("t4", "s2", "s1", "OPPOSE"),
            ],
            categories=categories,
        )
    return project


@pytest.fixture
def claims_project(project):
    return make_claims(project)


@pytest.fixture
def unlinked_project(project):
    return make_claims(project, link=False)


def claims_of(project, kind):
    """Per document: its stances on concepts (holder text, concept name,
    polarity) and its categories, as the database holds them."""
    out = {}
    for aset in AnnotationSet.objects.filter(document__project=project, kind=kind):
        text = aset.document.text
        claims = sorted(
            (text[t.holder.start : t.holder.end], t.concept.name, t.polarity.name)
            for t in aset.stances.filter(concept__isnull=False).select_related(
                "holder", "concept", "polarity"
            )
        )
        categories = sorted(aset.categories.values_list("label__name", flat=True))
        out[aset.document.external_id] = (claims, categories)
    return out


def fresh(users):
    other = make_project(users, name="Copy")
    codebook(other)
    return other


def named(body, project):
    """A jsonl export with its concept ids (the project's own) left out."""
    lines = []
    for line in body.splitlines():
        item = json.loads(line)
        for t in item["stances"]:
            t.pop("concept")
        item.pop("concepts")
        item.pop("provenance")
        lines.append(item)
    return lines


def test_jsonl_round_trip_keeps_concepts_and_categories(unlinked_project, users, client_for):
    claims_project = unlinked_project
    olga = client_for("olga")
    first = content(export(olga, claims_project, format="jsonl"))
    other = fresh(users)
    assert import_file(olga, other, first, "jsonl", "claims.jsonl")["created"] == 2
    again = content(export(olga, other, format="jsonl", source="prediction"))
    assert named(again, other) == named(first, claims_project)
    assert claims_of(other, "prediction") == claims_of(claims_project, "gold")
    assert claims_of(other, "prediction")["d1"][1] == ["Asia", "Europe", "War"]


@pytest.mark.parametrize(("fmt", "name"), [("doccano", "d.jsonl"), ("label-studio", "ls.json")])
def test_doccano_and_label_studio_round_trip_categories(
    fmt, name, unlinked_project, users, client_for
):
    claims_project = unlinked_project
    olga = client_for("olga")
    first = content(export(olga, claims_project, format=fmt))
    other = fresh(users)
    assert import_file(olga, other, first, fmt, name)["created"] == 2
    again = content(export(olga, other, format=fmt, source="prediction"))
    before, after = claims_of(claims_project, "gold"), claims_of(other, "prediction")
    assert {d: c for d, (_, c) in after.items()} == {d: c for d, (_, c) in before.items()}
    # Claims come back: a per-region taxonomy (Label Studio), `claims` (doccano).
    assert after == before
    if fmt == "label-studio":
        first_tasks, again_tasks = json.loads(first), json.loads(again)
        for a, b in zip(first_tasks, again_tasks, strict=True):
            paths = [
                [r["value"]["taxonomy"] for r in layer["result"] if r["type"] == "taxonomy"]
                # gold is an annotation there, the prediction set a prediction here
                for layer in (a["annotations"][0], b["predictions"][0])
            ]
            assert paths[0] == paths[1] and paths[0]
    else:
        assert any(claims for claims, _ in after.values())
        assert again == first


def import_lines(client, project, lines, fmt="jsonl", name="x.jsonl"):
    upload = io.BytesIO("\n".join(json.dumps(x) for x in lines).encode())
    upload.name = name
    return client.post(
        f"/api/v1/projects/{project.pk}/documents/import/",
        {"file": upload, "format": fmt},
        format="multipart",
    )


def test_an_unknown_category_or_concept_is_refused_naming_record_and_field(users, client_for):
    project = fresh(users)
    olga = client_for("olga")
    response = import_lines(
        olga, project, [{"id": "a", "text": "Moscow spoke.", "categories": ["Sports"]}]
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["where"], error["field"]) == ("line 1", "categories[0]")
    assert "unknown category Sports" in error["message"]
    claim = {
        "id": "t1",
        "holder": "s1",
        "target": None,
        "concept": "Free trade",
        "polarity": "SUPPORT",
    }
    response = import_lines(
        olga,
        project,
        [
            {
                "id": "b",
                "text": "Moscow spoke.",
                "spans": [{"id": "s1", "start": 0, "end": 6, "label": "GPE"}],
                "stances": [claim],
            }
        ],
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["where"], error["field"]) == ("line 1", "stances[0].concept")
    assert '"Free trade"' in error["message"]
    assert not Document.objects.filter(project=project).exists()


def test_jsonl_concept_by_id_or_by_name(users, client_for):
    project = fresh(users)
    ids = dict(Concept.objects.filter(project=project).values_list("name", "id"))
    spans = [{"id": "s1", "start": 0, "end": 6, "label": "GPE"}]
    lines = [
        {
            "id": "a",
            "text": "Moscow spoke.",
            "spans": spans,
            "stances": [
                {"id": "t1", "holder": "s1", "concept": ids["Sovereignty"], "polarity": "SUPPORT"},
                {"id": "t2", "holder": "s1", "concept": "UN Charter", "polarity": "OPPOSE"},
            ],
        }
    ]
    response = import_lines(client_for("olga"), project, lines)
    assert response.status_code == 201, response.json()
    assert claims_of(project, "prediction") == {
        "a": ([("Moscow", "Sovereignty", "SUPPORT"), ("Moscow", "UN Charter", "OPPOSE")], [])
    }


def test_doccano_text_classification_lines_become_categories(users, client_for):
    project = fresh(users)
    lines = [
        {"id": "a", "text": "Moscow spoke.", "label": ["Diplomacy", "Asia"]},
        {"id": "b", "text": "Kyiv spoke.", "cats": ["War"]},
    ]
    response = import_lines(client_for("olga"), project, lines, "doccano")
    assert response.status_code == 201, response.json()
    assert claims_of(project, "prediction") == {
        "a": ([], ["Asia", "Diplomacy"]),
        "b": ([], ["War"]),
    }


def test_two_categories_of_a_single_choice_group_are_refused(users, client_for):
    project = fresh(users)
    lines = [{"id": "a", "text": "Moscow spoke.", "cats": ["War", "Diplomacy"]}]
    response = import_lines(client_for("olga"), project, lines, "doccano")
    assert response.status_code == 400
    assert "Topic takes one category" in response.json()["errors"][0]["message"]


def test_the_label_filter_learns_category_labels(claims_project, client_for):
    body = content(export(client_for("olga"), claims_project, format="jsonl", label="War"))
    [item] = [json.loads(line) for line in body.splitlines()]
    assert item["id"] == "d1" and item["categories"] == ["War"]
    assert item["spans"] == [] and item["stances"] == []
    body = content(export(client_for("olga"), claims_project, format="jsonl", label="GPE"))
    items = [json.loads(line) for line in body.splitlines()]
    assert all(i["categories"] == [] for i in items)
    assert all(len(i["stances"]) == 4 for i in items)  # claims of kept holders stay


def test_statements_table_over_the_api(claims_project, client_for):
    body = content(export(client_for("rita"), claims_project, format="statements")).decode()
    lines = body.splitlines()
    assert lines[0].startswith("document,date,outlet,layer,stance,actor_id,actor,")
    assert len(lines) == 1 + 2 * 3
    assert "d0,2024-03-05,TASS,gold,t1," in body and ",UN Charter,SUPPORT," in body


def test_claims_network_over_the_api_with_a_window(claims_project, client_for):
    rita = client_for("rita")
    data = content(export(rita, claims_project, format="claims-network", slice="year"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        report = json.loads(archive.read("report.json"))
        conflict = archive.read("2024/conflict.csv").decode().splitlines()
    assert {"2024/affiliation.graphml", "2025/congruence.csv"} <= names
    assert conflict[1:] == ["Russia,Ukraine,conflict,1"]
    assert report["statements"] == 6
    data = content(export(rita, claims_project, format="claims-network", start="2025-01-01"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        report = json.loads(archive.read("report.json"))
    assert report["statements"] == 3 and report["statements_outside_window"] == 3
    response = export(rita, claims_project, format="claims-network", start="2025", end="x")
    assert response.status_code == 400
    response = export(
        rita, claims_project, format="claims-network", start="2025-02-01", end="2025-01-01"
    )
    assert response.status_code == 400 and "end" in response.json()["errors"]


def test_claims_exports_run_a_constant_number_of_queries(
    claims_project, client_for, django_assert_max_num_queries
):
    olga = client_for("olga")
    for fmt in ("statements", "claims-network", "jsonl"):
        with django_assert_max_num_queries(14):
            content(export(olga, claims_project, format=fmt))


def test_a_release_carries_the_statements_and_the_claims_network(
    claims_project, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    olga = client_for("olga")
    response = olga.post(
        f"/api/v1/projects/{claims_project.pk}/releases/",
        {"name": "claims", "seed": 1, "formats": ["statements", "claims-network"]},
        format="json",
    )
    assert response.status_code == 202, response.json()
    manifest = response.json()["release"]["manifest"]
    formats = {entry["format"] for entry in manifest["files"]}
    assert formats == {"statements", "claims-network"}
    reports = manifest["format_reports"]["claims-network"]
    assert sum(r["claims_network"]["statements"] for r in reports.values()) == 6
    assert (
        sum(r.get("statements", 0) for r in manifest["format_reports"]["statements"].values()) == 6
    )
