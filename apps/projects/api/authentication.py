"""`Authorization: Token <secret>`, checked against the hashed tokens of
apps/projects/tokens.py: one indexed query per request."""

from rest_framework import authentication, exceptions

from .. import tokens


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's header parsing and `WWW-Authenticate: Token` challenge, our tokens."""

    def authenticate_credentials(self, key):
        try:
            return tokens.authenticate(key)
        except tokens.TokenRefused as refused:
            raise exceptions.AuthenticationFailed(str(refused)) from None
