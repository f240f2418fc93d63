"""A small HTTP fetch for agents, guarded against server-side request forgery.

Every address a host name resolves to must be public (not private, loopback,
link-local, multicast, reserved or unspecified) unless the host or address is
in RAPTORFLOW_FETCH_ALLOWLIST. Redirects are followed by hand, at most three,
and every hop is checked again. Responses are capped in size and time, and
only text is returned.

The URL and address checks are the platform's (raptorflow/netguard.py, shared
with the model providers' base URLs); this module words its refusals and holds
the allowlist. The connection goes to the address that was checked (the URL's
host is replaced by it; the Host header and TLS's server name keep the name),
so a DNS answer that changes between the check and the connection (DNS
rebinding) cannot move it elsewhere; every redirect hop is checked and pinned
the same way.
"""

from __future__ import annotations

import html
import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx
from django.conf import settings

from raptorflow import netguard

from .tools import ToolError

MAX_REDIRECTS = 3
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/xhtml+xml")
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.IGNORECASE | re.DOTALL)


class FetchRefused(ToolError):
    """The URL is not one we will fetch (scheme, address, size or content type)."""


def _allowed(host: str, address: ipaddress._BaseAddress) -> bool:
    for entry in settings.RAPTORFLOW_FETCH_ALLOWLIST:
        if entry.lower() == host.lower():
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _refusal(host: str, address: netguard.IPAddress) -> netguard.AddressClass | None:
    """Public addresses only, or allowlisted ones. (The message does not use the class; an IPv6 address that
    embeds a public IPv4 one is refused here as it always was, though classify calls it public.)"""
    if address.is_global or _allowed(host, address):
        return None
    return netguard.classify(address)


def check_url(url: str) -> netguard.Target:
    """Refuse anything but http(s) to public addresses (or allowlisted ones). Returns the vetted target."""
    try:
        return netguard.check_url(url, _refusal)
    except netguard.SchemeRefused:
        raise FetchRefused(f"Only http and https URLs with a host can be fetched, not {url[:100]!r}.") from None
    except netguard.HostUnresolvable as exc:
        raise FetchRefused(f"The host {exc.host!r} does not resolve.") from None
    except netguard.AddressRefused as exc:
        raise FetchRefused(f"{exc.host} resolves to a non-public address ({exc.address}); refused.") from None


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: httpx.Headers
    body: str


def fetch_url(url: str) -> dict[str, Any]:
    with httpx.Client(timeout=settings.RAPTORFLOW_FETCH_TIMEOUT_SECONDS, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                fetched = _get(client, url, check_url(url))
            except httpx.HTTPError as exc:
                raise ToolError(f"Fetching {url[:200]} failed: {type(exc).__name__}.") from None
            if 300 <= fetched.status < 400 and "location" in fetched.headers:
                url = urljoin(url, fetched.headers["location"])
                continue
            return _as_text(url, fetched)
    raise FetchRefused(f"More than {MAX_REDIRECTS} redirects.")


def _get(client: httpx.Client, url: str, target: netguard.Target) -> Fetched:
    """GET the vetted address, with a size cap enforced while reading, so a huge body is never held in memory."""
    limit = settings.RAPTORFLOW_FETCH_MAX_BYTES
    address_url, host, extensions = netguard.pinned(url, target)
    headers = {"User-Agent": "Raptorflow/1.0 (+agent fetch)", **host}
    with client.stream("GET", address_url, headers=headers, extensions=extensions) as response:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise FetchRefused(f"The response is larger than {limit} bytes.")
        text = bytes(body).decode(response.encoding or "utf-8", errors="replace")
        return Fetched(response.status_code, response.headers, text)


def _as_text(url: str, fetched: Fetched) -> dict[str, Any]:
    content_type = fetched.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and not content_type.startswith(_TEXT_TYPES):
        raise FetchRefused(f"Only text can be fetched, not {content_type}.")
    text = fetched.body
    if "html" in content_type:
        text = re.sub(r"\s+", " ", html.unescape(_TAGS.sub(" ", text))).strip()
    return {"url": url, "status": fetched.status, "content_type": content_type, "text": text}
