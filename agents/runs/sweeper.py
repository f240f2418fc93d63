"""Recovery: the database, not the broker, decides what still has to run.

Run periodically by beat. Each pass:
- re-enqueues runs still ``queued`` after RAPTORFLOW_QUEUED_STALE_SECONDS (their
  message was lost, the broker was down or frozen when they were created); the
  claim's conditional update makes a duplicate message harmless;
- recovers runs whose worker died (heartbeat older than
  RAPTORFLOW_HEARTBEAT_STALE_SECONDS): back to ``queued`` and re-enqueued while
  attempts remain, else ``failed`` with ``worker_lost``; a dead ``cancelling``
  run simply ends ``cancelled``;
- cancels runs whose approval expired, and runs whose questions nobody answered in time;
- releases the budget held for paid calls whose run is no longer running, or whose worker went silent (the
  call's cost is unknown; a run that resumes holds again before its next call);
- gives a run waiting in ``awaiting_approval`` with no pending approval (a row
  written before the lifecycle created both in one transaction) a new approval,
  so that a person can decide it and it can expire.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from agents.choices import ApprovalStatus, InputRequestStatus, RunStatus
from agents.models import Approval, InputRequest, Run, SpendReservation
from raptorflow.audit.actors import Actor

from . import lifecycle
from .services import run_enqueue

logger = logging.getLogger(__name__)
SWEEPER = Actor.system("sweeper")
_BATCH = 200


def run_sweep() -> dict[str, int]:
    return {
        "requeued_lost_messages": _requeue_queued(),
        **_recover_dead_workers(),
        "approvals_expired": _expire_approvals(),
        "approvals_restored": _restore_missing_approvals(),
        "inputs_expired": _expire_inputs(),
        "reservations_released": _release_stale_holds(),
    }


def _requeue_queued() -> int:
    cutoff = timezone.now() - timedelta(seconds=settings.RAPTORFLOW_QUEUED_STALE_SECONDS)
    runs = list(
        Run.objects.filter(status=RunStatus.QUEUED, updated_at__lt=cutoff)
        .select_related("agent_version")
        .order_by("updated_at")[:_BATCH]
    )
    for run in runs:
        # Touch first, so the next pass waits a full interval before sending it again.
        lifecycle.run_touch_queued(run.pk)
        run_enqueue(run)
    return len(runs)


def _recover_dead_workers() -> dict[str, int]:
    cutoff = timezone.now() - timedelta(seconds=settings.RAPTORFLOW_HEARTBEAT_STALE_SECONDS)
    counts = {"requeued_dead_workers": 0, "failed_worker_lost": 0, "cancelled_dead_workers": 0}
    stale = Run.objects.filter(
        status__in=[RunStatus.RUNNING, RunStatus.CANCELLING], heartbeat_at__lt=cutoff
    ).select_related("agent_version")
    for run in stale[:_BATCH]:
        counts[_recover(run)] += 1
    return counts


def _recover(run: Run) -> str:
    """One orphaned run. Every move is conditional on the attempt we saw, so a live worker always wins."""
    seen = RunStatus(run.status)
    if seen == RunStatus.CANCELLING:
        lifecycle.run_transition(
            run,
            to=RunStatus.CANCELLED,
            allowed_from={seen},
            actor=SWEEPER,
            expected_attempt=run.attempt,
            error_code="cancelled",
            error_message="Cancelled.",
        )
        return "cancelled_dead_workers"
    if run.attempt >= settings.RAPTORFLOW_MAX_RUN_ATTEMPTS:
        lifecycle.run_transition(
            run,
            to=RunStatus.FAILED,
            allowed_from={seen},
            actor=SWEEPER,
            expected_attempt=run.attempt,
            data={"code": "worker_lost", "attempts": run.attempt},
            error_code="worker_lost",
            error_message=f"The worker running this run stopped responding {run.attempt} time(s); giving up.",
        )
        return "failed_worker_lost"
    with transaction.atomic():
        requeued = lifecycle.run_transition(
            run,
            to=RunStatus.QUEUED,
            allowed_from={seen},
            actor=SWEEPER,
            expected_attempt=run.attempt,
            data={"reason": "worker_lost", "attempt": run.attempt},
        )
        if requeued:
            transaction.on_commit(lambda: run_enqueue(run))
    logger.warning("run %s: worker lost on attempt %s; re-enqueued", run.pk, run.attempt)
    return "requeued_dead_workers"


def _expire_approvals() -> int:
    expired = Approval.objects.filter(status=ApprovalStatus.PENDING, expires_at__lt=timezone.now()).select_related(
        "run"
    )
    count = 0
    for approval in expired[:_BATCH]:
        with transaction.atomic():
            if not lifecycle.approval_close(approval, status=ApprovalStatus.EXPIRED, actor=SWEEPER):
                continue
            lifecycle.run_transition(
                approval.run,
                to=RunStatus.CANCELLED,
                allowed_from={RunStatus.AWAITING_APPROVAL},
                actor=SWEEPER,
                data={"approval": approval.pk, "expired": True},
                error_code="approval_expired",
                error_message="Nobody approved the output before the approval expired.",
            )
            count += 1
    return count


def _restore_missing_approvals() -> int:
    """Runs awaiting approval with no pending approval. Older than a heartbeat period, so a writer still inside
    the old two-step gate (a worker of an earlier release during a deploy) gets to finish first."""
    cutoff = timezone.now() - timedelta(seconds=settings.RAPTORFLOW_HEARTBEAT_STALE_SECONDS)
    pending = Approval.objects.filter(run=OuterRef("pk"), status=ApprovalStatus.PENDING)
    stuck = Run.objects.filter(status=RunStatus.AWAITING_APPROVAL, updated_at__lt=cutoff).filter(~Exists(pending))
    restored = 0
    for run in stuck.select_related("agent_version__agent")[:_BATCH]:
        reason = f"{run.agent_version} requires a person to approve its output (approval restored by the sweeper)."
        if lifecycle.approval_restore(run, actor=SWEEPER, reason=reason) is not None:
            logger.warning("run %s was awaiting approval without one; a new approval was opened", run.pk)
            restored += 1
    return restored


def _expire_inputs() -> int:
    expired = InputRequest.objects.filter(status=InputRequestStatus.PENDING, expires_at__lt=timezone.now())
    count = 0
    for request in expired.select_related("run")[:_BATCH]:
        with transaction.atomic():
            if not lifecycle.input_close(request, status=InputRequestStatus.EXPIRED, actor=SWEEPER):
                continue
            lifecycle.run_transition(
                request.run,
                to=RunStatus.CANCELLED,
                allowed_from={RunStatus.AWAITING_INPUT},
                actor=SWEEPER,
                data={"input_request": request.pk, "expired": True},
                error_code="input_expired",
                error_message="Nobody answered the run's questions before they expired.",
            )
            count += 1
    return count


def _release_stale_holds() -> int:
    cutoff = timezone.now() - timedelta(seconds=settings.RAPTORFLOW_HEARTBEAT_STALE_SECONDS)
    active = {RunStatus.RUNNING, RunStatus.CANCELLING}
    stale = SpendReservation.objects.filter(
        ~Q(run__status__in=active) | Q(run__heartbeat_at__lt=cutoff), created_at__lt=cutoff
    )
    released = 0
    for hold in stale[:_BATCH]:
        lifecycle.spend_settle(hold)
        released += 1
    return released
