"""The datasets page in a real browser: downloads checked byte for byte
against the API, a release built and followed to ready, API errors at their field."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from apps.annotations.models import AnnotationSet
from apps.datasets.models import Release, ReleaseFile
from apps.datasets.releases import build_release
from apps.documents.models import Document
from apps.projects.models import Job
from tests.browser.following import FOLLOWED
from tests.builders import (
    add_set,
    annotate,
    make_category_group,
    make_project,
    release_being_built,
    reopened,
    tricky_payloads,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media"),
]


@pytest.fixture
def gold_project(users):
    project = make_project(users, annotators_per_document=2)
    for external_id, text, spans, stances in tricky_payloads():
        document = Document.objects.create(
            project=project,
            external_id=external_id,
            text=text,
            url=f"https://news.example/{external_id}",
            published="2024-05-02",
        )
        add_set(document, AnnotationSet.Kind.GOLD, spans, stances)
    return project


def open_page(page, live_server, sign_in, project, username):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, username)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.click("#datasets-link")
    page.wait_for_selector("body[data-ready=true]")


def api_bytes(users, username, path):
    client = APIClient()
    client.force_authenticate(users[username])
    response = client.get(path)
    assert response.status_code == 200, response.content
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_reviewer_downloads_the_gold_jsonl_the_api_serves(
    page, live_server, sign_in, gold_project, users
):
    open_page(page, live_server, sign_in, gold_project, "rita")
    expect(page.locator("#x-annotators option[value=names]")).to_have_count(0)
    expect(page.locator("#release-form")).to_have_count(0)
    page.select_option("#x-format", "jsonl")
    page.check("input[name=source][value=gold]")
    expect(page.locator("#x-format-help")).to_contain_text("code points")
    href = page.get_attribute("#export-link", "href")
    assert href.startswith(f"/api/v1/projects/{gold_project.pk}/export/?format=jsonl&source=gold")

    with page.expect_download() as info:
        page.focus("#export-link")
        page.keyboard.press("Enter")  # keyboard, as a person without a mouse
    download = info.value
    assert download.suggested_filename == "venezuela-crisis-gold.jsonl"
    body = Path(download.path()).read_bytes()
    assert body == api_bytes(users, "rita", href)
    assert b"\\ud83c" not in body and "🇻🇪".encode() in body  # exact text, not escaped
    assert body.count(b"\n") == 3
    expect(page.locator("#export-state")).to_contain_text("Downloading")


def test_formats_that_need_the_text_disable_no_text(page, live_server, sign_in, gold_project):
    open_page(page, live_server, sign_in, gold_project, "rita")
    page.uncheck("#x-text")
    assert "include_text=false" in page.get_attribute("#export-link", "href")
    page.select_option("#x-format", "conll")
    expect(page.locator("#x-text")).to_be_disabled()
    expect(page.locator("#x-text")).to_be_checked()
    expect(page.locator("#x-text-needed")).to_contain_text("conll needs the text")
    assert "include_text" not in page.get_attribute("#export-link", "href")
    page.select_option("#x-format", "network")
    expect(page.locator("#x-slice-field")).to_be_visible()
    page.select_option("#x-slice", "year")
    assert "slice=year" in page.get_attribute("#export-link", "href")


def test_a_bad_ratio_shows_the_apis_error_at_the_field(page, live_server, sign_in, gold_project):
    open_page(page, live_server, sign_in, gold_project, "olga")
    # The export: the link checks before it downloads, and stays on the page.
    page.fill("#x-ratios", "train:0.8,dev:0.3")
    expect(page.locator("#x-split option")).to_have_text(["every document", "train", "dev"])
    page.click("#export-link")
    error = page.locator("#x-error-ratios")
    expect(error).to_have_text("the ratios must add up to 1, they add up to 1.1")
    expect(page.locator("#x-ratios")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#x-ratios")).to_be_focused()
    assert page.url.endswith(f"/projects/{gold_project.pk}/datasets/")
    # The release form: the same rule, the API's message at its field.
    page.click("#build > summary")
    page.fill("#r-name", "v1")
    page.fill("#r-ratios", "train:0.8, dev:0.1, test:0.2")
    page.click("#build-release")
    expect(page.locator("#r-error-ratios")).to_have_text(
        "the ratios must add up to 1, they add up to 1.1"
    )
    expect(page.locator("#r-ratios")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#r-error-name")).to_be_hidden()
    page.fill("#r-ratios", "train:abc")
    page.click("#build-release")
    expect(page.locator("#r-error-ratios")).to_contain_text("the ratio of train must be a number")
    assert not Release.objects.exists()


def test_owner_builds_a_release_and_downloads_a_file_matching_its_sha256(
    page, live_server, sign_in, gold_project, users, screenshot_path
):
    # Two annotators who partly agree, so the manifest has agreement figures;
    # they choose a FRAME for each document too, agreeing on all but the first.
    make_category_group(gold_project, "FRAME", ["Conflict", "Diplomacy"])
    for index, document in enumerate(Document.objects.filter(project=gold_project).order_by("pk")):
        spans = [
            {"id": s.sid, "start": s.start, "end": s.end, "label": s.label.name}
            for s in AnnotationSet.objects.get(document=document, kind="gold").spans.all()
        ]
        frame = ["Conflict"] if index % 2 else ["Diplomacy"]
        with reopened(document, users["rita"]):  # the gold fixture came first
            annotate(document, users["ana"], spans, categories=frame)
            annotate(document, users["ben"], spans[:1], categories=frame if index else ["Conflict"])
    open_page(page, live_server, sign_in, gold_project, "olga")
    expect(page.locator("#releases-state")).to_have_text("No release yet.")
    page.click("#build > summary")
    page.fill("#r-name", "v1.0 <b>draft</b>")
    page.check("#release-form input[name=formats][value=conll]")
    expect(page.locator("#r-text")).to_be_disabled()  # conll needs the text
    page.fill("#r-licence-annotations", "CC BY 4.0")
    page.click("#build-release")

    row = page.locator("#release-rows tr[data-release]")
    expect(row).to_have_attribute("data-status", "ready", **FOLLOWED)
    release = Release.objects.get()
    assert row.get_attribute("data-release") == str(release.pk)
    expect(row.locator(".release-name")).to_have_text("v1.0 <b>draft</b>")  # text, not markup
    counts = Release.objects.get().manifest["splits"]
    expect(row.locator(".splits")).to_have_text(
        " · ".join(f"{name} {c['documents']}" for name, c in counts.items())
    )
    summary = page.locator(f"#release-{release.pk}")
    expect(summary).to_have_attribute("open", "")
    # One row per layer: entities (exact, partial), stances (F1, polarity),
    # stances on concepts (F1, polarity), actor links, and the FRAME group
    # (alpha, kappa).
    expect(summary.locator("table.agreement tbody tr")).to_have_count(9)
    frame = release.manifest["agreement"]["categories:FRAME"]
    assert frame["items"] == Document.objects.filter(project=gold_project).count()
    frame_row = summary.locator('tr[data-layer="categories:FRAME"]')
    expect(frame_row.locator("th")).to_contain_text("Krippendorff's alpha, nominal")
    expect(frame_row.locator("td").first).to_have_text(
        f"{frame['value']:.3f}"
        if frame["value"] is not None
        else f"not computable: {frame['reason']}"
    )
    expect(summary.locator('tr[data-layer="categories_kappa:FRAME"]')).to_be_visible()
    expect(summary.locator("tr[data-layer=concept_stances] th")).to_contain_text(
        "stance-on-concept F1"
    )
    exact = release.manifest["agreement"]["entities"]
    expect(summary.locator("tr[data-layer=entities] td").first).to_have_text(
        f"{exact['value']:.3f}"
    )
    limitations = release.manifest["known_limitations"]
    expect(summary.locator(".limitations li")).to_have_count(len(limitations))
    expect(summary).to_contain_text("Licence of the annotations: CC BY 4.0.")

    stored = ReleaseFile.objects.filter(release=release, format="conll", size__gt=0).first()
    file_row = summary.locator(f"tr[data-format=conll][data-split={stored.split}]")
    listed = file_row.locator("code.sha").text_content()
    assert listed == stored.sha256
    with page.expect_download() as info:
        file_row.locator("a").click()
    body = Path(info.value.path()).read_bytes()
    assert hashlib.sha256(body).hexdigest() == listed
    assert len(body) == stored.size

    with page.expect_download() as info:
        summary.locator("tr[data-format=manifest] a").click()
    manifest = Path(info.value.path()).read_bytes()
    assert hashlib.sha256(manifest).hexdigest() == release.manifest_sha256

    screenshot = screenshot_path("datasets.png")
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size < 600_000


def test_a_release_in_progress_shows_its_jobs_progress_until_ready(
    page, live_server, sign_in, gold_project, users
):
    job, release = release_being_built(gold_project, users["olga"], {"progress": 0.4})
    open_page(page, live_server, sign_in, gold_project, "rita")
    row = page.locator(f"tr[data-release='{release.pk}']")
    expect(row).to_have_attribute("data-status", "running")
    expect(row.locator("progress")).to_have_attribute("value", "0.4")
    expect(row).to_contain_text("40%")
    # The job finishes as run_job would finish it; the page follows by polling.
    build_release(job, release.pk)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=1.0)
    expect(row).to_have_attribute("data-status", "ready", **FOLLOWED)
    expect(row.locator("progress")).to_have_count(0)
    page.click(f"#release-{release.pk} > summary")
    expect(page.locator(f"#release-{release.pk} table.files tbody tr")).to_have_count(4)


@pytest.mark.parametrize("job_status", ["failed", "done"])
def test_a_release_whose_job_ended_is_not_polled_again(
    page, live_server, sign_in, gold_project, users, job_status
):
    # The job ended, but the release was never updated: it still says running.
    job, release = release_being_built(
        gold_project,
        users["olga"],
        {"status": job_status, "error": "disk full" if job_status == "failed" else ""},
        status="running",
    )
    job_reads = []
    page.on("request", lambda r: job_reads.append(r.url) if f"/jobs/{job.pk}/" in r.url else None)
    open_page(page, live_server, sign_in, gold_project, "rita")
    row = page.locator(f"tr[data-release='{release.pk}']")
    if job_status == "failed":  # the job decides: the release failed
        expect(row).to_have_attribute("data-status", "failed")
        expect(row).to_contain_text("disk full")
    else:
        expect(row).to_have_attribute("data-status", "running")
    page.wait_for_timeout(2000)  # several poll intervals
    # A failed job's release reads as failed from the API itself: no job read.
    assert len(job_reads) == (0 if job_status == "failed" else 1)


def test_a_release_shows_its_warnings_first(
    page, live_server, sign_in, gold_project, users, tmp_path
):
    keep = Document.objects.filter(project=gold_project).order_by("pk").first()
    Document.objects.filter(project=gold_project).exclude(pk=keep.pk).delete()
    client = APIClient()
    client.force_authenticate(users["olga"])
    response = client.post(
        f"/api/v1/projects/{gold_project.pk}/releases/",
        {"name": "tiny", "formats": ["jsonl"]},
        format="json",
    )
    assert response.status_code == 202, response.content
    release = Release.objects.get()
    open_page(page, live_server, sign_in, gold_project, "olga")
    summary = page.locator(f"#release-{release.pk}")
    if summary.get_attribute("open") is None:
        summary.locator("summary").click()
    warnings = summary.locator(".release-warnings li")
    expect(warnings).to_have_count(len(release.manifest["warnings"]))
    expect(summary.locator(".release-warnings")).to_contain_text("The dev split is empty")
    summary.screenshot(path=tmp_path / "release-warnings.png")


def test_the_page_says_what_a_conll_download_leaves_out(
    page, live_server, sign_in, gold_project, screenshot_path
):
    """Issue 12.12: the page says, before the download, that CoNLL leaves out
    overlapping and misaligned spans and that the file's last line counts them."""
    open_page(page, live_server, sign_in, gold_project, "rita")
    expect(page.locator("#x-format-drops")).to_be_hidden()
    page.select_option("#x-format", "conll")
    drops = page.locator("#x-format-drops")
    expect(drops).to_be_visible()
    expect(drops).to_contain_text("overlaps another")
    expect(drops).to_contain_text("# accord-dropped:")
    page.locator("#export-form").screenshot(path=screenshot_path("datasets-conll-drops.png"))
    page.select_option("#x-format", "jsonl")
    expect(drops).to_be_hidden()


