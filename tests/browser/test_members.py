"""The members page in a real browser: adding by username and by e-mail, an
inline role change, removal with the released-slots message, the last-owner
refusal, and a staff owner's new account whose link sets a password once."""

import pytest
from playwright.sync_api import expect

from apps.annotations.models import AnnotationSet
from apps.projects.models import Membership, Role
from tests.builders import annotate, make_document, make_project, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project(users):
    # ana holds two unfinished documents, so the project lets her.
    project = make_project(
        users, annotators_per_document=2, blind=True, max_unfinished_per_annotator=2
    )
    d1, d2, d3 = (make_document(project, f"d{i}") for i in (1, 2, 3))
    annotate(d1, users["ana"])
    annotate(d2, users["ana"], submit=False)
    annotate(d3, users["ana"], submit=False)
    annotate(d1, users["ben"])
    return project


def open_members(page, live_server, project, username):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_page(page, live_server.url, f"/projects/{project.pk}/members/", username)


def row(page, username):
    return page.locator(f"#member-rows tr[data-username='{username}']")


def test_owner_adds_changes_and_removes_members(page, live_server, project, users, make_user):
    zoe = make_user("zoe")
    yuri = make_user("yuri")
    yuri.email = "yuri@example.org"
    yuri.save()
    open_members(page, live_server, project, "olga")
    expect(row(page, "ana").locator("td.num")).to_have_text(["3", "2", "1"])

    # By username, as a reviewer.
    page.fill("#add-who", "zoe")
    page.select_option("#add-role", "reviewer")
    page.press("#add-who", "Enter")
    expect(page.locator("#members-status")).to_have_text("Added zoe as reviewer.")
    expect(row(page, "zoe").locator("select")).to_have_value("reviewer")
    assert Membership.objects.get(project=project, user=zoe).role == Role.REVIEWER

    # By e-mail; an unknown one is refused at the field.
    page.fill("#add-who", "nobody@example.org")
    page.click("#add-submit")
    expect(page.locator("#add-who-error")).to_contain_text("no user with the e-mail")
    expect(page.locator("#add-who")).to_have_attribute("aria-invalid", "true")
    page.fill("#add-who", "YURI@example.org")
    page.click("#add-submit")
    expect(page.locator("#members-status")).to_have_text("Added yuri as annotator.")
    expect(page.locator("#add-who-error")).to_be_hidden()
    expect(row(page, "yuri").locator("td.num")).to_have_text(["0", "0", "0"])

    # A role changed in place.
    row(page, "ben").get_by_label("Role of ben").select_option("reviewer")
    expect(page.locator("#members-status")).to_have_text("ben is now reviewer.")
    assert Membership.objects.get(project=project, user=users["ben"]).role == Role.REVIEWER

    # Removing ana says what happens to her two unsubmitted sets.
    row(page, "ana").get_by_role("button", name="Remove ana").click()
    expect(page.locator("#remove-summary")).to_contain_text("2 unsubmitted sets are released")
    page.click("#remove-confirm")
    expect(page.locator("#members-status")).to_have_text(
        "Removed ana. 2 unsubmitted sets were released."
    )
    expect(row(page, "ana")).to_have_count(0)
    sets = AnnotationSet.objects.filter(author=users["ana"], document__project=project)
    assert list(sets.values_list("status", flat=True)) == ["submitted"]


def test_the_last_owner_cannot_be_removed_or_demoted(page, live_server, project, users):
    open_members(page, live_server, project, "olga")
    row(page, "olga").get_by_role("button", name="Remove olga").click()
    page.click("#remove-confirm")
    expect(page.locator("#remove-error")).to_contain_text("needs at least one owner")
    page.click("#remove-cancel")
    assert Membership.objects.filter(project=project, user=users["olga"]).exists()

    select = row(page, "olga").get_by_label("Role of olga")
    select.select_option("annotator")
    expect(page.locator(f"#role-error-{select.get_attribute('data-member')}")).to_contain_text(
        "needs at least one owner"
    )
    expect(select).to_have_value("owner")


def test_a_staff_owner_creates_an_account_whose_link_works_once(
    page, live_server, project, users, screenshot_path
):
    users["olga"].is_staff = True
    users["olga"].save()
    open_members(page, live_server, project, "olga")
    page.fill("#acc-username", "ana")
    page.click("#acc-submit")
    expect(page.locator("#acc-username-error")).to_contain_text("already a user named")

    page.fill("#acc-username", "newcomer")
    page.fill("#acc-email", "new@example.org")
    page.select_option("#acc-role", "annotator")
    page.click("#acc-submit")
    expect(page.locator("#account-link")).to_be_visible()
    expect(row(page, "newcomer")).to_have_count(1)
    link = page.input_value("#acc-link")
    assert link.startswith(f"{live_server.url}/accounts/set-password/")
    screenshot = screenshot_path("members.png")
    page.screenshot(path=str(screenshot), full_page=True)

    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Set your password")
    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "different")
    page.click("button[type=submit]")
    expect(page.locator("#err-new_password2")).to_be_visible()
    page.screenshot(path=str(screenshot_path("set-password.png")), full_page=True)
    page.fill("#id_new_password1", "a long new secret 42")
    page.fill("#id_new_password2", "a long new secret 42")
    page.click("button[type=submit]")
    expect(page.locator("#password-set")).to_contain_text("Your password is set")

    sign_in(page, live_server.url, "newcomer", "a long new secret 42")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    expect(page.locator("h1")).to_have_text(project.name)

    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("#link-invalid")).to_contain_text("used already or has expired")


def test_a_reviewer_under_anonymous_review_sees_no_counts(page, live_server, users):
    project = make_project(users, anonymous_review=True)
    annotate(make_document(project, "d1"), users["ana"])
    open_members(page, live_server, project, "rita")
    expect(page.locator("#counts-hidden")).to_be_visible()
    expect(row(page, "ana")).to_have_count(1)
    expect(page.locator("#member-rows td.num")).to_have_count(0)
    expect(page.locator("#add-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove ana")).to_have_count(0)
