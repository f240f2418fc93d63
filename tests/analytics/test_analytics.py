"""Analytics: daily rollups from known runs (every figure, worked by hand), the staff dashboard and the API.

Definitions under test (analytics/services.py): a run counts on the UTC day it finished; percentiles are
nearest-rank (rank = ceil(p × n / 100)); a fallback is a succeeded LLM step directly preceded by a failed
LLM step of the same run.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agents.choices import RunStatus, StepKind, StepStatus
from agents.evals.choices import Rating
from agents.models import Run, RunFeedback
from analytics.models import DailyRollup
from analytics.selectors import dashboard_data
from analytics.services import count_fallbacks, percentile, rollup_day, rollup_recent
from analytics.tasks import rollup_recent_task
from raptorflow.accounts.choices import Role
from raptorflow.accounts.services import apikey_create
from raptorflow.llm.choices import ProviderKind
from tests.factories import (
    AgentVersionFactory,
    MembershipFactory,
    ProviderFactory,
    RunFactory,
    RunStepFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 10)
NOON = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
DASHBOARD = "/admin/analytics/dashboard/"
API = "/api/v1/analytics"


def make_run(
    workspace,
    version,
    *,
    status: str = RunStatus.SUCCEEDED,
    created: datetime,
    wait_ms: int | None,
    duration_ms: int | None,
    **fields: Any,
) -> Run:
    """A run with exact timestamps: created_at is auto_now_add, so the times are set with update()."""
    run = RunFactory(workspace=workspace, agent_version=version, status=status, **fields)
    started = created + timedelta(milliseconds=wait_ms) if wait_ms is not None else None
    finished = (started or created) + timedelta(milliseconds=duration_ms or 0) if duration_ms is not None else None
    Run.objects.filter(pk=run.pk).update(created_at=created, started_at=started, finished_at=finished)
    run.refresh_from_db()
    return run


def llm_steps(run: Run, *steps: tuple[str, str, bool]) -> None:
    """Steps in sequence order as (kind, status, cache_hit)."""
    for sequence, (kind, status, cache_hit) in enumerate(steps, start=1):
        RunStepFactory(run=run, sequence=sequence, kind=kind, status=status, cache_hit=cache_hit)


def figures(row: DailyRollup) -> dict[str, Any]:
    return model_to_dict(row, exclude=["id", "computed_at"])


def status_for(i: int) -> tuple[str, str]:
    """Runs 1–80 succeed, 81–90 fail, 91–95 time out, 96–98 go over budget, 99–100 are cancelled."""
    if i <= 80:
        return RunStatus.SUCCEEDED, ""
    if i <= 90:
        return RunStatus.FAILED, "provider_error"
    if i <= 95:
        return RunStatus.TIMED_OUT, "timeout"
    if i <= 98:
        return RunStatus.BUDGET_EXCEEDED, "budget_exceeded"
    return RunStatus.CANCELLED, "cancelled"


OK, FAIL, LLM, SKILL = StepStatus.SUCCEEDED, StepStatus.FAILED, StepKind.LLM, StepKind.SKILL
STEPS = {  # run number → its steps; hand-worked: 13 LLM calls, 2 cache hits, 6 provider errors, 3 fallbacks
    1: [(LLM, OK, True)],
    2: [(LLM, FAIL, False), (LLM, OK, False)],  # one fallback
    3: [(LLM, FAIL, False), (LLM, FAIL, False), (LLM, OK, False)],  # two errors, one fallback
    4: [(LLM, OK, False), (SKILL, OK, False), (LLM, OK, True)],  # the skill step is no LLM call
    5: [(LLM, FAIL, False)],  # an error with nothing after it
    6: [(LLM, OK, False), (LLM, FAIL, False)],  # success then failure: no fallback
    7: [(LLM, FAIL, False), (SKILL, FAIL, False), (LLM, OK, False)],  # the previous *LLM* step failed: a fallback
}


@pytest.fixture
def version():
    return AgentVersionFactory(agent__slug="icp_architect", agent__name="ICP architect")


@pytest.fixture
def hundred_runs(workspace, version):
    """Run i (1…100) finishes on DAY: queue wait (101 − i) × 10 ms, duration i s, i × 10 tokens in (of which
    i × 4 read from a prompt cache and i × 2 written to it), i out, cost i × 0.001. Durations are 1 … 100 s
    and waits 10 … 1000 ms, so the percentiles are easy to read."""
    runs = {}
    for i in range(1, 101):
        status, error = status_for(i)
        created = NOON - timedelta(hours=2) + timedelta(seconds=i)
        runs[i] = make_run(
            workspace, version, status=status, error_code=error, created=created, wait_ms=(101 - i) * 10,
            duration_ms=i * 1000, tokens_in=i * 10, tokens_out=i, cost=Decimal("0.001") * i,
            cached_tokens_in=i * 4, cache_write_tokens=i * 2,
        )  # fmt: skip
    for i, steps in STEPS.items():
        llm_steps(runs[i], *steps)
    return runs


EXPECTED = {
    "runs_total": 100,
    "runs_by_status": {"succeeded": 80, "failed": 10, "timed_out": 5, "budget_exceeded": 3, "cancelled": 2},
    "success_rate": 0.8,
    "duration_p50_ms": 50_000,  # rank ceil(50 × 100 / 100) = 50 → 50 s
    "duration_p95_ms": 95_000,
    "duration_p99_ms": 99_000,
    "queue_wait_p50_ms": 500,  # waits 10 … 1000 ms: rank 50 → 500 ms
    "queue_wait_p95_ms": 950,
    "tokens_in": 50_500,  # 10 × (1 + … + 100)
    "tokens_out": 5_050,
    "cached_tokens_in": 20_200,  # 4 × 5050
    "cache_write_tokens": 10_100,  # 2 × 5050
    "cost": Decimal("5.050000"),
    "llm_calls": 13,
    "cache_hits": 2,
    "cache_hit_rate": 2 / 13,
    "provider_errors": 6,
    "fallbacks": 3,
}


# --- Definitions ---------------------------------------------------------------------------------------


def test_percentiles_are_nearest_rank():
    assert [percentile(range(1, 101), p) for p in (50, 95, 99, 100)] == [50, 95, 99, 100]
    assert [percentile([15, 20, 35, 40, 50], p) for p in (5, 30, 40, 50, 100)] == [15, 20, 20, 35, 50]
    assert percentile(list(range(1, 101)), 7) == 7  # 0.07 × 100 in floating point would give rank 8
    assert percentile([42], 99) == 42
    assert percentile([], 50) is None


def test_a_fallback_is_a_success_right_after_a_failure():
    assert count_fallbacks([FAIL, OK]) == 1
    assert count_fallbacks([FAIL, FAIL, OK]) == 1
    assert count_fallbacks([OK, FAIL]) == 0
    assert count_fallbacks([FAIL, OK, FAIL, OK]) == 2
    assert count_fallbacks([]) == 0


# --- Rollups -------------------------------------------------------------------------------------------


def test_rollup_computes_every_figure_from_known_runs(workspace, version, hundred_runs):
    assert rollup_day(DAY) == 1
    row = DailyRollup.objects.get()
    assert figures(row) == {"day": DAY, "workspace": workspace.pk, "agent": version.agent_id, **EXPECTED}
    assert row.computed_at is not None


def test_rollup_keys_rows_by_workspace_agent_and_finishing_day(workspace, other_workspace, version):
    other_version = AgentVersionFactory(agent=version.agent)  # a second version counts with the same agent
    market = AgentVersionFactory(agent__slug="market_sizer")
    make_run(workspace, version, created=NOON, wait_ms=0, duration_ms=1000)
    make_run(workspace, other_version, created=NOON, wait_ms=0, duration_ms=3000)
    make_run(workspace, market, created=NOON, wait_ms=0, duration_ms=1000, status=RunStatus.FAILED)
    make_run(other_workspace, version, created=NOON, wait_ms=0, duration_ms=1000)
    make_run(workspace, version, created=NOON - timedelta(days=1), wait_ms=0, duration_ms=1000)  # yesterday
    make_run(workspace, version, created=NOON, wait_ms=0, duration_ms=None, status=RunStatus.RUNNING)  # unfinished
    make_run(workspace, version, created=NOON, wait_ms=None, duration_ms=0, status=RunStatus.CANCELLED)  # never ran

    assert rollup_day(DAY) == 3
    rows = {(r.workspace_id, r.agent.slug): r for r in DailyRollup.objects.select_related("agent")}
    icp = rows[(workspace.pk, "icp_architect")]
    assert (icp.runs_total, icp.runs_by_status["succeeded"], icp.runs_by_status["cancelled"]) == (3, 2, 1)
    assert icp.success_rate == pytest.approx(2 / 3)
    # The cancelled run never started: it has no duration, so the percentiles are over [1000, 3000].
    assert (icp.duration_p50_ms, icp.duration_p99_ms, icp.queue_wait_p95_ms) == (1000, 3000, 0)
    assert icp.cache_hit_rate is None and icp.llm_calls == 0  # no LLM calls: no rate rather than 0 %
    assert rows[(workspace.pk, "market_sizer")].success_rate == 0.0
    assert rows[(other_workspace.pk, "icp_architect")].runs_total == 1


def test_rerolling_a_day_gives_identical_rows(hundred_runs):
    rollup_day(DAY)
    first = {row.pk: figures(row) for row in DailyRollup.objects.all()}
    rollup_day(DAY)
    rollup_day(DAY)
    assert {row.pk: figures(row) for row in DailyRollup.objects.all()} == first  # same ids, same numbers


def test_a_run_finishing_late_changes_only_its_own_day(workspace, version):
    make_run(workspace, version, created=NOON, wait_ms=0, duration_ms=2000)
    late = make_run(
        workspace, version, status=RunStatus.RUNNING, created=NOON + timedelta(hours=11), wait_ms=1000, duration_ms=None
    )
    rollup_day(DAY)
    rollup_day(DAY + timedelta(days=1))
    before = figures(DailyRollup.objects.get(day=DAY))
    assert not DailyRollup.objects.filter(day=DAY + timedelta(days=1)).exists()

    # Started at 23:00:01 on DAY, finished at 00:30 the next day: it belongs to the next day.
    Run.objects.filter(pk=late.pk).update(
        status=RunStatus.SUCCEEDED, finished_at=datetime(2025, 3, 11, 0, 30, tzinfo=UTC), tokens_in=7
    )
    rollup_day(DAY)
    rollup_day(DAY + timedelta(days=1))

    assert figures(DailyRollup.objects.get(day=DAY)) == before
    next_day = DailyRollup.objects.get(day=DAY + timedelta(days=1))
    assert (next_day.runs_total, next_day.tokens_in, next_day.queue_wait_p50_ms) == (1, 7, 1000)
    assert next_day.duration_p50_ms == (5400 - 1) * 1000  # 23:00:01 → 00:30:00


def test_rerolling_drops_rows_whose_runs_are_gone(workspace, version):
    run = make_run(workspace, version, created=NOON, wait_ms=0, duration_ms=1000)
    rollup_day(DAY)
    run.delete()
    assert rollup_day(DAY) == 0
    assert not DailyRollup.objects.exists()


def test_rolling_one_workspace_leaves_the_others_alone(workspace, other_workspace, version):
    make_run(workspace, version, created=NOON, wait_ms=0, duration_ms=1000)
    stranger_run = make_run(other_workspace, version, created=NOON, wait_ms=0, duration_ms=1000)
    rollup_day(DAY)
    stranger_run.delete()
    assert rollup_day(DAY, workspace=workspace) == 1
    assert DailyRollup.objects.filter(workspace=other_workspace).count() == 1  # stale, but not ours to touch


def test_the_periodic_task_rolls_today_and_yesterday(workspace, version):
    now = timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for days_ago in (0, 1, 2):
        make_run(workspace, version, created=now - timedelta(days=days_ago), wait_ms=0, duration_ms=1000)
    assert rollup_recent_task() == 2
    today = now.date()
    assert sorted(DailyRollup.objects.values_list("day", flat=True)) == [today - timedelta(days=1), today]
    assert rollup_recent(days=3) == 3


def test_the_rollup_command_rolls_a_range(workspace, version, capsys):
    for offset in range(3):
        make_run(workspace, version, created=NOON + timedelta(days=offset), wait_ms=0, duration_ms=1000)
    call_command("rollup", "--from", "2025-03-10", "--to", "2025-03-11")
    assert "2 day(s) from 2025-03-10 to 2025-03-11: 2 row(s)" in capsys.readouterr().out
    assert sorted(DailyRollup.objects.values_list("day", flat=True)) == [DAY, DAY + timedelta(days=1)]
    call_command("rollup", "--from", "2025-03-12", "--to", "2025-03-12", "--workspace", workspace.slug)
    assert DailyRollup.objects.count() == 3
    with pytest.raises(CommandError, match="after"):
        call_command("rollup", "--from", "2025-03-12", "--to", "2025-03-10")
    with pytest.raises(CommandError, match="No workspace"):
        call_command("rollup", "--workspace", "nope")


# --- Dashboard figures ---------------------------------------------------------------------------------


@pytest.fixture
def two_agents(workspace, other_workspace, version):
    """DAY: icp runs of 1, 2, 3 s (one failed, 'timeout'); market runs of 10, 20 s. DAY+1: one stranger run."""
    market = AgentVersionFactory(agent__slug="market_sizer", agent__name="Market sizer")
    for seconds, status in ((1, RunStatus.SUCCEEDED), (2, RunStatus.SUCCEEDED), (3, RunStatus.TIMED_OUT)):
        error = "timeout" if status == RunStatus.TIMED_OUT else ""
        make_run(workspace, version, status=status, error_code=error, created=NOON, wait_ms=100,
                 duration_ms=seconds * 1000, cost=Decimal("0.10"))  # fmt: skip
    for seconds in (10, 20):
        run = make_run(workspace, market, created=NOON, wait_ms=300, duration_ms=seconds * 1000, cost=Decimal("1"))
        llm_steps(run, (LLM, OK, seconds == 10))
    make_run(other_workspace, market, created=NOON + timedelta(days=1), wait_ms=0, duration_ms=5000,
             status=RunStatus.FAILED, error_code="no_provider", cost=Decimal("3"))  # fmt: skip
    rollup_day(DAY)
    rollup_day(DAY + timedelta(days=1))


def test_dashboard_figures_combine_rollups_without_averaging_percentiles(workspace, other_workspace, two_agents):
    data = dashboard_data(start=DAY - timedelta(days=1), end=DAY + timedelta(days=1))
    assert [d["day"] for d in data["daily"]] == [DAY - timedelta(days=1), DAY, DAY + timedelta(days=1)]
    empty, day, next_day = data["daily"]
    assert (empty["runs"], empty["success_rate"], empty["duration_p50_ms"]) == (0, None, None)
    assert (day["runs"], day["succeeded"], day["success_rate"]) == (5, 4, 0.8)
    # One day's durations are 1, 2, 3, 10, 20 s: p50 is rank 3 → 3 s (the mean of the two agents' p50s
    # would be 6 s); p95 and p99 are rank 5 → 20 s.
    assert (day["duration_p50_ms"], day["duration_p95_ms"], day["duration_p99_ms"]) == (3000, 20000, 20000)
    assert (day["queue_wait_p50_ms"], day["queue_wait_p95_ms"]) == (100, 300)
    assert (day["llm_calls"], day["cache_hits"], day["cache_hit_rate"]) == (2, 1, 0.5)
    assert day["cost"] == Decimal("2.30")
    assert (next_day["runs"], next_day["success_rate"], next_day["duration_p50_ms"]) == (1, 0.0, 5000)
    totals = data["totals"]  # over the range the durations are 1, 2, 3, 5, 10, 20 s: p50 is rank 3 → 3 s
    assert (totals["runs"], totals["succeeded"], totals["cost"]) == (6, 4, Decimal("5.30"))
    assert (totals["duration_p50_ms"], totals["duration_p95_ms"], totals["success_rate"]) == (3000, 20000, 4 / 6)
    assert data["cost_by_agent"] == [
        {"agent": "market_sizer", "name": "Market sizer", "runs": 3, "cost": Decimal("5")},
        {"agent": "icp_architect", "name": "ICP architect", "runs": 3, "cost": Decimal("0.30")},
    ]
    assert [(w["workspace"], w["cost"]) for w in data["cost_by_workspace"]] == [
        (other_workspace.slug, Decimal("3")),
        (workspace.slug, Decimal("2.30")),
    ]
    assert data["top_errors"] == [{"code": "no_provider", "count": 1}, {"code": "timeout", "count": 1}]


def test_dashboard_figures_for_one_workspace_leave_the_others_out(workspace, two_agents):
    data = dashboard_data(start=DAY, end=DAY + timedelta(days=1), workspace=workspace)
    assert data["totals"]["runs"] == 5
    assert [w["workspace"] for w in data["cost_by_workspace"]] == [workspace.slug]
    assert data["top_errors"] == [{"code": "timeout", "count": 1}]
    assert data["daily"][1]["runs"] == 0


# --- Admin dashboard -----------------------------------------------------------------------------------


def payload(response) -> dict[str, Any]:
    """The figures the page hands to its charts: the json_script block, parsed from the HTML."""
    html = response.content.decode()
    match = re.search(r'<script id="analytics-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no analytics-data json_script block"
    return json.loads(match[1])


def test_the_dashboard_renders_the_series_for_staff(admin_client, workspace, two_agents):
    response = admin_client.get(DASHBOARD, {"start": "2025-03-09", "end": "2025-03-11"})
    assert response.status_code == 200
    html = response.content.decode()
    for canvas in ("runs", "latency", "cost-agent", "cost-workspace", "cache", "errors"):
        assert f'<canvas id="chart-{canvas}"' in html
    assert "/static/analytics/vendor/chartjs/chart.umd.min.js" in html
    assert "/static/analytics/dashboard.js" in html
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in scripts), "an inline script would break the CSP"
    data = payload(response)
    assert [d["day"] for d in data["daily"]] == ["2025-03-09", "2025-03-10", "2025-03-11"]
    assert [d["runs"] for d in data["daily"]] == [0, 5, 1]
    assert [d["succeeded"] for d in data["daily"]] == [0, 4, 0]
    assert [d["success_rate"] for d in data["daily"]] == [None, 0.8, 0.0]
    assert [d["duration_p95_ms"] for d in data["daily"]] == [None, 20000, 5000]
    assert [d["cache_hit_rate"] for d in data["daily"]] == [None, 0.5, None]
    costs = [(a["agent"], Decimal(a["cost"])) for a in data["cost_by_agent"]]
    assert costs == [("market_sizer", Decimal("5")), ("icp_architect", Decimal("0.30"))]
    assert data["top_errors"] == [{"code": "no_provider", "count": 1}, {"code": "timeout", "count": 1}]
    assert "No runs" not in html and 'id="next-steps"' not in html


def test_the_dashboard_filters_by_workspace(admin_client, other_workspace, two_agents):
    response = admin_client.get(
        DASHBOARD, {"start": "2025-03-09", "end": "2025-03-11", "workspace": other_workspace.slug}
    )
    data = payload(response)
    assert data["workspace"] == other_workspace.slug
    assert [d["runs"] for d in data["daily"]] == [0, 0, 1]


def test_the_dashboard_says_so_when_there_are_no_runs(admin_client):
    response = admin_client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No runs yet." in html
    assert "<canvas" not in html and "chart.umd.min.js" not in html
    data = payload(response)
    today = timezone.now().astimezone(UTC).date()
    assert (data["start"], data["end"]) == (str(today - timedelta(days=29)), str(today))  # the last 30 days
    assert len(data["daily"]) == 30 and {d["runs"] for d in data["daily"]} == {0}


def next_steps(response) -> tuple[str, list[str]]:
    """The empty dashboard's next-steps block: its text, and the links it offers."""
    html = response.content.decode()
    match = re.search(r'<div class="analytics-next-steps" id="next-steps">(.*?)</div>', html, re.S)
    assert match, "no next-steps block"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match[1]))
    return text, [unescape(url) for url in re.findall(r'href="([^"]+)"', match[1])]


