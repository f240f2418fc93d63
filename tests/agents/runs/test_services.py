"""Starting runs: validation, idempotency, budgets; deciding gated runs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agents.models import Approval, Run
from agents.runs.errors import BudgetExceededError, IdempotencyConflictError, RunInputError, RunStateError
from agents.runs.lifecycle import run_charge
from agents.runs.services import run_approve, run_create, run_reject
from raptorflow.audit.models import AuditEvent
from tests.agents.conftest import UNIT_INPUT
from tests.factories import RunFactory, gated_run


def test_a_valid_request_creates_a_queued_run_with_an_event_and_audit(unit_agent, workspace, system_actor):
    run, created = run_create(workspace=workspace, agent=unit_agent, input=UNIT_INPUT, actor=system_actor)
    assert created and run.status == "queued"
    assert run.agent_version.agent == unit_agent and run.agent_version.number == 1
    assert list(run.events.values_list("type", "data")) == [("status", {"status": "queued"})]
    assert AuditEvent.objects.filter(action="run.create", target_id=str(run.pk)).exists()


def test_input_that_breaks_the_schema_is_refused_with_each_problem(unit_agent, workspace, system_actor):
    with pytest.raises(RunInputError) as excinfo:
        run_create(workspace=workspace, agent=unit_agent, input={"spend": -5, "leads": "many"}, actor=system_actor)
    error = excinfo.value
    assert error.code == "invalid_input"
    assert any(e.startswith("spend:") for e in error.errors)
    assert any(e.startswith("leads:") for e in error.errors)
    # a missing figure is asked for when the run starts (issue 16), so it is not among the input's errors
    assert not any("required property" in e for e in error.errors)
    assert not Run.objects.exists()


def test_a_disabled_agent_cannot_start(unit_agent, workspace, system_actor):
    unit_agent.enabled = False
    unit_agent.save()
    with pytest.raises(RunInputError) as excinfo:
        run_create(workspace=workspace, agent=unit_agent, input=UNIT_INPUT, actor=system_actor)
    assert excinfo.value.code == "agent_unavailable"


def test_same_idempotency_key_and_body_return_the_first_run(unit_agent, workspace, system_actor):
    first, created = run_create(
        workspace=workspace, agent=unit_agent, input=UNIT_INPUT, actor=system_actor, idempotency_key="k1"
    )
    again, created_again = run_create(
        workspace=workspace, agent=unit_agent, input=dict(UNIT_INPUT), actor=system_actor, idempotency_key="k1"
    )
    assert created and not created_again and again.pk == first.pk
    assert Run.objects.count() == 1


def test_same_idempotency_key_with_another_body_is_a_conflict(unit_agent, workspace, system_actor):
    run_create(workspace=workspace, agent=unit_agent, input=UNIT_INPUT, actor=system_actor, idempotency_key="k1")
    with pytest.raises(IdempotencyConflictError) as excinfo:
        run_create(
            workspace=workspace,
            agent=unit_agent,
            input={**UNIT_INPUT, "spend": 1},
            actor=system_actor,
            idempotency_key="k1",
        )
    assert excinfo.value.code == "idempotency_conflict"


def test_a_workspace_over_its_monthly_budget_cannot_start_runs(unit_agent, workspace, system_actor):
    workspace.monthly_budget = Decimal("5")
    workspace.save()
    run = RunFactory(workspace=workspace, agent_version=unit_agent.versions.get(), status="succeeded")
    run_charge(run, cost=Decimal("5"))
    with pytest.raises(BudgetExceededError) as excinfo:
        run_create(workspace=workspace, agent=unit_agent, input=UNIT_INPUT, actor=system_actor)
    assert "$5.00 of its $5.00" in excinfo.value.message


def test_a_zero_budget_still_allows_free_runs(unit_agent, workspace, system_actor):
    workspace.monthly_budget = Decimal("0")
    workspace.save()
    _, created = run_create(workspace=workspace, agent=unit_agent, input=UNIT_INPUT, actor=system_actor)
    assert created


def _waiting_run(unit_agent, workspace):
    run = gated_run(workspace=workspace, agent_version=unit_agent.versions.get(), output={"ok": 1})
    return run


def test_approving_a_gated_run_makes_its_output_the_result(unit_agent, workspace, system_actor):
    run = _waiting_run(unit_agent, workspace)
    run_approve(run=run, actor=system_actor, comment="looks right")
    run.refresh_from_db()
    assert run.status == "succeeded" and run.output == {"ok": 1}
    assert Approval.objects.get(run=run).status == "approved"
    assert [e["status"] for e in run.events.filter(type="status").values_list("data", flat=True)] == [
        "awaiting_approval",  # the gate (gated_run), then the approval's two moves
        "running",
        "succeeded",
    ]
    with pytest.raises(RunStateError):
        run_approve(run=run, actor=system_actor)


def test_rejecting_a_gated_run_cancels_it(unit_agent, workspace, system_actor):
    run = _waiting_run(unit_agent, workspace)
    run_reject(run=run, actor=system_actor, comment="off brand")
    run.refresh_from_db()
    assert (run.status, run.error_code, run.error_message) == ("cancelled", "rejected", "off brand")
    assert Approval.objects.get(run=run).status == "rejected"


def test_the_run_agent_command_queues_a_run_or_explains_the_bad_input(unit_agent, workspace, system_actor):
    import io
    import json

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("run_agent", "unit_economics", workspace=workspace.slug, input=json.dumps(UNIT_INPUT), stdout=out)
    assert Run.objects.get().input == UNIT_INPUT
    with pytest.raises(CommandError, match=r"invalid_input.*spend: 'lots' is not of type 'number'"):
        call_command("run_agent", "unit_economics", workspace=workspace.slug, input='{"spend": "lots"}')
