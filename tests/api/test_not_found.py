"""A URL no route matches: JSON under /api/, the site's page elsewhere."""

import pytest


@pytest.mark.parametrize(
    "path", ["/api/v1/projects/abc/", "/api/v1/projects/-3/actors/", "/api/v1/nothing/"]
)
def test_an_unmatched_api_url_answers_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unmatched_page_is_the_site_page(client):
    response = client.get("/projects/abc/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
