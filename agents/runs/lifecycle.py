"""The only writer of a run's state: status, attempts, heartbeats, events, charges and approvals.

Every change here is one conditional UPDATE (``WHERE status IN (…)``, and for
a worker ``AND attempt = mine``) in one transaction with what goes with it: the
run's next event (numbered from a counter on the run row, so web and worker
never take the same number), an AuditEvent, and for a run that stops for a
person, its Approval. Whoever loses a race sees "0 rows" and backs off; a final
state never changes again. Services, the runtime and the sweeper decide *when*
to move a run; this module is *how*, and nothing else writes these columns.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, DurationField, F, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone

from agents.choices import FINAL_STATES, ApprovalStatus, InputRequestStatus, RunEventType, RunStatus
from agents.evals.ledger import experiment_charge_run, experiment_hold, experiment_of_run, experiment_release
from agents.models import AgentVersion, Approval, InputRequest, Run, RunEvent, SpendReservation, WorkspaceSpend
from agents.pipelines.ledger import mirror_run_event, pipeline_charge, pipeline_hold, pipeline_release
from agents.runs.nudge import NUDGE_CHANNEL
from agents.selectors import agentversion_published, month_start, run_body_forget
from raptorflow import metrics, tracing
from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log
from raptorflow.db import update_returning

RunId = UUID | str

# Sent inside the transaction of every status move (``run``, ``previous``, ``to``). Receivers that talk to the
# outside world (webhooks, a pipeline's next step) defer their work with ``transaction.on_commit``, so a move
# that rolls back tells nobody. Nothing here knows who listens.
run_moved = Signal()
# Sent inside the transaction of every charge that adds to a workspace's month (``workspace_id``, ``month``, the
# first day of the UTC month, ``amount``): a budget threshold's webhook listens. Same rule as run_moved.
spend_charged = Signal()


class _Next(NamedTuple):
    sequence: int
    pipeline_run_id: UUID | None
    pipeline_step: str
    status: str


def _sequence_next(runs: QuerySet[Run], **fields: Any) -> _Next | None:
    """Update the run matched by ``runs`` with ``fields`` and take its next event number, in one statement
    (UPDATE … RETURNING). None when no run matched (the conditions in ``runs`` did not hold).

    Incrementing the counter takes the row lock, so two writers get distinct, gap-free numbers. Call it in
    the transaction that inserts the event. It also returns the run's pipeline run and step, if any, so that a
    step's events reach its pipeline's stream without a query more (``_event_create``).
    """
    bumped = update_returning(
        runs,
        ("last_event_seq", "pipeline_run_id", "pipeline_step", "status"),
        # Followers on the stream process learn of the event as it commits, not at their next read (nudge.py).
        notify=(NUDGE_CHANNEL, ("id", "pipeline_run")),
        last_event_seq=F("last_event_seq") + 1,
        **fields,
    )
    return _Next(int(bumped[0][0]), bumped[0][1], bumped[0][2], bumped[0][3]) if bumped else None


def _event_create(run_id: RunId, taken: _Next, event_type: str, data: dict[str, Any]) -> RunEvent:
    """Insert a run's event under the number ``taken``; a pipeline step's event is copied to its pipeline."""
    event = RunEvent.objects.create(run_id=run_id, sequence=taken.sequence, type=event_type, data=data)
    if taken.pipeline_run_id is not None:
        mirror_run_event(taken.pipeline_run_id, taken.pipeline_step, run_id, taken.sequence, event_type, data)
    return event


def run_insert(**fields: Any) -> Run:
    """Insert a new queued run with its first event. Call inside the creating transaction.

    The run keeps the trace it is created in (its id and traceparent; nothing when tracing is off)."""
    fields = tracing.run_trace_fields() | fields
    with transaction.atomic(savepoint=False):
        run = Run.objects.create(status=RunStatus.QUEUED, last_event_seq=1, **fields)
        first = _Next(1, run.pipeline_run_id, run.pipeline_step, RunStatus.QUEUED)
        _event_create(run.pk, first, RunEventType.STATUS, {"status": RunStatus.QUEUED})
    return run


def run_event_append(run_id: RunId, event_type: RunEventType, data: dict[str, Any] | None = None) -> RunEvent:
    """Append an event to a run's stream with the next sequence number."""
    # No savepoint inside a caller's transaction: an error here fails the caller's transaction as a whole.
    with transaction.atomic(savepoint=False):
        taken = _sequence_next(Run.objects.filter(pk=run_id))
        if taken is None:
            raise Run.DoesNotExist(f"Run {run_id} does not exist.")
        if taken.status in FINAL_STATES:  # a late event (a worker the sweeper gave up on): the cached body is stale
            run_body_forget([run_id])
        return _event_create(run_id, taken, event_type, data or {})


