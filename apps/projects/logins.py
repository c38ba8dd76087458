"""Sign-in throttling: one rule for every path that checks a password.

The sign-in page, the admin's login page and the API token endpoint all call
Django's `authenticate()`, whose one backend is `ThrottledModelBackend`. It
counts each attempt in the cache, per username and per client address (the
address as `proxies.client_address` reads it), before the password hasher
runs; over ACCORD_LOGIN_LIMIT_PER_USERNAME or ACCORD_LOGIN_LIMIT_PER_ADDRESS
within a window of ACCORD_LOGIN_WINDOW_SECONDS it raises `Throttled` instead,
so a refused attempt costs a cache read, not a password hash. A successful
sign-in clears the username's count and gives its attempt back to the address.

`Throttled` reaches the API as a 429 JSON answer with Retry-After (the
exception handler renders every domain error). On the two form pages,
`ThrottledFormMixin` turns it into the form's error and `answers_throttled`
gives the page's response the same status and header.
"""

import hashlib
import math
import time
from contextlib import suppress
from functools import wraps

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

from .errors import Throttled
from .proxies import client_address


def wait_in_words(seconds):
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


class LoginThrottle:
    """Counts sign-in attempts in fixed windows of `window` seconds.

    `attempt(username, address)` reserves one attempt or raises Throttled: it
    reads both counts first, so a refused attempt adds to neither, then adds
    one to each, so concurrent attempts cannot all slip under the limit. It
    returns the keys it counted, for `succeeded`.

    Windows are aligned to the clock: a refused client waits for the end of
    the current one (Retry-After), and across a boundary an attacker gets at
    most twice the limit."""

    def __init__(self, cache, *, per_username, per_address, window, clock=time.time):
        self.cache = cache
        self.limits = {"username": per_username, "address": per_address}
        self.window = window
        self.clock = clock

    def _keys(self, username, address, window_index):
        """{kind: cache key} of what this attempt counts against."""
        keys = {}
        if username is not None:
            name = hashlib.sha256(str(username).casefold().encode()).hexdigest()
            keys["username"] = f"accord:login:username:{name}:{window_index}"
        if address:
            keys["address"] = f"accord:login:address:{address}:{window_index}"
        return keys

    def attempt(self, username, address):
        now = self.clock()
        index = int(now // self.window)
        keys = self._keys(username, address, index)
        counts = self.cache.get_many(list(keys.values()))
        over = any(counts.get(key, 0) >= self.limits[kind] for kind, key in keys.items())
        if not over:
            for kind, key in keys.items():
                self.cache.add(key, 0, timeout=self.window + 60)
                over = self.cache.incr(key) > self.limits[kind] or over
        if over:
            retry_after = max(1, math.ceil((index + 1) * self.window - now))
            raise Throttled(
                f"Too many failed sign-in attempts. Try again in {wait_in_words(retry_after)}.",
                retry_after=retry_after,
            )
        return keys

    def succeeded(self, keys):
        """After a successful sign-in: forget the username's failures, and
        give the address its attempt back (its other failures stay)."""
        if "username" in keys:
            self.cache.delete(keys["username"])
        if "address" in keys:
            # Gone since (a new window): nothing to give back.
            with suppress(ValueError):
                self.cache.decr(keys["address"])


def login_throttle():
    return LoginThrottle(
        cache,
        per_username=settings.ACCORD_LOGIN_LIMIT_PER_USERNAME,
        per_address=settings.ACCORD_LOGIN_LIMIT_PER_ADDRESS,
        window=settings.ACCORD_LOGIN_WINDOW_SECONDS,
    )


class ThrottledModelBackend(ModelBackend):
    """Django's username and password check, behind the sign-in throttle.

    Throttled is not PermissionDenied, so `authenticate()` lets it through to
    the caller instead of trying another backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        throttle = login_throttle()
        address = client_address(request) if request is not None else None
        keys = throttle.attempt(username, address)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            throttle.succeeded(keys)
        return user


class ThrottledFormMixin:
    """A sign-in form that shows a throttled attempt as its error, and marks
    the request so `answers_throttled` can answer 429."""

    throttled = None

    def clean(self):
        try:
            return super().clean()
        except Throttled as refused:
            self.throttled = refused
            self.request.login_throttled = refused
            raise ValidationError(refused.message, code="throttled") from None


class SignInForm(ThrottledFormMixin, AuthenticationForm):
    pass


class AdminSignInForm(ThrottledFormMixin, AdminAuthenticationForm):
    pass


def answers_throttled(view):
    """The view's response, as 429 with Retry-After when its sign-in form was throttled."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        refused = getattr(request, "login_throttled", None)
        if refused is not None:
            response.status_code = 429
            response["Retry-After"] = str(refused.retry_after)
        return response

    return wrapped
