"""The runtime, called in-process: steps, events, tokens, cost, cancel, timeout, budgets, approvals."""

from __future__ import annotations

import time
from decimal import Decimal

from agents.runs.runtime import run_execute
from agents.runs.services import run_cancel, run_create
from agents.selectors import workspace_month_spend
from skills.models import Skill
from skills.services import skill_set_enabled
from tests.agents.conftest import UNIT_INPUT


def _start(agent, workspace, actor, data=None):
    run, _ = run_create(workspace=workspace, agent=agent, input=data if data is not None else {}, actor=actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def test_unit_economics_runs_to_success_with_computed_numbers(unit_agent, workspace, system_actor):
    run = _start(unit_agent, workspace, system_actor, UNIT_INPUT)
    assert run.status == "succeeded", run.error_message
    # 400 leads × 5 % = 20 customers; CAC = 10,000 / 20 = 500; LTV on gross margin (issue 16: cost of goods is
    # given, so LTV = ARPU × (1 − 0.2) ÷ churn) = 64 / 0.03 = 2,133.33; LTV/CAC = 4.27; payback = 500 / (80 × 0.8)
    # = 7.81 months.
    assert run.output["cac"] == 500.0
    assert run.output["ltv"] == 2133.33
    assert run.output["ltv_to_cac"] == 4.27
    assert run.output["payback_months"] == 7.81
    assert run.output["verdict"] == "healthy"
    step = run.steps.get()
    assert (step.kind, step.name, step.status) == ("skill", "finance.unit_economics", "succeeded")
    assert [e.type for e in run.events.order_by("sequence")] == ["status", "status", "step", "status"]
    assert [e.data.get("status") for e in run.events.filter(type="status")] == ["queued", "running", "succeeded"]
    assert run.started_at and run.finished_at and run.attempt == 1


def test_a_claimed_run_is_not_executed_again(unit_agent, workspace, system_actor):
    run = _start(unit_agent, workspace, system_actor, UNIT_INPUT)
    assert run_execute(str(run.pk)) is None
    assert run.steps.count() == 1


def _writer(ctx, data):
    text = ctx.llm(f"Write a tagline for {ctx.foundation.get('company', 'us')}", purpose="tagline")
    return {"tagline": text}


def test_llm_calls_become_steps_with_tokens_and_the_provider_that_answered(make_agent, workspace, system_actor):
    agent = make_agent("test-writer", _writer)
    run = _start(agent, workspace, system_actor)
    assert run.status == "succeeded", run.error_message
    assert run.output["tagline"].startswith("[offline model]")
    step = run.steps.get()
    assert (step.kind, step.name, step.provider, step.model) == ("llm", "tagline", "offline", "offline-1")
    assert step.tokens_in > 0 and step.tokens_out > 0 and step.cost == 0
    assert (run.tokens_in, run.tokens_out) == (step.tokens_in, step.tokens_out)


def test_a_deterministic_call_is_served_from_the_cache_the_second_time(make_agent, workspace, system_actor):
    agent = make_agent("test-writer", _writer)
    first = _start(agent, workspace, system_actor)
    second = _start(agent, workspace, system_actor)
    assert first.output == second.output
    assert first.steps.get().cache_hit is False
    assert second.steps.get().cache_hit is True


def test_cancel_during_a_run_stops_it_within_one_step(make_agent, workspace, system_actor):
    def five_steps(ctx, data):
        for i in range(5):
            ctx.skill("finance.unit_economics", UNIT_INPUT)
            if i == 1:  # what the web process does while the worker runs
                run_cancel(run=ctx.run, actor=system_actor, reason="changed my mind")
        return {}

    run = _start(make_agent("test-five", five_steps), workspace, system_actor)
    assert (run.status, run.error_code) == ("cancelled", "cancelled")
    assert run.steps.count() == 2


def test_a_run_past_its_timeout_ends_timed_out(make_agent, workspace, system_actor):
    def slow(ctx, data):
        ctx.skill("finance.unit_economics", UNIT_INPUT)
        time.sleep(1.1)
        ctx.skill("finance.unit_economics", UNIT_INPUT)
        return {}

    run = _start(make_agent("test-slow", slow, timeout_seconds=1), workspace, system_actor)
    assert (run.status, run.error_code) == ("timed_out", "timed_out")
    assert run.steps.count() == 1


def test_budget_exhaustion_ends_the_run_without_calling_the_provider(
    make_agent, workspace, system_actor, paid_provider, httpserver
):
    agent = make_agent(
        "test-paid", _writer, chain=[{"provider": "paid", "model": "gpt-test"}], run_budget=Decimal("0.0001")
    )
    run = _start(agent, workspace, system_actor)
    assert (run.status, run.error_code) == ("budget_exceeded", "run_budget_exceeded")
    assert len(httpserver.log) == 0
    assert run.cost == 0


def test_the_workspace_budget_is_checked_before_each_paid_call(
    make_agent, workspace, system_actor, paid_provider, httpserver
):
    workspace.monthly_budget = Decimal("0.001")
    workspace.save()
    agent = make_agent("test-paid", _writer, chain=[{"provider": "paid", "model": "gpt-test"}])
    run = _start(agent, workspace, system_actor)
    assert (run.status, run.error_code) == ("budget_exceeded", "budget_exceeded")
    assert len(httpserver.log) == 0


def test_a_paid_call_is_costed_from_the_price_table(make_agent, workspace, system_actor, paid_provider, httpserver):
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        {
            "choices": [{"message": {"role": "assistant", "content": "Forecasts you can bank on."}}],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 200},
        }
    )
    agent = make_agent("test-paid", _writer, chain=[{"provider": "paid", "model": "gpt-test"}])
    run = _start(agent, workspace, system_actor)
    assert run.status == "succeeded", run.error_message
    # 1,000 input tokens at $10/M + 200 output tokens at $30/M = $0.010 + $0.006
    assert run.cost == Decimal("0.016")
    assert run.steps.get().provider == "paid"
    assert workspace_month_spend(workspace) == Decimal("0.016")  # the month's running total, charged with it


