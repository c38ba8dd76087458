"""API tokens: stored only as a hash, with a lifetime, listed without their
secret, revoked one, current or all, and dead once the password changes."""

import hashlib
import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from apps.projects import tokens
from apps.projects.models import ApiToken

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


def obtain(username="ana", **extra):
    response = APIClient().post(
        TOKEN_URL, {"username": username, "password": f"pw-{username}", **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def with_token(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_obtain_answers_the_secret_once_and_stores_only_its_hash(users):
    answer = obtain(name="laptop")
    secret = answer["token"]
    assert set(answer) == {"token", "id", "name", "created_at", "expires_at"}
    assert answer["name"] == "laptop"
    row = ApiToken.objects.get(pk=answer["id"])
    assert row.digest == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values_list().get(pk=row.pk)]
    assert not any(secret in value for value in stored), "the secret is stored in clear"
    assert with_token(secret).get("/api/v1/projects/").status_code == 200


def test_each_sign_in_is_a_new_token(users):
    first, second = obtain()["token"], obtain()["token"]
    assert first != second
    assert with_token(first).get("/api/v1/projects/").status_code == 200
    assert with_token(second).get("/api/v1/projects/").status_code == 200


@override_settings(ACCORD_TOKEN_LIFETIME_DAYS=7)
def test_a_token_expires_after_its_lifetime(users):
    answer = obtain()
    expires = ApiToken.objects.get(pk=answer["id"]).expires_at
    assert timedelta(days=7) - (expires - timezone.now()) < timedelta(minutes=1)
    ApiToken.objects.filter(pk=answer["id"]).update(expires_at=timezone.now())
    response = with_token(answer["token"]).get("/api/v1/projects/")
    assert response.status_code == 401
    assert response.json()["detail"] == "The token has expired; sign in again for a new one."
    assert response["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.filter(pk=answer["id"]).exists()


def test_a_bad_token_is_401(users):
    response = with_token("not-a-real-token").get("/api/v1/projects/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_inactive_users_tokens_stop_working(users):
    secret = obtain()["token"]
    users["ana"].is_active = False
    users["ana"].save(update_fields=["is_active"])
    assert with_token(secret).get("/api/v1/projects/").status_code == 401


def test_listing_shows_my_live_tokens_without_secrets(users):
    mine = [obtain(name=f"t{n}") for n in range(2)]
    obtain("ben")
    expired = obtain()
    ApiToken.objects.filter(pk=expired["id"]).update(expires_at=timezone.now())
    response = with_token(mine[0]["token"]).get(TOKENS_URL)
    assert response.status_code == 200
    listed = response.json()["results"]
    assert [t["id"] for t in listed] == [mine[1]["id"], mine[0]["id"]]  # newest first
    assert set(listed[0]) == {"id", "name", "created_at", "expires_at", "last_used", "current"}
    assert [t["current"] for t in listed] == [False, True]
    assert mine[0]["token"] not in response.content.decode()


def test_revoke_the_current_token(users):
    kept, revoked = obtain()["token"], obtain()["token"]
    client = with_token(revoked)
    assert client.delete(TOKENS_URL + "current/").status_code == 204
    assert client.get("/api/v1/projects/").status_code == 401
    assert with_token(kept).get("/api/v1/projects/").status_code == 200


def test_current_needs_a_token(users, client_for):
    response = client_for("ana").delete(TOKENS_URL + "current/")
    assert response.status_code == 400
    assert "token" in response.json()["detail"]


def test_revoke_one_of_mine_by_id_but_not_anothers(users):
    ana, other = obtain(), obtain()
    ben = obtain("ben")
    client = with_token(ana["token"])
    assert client.delete(f"{TOKENS_URL}{ben['id']}/").status_code == 404
    assert with_token(ben["token"]).get("/api/v1/projects/").status_code == 200
    assert client.delete(f"{TOKENS_URL}{other['id']}/").status_code == 204
    assert with_token(other["token"]).get("/api/v1/projects/").status_code == 401


def test_revoke_all_of_mine(users):
    secrets = [obtain()["token"] for _ in range(3)]
    ben = obtain("ben")["token"]
    assert with_token(secrets[0]).delete(TOKENS_URL).status_code == 204
    for secret in secrets:
        assert with_token(secret).get("/api/v1/projects/").status_code == 401
    assert with_token(ben).get("/api/v1/projects/").status_code == 200


def test_a_password_change_ends_every_token(users):
    secrets = [obtain()["token"] for _ in range(2)]
    ben = obtain("ben")["token"]
    users["ana"].set_password("a-new-password-9")
    users["ana"].save()
    for secret in secrets:
        response = with_token(secret).get("/api/v1/projects/")
        assert response.status_code == 401
        assert "password" in response.json()["detail"]
    assert with_token(ben).get("/api/v1/projects/").status_code == 200
    # A token obtained with the new password works.
    response = APIClient().post(
        TOKEN_URL, {"username": "ana", "password": "a-new-password-9"}, format="json"
    )
    assert with_token(response.json()["token"]).get("/api/v1/projects/").status_code == 200


def test_the_set_password_link_ends_every_token(users):
    ana = users["ana"]
    secret = obtain()["token"]
    uid = urlsafe_base64_encode(force_bytes(ana.pk))
    link = f"/accounts/set-password/{uid}/{default_token_generator.make_token(ana)}/"
    browser = Client()
    form = browser.get(link, follow=True)
    assert form.status_code == 200
    done = browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Quite-new-pw-77", "new_password2": "Quite-new-pw-77"},
    )
    assert done.status_code == 302
    assert with_token(secret).get("/api/v1/projects/").status_code == 401


def test_a_token_request_costs_one_query(users):
    secret = obtain()["token"]
    client = with_token(secret)
    client.get(TOKENS_URL)  # the first use records last_used
    forced = APIClient()
    forced.force_authenticate(users["ana"])
    with CaptureQueriesContext(connection) as without:
        forced.get("/api/v1/projects/")
    with CaptureQueriesContext(connection) as with_auth:
        client.get("/api/v1/projects/")
    assert len(with_auth) == len(without) + 1, [q["sql"] for q in with_auth]


def test_last_used_is_written_at_most_once_per_interval(users):
    answer = obtain()
    client = with_token(answer["token"])
    client.get("/api/v1/projects/")
    first = ApiToken.objects.get(pk=answer["id"]).last_used
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/projects/")
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    assert ApiToken.objects.get(pk=answer["id"]).last_used == first
    stale = timezone.now() - timedelta(seconds=tokens.TOUCH_SECONDS + 1)
    ApiToken.objects.filter(pk=answer["id"]).update(last_used=stale)
    client.get("/api/v1/projects/")
    assert ApiToken.objects.get(pk=answer["id"]).last_used > stale


def test_signing_in_clears_my_dead_tokens(users):
    expired = obtain()
    ApiToken.objects.filter(pk=expired["id"]).update(expires_at=timezone.now())
    obtain()
    assert not ApiToken.objects.filter(pk=expired["id"]).exists()


# --------------------------------------------------------------------------- the migration


def test_migration_hashes_drf_tokens_so_their_clients_keep_working(users):
    """DRF's authtoken table held keys in clear: the migration keeps each as a
    hash (the key itself still authenticates) and drops the table."""
    migration = importlib.import_module("apps.projects.migrations.0008_hash_drf_tokens")
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id integer NOT NULL UNIQUE)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created datetime NOT NULL, user_id integer NOT NULL UNIQUE)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [key, timezone.now(), users["ben"].pk],
        )
    migration.hash_drf_tokens(django_apps, SimpleNamespace(connection=connection))
    assert "authtoken_token" not in connection.introspection.table_names()
    row = ApiToken.objects.get(user=users["ben"])
    assert row.digest == hashlib.sha256(key.encode()).hexdigest()
    assert row.expires_at > timezone.now() + timedelta(days=29)
    assert with_token(key).get("/api/v1/projects/").status_code == 200


