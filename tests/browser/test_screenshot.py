"""The README's screenshot of the workspace, taken on the demo project."""

import re

import pytest
from django.core.management import call_command
from django.db.models import Count
from playwright.sync_api import expect

from apps.annotations.models import AnnotationSet, Span
from apps.projects.models import Label

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_workspace_screenshot(page, live_server, screenshot_path):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # ana's unfinished document with the most stances, and a suggestion to accept.
    aset = (
        AnnotationSet.objects.filter(author__username="ana", status="in_progress")
        .annotate(n=Count("stances"))
        .order_by("-n", "document_id")
        .first()
    )
    document = aset.document
    prediction = AnnotationSet.objects.create(
        document=document, kind="prediction", source="alias-matcher"
    )
    taken = list(Span.objects.filter(set=aset).values_list("start", "end"))
    for match in re.finditer(r"\b[a-z]{7,}\b", document.text):
        if all(match.end() <= s or match.start() >= e for s, e in taken):
            Span.objects.create(
                set=prediction,
                sid="p1",
                start=match.start(),
                end=match.end(),
                label=Label.objects.get(project=document.project, name="EVENT"),
            )
            break
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "accord-demo")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/projects/{document.project_id}/documents/{document.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("]")
    page.keyboard.press("]")
    expect(page.locator("#detail")).to_be_visible()
    page.locator("#side").evaluate("node => node.scrollTo(0, 0)")
    if page.locator("#stance-list li").count():
        page.locator("#stance-list li").first.hover()
    screenshot = screenshot_path("workspace.png")
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size < 300_000