def run_claim(run_id: RunId) -> Run | None:
    """queued → running, in one conditional update, taking the next attempt. Only one worker can win it."""
    now = timezone.now()
    with transaction.atomic():
        taken = _sequence_next(
            Run.objects.filter(pk=run_id, status=RunStatus.QUEUED),
            status=RunStatus.RUNNING,
            attempt=F("attempt") + 1,
            heartbeat_at=now,
            updated_at=now,
            started_at=Coalesce(F("started_at"), Value(now)),  # the first attempt's start
        )
        if taken is None:
            return None
        run = Run.objects.select_related("workspace").get(pk=run_id)
        _event_create(run.pk, taken, RunEventType.STATUS, {"status": RunStatus.RUNNING, "attempt": run.attempt})
    run.agent_version = agentversion_published(run.agent_version_id) or run.agent_version
    return run


def run_transition(
    run: Run,
    *,
    to: RunStatus,
    allowed_from: Collection[str],
    actor: Actor,
    data: dict[str, Any] | None = None,
    expected_attempt: int | None = None,
    approval_reason: str = "",
    approval_call: ApprovalCall | None = None,
    input_ask: InputAsk | None = None,
    **fields: Any,
) -> bool:
    """Move ``run`` to ``to`` if it is in one of ``allowed_from``. Returns whether it moved.

    ``expected_attempt`` makes a worker's transition conditional on the run still being its attempt, so a
    worker the sweeper gave up on cannot finish a run that another worker now owns. A move into
    ``awaiting_approval`` creates its pending Approval (for ``approval_reason``; with ``approval_call`` it is a
    gate on that one call of the model's, else on the run's output) in the same transaction: no run can wait
    for a decision that nobody can make. Likewise a move into ``awaiting_input`` creates the InputRequest
    (``input_ask``: the questions, and the step number their answers will take).
    """
    _check_move(allowed_from, to, approval_reason, input_ask)
    now = timezone.now()
    if to in FINAL_STATES:
        fields.setdefault("finished_at", now)
    leaving_a_wait = bool(set(allowed_from) & WAITING_STATES) and to not in WAITING_STATES
    attributes = {"raptorflow.run.id": str(run.pk), "raptorflow.run.status": str(to)}
    with tracing.span(f"run.transition {to}", attributes), transaction.atomic():
        matching = Run.objects.filter(pk=run.pk, status__in=allowed_from)
        if expected_attempt is not None:
            matching = matching.filter(attempt=expected_attempt)
        taken = _sequence_next(matching, status=to, updated_at=now, **fields, **_wait_clock(to, now))
        if taken is None:
            return False
        previous = run.status
        run.status, run.last_event_seq = to, taken.sequence
        for name, value in fields.items():
            setattr(run, name, value)
        if to in WAITING_STATES:
            run.waiting_since = now
        elif leaving_a_wait:
            waited = Run.objects.filter(pk=run.pk).values_list("waited", flat=True).get()
            if previous in WAITING_STATES:
                metrics.run_waited(_agent_slug(run), previous, (waited - run.waited).total_seconds())
            run.waited, run.waiting_since = waited, None
        detail = dict(data or {}) | _open_wait(run, to, approval_reason, approval_call, input_ask)
        _event_create(run.pk, taken, RunEventType.STATUS, {"status": to, **detail})
        if to in FINAL_STATES:
            metrics.run_final(_agent_slug(run), to)
        changes: dict[str, Any] = {"status": [previous, to], **({"detail": detail} if detail else {})}
        audit_log(f"run.{to}", actor=actor, workspace=run.workspace_id, target=run, changes=changes)
        run_moved.send(sender=Run, run=run, previous=previous, to=to)
    return True


