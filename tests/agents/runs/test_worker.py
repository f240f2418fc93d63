"""Runs executed by a real Celery worker process over the configured broker (Redis in CI)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agents.models import Agent, Run
from agents.runs.services import run_approve, run_create, run_enqueue
from agents.runs.sweeper import run_sweep
from agents.services import agentversion_create_draft, agentversion_publish
from tests.fixtures.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FINAL = {"succeeded", "failed", "timed_out", "budget_exceeded", "cancelled"}


def _final(run: Run, timeout: float = 60) -> Run:
    def done():
        run.refresh_from_db()
        return run.status in FINAL

    wait_for(done, timeout=timeout, message=f"run {run.pk} to finish")
    return run


def _use_chain(slug: str, chain, actor) -> Agent:
    agent = Agent.objects.get(slug=slug)
    draft = agentversion_create_draft(agent=agent, actor=actor, model_chain=chain)
    agentversion_publish(version=draft, actor=actor)
    return agent


def test_a_run_goes_queued_running_succeeded_on_a_real_worker(
    registry_synced, workspace, system_actor, paid_provider, httpserver, start_worker
):
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        {
            "choices": [{"message": {"role": "assistant", "content": "Forecasts you can bank on."}}],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 200},
        }
    )
    agent = _use_chain("it-tagline", [{"provider": "paid", "model": "gpt-test"}], system_actor)
    worker = start_worker()
    run, _ = run_create(workspace=workspace, agent=agent, input={"topic": "revenue"}, actor=system_actor)
    run = _final(run)
    assert run.status == "succeeded", f"{run.error_code}: {run.error_message}\n{worker.log()}"
    assert run.output == {"tagline": "Forecasts you can bank on."}
    assert [e.data["status"] for e in run.events.filter(type="status").order_by("sequence")] == [
        "queued",
        "running",
        "succeeded",
    ]
    step = run.steps.get()
    assert (step.kind, step.provider, step.tokens_in, step.tokens_out) == ("llm", "paid", 1000, 200)
    # 1,000 × $10/M + 200 × $30/M
    assert run.cost == step.cost == Decimal("0.016")
    assert (run.tokens_in, run.tokens_out) == (1000, 200)
    assert httpserver.log[0][0].headers["Authorization"] == "Bearer sk-test-0123456789abcdef"


def test_a_run_whose_worker_is_killed_is_recovered_and_completes_once(
    registry_synced, workspace, system_actor, start_worker
):
    agent = Agent.objects.get(slug="it-slow-steps")
    first = start_worker()
    run, _ = run_create(workspace=workspace, agent=agent, input={"steps": 6, "pause": 0.4}, actor=system_actor)
    wait_for(lambda: run.steps.count() >= 2, timeout=60, message="two steps on the first worker")
    first.kill()
    run.refresh_from_db()
    assert (run.status, run.attempt) == ("running", 1)

    second = start_worker()
    # The sweeper sees the heartbeat go stale (2 s in this test) and re-enqueues the run.
    wait_for(lambda: run_sweep()["requeued_dead_workers"] == 1, timeout=30, message="the sweeper to requeue")
    run = _final(run)
    assert run.status == "succeeded", f"{run.error_code}: {run.error_message}\n{second.log()}"
    assert run.attempt == 2
    statuses = [e.data["status"] for e in run.events.filter(type="status").order_by("sequence")]
    assert statuses == ["queued", "running", "queued", "running", "succeeded"]
    assert run.events.filter(type="status", data__status="succeeded").count() == 1
    assert run.output == {"steps": 6}


def test_a_worker_killed_between_the_approval_transition_and_the_approval_leaves_a_run_that_can_be_decided(
    registry_synced, workspace, system_actor, start_worker, worker_env, tmp_path
):
    """The gate is one transaction: killed inside it, the run stays running (a dead worker the sweeper recovers),
    never awaiting an approval that does not exist."""
    worker_env["RAPTORFLOW_TEST_KILL_AT_APPROVAL"] = str(tmp_path / "killed-once")
    agent = Agent.objects.get(slug="unit_economics")
    gated = agentversion_create_draft(agent=agent, actor=system_actor, requires_approval=True)
    agentversion_publish(version=gated, actor=system_actor)
    worker = start_worker()
    data = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
    run, _ = run_create(workspace=workspace, agent=agent, input=data, actor=system_actor)
    wait_for(lambda: (tmp_path / "killed-once").exists(), timeout=60, message=f"the kill\n{worker.log()}")
    # The sweeper sees the heartbeat go stale (2 s in this test) and re-enqueues the run to a new pool process.
    wait_for(lambda: run_sweep()["requeued_dead_workers"] == 1, timeout=30, message=f"the requeue\n{worker.log()}")

    def awaiting() -> bool:
        run.refresh_from_db()
        return run.status == "awaiting_approval"

    wait_for(awaiting, timeout=60, message=f"the run to await approval\n{worker.log()}")
    assert run.attempt == 2 and run.approvals.get().status == "pending"
    statuses = [e.data["status"] for e in run.events.filter(type="status").order_by("sequence")]
    assert statuses == ["queued", "running", "queued", "running", "awaiting_approval"]
    run_approve(run=run, actor=system_actor)
    run.refresh_from_db()
    assert (run.status, run.output["cac"]) == ("succeeded", 100.0)


def test_a_run_whose_message_was_lost_is_enqueued_again_by_the_sweeper(
    registry_synced, workspace, system_actor, start_worker, settings
):
    settings.RAPTORFLOW_QUEUED_STALE_SECONDS = 0
    agent = Agent.objects.get(slug="unit_economics")
    version = agent.versions.get()
    # A run in the database with no message anywhere: what a broker outage at creation leaves behind.
    run = Run.objects.create(
        workspace=workspace,
        agent_version=version,
        input={"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05},
    )
    start_worker()
    assert run_sweep()["requeued_lost_messages"] == 1
    run = _final(run)
    assert run.status == "succeeded"
    assert run.output["cac"] == 100.0


def test_a_duplicated_message_executes_the_run_once(registry_synced, workspace, system_actor, start_worker):
    agent = Agent.objects.get(slug="it-slow-steps")
    run, _ = run_create(workspace=workspace, agent=agent, input={"steps": 2, "pause": 0}, actor=system_actor)
    run_enqueue(run)
    run_enqueue(run)
    start_worker()
    run = _final(run)
    assert run.status == "succeeded"
    assert run.attempt == 1
    assert run.steps.count() == 2


def test_cancel_stops_a_running_run_on_a_real_worker_within_one_step(
    registry_synced, workspace, system_actor, start_worker
):
    from agents.runs.services import run_cancel

    agent = Agent.objects.get(slug="it-slow-steps")
    start_worker()
    run, _ = run_create(workspace=workspace, agent=agent, input={"steps": 20, "pause": 0.3}, actor=system_actor)
    wait_for(lambda: run.steps.count() >= 1, timeout=60, message="the first step")
    assert run_cancel(run=run, actor=system_actor, reason="stop") == "cancelling"
    steps_when_cancelled = run.steps.count()
    run = _final(run)
    assert (run.status, run.error_code) == ("cancelled", "cancelled")
    assert run.steps.count() <= steps_when_cancelled + 1


def test_a_worker_keeps_its_database_connection_between_runs(registry_synced, workspace, system_actor, start_worker):
    """Celery's Django fix-up would open a new connection for every task; the settings keep one per process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("counts PostgreSQL sessions (pg_stat_database.sessions); SQLite has no connections to count")

    def sessions() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
            return cursor.fetchone()[0]

    agent = Agent.objects.get(slug="unit_economics")
    data = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
    start_worker()
    _final(run_create(workspace=workspace, agent=agent, input=data, actor=system_actor)[0])  # the worker connected
    before = sessions()
    for _ in range(10):
        assert _final(run_create(workspace=workspace, agent=agent, input=data, actor=system_actor)[0]).status == (
            "succeeded"
        )
    assert sessions() - before <= 1  # ten runs: at most one reconnect (none expected), not twenty