def test_a_fresh_install_says_how_to_start_a_first_run_and_every_link_works(admin_client):
    text, links = next_steps(admin_client.get(DASHBOARD))
    assert "No runs yet." in text and "POST /api/v1/runs" in text and "manage.py run_agent" in text
    assert links == [
        reverse("admin:agents_agent_changelist"),
        reverse("api:docs", kwargs={"version": "v1"}),
        reverse("admin:llm_provider_add"),  # only the built-in offline model answers so far
    ]
    assert [admin_client.get(url).status_code for url in links] == [200, 200, 200]


def test_with_a_real_provider_the_empty_dashboard_no_longer_asks_for_one(admin_client):
    ProviderFactory(name="openai", kind=ProviderKind.OPENAI_COMPATIBLE, base_url="https://api.openai.com/v1")
    text, links = next_steps(admin_client.get(DASHBOARD))
    assert "No runs yet." in text and reverse("admin:llm_provider_add") not in links


def test_a_workspace_without_runs_is_named_in_the_empty_state(admin_client, workspace, other_workspace, version):
    make_run(other_workspace, version, created=NOON, wait_ms=0, duration_ms=1000)
    text, _ = next_steps(admin_client.get(DASHBOARD, {"workspace": workspace.slug}))
    assert f"No runs yet in workspace {workspace.slug}." in text