# A run waiting for a person is not working: the time it waits is kept apart (Run.waited), so that its duration
# (analytics, the run's metrics) is the time it ran, and the wait is a figure of its own.
WAITING_STATES = frozenset({RunStatus.AWAITING_APPROVAL, RunStatus.AWAITING_INPUT})


def _wait_clock(to: RunStatus, now: datetime) -> dict[str, Any]:
    """The UPDATE's part for the wait clock: a move into a wait starts it; any other move stops a running one and
    adds what it measured to ``waited`` (in the database, from the row's own ``waiting_since``)."""
    if to in WAITING_STATES:
        return {"waiting_since": now}
    return {
        "waited": Case(
            When(waiting_since__isnull=False, then=F("waited") + (Value(now) - F("waiting_since"))),
            default=F("waited"),
            output_field=DurationField(),
        ),
        "waiting_since": None,
    }


def _check_move(allowed_from: Collection[str], to: RunStatus, approval_reason: str, ask: InputAsk | None) -> None:
    if set(allowed_from) & FINAL_STATES:
        raise ValueError("final states never change")
    if to == RunStatus.AWAITING_APPROVAL and not approval_reason:
        raise ValueError("a run that awaits approval needs the approval's reason")
    if to == RunStatus.AWAITING_INPUT and ask is None:
        raise ValueError("a run that awaits input needs its questions")


def _open_wait(run: Run, to: RunStatus, reason: str, call: ApprovalCall | None, ask: InputAsk | None) -> dict[str, Any]:
    """What a run that stops for a person waits on, created with the move; its ids for the event."""
    if to == RunStatus.AWAITING_APPROVAL:
        return {"approval": _approval_open(run, reason, call).pk}
    if to == RunStatus.AWAITING_INPUT and ask is not None:
        return {"input_request": _input_open(run, ask).pk, "questions": ask.questions}
    return {}


def _agent_slug(run: Run) -> str:
    """The run's agent, from the loaded version when there is one (the worker's run), else from the database."""
    if Run.agent_version.is_cached(run) and AgentVersion.agent.is_cached(run.agent_version):
        return run.agent_version.agent.slug
    return str(Run.objects.filter(pk=run.pk).values_list("agent_version__agent__slug", flat=True).get())


# --- While a worker runs it -------------------------------------------------------------------------


def run_heartbeat(run_id: RunId, attempt: int) -> bool:
    """Touch the heartbeat of this attempt. False when the run is no longer this attempt's."""
    return bool(Run.objects.filter(pk=run_id, attempt=attempt).update(heartbeat_at=timezone.now()))


def run_checkpoint(run_id: RunId, attempt: int) -> str | None:
    """Touch the heartbeat of this attempt and read the run's status back, in one statement.

    None when the run is no longer this attempt's (the sweeper gave it to another worker).
    """
    touched = update_returning(Run.objects.filter(pk=run_id, attempt=attempt), ("status",), heartbeat_at=timezone.now())
    return str(touched[0][0]) if touched else None


def run_is_cancelling(run_id: RunId) -> bool:
    return Run.objects.filter(pk=run_id, status=RunStatus.CANCELLING).exists()


def run_charge(
    run: Run,
    *,
    cost: Decimal,
    tokens_in: int = 0,
    tokens_out: int = 0,
    cached_tokens_in: int = 0,
    cache_write_tokens: int = 0,
) -> None:
    """Add a model call's usage to the run and its cost to the workspace's month: one transaction.

    ``tokens_in`` counts all input, cached input and cache writes included (as ``Usage.input_tokens``)."""
    with transaction.atomic():
        charged = update_returning(
            Run.objects.filter(pk=run.pk),
            ("status",),
            tokens_in=F("tokens_in") + tokens_in,
            tokens_out=F("tokens_out") + tokens_out,
            cached_tokens_in=F("cached_tokens_in") + cached_tokens_in,
            cache_write_tokens=F("cache_write_tokens") + cache_write_tokens,
            cost=F("cost") + cost,
        )
        if charged and charged[0][0] in FINAL_STATES:  # a late charge: the cached body shows the old totals
            run_body_forget([run.pk])
        if cost:
            month = month_start(run.created_at)
            workspace_spend_add(run.workspace_id, month, cost)
            if run.evaluation:  # and to its experiment (agents/evals/ledger.py)
                experiment_charge_run(run.pk, cost)
            if run.pipeline_run_id is not None:  # and to its pipeline run (agents/pipelines/ledger.py)
                pipeline_charge(run.pipeline_run_id, cost)
            spend_charged.send(sender=Run, workspace_id=run.workspace_id, month=month, amount=cost)


