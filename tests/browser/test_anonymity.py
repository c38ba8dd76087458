"""What a reviewer of an anonymous-review project meets in the browser: the
documents page's annotator filter takes a pseudonym and marks a refused
username at the field; the datasets page marks a release built with names
and opens it for owners only, following one being built to its end; the
jobs page shows the kinds of job the role may see, and says which it leaves out."""

import pytest
from playwright.sync_api import expect

from apps.datasets.releases import build_release, create_release
from apps.projects.models import Job
from tests.browser.following import FOLLOWED
from tests.builders import (
    annotate,
    make_document,
    make_project,
    open_page,
    release_being_built,
    span_of,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media"),
]


@pytest.fixture
def anonymous(users):
    """k = 2, anonymous review: ana (Annotator 1, the lower user id) took
    d1 and d2, ben (Annotator 2) d2 and d3."""
    project = make_project(users, annotators_per_document=2, anonymous_review=True)
    docs = [
        make_document(project, f"d{n}", text=f"Moscow spoke {n}.", title=f"Wire {n}")
        for n in (1, 2, 3)
    ]
    for who, taken in (("ana", docs[:2]), ("ben", docs[1:])):
        for doc in taken:
            annotate(doc, users[who], [span_of("s1", doc.text, "Moscow", "GPE")])
    return project


def titles(page):
    return page.locator("#doc-rows tr a.doc-link")


def test_a_reviewer_filters_documents_by_pseudonym_and_is_told_why_a_name_is_refused(
    page, live_server, anonymous, screenshot_path
):
    page.set_viewport_size({"width": 1280, "height": 600})
    open_page(page, live_server.url, f"/projects/{anonymous.pk}/documents/", "rita")
    annotator = page.locator("#assigned_to")
    expect(annotator).to_have_attribute("placeholder", "Annotator n")
    annotator.fill("ben")
    annotator.press("Enter")
    error = page.locator("#doc-error")
    expect(error).to_contain_text("assigned_to: takes an annotator's pseudonym")
    expect(error).to_contain_text('"Annotator 1" to "Annotator 2"')
    expect(annotator).to_have_attribute("aria-invalid", "true")
    expect(annotator).to_be_focused()
    page.screenshot(path=screenshot_path("documents-anonymous.png"))
    # The cursor is back in the field: type the pseudonym instead.
    page.keyboard.press("Control+A")
    page.keyboard.type("Annotator 2")
    page.keyboard.press("Enter")
    expect(titles(page)).to_have_text(["Wire 2", "Wire 3"])
    expect(error).to_be_hidden()
    expect(annotator).not_to_have_attribute("aria-invalid", "true")


def test_an_owner_filters_by_username(page, live_server, anonymous):
    open_page(page, live_server.url, f"/projects/{anonymous.pk}/documents/", "olga")
    expect(page.locator("#assigned_to")).to_have_attribute("placeholder", "username")
    page.fill("#assigned_to", "ben")
    page.keyboard.press("Enter")
    expect(titles(page)).to_have_text(["Wire 2", "Wire 3"])


def releases(project, users):
    base = {"formats": ["jsonl"], "ratios": {"train": 1.0}, "source": "all"}
    named, _ = create_release(
        project, {**base, "name": "named", "annotators": "names"}, users["olga"]
    )
    plain, _ = create_release(project, {**base, "name": "pseudonymous"}, users["olga"])
    return named, plain


def open_datasets(page, live_server, project, username):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_page(page, live_server.url, f"/projects/{project.pk}/datasets/", username)


def test_a_reviewer_sees_a_release_with_names_listed_but_not_its_files(
    page, live_server, anonymous, users, screenshot_path
):
    named, plain = releases(anonymous, users)
    open_datasets(page, live_server, anonymous, "rita")
    row = page.locator(f"tr[data-release='{named.pk}']")
    expect(row).to_have_attribute("data-status", "ready")
    expect(row.locator(".names-tag")).to_have_text("annotators' names")
    more = page.locator(f"tr[data-release-more='{named.pk}']")
    expect(more).to_have_text(
        "This release names the annotators: only an owner may open its manifest and files."
    )
    expect(page.locator(f"#release-{named.pk}")).to_have_count(0)
    # The one built with pseudonyms opens as before.
    expect(page.locator(f"tr[data-release='{plain.pk}'] .names-tag")).to_have_count(0)
    page.focus(f"#release-{plain.pk} > summary")
    page.keyboard.press("Enter")
    files = page.locator(f"#release-{plain.pk} table.files tbody tr")
    expect(files).to_have_count(2)  # train.jsonl and the manifest
    page.locator("#releases").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_path("datasets-reviewer.png"), full_page=True)


def test_an_owner_opens_a_release_with_names(page, live_server, anonymous, users):
    named, _ = releases(anonymous, users)
    open_datasets(page, live_server, anonymous, "olga")
    expect(page.locator(f"tr[data-release='{named.pk}'] .names-tag")).to_be_visible()
    page.click(f"#release-{named.pk} > summary")
    expect(page.locator(f"#release-{named.pk}")).to_contain_text("annotators as names")
    expect(page.locator(f"#release-{named.pk} table.files tbody tr")).to_have_count(2)


def test_a_reviewer_follows_a_release_with_names_to_ready(page, live_server, anonymous, users):
    job, release = release_being_built(
        anonymous,
        users["olga"],
        {"progress": 0.5},
        ratios={"train": 1.0},
        source="all",
        annotators="names",
    )
    open_datasets(page, live_server, anonymous, "rita")
    row = page.locator(f"tr[data-release='{release.pk}']")
    expect(row).to_have_attribute("data-status", "running")
    build_release(job, release.pk)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=1.0)
    # Read again from the list, not from the detail a reviewer may not open.
    expect(row).to_have_attribute("data-status", "ready", **FOLLOWED)
    expect(row).not_to_contain_text("Progress unavailable")
    expect(page.locator(f"tr[data-release-more='{release.pk}']")).to_contain_text(
        "only an owner may open"
    )


def test_the_jobs_page_shows_a_reviewer_the_release_and_train_jobs_only(
    page, live_server, anonymous, users, screenshot_path
):
    create_release(anonymous, {"name": "v1", "formats": ["jsonl"]}, users["olga"])
    hidden = Job.objects.create(
        project=anonymous,
        kind="preannotate",
        handler="-",
        status=Job.Status.DONE,
        progress=1.0,
        result={"created": 3},
        created_by=users["olga"],
    )
    page.set_viewport_size({"width": 1280, "height": 500})
    open_page(page, live_server.url, f"/projects/{anonymous.pk}/jobs/", "rita")
    expect(page.locator("#job-rows tr")).to_have_count(1)
    expect(page.locator("#job-rows tr .job-kind")).to_have_text("release")
    expect(page.locator(f'tr[data-job="{hidden.pk}"]')).to_have_count(0)
    expect(page.locator("#jobs-scope")).to_have_text(
        "Shown to you as a reviewer: release jobs, train jobs. "
        "Not shown: import jobs (owners), preannotate jobs (owners), restore jobs (owners)."
    )
    page.screenshot(path=screenshot_path("jobs-reviewer.png"))
    # The owner sees both, and no such note.
    page.context.clear_cookies()
    open_page(page, live_server.url, f"/projects/{anonymous.pk}/jobs/", "olga")
    expect(page.locator("#job-rows tr")).to_have_count(2)
    expect(page.locator("#jobs-scope")).to_have_count(0)