def test_an_empty_period_links_to_the_days_of_the_latest_run(admin_client, workspace, version):
    make_run(workspace, version, created=NOON, wait_ms=0, duration_ms=1000)  # finished on DAY, long ago
    rollup_day(DAY)
    text, links = next_steps(admin_client.get(DASHBOARD))  # the last 30 days: nothing in them
    assert "No runs finished in this period." in text and "The latest run finished on 2025-03-10" in text
    assert links[0] == "?start=2025-02-09&end=2025-03-10"
    following = admin_client.get(DASHBOARD + links[0])
    assert "next-steps" not in following.content.decode()
    assert payload(following)["totals"]["runs"] == 1
    # For one workspace the link keeps the workspace.
    _, links = next_steps(admin_client.get(DASHBOARD, {"workspace": workspace.slug}))
    assert links[0] == f"?start=2025-02-09&end=2025-03-10&workspace={workspace.slug}"


def test_unfinished_runs_are_explained_and_linked(admin_client, workspace, version):
    queued = make_run(workspace, version, status=RunStatus.QUEUED, created=NOON, wait_ms=None, duration_ms=None)
    text, links = next_steps(admin_client.get(DASHBOARD))
    assert "1 run has not finished yet" in text and "The latest run finished" not in text
    runs_link = next(url for url in links if url.startswith(reverse("admin:agents_run_changelist")))
    response = admin_client.get(runs_link)
    assert response.status_code == 200 and str(queued.pk) in response.content.decode()


