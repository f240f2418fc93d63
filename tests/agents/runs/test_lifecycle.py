"""The lifecycle is the only writer of run state: each move is one conditional update with its event and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from prometheus_client import REGISTRY

from agents.choices import RunStatus
from agents.models import Approval, Run
from agents.runs import lifecycle
from agents.runs.runtime import WORKER
from raptorflow.audit.models import AuditEvent
from tests.factories import RunFactory

pytestmark = pytest.mark.django_db


def _to_approval(run: Run, **kwargs) -> bool:
    return lifecycle.run_transition(
        run, to=RunStatus.AWAITING_APPROVAL, allowed_from={RunStatus.RUNNING}, actor=WORKER, **kwargs
    )


def test_a_run_entering_awaiting_approval_gets_its_pending_approval_in_the_same_move():
    run = RunFactory(status=RunStatus.RUNNING)
    assert _to_approval(run, approval_reason="v2 requires a person", output={"ok": 1})
    approval = Approval.objects.get(run=run)
    assert (approval.status, approval.reason) == ("pending", "v2 requires a person")
    event = run.events.get()
    assert event.data == {"status": "awaiting_approval", "approval": approval.pk}
    audit = AuditEvent.objects.get(action="run.awaiting_approval", target_id=str(run.pk))
    assert audit.changes["detail"] == {"approval": approval.pk}


def test_a_failure_writing_the_approval_leaves_the_run_where_it_was(monkeypatch):
    run = RunFactory(status=RunStatus.RUNNING)

    def crash(*args, **kwargs):
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(lifecycle, "_approval_open", crash)
    with pytest.raises(RuntimeError):
        _to_approval(run, approval_reason="review", output={"ok": 1})
    run.refresh_from_db()
    assert (run.status, run.output, run.last_event_seq) == ("running", None, 0)
    assert not run.events.exists() and not Approval.objects.exists()


def test_awaiting_approval_without_a_reason_is_a_programming_error():
    with pytest.raises(ValueError, match="reason"):
        _to_approval(RunFactory(status=RunStatus.RUNNING))


def test_final_states_never_change():
    run = RunFactory(status=RunStatus.SUCCEEDED)
    with pytest.raises(ValueError, match="final"):
        lifecycle.run_transition(run, to=RunStatus.RUNNING, allowed_from={RunStatus.SUCCEEDED}, actor=WORKER)


def test_a_transition_from_a_state_the_run_is_not_in_does_nothing():
    run = RunFactory(status=RunStatus.QUEUED)
    assert not lifecycle.run_transition(run, to=RunStatus.SUCCEEDED, allowed_from={RunStatus.RUNNING}, actor=WORKER)
    run.refresh_from_db()
    assert (run.status, run.last_event_seq) == ("queued", 0)


def test_a_worker_whose_attempt_was_taken_over_cannot_finish_the_run():
    run = RunFactory(status=RunStatus.RUNNING, attempt=2)
    moved = lifecycle.run_transition(
        run, to=RunStatus.SUCCEEDED, allowed_from={RunStatus.RUNNING}, actor=WORKER, expected_attempt=1
    )
    assert not moved
    assert lifecycle.run_checkpoint(run.pk, 1) is None  # the stale attempt learns it at its next checkpoint
    assert lifecycle.run_checkpoint(run.pk, 2) == "running"


def test_the_time_a_run_waits_for_a_person_is_kept_apart_from_its_run_time():
    run = RunFactory(status=RunStatus.RUNNING)
    assert _to_approval(run, approval_reason="check it")
    assert Run.objects.values_list("waiting_since", flat=True).get(pk=run.pk) is not None
    # As if the approver took 90 s: the clock runs in the database from the row's own waiting_since.
    Run.objects.filter(pk=run.pk).update(waiting_since=F("waiting_since") - timedelta(seconds=90))
    before = _wait_observations(run, "awaiting_approval")
    assert lifecycle.run_transition(run, to=RunStatus.QUEUED, allowed_from={RunStatus.AWAITING_APPROVAL}, actor=WORKER)
    stored = Run.objects.values("waited", "waiting_since").get(pk=run.pk)
    assert stored["waiting_since"] is None and timedelta(seconds=90) <= stored["waited"] < timedelta(seconds=95)
    assert run.waited == stored["waited"]
    assert _wait_observations(run, "awaiting_approval") == before + 1
    # A move that is not out of a wait leaves the clock alone; a second wait adds to the first.
    assert lifecycle.run_transition(run, to=RunStatus.RUNNING, allowed_from={RunStatus.QUEUED}, actor=WORKER)
    assert Run.objects.values_list("waited", flat=True).get(pk=run.pk) == stored["waited"]
    Approval.objects.filter(run=run).update(status="approved")  # what run_approve does with the move
    assert _to_approval(run, approval_reason="and again")
    Run.objects.filter(pk=run.pk).update(waiting_since=F("waiting_since") - timedelta(seconds=10))
    assert lifecycle.run_transition(
        run, to=RunStatus.CANCELLED, allowed_from={RunStatus.AWAITING_APPROVAL}, actor=WORKER
    )
    assert Run.objects.values_list("waited", flat=True).get(pk=run.pk) >= stored["waited"] + timedelta(seconds=10)


def _wait_observations(run: Run, state: str) -> float:
    agent = run.agent_version.agent.slug
    return REGISTRY.get_sample_value("raptorflow_run_wait_seconds_count", {"agent": agent, "state": state}) or 0