def test_migration_without_drf_tokens_does_nothing(users):
    migration = importlib.import_module("apps.projects.migrations.0008_hash_drf_tokens")
    migration.hash_drf_tokens(django_apps, SimpleNamespace(connection=connection))
    assert not ApiToken.objects.exists()


def test_an_administrator_revokes_a_token_in_the_admin(users):
    secret = obtain()["token"]
    row = ApiToken.objects.get()
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    listing = admin.get("/admin/projects/apitoken/")
    assert listing.status_code == 200 and "ana" in listing.content.decode()
    assert secret not in listing.content.decode() and row.digest not in listing.content.decode()
    assert admin.get("/admin/projects/apitoken/add/").status_code == 403
    assert (
        admin.post(f"/admin/projects/apitoken/{row.pk}/delete/", {"post": "yes"}).status_code == 302
    )
    assert with_token(secret).get("/api/v1/projects/").status_code == 401


# A token this process checked lately is not looked up again under
# /projects/{p}/: the membership query confirms it. Every way a token ends
# must still end it on the very next request, also when the end happened in
# another process (the row deleted without this process hearing of it).


@pytest.fixture
def member_url(users):
    from tests.builders import make_project

    project = make_project(users)
    return f"/api/v1/projects/{project.pk}/labels/"


def test_a_checked_token_costs_no_query_of_its_own_in_a_project(users, member_url):
    client = with_token(obtain()["token"])
    assert client.get(member_url).status_code == 200  # checked, remembered
    forced = APIClient()
    forced.force_authenticate(users["ana"])
    with CaptureQueriesContext(connection) as without:
        forced.get(member_url)
    with CaptureQueriesContext(connection) as with_token_:
        assert client.get(member_url).status_code == 200
    assert len(with_token_) == len(without), [q["sql"] for q in with_token_]


@pytest.mark.parametrize("how", ["api", "this process", "another process"])
def test_a_revoked_token_stops_at_once(users, member_url, how):
    answer = obtain()
    client = with_token(answer["token"])
    assert client.get(member_url).status_code == 200
    if how == "api":
        assert client.delete(f"{TOKENS_URL}current/").status_code == 204
    elif how == "this process":
        ApiToken.objects.filter(pk=answer["id"]).delete()
    else:  # a raw DELETE: no signal reaches this process's memory
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {ApiToken._meta.db_table} WHERE id = %s", [answer["id"]])
    response = client.get(member_url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert client.get("/api/v1/projects/").status_code == 401


def test_a_password_change_elsewhere_ends_a_remembered_token(users, member_url):
    client = with_token(obtain()["token"])
    assert client.get(member_url).status_code == 200
    # Written as another process would: no signal, no save() of this user object.
    get_user_model().objects.filter(pk=users["ana"].pk).update(password="md5$other$hash")
    response = client.get(member_url)
    assert response.status_code == 401
    assert "password" in response.json()["detail"]


def test_a_deactivated_user_ends_a_remembered_token(users, member_url):
    client = with_token(obtain()["token"])
    assert client.get(member_url).status_code == 200
    get_user_model().objects.filter(pk=users["ana"].pk).update(is_active=False)
    assert client.get(member_url).status_code == 401


def test_a_remembered_token_of_a_non_member_is_404(users, member_url):
    client = with_token(obtain("oscar")["token"])
    assert client.get("/api/v1/projects/").status_code == 200
    assert client.get(member_url).status_code == 404
    assert client.get(member_url).status_code == 404
