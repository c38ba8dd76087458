"""The members list's work counts, their hiding under anonymous review, adding
by e-mail, and the staff owner's new account with its one-time password link."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from apps.annotations.models import AnnotationSet
from apps.projects.models import Membership, Role
from tests.builders import add_member, annotate, make_document, make_project

pytestmark = pytest.mark.django_db


def by_name(response):
    assert response.status_code == 200, response.content
    return {m["username"]: m for m in response.json()["results"]}


@pytest.fixture
def busy(users, project):
    """ana: d1 submitted, d2 in progress; ben: d1 submitted; a set elsewhere not counted."""
    d1, d2 = make_document(project, "d1"), make_document(project, "d2")
    annotate(d1, users["ana"])
    annotate(d2, users["ana"], submit=False)
    annotate(d1, users["ben"])
    other = make_project(users, name="Elsewhere")
    annotate(make_document(other, "x"), users["ana"])
    return project


def test_each_member_carries_their_sets_in_this_project(busy, client_for, users):
    members = by_name(client_for("olga").get(f"/api/v1/projects/{busy.pk}/members/"))
    ana, ben, olga = members["ana"], members["ben"], members["olga"]
    assert (ana["assigned"], ana["in_progress"], ana["submitted"]) == (2, 1, 1)
    assert (ben["assigned"], ben["in_progress"], ben["submitted"]) == (1, 0, 1)
    assert (olga["assigned"], olga["in_progress"], olga["submitted"]) == (0, 0, 0)
    assert olga["last_activity"] is None
    latest = (
        AnnotationSet.objects.filter(author=users["ana"], document__project=busy)
        .order_by("-updated_at")
        .first()
        .updated_at
    )
    assert ana["last_activity"].replace("Z", "+00:00") == latest.isoformat()
    assert "email" not in ana  # write-only: a lookup key, never shown


def test_the_counts_cost_the_same_queries_however_many_members_and_sets(
    users, project, client_for, django_assert_max_num_queries
):
    url = f"/api/v1/projects/{project.pk}/members/?page_size=1000"
    owner = client_for("olga")
    owner.get(url)  # warm up (session, content types)
    with django_assert_max_num_queries(3):
        assert owner.get(url).status_code == 200
    documents = [make_document(project, f"d{i}") for i in range(12)]
    project.max_unfinished_per_annotator = 2  # the odd members hold two each
    project.save(update_fields=["max_unfinished_per_annotator"])
    for i in range(6):
        user = add_member(project, f"extra{i}")
        for document in documents[2 * i : 2 * i + 2]:
            annotate(document, user, submit=i % 2 == 0)
    with django_assert_max_num_queries(3):
        members = by_name(owner.get(url))
    assert members["extra0"]["submitted"] == 2 and members["extra1"]["in_progress"] == 2


@pytest.mark.parametrize(
    ("anonymous", "role", "hidden"),
    [
        (True, "rita", True),  # a reviewer under anonymous review
        (True, "olga", False),  # owners manage the team
        (True, "ana", False),  # annotators are not reviewing anyone
        (False, "rita", False),
    ],
)
def test_a_reviewer_under_anonymous_review_gets_no_counts(
    users, client_for, anonymous, role, hidden
):
    project = make_project(users, anonymous_review=anonymous)
    annotate(make_document(project, "d1"), users["ana"])
    members = by_name(client_for(role).get(f"/api/v1/projects/{project.pk}/members/"))
    ana = members["ana"]
    if hidden:
        assert [ana[k] for k in ("assigned", "in_progress", "submitted", "last_activity")] == [
            None
        ] * 4
    else:
        assert ana["submitted"] == 1 and ana["last_activity"] is not None
    page = Client()
    page.force_login(users[role])
    html = page.get(f"/projects/{project.pk}/members/").content.decode()
    assert ('id="counts-hidden"' in html) is hidden
    assert ('<th scope="col" class="num">Submitted</th>' in html) is not hidden


def test_an_owner_adds_a_member_by_e_mail(users, project, client_for, make_user):
    zoe = make_user("zoe")
    zoe.email = "Zoe@Example.org"
    zoe.save()
    owner = client_for("olga")
    url = f"/api/v1/projects/{project.pk}/members/"
    response = owner.post(url, {"email": "zoe@example.org", "role": "reviewer"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["username"] == "zoe" and response.json()["assigned"] == 0
    assert Membership.objects.get(project=project, user=zoe).role == Role.REVIEWER

    missing = owner.post(url, {"email": "nobody@example.org"}, format="json")
    assert missing.status_code == 400 and "email" in missing.json()["errors"]
    both = owner.post(url, {"username": "oscar", "email": "zoe@example.org"}, format="json")
    assert both.status_code == 400 and "username" in both.json()["errors"]
    neither = owner.post(url, {"role": "annotator"}, format="json")
    assert neither.status_code == 400 and "username" in neither.json()["errors"]


def test_removing_the_last_owner_is_refused_with_the_reason(users, project, client_for):
    olga = Membership.objects.get(project=project, user=users["olga"])
    response = client_for("olga").delete(f"/api/v1/projects/{project.pk}/members/{olga.pk}/")
    assert response.status_code == 400
    assert "needs at least one owner" in response.json()["errors"]["role"]


# --------------------------------------------------------------------------- new accounts


def staff(users, name="olga"):
    users[name].is_staff = True
    users[name].save()


def new_account(client_for, project, **body):
    return client_for("olga").post(
        f"/api/v1/projects/{project.pk}/members/new-account/",
        {"username": "newcomer", "role": "annotator", **body},
        format="json",
    )


def test_only_a_staff_owner_creates_accounts(users, project, client_for):
    response = new_account(client_for, project)
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_a_new_account_is_a_member_and_its_link_sets_the_password_once(
    users, project, client_for, settings
):
    staff(users)
    response = new_account(client_for, project, email="new@example.org", role="reviewer")
    assert response.status_code == 201, response.content
    answer = response.json()
    user = get_user_model().objects.get(username="newcomer")
    assert user.email == "new@example.org" and not user.has_usable_password()
    assert answer["member"]["username"] == "newcomer" and answer["member"]["role"] == "reviewer"
    assert Membership.objects.get(project=project, user=user).role == Role.REVIEWER
    path = re.sub(r"^https?://[^/]+", "", answer["password_link"])
    assert path.startswith("/accounts/set-password/")

    browser = Client()
    form = browser.get(path, follow=True)  # Django moves the token into the session
    assert b"Set your password" in form.content
    done = browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long new secret 42", "new_password2": "a long new secret 42"},
        follow=True,
    )
    assert b"Password set" in done.content
    user.refresh_from_db()
    assert user.check_password("a long new secret 42")
    again = Client().get(path, follow=True)
    assert b"This link no longer works" in again.content


def test_a_new_account_link_expires(users, project, client_for, settings, monkeypatch):
    staff(users)
    path = re.sub(r"^https?://[^/]+", "", new_account(client_for, project).json()["password_link"])
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is now too old
    assert b"This link no longer works" in Client().get(path, follow=True).content


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "ana"}, "username"),
        ({"username": "bad name!"}, "username"),
        ({"email": "not-an-address"}, "email"),
        ({"role": "boss"}, "role"),
    ],
)
def test_a_new_account_is_refused_at_the_field(users, project, client_for, body, field):
    staff(users)
    users["ana"].email = "ana@example.org"
    users["ana"].save()
    before = get_user_model().objects.count()
    response = new_account(client_for, project, **body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert get_user_model().objects.count() == before


def test_an_e_mail_already_used_is_refused(users, project, client_for):
    staff(users)
    users["ana"].email = "ana@example.org"
    users["ana"].save()
    response = new_account(client_for, project, email="ANA@example.org")
    assert response.status_code == 400 and "email" in response.json()["errors"]


# --------------------------------------------------------------------------- the page


@pytest.mark.parametrize(
    ("username", "code"), [("oscar", 404), ("ana", 200), ("rita", 200), ("olga", 200)]
)
def test_the_members_page_is_for_members(users, project, username, code):
    client = Client()
    client.force_login(users[username])
    response = client.get(f"/projects/{project.pk}/members/")
    assert response.status_code == code
    if code == 200:
        html = response.content.decode()
        assert ('id="add-form"' in html) is (username == "olga")
        assert 'id="account-form"' not in html  # olga is not staff


def test_a_staff_owner_is_offered_new_accounts(users, project):
    staff(users)
    client = Client()
    client.force_login(users["olga"])
    assert b'id="account-form"' in client.get(f"/projects/{project.pk}/members/").content


def test_anonymous_visitors_sign_in_first(project):
    response = Client().get(f"/projects/{project.pk}/members/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_account_name_taken_meanwhile_is_a_clear_400_not_a_500(project, users):
    """Two requests for the same new name at once: the loser's insert fails on
    the unique name, after the form found it free."""
    from apps.annotations.members import create_account
    from apps.projects.errors import Invalid

    with pytest.raises(Invalid, match="already an account named ana") as caught:
        create_account(project, "ana")
    assert caught.value.field == "username"
