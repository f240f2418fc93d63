"""The sweeper recovers what a lost message or a dead worker leaves behind, and expires approvals."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from agents.models import Approval, Run
from agents.runs.services import run_approve
from agents.runs.sweeper import run_sweep
from raptorflow.audit.models import AuditEvent
from tests.factories import RunFactory, gated_run


def _stale(run: Run, seconds: int = 3600) -> Run:
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=seconds))
    return run


def test_a_run_with_a_stale_heartbeat_goes_back_to_the_queue(db, settings):
    settings.RAPTORFLOW_MAX_RUN_ATTEMPTS = 3
    run = _stale(RunFactory(status="running", attempt=1))
    assert run_sweep()["requeued_dead_workers"] == 1
    run.refresh_from_db()
    assert run.status == "queued"
    assert run.events.get().data == {"status": "queued", "reason": "worker_lost", "attempt": 1}


def test_a_run_out_of_attempts_fails_with_worker_lost(db, settings):
    settings.RAPTORFLOW_MAX_RUN_ATTEMPTS = 3
    run = _stale(RunFactory(status="running", attempt=3))
    assert run_sweep()["failed_worker_lost"] == 1
    run.refresh_from_db()
    assert (run.status, run.error_code) == ("failed", "worker_lost")


def test_a_live_run_is_left_alone(db):
    run = RunFactory(status="running", attempt=1, heartbeat_at=timezone.now())
    counts = run_sweep()
    assert counts["requeued_dead_workers"] == counts["failed_worker_lost"] == 0
    run.refresh_from_db()
    assert run.status == "running"


def test_a_dead_cancelling_run_ends_cancelled(db):
    run = _stale(RunFactory(status="cancelling", attempt=1))
    assert run_sweep()["cancelled_dead_workers"] == 1
    run.refresh_from_db()
    assert run.status == "cancelled"


def test_an_expired_approval_cancels_its_run(db):
    run = RunFactory(status="awaiting_approval")
    approval = Approval.objects.create(run=run, reason="r", expires_at=timezone.now() - timedelta(minutes=1))
    assert run_sweep()["approvals_expired"] == 1
    run.refresh_from_db()
    approval.refresh_from_db()
    assert (run.status, run.error_code, approval.status) == ("cancelled", "approval_expired", "expired")


def test_a_fresh_queued_run_is_not_sent_twice(db, settings):
    settings.RAPTORFLOW_QUEUED_STALE_SECONDS = 300
    RunFactory(status="queued")
    assert run_sweep()["requeued_lost_messages"] == 0


def test_a_run_awaiting_approval_without_one_gets_a_pending_approval_it_can_be_decided_by(db, system_actor):
    """Rows written before the gate was one transaction: a run waiting for a decision nobody could make."""
    run = RunFactory(status="awaiting_approval", output={"ok": 1})
    Run.objects.filter(pk=run.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    Approval.objects.create(run=run, reason="old", status="rejected", expires_at=timezone.now())  # decided: not it
    assert run_sweep()["approvals_restored"] == 1
    approval = Approval.objects.get(run=run, status="pending")
    assert approval.expires_at > timezone.now() + timedelta(hours=1)
    assert run.events.get(type="approval").data == {"approval": approval.pk, "restored": True}
    assert AuditEvent.objects.filter(action="run.approval_restored", target_id=str(run.pk)).exists()
    assert run_sweep()["approvals_restored"] == 0  # once

    run_approve(run=run, actor=system_actor)
    run.refresh_from_db()
    assert (run.status, run.output) == ("succeeded", {"ok": 1})


def test_a_run_that_just_entered_awaiting_approval_is_left_to_its_writer(db):
    RunFactory(status="awaiting_approval", output={"ok": 1})  # updated now: an old worker may still be writing
    assert run_sweep()["approvals_restored"] == 0
    assert not Approval.objects.exists()


def test_a_gated_run_with_its_pending_approval_is_left_alone(db):
    run = gated_run(output={"ok": 1})
    Run.objects.filter(pk=run.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert run_sweep()["approvals_restored"] == 0
    assert run.approvals.count() == 1
