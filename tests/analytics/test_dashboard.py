"""The admin analytics dashboard draws its charts in a real browser: under the CSP, from our own files only."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agents.choices import RunStatus, StepKind, StepStatus
from agents.models import Run
from analytics.services import rollup_recent
from tests.factories import AgentVersionFactory, RunFactory, RunStepFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ["chart-runs", "chart-latency", "chart-cost-agent", "chart-cost-workspace", "chart-cache", "chart-errors"]
CHARTS += ["chart-tokens"]


def _runs() -> None:
    """A few days of runs for two agents in two workspaces, some failed, some LLM calls from the cache."""
    midnight = timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    workspaces = [WorkspaceFactory(name="Acme"), WorkspaceFactory(name="Globex")]
    versions = [AgentVersionFactory(agent__slug="icp_architect"), AgentVersionFactory(agent__slug="market_sizer")]
    for n in range(24):
        failed = n % 5 == 0
        run = RunFactory(
            workspace=workspaces[n % 2],
            agent_version=versions[n % 3 % 2],
            status=RunStatus.FAILED if failed else RunStatus.SUCCEEDED,
            error_code=("provider_error", "timeout")[n % 2] if failed else "",
            cost=Decimal("0.05") * (n % 4 + 1),
        )
        finished = midnight - timedelta(days=n % 2) + timedelta(minutes=30 + n)  # today or yesterday, whenever now is
        started = finished - timedelta(seconds=2 + n)
        Run.objects.filter(pk=run.pk).update(
            created_at=started - timedelta(milliseconds=200), started_at=started, finished_at=finished
        )
        RunStepFactory(run=run, sequence=1, kind=StepKind.LLM, status=StepStatus.SUCCEEDED, cache_hit=n % 3 == 0)
    rollup_recent(days=2)


def test_the_dashboard_draws_every_chart_under_the_csp(signed_in_page):
    _runs()
    page = signed_in_page
    page.goto("/admin/analytics/dashboard/")
    page.page.wait_for_selector("body[data-charts-ready='true']", timeout=20_000)
    for chart in CHARTS:
        page.page.wait_for_selector(f"#{chart}", state="visible")
        assert page.page.evaluate(f"!!window.Chart.getChart('{chart}')"), f"{chart} was not drawn"
    runs = page.page.evaluate("window.Chart.getChart('chart-runs').data.datasets[0].data")
    assert sum(runs) == 24 and runs[-2:] == [12, 12]  # the last two days of the 30
    page.screenshot("admin-dashboard")
    page.assert_clean()


def test_the_empty_dashboard_says_so(signed_in_page):
    page = signed_in_page
    page.goto("/admin/analytics/dashboard/")
    assert page.page.locator("text=No runs yet.").is_visible()
    for link in ("Agents", "API docs", "add an LLM provider"):  # what to do next, each a link in view
        assert page.page.locator("#next-steps a", has_text=link).is_visible(), link
    assert page.page.locator("canvas").count() == 0
    page.screenshot("admin-dashboard-empty")
    page.assert_clean()
