"""Imports check a file's size before reading it, whatever Content-Length said.

Without a trustworthy Content-Length (a chunked upload under ASGI, a proxy
that drops it) the request still arrives whole; the view must refuse the file
by its size, never read it into memory first. The test parses the multipart
body as Django would, then leaves a Content-Length under the limit.
"""

import io

import pytest
from django.urls import resolve
from rest_framework.test import APIRequestFactory, force_authenticate

from apps.actors.models import Actor
from apps.documents.models import Document

pytestmark = pytest.mark.django_db


def post_without_a_length(user, url, name, body, fmt):
    upload = io.BytesIO(body)
    upload.name = name
    request = APIRequestFactory().post(url, {"file": upload, "format": fmt}, format="multipart")
    assert request.FILES["file"].size == len(body)  # parsed while the length was right
    request.META["CONTENT_LENGTH"] = "1"
    force_authenticate(request, user)
    match = resolve(url)
    response = match.func(request, *match.args, **match.kwargs)
    response.render()
    return response


def test_a_document_file_over_the_limit_is_413_before_it_is_read(project, users, settings):
    settings.ACCORD_IMPORT_MAX_BYTES = 1000
    body = b'{"id": "a", "text": "' + b"x" * 2000 + b'"}\n'
    url = f"/api/v1/projects/{project.pk}/documents/import/"
    response = post_without_a_length(users["olga"], url, "big.jsonl", body, "jsonl")
    assert response.status_code == 413, response.data
    assert f"{len(body):,} bytes" in response.data["detail"]
    assert "1,000" in response.data["detail"]
    assert not Document.objects.exists()


def test_an_actor_file_over_the_limit_is_413_before_it_is_read(project, users, settings):
    settings.ACCORD_IMPORT_MAX_BYTES = 100
    body = b"name,kind\n" + b"".join(b"Actor%d,state\n" % n for n in range(20))
    url = f"/api/v1/projects/{project.pk}/actors/import/"
    response = post_without_a_length(users["olga"], url, "r.csv", body, "csv")
    assert response.status_code == 413, response.data
    assert f"{len(body):,} bytes" in response.data["detail"]
    assert "import limit is 100 bytes" in response.data["detail"]
    assert not Actor.objects.exists()