def test_a_period_without_ratings_says_how_to_rate(admin_client, workspace, two_agents):
    response = admin_client.get(DASHBOARD, {"start": "2025-03-09", "end": "2025-03-11"})
    html = response.content.decode()
    assert 'id="no-ratings"' in html and "POST /api/v1/runs/{id}/feedback" in html
    assert f'href="{reverse("admin:agents_run_changelist")}"' in html
    run = Run.objects.filter(workspace=workspace).first()
    RunFeedback.objects.create(run=run, user=UserFactory(), rating=Rating.UP)
    response = admin_client.get(DASHBOARD, {"start": "2025-03-09", "end": "2025-03-11"})
    assert 'id="no-ratings"' not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2025-03-10", "end": "2025-03-01"}, "after the end"),
        ({"start": "2024-01-01", "end": "2025-03-01"}, "at most 366"),
        ({"end": "0001-01-05"}, "between 1970-01-01"),
    ],
)
def test_the_dashboard_reports_a_bad_range(admin_client, query, message):
    response = admin_client.get(DASHBOARD, query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="analytics-data"' not in response.content.decode()


def test_the_dashboard_is_refused_to_people_who_are_not_staff(client, member):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(member)
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_dashboard_needs_permission_to_view_rollups(client):
    client.force_login(UserFactory(username="helpdesk", is_staff=True))
    assert client.get(DASHBOARD).status_code == 403


def test_the_rollup_list_links_to_the_dashboard(admin_client):
    response = admin_client.get(reverse("admin:analytics_dailyrollup_changelist"))
    assert f'href="{DASHBOARD}"' in response.content.decode()
    assert reverse("admin:analytics_dashboard") == DASHBOARD


# --- API -----------------------------------------------------------------------------------------------


@pytest.fixture
def api(client):
    def _as(user, **params: str):
        client.force_login(user)
        return client.get(API, {"start": "2025-03-09", "end": "2025-03-11", **params})

    return _as


@pytest.mark.parametrize("persona", ["owner", "member", "viewer"])
def test_members_read_their_workspaces_figures(api, request, workspace, two_agents, persona):
    response = api(request.getfixturevalue(persona))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["workspace"] == workspace.slug
    assert [d["runs"] for d in body["daily"]] == [0, 5, 0]
    assert body["daily"][1]["duration_p50_ms"] == 3000
    assert body["daily"][1]["success_rate"] == 0.8
    assert Decimal(body["totals"]["cost"]) == Decimal("2.30")
    assert [w["workspace"] for w in body["cost_by_workspace"]] == [workspace.slug]
    assert body["top_errors"] == [{"code": "timeout", "count": 1}]


def test_a_stranger_sees_only_their_own_workspace(api, stranger, workspace, other_workspace, two_agents):
    body = api(stranger).json()
    assert body["workspace"] == other_workspace.slug
    assert [d["runs"] for d in body["daily"]] == [0, 0, 1]
    assert workspace.slug not in json.dumps(body) and "timeout" not in json.dumps(body)
    assert api(stranger, workspace=workspace.slug).status_code == 404


def test_the_api_refuses_anonymous_callers(client):
    assert client.get(API).status_code in (401, 403)


def test_the_api_defaults_to_the_last_30_days(client, viewer):
    client.force_login(viewer)
    body = client.get(API).json()
    today = timezone.now().astimezone(UTC).date()
    assert (body["start"], body["end"], len(body["daily"])) == (str(today - timedelta(days=29)), str(today), 30)


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2025-03-10", "end": "2025-03-01"},  # backwards
        {"start": "2024-01-01", "end": "2025-03-01"},  # over 366 days
        {"start": "0001-01-01", "end": "0001-01-05"},  # day arithmetic would overflow
        {"start": "9999-12-31", "end": "9999-12-31"},
    ],
)
def test_the_api_refuses_a_range_it_does_not_serve_with_a_422(api, viewer, params):
    response = api(viewer, **params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_range"


def test_a_date_that_is_not_one_is_a_400(api, viewer):
    response = api(viewer, end="x")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_input")


def test_a_person_in_several_workspaces_names_one(api, viewer, other_workspace, two_agents):
    MembershipFactory(user=viewer, workspace=other_workspace, role=Role.VIEWER)
    assert api(viewer).status_code == 400  # which one? (workspace_required)
    body = api(viewer, workspace=other_workspace.slug).json()
    assert [d["runs"] for d in body["daily"]] == [0, 0, 1]


def test_an_api_key_reads_its_own_workspace_only(client, workspace, other_workspace, system_actor, two_agents):
    _key, plaintext = apikey_create(workspace=workspace, name="bi", scopes=["workspace:read"], actor=system_actor)
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {plaintext}"}
    response = client.get(API, {"start": "2025-03-09", "end": "2025-03-11"}, **auth)
    assert [d["runs"] for d in response.json()["daily"]] == [0, 5, 0]
    assert client.get(API, {"workspace": other_workspace.slug}, **auth).status_code == 404
    _key, runs_only = apikey_create(workspace=workspace, name="runs", scopes=["runs:read"], actor=system_actor)
    assert client.get(API, HTTP_AUTHORIZATION=f"Api-Key {runs_only}").status_code == 403


def test_the_api_makes_as_many_queries_whatever_the_data(client, viewer, workspace, version):
    def queries() -> int:
        client.force_login(viewer)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API, {"start": "2025-03-01", "end": "2025-03-31"}).status_code == 200
        return len(captured.captured_queries)

    empty = queries()
    for n in range(5):
        market = AgentVersionFactory(agent__slug=f"agent-{n}")
        make_run(workspace, market, created=NOON + timedelta(days=n), wait_ms=0, duration_ms=1000, error_code=f"e{n}")
    for n in range(5):
        rollup_day(DAY + timedelta(days=n))
    assert queries() == empty


