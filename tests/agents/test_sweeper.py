"""The sweeper recovers what a lost message or a dead worker leaves behind, and expires approvals."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from agents.models import Approval, Run
from agents.runs.sweeper import run_sweep
from tests.factories import RunFactory


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
