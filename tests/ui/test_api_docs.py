"""The interactive API docs load everything from the app itself: they work
offline and send nothing to a third party."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
# Any absolute URL in the page's own markup and scripts (an XML namespace is
# a name, not something loaded).
EXTERNAL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.I)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_docs_page_refers_to_no_external_host(url):
    client = Client()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    external = [m for m in EXTERNAL.findall(html) if "www.w3.org" not in m]
    assert external == []
    assets = ASSET.findall(html)
    assert any("drf_spectacular_sidecar" in asset for asset in assets), assets
    # Each script and stylesheet it loads is served here.
    for asset in assets:
        if asset.startswith("/static/"):
            served = client.get(asset)
            assert served.status_code == 200, asset
            body = b"".join(served.streaming_content) if served.streaming else served.content
            assert body, asset


def test_swagger_ui_init_script_is_local_too():
    client = Client()
    html = client.get("/api/docs/").content.decode()
    scripts = [a for a in ASSET.findall(html) if a.endswith(".js")]
    assert scripts
    for script in scripts:
        assert script.startswith("/"), script
