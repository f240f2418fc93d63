"""Scrape-time gauges that only the agents app can read, added to /metrics by AgentsConfig.ready.

- ``raptorflow_runs_queued`` and ``raptorflow_runs_queued_oldest_age_seconds``: runs in the database still
  waiting for a worker. The broker's queue depth (raptorflow_queue_depth) counts messages; this counts runs,
  so it also sees a run whose message was lost (the sweeper re-sends it) and says how long the oldest waited.
- ``raptorflow_workspace_budget_used_ratio``: per workspace with a budget and spend this UTC month, what the
  budget check sees (settled spend plus the worst cases of calls in flight) over the monthly budget. One
  series per workspace that spent this month: the label is the workspace's slug, which staff create.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from django.db.models import Count, F, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from raptorflow.metrics import register_scrape_source

from .choices import RunStatus
from .models import Run, WorkspaceSpend
from .selectors import month_start


def run_queue_families() -> Iterator[Metric]:
    row = Run.objects.filter(status=RunStatus.QUEUED).aggregate(count=Count("id"), oldest=Min("created_at"))
    yield GaugeMetricFamily("raptorflow_runs_queued", "Runs waiting for a worker (status queued).", value=row["count"])
    oldest = row["oldest"]
    yield GaugeMetricFamily(
        "raptorflow_runs_queued_oldest_age_seconds",
        "Seconds since the oldest queued run was created (0: none is queued).",
        value=max(0.0, time.time() - oldest.timestamp()) if oldest is not None else 0.0,
    )


def budget_families() -> Iterator[Metric]:
    family = GaugeMetricFamily(
        "raptorflow_workspace_budget_used_ratio",
        "This UTC month's spend plus in-flight reservations over the workspace's monthly budget.",
        labels=["workspace"],
    )
    rows = (
        WorkspaceSpend.objects.filter(month=month_start(timezone.now()), workspace__monthly_budget__gt=0)
        .annotate(used=F("amount") + F("reserved"))
        .values_list("workspace__slug", "used", "workspace__monthly_budget")
    )
    for slug, used, budget in rows:
        family.add_metric([slug], float(used / budget))
    yield family


def register() -> None:
    register_scrape_source("runs", run_queue_families)
    register_scrape_source("budgets", budget_families)
