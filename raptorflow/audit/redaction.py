"""Pseudonymising the audit trail without breaking its chain: client-address retention, and a person's erasure.

A cleared field keeps its keyed digest in ``AuditEvent.redacted`` and holds a
fixed placeholder instead of its value (raptorflow/audit/chain.py), so the
chain still verifies and nobody without the audit key can forge a redaction.
Events sealed before the keys get a keyed attestation instead, written only if
they still verify under the old rule. Only sealed events are pseudonymised:
both services hold the sealer's lock, and erasure seals what is pending first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .actors import Actor
from .chain import (
    CLIENT_FIELDS,
    LEGACY_ATTESTATION,
    PLACEHOLDERS,
    content_problem,
    field_digest,
    holds_value,
    legacy_attestation,
)
from .keys import AuditKey, KeyRing, keyring
from .models import AuditEvent
from .services import audit_log, audit_seal, seal_lock

BATCH = 1000
RETENTION_ACTOR = Actor.system("retention")
# Sign-in events name the account typed in (and, before decision 0021, the lockout's address) in `changes`.
SIGN_IN_ACTIONS = ("auth.login_failed", "auth.lockout")


def redact(event: AuditEvent, fields: Sequence[str], ring: KeyRing) -> bool:
    """Clear these fields of a sealed event in memory, keeping their digests. Returns whether anything changed."""
    todo = [name for name in fields if holds_value(event, name)]
    if not todo:
        return False
    redacted = dict(event.redacted or {})
    if event.key_id:
        _redact_keyed(event, todo, redacted, ring.get(event.key_id))
    else:
        _redact_legacy(event, todo, redacted, ring)
    return True


def _redact_keyed(event: AuditEvent, todo: list[str], redacted: dict, key: AuditKey | None) -> None:
    for name in todo:
        # A field cleared before keeps its digest: a value written into it since is not what was sealed.
        if name not in redacted:
            redacted[name] = field_digest(key, name, getattr(event, name)) if key else ""
        setattr(event, name, PLACEHOLDERS[name])
    event.redacted = redacted


def _redact_legacy(event: AuditEvent, todo: list[str], redacted: dict, ring: KeyRing) -> None:
    """Pre-key events: their SHA-256 link covers raw values, so a key attests what they held instead."""
    intact = content_problem(event, ring) is None
    attested = redacted.get(LEGACY_ATTESTATION) or {}
    key = ring.get(str(attested["key"])) if attested else ring.newest
    for name in todo:
        if name not in redacted:
            redacted[name] = field_digest(key, name, getattr(event, name)) if key else ""
        setattr(event, name, PLACEHOLDERS[name])
    redacted.pop(LEGACY_ATTESTATION, None)
    event.redacted = redacted
    if intact and key is not None:  # never vouch for a row that was already changed
        event.redacted = {**redacted, LEGACY_ATTESTATION: {"key": key.id, "mac": legacy_attestation(event, key)}}


def _redact_matching(query: Q, fields: Sequence[str], ring: KeyRing) -> set[int]:
    """Pseudonymise every sealed event the query matches, in batches by id. Returns the ids changed."""
    changed_ids: set[int] = set()
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(query, seq__isnull=False, id__gt=last).order_by("id")[:BATCH])
        if not batch:
            return changed_ids
        last = batch[-1].pk
        changed = [event for event in batch if redact(event, fields, ring)]
        AuditEvent.objects.all()._redact_many(changed)
        changed_ids.update(event.pk for event in changed)


# --- retention ------------------------------------------------------------------------------------


def _client_fields(event: AuditEvent) -> Sequence[str]:
    lockout_with_ip = event.action == "auth.lockout" and isinstance(event.changes, dict) and "ip" in event.changes
    return (*CLIENT_FIELDS, "changes") if lockout_with_ip else CLIENT_FIELDS


def audit_pseudonymise_clients(*, older_than_days: int, now: datetime | None = None) -> int:
    """Clear the client address and user agent of events older than the retention; the chain keeps their digests.

    Sign-in records (django-axes: attempts, failures, successes, each with an
    address and user agent) older than the retention are deleted too. Idempotent,
    in batches of BATCH per transaction (each holds the sealer's lock briefly).
    Audited once per run, as the system. Returns how many events were
    pseudonymised.
    """
    if older_than_days < 1:
        raise ValueError("The retention must be at least 1 day.")
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    query = Q(created_at__lt=cutoff) & (Q(ip__isnull=False) | ~Q(user_agent=""))
    ring = keyring()
    total = 0
    while True:
        with transaction.atomic():
            seal_lock()
            batch = list(AuditEvent.objects.filter(query, seq__isnull=False).order_by("id")[:BATCH])
            changed = [event for event in batch if redact(event, _client_fields(event), ring)]
            AuditEvent.objects.all()._redact_many(changed)
        total += len(changed)
        if len(batch) < BATCH:
            break
    sign_ins = sum(model.objects.filter(attempt_time__lt=cutoff).delete()[0] for model in _SIGN_IN_RECORDS)
    changes = {
        "events": [None, total],
        "sign_in_records_deleted": [None, sign_ins],
        "older_than_days": [None, older_than_days],
    }
    audit_log("audit.pseudonymise", actor=RETENTION_ACTOR, changes=changes)
    return total


_SIGN_IN_RECORDS = (AccessAttempt, AccessFailureLog, AccessLog)


# --- erasure --------------------------------------------------------------------------------------


def audit_forget_person(*, user_id: int, names: Sequence[str]) -> int:
    """Pseudonymise what the trail holds about one person; call inside their erasure's transaction.

    ``names`` are the identifiers people type for them (username first, then
    email). Cleared: the label, address and user agent of what they did; the
    label and diff of changes to their account; the label of their memberships;
    the typed name, address and user agent of sign-ins in their name. Pending
    events are sealed first (holding the sealer's lock to the end of the
    transaction), so none escapes unsealed. Returns how many events changed.
    """
    seal_lock()
    audit_seal()
    ring = keyring()
    username, *others = [name for name in names if name]
    rules: list[tuple[Q, Sequence[str]]] = [
        (Q(actor_user_id=user_id), ("actor_label", *CLIENT_FIELDS)),
        (Q(target_type="accounts.user", target_id=str(user_id)), ("target_repr", "changes")),
        (Q(target_type="accounts.membership", target_repr__startswith=f"{username} in "), ("target_repr",)),
        (_typed_in_sign_in([username, *others]), ("changes", *CLIENT_FIELDS)),
    ]
    changed: set[int] = set()
    for query, fields in rules:
        changed |= _redact_matching(query, fields, ring)
    return len(changed)


def _typed_in_sign_in(names: list[str]) -> Q:
    typed = reduce(or_, (Q(changes__username__1__iexact=name) for name in names))
    return Q(action__in=SIGN_IN_ACTIONS) & typed