def test_the_claims_formats_are_offered_with_what_they_leave_out(
    page, live_server, sign_in, gold_project, screenshot_path
):
    """Issue 13: the statements table and the claims network come from the
    catalog, each saying before the download what it cannot hold."""
    open_page(page, live_server, sign_in, gold_project, "rita")
    page.select_option("#x-format", "statements")
    expect(page.locator("#x-format-help")).to_contain_text("one row per claim")
    expect(page.locator("#x-format-drops")).to_contain_text("statements_without_actor")
    page.select_option("#x-format", "claims-network")
    expect(page.locator("#x-format-help")).to_contain_text("congruence and conflict")
    expect(page.locator("#x-format-drops")).to_contain_text("linked to no actor")
    href = page.get_attribute("#export-link", "href")
    assert href.startswith(f"/api/v1/projects/{gold_project.pk}/export/?format=claims-network")
    expect(page.locator("#x-slice-field")).to_be_visible()
    page.select_option("#x-slice", "month")
    assert "slice=month" in page.get_attribute("#export-link", "href")
    page.locator("#export-form").screenshot(path=screenshot_path("datasets-claims-network.png"))


def test_a_release_of_the_claims_takes_a_window_and_concepts(
    page, live_server, sign_in, gold_project, screenshot_path
):
    """The window and concepts are offered once a claims format is ticked,
    reached by keyboard; a bad window shows at its field; the release
    records what it chose and its summary says so."""
    from apps.actors.models import Concept

    law = Concept.objects.create(project=gold_project, name="International law")
    Concept.objects.create(project=gold_project, name="UN Charter", parent=law)
    Concept.objects.create(project=gold_project, name="Sovereignty")
    open_page(page, live_server, sign_in, gold_project, "olga")
    page.click("#build > summary")
    claims = page.locator("#r-claims")
    expect(claims).to_be_hidden()  # jsonl only: no claims to select
    page.fill("#r-name", "claims 2024")
    box = page.locator("#release-form input[name=formats][value=claims-network]")
    box.focus()
    page.keyboard.press("Space")
    expect(claims).to_be_visible()
    expect(page.locator("#r-concepts option")).to_have_text(
        ["International law", "International law › UN Charter", "Sovereignty"]
    )
    page.fill("#r-start", "2024-06-01")
    page.fill("#r-end", "2024-01-01")
    page.click("#build-release")
    expect(page.locator("#r-error-end")).to_contain_text("must come after start")
    expect(page.locator("#r-end")).to_have_attribute("aria-invalid", "true")
    assert not Release.objects.exists()
    page.fill("#r-start", "2024-01-01")
    page.fill("#r-end", "2025-01-01")
    page.select_option("#r-concepts", label="International law")
    page.click("#build-release")
    row = page.locator("#release-rows tr[data-release]")
    expect(row).to_have_attribute("data-status", "ready", **FOLLOWED)
    release = Release.objects.get()
    assert release.claims_window == {
        "start": "2024-01-01",
        "end": "2025-01-01",
        "concepts": [law.pk],
    }
    summary = page.locator(f"#release-{release.pk}")
    expect(summary.locator(".claims-window-summary")).to_have_text(
        "claims-network: the claims of documents published from 2024-01-01 before 2025-01-01, "
        "on International law (and the concepts below them)."
    )
    page.screenshot(path=screenshot_path("datasets-claims-release.png"), full_page=True)


