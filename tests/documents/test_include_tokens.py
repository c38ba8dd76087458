"""`?include=tokens`: the server's token boundaries with a document."""

import pytest

from apps.documents.models import Document
from apps.documents.text import token_offsets

pytestmark = pytest.mark.django_db

TEXT = "Moscow’s envoy said the U.S. was wrong. 🇻🇪"


@pytest.fixture
def document(project):
    return Document.objects.create(project=project, external_id="d1", text=TEXT)


def test_a_document_comes_with_its_tokens_when_asked(client_for, api, document):
    got = client_for("ana").get(api(f"documents/{document.pk}/"), {"include": "tokens"}).json()
    assert got["tokens"] == [list(pair) for pair in token_offsets(TEXT)]
    words = [TEXT[start:end] for start, end in got["tokens"]]
    assert words[:3] == ["Moscow", "’s", "envoy"] and "U.S." in words
    assert "tokens" not in client_for("ana").get(api(f"documents/{document.pk}/")).json()


def test_both_parts_and_a_list_page(client_for, api, document, django_assert_max_num_queries):
    client = client_for("olga")
    with django_assert_max_num_queries(8):
        page = client.get(api("documents/"), {"include": "annotations,tokens"}).json()
    (row,) = page["results"]
    assert row["tokens"] and row["annotations"] == []


def test_an_unknown_part_is_refused_by_name(client_for, api, document):
    response = client_for("ana").get(api(f"documents/{document.pk}/"), {"include": "tokenz"})
    assert response.status_code == 400
    assert "tokenz" in str(response.json()["errors"]["include"])
