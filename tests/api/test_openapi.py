"""The OpenAPI schema validates, and real responses match it.

A populated project is walked through as its members would: every GET
endpoint and the main writes, plus the errors each documents. Each JSON
response is checked with jsonschema against the schema's response for its
status, made strict first: every object declared with properties refuses
others (`additionalProperties: false`), so a field missing from the schema,
a mistyped one, a null where none is declared, or an undocumented status
fails the test.
"""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator

from apps.actors.models import Concept
from apps.documents.models import Document
from tests.builders import add_gold, concept_stance, make_project, span_of


def openapi_schema():
    """The API's OpenAPI document as JSON data (other apps' tests check with it too)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


@pytest.fixture(scope="module")
def openapi():
    return openapi_schema()


def strict(node):
    """OpenAPI 3.0 schema -> JSON Schema: `nullable` as a null alternative,
    and no undeclared properties."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: strict(value) for key, value in node.items()}
    if out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    if out.pop("nullable", False):
        return {"anyOf": [out, {"type": "null"}]}
    return out


class Checker:
    def __init__(self, openapi):
        self.components = strict(openapi["components"])
        self.operations = []
        # Literal paths first: actors/export/ is not actors/{id}/.
        for template, item in sorted(openapi["paths"].items(), key=lambda p: p[0].count("{")):
            pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
            self.operations.append((re.compile(f"^{pattern}$"), item))
        self.checked = []

    def operation(self, path, method):
        for pattern, item in self.operations:
            if pattern.match(path) and method in item:
                return item[method]
        raise AssertionError(f"{method.upper()} {path} is not in the schema")

    def __call__(self, response):
        request = response.wsgi_request
        method = request.method.lower()
        op = self.operation(request.path, method)
        code = str(response.status_code)
        assert code in op["responses"], (
            f"{method.upper()} {request.path} answered {code}, not documented "
            f"(only {sorted(op['responses'])}): {getattr(response, 'data', '')!r}"
        )
        content = op["responses"][code].get("content")
        self.checked.append((method, request.path, code))
        if response.status_code == 204:
            assert content is None
            return response
        body = response.content if not response.streaming else b"".join(response)
        # A file download (declared */*) may be JSON too; only declared JSON is checked.
        if response["Content-Type"].startswith("application/json") and content:
            assert "application/json" in content or "*/*" in content, content
        if response["Content-Type"].startswith("application/json") and "application/json" in (
            content or {}
        ):
            schema = {**content["application/json"]["schema"], "components": self.components}
            errors = sorted(
                Draft202012Validator(strict(schema)).iter_errors(json.loads(body)),
                key=lambda e: list(e.absolute_path),
            )
            assert not errors, f"{method.upper()} {request.path} {code}: " + "; ".join(
                f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5]
            )
        return response


