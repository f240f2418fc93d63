"""Daily rollups: one UTC day's figures per workspace and agent, recomputed whole from the runs.

Definitions (the dashboard, the API and the tests all rely on them):

- **Day attribution.** A run belongs to the UTC day its ``finished_at`` falls on, and only *finished* runs
  count (a final state and a ``finished_at``). A final state never changes again, so re-rolling a day always
  gives the same rows; a run that is still going when a day is rolled and finishes later lands in the later
  day, and a run whose row is written late (a recovered worker) is caught by re-rolling its day.
- **Percentiles** use the nearest-rank method: the p-th percentile of n sorted values is the value at rank
  ``ceil(p × n / 100)`` (1-based). It is always an observed value, computed in Python with integer arithmetic,
  so SQLite and PostgreSQL give the same numbers. Durations 1 … 100 s give p50 = 50 s, p95 = 95 s, p99 = 99 s.
- **Duration** = ``finished_at − started_at − waited``: the time a run spent waiting for a person (an approval,
  answers) is not run time. **Queue wait** = ``started_at − created_at``. Both in whole milliseconds (floored,
  never negative). A run that never started (cancelled while queued) has neither.
- **Success rate** = succeeded runs / finished runs (every final state, cancellations included).
- **Tokens and cost** are the runs' own sums: ``tokens_in`` is all input, of which ``cached_tokens_in`` was
  read from a provider's prompt cache and ``cache_write_tokens`` written to it (each priced at its own rate).
- **LLM figures** come from the runs' ``llm`` steps: ``llm_calls`` counts them; ``cache_hits`` those answered
  from the cache; ``cache_hit_rate`` = cache hits / LLM calls; ``provider_errors`` = failed LLM steps (one
  entry of a fallback chain that gave up after its retries); ``fallbacks`` = succeeded LLM steps whose
  immediately preceding LLM step in the same run (by sequence) failed — the chain moved on and the next entry
  answered. Two failures then a success is one fallback and two provider errors.
- Rates are ``None`` when their denominator is zero, so "no data" is never shown as 0 %.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from agents.choices import FINAL_STATES, RunStatus, StepKind, StepStatus
from agents.models import Run, RunStep
from raptorflow.accounts.models import Workspace

from .models import DailyRollup

logger = logging.getLogger(__name__)

FINAL_STATUS_ORDER = [
    RunStatus.SUCCEEDED,
    RunStatus.FAILED,
    RunStatus.TIMED_OUT,
    RunStatus.BUDGET_EXCEEDED,
    RunStatus.CANCELLED,
]
_RUN_FIELDS = ("id", "workspace_id", "status", "created_at", "started_at", "finished_at", "waited")
_TOKEN_FIELDS = ("tokens_in", "tokens_out", "cached_tokens_in", "cache_write_tokens")
_FIGURES = [
    "runs_total", "runs_by_status", "success_rate", "duration_p50_ms", "duration_p95_ms", "duration_p99_ms",
    "queue_wait_p50_ms", "queue_wait_p95_ms", "tokens_in", "tokens_out", "cached_tokens_in", "cache_write_tokens",
    "cost", "llm_calls", "cache_hits", "cache_hit_rate", "provider_errors", "fallbacks", "computed_at",
]  # fmt: skip
_MS = timedelta(milliseconds=1)

# --- Definitions ---------------------------------------------------------------------------------------


def percentile(values: Sequence[int], pct: int) -> int | None:
    """Nearest-rank percentile: the value at rank ceil(pct × n / 100) of the sorted values; None when empty.

    Integer arithmetic on purpose: 0.07 × 100 is 7.000000000000001 in floating point, which would move the rank.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-pct * len(ordered) // 100))  # ceiling division
    return ordered[rank - 1]


