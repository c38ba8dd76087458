"""Proxy headers (X-Forwarded-Proto, -Host, -For) are believed only from the
addresses ACCORD_TRUSTED_PROXIES lists; by default from nobody."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings

from apps.projects.proxies import client_address

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.1"
BEHIND_A_PROXY = {
    "ACCORD_TRUSTED_PROXIES": [PROXY, "fd00::/8"],
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
}


def production_settings(**env):
    """config.settings as production reads it (DEBUG off), in a fresh interpreter."""
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))},
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        **env,
    }
    code = (
        "import config.settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.USE_X_FORWARDED_HOST, s.ACCORD_TRUSTED_PROXIES)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_trusts_no_proxy_header_by_default():
    assert production_settings() == "None False []"


def test_production_trusts_proxy_headers_once_proxies_are_named():
    assert production_settings(ACCORD_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8") == (
        "('HTTP_X_FORWARDED_PROTO', 'https') True ['127.0.0.1', '10.0.0.0/8']"
    )


def test_a_bad_proxy_address_stops_the_start():
    environ = {**os.environ, "DEBUG": "false", "SECRET_KEY": "x" * 50}
    environ["ACCORD_TRUSTED_PROXIES"] = "not-an-address"
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ACCORD_TRUSTED_PROXIES" in result.stderr and "not-an-address" in result.stderr


@override_settings(**BEHIND_A_PROXY)
def test_a_client_cannot_claim_https_itself():
    response = Client().get(
        "/accounts/login/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.5"
    )
    # Not believed: the request is plain HTTP, so it is redirected to HTTPS.
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@override_settings(**BEHIND_A_PROXY)
def test_the_named_proxy_is_believed():
    response = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=PROXY)
    assert response.status_code == 200


@override_settings(**BEHIND_A_PROXY, USE_X_FORWARDED_HOST=True, ALLOWED_HOSTS=["accord.test"])
def test_forwarded_host_only_from_the_proxy():
    headers = {"HTTP_HOST": "accord.test", "HTTP_X_FORWARDED_HOST": "evil.test"}
    assert Client().get("/accounts/login/", REMOTE_ADDR="203.0.113.5", **headers).status_code == 301
    # From the proxy the forwarded host is used, and it is not an allowed host.
    from_proxy = Client().get("/accounts/login/", REMOTE_ADDR=PROXY, secure=True, **headers)
    assert from_proxy.status_code == 400


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_address_is_the_peer_by_default():
    assert client_address(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


@override_settings(ACCORD_TRUSTED_PROXIES=[PROXY, "fd00::/8"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        (PROXY, "198.51.100.1", "198.51.100.1"),
        # A client's own X-Forwarded-For entries sit left of what the proxy appended.
        (PROXY, "1.1.1.1, 198.51.100.1", "198.51.100.1"),
        # Two proxies in a row, both trusted.
        (PROXY, "198.51.100.1, fd00::7", "198.51.100.1"),
        (PROXY, None, PROXY),
        (PROXY, "garbage", PROXY),
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),
    ],
)
def test_client_address_behind_trusted_proxies(remote, forwarded, client):
    assert client_address(request_from(remote, forwarded)) == client


@override_settings(ACCORD_TRUSTED_PROXIES=[PROXY])
def test_throttling_counts_the_forwarded_client(users):
    with override_settings(ACCORD_LOGIN_LIMIT_PER_ADDRESS=2, ACCORD_LOGIN_LIMIT_PER_USERNAME=99):
        for name in ("a", "b"):
            Client().post(
                "/accounts/login/",
                {"username": name, "password": "x"},
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR="198.51.100.1",
            )
        blocked = Client().post(
            "/accounts/login/",
            {"username": "c", "password": "x"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
        other = Client().post(
            "/accounts/login/",
            {"username": "c", "password": "x"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.2",
        )
    assert blocked.status_code == 429
    assert other.status_code == 200
