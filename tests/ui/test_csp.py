"""Every response carries the Content-Security-Policy; the API docs relax only
the two rules their scripts need."""

import pytest
from django.test import Client

from apps.projects.csp import build_policy

pytestmark = pytest.mark.django_db


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_build_policy_writes_each_directive_with_its_sources():
    assert build_policy({"default-src": ["'self'"], "upgrade-insecure-requests": []}) == (
        "default-src 'self'; upgrade-insecure-requests"
    )


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/projects/", "/nowhere/"])
def test_pages_api_answers_and_errors_carry_the_strict_policy(url):
    policy = directives(Client().get(url))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_relax_styles_and_workers_only(url):
    policy = directives(Client().get(url))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["worker-src"] == ["'self'", "blob:"]


def test_swagger_ui_starts_from_a_script_file_not_an_inline_script():
    client = Client()
    html = client.get("/api/docs/").content.decode()
    assert "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
