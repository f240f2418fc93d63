"""Reads for the analytics dashboard (admin) and the analytics endpoint (API): one shape for both.

Additive figures (runs, successes, tokens, cost, LLM calls, cache hits, provider errors, fallbacks) are
summed from the daily rollups, and rates are recomputed from those sums (Σ succeeded / Σ runs), never
averaged. Percentiles cannot be combined from per-row percentiles — the p95 of a day is not any average of
its agents' p95s — so the latency figures are recomputed from the finished runs of the range with the same
nearest-rank method as the rollups (analytics.services). That reads three timestamps per run, fine at this
product's scale (the range is capped at MAX_RANGE_DAYS), and for one workspace, agent and day it gives
exactly the rollup row's figures. Until the periodic rollup has caught up (at most one interval, ten
minutes) the latency figures may include runs the sums do not count yet.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, IntegerField, Max, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from agents.evals.choices import Rating
from agents.models import Run, RunFeedback
from raptorflow.accounts.models import Workspace
from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.models import Provider

from .models import DailyRollup
from .services import day_bounds, elapsed_ms, finished_runs, percentile, ratio

MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30
TOP_ERRORS = 10
TOP_WORKSPACES = 20  # a bar per workspace stops being readable long before the table stops growing
# Dates a range may use: far enough from date.min / date.max that day arithmetic cannot overflow.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(9999, 12, 30)

_SUMS = {
    "runs": Sum("runs_total"),
    "succeeded": Coalesce(Sum(Cast(KT("runs_by_status__succeeded"), IntegerField())), 0),
    "cost": Sum("cost"),
    "tokens_in": Sum("tokens_in"),
    "tokens_out": Sum("tokens_out"),
    "cached_tokens_in": Sum("cached_tokens_in"),
    "cache_write_tokens": Sum("cache_write_tokens"),
    "llm_calls": Sum("llm_calls"),
    "cache_hits": Sum("cache_hits"),
    "provider_errors": Sum("provider_errors"),
    "fallbacks": Sum("fallbacks"),
}
_ZERO = {name: Decimal(0) if name == "cost" else 0 for name in _SUMS}


def default_range() -> tuple[date, date]:
    """The last DEFAULT_RANGE_DAYS UTC days, today included."""
    end = datetime.now(UTC).date()
    return default_start(end), end


def range_problem(start: date, end: date) -> str | None:
    """Why start … end is not a range the dashboard and the API serve, or None. One rule for both."""
    if not (EARLIEST_DAY <= start <= LATEST_DAY and EARLIEST_DAY <= end <= LATEST_DAY):
        return f"Dates must be between {EARLIEST_DAY} and {LATEST_DAY}."
    if start > end:
        return "The start date is after the end date."
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        return f"The range is at most {MAX_RANGE_DAYS} days."
    return None


def default_start(end: date) -> date:
    """DEFAULT_RANGE_DAYS days ending on `end`, never before EARLIEST_DAY (an end before it is left for
    range_problem to report; subtracting from it could overflow date.min)."""
    return max(end - timedelta(days=DEFAULT_RANGE_DAYS - 1), EARLIEST_DAY) if end >= EARLIEST_DAY else end


def dashboard_data(*, start: date, end: date, workspace: Workspace | None = None) -> dict[str, Any]:
    """Every figure of the dashboard for the UTC days start … end (inclusive), for one workspace or all."""
    rollups = rollup_list(start=start, end=end, workspace=workspace)
    runs = finished_runs(day_bounds(start)[0], day_bounds(end)[1], workspace=workspace)
    per_day, computed_at = _sums_per_day(rollups)
    latency_by_day, latency_total = _latency(runs)
    return {
        "start": start,
        "end": end,
        "workspace": workspace.slug if workspace else None,
        "computed_at": computed_at,
        "totals": {**_rates(_total(per_day.values())), **latency_total},
        "daily": [
            {"day": day, **_rates(per_day.get(day, _ZERO)), **latency_by_day.get(day, _NO_LATENCY)}
            for day in (start + timedelta(days=n) for n in range((end - start).days + 1))
        ],
        "cost_by_agent": _cost_by(rollups, "agent"),
        "cost_by_workspace": _cost_by(rollups, "workspace")[:TOP_WORKSPACES],
        "top_errors": top_errors(runs),
        "ratings_by_version": ratings_by_version(runs),
    }


def dashboard_next_steps(*, workspace: Workspace | None = None) -> dict[str, Any]:
    """What an empty dashboard suggests doing next: whether the workspace (or any) has runs at all, how many have
    not finished yet (they count on the day they finish), the day the latest finished run ended, and whether a
    model provider other than the built-in ones is enabled (else agents answer with the offline model)."""
    runs = Run.objects.all() if workspace is None else Run.objects.filter(workspace=workspace)
    figures = runs.aggregate(
        runs=Count("id"), unfinished=Count("id", filter=Q(finished_at__isnull=True)), latest=Max("finished_at")
    )
    built_in = [ProviderKind.OFFLINE, ProviderKind.SCRIPTED]
    latest = figures["latest"]
    return {
        "runs": figures["runs"],
        "unfinished": figures["unfinished"],
        "latest_finished_day": latest.astimezone(UTC).date() if latest else None,
        "real_provider": Provider.objects.filter(enabled=True).exclude(kind__in=built_in).exists(),
    }


def rollup_list(*, start: date, end: date, workspace: Workspace | None = None) -> QuerySet[DailyRollup]:
    rollups = DailyRollup.objects.filter(day__gte=start, day__lte=end)
    return rollups.filter(workspace=workspace) if workspace is not None else rollups


def top_errors(runs: QuerySet[Run]) -> list[dict[str, Any]]:
    """The most frequent error codes of the given runs, most frequent first (ties by code)."""
    rows = runs.exclude(error_code="").values("error_code").annotate(count=Count("id"))
    ordered = rows.order_by("-count", "error_code")[:TOP_ERRORS]
    return [{"code": row["error_code"], "count": row["count"]} for row in ordered]


def ratings_by_version(runs: QuerySet[Run]) -> list[dict[str, Any]]:
    """Thumbs up and down on the given runs' outputs, per agent version (the versions with any), by agent then
    version: how people rate what each version returns."""
    rows = (
        RunFeedback.objects.filter(run__in=runs)
        .values("run__agent_version__agent__slug", "run__agent_version__number")
        .annotate(up=Count("id", filter=Q(rating=Rating.UP)), down=Count("id", filter=Q(rating=Rating.DOWN)))
        .order_by("run__agent_version__agent__slug", "run__agent_version__number")
    )
    return [
        {
            "agent": row["run__agent_version__agent__slug"],
            "version": row["run__agent_version__number"],
            "up": row["up"],
            "down": row["down"],
        }
        for row in rows
    ]


# --- Helpers -------------------------------------------------------------------------------------------

_NO_LATENCY = dict.fromkeys(
    ["duration_p50_ms", "duration_p95_ms", "duration_p99_ms", "queue_wait_p50_ms", "queue_wait_p95_ms"]
)


def _sums_per_day(rollups: QuerySet[DailyRollup]) -> tuple[dict[date, dict[str, Any]], datetime | None]:
    """One grouped query: the additive figures per day, and when the newest of those rollups was computed."""
    # The ORM's row type leaves out the keys that come from **_SUMS: plain dicts, as they are at run time.
    rows = cast(list[dict[str, Any]], list(rollups.values("day").annotate(**_SUMS, computed_at=Max("computed_at"))))
    computed_at = max((row.pop("computed_at") for row in rows), default=None)
    return {row.pop("day"): row for row in rows}, computed_at


def _rates(sums: dict[str, Any]) -> dict[str, Any]:
    """Sums with None (no rollup) read as 0, plus the rates recomputed from them."""
    clean: dict[str, Any] = {name: sums.get(name) or _ZERO[name] for name in _SUMS}
    return {
        **clean,
        "success_rate": ratio(clean["succeeded"], clean["runs"]),
        "cache_hit_rate": ratio(clean["cache_hits"], clean["llm_calls"]),
    }


def _total(rows: Any) -> dict[str, Any]:
    totals = dict(_ZERO)
    for row in rows:
        for name in _SUMS:
            totals[name] += row[name] or 0
    return totals


def _percentiles(durations: list[int], waits: list[int]) -> dict[str, int | None]:
    return {
        "duration_p50_ms": percentile(durations, 50),
        "duration_p95_ms": percentile(durations, 95),
        "duration_p99_ms": percentile(durations, 99),
        "queue_wait_p50_ms": percentile(waits, 50),
        "queue_wait_p95_ms": percentile(waits, 95),
    }


def _latency(runs: QuerySet[Run]) -> tuple[dict[date, dict[str, int | None]], dict[str, int | None]]:
    """Duration and queue-wait percentiles per UTC day of finishing, and over the whole range, from the runs."""
    durations: dict[date, list[int]] = defaultdict(list)
    waits: dict[date, list[int]] = defaultdict(list)
    timestamps = runs.order_by().values_list("created_at", "started_at", "finished_at", "waited")
    for created, started, finished, waited in timestamps.iterator(chunk_size=5000):
        assert finished is not None  # finished_runs(): finished_at is in the range
        day = finished.astimezone(UTC).date()
        if (duration := elapsed_ms(started, finished, less=waited)) is not None:
            durations[day].append(duration)
        if (wait := elapsed_ms(created, started)) is not None:
            waits[day].append(wait)
    by_day = {day: _percentiles(durations[day], waits[day]) for day in durations.keys() | waits.keys()}
    everything = _percentiles(
        [d for values in durations.values() for d in values], [w for values in waits.values() for w in values]
    )
    return by_day, everything


def _cost_by(rollups: QuerySet[DailyRollup], dimension: str) -> list[dict[str, Any]]:
    """Runs and cost per agent or per workspace, most expensive first (ties by slug)."""
    rows = rollups.values(f"{dimension}__slug", f"{dimension}__name")
    rows = rows.annotate(runs=Sum("runs_total"), cost=Sum("cost")).order_by("-cost", f"{dimension}__slug")
    slug, name = f"{dimension}__slug", f"{dimension}__name"
    return [{dimension: row[slug], "name": row[name], "runs": row["runs"], "cost": row["cost"]} for row in rows]
