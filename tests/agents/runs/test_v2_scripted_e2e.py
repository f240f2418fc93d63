"""The model layer end to end, on a real worker and the scripted provider: the model picks two skills, one
structured answer is repaired once, a draft streams into the run's events, and a second run is cancelled in
the middle of its stream within a second. Every step and token is recorded (scripted calls cost nothing)."""

from __future__ import annotations

import time

import pytest

from agents.models import Agent, Run
from agents.runs.services import run_cancel, run_create
from agents.services import agentversion_create_draft, agentversion_publish
from raptorflow.llm.models import Provider
from tests.fixtures.processes import wait_for
from tests.fixtures.sample_agents import TAGLINE_TEXT

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FINAL = {"succeeded", "failed", "timed_out", "budget_exceeded", "cancelled"}


def _scripted(slug: str, script: str, actor, **fields) -> Agent:
    Provider.objects.get_or_create(name="scripted", defaults={"kind": "scripted"})
    agent = Agent.objects.get(slug=slug)
    chain = [{"provider": "scripted", "model": script}]
    draft = agentversion_create_draft(agent=agent, actor=actor, model_chain=chain, cache_responses=False, **fields)
    agentversion_publish(version=draft, actor=actor)
    return agent


def _final(run: Run, timeout: float = 60) -> Run:
    def done() -> bool:
        run.refresh_from_db()
        return run.status in FINAL

    wait_for(done, timeout=timeout, interval=0.05, message=f"run {run.pk} to finish")
    return run


def test_a_scripted_model_uses_two_skills_is_repaired_once_and_streams_its_draft(
    registry_synced, workspace, system_actor, start_worker
):
    agent = _scripted(
        "it-scripted-analyst", "it-analyst", system_actor, model_tools=["finance.unit_economics", "text.stats"]
    )
    worker = start_worker()
    run, _ = run_create(workspace=workspace, agent=agent, input={}, actor=system_actor)
    run = _final(run)
    assert run.status == "succeeded", f"{run.error_code}: {run.error_message}\n{worker.log()}"
    assert run.output["calls"] == ["finance_unit_economics", "text_stats"]
    assert run.output["score"] == {"headline": TAGLINE_TEXT, "score": 8}
    assert run.output["draft"] == "[scripted] We launch weekly forecasts today."
    steps = [(s.kind, s.name, s.status) for s in run.steps.order_by("sequence")]
    assert steps == [
        ("llm", "analyse", "succeeded"),
        ("skill", "finance.unit_economics", "succeeded"),
        ("tool", "text.stats", "succeeded"),
        ("llm", "analyse", "succeeded"),
        ("llm", "analyse:answer", "succeeded"),
        ("llm", "analyse:answer:repair", "succeeded"),
        ("llm", "draft", "succeeded"),
    ]
    llm_steps = run.steps.filter(kind="llm")
    assert all(step.tokens_in > 0 and step.tokens_out > 0 for step in llm_steps)
    assert run.tokens_in == sum(s.tokens_in for s in llm_steps) and run.tokens_out == sum(
        s.tokens_out for s in llm_steps
    )
    assert run.cost == 0 and all(step.cost == 0 for step in run.steps.all())  # the scripted provider is free
    # The draft streamed as delta events while it was written; once on its step, they were dropped.
    assert run.steps.get(name="draft").output["text"] == "[scripted] We launch weekly forecasts today."
    assert not run.events.filter(type="delta").exists()
    assert run.events.filter(type="step", data__name="draft").exists()


def test_a_run_cancelled_mid_stream_stops_within_a_second_on_a_real_worker(
    registry_synced, workspace, system_actor, start_worker
):
    agent = _scripted("it-scripted-writer", "it-slow-draft", system_actor)
    worker = start_worker()
    run, _ = run_create(workspace=workspace, agent=agent, input={}, actor=system_actor)
    # The first words stream in (one a second): the model is mid-answer.
    wait_for(lambda: run.events.filter(type="delta").count() >= 2, timeout=60, message=f"deltas\n{worker.log()}")
    run_cancel(run=run, actor=system_actor, reason="stop")
    cancelled = time.monotonic()
    run = _final(run, timeout=10)
    stopped_in = time.monotonic() - cancelled
    assert (run.status, run.error_code) == ("cancelled", "cancelled"), worker.log()
    assert stopped_in < 1.0, f"the run took {stopped_in:.2f} s to stop after the cancel"
    step = run.steps.get()
    assert (step.kind, step.status) == ("llm", "failed")
    received = step.output["text"]
    assert received.startswith("[scripted] word0 word1") and "word29" not in received
    assert step.tokens_out > 0 and run.tokens_out == step.tokens_out  # what arrived is counted