def spend_reserve(run: Run, amount: Decimal, monthly_budget: Decimal) -> SpendReservation | None:
    """Hold ``amount`` against the run's workspace month if it fits under ``monthly_budget`` with everything
    spent and held already: the check and the hold are one conditional UPDATE, so concurrent runs cannot both
    take the last room. An evaluation run holds it against its experiment's budget too. None when it does not
    fit."""
    month = month_start(run.created_at)
    experiment = experiment_of_run(run.pk) if run.evaluation else None
    with transaction.atomic():
        workspace_spend_add(run.workspace_id, month, Decimal("0"))  # the month's row exists from here on
        room = Value(monthly_budget - amount) - F("reserved")
        ledger = WorkspaceSpend.objects.filter(workspace_id=run.workspace_id, month=month, amount__lte=room)
        if not ledger.update(reserved=F("reserved") + amount):
            return None
        if experiment is not None and not experiment_hold(experiment, amount):
            transaction.set_rollback(True)  # the workspace's hold above goes too
            return None
        if run.pipeline_run_id is not None and not pipeline_hold(run.pipeline_run_id, amount):
            transaction.set_rollback(True)
            return None
        return SpendReservation.objects.create(
            workspace_id=run.workspace_id, run=run, month=month, amount=amount, experiment_id=experiment
        )


def spend_settle(reservation: SpendReservation) -> None:
    """Release a hold (its call was charged, or never made): the month's ``reserved`` loses it."""
    with transaction.atomic():
        if SpendReservation.objects.filter(pk=reservation.pk).delete()[0]:
            WorkspaceSpend.objects.filter(workspace_id=reservation.workspace_id, month=reservation.month).update(
                reserved=F("reserved") - reservation.amount
            )
            if reservation.experiment_id is not None:
                experiment_release(reservation.experiment_id, reservation.amount)
            pipeline_run_id = (
                Run.objects.filter(pk=reservation.run_id).values_list("pipeline_run_id", flat=True).first()
            )
            if pipeline_run_id is not None:
                pipeline_release(pipeline_run_id, reservation.amount)


def run_spent(run_id: RunId) -> Decimal:
    """What the run has cost so far (every charge committed)."""
    return Decimal(Run.objects.filter(pk=run_id).values_list("cost", flat=True).get())


def workspace_spend_add(workspace_id: int, month: Any, amount: Decimal) -> None:
    """Add ``amount`` to the workspace's spend in ``month`` (the ledger's one writer; creates the month's row)."""
    ledger = WorkspaceSpend.objects.filter(workspace_id=workspace_id, month=month)
    if ledger.update(amount=F("amount") + amount):
        return
    try:
        with transaction.atomic():  # a savepoint: another writer may create the month's row first
            WorkspaceSpend.objects.create(workspace_id=workspace_id, month=month, amount=amount)
    except IntegrityError:
        ledger.update(amount=F("amount") + amount)


# --- The sweeper's clock ----------------------------------------------------------------------------


def run_touch_queued(run_id: RunId) -> bool:
    """Mark a queued run as just sent again, so the next sweep waits a full interval before resending it."""
    return bool(Run.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(updated_at=timezone.now()))


# --- Approvals --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApprovalCall:
    """A call the model asked for that waits for a person: the step number it will take, and what it is."""

    step: int
    kind: str
    name: str
    input: dict[str, Any]


def _approval_open(run: Run, reason: str, call: ApprovalCall | None = None) -> Approval:
    expires = timezone.now() + timedelta(hours=settings.RAPTORFLOW_APPROVAL_TTL_HOURS)
    gate = {"kind": call.kind, "name": call.name, "input": call.input} if call else None
    return Approval.objects.create(
        run=run, reason=reason[:500], expires_at=expires, step_sequence=call.step if call else None, call=gate
    )


