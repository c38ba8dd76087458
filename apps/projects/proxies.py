"""Which proxy headers to believe, and who the client is.

A reverse proxy tells the app the scheme, host and client it saw in
X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-For. Any client can send
those headers too, so they are believed only when the request comes straight
from an address in ACCORD_TRUSTED_PROXIES (addresses or networks, empty by
default): `ProxyHeadersMiddleware`, the first middleware, removes them from
every other request before Django reads them.

`client_address` is the address sign-in throttling counts: the peer
(REMOTE_ADDR), or behind trusted proxies the address the nearest of them saw.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDED = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
)


@lru_cache(maxsize=8)
def parse_networks(entries):
    """The networks of `entries` (addresses or CIDR networks, as strings;
    config/settings.py refuses to start on any other)."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted(address, networks):
    parsed = _address(address or "")
    return parsed is not None and any(parsed in network for network in networks)


def _trusted_networks():
    return parse_networks(tuple(settings.ACCORD_TRUSTED_PROXIES))


def client_address(request):
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy; then
    X-Forwarded-For read from the right, past every trusted proxy. Entries
    left of the first untrusted one were written by the client and are never
    read."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _trusted_networks()
    if not networks or not is_trusted(remote, networks):
        return remote
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        parsed = _address(hop)
        if parsed is None:
            break  # not an address: keep the last hop that was one
        client = str(parsed)
        if not any(parsed in network for network in networks):
            break
    return client


class ProxyHeadersMiddleware:
    """Drop the X-Forwarded-* headers of a request that does not come from a
    trusted proxy, so SECURE_PROXY_SSL_HEADER and USE_X_FORWARDED_HOST never
    believe a client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted(request.META.get("REMOTE_ADDR"), _trusted_networks()):
            for header in FORWARDED:
                request.META.pop(header, None)
        return self.get_response(request)
