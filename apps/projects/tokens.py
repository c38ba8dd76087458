"""API tokens: issued on sign-in, kept only as a hash, with a lifetime.

A token's secret is 32 random bytes (URL-safe base64), handed to the client
once. The database keeps its SHA-256: a fast hash is enough for a secret with
that much randomness, and it lets a request find its token by one indexed
lookup. A token works until it expires (ACCORD_TOKEN_LIFETIME_DAYS after it is
issued), until it is revoked, and only while the user's password is the one it
was issued under: any password change, by any path (the set-password link, the
admin, `manage.py changepassword`), ends every token of the user.
"""

import copy
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .errors import Invalid, NotFound
from .models import ApiToken

# last_used is written when it is older than this, not on every request.
TOUCH_SECONDS = 300

# A token this process has checked in the last CACHE_SECONDS is not looked
# up again by a request under /projects/{p}/: the query that reads the
# caller's membership there checks it instead (permissions.get_membership,
# `confirm`), so a token revoked by any process, or whose user's password
# or activity changed, is refused by the very next request, and the lookup
# costs no query of its own. digest -> (token fields, user, cached until).
CACHE_SECONDS = 60
CACHE_KEPT = 10_000
_checked = {}


class TokenRefused(Exception):
    """The token does not authenticate; str() says why, for the 401."""


def digest_of(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def password_check(user):
    """Changes whenever the user's password does (the hash has its own salt)."""
    return hashlib.sha256(user.password.encode()).hexdigest()


def live_tokens(user, now=None):
    """The user's tokens that still work, newest first."""
    return ApiToken.objects.filter(
        user=user, expires_at__gt=now or timezone.now(), password_check=password_check(user)
    )


def issue(user, name=""):
    """A new token for `user`: (the row, the secret). The user's expired and
    password-stale tokens are deleted on the way."""
    now = timezone.now()
    secret = secrets.token_urlsafe(32)
    check = password_check(user)
    with transaction.atomic():
        ApiToken.objects.filter(
            Q(expires_at__lte=now) | ~Q(password_check=check), user=user
        ).delete()
        token = ApiToken.objects.create(
            user=user,
            digest=digest_of(secret),
            password_check=check,
            name=name,
            created_at=now,
            expires_at=now + timedelta(days=settings.ACCORD_TOKEN_LIFETIME_DAYS),
        )
    return token, secret


def _refuse_unless_valid(token, user, now):
    """TokenRefused when the token no longer works for `user` as stored now
    (expired: deleted; issued under another password: deleted; inactive user)."""
    if token.expires_at <= now:
        token.delete()
        raise TokenRefused("The token has expired; sign in again for a new one.")
    if not hmac.compare_digest(token.password_check, password_check(user)):
        token.delete()
        raise TokenRefused("The password has changed since this token was issued; sign in again.")
    if not user.is_active:
        raise TokenRefused("User inactive or deleted.")


def _touch_due(token, now):
    return token.last_used is None or now - token.last_used >= timedelta(seconds=TOUCH_SECONDS)


def authenticate(secret, confirmed_later=False):
    """(user, token) for `secret`, else TokenRefused. One query (the token with
    its user), and an UPDATE of last_used at most once per TOUCH_SECONDS.

    `confirmed_later`: the caller will `confirm` the token in a query it makes
    anyway (get_membership does). A token this process checked within
    CACHE_SECONDS is then answered without a query, as a copy whose
    `confirmed` is False; until confirmed, nothing may be done with it."""
    digest = digest_of(secret)
    now = timezone.now()
    if confirmed_later:
        known = _checked.get(digest)
        if known is not None:
            fields, user, until = known
            token = ApiToken(**fields)
            if now < until and token.expires_at > now and not _touch_due(token, now):
                token.confirmed = False
                return copy.copy(user), token
    try:
        token = ApiToken.objects.select_related("user").get(digest=digest)
    except ApiToken.DoesNotExist:
        raise TokenRefused("Invalid token.") from None
    _refuse_unless_valid(token, token.user, now)
    if _touch_due(token, now):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    if len(_checked) >= CACHE_KEPT:
        _checked.clear()
    fields = {f.attname: getattr(token, f.attname) for f in ApiToken._meta.concrete_fields}
    _checked[digest] = (fields, copy.copy(token.user), now + timedelta(seconds=CACHE_SECONDS))
    token.confirmed = True
    return token.user, token


def confirm(token, user, live):
    """Check a token `authenticate` answered from memory against the rows just
    read: `live`, whether its row still exists; `user`, its user as stored
    now. TokenRefused (and forgotten) when it no longer works."""
    if not live:
        forget(token.digest)
        raise TokenRefused("Invalid token.")
    try:
        _refuse_unless_valid(token, user, timezone.now())
    except TokenRefused:
        forget(token.digest)
        raise
    token.confirmed = True


def forget(digest):
    """Drop a token from this process's memory (on delete; on refusal)."""
    _checked.pop(digest, None)


def on_token_deleted(sender, instance, **kwargs):
    forget(instance.digest)


def revoke_current(token):
    """Revoke the token a request carries (`request.auth`)."""
    if not isinstance(token, ApiToken):
        raise Invalid("This request is not signed in with a token; there is none to revoke.")
    token.delete()


def revoke(user, pk):
    """Revoke one of `user`'s tokens; another user's is NotFound, as a missing one."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotFound("You have no token with this id.")


def revoke_all(user):
    ApiToken.objects.filter(user=user).delete()
