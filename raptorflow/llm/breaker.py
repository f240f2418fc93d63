"""A circuit breaker per provider, kept in the Django cache so every worker sees the same state.

Three cache keys per provider:

- `failures`: consecutive failures (an atomic `incr`, so concurrent workers do not lose counts);
- `opened_at`: wall-clock time the breaker opened; absent means closed. Open turns into half-open when
  the cool-off has passed, which is computed, not stored, so no process has to be awake to flip it;
- `trial`: the half-open trial lock, taken with `cache.add` so exactly one caller across all workers
  gets to try the provider. It expires by itself so a worker that dies mid-trial cannot wedge the breaker.

Wall-clock time (not `time.monotonic`) because the timestamp is compared across processes and hosts.
"""

from __future__ import annotations

import logging
import time
from typing import Literal
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

BreakerState = Literal["closed", "open", "half_open"]

DEFAULT_FAILURES = 5
DEFAULT_COOLOFF_SECONDS = 30.0
# A trial lock outlives the slowest single attempt by default; callers pass their own timeout.
DEFAULT_TRIAL_SECONDS = 60.0


def _now() -> float:
    return time.time()


def _threshold() -> int:
    return max(1, int(getattr(settings, "RAPTORFLOW_BREAKER_FAILURES", DEFAULT_FAILURES)))


def _cooloff() -> float:
    return max(0.0, float(getattr(settings, "RAPTORFLOW_BREAKER_COOLOFF_SECONDS", DEFAULT_COOLOFF_SECONDS)))


def _key(name: str, part: str) -> str:
    # Quoted so that any provider name is a valid cache key (no spaces or control characters).
    return f"llm:breaker:{quote(name, safe='')}:{part}"


def breaker_state(name: str) -> BreakerState:
    """Closed (calls flow), open (calls refused) or half-open (cool-off over; one trial may run)."""
    opened_at = cache.get(_key(name, "opened_at"))
    if opened_at is None:
        return "closed"
    return "open" if _now() - float(opened_at) < _cooloff() else "half_open"


def breaker_failures(name: str) -> int:
    """Consecutive failures counted since the breaker last closed (0 once it is reset or a call succeeds)."""
    return int(cache.get(_key(name, "failures")) or 0)


def breaker_allow(name: str, *, trial_seconds: float = DEFAULT_TRIAL_SECONDS) -> bool:
    """May a call to this provider go ahead? In half-open state only the caller that wins the trial lock may.

    `trial_seconds` is how long the trial lock lasts; pass the longest the trial call can take, so a second
    trial cannot start while the first is still waiting on the provider.
    """
    state = breaker_state(name)
    if state == "closed":
        return True
    if state == "open":
        return False
    return bool(cache.add(_key(name, "trial"), _now(), timeout=max(trial_seconds, 1.0)))


def breaker_record_success(name: str) -> None:
    """Close the breaker and reset the consecutive-failure count."""
    if breaker_state(name) != "closed":
        logger.info("LLM provider %s circuit closed", name)
    cache.delete_many([_key(name, "failures"), _key(name, "opened_at"), _key(name, "trial")])


def breaker_record_failure(name: str) -> None:
    """Count a failure; open after the configured number in a row, or re-open when a half-open trial fails."""
    if breaker_state(name) == "half_open":
        _open(name, reopen=True)
        return
    failures_key = _key(name, "failures")
    cache.add(failures_key, 0, timeout=None)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # evicted between add and incr
        cache.set(failures_key, 1, timeout=None)
        failures = 1
    if failures >= _threshold():
        _open(name, reopen=False)


def breaker_reset(name: str) -> None:
    """Forget everything about this provider (e.g. after fixing its configuration)."""
    cache.delete_many([_key(name, "failures"), _key(name, "opened_at"), _key(name, "trial")])


def _open(name: str, *, reopen: bool) -> None:
    opened_key = _key(name, "opened_at")
    if reopen:
        cache.set(opened_key, _now(), timeout=None)
        cache.delete(_key(name, "trial"))
        logger.warning("LLM provider %s circuit re-opened after a failed trial", name)
    # `add`, not `set`: failures from calls already in flight must not keep pushing the cool-off back.
    elif cache.add(opened_key, _now(), timeout=None):
        logger.warning("LLM provider %s circuit opened after %d consecutive failures", name, _threshold())