def test_a_paid_model_without_a_price_fails_clearly(make_agent, workspace, system_actor, paid_provider, httpserver):
    agent = make_agent("test-paid", _writer, chain=[{"provider": "paid", "model": "unpriced-model"}])
    run = _start(agent, workspace, system_actor)
    assert (run.status, run.error_code) == ("failed", "price_missing")
    assert "unpriced-model" in run.error_message
    assert len(httpserver.log) == 0


def test_a_disabled_skill_fails_the_run_with_a_clear_error(unit_agent, workspace, system_actor):
    skill_set_enabled(Skill.objects.get(slug="finance.unit_economics"), enabled=False, actor=system_actor)
    run = _start(unit_agent, workspace, system_actor, UNIT_INPUT)
    assert (run.status, run.error_code) == ("failed", "skill_disabled")
    assert "finance.unit_economics" in run.error_message


def test_a_gated_version_waits_for_approval(unit_agent, workspace, system_actor):
    unit_agent.versions.update(requires_approval=True)
    run = _start(unit_agent, workspace, system_actor, UNIT_INPUT)
    assert run.status == "awaiting_approval"
    assert run.output["verdict"] == "healthy"
    assert run.approvals.get().status == "pending"


def test_output_that_breaks_the_schema_fails_the_run(make_agent, workspace, system_actor):
    agent = make_agent("test-bad-output", lambda ctx, data: {"x": 1})
    agent.versions.update(output_schema={"type": "object", "required": ["y"]})
    run = _start(agent, workspace, system_actor)
    assert (run.status, run.error_code) == ("failed", "invalid_output")


def test_an_unexpected_error_fails_the_run_without_leaking_internals(make_agent, workspace, system_actor):
    def broken(ctx, data):
        raise ZeroDivisionError("secret internal detail")

    run = _start(make_agent("test-broken", broken), workspace, system_actor)
    assert (run.status, run.error_code) == ("failed", "internal_error")
    assert "secret internal detail" not in run.error_message
    assert "ZeroDivisionError" in run.error_message
