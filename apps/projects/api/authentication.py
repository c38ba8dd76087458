"""`Authorization: Token <secret>`, checked against the hashed tokens of
apps/projects/tokens.py: one indexed query per request, or none under
/projects/{p}/ for a token this process checked lately, where the query of
the caller's membership confirms it (ProjectScopedMixin, get_membership)."""

from rest_framework import authentication, exceptions

from .. import tokens


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's header parsing and `WWW-Authenticate: Token` challenge, our tokens."""

    def authenticate(self, request):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        self.confirmed_later = getattr(view, "confirms_token", False)
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        try:
            return tokens.authenticate(key, confirmed_later=self.confirmed_later)
        except tokens.TokenRefused as refused:
            raise exceptions.AuthenticationFailed(str(refused)) from None
