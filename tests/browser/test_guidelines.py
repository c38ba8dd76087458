"""The project's guidelines open beside the text in the workspace (Shift+G),
without blocking annotation, and are rendered safely."""

import pytest
from playwright.sync_api import expect

from apps.annotations.models import AnnotationSet
from tests.builders import make_document

pytestmark = pytest.mark.browser


@pytest.fixture
def document(project):
    return make_document(project, text="Moscow condemned the operation.")


GUIDELINES = """# Guidelines

Label **states** as GPE, even when a capital stands for them ("Moscow").

<script>window.pwned = 1</script>
"""


def test_guidelines_beside_the_text(page, project, document, open_workspace, screenshot_path):
    project.guidelines = GUIDELINES
    project.save()
    open_workspace(page, document)
    page.locator("#text").focus()
    drawer = page.locator("#guidelines")
    expect(drawer).to_be_hidden()
    page.keyboard.press("Shift+G")
    expect(drawer).to_be_visible()
    expect(drawer).to_contain_text("even when a capital stands for them")
    expect(page.locator("#guidelines-button")).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("window.pwned") is None
    page.screenshot(path=screenshot_path("workspace-guidelines.png"))

    # Annotation goes on while the guidelines are open: the focus stayed in
    # the text, so a word and a label key make a span.
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("g")
    expect(page.locator("#span-list li")).to_have_count(1)
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")
    assert AnnotationSet.objects.get(document=document, author__username="ana").spans.count() == 1

    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    page.click("#guidelines-button")
    expect(drawer).to_be_visible()
    page.click("#guidelines-close")
    expect(drawer).to_be_hidden()


def test_no_guidelines_no_button(page, document, open_workspace):
    open_workspace(page, document)
    expect(page.locator("#guidelines-button")).to_have_count(0)
    page.keyboard.press("Shift+G")  # does nothing, and is not a label key
    expect(page.locator("#span-list li")).to_have_count(0)
