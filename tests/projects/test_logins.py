"""Sign-in throttling on every path that takes a password: the API token
endpoint, the sign-in page and the admin's login page.

Each is limited per username and per client address (ACCORD_LOGIN_* settings),
answers 429 with Retry-After once over the limit, and then does not run the
password hasher at all, which is what a brute-force attempt costs the server.
"""

from contextlib import contextmanager
from datetime import UTC, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from apps.projects.errors import Throttled
from apps.projects.logins import LoginThrottle
from config.settings import cache_config

pytestmark = pytest.mark.django_db

LIMITS = {
    "ACCORD_LOGIN_LIMIT_PER_USERNAME": 3,
    "ACCORD_LOGIN_LIMIT_PER_ADDRESS": 5,
    "ACCORD_LOGIN_WINDOW_SECONDS": 600,
}


def via_token(username, password, address):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def via_form(username, password, address):
    return Client().post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def via_admin(username, password, address):
    return Client().post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


PATHS = {"token": via_token, "form": via_form, "admin": via_admin}
# What a signed-in answer is on each path (the admin wants staff: olga is made staff).
SUCCESS = {"token": 200, "form": 302, "admin": 302}


@pytest.fixture
def limits(users):
    olga = users["olga"]
    olga.is_staff = True
    olga.save(update_fields=["is_staff"])
    with override_settings(**LIMITS):
        yield LIMITS


@contextmanager
def hasher_calls():
    """Counts every use of the password hasher: checking a password, and the
    dummy hash Django computes for an unknown username."""
    hasher = type(get_hasher())
    with (
        mock.patch.object(hasher, "verify", autospec=True, side_effect=hasher.verify) as verify,
        mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as encode,
    ):
        calls = []
        yield calls
        calls.append(verify.call_count + encode.call_count)


def assert_throttled(response, path):
    assert response.status_code == 429, response.content[:300]
    assert 0 < int(response["Retry-After"]) <= LIMITS["ACCORD_LOGIN_WINDOW_SECONDS"]
    if path == "token":
        assert set(response.json()) == {"detail"}
        assert "Too many failed sign-in attempts" in response.json()["detail"]
    else:
        page = response.content.decode()
        assert "Too many failed sign-in attempts" in page
        assert 'name="password"' in page  # the form is still there, with the message


def assert_refused(response, path):
    assert response.status_code in {400, 200}, response.status_code  # wrong password
    if path != "token":
        assert "Too many" not in response.content.decode()


@pytest.mark.parametrize("path", PATHS)
def test_throttled_per_username_whatever_the_address(path, limits):
    attempt = PATHS[path]
    for n in range(3):
        assert_refused(attempt("olga", "wrong", f"10.0.0.{n}"), path)
    with hasher_calls() as calls:
        response = attempt("olga", "pw-olga", "10.0.0.99")  # even the right password
    assert_throttled(response, path)
    assert calls == [0], "a throttled attempt ran the password hasher"
    # Another username from the same addresses is not affected.
    assert attempt("rita", "pw-rita", "10.0.0.1").status_code in {200, 302}


@pytest.mark.parametrize("path", PATHS)
def test_throttled_per_address_whatever_the_username(path, limits, make_user):
    attempt = PATHS[path]
    for n in range(5):
        assert_refused(attempt(f"nobody{n}", "wrong", "192.0.2.7"), path)
    with hasher_calls() as calls:
        response = attempt("olga", "pw-olga", "192.0.2.7")
    assert_throttled(response, path)
    assert calls == [0]
    # Another address may still sign in as olga.
    assert attempt("olga", "pw-olga", "192.0.2.8").status_code == SUCCESS[path]


@pytest.mark.parametrize("path", PATHS)
def test_a_successful_login_resets_the_usernames_count(path, limits):
    attempt = PATHS[path]
    for _ in range(2):
        assert_refused(attempt("olga", "wrong", "10.1.0.1"), path)
    assert attempt("olga", "pw-olga", "10.1.0.1").status_code == SUCCESS[path]
    for _ in range(2):
        assert_refused(attempt("olga", "wrong", "10.1.0.1"), path)
    # Two failures since the success: under the limit of three.
    assert attempt("olga", "pw-olga", "10.1.0.1").status_code == SUCCESS[path]


def test_the_paths_share_one_count(limits):
    via_token("olga", "wrong", "10.2.0.1")
    via_form("olga", "wrong", "10.2.0.2")
    via_admin("olga", "wrong", "10.2.0.3")
    assert_throttled(via_token("olga", "pw-olga", "10.2.0.4"), "token")


def test_the_form_page_says_when_to_try_again(limits):
    for _ in range(3):
        via_form("olga", "wrong", "10.3.0.1")
    response = via_form("olga", "wrong", "10.3.0.1")
    assert_throttled(response, "form")
    page = response.content.decode()
    assert 'id="login-throttled"' in page
    wait = int(response["Retry-After"])
    minutes = -(-wait // 60)
    assert f"Try again in {minutes} minute" in page or f"Try again in {wait} second" in page
    assert "didn't match" not in page


def test_a_wrong_password_is_not_called_throttled(limits):
    response = via_form("olga", "wrong", "10.4.0.1")
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()
    assert "login-throttled" not in response.content.decode()


def test_incomplete_credentials_cost_no_attempt(limits):
    for _ in range(5):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "olga"}, format="json", REMOTE_ADDR="10.5.0.1"
        )
        assert response.status_code == 400
    assert via_token("olga", "pw-olga", "10.5.0.1").status_code == 200


