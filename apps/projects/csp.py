"""The Content-Security-Policy header on every response.

Django 6.0 ships this (``django.middleware.csp.ContentSecurityPolicyMiddleware``
reading ``SECURE_CSP``, and ``django.views.decorators.csp.csp_override``).
Until Accord moves to it, this middleware reads the same setting, a dict of
directive → sources, and honours the same per-view override, so the upgrade
replaces one line of MIDDLEWARE and one import.
"""

from functools import wraps

from django.conf import settings

HEADER = "Content-Security-Policy"


def build_policy(config):
    """The header value of a ``{directive: [source, ...]}`` dict; a directive
    with no sources (``upgrade-insecure-requests``) is written alone."""
    parts = []
    for directive, sources in config.items():
        if sources is True or not sources:
            parts.append(directive)
        else:
            parts.append(" ".join([directive, *sources]))
    return "; ".join(parts)


def csp_override(config):
    """A view decorator: this view's responses carry `config` instead of SECURE_CSP."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response._csp_config = config
            return response

        return wrapped

    return decorator


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        config = getattr(response, "_csp_config", None) or getattr(settings, "SECURE_CSP", None)
        if config and HEADER not in response:
            response[HEADER] = build_policy(config)
        return response