def test_reviewer_downloads_every_document_with_or_without_gold(
    page, live_server, sign_in, gold_project, users, screenshot_path
):
    Document.objects.create(project=gold_project, external_id="bare", text="Nobody annotated me.")
    open_page(page, live_server, sign_in, gold_project, "rita")
    page.select_option("#x-format", "jsonl")
    page.focus("input[name=documents][value=annotated]")
    page.keyboard.press("ArrowDown")  # keyboard: the radio group moves to "every"
    expect(page.locator("input[name=documents][value=every]")).to_be_checked()
    href = page.get_attribute("#export-link", "href")
    assert "documents=every" in href
    page.screenshot(path=screenshot_path("datasets-every.png"), full_page=True)
    with page.expect_download() as info:
        page.focus("#export-link")
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == "venezuela-crisis-gold-every.jsonl"
    body = Path(download.path()).read_bytes()
    assert body == api_bytes(users, "rita", href)
    assert body.count(b"\n") == 4 and b'"bare"' in body


def test_every_document_is_not_offered_for_a_network(
    page, live_server, sign_in, gold_project, screenshot_path
):
    open_page(page, live_server, sign_in, gold_project, "rita")
    page.check("input[name=documents][value=every]")
    page.select_option("#x-format", "network")
    every = page.locator("input[name=documents][value=every]")
    expect(every).to_be_disabled()
    expect(page.locator("input[name=documents][value=annotated]")).to_be_checked()
    expect(page.locator("#x-documents-help")).to_contain_text("not written per document")
    assert "documents=" not in page.get_attribute("#export-link", "href")
    page.screenshot(path=screenshot_path("datasets-network.png"), full_page=True)
    page.select_option("#x-format", "conll")
    expect(every).to_be_enabled()
    expect(page.locator("#x-documents-help")).to_have_text("")
