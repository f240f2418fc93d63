"""The client's address, the one thing the IP blocklist, django-axes and the audit trail all key on.

``X-Forwarded-For`` is written by whoever sends the request, so it is only
believed as far as proxies we run have vouched for it: each trusted proxy
appends the address it saw, so with N trusted proxies in front of the app the
client is the N-th entry from the right, and anything further left is
client-supplied and ignored. With no trusted proxy (the default) the header is
ignored entirely and the address is the socket peer, ``REMOTE_ADDR``; otherwise
anyone could dodge a block or an axes lockout by sending a made-up header.
"""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings
from django.http import HttpRequest

# "[2001:db8::1]:443" or "[2001:db8::1]": how some proxies write IPv6 with a port.
_BRACKETED = re.compile(r"^\[(?P<host>[^\]]+)\](?::\d+)?$")
# "203.0.113.9:51234": IPv4 with a port (exactly one colon, so never an IPv6 address).
_IPV4_PORT = re.compile(r"^(?P<host>\d{1,3}(?:\.\d{1,3}){3}):\d+$")


def client_ip(request: HttpRequest) -> str | None:
    """The normalised client address of ``request``, or None when there is no valid one."""
    remote = normalise_ip(request.META.get("REMOTE_ADDR", ""))
    hops = settings.RAPTORFLOW_TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = _forwarded_for(request)
    if len(forwarded) < hops:
        return remote  # the proxies we trust did not all add an entry: the header is not theirs
    return normalise_ip(forwarded[-hops]) or remote


def _forwarded_for(request: HttpRequest) -> list[str]:
    # Several X-Forwarded-For headers reach WSGI joined by commas, in order, which is what we want.
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [part.strip() for part in header.split(",") if part.strip()]


def normalise_ip(value: str) -> str | None:
    """One canonical spelling per address (ports, brackets and zone ids dropped, lower case), or None.

    IPv4-mapped IPv6 addresses (``::ffff:203.0.113.9``, what a dual-stack socket
    reports for an IPv4 client) become plain IPv4, so IPv4 blocks match them.
    """
    host = _strip_port(value.strip())
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def _strip_port(value: str) -> str:
    match = _BRACKETED.match(value) or _IPV4_PORT.match(value)
    return match.group("host") if match else value
