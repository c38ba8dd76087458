"""Bad input is a clear 4xx naming the field, never a stored value that
breaks later reads (issue 11, items 1 and 6)."""

import json

import pytest

from apps.actors.models import Actor
from apps.documents.models import Document
from apps.projects.models import Project
from tests import builders

BIG = 2**63  # one above the largest id SQLite and PostgreSQL store


def nested(depth, leaf=1):
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


def post_json(client, url, body, method="post"):
    """Send raw JSON text, so lone surrogates and NUL arrive as escapes."""
    return getattr(client, method)(url, body, content_type="application/json")


def fields(response):
    """The fields a 400 names: DRF's keys, or an import's list of records."""
    errors = response.json()["errors"]
    if isinstance(errors, dict):
        return list(errors)
    return [error["field"] for error in errors]


@pytest.fixture
def owner(client_for):
    return client_for("olga")


# --------------------------------------------------------------------------- stored JSON


@pytest.mark.parametrize("meta", [nested(33), nested(300), {"note": "\ud800"}, {"\x00": 1}])
def test_document_meta_that_would_break_reads_is_refused_on_import(owner, api, project, meta):
    body = json.dumps([{"id": "x", "text": "Moscow spoke.", "meta": meta}])
    response = post_json(owner, api("documents/import/"), body)
    assert response.status_code == 400, response.content
    # Past the body's limit the parser names the record; else the import names meta.
    assert fields(response)[0] in ("[0]", "meta") or fields(response)[0].startswith("[0].meta")
    assert not Document.objects.filter(project=project).exists()
    assert owner.get(api("documents/")).status_code == 200


