"""The codebook's import and export: CSV and JSON, all or nothing, errors
naming the row and the field, parents that come after their children."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.actors import codebook_io
from apps.actors.models import Concept

pytestmark = pytest.mark.django_db

CSV = (
    "name,description,parent,keywords\r\n"
    "UN Charter,The Charter of 1945.,International law,Charter|Carta de la ONU\r\n"
    "International law,,,law\r\n"
    "Sovereignty,,,souveraineté|sovereign \\| state\r\n"
)


def upload(client, api, text, name="codebook.csv"):
    return client.post(
        api("concepts/import/"),
        {"file": SimpleUploadedFile(name, text.encode("utf-8"))},
        format="multipart",
    )


def tree(project):
    return {
        c.name: (c.parent.name if c.parent else None, c.keywords, c.description)
        for c in Concept.objects.filter(project=project, merged_into=None).select_related("parent")
    }


def test_csv_import_creates_a_tree_whose_parent_comes_after_its_child(project, client_for, api):
    response = upload(client_for("olga"), api, CSV)
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 3, "updated": 0, "unchanged": 0}
    assert tree(project) == {
        "UN Charter": ("International law", ["Charter", "Carta de la ONU"], "The Charter of 1945."),
        "International law": (None, ["law"], ""),
        "Sovereignty": (None, ["souveraineté", "sovereign | state"], ""),
    }


def test_export_round_trips_parents_first(project, client_for, api):
    upload(client_for("olga"), api, CSV)
    response = client_for("ana").get(api("concepts/export/"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="codebook-project-{project.pk}.csv"'
    )
    assert response.streaming  # the file is written as it is read, never whole
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines() == [
        "name,description,parent,keywords",
        "International law,,,law",
        "UN Charter,The Charter of 1945.,International law,Charter|Carta de la ONU",
        "Sovereignty,,,souveraineté|sovereign \\| state",
    ]
    response = client_for("ana").get(api("concepts/export/"), {"format": "json"})
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(b"".join(response.streaming_content))
    assert body[1] == {
        "name": "UN Charter",
        "description": "The Charter of 1945.",
        "parent": "International law",
        "keywords": ["Charter", "Carta de la ONU"],
    }
    # Importing the export again changes nothing.
    response = client_for("olga").post(api("concepts/import/"), body, format="json")
    assert response.status_code == 200
    assert response.json() == {"created": 0, "updated": 0, "unchanged": 3}
    # The pure reader and writer agree on the file.
    records = codebook_io.parse_csv(text).records
    assert codebook_io.write_csv([vars(r) for r in records]) == text


def test_reimport_updates_by_name_adds_keywords_and_keeps_what_a_row_leaves_empty(
    project, client_for, api
):
    olga = client_for("olga")
    upload(olga, api, CSV)
    rows = [
        {"name": "UN Charter", "keywords": ["charter", "Article 2(4)"]},  # parent left as is
        {"name": "Sovereignty", "parent": "International law", "description": "Of states."},
        {"name": "Use of force", "parent": "UN Charter"},
    ]
    response = olga.post(api("concepts/import/"), {"concepts": rows}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 1, "updated": 2, "unchanged": 0}
    assert tree(project) == {
        "UN Charter": (
            "International law",
            ["Charter", "Carta de la ONU", "Article 2(4)"],  # "charter" was there already
            "The Charter of 1945.",
        ),
        "International law": (None, ["law"], ""),
        "Sovereignty": ("International law", ["souveraineté", "sovereign | state"], "Of states."),
        "Use of force": ("UN Charter", [], ""),
    }


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        (
            "name,parent\r\nA,Nowhere\r\n,\r\nB,\r\n",
            [
                (
                    "row 2",
                    "parent",
                    "there is no concept named 'Nowhere' in the file or the codebook",
                ),
            ],
        ),
        (
            "name,parent,keywords\r\nA,,\r\nB,,ok||\r\n C ,C,\r\nA,,\r\n",
            [
                ("row 4", "parent", "a concept cannot be its own parent"),
                ("row 5", "name", "'A' repeats row 2"),
            ],
        ),
        (
            "name,parent\r\nA,C\r\nB,A\r\nC,B\r\n",
            [("row 2", "parent", "the parents would make a loop: A › B › C › A")],
        ),
    ],
)
def test_bad_rows_store_nothing_and_name_row_and_field(text, errors, project, client_for, api):
    Concept.objects.create(project=project, name="Existing")
    response = upload(client_for("olga"), api, text)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Nothing was imported. ")
    got = [(e["where"], e["field"]) for e in body["errors"]]
    assert got == [(where, field) for where, field, _ in errors]
    for error, (_, _, message) in zip(body["errors"], errors, strict=True):
        assert message in error["message"]
    assert list(Concept.objects.values_list("name", flat=True)) == ["Existing"]


def test_a_loop_through_the_codebook_is_refused(project, client_for, api):
    law = Concept.objects.create(project=project, name="Law")
    Concept.objects.create(project=project, name="Charter", parent=law)
    response = client_for("olga").post(
        api("concepts/import/"), [{"name": "Law", "parent": "Charter"}], format="json"
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["where"] == "concepts[0]"
    assert error["message"] == (
        "concepts[0], parent: the parents would make a loop: Law › Charter › Law"
    )
    law.refresh_from_db()
    assert law.parent is None


def test_json_field_errors(project, client_for, api):
    items = [
        {"name": "A", "keywords": "law"},
        {"name": "B", "colour": "red"},
        "C",
        {"name": "D", "keywords": ["x" * 101]},
    ]
    response = client_for("olga").post(api("concepts/import/"), items, format="json")
    assert response.status_code == 400
    assert [(e["where"], e["field"]) for e in response.json()["errors"]] == [
        ("concepts[0]", "keywords"),
        ("concepts[1]", "colour"),
        ("concepts[2]", "concept"),
        ("concepts[3]", "keywords"),
    ]
    assert not Concept.objects.exists()


def test_file_level_errors_name_the_file(project, client_for, api):
    olga = client_for("olga")
    response = upload(olga, api, "title\r\nA\r\n")
    assert response.status_code == 400
    assert "no `name` column" in response.json()["errors"]["file"]
    response = upload(olga, api, "name\r\nA\r\n", name="codebook.txt")
    assert "Cannot tell the codebook format" in response.json()["errors"]["file"]
    response = upload(olga, api, "{", name="codebook.json")
    assert "not valid JSON" in response.json()["errors"]["file"]
    response = olga.post(api("concepts/import/"), {"name": "A"}, format="json")
    assert "a JSON list of concepts" in response.json()["errors"]["file"]
    response = olga.post(api("concepts/import/"), [], format="json")
    assert response.json()["errors"]["file"] == "The file holds no concepts."
    assert not Concept.objects.exists()


def test_export_format_is_checked(project, client_for, api):
    response = client_for("ana").get(api("concepts/export/"), {"format": "xml"})
    assert response.status_code == 400
    assert "'xml' is not csv or json" in json.dumps(response.json())


def test_the_streamed_writers_write_what_the_whole_ones_did(project):
    """The pieces join to exactly what json.dumps and csv wrote whole."""
    import csv
    import io as stdio

    concepts = [
        {"name": "Law", "description": "", "parent": None, "keywords": ["law", "droit"]},
        {
            "name": "UN “Charter”",
            "description": "1945\nSan Francisco",
            "parent": "Law",
            "keywords": [],
        },
    ]
    items = [
        {
            "name": c["name"],
            "description": c["description"],
            "parent": c["parent"],
            "keywords": c["keywords"],
        }
        for c in concepts
    ]
    assert (
        codebook_io.write_json(concepts) == json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    )
    assert codebook_io.write_json([]) == "[]\n"
    out = stdio.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(codebook_io.COLUMNS)
    writer.writerows(
        [["Law", "", "", "law|droit"], ["UN “Charter”", "1945\nSan Francisco", "Law", ""]]
    )
    assert codebook_io.write_csv(concepts) == out.getvalue()
    # Small pieces: more of them, the same file.
    assert "".join(codebook_io.csv_pieces(concepts, limit=10)) == out.getvalue()
    assert len(list(codebook_io.csv_pieces(concepts, limit=10))) > 1


def test_the_export_reads_the_codebook_a_chunk_at_a_time(
    project, client_for, api, django_assert_num_queries
):
    """1,200 concepts under ten parents: in tree order, the hierarchy in one
    query and the rest 500 concepts a query; a search stays one query."""
    from apps.actors.codebook import codebook_concepts

    parents = [Concept.objects.create(project=project, name=f"Top {n}") for n in range(10)]
    Concept.objects.bulk_create(
        Concept(project=project, name=f"Leaf {n:04d}", parent=parents[n % 10], keywords=[f"k{n}"])
        for n in range(1190)
    )
    with django_assert_num_queries(4):  # the tree, then 3 chunks of at most 500
        exported = list(codebook_concepts(project))
    assert len(exported) == 1200
    assert exported[0]["name"] == "Top 0" and exported[0]["parent"] is None
    seen = set()
    for concept in exported:
        assert concept["parent"] is None or concept["parent"] in seen  # parents first
        seen.add(concept["name"])
    assert exported[1] == {
        "id": exported[1]["id"],
        "name": "Leaf 0000",
        "description": "",
        "parent": "Top 0",
        "keywords": ["k0"],
    }


def test_the_keyword_search_runs_in_the_database_on_stored_keys(
    project, client_for, api, django_assert_max_num_queries
):
    """An import that adds keywords to a concept (bulk_update) keys them too;
    a query matches inside one keyword, never across two."""
    olga = client_for("olga")
    olga.post(
        api("concepts/import/"), [{"name": "Law", "keywords": ["Völkerrecht"]}], format="json"
    )
    olga.post(api("concepts/import/"), [{"name": "Law", "keywords": ["charte"]}], format="json")
    law = Concept.objects.get(project=project, name="Law")
    assert law.keywords == ["Völkerrecht", "charte"]
    assert law.keywords_key == "volkerrecht\ncharte"

    def found(q):
        with django_assert_max_num_queries(6):
            body = client_for("ana").get(api("concepts/"), {"q": q}).json()
        return [c["name"] for c in body["results"]]

    assert found("VOLKER") == ["Law"]
    assert found("chart") == ["Law"]
    assert found("recht\ncha") == []  # across two keywords
    assert found("nothing") == []
