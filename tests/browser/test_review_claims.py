"""The adjudication screen with stances on concepts and document categories:
candidates listed with votes, accepted and rejected by keys like the rest; a
categories panel per group where accepting another single-choice category
replaces the one in gold. And the dashboard's category agreement table."""

import pytest
from playwright.sync_api import expect

from apps.annotations.models import AnnotationSet
from apps.review.models import Decision
from tests.review.helpers import claims_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def claims(users, make_user):
    return claims_project(users, make_user)


def open_review(page, live_server, sign_in, project, doc):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/review/{doc.pk}/")
    page.wait_for_selector("body[data-ready=true]")


def gold_of(doc):
    return AnnotationSet.objects.get(document=doc, kind=AnnotationSet.Kind.GOLD)


def test_concept_stances_and_categories_are_reviewed_by_keys(
    page, live_server, sign_in, claims, tmp_path
):
    project, doc, charter, _ = claims
    open_review(page, live_server, sign_in, project, doc)
    claims_list = page.locator("#claim-list .cand")
    expect(claims_list).to_have_count(2)
    support = page.locator(f'#claim-list .cand[data-key$="#{charter.pk}:SUPPORT"]')
    expect(support).to_contain_text("⟨UN Charter⟩")
    expect(support.locator(".votes")).to_have_text("2/3")
    frame = page.locator('.category-group[data-group="FRAME"]')
    expect(frame).to_contain_text("takes one")
    expect(frame.locator('.cand[data-key="g:FRAME_LAW"] .votes')).to_have_text("2/3")
    expect(page.locator('.category-group[data-group="TOPIC"]')).to_contain_text("takes several")
    # The Moscow span first (a), then the SUPPORT stance on the Charter (a).
    page.locator('#span-list .cand[data-key="s:0:6:GPE"]').click()
    page.keyboard.press("a")
    expect(page.locator('#span-list .cand[data-key="s:0:6:GPE"]')).to_have_attribute(
        "data-in-gold", "true"
    )
    support.click()
    page.keyboard.press("a")
    expect(support).to_have_attribute("data-in-gold", "true")
    expect(page.locator('#gold-list li[data-kind="claim"]')).to_contain_text("UN Charter")
    # The OPPOSE one rejected with r: recorded, shown rejected.
    oppose = page.locator(f'#claim-list .cand[data-key$="#{charter.pk}:OPPOSE"]')
    oppose.click()
    page.keyboard.press("r")
    expect(oppose).to_have_attribute("data-rejected", "true")
    # Categories: accept FRAME_LAW, then FRAME_CONFLICT replaces it.
    law = frame.locator('.cand[data-key="g:FRAME_LAW"]')
    law.click()
    page.keyboard.press("a")
    expect(law).to_have_attribute("data-in-gold", "true")
    conflict = frame.locator('.cand[data-key="g:FRAME_CONFLICT"]')
    conflict.locator("button[title^=Accept]").click()
    expect(conflict).to_have_attribute("data-in-gold", "true")
    expect(law).to_have_attribute("data-in-gold", "false")
    expect(page.locator('#gold-list li[data-kind="category"]')).to_have_count(1)
    page.screenshot(path=tmp_path / "review-claims.png", full_page=True)
    page.locator("#categories-panel").screenshot(path=tmp_path / "categories-panel.png")
    kinds = sorted(Decision.objects.filter(document=doc).values_list("item_type", "action"))
    assert kinds == [
        ("category", "accept"),
        ("category", "accept"),
        ("concept_stance", "accept"),
        ("concept_stance", "reject"),
        ("span", "accept"),
    ]
    gold = gold_of(doc)
    assert list(gold.categories.values_list("label__name", flat=True)) == ["FRAME_CONFLICT"]
    assert gold.stances.get().concept_id == charter.pk


def test_auto_merge_takes_claims_and_categories(page, live_server, sign_in, claims):
    project, doc, charter, _ = claims
    open_review(page, live_server, sign_in, project, doc)
    page.locator("#min-agreement").select_option("2")
    page.locator("#auto-merge").click()
    expect(page.locator("#banner")).to_contain_text("1 stance on a concept and 3 categories")
    expect(page.locator('#gold-list li[data-kind="category"]')).to_have_count(3)
    gold = gold_of(doc)
    assert gold.stances.get().concept_id == charter.pk


def test_the_dashboard_shows_category_agreement_per_group(
    page, live_server, sign_in, claims, tmp_path
):
    project = claims[0]
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/dashboard/")
    page.wait_for_selector("body[data-ready=true]")
    frame = page.locator('#category-table tr[data-group="FRAME"]')
    expect(frame).to_contain_text("one")
    expect(frame).to_contain_text("Fleiss' κ")
    expect(page.locator('#category-table tr[data-group="TOPIC"]')).to_contain_text("MASI")
    expect(page.locator('[data-figure="Stance on concept F1"] .value')).to_have_text("0.333")
    page.locator("#category-agreement").screenshot(path=tmp_path / "category-agreement.png")
    page.locator("#figures").screenshot(path=tmp_path / "figures.png")
