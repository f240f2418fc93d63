"""/usage: a month's spend against the budget, runs and tokens, in total and per agent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agents.choices import RunStatus
from agents.models import Run
from tests.factories import AgentVersionFactory, RunFactory
from tests.fixtures.api import API, count_queries

pytestmark = pytest.mark.django_db

USAGE = f"{API}/usage"


def _month_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _run(workspace, version, cost: str, status: str = RunStatus.SUCCEEDED, *, at: datetime | None = None, **fields):
    run = RunFactory(workspace=workspace, agent_version=version, cost=Decimal(cost), status=status, **fields)
    if at is not None:  # created_at is auto_now_add: move it afterwards
        Run.objects.filter(pk=run.pk).update(created_at=at)
    return run


@pytest.fixture
def versions():
    return AgentVersionFactory(agent__slug="icp_architect"), AgentVersionFactory(agent__slug="market_sizer")


@pytest.fixture
def known_runs(workspace, other_workspace, versions):
    """This month: 3 runs costing 0.10, 0.25 and 0.05; last month one run; another workspace one run."""
    icp, market = versions
    _run(workspace, icp, "0.10", tokens_in=100, tokens_out=10)
    _run(workspace, icp, "0.25", RunStatus.FAILED, tokens_in=200, tokens_out=20)
    _run(workspace, market, "0.05", RunStatus.TIMED_OUT, tokens_in=300, tokens_out=30)
    _run(workspace, market, "9.00", at=_month_start(timezone.now()) - timedelta(days=3))
    _run(other_workspace, icp, "7.00")


def test_the_current_month_is_summed_from_its_runs_only(as_user, viewer, workspace, known_runs):
    response = as_user(viewer).get(USAGE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["month"] == f"{timezone.now().astimezone(UTC):%Y-%m}"
    assert Decimal(body["spent"]) == Decimal("0.40")
    assert Decimal(body["remaining"]) == workspace.monthly_budget - Decimal("0.40")
    assert Decimal(body["monthly_budget"]) == workspace.monthly_budget
    assert (body["runs"], body["tokens_in"], body["tokens_out"]) == (3, 600, 60)


def test_usage_is_broken_down_per_agent(as_user, viewer, known_runs):
    by_agent = {row["agent"]: row for row in as_user(viewer).get(USAGE).json()["by_agent"]}
    assert set(by_agent) == {"icp_architect", "market_sizer"}
    icp, market = by_agent["icp_architect"], by_agent["market_sizer"]
    assert (icp["runs"], icp["succeeded"], icp["failed"], icp["tokens_in"]) == (2, 1, 1, 300)
    assert Decimal(icp["cost"]) == Decimal("0.35")
    assert (market["runs"], market["succeeded"], market["failed"]) == (1, 0, 1)


def test_an_earlier_month_is_chosen_with_month(as_user, viewer, known_runs):
    last_month = _month_start(timezone.now()) - timedelta(days=3)
    body = as_user(viewer).get(f"{USAGE}?month={last_month:%Y-%m}").json()
    assert (body["month"], body["runs"], Decimal(body["spent"])) == (f"{last_month:%Y-%m}", 1, Decimal("9"))


def test_a_month_without_runs_is_all_zero(as_user, viewer, workspace, known_runs):
    body = as_user(viewer).get(f"{USAGE}?month=2001-01").json()
    assert (body["runs"], Decimal(body["spent"]), body["by_agent"]) == (0, Decimal(0), [])
    assert Decimal(body["remaining"]) == workspace.monthly_budget


def test_remaining_never_goes_below_zero(as_user, owner, workspace, known_runs):
    workspace.monthly_budget = Decimal("0.30")
    workspace.save()
    assert Decimal(as_user(owner).get(USAGE).json()["remaining"]) == 0


@pytest.mark.parametrize("month", ["2025-13", "2025-1", "march", "2025-03-01"])
def test_a_bad_month_is_a_400(as_user, viewer, month):
    response = as_user(viewer).get(f"{USAGE}?month={month}")
    assert response.status_code == 400
    assert "month" in response.json()["errors"]


def test_a_stranger_gets_404_and_a_key_needs_workspace_read(as_user, as_key, stranger, workspace):
    assert as_user(stranger).get(USAGE, HTTP_X_WORKSPACE=workspace.slug).status_code == 404
    assert as_key(workspace, ["runs:read"]).get(USAGE).status_code == 403
    assert as_key(workspace, ["workspace:read"]).get(USAGE).status_code == 200


def test_usage_costs_the_same_queries_for_one_agent_or_many(as_user, viewer, workspace):
    client = as_user(viewer)
    _run(workspace, AgentVersionFactory(), "0.01")
    one = count_queries(client, USAGE)
    for _ in range(10):
        _run(workspace, AgentVersionFactory(), "0.01")
    assert count_queries(client, USAGE) == one