def test_the_schema_validates(openapi):
    validate_schema(openapi)
    ids = [op["operationId"] for item in openapi["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_the_checker_catches_a_field_missing_from_the_schema(openapi):
    """A payload with one more field than declared, or a null in a non-null
    field, fails: the check is not vacuous."""
    check = Checker(openapi)
    schema = {"$ref": "#/components/schemas/Span", "components": check.components}
    good = {"id": "s1", "start": 0, "end": 3, "label": "ORG", "text": "abc", "actor": None}
    good["score"] = None  # every span has one: null but on prediction spans
    validator = Draft202012Validator(strict(schema))
    assert not list(validator.iter_errors(good))
    assert list(validator.iter_errors({**good, "extra": 1}))
    assert list(validator.iter_errors({**good, "label": None}))
    assert list(validator.iter_errors({**good, "start": "0"}))


TEXT = "Caracas rejected the offer of Moscow. Maduro spoke."


def span(sid, piece, label, actor=None):
    return span_of(sid, TEXT, piece, label, actor)


@pytest.mark.django_db
def test_responses_match_the_schema(openapi, users, client_for, settings):
    check = Checker(openapi)
    project = make_project(
        users, annotators_per_document=2, blind=False, actor_kind_labels={"person": "PERSON"}
    )
    base = f"/api/v1/projects/{project.pk}/"
    owner, reviewer = client_for("olga"), client_for("rita")
    ana, ben = client_for("ana"), client_for("ben")

    # Projects, labels, members, jobs.
    check(owner.get("/api/v1/projects/"))
    check(owner.get(f"/api/v1/projects/{project.pk}/"))
    check(owner.post("/api/v1/projects/", {"name": ""}, format="json"))
    news = {"name": "News", "schema": {"template": "news"}}
    check(owner.post("/api/v1/projects/", news, format="json"))
    copy = {"name": "Copy", "schema": {"copy_from": 999_999}}
    check(owner.post("/api/v1/projects/", copy, format="json"))
    check(owner.post("/api/v1/guidelines/preview/", {"guidelines": "# Hi"}, format="json"))
    check(owner.post("/api/v1/guidelines/preview/", {}, format="json"))
    check(client_for(None).post("/api/v1/guidelines/preview/", {}, format="json"))
    check(client_for("oscar").get(f"/api/v1/projects/{project.pk}/"))
    check(client_for(None).get("/api/v1/projects/"))
    check(owner.get(f"{base}labels/"))
    check(owner.get(f"{base}members/"))
    users["olga"].is_staff = True
    users["olga"].save()
    new_account = f"{base}members/new-account/"
    check(
        owner.post(new_account, {"username": "newcomer", "email": "n@example.org"}, format="json")
    )
    check(owner.post(new_account, {"username": "newcomer"}, format="json"))
    check(reviewer.post(new_account, {"username": "other"}, format="json"))
    check(owner.post(f"{base}members/", {"email": "n@example.org"}, format="json"))
    check(owner.get(f"{base}members/"))
    olga = project.memberships.get(user=users["olga"]).pk
    check(owner.delete(f"{base}members/{olga}/"))  # 400: the last owner
    check(ana.post(f"{base}labels/", {"kind": "entity", "name": "X"}, format="json"))

    # Actors.
    maduro = check(
        owner.post(f"{base}actors/", {"name": "Maduro", "aliases": ["Maduro"]}, format="json")
    ).data["id"]
    other = check(owner.post(f"{base}actors/", {"name": "N. Maduro"}, format="json")).data["id"]
    check(owner.post(f"{base}actors/", {"name": ""}, format="json"))
    check(owner.get(f"{base}actors/"))
    check(owner.get(f"{base}actors/{maduro}/"))
    check(owner.get(f"{base}actors/export/?format=json"))
    check(owner.post(f"{base}actors/import/", [{"name": "Guaidó"}], format="json"))
    check(owner.post(f"{base}actors/import/", [{"name": ""}], format="json"))

    # Documents: one by one, an import, a refused import.
    records = [{"id": f"d{n}", "text": TEXT, "title": f"Doc {n}"} for n in range(3)]
    check(owner.post(f"{base}documents/", records[0], format="json"))
    check(owner.post(f"{base}documents/", records[0], format="json"))  # 409
    check(owner.post(f"{base}documents/", {"id": "x"}, format="json"))  # 400
    check(owner.post(f"{base}documents/import/preview/", records, format="json"))
    check(owner.post(f"{base}documents/import/preview/", [{"text": ""}], format="json"))
    check(owner.post(f"{base}documents/import/", records[1:], format="json"))
    check(owner.post(f"{base}documents/import/", [{"text": ""}], format="json"))
    check(owner.post(f"{base}documents/import/", {}, format="json"))
    # A file over the background threshold: 202 and a job to follow.
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 10
    big = SimpleUploadedFile("big.jsonl", b'{"id": "bg", "text": "In the background."}\n')
    started = check(owner.post(f"{base}documents/import/", {"file": big}, format="multipart"))
    assert started.status_code == 202
    check(owner.get(f"/api/v1/jobs/{started.data['job']}/"))
    check(owner.get(f"/api/v1/jobs/?project={project.pk}&kind=import"))
    settings.ACCORD_IMPORT_BACKGROUND_BYTES = 5 * 1024 * 1024
    doc = Document.objects.get(project=project, external_id="d0").pk
    check(owner.patch(f"{base}documents/{doc}/", {"outlet": "AP"}, format="json"))
    check(owner.get(f"{base}documents/999999/"))

    # Two annotators annotate and submit the same document.
    spans = [span("s1", "Caracas", "GPE"), span("s2", "Maduro", "PERSON", maduro)]
    stances = [{"id": "t1", "holder": "s2", "target": "s1", "polarity": "SUPPORT"}]
    second = Document.objects.get(project=project, external_id="d1").pk
    for client in (ana, ben):
        check(client.get(f"{base}documents/{doc}/annotations/mine/"))  # 404: not taken
        mine = check(client.post(f"{base}documents/{doc}/annotations/mine/")).data  # 201
        check(client.post(f"{base}documents/{doc}/annotations/mine/"))  # 200: the same set
        check(client.post(f"{base}documents/{second}/annotations/mine/"))  # 409: holds one
        body = {"version": mine["version"], "spans": spans, "stances": stances}
        check(client.put(f"{base}documents/{doc}/annotations/mine/", body, format="json"))
        check(client.put(f"{base}documents/{doc}/annotations/mine/", body, format="json"))  # 409
        bad = {"version": mine["version"] + 1, "spans": [span("s1", "Caracas", "NOPE")]}
        check(client.put(f"{base}documents/{doc}/annotations/mine/", bad, format="json"))
        check(client.post(f"{base}documents/{doc}/annotations/mine/submit/", {}, format="json"))
        check(client.post(f"{base}documents/{doc}/annotations/mine/submit/", {}, format="json"))
    check(ana.post(f"{base}documents/next/"))
    check(ana.get(f"{base}documents/{doc}/annotations/"))
    check(owner.get(f"{base}documents/"))
    check(owner.get(f"{base}documents/?include=annotations"))
    check(owner.get(f"{base}documents/{doc}/?include=annotations"))

    # Mentions and merges.
    check(owner.get(f"{base}actors/{maduro}/mentions/"))
    check(owner.get(f"{base}actors/{maduro}/mentions/?context=-1"))
    check(owner.post(f"{base}actors/{other}/merge/", {"into": maduro}, format="json"))
    check(owner.post(f"{base}actors/{other}/merge/", {}, format="json"))
    check(owner.delete(f"{base}actors/{maduro}/"))  # 409: linked from spans

    # Review, gold, decisions.
    review = f"{base}documents/{doc}/"
    check(ana.get(f"{base}review/queue/"))  # 403
    check(reviewer.get(f"{base}review/queue/"))
    check(reviewer.get(f"{base}agreement/"))
    check(reviewer.get(f"{base}agreement/?label=NOPE"))
    check(reviewer.get(f"{review}review/"))
    check(reviewer.get(f"{review}gold/"))  # 404: no gold set yet
    check(reviewer.get(f"{review}review/"))
    merged = check(
        reviewer.post(f"{review}gold/auto-merge/", {"min_agreement": 2}, format="json")
    ).data
    gold = check(reviewer.get(f"{review}gold/")).data
    stale = {"version": gold["version"] - 1}
    check(reviewer.put(f"{review}gold/", stale, format="json"))  # 409
    version = merged["gold"]["version"]
    decision = {"action": "add", "span": span("s9", "Moscow", "GPE"), "version": version}
    made = check(reviewer.post(f"{review}decisions/", decision, format="json")).data
    check(reviewer.post(f"{review}decisions/", {"action": "nope"}, format="json"))
    check(reviewer.get(f"{review}decisions/"))
    check(reviewer.post(f"{review}decisions/{made['id']}/reverse/", {}, format="json"))
    check(reviewer.post(f"{review}gold/accept/", {"reason": "done"}, format="json"))
    check(reviewer.post(f"{review}gold/accept/", {}, format="json"))  # 409
    check(reviewer.post(f"{review}gold/reopen/", {"reason": "typo"}, format="json"))
    check(reviewer.post(f"{review}gold/reopen/", {"reason": "again"}, format="json"))  # 409
    check(reviewer.post(f"{review}gold/accept/", {}, format="json"))

    # Pre-annotation, jobs, releases, export.
    job = check(owner.post(f"{base}preannotate/", {}, format="json")).data["job"]
    check(owner.post(f"{base}preannotate/", {"documents": []}, format="json"))
    selection = {"filter": {"q": "Moscow", "status": "new"}, "unannotated": True}
    check(owner.post(f"{base}preannotate/", selection, format="json"))
    check(owner.post(f"{base}preannotate/count/", selection, format="json"))
    check(owner.post(f"{base}preannotate/count/", {"filter": {"status": "x"}}, format="json"))
    check(owner.get("/api/v1/jobs/"))
    check(owner.get(f"/api/v1/jobs/?project={project.pk}&status=done"))
    check(owner.get("/api/v1/jobs/?project=abc"))  # 400
    check(owner.get(f"/api/v1/jobs/{job}/"))
    started = check(owner.post(f"{base}releases/", {"name": "v1"}, format="json")).data
    check(owner.post(f"{base}releases/", {"name": ""}, format="json"))
    release = started["release"]["id"]
    check(owner.get(f"{base}releases/"))
    check(owner.get(f"{base}releases/{release}/"))
    check(owner.get(f"{base}releases/{release}/files/manifest/"))
    check(owner.get(f"{base}releases/{release}/files/jsonl/"))
    check(owner.get(f"{base}export/?source=nope"))
    check(owner.get(f"{base}export/"))

    # Discourse networks: a gold claim on a concept, by Maduro.
    concept = Concept.objects.create(project=project, name="Sovereignty").pk
    claim = concept_stance("t1", "s2", concept)
    add_gold(Document.objects.get(pk=second), spans=spans, stances=[claim])
    for kind in ("congruence", "affiliation", "nope"):
        check(reviewer.get(f"{base}networks/?kind={kind}"))
    check(reviewer.get(f"{base}networks/statements/?actor={maduro}"))
    check(reviewer.get(f"{base}networks/statements/?concept=x"))
    check(ana.get(f"{base}networks/"))  # 403

    check(owner.delete(f"{base}documents/{doc}/"))
    assert len(check.checked) > 70


@pytest.mark.django_db
def test_token_responses_match_the_schema(openapi, users, client_for, settings):
    settings.ACCORD_LOGIN_LIMIT_PER_USERNAME = 2
    check = Checker(openapi)
    anonymous = client_for(None)
    sign_in = "/api/v1/auth/token/"
    issued = check(anonymous.post(sign_in, {"username": "ana", "password": "pw-ana"})).data
    check(anonymous.post(sign_in, {"username": "ana"}, format="json"))  # 400
    for _ in range(2):
        check(anonymous.post(sign_in, {"username": "ben", "password": "no"}, format="json"))
    throttled = check(anonymous.post(sign_in, {"username": "ben", "password": "no"}))
    assert throttled.status_code == 429

    with_token = client_for(None)
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
    check(with_token.get("/api/v1/auth/tokens/"))
    check(anonymous.get("/api/v1/auth/tokens/"))  # 401
    check(client_for("ana").delete("/api/v1/auth/tokens/current/"))  # 400: a session
    check(with_token.delete("/api/v1/auth/tokens/999999/"))  # 404
    other = check(anonymous.post(sign_in, {"username": "ana", "password": "pw-ana"})).data
    check(with_token.delete(f"/api/v1/auth/tokens/{other['id']}/"))
    check(with_token.delete("/api/v1/auth/tokens/current/"))
    check(client_for("ana").delete("/api/v1/auth/tokens/"))
    assert len(check.checked) == 13


def test_every_id_in_a_path_is_an_integer_within_the_stored_range(openapi):
    ids = [
        parameter
        for item in openapi["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
        and (parameter["name"] == "id" or parameter["name"].endswith("_pk"))
    ]
    assert {p["name"] for p in ids} >= {"id", "project_pk", "document_pk"}
    for parameter in ids:
        assert parameter["schema"]["type"] == "integer", parameter
        assert parameter["schema"]["maximum"] == 2**63 - 1
