"""Cancelling a run: immediate when nothing runs it, cooperative when a worker does."""

from __future__ import annotations

import pytest

from agents.models import Approval
from agents.runs.errors import RunStateError
from agents.runs.lifecycle import run_transition
from agents.runs.services import run_cancel
from raptorflow.audit.models import AuditEvent
from tests.factories import RunFactory


def test_a_queued_run_is_cancelled_at_once_with_an_event_and_audit(db, system_actor):
    run = RunFactory(status="queued")
    assert run_cancel(run=run, actor=system_actor, reason="not needed") == "cancelled"
    run.refresh_from_db()
    assert run.status == "cancelled" and run.finished_at is not None
    assert list(run.events.values_list("sequence", "type", "data")) == [
        (1, "status", {"status": "cancelled", "reason": "not needed"})
    ]
    assert AuditEvent.objects.get(action="run.cancelled").changes["status"] == ["queued", "cancelled"]


def test_a_running_run_is_asked_to_stop(db, system_actor):
    run = RunFactory(status="running")
    assert run_cancel(run=run, actor=system_actor) == "cancelling"
    assert run_cancel(run=run, actor=system_actor) == "cancelling"
    run.refresh_from_db()
    assert run.status == "cancelling"


def test_cancelling_a_waiting_run_rejects_its_approval(db, system_actor):
    run = RunFactory(status="awaiting_approval")
    approval = Approval.objects.create(run=run, reason="review", expires_at=run.created_at)
    run_cancel(run=run, actor=system_actor)
    approval.refresh_from_db()
    assert approval.status == "rejected"


@pytest.mark.parametrize("final", ["succeeded", "failed", "timed_out", "budget_exceeded", "cancelled"])
def test_a_finished_run_never_changes(db, system_actor, final):
    run = RunFactory(status=final)
    with pytest.raises(RunStateError) as excinfo:
        run_cancel(run=run, actor=system_actor)
    assert excinfo.value.code == "run_final"
    assert run_transition(run, to="running", allowed_from={"queued"}, actor=system_actor) is False
    run.refresh_from_db()
    assert run.status == final


def test_a_stale_transition_loses_to_the_one_that_happened(db, system_actor):
    run = RunFactory(status="queued")
    stale = type(run).objects.get(pk=run.pk)
    assert run_transition(run, to="running", allowed_from={"queued"}, actor=system_actor)
    assert not run_transition(stale, to="running", allowed_from={"queued"}, actor=system_actor)
    assert run.events.count() == 1
