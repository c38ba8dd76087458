"""Playwright against the live server, in Debian's Chromium.

Without /usr/bin/chromium the browser tests skip with a message, except
under CI=true, where a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

from tests import builders
from tests.browser.serving import SERVING

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")


# The test database is SQLite in memory with a shared cache, where a reader
# meeting a writer fails at once ("database table is locked") instead of
# waiting as the file database in WAL mode does. One request at a time keeps
# the browser's parallel requests from meeting; the app itself is unchanged.
class SerialWSGIServer(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        # LiveServerThread.run() applies the overrides in its own thread,
        # where this server handles every request.
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        with SERVING:
            super().process_request(request, client_address)


@pytest.fixture
def serialized_database():
    """Every query of the test's thread waits for the request being served:
    for tests that write while a page keeps reading (a job followed)."""

    def wait_for_the_server(execute, sql, params, many, context):
        with SERVING:
            return execute(sql, params, many, context)

    with connection.execute_wrapper(wait_for_the_server):
        yield


LiveServerThread.server_class = SerialWSGIServer


def pytest_collection_modifyitems(config, items):
    # Outside CI a machine without Chromium skips; under CI the launch
    # arguments below fail the run instead.
    if CHROMIUM.exists() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not found: install Debian's chromium to run the browser tests "
        "(CI installs it, and fails without it)."
    )
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing and CI=true: the browser tests must run in CI.")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture
def media(settings, tmp_path):
    """Release files in a temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sign_in(live_server):
    def sign_in(page, username):
        return builders.sign_in(page, live_server.url, username)

    return sign_in


@pytest.fixture
def open_workspace(live_server):
    def open_workspace(page, document, username="ana"):
        path = f"/projects/{document.project_id}/documents/{document.pk}/"
        return builders.open_page(page, live_server.url, path, username)

    return open_workspace


@pytest.fixture
def page(page, request):
    """The page, failing the test on any uncaught JavaScript error and on any
    breach of the Content-Security-Policy (Chromium reports each on the
    console), but those a `csp_refuses("text")` marker says the test expects."""
    errors = []
    refused = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "Content Security Policy" in message.text
            and refused.append(message.text)
        ),
    )
    yield page
    assert errors == [], f"JavaScript errors: {errors}"
    expected = request.node.get_closest_marker("csp_refuses")
    if expected:
        refused = [text for text in refused if expected.args[0] not in text]
    assert refused == [], f"Refused by the Content-Security-Policy: {refused}"


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def screenshot_path(tmp_path):
    """Where a test saves its screenshot: the README's docs/screenshots/ when
    ACCORD_SCREENSHOTS=1 (to refresh them), else a temporary folder, so a test
    run leaves the work tree clean."""

    def path(name):
        folder = SCREENSHOTS if os.environ.get("ACCORD_SCREENSHOTS") == "1" else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    return path
