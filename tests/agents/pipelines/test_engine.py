"""A pipeline run moves on as its child runs finish: outputs flow, independent steps run side by side, failures
follow their policy, a held step waits for someone else's decision, a low grade sends a step back once, cancel
reaches every child, and the run's budget holds every step's paid calls.

The child runs execute here, as a worker would (run_execute); ``drive`` moves the pipeline on as the commit hooks
of a real deployment would.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from agents.models import PipelineRun, Run
from agents.pipelines import ledger
from agents.pipelines.builtin import pipeline_sync
from agents.pipelines.services import (
    PipelineDefinitionError,
    pipeline_advance,
    pipeline_cancel,
    pipeline_decide,
    pipeline_define,
    pipeline_publish,
    pipeline_run_start,
)
from agents.runs import lifecycle
from agents.runs.errors import RunAborted, SelfApprovalError
from agents.runs.runtime import run_execute
from raptorflow.audit.actors import Actor
from tests.factories import MembershipFactory

GRADED = {"type": "object", "properties": {"grade": {"enum": ["A", "B", "C"]}, "fixes": {"type": "array"}}}


@pytest.fixture
def agents(make_agent):
    def add(ctx, data):
        return {"total": sum(data.get("terms", [])), "label": data.get("label", "")}

    def fail(ctx, data):
        raise RunAborted("failed", "boom", "This step fails on purpose.")

    def write(ctx, data):
        return {"text": "better draft" if ctx.follow_up else "first draft", "follow_up": ctx.follow_up}

    def grade(ctx, data):
        return {"grade": "A" if data.get("text") == "better draft" else "C", "fixes": ["Say who it is for."]}

    make_agent("pl-add", add)
    make_agent("pl-fail", fail)
    make_agent("pl-write", write)
    make_agent("pl-grade", grade, output_schema=GRADED)


@pytest.fixture
def person(workspace):
    return Actor.for_user(MembershipFactory(workspace=workspace, role="owner").user)


@pytest.fixture
def other_admin(workspace):
    return Actor.for_user(MembershipFactory(workspace=workspace, role="admin").user)


def define(workspace, actor, steps, *, slug="p", input_schema=None, budget=None):
    version = pipeline_define(
        workspace=workspace, slug=slug, name=slug, steps=steps, actor=actor, input_schema=input_schema, budget=budget
    )
    return pipeline_publish(version=version, actor=actor).pipeline


def drive(run: PipelineRun, *, rounds: int = 20) -> PipelineRun:
    """Move the pipeline on and execute its queued children until nothing is left to do."""
    for _ in range(rounds):
        pipeline_advance(run.pk)
        queued = list(Run.objects.filter(pipeline_run=run, status="queued"))
        if not queued:
            break
        for child in queued:
            run_execute(str(child.pk))
    run.refresh_from_db()
    return run


def steps_of(run: PipelineRun) -> dict[str, str]:
    return {step.key: step.status for step in run.steps.all()}


def child(run: PipelineRun, key: str) -> Run:
    return Run.objects.filter(pipeline_run=run, pipeline_step=key).latest("created_at")


SUM = {"terms": {"from": "/input/terms"}}


def test_outputs_flow_and_steps_that_need_nothing_of_each_other_start_together(agents, workspace, person):
    workspace.foundation = {**(workspace.foundation or {}), "company": "Ledgerly"}
    workspace.save()
    pipeline = define(workspace, person, [
        {"key": "a", "agent": "pl-add", "input": SUM},
        {"key": "b", "agent": "pl-add", "input": {"terms": {"from": "/input/terms"}, "label": {"const": "b"}},
         "after": ["a"]},
        {"key": "c", "agent": "pl-add", "input": {"terms": {"const": [10, 20]}}, "after": ["a"]},
        {"key": "d", "agent": "pl-add", "after": ["b", "c"],
         "input": {"label": {"from": "/foundation/company"}, "terms": {"const": [1]}}},
    ])  # fmt: skip
    run, created = pipeline_run_start(workspace=workspace, pipeline=pipeline, input={"terms": [1, 2]}, actor=person)
    assert created
    pipeline_advance(run.pk)
    assert steps_of(run) == {"a": "running", "b": "pending", "c": "pending", "d": "pending"}
    run_execute(str(child(run, "a").pk))
    pipeline_advance(run.pk)
    assert steps_of(run) == {"a": "succeeded", "b": "running", "c": "running", "d": "pending"}  # side by side
    run = drive(run)
    assert run.status == "succeeded", (run.error_code, run.error_message)
    assert child(run, "b").output["total"] == 3 and child(run, "c").output["total"] == 30
    assert child(run, "d").input["label"] == "Ledgerly"  # from the foundation
    # One stream: step markers and the children's own events, numbered without gaps.
    events = list(run.events.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    kinds = {e.type for e in events}
    assert kinds == {"status", "step", "run"}
    a_events = [e.data["run_sequence"] for e in events if e.type == "run" and e.data["step"] == "a"]
    assert a_events == sorted(a_events) and len(a_events) == child(run, "a").events.count()
    assert events[-1].data == {"status": "succeeded"}


def test_a_step_that_fails_stops_the_pipeline_by_default(agents, workspace, person):
    pipeline = define(workspace, person, [
        {"key": "a", "agent": "pl-fail", "input": {}},
        {"key": "b", "agent": "pl-add", "input": {}, "after": ["a"]},
    ])  # fmt: skip
    run, _ = pipeline_run_start(workspace=workspace, pipeline=pipeline, input={}, actor=person)
    run = drive(run)
    assert (run.status, run.error_code) == ("failed", "boom")
    assert steps_of(run) == {"a": "failed", "b": "cancelled"}


def test_skip_drops_the_steps_that_need_the_failed_one_and_continue_goes_on_without_its_output(
    agents, workspace, person
):
    pipeline = define(workspace, person, [
        {"key": "bad", "agent": "pl-fail", "input": {}, "on_failure": "skip"},
        {"key": "needs_bad", "agent": "pl-add", "input": {}, "after": ["bad"]},
        {"key": "then", "agent": "pl-add", "input": {}, "after": ["needs_bad"]},
        {"key": "free", "agent": "pl-add", "input": {}},
        {"key": "soft", "agent": "pl-fail", "input": {}, "on_failure": "continue"},
        {"key": "after_soft", "agent": "pl-add", "input": {"terms": {"from": "/steps/soft/output/terms"}}},
    ])  # fmt: skip
    run, _ = pipeline_run_start(workspace=workspace, pipeline=pipeline, input={}, actor=person)
    run = drive(run)
    assert steps_of(run) == {"bad": "failed", "needs_bad": "skipped", "then": "skipped", "free": "succeeded",
                             "soft": "failed", "after_soft": "succeeded"}  # fmt: skip
    assert "terms" not in child(run, "after_soft").input  # the pointer led to nothing: the field is left out
    assert (run.status, run.error_code) == ("succeeded", "partial")
    assert "bad" in run.error_message and "soft" in run.error_message


def test_a_held_step_waits_for_someone_other_than_who_started_it(agents, workspace, person, other_admin):
    pipeline = define(workspace, person, [
        {"key": "a", "agent": "pl-add", "input": {}, "approval": True},
        {"key": "b", "agent": "pl-add", "input": {}, "after": ["a"]},
    ])  # fmt: skip
    run, _ = pipeline_run_start(workspace=workspace, pipeline=pipeline, input={}, actor=person)
    run = drive(run)
    assert run.status == "awaiting_approval" and steps_of(run) == {"a": "awaiting_approval", "b": "pending"}
    with pytest.raises(SelfApprovalError):
        pipeline_decide(run=run, actor=person, approve=True)
    pipeline_decide(run=run, actor=other_admin, approve=True)
    run = drive(run)
    assert run.status == "succeeded" and run.steps.get(key="a").decided_by == other_admin.user


def test_a_rejected_step_fails_the_pipeline(agents, workspace, person, other_admin):
    pipeline = define(workspace, person, [{"key": "a", "agent": "pl-add", "input": {}, "approval": True}])
    run = drive(pipeline_run_start(workspace=workspace, pipeline=pipeline, input={}, actor=person)[0])
    pipeline_decide(run=run, actor=other_admin, approve=False, comment="Not this one.")
    run.refresh_from_db()
    assert (run.status, run.error_code) == ("failed", "rejected")


def test_a_low_grade_sends_the_step_back_once_as_a_follow_up_with_the_checks_findings(agents, workspace, person):
    pipeline = define(workspace, person, [
        {"key": "draft", "agent": "pl-write", "input": {}},
        {"key": "check", "agent": "pl-grade", "input": {"text": {"from": "/steps/draft/output/text"}},
         "revise": {"step": "draft", "field": "/grade", "below": "B", "feedback": "/fixes", "max": 1}},
    ])  # fmt: skip
    run = drive(pipeline_run_start(workspace=workspace, pipeline=pipeline, input={}, actor=person)[0])
    assert run.status == "succeeded", (run.error_code, run.error_message)
    drafts = list(Run.objects.filter(pipeline_run=run, pipeline_step="draft").order_by("created_at"))
    checks = list(Run.objects.filter(pipeline_run=run, pipeline_step="check").order_by("created_at"))
    assert len(drafts) == 2 and len(checks) == 2
    revised = drafts[1]
    assert revised.parent_id == drafts[0].pk
    assert "graded it C, below B" in revised.instructions and "Say who it is for." in revised.instructions
    assert revised.output["follow_up"]["earlier_output"]["text"] == "first draft"
    assert [c.output["grade"] for c in checks] == ["C", "A"]
    assert run.steps.get(key="check").revisions == 1


def test_the_revision_happens_at_most_max_times(agents, workspace, person, make_agent):
    make_agent("pl-harsh", lambda ctx, data: {"grade": "C"}, output_schema=GRADED)
    pipeline = define(workspace, person, [
        {"key": "draft", "agent": "pl-write", "input": {}},
        {"key": "check", "agent": "pl-harsh", "input": {"text": {"from": "/steps/draft/output/text"}},
         "revise": {"step": "draft", "field": "/grade", "below": "B", "max": 2}},
    ])  # fmt: skip
    run = drive(pipeline_run_start(workspace=workspace, pipeline=pipeline, input={}, actor=person)[0])
    assert run.status == "succeeded"
    assert Run.objects.filter(pipeline_run=run, pipeline_step="draft").count() == 3


def test_cancel_reaches_every_child_and_every_step_left(agents, workspace, person):
    pipeline = define(workspace, person, [
        {"key": "a", "agent": "pl-add", "input": {}},
        {"key": "b", "agent": "pl-add", "input": {}},
        {"key": "c", "agent": "pl-add", "input": {}, "after": ["a", "b"]},
    ])  # fmt: skip
    run, _ = pipeline_run_start(workspace=workspace, pipeline=pipeline, input={}, actor=person)
    pipeline_advance(run.pk)
    a = child(run, "a")
    assert lifecycle.run_claim(a.pk) is not None  # a worker has it: running
    pipeline_cancel(run=run, actor=person)
    assert run.status == "cancelled"
    assert steps_of(run) == {"a": "cancelled", "b": "cancelled", "c": "cancelled"}
    statuses = {r.pipeline_step: r.status for r in Run.objects.filter(pipeline_run=run)}
    assert statuses == {"a": "cancelling", "b": "cancelled"}  # the running one stops at its next step
    assert lifecycle.run_checkpoint(a.pk, 1) == "cancelling"  # what its worker reads before the next step


def test_the_pipelines_budget_is_held_before_each_paid_call(agents, workspace, person):
    pipeline = define(workspace, person, [{"key": "a", "agent": "pl-add", "input": {}}], budget=Decimal("0.05"))
    run, _ = pipeline_run_start(workspace=workspace, pipeline=pipeline, input={}, actor=person)
    pipeline_advance(run.pk)
    step_run = child(run, "a")
    workspace.monthly_budget = Decimal("100")
    workspace.save()
    first = lifecycle.spend_reserve(step_run, Decimal("0.03"), workspace.monthly_budget)
    assert first is not None
    assert lifecycle.spend_reserve(step_run, Decimal("0.03"), workspace.monthly_budget) is None  # 0.06 > 0.05
    lifecycle.spend_settle(first)
    run.refresh_from_db()
    assert run.reserved == 0
    lifecycle.run_charge(step_run, cost=Decimal("0.04"))
    run.refresh_from_db()
    assert run.spent == Decimal("0.04")
    assert not ledger.pipeline_hold(run.pk, Decimal("0.02"))  # 0.04 spent + 0.02 > 0.05


def test_a_run_may_ask_for_less_budget_than_its_version_not_more(agents, workspace, person):
    pipeline = define(workspace, person, [{"key": "a", "agent": "pl-add", "input": {}}], budget=Decimal("1.00"))
    run, _ = pipeline_run_start(workspace=workspace, pipeline=pipeline, input={}, actor=person, budget=Decimal("0.2"))
    assert run.budget == Decimal("0.2")
    with pytest.raises(Exception) as refused:
        pipeline_run_start(workspace=workspace, pipeline=pipeline, input={}, actor=person, budget=Decimal("2"))
    assert refused.value.code == "budget_above_limit"


def test_a_definition_is_checked_against_the_published_agents(agents, workspace, person):
    with pytest.raises(PipelineDefinitionError) as refused:
        define(workspace, person, [{"key": "a", "agent": "pl-add", "input": {"x": {"from": "/steps/b/output"}}}])
    assert any("'b'" in error for error in refused.value.errors)


def test_the_shipped_pipelines_are_published_once_and_again_only_when_their_definition_changes(
    registry_synced, system_actor
):
    assert pipeline_sync(actor=system_actor) == ["go-to-market-plan", "publish-ready-post"]
    assert pipeline_sync(actor=system_actor) == []
