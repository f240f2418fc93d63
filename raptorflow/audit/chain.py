"""What a chain link covers, for keyed events and for the events sealed before the keys (docs/decisions/0021).

A keyed link is ``HMAC(key, prev_hash, body)``. The body holds every field that
states what happened; the fields that can identify a person (the actor's label,
the target's label, the changes, the client address and user agent) enter it
as keyed digests, not as raw values. Retention and erasure can then clear a raw
value and keep its digest (``AuditEvent.redacted``), and the link still
verifies; whoever changes a value without the key cannot produce its digest.

Events sealed before the keys existed (``key_id`` empty) keep their plain
SHA-256 link over raw values. Once one of their fields is pseudonymised, that
link can no longer be recomputed, so the redaction first verifies the event
under the old rule and then attests it with a key: ``redacted["_legacy"]``.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from .choices import Tamper
from .keys import AuditKey, KeyRing

if TYPE_CHECKING:
    from .models import AuditEvent

# The fields retention or erasure may clear, and what a cleared field holds instead.
PSEUDONYMISED_FIELDS = ("actor_label", "target_repr", "changes", "ip", "user_agent")
PLACEHOLDERS: dict[str, Any] = {
    "actor_label": "erased user",
    "target_repr": "[erased]",
    "changes": {},
    "ip": None,
    "user_agent": "",
}
CLIENT_FIELDS = ("ip", "user_agent")
LEGACY_ATTESTATION = "_legacy"


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def field_digest(key: AuditKey, name: str, value: Any) -> str:
    """The keyed digest of one personal field: the same value gives the same digest under one key."""
    return key.mac(b"field", name.encode(), _json(value))


def holds_value(event: AuditEvent, name: str) -> bool:
    """Whether the field holds anything a redaction would remove."""
    return getattr(event, name) not in ("", None, {})


def _digests(event: AuditEvent, key: AuditKey) -> dict[str, str]:
    redacted = event.redacted or {}
    return {
        name: redacted[name] if name in redacted else field_digest(key, name, getattr(event, name))
        for name in PSEUDONYMISED_FIELDS
    }


def keyed_body(event: AuditEvent, key: AuditKey) -> bytes:
    """The bytes a keyed link covers: what happened, with personal fields as keyed digests."""
    digest = _digests(event, key)
    return _json(
        {
            "v": 2,
            "id": event.pk,
            "seq": event.seq,
            "key": key.id,
            "created_at": event.created_at.isoformat(),
            "actor_type": event.actor_type,
            "actor_user": event.actor_user_id,
            "actor_api_key": event.actor_api_key_id,
            "actor_label": digest["actor_label"],
            "workspace": event.workspace_id,
            "action": event.action,
            "target": [event.target_type, event.target_id, digest["target_repr"]],
            "changes": digest["changes"],
            "ip": digest["ip"],
            "user_agent": digest["user_agent"],
            "request_id": event.request_id,
            "outcome": event.outcome,
        }
    )


def keyed_link(event: AuditEvent, key: AuditKey, prev_hash: str) -> str:
    return key.mac(b"link", prev_hash.encode(), keyed_body(event, key))


def legacy_link(event: AuditEvent, prev_hash: str) -> str:
    """The link of an event sealed before the keys: SHA-256 over its raw fields (decision 0002)."""
    body = {
        "id": event.pk,
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor_type": event.actor_type,
        "actor_user": event.actor_user_id,
        "actor_api_key": event.actor_api_key_id,
        "actor_label": event.actor_label,
        "workspace": event.workspace_id,
        "action": event.action,
        "target": [event.target_type, event.target_id, event.target_repr],
        "changes": event.changes,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "outcome": event.outcome,
    }
    return hashlib.sha256(prev_hash.encode() + b"\n" + _json(body)).hexdigest()


def legacy_attestation(event: AuditEvent, key: AuditKey) -> str:
    """A key's word that the pre-key event with this hash held these fields (raw, or digests once cleared)."""
    return key.mac(b"legacy-redaction", event.hash.encode(), keyed_body(event, key))


def placeholder_problem(event: AuditEvent) -> str | None:
    """A cleared field must hold its placeholder; anything else there was written after the redaction."""
    for name in event.redacted or {}:
        if name in PLACEHOLDERS and getattr(event, name) != PLACEHOLDERS[name]:
            return f"its pseudonymised {name} holds a value again"
    return None


Problem = tuple[str, str]  # (a Tamper kind, what is wrong)


def content_problem(event: AuditEvent, ring: KeyRing) -> Problem | None:
    """What is wrong with the event's own content against its hash (under its recorded prev_hash), or None."""
    problem = placeholder_problem(event)
    if problem:
        return Tamper.CHANGED, problem
    if not event.key_id:
        return _legacy_problem(event, ring)
    key = ring.get(event.key_id)
    if key is None:
        return Tamper.UNKNOWN_KEY, f"it was signed by key {event.key_id}, which is not in RAPTORFLOW_AUDIT_KEYS"
    if keyed_link(event, key, event.prev_hash) != event.hash:
        return Tamper.CHANGED, "content does not match its signature (the row was changed)"
    return None


def _legacy_problem(event: AuditEvent, ring: KeyRing) -> Problem | None:
    redacted = event.redacted or {}
    if not redacted:
        if legacy_link(event, event.prev_hash) == event.hash:
            return None
        return Tamper.CHANGED, "content does not match its hash (the row was changed)"
    attestation = redacted.get(LEGACY_ATTESTATION) or {}
    key = ring.get(str(attestation.get("key", "")))
    if key is None:
        return Tamper.CHANGED, "it was pseudonymised without an attestation by a configured key"
    if legacy_attestation(event, key) != attestation.get("mac"):
        return Tamper.CHANGED, "content does not match its attestation (the row was changed)"
    return None