# --- today, before the periodic rollup ---------------------------------------------------------------------------


def test_todays_runs_show_before_the_periodic_rollup_has_run(client, viewer, admin_client, workspace, version):
    """A fresh install: runs finished seconds ago, no rollup yet. The dashboard and the API roll today up on demand
    (at most once a minute), so neither says "no runs"; a range that ends before today rolls nothing."""
    now = timezone.now()
    make_run(workspace, version, created=now - timedelta(seconds=5), wait_ms=100, duration_ms=2000)
    assert not DailyRollup.objects.exists()
    client.force_login(viewer)
    yesterday = (now.astimezone(UTC) - timedelta(days=1)).date().isoformat()
    assert client.get(API, {"start": yesterday, "end": yesterday}).status_code == 200
    assert not DailyRollup.objects.exists()  # the range did not include today
    body = client.get(API).json()
    assert (body["totals"]["runs"], body["daily"][-1]["runs"]) == (1, 1)
    html = admin_client.get(DASHBOARD).content.decode()
    assert "No runs" not in html and 'id="next-steps"' not in html
    # Within the minute, another finished run waits for the next refresh (or the periodic rollup).
    make_run(workspace, version, created=now - timedelta(seconds=4), wait_ms=100, duration_ms=2000)
    assert client.get(API).json()["totals"]["runs"] == 1


