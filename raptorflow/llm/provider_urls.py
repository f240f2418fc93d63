"""Where a provider may be reached: its base URL is checked like the fetch tool's URLs (raptorflow/netguard.py).

A staff account that can edit providers chooses where workers send requests (with an API key), so a base URL
is a server-side request forgery risk of its own. The rule:

- http or https only;
- never a link-local address (169.254.0.0/16, fe80::/10, fd00::/8) or a cloud metadata service (by name, e.g.
  metadata.google.internal, or by address, e.g. 169.254.169.254, fd00:ec2::254, 100.100.100.200);
- never an unspecified, multicast or reserved address;
- private and loopback addresses (Ollama or vLLM on this machine or the LAN) only while
  ``RAPTORFLOW_PROVIDER_ALLOW_PRIVATE`` is on: on by default in development and tests, off in production.

It is checked when a provider is saved (``Provider.clean``, so the admin form shows the error on the field)
and before each call (``check_provider_url``, which resolves the host again, so a DNS answer that has changed
since the save is caught). A host that does not resolve when saved is accepted: it reaches nothing yet, and
the call-time check judges whatever it resolves to later. An empty base URL means the kind's built-in
default (api.openai.com, api.anthropic.com), which is not checked; nor are the providers that make no network
call (offline, scripted).
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings

from raptorflow import netguard

from .choices import ProviderKind
from .errors import ErrorCode, ProviderError


class ProviderLike(Protocol):
    """What the check reads of a ``Provider`` (models.py imports this module, so it cannot import models)."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def base_url(self) -> str: ...


NO_NETWORK_KINDS = frozenset({ProviderKind.OFFLINE.value, ProviderKind.SCRIPTED.value})
PRIVATE_HINT = "set RAPTORFLOW_PROVIDER_ALLOW_PRIVATE=1 to reach a model server on a private network"


def provider_address_refusal(host: str, address: netguard.IPAddress) -> netguard.AddressClass | None:
    """The provider policy on one address: what to refuse it as, or None to allow it."""
    kind = netguard.classify(address)
    if kind is netguard.AddressClass.PUBLIC:
        return None
    if kind is netguard.AddressClass.PRIVATE and settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE:
        return None
    return kind


def base_url_problem(url: str, *, unresolvable_ok: bool = False) -> str | None:
    """Why ``url`` may not be a provider's base URL (a sentence for people), or None if it may.

    A host that does not resolve is a problem unless ``unresolvable_ok`` (when saving: see the module docstring).
    """
    try:
        _check(url)
    except netguard.HostUnresolvable as exc:
        return None if unresolvable_ok else _wording(exc)
    except netguard.URLRefused as exc:
        return _wording(exc)
    return None


def check_provider_url(provider: ProviderLike) -> None:
    """Refuse to call ``provider`` if its base URL breaks the rule (see the module docstring), judged now.

    Raises ProviderError ``provider_rejected`` (not retryable) for a refused URL, and ``provider_unavailable``
    (retryable) when the host does not resolve, which is what the call itself would have failed with.
    """
    if provider.kind in NO_NETWORK_KINDS or not provider.base_url:
        return
    try:
        _check(provider.base_url)
    except netguard.HostUnresolvable as exc:
        message = f"{provider.name}: {_wording(exc)}"
        raise ProviderError(ErrorCode.UNAVAILABLE, message, provider=provider.name, retryable=True) from None
    except netguard.URLRefused as exc:
        message = f"{provider.name}: {_wording(exc)}"
        raise ProviderError(ErrorCode.REJECTED, message, provider=provider.name, retryable=False) from None


def _check(url: str) -> None:
    target = netguard.http_target(url)
    if netguard.is_metadata_host(target.host):  # refused by name, whatever it resolves to from here
        raise netguard.AddressRefused(target.host, None, netguard.AddressClass.METADATA)
    netguard.check_url(url, provider_address_refusal)


def _wording(exc: netguard.URLRefused) -> str:
    if isinstance(exc, netguard.SchemeRefused):
        refused = f" (not {exc.scheme})" if exc.scheme else ""
        return f"A base URL must be an http or https URL with a host{refused}."
    if isinstance(exc, netguard.HostUnresolvable):
        return f"The base URL's host {exc.host!r} does not resolve."
    hint = ""
    if isinstance(exc, netguard.AddressRefused) and exc.kind is netguard.AddressClass.PRIVATE:
        hint = f" ({PRIVATE_HINT})"
    return f"The base URL is refused: {exc}{hint}."