def test_inactive_users_cannot_sign_in_and_count_as_failures(limits, users):
    get_user_model().objects.filter(username="ben").update(is_active=False)
    for _ in range(3):
        assert via_token("ben", "pw-ben", "10.6.0.1").status_code == 400
    assert_throttled(via_token("ben", "pw-ben", "10.6.0.1"), "token")


# --------------------------------------------------------------------------- the rule itself


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def make_throttle(clock, per_username=3, per_address=5, window=600):
    cache.clear()
    return LoginThrottle(
        cache, per_username=per_username, per_address=per_address, window=window, clock=clock
    )


def test_retry_after_counts_down_to_the_end_of_the_window():
    clock = Clock(1_200_000.0)  # a window boundary (600 s windows)
    throttle = make_throttle(clock)
    for _ in range(3):
        throttle.attempt("u", "1.2.3.4")
    clock.now += 100.5
    with pytest.raises(Throttled) as refused:
        throttle.attempt("u", "1.2.3.4")
    assert refused.value.retry_after == 500
    assert refused.value.status == 429
    clock.now += 500  # the next window: allowed again
    throttle.attempt("u", "1.2.3.4")


def test_a_refused_attempt_counts_nothing_more():
    clock = Clock(1_200_000.0)
    throttle = make_throttle(clock, per_username=10, per_address=2)
    throttle.attempt("a", "9.9.9.9")
    throttle.attempt("b", "9.9.9.9")
    for _ in range(20):
        with pytest.raises(Throttled):
            throttle.attempt("victim", "9.9.9.9")
    # The blocked address did not use up the victim's own allowance.
    for n in range(10):
        throttle.attempt("victim", f"8.8.8.{n}")
    with pytest.raises(Throttled):
        throttle.attempt("victim", "8.8.8.99")


def test_success_gives_the_attempt_back_to_the_address():
    clock = Clock(1_200_000.0)
    throttle = make_throttle(clock, per_username=100, per_address=2)
    for n in range(10):
        throttle.succeeded(throttle.attempt(f"user{n}", "7.7.7.7"))
    throttle.attempt("x", "7.7.7.7")
    throttle.attempt("y", "7.7.7.7")
    with pytest.raises(Throttled):
        throttle.attempt("z", "7.7.7.7")


def test_usernames_are_counted_regardless_of_case():
    throttle = make_throttle(Clock(1_200_000.0), per_username=2, per_address=100)
    throttle.attempt("Olga", "1.1.1.1")
    throttle.attempt("OLGA", "1.1.1.2")
    with pytest.raises(Throttled):
        throttle.attempt("olga", "1.1.1.3")


def test_without_an_address_only_the_username_counts():
    throttle = make_throttle(Clock(1_200_000.0), per_username=2, per_address=1)
    throttle.attempt("a", None)
    throttle.attempt("b", None)
    throttle.attempt("a", None)
    with pytest.raises(Throttled):
        throttle.attempt("a", None)


def test_the_database_cache_counts_across_processes(db):
    """CACHE_URL=db://…: the counts live in a table every process shares, and
    outlive the database cache's default timeout, which its incr() re-sets."""
    table = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "login_counts"}
    # The timeout config/settings.py gives the cache, whatever its backend.
    timeout = settings.CACHES["default"]["TIMEOUT"]
    with override_settings(CACHES={"default": {**table, "TIMEOUT": timeout}}):
        call_command("createcachetable", verbosity=0)
        from django.core.cache import caches

        clock = Clock(1_200_000.0)
        throttle = LoginThrottle(
            caches["default"], per_username=2, per_address=99, window=600, clock=clock
        )
        throttle.attempt("olga", "1.1.1.1")
        clock.now += 10
        throttle.attempt("olga", "1.1.1.2")
        with pytest.raises(Throttled):
            throttle.attempt("olga", "1.1.1.3")
        # Another process: a new cache object on the same table.
        other = LoginThrottle(
            caches.create_connection("default"),
            per_username=2,
            per_address=99,
            window=600,
            clock=clock,
        )
        with pytest.raises(Throttled):
            other.attempt("olga", "1.1.1.4")
        # Each count is kept at least a window from its last change.
        with connection.cursor() as cursor:
            cursor.execute("SELECT expires FROM login_counts")
            expiries = [row[0] for row in cursor.fetchall()]
        assert len(expiries) == 3  # olga, and the first two addresses
        soonest = timezone.now() + timedelta(seconds=590)
        for expires in expiries:
            if isinstance(expires, str):  # SQLite: naive UTC text
                expires = parse_datetime(expires).replace(tzinfo=UTC)
            assert expires.replace(tzinfo=expires.tzinfo or UTC) > soonest


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "locmem.LocMemCache", None),
        ("db://accord_cache", "db.DatabaseCache", "accord_cache"),
        ("redis://cache:6379/1", "redis.RedisCache", "redis://cache:6379/1"),
    ],
)
def test_cache_url(url, backend, location):
    config = cache_config(url)
    assert config["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert config.get("LOCATION") == location


@pytest.mark.parametrize("url", ["db://", "memcached://x", "accord_cache"])
def test_a_bad_cache_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_config(url)
