"""Writing and sealing audit events."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from raptorflow import context

from .actors import Actor
from .choices import Outcome
from .models import AuditEvent

logger = logging.getLogger(__name__)

_SEAL_LOCK_KEY = 0x52_46_41_55  # "RFAU": one advisory lock for the sealer on PostgreSQL
_SEAL_BATCH = 500


def audit_log(
    action: str,
    *,
    actor: Actor,
    workspace: Any = None,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    outcome: str = Outcome.SUCCESS,
) -> AuditEvent:
    """Record one event in the caller's transaction. The sealer links it into the hash chain after commit."""
    ctx = context.current()
    event = AuditEvent.objects.create(
        actor_type=actor.type,
        actor_user=actor.user,
        actor_api_key=actor.api_key,
        actor_label=actor.label[:200],
        workspace_id=getattr(workspace, "pk", workspace),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        changes=_plain_json(changes or {}),
        ip=ctx.ip,
        user_agent=ctx.user_agent[:500],
        request_id=ctx.request_id,
        outcome=outcome,
    )
    return event


def _plain_json(value: dict[str, Any]) -> dict[str, Any]:
    """Dates, decimals and UUIDs as strings, so the stored JSON hashes the same everywhere."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_seal() -> int:
    """Link every committed, unsealed event into the chain, in id order. Returns how many.

    Runs off the request path (the ``audit.seal`` beat task every
    ``RAPTORFLOW_AUDIT_SEAL_SECONDS``, and before every verification), so writers
    never wait on the chain. One sealer at a time: an advisory lock on
    PostgreSQL; SQLite's IMMEDIATE transactions already serialize writers.
    See docs/decisions/0002-audit-chain-sealing.md.
    """
    sealed = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
            batch = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:_SEAL_BATCH])
            if not batch:
                return sealed
            last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").only("seq", "hash").first()
            seq, prev_hash = (last.seq or 0, last.hash) if last else (0, "")  # last.seq is set: seq__isnull=False
            links = []
            for event in batch:
                seq += 1
                event.seq = seq
                digest = event.compute_hash(prev_hash)
                links.append((seq, prev_hash, digest, event.pk))
                prev_hash = digest
            AuditEvent.objects.all()._seal_many(links)
            sealed += len(batch)


def audit_verify() -> tuple[int, AuditEvent | None, str]:
    """Walk the chain in order. Returns (events checked, first broken event or None, reason)."""
    prev_hash = ""
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return checked, event, f"sequence gap: expected {expected_seq}, found {event.seq}"
        if event.prev_hash != prev_hash:
            return checked, event, "previous-hash link does not match the event before it"
        if event.compute_hash(prev_hash) != event.hash:
            return checked, event, "content does not match its hash (the row was changed)"
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    return checked, None, ""
