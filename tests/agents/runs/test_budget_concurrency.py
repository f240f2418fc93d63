"""A workspace's monthly budget holds when many runs call paid models at once: each call's worst case is held
against the month in the same conditional update that checks it, and settled when the call is recorded."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from werkzeug import Response

from agents.models import Agent, Run, SpendReservation, WorkspaceSpend
from agents.runs import lifecycle
from agents.runs.services import run_create
from agents.services import agentversion_create_draft, agentversion_publish
from tests.factories import RunFactory
from tests.fixtures.processes import wait_for

FINAL = {"succeeded", "failed", "timed_out", "budget_exceeded", "cancelled"}


def test_a_hold_is_taken_only_while_it_fits_and_settling_gives_the_room_back(workspace):
    run = RunFactory(workspace=workspace, status="running")
    budget = Decimal("1.00")
    first = lifecycle.spend_reserve(run, Decimal("0.40"), budget)
    second = lifecycle.spend_reserve(run, Decimal("0.40"), budget)
    assert first is not None and second is not None
    assert lifecycle.spend_reserve(run, Decimal("0.40"), budget) is None  # 0.80 held: 0.40 more does not fit
    lifecycle.spend_settle(first)
    lifecycle.spend_settle(first)  # settling twice releases once
    ledger = WorkspaceSpend.objects.get(workspace=workspace)
    assert (ledger.reserved, ledger.amount) == (Decimal("0.40"), Decimal("0"))
    assert lifecycle.spend_reserve(run, Decimal("0.40"), budget) is not None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_runs_spend_at_most_the_workspaces_budget(
    registry_synced, workspace, system_actor, paid_provider, httpserver, start_worker
):
    def slow_answer(request):
        time.sleep(0.3)  # calls overlap: the budget checks of several runs race
        return Response(
            '{"choices": [{"message": {"role": "assistant", "content": "A tagline."}, "finish_reason": "stop"}],'
            ' "usage": {"prompt_tokens": 40, "completion_tokens": 20}}',
            content_type="application/json",
        )

    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_handler(slow_answer)
    agent = Agent.objects.get(slug="it-tagline")
    draft = agentversion_create_draft(
        agent=agent, actor=system_actor, model_chain=[{"provider": "paid", "model": "gpt-test"}],
        max_tokens=100, cache_responses=False, stream=False,
    )  # fmt: skip
    agentversion_publish(version=draft, actor=system_actor)
    # Worst case of one call: ~20 input tokens at $10/M + 100 output tokens at $30/M ≈ $0.0032; actual: 40 in and
    # 20 out = $0.001. Room for five worst cases, so the budget binds long before twenty calls are made.
    estimate = Decimal("0.0033")
    workspace.monthly_budget = estimate * 5
    workspace.save()
    start_worker(concurrency=4)
    runs = [
        run_create(workspace=workspace, agent=agent, input={"topic": f"t{i}"}, actor=system_actor)[0] for i in range(20)
    ]

    def all_final() -> bool:
        return Run.objects.filter(pk__in=[r.pk for r in runs], status__in=FINAL).count() == 20

    wait_for(all_final, timeout=120, interval=0.5, message="the twenty runs to end")
    ledger = WorkspaceSpend.objects.get(workspace=workspace)
    statuses = list(Run.objects.filter(pk__in=[r.pk for r in runs]).values_list("status", flat=True))
    assert ledger.amount <= workspace.monthly_budget, (ledger.amount, statuses)
    assert ledger.reserved == 0 and not SpendReservation.objects.exists()  # every hold settled
    assert statuses.count("succeeded") >= 5 and statuses.count("budget_exceeded") >= 1, statuses
    assert ledger.amount == sum(Run.objects.get(pk=r.pk).cost for r in runs)
