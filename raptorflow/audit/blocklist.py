"""Is this address blocked? Asked by IPBlockMiddleware on every request, so answered from memory.

Three layers, each cheaper than the one below:

1. the database (``IPBlock.objects.active()``), read only when the cache is cold;
2. one Django cache key holding the active blocks and a version token, shared
   by all processes and kept ~30 s; a save or delete of an ``IPBlock`` drops it,
   so a new block applies on the next request in every process;
3. an in-process memo of the parsed ranges for the cached version, trusted for
   ``LOCAL_TTL`` (1 s) before the shared key is read again: most requests cost
   integer comparisons only, never a cache read, a CIDR parse or a query. A
   change made in one process applies there at once and in every other process
   within a second.

Expiry is checked on every lookup against the stored timestamp, so a block
stops applying the moment it expires, not when the cached copy does.
"""

from __future__ import annotations

import ipaddress
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .actors import Actor
from .models import IPBlock
from .services import audit_log

logger = logging.getLogger(__name__)

CACHE_KEY = "ipblock:active"
CACHE_TTL = 30  # seconds; an upper bound on staleness should an invalidation be lost
LOCAL_TTL = 1.0  # seconds this process trusts its memo before reading the shared key again


@dataclass(frozen=True)
class ActiveBlock:
    """What the middleware needs to know about the block that matched (no model instance, no query)."""

    id: int
    network: str
    expires_at: float | None  # epoch seconds, None for "until disabled"

    def live(self, now: float) -> bool:
        return self.expires_at is None or self.expires_at > now


@dataclass(frozen=True)
class _Range:
    block: ActiveBlock
    version: int  # 4 or 6
    first: int
    last: int


# (cached version token, parsed ranges). Replaced whole, never mutated, so threads can share it.
_memo: tuple[str, tuple[_Range, ...]] = ("", ())
_memo_fresh_until = 0.0  # time.monotonic() until which _memo is used without reading the shared key


def is_blocked(ip: str) -> ActiveBlock | None:
    """The active block covering ``ip``, or None. An unparsable address is not blocked (nothing to match)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    number, version, now = int(address), address.version, time.time()
    for entry in _ranges():
        if entry.version == version and entry.first <= number <= entry.last and entry.block.live(now):
            return entry.block
    return None


def _ranges() -> tuple[_Range, ...]:
    global _memo_fresh_until
    now = time.monotonic()
    if now < _memo_fresh_until:
        return _memo[1]
    snapshot = cache.get(CACHE_KEY)
    if snapshot is None:
        try:
            snapshot = _load()
        except DatabaseError:
            # Without a database nothing that needs protecting works (sessions, keys, runs), but the
            # health check must keep answering: serve the last blocks this process knew, uncached.
            logger.exception("Could not load the IP blocklist; using the last one this process loaded.")
            return _memo[1]
        cache.set(CACHE_KEY, snapshot, CACHE_TTL)
    ranges = _parsed(snapshot)
    _memo_fresh_until = now + LOCAL_TTL
    return ranges


def _load() -> dict[str, Any]:
    """The active blocks as plain values (cheap to pickle into Redis), under a fresh version token."""
    rows = IPBlock.objects.active().values_list("id", "network", "expires_at")
    blocks = [(pk, network, expires.timestamp() if expires else None) for pk, network, expires in rows]
    return {"version": uuid.uuid4().hex, "blocks": blocks}


def _parsed(snapshot: dict[str, Any]) -> tuple[_Range, ...]:
    global _memo
    if _memo[0] != snapshot["version"]:
        _memo = (snapshot["version"], tuple(_parse_all(snapshot["blocks"])))
    return _memo[1]


def _parse_all(blocks: list[tuple[int, str, float | None]]) -> list[_Range]:
    ranges = []
    for pk, network, expires_at in blocks:
        try:
            parsed = ipaddress.ip_network(network, strict=False)
        except ValueError:  # only a row written around the model (raw SQL) can get here; skip it, keep serving
            logger.error("IP block %s has an invalid network %r; ignored.", pk, network)
            continue
        block = ActiveBlock(id=pk, network=str(parsed), expires_at=expires_at)
        ranges.append(_Range(block, parsed.version, int(parsed.network_address), int(parsed.broadcast_address)))
    return ranges


def invalidate() -> None:
    """Drop the cached blocklist: this process reloads it on its next request, every other within LOCAL_TTL."""
    forget_local()
    cache.delete(CACHE_KEY)


def forget_local() -> None:
    """Make this process read the shared key on its next lookup."""
    global _memo_fresh_until
    _memo_fresh_until = 0.0


def _invalidate_now_and_on_commit() -> None:
    # Now: this transaction's own next check sees the change. On commit: a reader in another
    # process that reloaded the old rows before our commit does not keep them for a whole TTL.
    invalidate()
    transaction.on_commit(invalidate)


@receiver([post_save, post_delete], sender=IPBlock, dispatch_uid="audit.ipblock_invalidate")
def _ipblock_changed(sender: type[IPBlock], **kwargs: Any) -> None:
    _invalidate_now_and_on_commit()


def ipblock_disable(block: IPBlock, *, actor: Actor) -> bool:
    """Lift a block, audited with its diff; the row stays as history. False when it was already disabled.

    A conditional update, so two staff disabling the same block write one audit event, not two.
    """
    with transaction.atomic():
        changed = IPBlock.objects.filter(pk=block.pk, enabled=True).update(enabled=False)
        if not changed:
            return False
        block.enabled = False
        audit_log("ipblock.update", actor=actor, target=block, changes={"enabled": [True, False]})
    _invalidate_now_and_on_commit()  # update() sends no post_save
    return True