def test_document_meta_from_a_jsonl_file_is_checked_too(owner, api, project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    line = json.dumps({"id": "x", "text": "Moscow spoke.", "meta": nested(300)})
    upload = SimpleUploadedFile("docs.jsonl", line.encode(), "application/jsonl")
    response = owner.post(api("documents/import/"), {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "meta"
    assert not Document.objects.filter(project=project).exists()


def test_document_meta_on_create_and_patch(owner, api, project):
    response = post_json(
        owner, api("documents/"), '{"id": "x", "text": "Hi.", "meta": {"a": "\\ud800"}}'
    )
    assert response.status_code == 400, response.content
    document = builders.make_document(project)
    response = post_json(
        owner, api(f"documents/{document.pk}/"), '{"meta": {"a": "\\udc00"}}', "patch"
    )
    assert response.status_code == 400, response.content
    document.refresh_from_db()
    assert document.meta == {}
    assert owner.get(api("documents/")).status_code == 200


@pytest.mark.parametrize(
    "value",
    [
        '{"person": "\\ud800"}',
        '{"person": ["PER"]}',
        json.dumps(nested(300)),
        '{"person": "GPE\\u0000"}',
    ],
)
def test_actor_kind_labels_that_would_break_reads_are_refused(owner, project, value):
    url = f"/api/v1/projects/{project.pk}/"
    response = post_json(owner, url, f'{{"actor_kind_labels": {value}}}', "patch")
    assert response.status_code == 400, response.content
    assert fields(response)[0].startswith("actor_kind_labels")
    project.refresh_from_db()
    assert project.actor_kind_labels == {}
    assert owner.get("/api/v1/projects/").status_code == 200


def test_actor_kind_labels_must_name_an_entity_label_of_the_project(owner, project):
    url = f"/api/v1/projects/{project.pk}/"
    response = post_json(owner, url, '{"actor_kind_labels": {"person": "OPPOSE"}}', "patch")
    assert response.status_code == 400, response.content
    assert "OPPOSE" in response.json()["errors"]["actor_kind_labels"][0]
    response = post_json(owner, url, '{"actor_kind_labels": {"person": "PERSON"}}', "patch")
    assert response.status_code == 200, response.content


# --------------------------------------------------------------------------- request bodies


def test_a_body_nested_100000_deep_is_a_400(owner, api):
    body = "[" * 100_000 + "]" * 100_000
    response = post_json(owner, api("documents/import/"), body)
    assert response.status_code == 400, response.content
    assert "deep" in response.json()["detail"]


def test_a_body_nested_past_the_limit_is_a_400_even_if_python_could_parse_it(owner, api):
    response = post_json(owner, api("actors/"), json.dumps({"name": "X", "kind": nested(100)}))
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("payload", ["not an object", 42, None])
def test_a_json_body_that_is_not_a_list_or_object_to_the_registry_import(owner, api, payload):
    response = post_json(owner, api("actors/import/"), json.dumps(payload))
    assert response.status_code == 400, response.content


def test_a_form_body_without_a_file_to_the_registry_import(owner, api):
    response = owner.post(api("actors/import/"), {"format": "csv"}, format="multipart")
    assert response.status_code == 400, response.content
    assert "file" in response.json()["errors"]


# --------------------------------------------------------------------------- text fields


@pytest.mark.parametrize("bad", ["\\u0000", "\\ud800", "\\udfff"])
def test_an_actor_name_or_alias_that_cannot_be_stored(owner, api, project, bad):
    response = post_json(owner, api("actors/"), f'{{"name": "Put{bad}in", "kind": "person"}}')
    assert response.status_code == 400, response.content
    assert "name" in json.dumps(response.json()["errors"])
    response = post_json(owner, api("actors/"), f'{{"name": "Putin", "aliases": ["V{bad}"]}}')
    assert response.status_code == 400, response.content
    assert "aliases" in json.dumps(response.json()["errors"])
    assert not Actor.objects.filter(project=project).exists()


@pytest.mark.parametrize("bad", ["\x00", "\ud800"])
def test_a_registry_file_value_that_cannot_be_stored(owner, api, project, bad):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if bad == "\x00":  # a CSV file is UTF-8: a lone surrogate cannot be in it
        upload = SimpleUploadedFile("actors.csv", f"name,aliases\nPutin,V{bad}\n".encode())
        response = owner.post(api("actors/import/"), {"file": upload}, format="multipart")
        assert response.status_code == 400, response.content
        assert response.json()["errors"][0]["field"] == "aliases"
    rows = json.dumps([{"name": "Putin", "description": bad}])
    upload = SimpleUploadedFile("actors.json", rows.encode(), "application/json")
    response = owner.post(api("actors/import/"), {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "description"
    assert not Actor.objects.filter(project=project).exists()


@pytest.mark.parametrize("bad", ["\\u0000", "\\ud800"])
def test_a_span_id_that_cannot_be_stored(client_for, api, project, bad):
    document = builders.make_document(project)
    ana = client_for("ana")
    created = ana.post(api(f"documents/{document.pk}/annotations/mine/"))
    assert created.status_code in (200, 201)
    body = '{"version": 1, "spans": [{"id": "s' + bad + '", "start": 0, "end": 6, "label": "GPE"}]}'
    response = post_json(ana, api(f"documents/{document.pk}/annotations/mine/"), body, "put")
    assert response.status_code == 400, response.content
    assert "spans[0].id" in json.dumps(response.json())
    assert ana.get(api(f"documents/{document.pk}/annotations/")).status_code == 200


@pytest.mark.parametrize("field", ["title", "text", "outlet"])
def test_document_text_fields_that_cannot_be_stored(owner, api, project, field):
    body = {"id": "x", "text": "Hi.", field: "a\ud800"}
    response = post_json(owner, api("documents/"), json.dumps(body))
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json())
    assert not Document.objects.filter(project=project).exists()


def test_label_and_project_names_that_cannot_be_stored(owner, api, project):
    response = post_json(
        owner, api("labels/"), '{"kind": "entity", "name": "LOC", "description": "\\ud800"}'
    )
    assert response.status_code == 400, response.content
    assert "description" in response.json()["errors"]
    response = post_json(owner, "/api/v1/projects/", '{"name": "P\\udbff"}')
    assert response.status_code == 400, response.content
    assert "name" in response.json()["errors"]
    assert Project.objects.count() == 1


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    "path",
    [
        "documents/{big}/",
        "documents/{big}/annotations/",
        "documents/{big}/review/",
        "actors/{big}/",
        "actors/{big}/mentions/",
        "labels/{big}/",
        "members/{big}/",
        "releases/{big}/",
    ],
)
def test_an_id_past_the_range_in_a_path_is_a_404(owner, api, path):
    assert owner.get(api(path.format(big=BIG))).status_code == 404


def test_a_project_or_job_id_past_the_range_is_a_404(owner):
    assert owner.get(f"/api/v1/projects/{BIG}/").status_code == 404
    assert owner.get(f"/api/v1/projects/{BIG}/documents/").status_code == 404
    assert owner.get(f"/api/v1/jobs/{BIG}/").status_code == 404
    assert owner.delete(f"/api/v1/auth/tokens/{BIG}/").status_code == 404


def test_a_page_id_past_the_range_is_a_404(client, users, project):
    client.force_login(users["olga"])
    assert client.get(f"/projects/{BIG}/").status_code == 404
    assert client.get(f"/projects/{project.pk}/documents/{BIG}/").status_code == 404


def test_query_string_ids_past_the_range_are_a_400_naming_the_parameter(owner, api, project):
    for far in (BIG, f"-{BIG}", "-8.09e+253"):  # the last, a fuzz find: far below, as a float
        response = owner.get(f"/api/v1/jobs/?project={far}")
        assert response.status_code == 400, (far, response.content)
        assert "project" in response.json()["errors"]
    response = owner.get(api(f"agreement/?document={BIG}"))
    assert response.status_code == 400, response.content
    assert "document" in response.json()["errors"]


def test_body_ids_past_the_range_are_a_400_naming_the_field(owner, api, project):
    response = post_json(owner, api("preannotate/count/"), json.dumps({"documents": [BIG]}))
    assert response.status_code == 400, response.content
    assert "documents" in json.dumps(response.json())
    actor = Actor.objects.create(project=project, name="Putin")
    response = post_json(owner, api(f"actors/{actor.pk}/merge/"), json.dumps({"into": BIG}))
    assert response.status_code in (400, 404), response.content


def test_a_copy_from_past_the_range_is_a_400_naming_it(owner):
    response = post_json(
        owner, "/api/v1/projects/", json.dumps({"name": "P", "schema": {"copy_from": BIG}})
    )
    assert response.status_code == 400, response.content
    assert fields(response) == ["schema"]
    assert "copy_from" in response.json()["detail"]


def test_a_number_past_64_bits_in_a_body_is_named(owner, api):
    body = json.dumps({"id": "x", "text": "Hi.", "meta": {"n": 2**64}})
    response = post_json(owner, api("documents/"), body)
    assert response.status_code == 400, response.content
    assert fields(response) == ["meta.n"]


@pytest.mark.parametrize("user_map", ["[" * 100_000 + "]" * 100_000, '{"ann": "ana\\u0000"}'])
def test_a_user_map_form_field_that_cannot_be_read_is_a_400_naming_it(owner, api, user_map):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("docs.jsonl", b'{"id": "x", "text": "Hi."}\n')
    response = owner.post(
        api("documents/import/"), {"file": upload, "user_map": user_map}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert fields(response) == ["user_map"]


@pytest.mark.parametrize("meta", [nested(33), [1], "text"])
def test_patching_meta_takes_what_an_import_takes(owner, api, project, meta):
    document = builders.make_document(project)
    response = owner.patch(api(f"documents/{document.pk}/"), {"meta": meta}, format="json")
    assert response.status_code == 400, response.content
    assert fields(response) == ["meta"]
    document.refresh_from_db()
    assert document.meta == {}
