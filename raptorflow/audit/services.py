"""Writing, sealing and checkpointing audit events (docs/decisions/0002 and 0021)."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from raptorflow import context

from .actors import Actor
from .chain import keyed_link
from .checkpoints import Checkpoint, configured_sink
from .choices import Outcome
from .keys import keyring
from .models import AuditEvent

logger = logging.getLogger(__name__)

_SEAL_LOCK_KEY = 0x52_46_41_55  # "RFAU": one advisory lock for the sealer on PostgreSQL
_SEAL_BATCH = 500
# Shared by every sealer (any worker): when the next checkpoint is due, and which head the last one named.
_CHECKPOINT_DUE = "audit:checkpoint:due"
_CHECKPOINT_HEAD = "audit:checkpoint:head"


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


def seal_lock() -> None:
    """Take the sealer's lock until the end of the current transaction (PostgreSQL; SQLite serializes writers).

    Everything that writes chain fields or pseudonymised fields holds it, so the
    sealer never signs a row that retention or erasure is changing.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])


def audit_seal() -> int:
    """Link every committed, unsealed event into the chain, in id order, under the newest audit key.

    Runs off the request path (the ``audit.seal`` beat task every
    ``RAPTORFLOW_AUDIT_SEAL_SECONDS``), so writers never wait on the chain, and
    never while verifying. One sealer at a time (``seal_lock``). Once the
    transaction commits, writes a checkpoint if one is due. Returns how many
    events it sealed. See docs/decisions/0002-audit-chain-sealing.md and 0021.
    """
    key = keyring().newest
    sealed = 0
    while True:
        with transaction.atomic():
            seal_lock()
            batch = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:_SEAL_BATCH])
            if not batch:
                break
            last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").only("seq", "hash").first()
            seq, prev_hash = (last.seq or 0, last.hash) if last else (0, "")  # last.seq is set: seq__isnull=False
            links = []
            for event in batch:
                seq += 1
                event.seq, event.key_id = seq, key.id
                digest = keyed_link(event, key, prev_hash)
                links.append((seq, prev_hash, digest, key.id, event.pk))
                prev_hash = digest
            AuditEvent.objects.all()._seal_many(links)
            sealed += len(batch)
    # After commit: a checkpoint must never name a head that a rollback could take back.
    transaction.on_commit(_checkpoint_if_due)
    return sealed


def chain_head() -> AuditEvent | None:
    return AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").only("seq", "hash").first()


# Per process: once a keyed event exists the boundary never moves, and finding it reads the whole pre-key prefix.
_known_boundary: dict[str, int] = {}


def legacy_boundary() -> int:
    """The last seq sealed before the audit keys (0 when the chain began keyed). Fixed once a keyed event exists."""
    if "seq" in _known_boundary:
        return _known_boundary["seq"]
    first_keyed = AuditEvent.objects.filter(seq__isnull=False).exclude(key_id="").order_by("seq").only("seq").first()
    if first_keyed is None:  # nothing keyed yet: every sealed event so far is pre-key
        head = chain_head()
        return head.seq or 0 if head else 0
    _known_boundary["seq"] = (first_keyed.seq or 1) - 1
    return _known_boundary["seq"]


def audit_checkpoint() -> Checkpoint | None:
    """Write a signed checkpoint of the chain's head to the configured sink, now. Returns it.

    None when nothing is sealed yet or the sink is off. Raises OSError when the
    sink cannot be written (the sealer logs it and tries again when next due).
    """
    sink = configured_sink()
    head = chain_head()
    if sink is None or head is None or head.seq is None:
        return None
    checkpoint = Checkpoint(
        seq=head.seq,
        hash=head.hash,
        event_id=head.pk,
        legacy_until=legacy_boundary(),
        at=timezone.now().isoformat(),
        key="",
    ).signed(keyring().newest)
    sink.write(checkpoint.line())
    return checkpoint


def _checkpoint_if_due() -> None:
    """A checkpoint when the head moved and none was written for RAPTORFLOW_AUDIT_CHECKPOINT_SECONDS."""
    if configured_sink() is None:
        return
    head = chain_head()
    if head is None or cache.get(_CHECKPOINT_HEAD) == head.seq:
        return
    if not cache.add(_CHECKPOINT_DUE, 1, settings.RAPTORFLOW_AUDIT_CHECKPOINT_SECONDS):
        return
    try:
        checkpoint = audit_checkpoint()
    except OSError:
        # Retried when the next one is due (not at every seal: a sink that is down would flood the log).
        logger.exception("Could not write an audit checkpoint; the sealer tries again when the next one is due.")
        return
    if checkpoint is not None:
        cache.set(_CHECKPOINT_HEAD, checkpoint.seq, None)