def test_a_runs_duration_leaves_out_the_time_it_waited_for_a_person(workspace, version):
    """42 s from start to finish, 40 of them waiting for an approver: the run ran for 2 s."""
    make_run(workspace, version, created=NOON, wait_ms=500, duration_ms=42_000, waited=timedelta(seconds=40))
    make_run(workspace, version, created=NOON, wait_ms=500, duration_ms=3_000)
    rollup_day(DAY)
    assert DailyRollup.objects.get().duration_p95_ms == 3_000  # not 42,000
    data = dashboard_data(start=DAY, end=DAY, workspace=workspace)
    assert (data["totals"]["duration_p50_ms"], data["totals"]["duration_p95_ms"]) == (2_000, 3_000)


def test_ratings_show_per_agent_version(api, admin_client, viewer, owner, member, workspace, version):
    """Thumbs on the period's runs, counted per version; a rating on a run outside the period does not count."""
    rated = make_run(workspace, version, created=NOON, wait_ms=0, duration_ms=1000)
    other = make_run(workspace, version, created=NOON - timedelta(days=5), wait_ms=0, duration_ms=1000)
    RunFeedback.objects.create(run=rated, user=owner, rating="up")
    RunFeedback.objects.create(run=rated, user=member, rating="down", comment="numbers off")
    RunFeedback.objects.create(run=other, user=owner, rating="down")
    rollup_day(DAY)
    html = admin_client.get(DASHBOARD, {"start": "2025-03-09", "end": "2025-03-11"}).content.decode()
    assert "Ratings per agent version" in html and f"<td>v{version.number}</td><td>1</td><td>1</td>" in html
    expected = [{"agent": version.agent.slug, "version": version.number, "up": 1, "down": 1}]
    assert api(viewer).json()["ratings_by_version"] == expected  # the same client, signed in as the viewer now
