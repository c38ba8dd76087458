"""Sign-in benchmarks: what a failed sign-in costs the server before and after
the throttle refuses it, and what a token costs each API request.

Uses Django's production password hasher (PBKDF2), not the tests' fast one,
on a throwaway test database of whatever DATABASE_URL points at.

    .venv/bin/python bench/login_bench.py
    .venv/bin/python bench/login_bench.py --attempts 20
"""

import argparse
import statistics
import time

import common  # sets Django up: keep it before Django and apps imports
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

PBKDF2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def timed(call, n):
    """Median wall and CPU milliseconds of `n` calls."""
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10, help="attempts timed per case")
    args = parser.parse_args()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from rest_framework.test import APIClient

    n = args.attempts
    with common.throwaway_database(), override_settings(PASSWORD_HASHERS=PBKDF2):
        print(f"database: {connection.vendor}, hasher: PBKDF2")
        get_user_model().objects.create_user("olga", password="right-password-1")
        client = APIClient()

        def attempt():
            client.post("/api/v1/auth/token/", {"username": "olga", "password": "wrong"})

        with override_settings(ACCORD_LOGIN_LIMIT_PER_USERNAME=10**6):
            wall, cpu = timed(attempt, n)
        print(f"failed sign-in, not throttled:   {wall:8.1f} ms wall {cpu:8.1f} ms CPU")

        cache.clear()
        with override_settings(ACCORD_LOGIN_LIMIT_PER_USERNAME=1):
            attempt()
            answer = client.post("/api/v1/auth/token/", {"username": "olga", "password": "x"})
            assert answer.status_code == 429, answer.status_code
            wall, cpu = timed(attempt, n)
        print(f"failed sign-in, throttled (429): {wall:8.1f} ms wall {cpu:8.1f} ms CPU")

        cache.clear()
        secret = client.post(
            "/api/v1/auth/token/", {"username": "olga", "password": "right-password-1"}
        ).json()["token"]
        signed = APIClient()
        signed.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        assert signed.get("/api/v1/projects/").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            signed.get("/api/v1/projects/")
        token_queries = sum("projects_apitoken" in q["sql"] for q in queries)
        count = len(queries)  # read now: each request resets connection.queries
        wall, cpu = timed(lambda: signed.get("/api/v1/projects/"), n * 10)
        print(
            f"GET /projects/ with a token:     {wall:8.1f} ms wall, "
            f"{count} queries ({token_queries} for the token)"
        )


if __name__ == "__main__":
    main()
