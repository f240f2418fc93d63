"""Pipelines on a real Celery worker over the configured broker: the go-to-market plan end to end on the demo
company, a cancel that stops every child within one step, and a budget too small for the next paid call."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agents.management.commands.seed_demo import DEMO_FOUNDATION
from agents.models import Agent, Pipeline, PipelineRun, Run
from agents.pipelines.builtin import pipeline_sync
from agents.pipelines.services import pipeline_cancel, pipeline_define, pipeline_publish, pipeline_run_start
from agents.services import agentversion_create_draft, agentversion_publish
from tests.fixtures.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FINAL = {"succeeded", "failed", "budget_exceeded", "cancelled"}

# What a founder tells the go-to-market plan about the demo company; the rest comes from its foundation.
GTM_INPUT = {
    "industry": "product analytics software",
    "naics_codes": ["513210"],
    "geography": "Germany",
    "price": {"amount": 99, "period": "month", "currency": "EUR"},
    "accounts": [{"place": "DE", "count": 12000}],
    "sales_reps": 2,
    "deals_per_rep_per_year": 40,
    "horizon_years": 3,
    "differentiators": ["Answers funnel questions in plain language, no SQL"],
    "offer": "Product analytics for SaaS teams",
    "monthly_budget": 3000,
    "team_size": 2,
    "objective": "lead_generation",
    "campaign_budget": 5000,
    "start_date": "2027-01-04",
    "duration_days": 30,
    "campaign_channels": ["paid_search", "email"],
    "campaign_weights": {"paid_search": 70, "email": 30},
    "cost_per_lead": 45,
}


def _final(run: PipelineRun, timeout: float) -> PipelineRun:
    def done():
        run.refresh_from_db()
        return run.status in FINAL

    wait_for(done, timeout=timeout, interval=0.3, message=f"pipeline run {run.pk} to end")
    return run


def test_the_go_to_market_plan_runs_end_to_end_on_the_demo_company(
    registry_synced, workspace, system_actor, start_worker
):
    workspace.foundation = DEMO_FOUNDATION
    workspace.save()
    pipeline_sync(actor=system_actor)
    worker = start_worker(concurrency=2)
    pipeline = Pipeline.objects.get(workspace=None, slug="go-to-market-plan")
    run, _ = pipeline_run_start(workspace=workspace, pipeline=pipeline, input=GTM_INPUT, actor=system_actor)
    run = _final(run, timeout=180)
    steps = {s.key: s.status for s in run.steps.all()}
    assert run.status == "succeeded", (run.error_code, run.error_message, steps, worker.log()[-3000:])
    assert steps == dict.fromkeys(["icp", "market", "positioning", "channels", "campaign"], "succeeded")
    children = {r.pipeline_step: r for r in Run.objects.filter(pipeline_run=run)}
    first_icp = children["icp"].output["icps"][0]["name"]
    assert children["market"].input["customers"] == first_icp == children["campaign"].input["audience"]
    assert children["campaign"].input["audience_size"] == children["market"].output["sam"]["accounts"]
    # market and positioning ran side by side: each started before the other finished
    market, positioning = children["market"], children["positioning"]
    assert market.started_at < positioning.finished_at and positioning.started_at < market.finished_at
    markers = [e.data for e in run.events.filter(type="step").order_by("sequence")]
    assert [m["step"] for m in markers if m["status"] == "succeeded"][-1] == "campaign"


def test_cancelling_a_pipeline_stops_every_child_within_one_step(
    registry_synced, workspace, system_actor, start_worker
):
    slow = {"steps": {"const": 40}, "pause": {"const": 0.25}}
    version = pipeline_define(
        workspace=workspace, slug="slow", name="slow", actor=system_actor,
        steps=[{"key": "a", "agent": "it-slow-steps", "input": slow},
               {"key": "b", "agent": "it-slow-steps", "input": slow},
               {"key": "c", "agent": "it-slow-steps", "input": slow, "after": ["a", "b"]}],
    )  # fmt: skip
    pipeline_publish(version=version, actor=system_actor)
    start_worker(concurrency=2)
    run, _ = pipeline_run_start(workspace=workspace, pipeline=version.pipeline, input={}, actor=system_actor)

    def both_working():
        children = list(Run.objects.filter(pipeline_run=run))
        return len(children) == 2 and all(child.steps.count() >= 2 for child in children)

    wait_for(both_working, timeout=60, message="both first steps to be working")
    at_cancel = {child.pk: child.steps.count() for child in Run.objects.filter(pipeline_run=run)}
    pipeline_cancel(run=run, actor=system_actor)
    wait_for(
        lambda: not Run.objects.filter(pipeline_run=run).exclude(status="cancelled").exists(),
        timeout=15,
        message="every child to stop",
    )
    for child in Run.objects.filter(pipeline_run=run):
        assert child.steps.count() <= at_cancel[child.pk] + 1, "a child went on past its next step"
    run.refresh_from_db()
    assert run.status == "cancelled"
    assert {s.key: s.status for s in run.steps.all()} == {"a": "cancelled", "b": "cancelled", "c": "cancelled"}
    assert not Run.objects.filter(pipeline_run=run, pipeline_step="c").exists()


def test_a_pipeline_budget_too_small_ends_it_before_the_paid_call_that_would_pass_it(
    registry_synced, workspace, system_actor, paid_provider, httpserver, start_worker
):
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        {"choices": [{"message": {"role": "assistant", "content": "A tagline."}}],
         "usage": {"prompt_tokens": 40, "completion_tokens": 1000}}
    )  # fmt: skip
    agent = Agent.objects.get(slug="it-tagline")
    draft = agentversion_create_draft(
        agent=agent, actor=system_actor, model_chain=[{"provider": "paid", "model": "gpt-test"}], max_tokens=1000,
        cache_responses=False, stream=False,
    )  # fmt: skip
    agentversion_publish(version=draft, actor=system_actor)
    workspace.monthly_budget = Decimal("100")  # the workspace has room: only the pipeline's budget binds
    workspace.save()
    # Each call costs 40 × $10/M + 1,000 × $30/M = $0.0304, and its worst case (1,000 output tokens and the prompt) is
    # held before it: $0.07 has room for the first two calls, and 2 × $0.0304 spent leave no room for the third.
    version = pipeline_define(
        workspace=workspace, slug="taglines", name="taglines", actor=system_actor, budget=Decimal("0.07"),
        steps=[{"key": "one", "agent": "it-tagline", "input": {"topic": {"const": "cash"}}},
               {"key": "two", "agent": "it-tagline", "input": {"topic": {"const": "costs"}}, "after": ["one"]},
               {"key": "three", "agent": "it-tagline", "input": {"topic": {"const": "churn"}}, "after": ["two"]}],
    )  # fmt: skip
    pipeline_publish(version=version, actor=system_actor)
    start_worker()
    run, _ = pipeline_run_start(workspace=workspace, pipeline=version.pipeline, input={}, actor=system_actor)
    run = _final(run, timeout=90)
    steps = {s.key: s.status for s in run.steps.all()}
    assert (run.status, run.error_code) == ("budget_exceeded", "budget_exceeded"), (steps, run.error_message)
    assert len(httpserver.log) == 2  # the third call was never made
    third = Run.objects.get(pipeline_run=run, pipeline_step="three")
    assert third.status == "budget_exceeded" and not third.steps.exists()
    assert run.spent <= run.budget and run.reserved == 0
    assert run.spent == sum(r.cost for r in Run.objects.filter(pipeline_run=run))