def elapsed_ms(start: datetime | None, end: datetime | None, *, less: timedelta | None = None) -> int | None:
    """Whole milliseconds from start to end, ``less`` a span inside it (floored, clamped at 0 against clock skew);
    None if either end is unset."""
    if start is None or end is None:
        return None
    return max(0, (end - start - (less or timedelta(0))) // _MS)


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def count_fallbacks(statuses: Iterable[str]) -> int:
    """Succeeded LLM steps directly preceded (in one run's sequence order) by a failed LLM step."""
    fallbacks, previous = 0, None
    for status in statuses:
        if status == StepStatus.SUCCEEDED and previous == StepStatus.FAILED:
            fallbacks += 1
        previous = status
    return fallbacks


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a UTC day."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def finished_runs(start: datetime, end: datetime, *, workspace: Workspace | None = None) -> QuerySet[Run]:
    """Runs in a final state whose finished_at is in [start, end): the population every figure is drawn from.
    Evaluation runs (cases of experiments, agents/evals) are not usage: they are left out."""
    runs = Run.objects.filter(status__in=FINAL_STATES, finished_at__gte=start, finished_at__lt=end, evaluation=False)
    return runs.filter(workspace=workspace) if workspace is not None else runs


# --- Figures -------------------------------------------------------------------------------------------


def run_figures(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The run-level figures of one group: counts by state, success rate, latency percentiles, tokens (input,
    of which cached and cache writes, and output), cost."""
    by_status = dict.fromkeys(FINAL_STATUS_ORDER, 0)
    for run in runs:
        by_status[run["status"]] = by_status.get(run["status"], 0) + 1
    durations = [
        d for d in (elapsed_ms(r["started_at"], r["finished_at"], less=r["waited"]) for r in runs) if d is not None
    ]
    waits = [w for w in (elapsed_ms(r["created_at"], r["started_at"]) for r in runs) if w is not None]
    return {
        "runs_total": len(runs),
        "runs_by_status": {str(status): count for status, count in by_status.items()},
        "success_rate": ratio(by_status[RunStatus.SUCCEEDED], len(runs)),
        "duration_p50_ms": percentile(durations, 50),
        "duration_p95_ms": percentile(durations, 95),
        "duration_p99_ms": percentile(durations, 99),
        "queue_wait_p50_ms": percentile(waits, 50),
        "queue_wait_p95_ms": percentile(waits, 95),
        **{name: sum(r[name] for r in runs) for name in _TOKEN_FIELDS},
        "cost": sum((r["cost"] for r in runs), Decimal(0)),
    }


def step_figures(steps_per_run: Iterable[Sequence[tuple[str, bool]]]) -> dict[str, Any]:
    """LLM figures of one group, from each run's LLM steps as (status, cache_hit) in sequence order."""
    calls = hits = errors = fallbacks = 0
    for steps in steps_per_run:
        calls += len(steps)
        hits += sum(1 for _, cache_hit in steps if cache_hit)
        errors += sum(1 for status, _ in steps if status == StepStatus.FAILED)
        fallbacks += count_fallbacks(status for status, _ in steps)
    return {
        "llm_calls": calls,
        "cache_hits": hits,
        "cache_hit_rate": ratio(hits, calls),
        "provider_errors": errors,
        "fallbacks": fallbacks,
    }


def _llm_steps_by_run(runs: QuerySet[Run]) -> dict[Any, list[tuple[str, bool]]]:
    """One query: every LLM step of the given runs, grouped per run in sequence order."""
    steps = (
        RunStep.objects.filter(run__in=runs.values("id"), kind=StepKind.LLM)
        .order_by("run_id", "sequence")
        .values_list("run_id", "status", "cache_hit")
    )
    grouped: dict[Any, list[tuple[str, bool]]] = defaultdict(list)
    for run_id, status, cache_hit in steps:
        grouped[run_id].append((status, cache_hit))
    return grouped


def _groups(runs: QuerySet[Run]) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """The runs as dicts, grouped by (workspace id, agent id); versions of one agent count together."""
    rows = runs.values(*_RUN_FIELDS, *_TOKEN_FIELDS, "cost", agent_id=F("agent_version__agent_id"))
    groups: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["workspace_id"], row["agent_id"])].append(row)
    return groups


# --- Writes --------------------------------------------------------------------------------------------


def rollup_day(day: date, *, workspace: Workspace | None = None) -> int:
    """Recompute every (workspace, agent) row of one UTC day (or only `workspace`'s); returns the rows written.

    Idempotent: rows are upserted on (day, workspace, agent) and rows whose runs are gone are deleted, in one
    transaction. An upsert rather than delete-and-insert, so two rollups of the same day at once (the periodic
    task and the command) cannot collide on the unique constraint, and row ids stay stable for the admin.
    """
    runs = finished_runs(*day_bounds(day), workspace=workspace)
    steps = _llm_steps_by_run(runs)
    rollups = [
        DailyRollup(
            day=day,
            workspace_id=workspace_id,
            agent_id=agent_id,
            **run_figures(group),
            **step_figures(steps.get(run["id"], []) for run in group),
        )
        for (workspace_id, agent_id), group in _groups(runs).items()
    ]
    _save(day, workspace, rollups)
    return len(rollups)


def _save(day: date, workspace: Workspace | None, rollups: list[DailyRollup]) -> None:
    keep = {(r.workspace_id, r.agent_id) for r in rollups}
    existing = DailyRollup.objects.filter(day=day)
    if workspace is not None:
        existing = existing.filter(workspace=workspace)
    with transaction.atomic():
        DailyRollup.objects.bulk_create(
            rollups,
            update_conflicts=True,
            unique_fields=["day", "workspace", "agent"],
            update_fields=_FIGURES,
        )
        rows = existing.values_list("pk", "workspace_id", "agent_id")
        stale = [pk for pk, workspace_id, agent_id in rows if (workspace_id, agent_id) not in keep]
        DailyRollup.objects.filter(pk__in=stale).delete()


def rollup_range(start: date, end: date, *, workspace: Workspace | None = None) -> int:
    """Re-roll every day from start to end inclusive; returns the rows written."""
    total = 0
    for offset in range((end - start).days + 1):
        total += rollup_day(start + timedelta(days=offset), workspace=workspace)
    return total


def rollup_recent(days: int = 2) -> int:
    """The periodic rollup: today and the days before it (UTC), so runs that finished late are caught."""
    today = timezone.now().astimezone(UTC).date()
    written = rollup_range(today - timedelta(days=max(days, 1) - 1), today)
    logger.info("analytics rollup: %d rows for the last %d days", written, days)
    return written


# The periodic rollup runs every ten minutes. A dashboard whose range includes today rolls today up on demand
# as well, at most once per this many seconds per workspace (and once for all), so a fresh install shows its
# first runs at once instead of "no runs in this period" for ten minutes.
TODAY_REFRESH_SECONDS = 60


def rollup_today_if_stale(*, end: date, workspace: Workspace | None = None) -> bool:
    """Roll up today (UTC) for ``workspace`` (or all) if the range ends today or later and nobody did in the last
    TODAY_REFRESH_SECONDS. True when it rolled up."""
    today = datetime.now(UTC).date()
    if end < today:
        return False
    if not cache.add(f"analytics:today:{workspace.pk if workspace else 'all'}", 1, TODAY_REFRESH_SECONDS):
        return False
    rollup_day(today, workspace=workspace)
    return True
