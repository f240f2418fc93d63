"""One HTTP attempt of a delivery: the SSRF guard, the signed POST, what came back. No database writes here.

Target URLs pass the same guard as the fetch tool (raptorflow/netguard.py): the host is resolved, every address
must be public, and the request goes to the vetted address (pinned: the Host header and TLS's server name keep
the name), so a DNS answer that changes after the check cannot move it. Loopback (only loopback: never private,
link-local or metadata) is allowed while ``RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK`` is on, for tests and local
development; production settings refuse it. Redirects are not followed: a 3xx is a failed attempt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from raptorflow import netguard

from .models import RESPONSE_EXCERPT_CHARS
from .signing import signature_headers

USER_AGENT = "Raptorflow-Webhooks/1.0"


def address_refusal(host: str, address: netguard.IPAddress) -> netguard.AddressClass | None:
    """The webhook policy on one address: public only, and loopback while RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK."""
    kind = netguard.classify(address)
    if kind is netguard.AddressClass.PUBLIC:
        return None
    if kind is netguard.AddressClass.PRIVATE and address.is_loopback and settings.RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK:
        return None
    return kind


def url_problem(url: str, *, unresolvable_ok: bool = True) -> str | None:
    """Why webhooks may not be sent to ``url`` (a sentence for people), or None. A host that does not resolve is
    accepted when an endpoint is saved (each attempt checks again)."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return "Enter a valid http or https URL."
    try:
        target = netguard.http_target(url)
        if netguard.is_metadata_host(target.host):
            raise netguard.AddressRefused(target.host, None, netguard.AddressClass.METADATA)
        netguard.check_url(url, address_refusal)
    except netguard.HostUnresolvable as exc:
        return None if unresolvable_ok else str(exc)
    except netguard.URLRefused as exc:
        return f"Webhooks are not sent there: {exc}."
    return None


@dataclass
class Attempt:
    """What one attempt sent and got: ``ok`` for a 2xx answer; ``error`` when there was no answer (or a refusal)."""

    headers: dict[str, str]
    status: int | None = None
    body: str = ""
    duration_ms: int = 0
    error: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def attempt_send(url: str, msg_id: str, body: str, signing_secrets: list[str], now: datetime) -> Attempt:
    """POST ``body`` to ``url`` once, signed with every secret in ``signing_secrets``."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signature_headers(msg_id, now, body, signing_secrets),
    }
    try:
        target = netguard.check_url(url, address_refusal)
    except netguard.URLRefused as exc:
        return Attempt(headers, error=f"refused: {exc}")
    address_url, host, extensions = netguard.pinned(url, target)
    started = time.monotonic()
    try:
        with (
            httpx.Client(timeout=_timeout(), follow_redirects=False) as client,
            client.stream(
                "POST", address_url, content=body.encode(), headers={**headers, **host}, extensions=extensions
            ) as response,
        ):
            excerpt = _excerpt(response)
            return Attempt(headers, response.status_code, excerpt, _ms_since(started))
    except httpx.HTTPError as exc:
        return Attempt(headers, duration_ms=_ms_since(started), error=f"{type(exc).__name__}: {exc}"[:500])


def _timeout() -> httpx.Timeout:
    total = settings.RAPTORFLOW_WEBHOOKS_TIMEOUT_SECONDS
    return httpx.Timeout(total, connect=min(total, 5.0))


def _excerpt(response: httpx.Response) -> str:
    """The start of the response body, read no further than needed."""
    limit = RESPONSE_EXCERPT_CHARS * 4  # bytes: a character is at most four in UTF-8
    chunks = bytearray()
    for chunk in response.iter_bytes():
        chunks += chunk
        if len(chunks) >= limit:
            break
    return bytes(chunks[:limit]).decode(response.encoding or "utf-8", errors="replace")[:RESPONSE_EXCERPT_CHARS]


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
