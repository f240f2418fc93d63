"""Model layer v2, analytics: the daily rollups sum the runs' prompt-cache tokens (read and written), and the
analytics API, the staff dashboard and a workspace's export show them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.forms.models import model_to_dict

from agents.choices import RunStatus
from agents.models import Run
from analytics.models import DailyRollup
from analytics.selectors import dashboard_data
from analytics.services import rollup_day
from raptorflow.accounts.rights import workspace_export
from tests.factories import AgentVersionFactory, RunFactory

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 10)
NOON = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def _run(workspace, version, *, finished: datetime, status: str = RunStatus.SUCCEEDED, **tokens: int) -> Run:
    run = RunFactory(workspace=workspace, agent_version=version, status=status, **tokens)
    Run.objects.filter(pk=run.pk).update(
        created_at=finished - timedelta(seconds=2), started_at=finished - timedelta(seconds=1), finished_at=finished
    )
    return run


@pytest.fixture
def icp():
    return AgentVersionFactory(agent__slug="icp_architect")


@pytest.fixture
def cached_runs(workspace, other_workspace, icp):
    """On DAY in `workspace`: two icp runs with cache tokens, one market run; the day after one more icp run;
    in another workspace one icp run on DAY; and one icp run still going (it counts nowhere)."""
    market = AgentVersionFactory(agent__slug="market_sizer")
    tokens = {"tokens_in": 1_000, "tokens_out": 100}
    _run(workspace, icp, finished=NOON, cached_tokens_in=600, cache_write_tokens=200, **tokens)
    _run(workspace, icp, finished=NOON, status=RunStatus.FAILED, cached_tokens_in=300, cache_write_tokens=0, **tokens)
    _run(workspace, market, finished=NOON, cached_tokens_in=0, cache_write_tokens=900, **tokens)
    _run(workspace, icp, finished=NOON + timedelta(days=1), cached_tokens_in=50, cache_write_tokens=5, **tokens)
    _run(other_workspace, icp, finished=NOON, cached_tokens_in=7_000, cache_write_tokens=7_000, **tokens)
    RunFactory(workspace=workspace, agent_version=icp, status=RunStatus.RUNNING, cached_tokens_in=99_999)


def _cache_tokens(rollup: DailyRollup) -> tuple[int, int, int]:
    return rollup.tokens_in, rollup.cached_tokens_in, rollup.cache_write_tokens


def test_a_days_rollup_sums_cached_and_cache_write_tokens_per_workspace_and_agent(
    workspace, other_workspace, icp, cached_runs
):
    assert rollup_day(DAY) == 3

    rows = {(r.workspace_id, r.agent.slug): r for r in DailyRollup.objects.select_related("agent")}
    assert _cache_tokens(rows[(workspace.pk, "icp_architect")]) == (2_000, 900, 200)  # failed runs count too
    assert _cache_tokens(rows[(workspace.pk, "market_sizer")]) == (1_000, 0, 900)
    assert _cache_tokens(rows[(other_workspace.pk, "icp_architect")]) == (1_000, 7_000, 7_000)


def test_rerolling_a_day_keeps_its_cache_token_sums(workspace, cached_runs):
    rollup_day(DAY)
    first = {row.pk: model_to_dict(row, exclude=["id", "computed_at"]) for row in DailyRollup.objects.all()}
    Run.objects.filter(workspace=workspace, cached_tokens_in=600).update(cached_tokens_in=610)

    rollup_day(DAY)

    again = {row.pk: model_to_dict(row, exclude=["id", "computed_at"]) for row in DailyRollup.objects.all()}
    assert set(again) == set(first)  # the same rows, updated in place
    changed = {pk for pk in first if first[pk] != again[pk]}
    assert [(again[pk]["cached_tokens_in"], first[pk]["cached_tokens_in"]) for pk in changed] == [(910, 900)]


def test_the_dashboard_figures_sum_cache_tokens_per_day_and_in_total(workspace, cached_runs):
    rollup_day(DAY)
    rollup_day(DAY + timedelta(days=1))

    data = dashboard_data(start=DAY, end=DAY + timedelta(days=1), workspace=workspace)

    assert [(d["cached_tokens_in"], d["cache_write_tokens"]) for d in data["daily"]] == [(900, 1_100), (50, 5)]
    assert (data["totals"]["cached_tokens_in"], data["totals"]["cache_write_tokens"]) == (950, 1_105)
    everyone = dashboard_data(start=DAY, end=DAY)
    assert (everyone["totals"]["cached_tokens_in"], everyone["totals"]["cache_write_tokens"]) == (7_900, 8_100)


def test_the_analytics_api_gives_members_their_workspaces_cache_tokens(client, member, workspace, cached_runs):
    rollup_day(DAY)
    rollup_day(DAY + timedelta(days=1))
    client.force_login(member)

    body = client.get("/api/v1/analytics", {"start": "2025-03-09", "end": "2025-03-11"}).json()

    assert [(d["cached_tokens_in"], d["cache_write_tokens"]) for d in body["daily"]] == [(0, 0), (900, 1_100), (50, 5)]
    assert (body["totals"]["cached_tokens_in"], body["totals"]["cache_write_tokens"]) == (950, 1_105)
    assert body["totals"]["tokens_in"] == 4_000  # all input, the cached and cache-write parts included


def test_a_stranger_never_sees_another_workspaces_cache_tokens(client, stranger, cached_runs):
    rollup_day(DAY)
    client.force_login(stranger)

    body = client.get("/api/v1/analytics", {"start": "2025-03-10", "end": "2025-03-10"}).json()

    assert (body["totals"]["cached_tokens_in"], body["totals"]["cache_write_tokens"]) == (7_000, 7_000)


def test_the_dashboard_shows_cached_and_cache_write_tokens(admin_client, workspace, cached_runs):
    rollup_day(DAY)

    html = admin_client.get(
        "/admin/analytics/dashboard/", {"start": "2025-03-10", "end": "2025-03-10", "workspace": workspace.slug}
    ).content.decode()

    assert "Cached input / cache writes" in html and '<dd id="totals-cache-tokens">900 / 1100</dd>' in html
    assert '<canvas id="chart-tokens"' in html
    carried = json.loads(html.split('<script id="analytics-data" type="application/json">')[1].split("</script>")[0])
    assert (carried["daily"][0]["cached_tokens_in"], carried["daily"][0]["cache_write_tokens"]) == (900, 1_100)


def test_the_rollup_list_shows_cache_tokens(admin_client, cached_runs):
    rollup_day(DAY)

    html = admin_client.get("/admin/analytics/dailyrollup/").content.decode()

    assert "Cached tokens in" in html and "Cache write tokens" in html
    assert '<td class="field-cached_tokens_in">7000</td>' in html


def test_a_workspaces_export_holds_its_rollups_cache_tokens(workspace, cached_runs, system_actor):
    rollup_day(DAY)

    rollups = workspace_export(workspace=workspace, actor=system_actor)["daily_rollups"]

    assert sorted((r["agent"], r["cached_tokens_in"], r["cache_write_tokens"]) for r in rollups) == [
        ("icp_architect", 900, 200),
        ("market_sizer", 0, 900),
    ]
