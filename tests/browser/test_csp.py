"""The app's own pages run under its Content-Security-Policy without a single
refusal: the `page` fixture fails a test on any (see conftest.py), so every
browser test checks its pages; this one walks those no other test opens."""

import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.builders import add_gold, annotate, make_document, sign_in, span_of

pytestmark = pytest.mark.browser


@pytest.fixture
def annotated(project, users):
    document = make_document(project, text="Moscow condemned Washington.")
    for name in ("ana", "ben"):
        annotate(document, users[name], [span_of("s1", document.text, "Moscow", "GPE")])
    add_gold(document, spans=[span_of("s1", document.text, "Moscow", "GPE")])
    # And one in the review queue, where the annotators disagree.
    disputed = make_document(project, external_id="d2", text="Caracas answered Moscow.")
    annotate(disputed, users["ana"], [span_of("s1", disputed.text, "Caracas", "GPE")])
    annotate(disputed, users["ben"], [span_of("s1", disputed.text, "Moscow", "GPE")])
    return document


def test_server_rendered_pages_break_no_rule(page, live_server, project, annotated):
    sign_in(page, live_server.url, "olga")
    for path in (
        "/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/dashboard/",
        f"/projects/{project.pk}/review/",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    # The label chips got their colours through the CSSOM, not a style attribute.
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    chip = page.locator(".labels .chip").first
    assert chip.get_attribute("style") is not None
    assert chip.evaluate("node => node.style.getPropertyValue('--c')") != ""


def test_the_progress_bars_are_drawn(page, live_server, project, annotated):
    sign_in(page, live_server.url, "olga")
    page.goto(f"{live_server.url}/projects/{project.pk}/dashboard/")
    adjudicated = page.locator("#progress svg rect.st-adjudicated")
    expect(adjudicated).to_have_attribute("width", "50")
    # Laid end to end in the order of the statuses: annotated, then adjudicated.
    expect(adjudicated).to_have_attribute("x", "50")
    expect(page.locator("#progress svg rect.st-annotated")).to_have_attribute("x", "0")
    assert adjudicated.bounding_box()["width"] > 100
    page.goto(f"{live_server.url}/projects/{project.pk}/review/")
    meter = page.locator("#queue .meter rect.score")
    expect(meter).to_have_count(1)
    assert (
        0 < meter.bounding_box()["width"] <= page.locator("#queue .meter").bounding_box()["width"]
    )


def test_swagger_ui_renders_under_its_policy(page, live_server, project):
    sign_in(page, live_server.url, "olga")
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .title").first).to_contain_text("Accord API", timeout=15_000)


# Redoc's sidebar shows its maker's logo from a CDN: the policy refuses it, as
# it refuses anything from a third party, and the docs work without it.
@pytest.mark.csp_refuses("https://cdn.redoc.ly/")
def test_redoc_renders_under_its_policy(page, live_server, project):
    sign_in(page, live_server.url, "olga")
    page.goto(f"{live_server.url}/api/redoc/")
    # Redoc renders the whole schema at once, which keeps a loaded machine's
    # page busy for a while. (wait_for_function would evaluate a string in the
    # page, which the policy refuses.)
    title = "document.querySelector('h1, h2')?.textContent || ''"
    deadline = time.monotonic() + 60
    while "Accord API" not in page.evaluate(title) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert "Accord API" in page.evaluate(title)


def test_the_admin_breaks_no_rule(page, live_server, db):
    get_user_model().objects.create_superuser("root", password="pw-root")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-root")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{live_server.url}/admin/projects/project/add/")
    page.wait_for_load_state("networkidle")
