"""Where the platform sends requests of its own: the checks against server-side request forgery (SSRF).

Two callers, one set of checks, two policies:

- the ``http.fetch`` tool (``skills/fetch.py``) takes public addresses only, unless allowlisted;
- a model provider's base URL (``raptorflow/llm/provider_urls.py``) is never link-local or a cloud metadata
  service, and private or loopback only when ``RAPTORFLOW_PROVIDER_ALLOW_PRIVATE`` is on.

A URL is checked in three steps, each its own function so a caller can word its refusals: ``http_target``
(http or https with a host), ``resolve`` (every address the host resolves to, now), then the caller's policy
on each address, for which ``classify`` sorts an address into one ``AddressClass``.

Known limit, for both callers: the host is resolved here and again by the HTTP client when it connects, so a
DNS answer that changes between the two (DNS rebinding) is not caught; pinning the connection to the checked
address would break TLS host verification. Deployments that need more put an egress proxy in front.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance metadata services hand out cloud credentials: the classic SSRF prize. By name (refused before any
# DNS lookup) and by address; most addresses are link-local anyway, listed so a refusal can say what it is.
METADATA_HOSTS = frozenset(
    {
        "metadata.google.internal",  # GCP
        "metadata.goog",  # GCP
        "metadata",  # GCP's short name inside a VM
        "instance-data",  # AWS EC2
        "instance-data.ec2.internal",  # AWS EC2
    }
)
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, GCP, Azure, Oracle, DigitalOcean, OpenStack
        "169.254.170.2",  # AWS ECS task metadata and credentials
        "169.254.169.253",  # AWS VPC DNS
        "169.254.169.123",  # AWS time sync
        "169.254.0.23",  # Tencent Cloud
        "fd00:ec2::254",  # AWS metadata over IPv6
        "fd00:ec2::253",  # AWS VPC DNS over IPv6
        "fd00:ec2::123",  # AWS time sync over IPv6
        "100.100.100.200",  # Alibaba Cloud (inside 100.64.0.0/10, which Tailscale also uses)
        "192.0.0.192",  # Oracle Cloud, legacy
        "168.63.129.16",  # Azure WireServer: a public address that answers only inside Azure
    )
)
# Never a provider: link-local (169.254.0.0/16, fe80::/10) and fd00::/8, where AWS puts its IPv6 metadata
# services (fd00:ec2::/32). fd00::/8 is also where most self-assigned IPv6 LANs live: a model server there
# is reached by its IPv4 address or from fc00::/8.
LINK_LOCAL_NETWORKS = tuple(ipaddress.ip_network(net) for net in ("169.254.0.0/16", "fe80::/10", "fd00::/8"))
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressClass(StrEnum):
    """What an address is, as far as sending it a request goes; ``description`` words it for a refusal."""

    PUBLIC = "public"
    PRIVATE = "private"  # loopback, RFC 1918, shared (100.64.0.0/10), unique-local and the like
    LINK_LOCAL = "link_local"
    METADATA = "metadata"
    UNUSABLE = "unusable"  # unspecified, this-network, multicast, reserved, broadcast

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    AddressClass.PUBLIC: "a public address",
    AddressClass.PRIVATE: "a private or loopback address",
    AddressClass.LINK_LOCAL: "a link-local address (169.254.0.0/16, fe80::/10 or fd00::/8)",
    AddressClass.METADATA: "a cloud metadata service",
    AddressClass.UNUSABLE: "an unspecified, multicast or reserved address",
}


class URLRefused(ValueError):
    """A URL the platform will not send a request to. Messages never repeat the URL (it may hold credentials)."""


class SchemeRefused(URLRefused):
    """Not an http or https URL with a host. ``scheme`` is the scheme it had instead: "" when it had none, or
    the host is missing, or the URL is malformed."""

    def __init__(self, scheme: str) -> None:
        refused = f", not {scheme!r}" if scheme else ""
        super().__init__(f"only http and https URLs with a host are allowed{refused}")
        self.scheme = scheme


class HostUnresolvable(URLRefused):
    def __init__(self, host: str) -> None:
        super().__init__(f"the host {host!r} does not resolve")
        self.host = host


class AddressRefused(URLRefused):
    """``host`` is, or resolves to, an ``address`` the caller's policy refuses (``address`` None: by name)."""

    def __init__(self, host: str, address: IPAddress | None, kind: AddressClass) -> None:
        where = "is " if address is None or str(address) == host else f"resolves to {address}, "
        super().__init__(f"{host} {where}{kind.description}")
        self.host = host
        self.address = address
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Target:
    """Where a URL points: scheme, host (lower case, without a trailing dot) and port."""

    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...] = ()  # what the host resolved to when it was checked (all of them vetted)


def http_target(url: str) -> Target:
    """The scheme, host and port of an http(s) URL; SchemeRefused for anything else (or a malformed URL)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a bad port or an unclosed IPv6 bracket
        raise SchemeRefused("") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise SchemeRefused(scheme)
    if not parts.hostname:
        raise SchemeRefused("")
    return Target(scheme, parts.hostname.rstrip("."), port or (443 if scheme == "https" else 80))


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to now (an address literal, in any form inet_aton takes, is itself)."""
    try:
        infos = socket.getaddrinfo(host, port)
    except (socket.gaierror, UnicodeError):
        raise HostUnresolvable(host) from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def is_metadata_host(host: str) -> bool:
    return host.lower().rstrip(".") in METADATA_HOSTS


def classify(address: IPAddress) -> AddressClass:
    """Sort an address; an IPv4 address inside an IPv6 one (mapped, NAT64, 6to4) is judged as itself."""
    address = embedded_ipv4(address) or address
    if address in METADATA_ADDRESSES:
        return AddressClass.METADATA
    if any(address in network for network in LINK_LOCAL_NETWORKS):
        return AddressClass.LINK_LOCAL
    if address.is_unspecified or address.is_multicast or address in _THIS_NETWORK:
        return AddressClass.UNUSABLE
    if address.is_loopback:  # before is_reserved: ::1 lies in the reserved ::/8
        return AddressClass.PRIVATE
    if address.is_global:
        return AddressClass.PUBLIC
    return AddressClass.UNUSABLE if address.is_reserved else AddressClass.PRIVATE


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries and delivers to (``::ffff:a.b.c.d``, NAT64, 6to4), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


Policy = Callable[[str, IPAddress], AddressClass | None]


def check_url(url: str, refuse: Policy) -> Target:
    """Resolve ``url``'s host and apply ``refuse(host, address)`` (a class to refuse it as, or None) to every
    address; returns the target, or raises SchemeRefused, HostUnresolvable or AddressRefused."""
    target = http_target(url)
    addresses = resolve(target.host, target.port)
    for address in addresses:
        kind = refuse(target.host, address)
        if kind is not None:
            raise AddressRefused(target.host, address, kind)
    return Target(target.scheme, target.host, target.port, tuple(addresses))


def pinned(url: str, target: Target) -> tuple[str, dict[str, str], dict[str, str]]:
    """The request that reaches ``target``'s vetted address and no other: (the URL with the address in place of
    the host, the Host header, httpx's ``sni_hostname`` extension for TLS). The connection then resolves nothing,
    so a DNS answer that changes after the check (rebinding) cannot move it; TLS still verifies the certificate
    against the host name."""
    if not target.addresses:
        raise ValueError("pinned() needs a target from check_url()")
    parts = urlsplit(url)
    address = target.addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = f"{target.host}:{parts.port}" if parts.port else target.host
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), {"Host": host_header}, extensions
