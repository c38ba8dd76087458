"""The recommender page in Chromium: switch it on, set the threshold and the
labels by keyboard, train now, read the scores, the versions and the curve.
Jobs run in the request here (the test settings' immediate backend)."""

import pytest
from playwright.sync_api import expect

from apps.annotations.models import AnnotationSet
from apps.recommender import learner
from apps.recommender.models import RecommenderModel, RecommenderSettings
from tests.builders import open_page, sign_in
from tests.recommender.corpus import build

pytestmark = pytest.mark.browser


def shot(page, screenshot_path, name):
    page.screenshot(path=screenshot_path(name), full_page=True)


def test_switch_on_train_and_read_the_scores(page, live_server, project, screenshot_path):
    build(project, gold=12, open_documents=4)
    sign_in(page, live_server.url, "olga")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.focus("#recommender-link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/projects/{project.pk}/recommender/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#current-summary")).to_have_text("None yet.")
    expect(page.locator("#versions-empty")).to_be_visible()
    expect(page.locator("#train-facts")).to_contain_text("12 documents adjudicated")

    # Keyboard only: the switch, the threshold, the labels, then Enter saves.
    page.focus("#enabled")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("0.4")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.focus("#label-choices input[value=PERSON]")
    page.keyboard.press("Space")
    page.focus("#label-choices input[value=GPE]")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.locator("#settings-status")).to_have_text("Saved.")
    saved = RecommenderSettings.objects.get(project=project)
    assert (saved.enabled, saved.threshold, saved.retrain_after) == (True, 0.4, 5)
    assert sorted(saved.labels.values_list("name", flat=True)) == ["GPE", "PERSON"]

    page.focus("#train")
    page.keyboard.press("Enter")
    expect(page.locator("#progress-text")).to_contain_text("Done: version 1, now in use")
    expect(page.locator("#current-summary")).to_contain_text("Version 1 (source recommender-v1)")
    rows = page.locator("#score-rows tr")
    expect(rows).to_have_count(3)  # GPE, PERSON, micro
    expect(rows.nth(0)).to_contain_text("GPE")
    expect(rows.nth(0).locator("td").nth(3)).to_have_text("12")  # support
    expect(page.locator("#version-rows tr")).to_have_count(1)
    expect(page.locator("#version-rows tr").first).to_contain_text("in use")
    expect(page.locator("#curve svg circle")).to_have_count(1)
    expect(page.locator("#curve svg")).to_have_attribute(
        "aria-label",
        "Learning curve. version 1: 12 documents, F1 "
        + f"{RecommenderModel.objects.get().micro_f1:.2f}.",
    )
    assert AnnotationSet.objects.filter(kind="prediction", source="recommender-v1").exists()

    # Eight more adjudicated documents: the fifth queues a training by itself
    # (retrain after 5), which learns from 17; "Train now" then from all 20.
    build(project, gold=8, open_documents=0, offset=100)
    versions = RecommenderModel.objects.order_by("version")
    assert [(v.version, v.documents) for v in versions] == [(1, 12), (2, 17)]
    assert versions[1].job.params == {"reason": "5 documents adjudicated"}
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#train-facts")).to_contain_text("3 since version 2 read its data")
    page.click("#train")
    expect(page.locator("#version-rows tr")).to_have_count(3)
    expect(page.locator("#curve svg circle")).to_have_count(3)
    expect(page.locator("#version-rows tr").nth(0)).to_contain_text("20")
    expect(page.locator("#version-rows tr").nth(1)).to_contain_text("replaced")
    shot(page, screenshot_path, "recommender.png")


def test_a_failed_training_says_why_and_keeps_the_version_in_use(
    page, live_server, project, users, monkeypatch
):
    RecommenderSettings.objects.create(project=project, enabled=True, threshold=0.2)
    build(project, gold=6, open_documents=2)
    from apps.recommender import training

    training.start_training(project, users["olga"])
    open_page(page, live_server.url, f"/projects/{project.pk}/recommender/", "olga")
    expect(page.locator("#current-summary")).to_contain_text("Version 1")

    def broken(*args, **kwargs):
        raise learner.LearnerError("no span of any chosen label")

    monkeypatch.setattr(learner, "train", broken)
    page.click("#train")
    expect(page.locator("#train-error")).to_contain_text(
        "Training failed: no span of any chosen label"
    )
    expect(page.locator("#current-summary")).to_contain_text("Version 1")
    expect(page.locator("#version-rows tr")).to_have_count(1)


@pytest.mark.parametrize("username", ["rita", "ana"])
def test_only_owners_open_the_page(page, live_server, project, username):
    sign_in(page, live_server.url, username)
    response = page.goto(f"{live_server.url}/projects/{project.pk}/recommender/")
    assert response.status == 403
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    expect(page.locator("#recommender-link")).to_have_count(0)