def approval_for_call(run_id: RunId, call: ApprovalCall) -> Approval | None:
    """The decided approval of this very call (same step, same call), if a person decided it."""
    gate = {"kind": call.kind, "name": call.name, "input": call.input}
    decided = Approval.objects.filter(run_id=run_id, step_sequence=call.step).exclude(status=ApprovalStatus.PENDING)
    return next((approval for approval in decided.order_by("-decided_at") if approval.call == gate), None)


def approval_pending(run: Run) -> Approval | None:
    """The run's pending approval, if it is waiting for one."""
    return Approval.objects.filter(run=run, status=ApprovalStatus.PENDING).first()


def approval_close(approval: Approval, *, status: ApprovalStatus, actor: Actor, comment: str = "") -> bool:
    """Decide a pending approval (approved, rejected or expired). False when it was decided already."""
    return bool(
        Approval.objects.filter(pk=approval.pk, status=ApprovalStatus.PENDING).update(
            status=status, decided_by=actor.user, decided_at=timezone.now(), comment=comment
        )
    )


def approvals_reject_pending(run: Run, *, actor: Actor, comment: str = "") -> int:
    """Close whatever approval the run still waits for (it was cancelled): rejected."""
    return Approval.objects.filter(run=run, status=ApprovalStatus.PENDING).update(
        status=ApprovalStatus.REJECTED, decided_by=actor.user, decided_at=timezone.now(), comment=comment
    )


def approval_restore(run: Run, *, actor: Actor, reason: str) -> Approval | None:
    """Give a run stuck in ``awaiting_approval`` without a pending approval a new one (rows written before the
    transition created both at once). None when the run moved on or got one meanwhile."""
    with transaction.atomic():
        locked = Run.objects.select_for_update().filter(pk=run.pk, status=RunStatus.AWAITING_APPROVAL)
        if not locked.exists() or approval_pending(run) is not None:
            return None
        approval = _approval_open(run, reason)
        run_event_append(run.pk, RunEventType.APPROVAL, {"approval": approval.pk, "restored": True})
        audit_log(
            "run.approval_restored",
            actor=actor,
            workspace=run.workspace_id,
            target=run,
            changes={"approval": [None, approval.pk]},
        )
    return approval


# --- Questions ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InputAsk:
    """Questions a run asks, and the step number their answers will take."""

    step: int
    questions: list[dict[str, Any]]


def _input_open(run: Run, ask: InputAsk) -> InputRequest:
    expires = timezone.now() + timedelta(hours=settings.RAPTORFLOW_INPUT_TTL_HOURS)
    return InputRequest.objects.create(run=run, step_sequence=ask.step, questions=ask.questions, expires_at=expires)


def input_pending(run: Run) -> InputRequest | None:
    """The questions the run waits on, if it does."""
    return InputRequest.objects.filter(run=run, status=InputRequestStatus.PENDING).first()


def input_answered(run_id: RunId, ask: InputAsk) -> InputRequest | None:
    """The answered request of these very questions at this step, if a person answered them."""
    answered = InputRequest.objects.filter(run_id=run_id, step_sequence=ask.step, status=InputRequestStatus.ANSWERED)
    return next((request for request in answered.order_by("-answered_at") if request.questions == ask.questions), None)


def input_close(
    request: InputRequest, *, status: InputRequestStatus, actor: Actor, answers: dict[str, Any] | None = None
) -> bool:
    """Close a pending request: answered (with the answers), expired or cancelled. False if closed already."""
    return bool(
        InputRequest.objects.filter(pk=request.pk, status=InputRequestStatus.PENDING).update(
            status=status, answers=answers, answered_by=actor.user, answered_at=timezone.now()
        )
    )


def inputs_cancel_pending(run: Run, *, actor: Actor) -> int:
    """Close whatever questions the run still waits on (it was cancelled)."""
    return InputRequest.objects.filter(run=run, status=InputRequestStatus.PENDING).update(
        status=InputRequestStatus.CANCELLED, answered_by=actor.user, answered_at=timezone.now()
    )
