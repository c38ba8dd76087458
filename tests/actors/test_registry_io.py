"""Registry files: pure parsing and writing, then import and export through the API."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.actors import registry_io
from apps.actors.models import Actor, Alias
from apps.actors.registry_io import RegistryFormatError, join_aliases, split_aliases
from tests.builders import make_project

from .helpers import make_registry

# --------------------------------------------------------------------------- pure

HEADER = "name,kind,country,wikidata_id,aliases,aliases_case_insensitive\n"


def parse_csv(body, header=HEADER):
    return registry_io.parse_csv((header + body).encode())


@pytest.mark.parametrize(
    "aliases",
    [["Moscow", "the Kremlin"], ["a|b", "c\\d", "e\\|f"], ["x"], []],
)
def test_alias_lists_round_trip_through_the_csv_cell(aliases):
    assert split_aliases(join_aliases(aliases)) == aliases


def test_csv_rows_become_records():
    parsed = parse_csv(
        "Russia,state,RU,Q159,Moscow|the Kremlin,RUSSIA\n\n Delcy Rodríguez ,person,,,,\n"
    )
    assert parsed.errors == []
    russia, delcy = parsed.records
    assert (russia.where, russia.name, russia.kind, russia.country, russia.wikidata_id) == (
        "row 2",
        "Russia",
        "state",
        "RU",
        "Q159",
    )
    assert russia.aliases == [("Moscow", True), ("the Kremlin", True), ("RUSSIA", False)]
    assert (delcy.where, delcy.name, delcy.kind, delcy.aliases) == (
        "row 4",
        "Delcy Rodríguez",
        "person",
        [],
    )


def test_every_bad_csv_row_is_named_by_row_and_field():
    parsed = parse_csv(
        ",state,,,,\n"
        "Russia,country,Russia,159,,\n"
        "Iran,state,IR,,Tehran|Tehran,\n"
        "Chile,state,,,,\n"
        "Chile,state,,,,\n"
        "Extra,state,,,,,,\n"
    )
    assert [(e["where"], e["field"]) for e in parsed.errors] == [
        ("row 2", "name"),
        ("row 3", "kind"),
        ("row 3", "country"),
        ("row 3", "wikidata_id"),
        ("row 4", "aliases"),
        ("row 7", "row"),
        ("row 6", "name"),
    ]
    assert parsed.errors[1]["message"] == (
        "row 3, kind: 'country' is not a kind; use one of "
        "person, organization, state, igo, group, other"
    )
    assert parsed.errors[-1]["message"] == "row 6, name: 'Chile' repeats row 5"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"kind,country\nstate,RU\n", "no `name` column"),
        (b"name,colour\nRussia,red\n", r"Unknown CSV column\(s\) 'colour'"),
        (b"name\n\xff\xfe\n", "not UTF-8"),
    ],
)
def test_unreadable_csv_files(data, message):
    with pytest.raises(RegistryFormatError, match=message):
        registry_io.parse_csv(data)


def test_json_items_and_their_errors():
    parsed = registry_io.parse_json(
        json.dumps(
            {
                "actors": [
                    {
                        "name": "Russia",
                        "kind": "state",
                        "aliases": ["Moscow", {"text": "russia", "case_sensitive": False}],
                    },
                    {"name": "Iran", "aliases": [""]},
                    {"name": "X", "colour": "red"},
                    "Venezuela",
                    {"name": "Y", "aliases": [{"text": "y", "case_sensitive": "no"}]},
                    {"name": 5},
                ]
            }
        ).encode()
    )
    assert [r.name for r in parsed.records] == ["Russia"]
    assert parsed.records[0].aliases == [("Moscow", True), ("russia", False)]
    assert parsed.records[0].kind == "state"
    assert [(e["where"], e["field"]) for e in parsed.errors] == [
        ("actors[1]", "aliases[0]"),
        ("actors[2]", "colour"),
        ("actors[3]", "actor"),
        ("actors[4]", "aliases[0].case_sensitive"),
        ("actors[5]", "name"),
    ]


@pytest.mark.parametrize(
    ("data", "message"), [(b"{", "not valid JSON"), (b'{"a": 1}', "is a list of actors")]
)
def test_unreadable_json_files(data, message):
    with pytest.raises(RegistryFormatError, match=message):
        registry_io.parse_json(data)


def test_format_comes_from_the_name_or_is_given():
    assert registry_io.detect_format("actors.CSV") == "csv"
    assert registry_io.detect_format("actors.txt", "json") == "json"
    with pytest.raises(RegistryFormatError, match=r"format=csv\|json"):
        registry_io.detect_format("actors.xlsx")


def test_written_csv_and_json_parse_back_to_the_same_records():
    actors = [
        {
            "name": "Russia",
            "kind": "state",
            "country": "RU",
            "wikidata_id": "Q159",
            "description": 'The "Russian" state, with commas',
            "aliases": [
                {"text": "Moscow", "case_sensitive": True},
                {"text": "kremlin|moscow", "case_sensitive": False},
            ],
        }
    ]
    for write, parse in (
        (registry_io.write_csv, registry_io.parse_csv),
        (registry_io.write_json, registry_io.parse_json),
    ):
        parsed = parse(write(actors).encode())
        assert parsed.errors == []
        [record] = parsed.records
        assert (record.name, record.description, record.aliases) == (
            "Russia",
            'The "Russian" state, with commas',
            [("Moscow", True), ("kremlin|moscow", False)],
        )


# --------------------------------------------------------------------------- API


def export(client, project, fmt):
    return client.get(f"/api/v1/projects/{project.pk}/actors/export/", {"format": fmt})


def upload(client, project, name, data, **extra):
    return client.post(
        f"/api/v1/projects/{project.pk}/actors/import/",
        {"file": SimpleUploadedFile(name, data), **extra},
        format="multipart",
    )


def registry_state(project):
    return sorted(
        (
            a.name,
            a.kind,
            a.country,
            a.wikidata_id,
            a.description,
            sorted(a.aliases.values_list("text", "case_sensitive")),
        )
        for a in Actor.objects.filter(project=project, merged_into=None)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_into_another_project_round_trips(fmt, project, users, client_for):

    make_registry(project)
    olga = client_for("olga")
    response = export(client_for("ana"), project, fmt)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv" if fmt == "csv" else "application/json")
    assert f"actors-project-{project.pk}.{fmt}" in response["Content-Disposition"]

    other = make_project(users)
    imported = upload(olga, other, f"registry.{fmt}", response.content)
    assert imported.status_code == 201, imported.content
    assert imported.json() == {"created": 6, "updated": 0, "unchanged": 0, "aliases_added": 7}
    assert registry_state(other) == registry_state(project)

    # Importing the same file again changes nothing.
    again = upload(olga, other, f"registry.{fmt}", response.content)
    assert again.status_code == 200
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 6, "aliases_added": 0}


@pytest.mark.django_db
def test_export_csv_content(project, client_for):
    make_registry(project)
    body = export(client_for("olga"), project, "csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    russia = next(r for r in rows if r["name"] == "Russia")
    assert russia == {
        "name": "Russia",
        "kind": "state",
        "country": "RU",
        "wikidata_id": "",
        "description": "",
        "aliases": "Moscow|the Kremlin",
        "aliases_case_insensitive": "",
    }
    delcy = next(r for r in rows if r["name"] == "Delcy Rodríguez")
    assert delcy["aliases_case_insensitive"] == "delcy rodríguez"


@pytest.mark.django_db
def test_export_leaves_merged_actors_out_and_refuses_unknown_formats(project, client_for):
    actors = make_registry(project)
    actors["Media"].merged_into = actors["Russia"]
    actors["Media"].save()
    names = [a["name"] for a in export(client_for("olga"), project, "json").json()]
    assert "Media" not in names and "Russia" in names
    response = export(client_for("olga"), project, "xlsx")
    assert response.status_code == 400
    assert response.json()["detail"] == "format: 'xlsx' is not csv or json."


@pytest.mark.django_db
def test_export_runs_a_fixed_number_of_queries(project, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("olga")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert export(client, project, "csv").status_code == 200
        return len(queries)

    make_registry(project)
    small = count()
    for i in range(60):
        actor = Actor.objects.create(project=project, name=f"Actor {i}", kind="person")
        Alias.objects.bulk_create(Alias(actor=actor, text=f"A{i}-{j}") for j in range(3))
    assert count() == small
    with django_assert_max_num_queries(4):
        export(client, project, "json")


@pytest.mark.django_db
def test_reimport_updates_by_wikidata_id_or_name_and_adds_aliases(project, client_for):
    actors = make_registry(project)
    body = (
        "name,kind,country,wikidata_id,aliases,aliases_case_insensitive\n"
        # Matched by name: gains a Wikidata id and an alias; its old aliases stay.
        "Russia,state,,Q159,Russian Federation,\n"
        # Matched by Wikidata id: renamed, its alias "Tehran" turns case-insensitive.
        "Islamic Republic of Iran,state,IR,Q794,,Tehran\n"
        "Venezuela,state,VE,,Caracas,\n"
        "Cuba,state,CU,Q241,Havana,\n"
    )
    response = upload(client_for("rita"), project, "r.csv", body.encode())
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 1, "updated": 2, "unchanged": 1, "aliases_added": 2}
    russia = Actor.objects.get(pk=actors["Russia"].pk)
    assert russia.wikidata_id == "Q159" and russia.country == "RU"
    assert set(russia.aliases.values_list("text", flat=True)) == {
        "Moscow",
        "the Kremlin",
        "Russian Federation",
    }
    iran = Actor.objects.get(pk=actors["Iran"].pk)
    assert (iran.name, iran.country) == ("Islamic Republic of Iran", "IR")
    assert list(iran.aliases.values_list("text", "case_sensitive")) == [("Tehran", False)]
    assert Actor.objects.get(project=project, name="Cuba").aliases.get().text == "Havana"


@pytest.mark.django_db
def test_a_bad_row_stores_nothing_and_every_problem_is_listed(project, client_for):
    make_registry(project)
    before = registry_state(project)
    body = (
        "name,kind,country,wikidata_id,aliases\n"
        "Cuba,state,CU,,Havana\n"
        "Chile,nation,,,\n"
        "Peru,state,pe,,\n"
    )
    response = upload(client_for("olga"), project, "r.csv", body.encode())
    assert response.status_code == 400
    data = response.json()
    assert [(e["where"], e["field"]) for e in data["errors"]] == [
        ("row 3", "kind"),
        ("row 4", "country"),
    ]
    assert data["detail"].startswith("Nothing was imported. row 3, kind: 'nation' is not a kind")
    assert "(1 more listed in `errors`)" in data["detail"]
    assert registry_state(project) == before


@pytest.mark.django_db
def test_rows_that_collide_with_the_registry_are_refused(project, client_for):
    make_registry(project)
    before = registry_state(project)
    body = json.dumps(
        [
            {"name": "Iran", "wikidata_id": "Q1"},  # fine: gains an id
            {"name": "Russia", "wikidata_id": "Q794"},  # Q794 is Iran's
        ]
    ).encode()
    response = upload(client_for("olga"), project, "r.json", body)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["where"] == "actors[1]"
    assert "Q794 belongs to 'Iran', but 'Russia' is another actor" in error["message"]
    assert registry_state(project) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("r.xlsx", b"x", "format=csv|json"),
        ("r.csv", b"kind\nstate\n", "no `name` column"),
        ("r.json", b"[]", "holds no actors"),
    ],
)
def test_unreadable_uploads_answer_400_with_the_reason(project, client_for, name, data, message):
    response = upload(client_for("olga"), project, name, data)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Actor.objects.exists()


@pytest.mark.django_db
def test_a_json_list_body_is_accepted_too(project, client_for):
    response = client_for("rita").post(
        f"/api/v1/projects/{project.pk}/actors/import/",
        [{"name": "Cuba", "kind": "state", "aliases": ["Havana"]}],
        format="json",
    )
    assert response.status_code == 201
    assert Actor.objects.get(project=project).aliases.get().text == "Havana"


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_413(project, client_for, settings):
    settings.ACCORD_IMPORT_MAX_BYTES = 100
    response = upload(client_for("olga"), project, "r.csv", b"name\n" + b"x" * 200)
    assert response.status_code == 413
    assert "import limit" in response.json()["detail"]
