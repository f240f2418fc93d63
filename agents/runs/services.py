"""Writes a caller asks for: create a run, cancel it, approve or reject its output, and send it to a worker.

Each checks what it must (schema, budget, idempotency, the run's state) and
then asks the lifecycle (agents/runs/lifecycle.py) to make the change, which
audits it. The worker's task is sent by name, so nothing here imports a task
module (and so the task module may import this one).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from agents.choices import FINAL_STATES, ApprovalStatus, InputRequestStatus, RunStatus
from agents.models import Agent, AgentVersion, Approval, Run, Schedule
from agents.safety import injection_flags
from agents.selectors import agentversion_active, agentversion_published, workspace_month_spend
from raptorflow import context, tracing
from raptorflow.audit.actors import Actor
from raptorflow.audit.choices import Outcome
from raptorflow.audit.services import audit_log
from raptorflow.celery import app
from raptorflow.jsonschema import schema_errors, validator_for
from raptorflow.queues import QueueName

from . import lifecycle
from .errors import (
    AnswersError,
    BudgetExceededError,
    IdempotencyConflictError,
    InputTooLargeError,
    RunError,
    RunInputError,
    RunStateError,
    SelfApprovalError,
)

logger = logging.getLogger(__name__)

EXECUTE_RUN_TASK = "agents.execute_run"  # agents/tasks.py; a wire name, snapshotted by the task-name test


# --- Creating a run ---------------------------------------------------------------------------------


def _request_hash(agent: Agent, data: dict[str, Any]) -> str:
    canonical = json.dumps({"agent": agent.slug, "input": data}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotent_replay(workspace: Any, key: str, request_hash: str) -> Run | None:
    existing = Run.objects.filter(workspace=workspace, idempotency_key=key).first()
    if existing is not None and existing.request_hash != request_hash:
        raise IdempotencyConflictError(
            "idempotency_conflict",
            "This Idempotency-Key was already used with a different request; use a new key for a new run.",
        )
    return existing


def _check_input(agent: Agent, data: Any) -> AgentVersion:
    size = len(json.dumps(data, separators=(",", ":"), default=str).encode())
    if size > settings.RAPTORFLOW_MAX_RUN_INPUT_BYTES:
        raise InputTooLargeError(
            "input_too_large",
            f"The input is {size} bytes; a run takes at most {settings.RAPTORFLOW_MAX_RUN_INPUT_BYTES}.",
        )
    version = agentversion_active(agent) if agent.enabled else None
    if version is None:
        raise RunInputError("agent_unavailable", f"Agent '{agent.slug}' is disabled or has no published version.")
    if not isinstance(data, dict):
        raise RunInputError("invalid_input", "The input must be a JSON object.")
    errors = schema_errors(version.input_validator, data)
    if errors:
        raise RunInputError("invalid_input", f"The input does not match {agent.slug}'s input schema.", errors)
    return version


def _check_budget(workspace: Any) -> None:
    spent = workspace_month_spend(workspace)
    if spent > 0 and spent >= workspace.monthly_budget:
        raise BudgetExceededError(
            "budget_exceeded",
            f"The workspace has spent ${spent:.2f} of its ${workspace.monthly_budget:.2f} monthly budget.",
        )


def run_create(
    *,
    workspace: Any,
    agent: Agent,
    input: dict[str, Any],
    actor: Actor,
    idempotency_key: str = "",
    routing: dict[str, Any] | None = None,
    flags: list[str] | None = None,
    schedule: Schedule | None = None,
) -> tuple[Run, bool]:
    """Validate, check the budget, insert, audit and enqueue a run. Returns (run, created).

    With an ``idempotency_key``, the same key and request return the first run
    (``created`` False); the same key with another request is a conflict. ``schedule``: the schedule that
    starts it (agents/schedules), recorded on the run.
    """
    request_hash = _request_hash(agent, input)
    try:
        version = _check_input(agent, input)
        _check_budget(workspace)
    except RunError:
        # A retried request whose run exists gets that run back, whatever changed since (budget, versions).
        if idempotency_key and (replay := _idempotent_replay(workspace, idempotency_key, request_hash)):
            return replay, False
        raise
    return _insert(
        workspace=workspace,
        version=version,
        input=input,
        actor=actor,
        request_hash=request_hash,
        changes={"agent": [None, agent.slug]},
        idempotency_key=idempotency_key,
        flags=flags,
        routing=routing,
        schedule=schedule,
    )


def run_follow_up(
    *,
    parent: Run,
    actor: Actor,
    instructions: str,
    input_changes: dict[str, Any] | None = None,
    idempotency_key: str = "",
    pipeline_step: str = "",
) -> tuple[Run, bool]:
    """Start a follow-up of a finished run: the same agent version, the parent's input with ``input_changes``
    laid over it (top-level fields), and the parent's input and output as context for the model, with the
    ``instructions`` (agents/runs/model.py). Returns (run, created), idempotent as ``run_create``.

    The parent must have succeeded: a follow-up revises a result, and a run that failed has none to revise."""
    if parent.status != RunStatus.SUCCEEDED:
        raise RunStateError("not_succeeded", "Only a run that succeeded can be followed up; start a new run instead.")
    version = agentversion_active_or(parent.agent_version)
    data = {**parent.input, **(input_changes or {})}
    request_hash = _request_hash(version.agent, {"follow_up": str(parent.pk), "instructions": instructions, **data})
    if idempotency_key and (replay := _idempotent_replay(parent.workspace, idempotency_key, request_hash)):
        return replay, False
    errors = schema_errors(version.input_validator, data)
    if errors:
        raise RunInputError(
            "invalid_input", f"The input with the changes does not match {version.agent.slug}'s input schema.", errors
        )
    _check_budget(parent.workspace)
    return _insert(
        workspace=parent.workspace,
        version=version,
        input=data,
        actor=actor,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        parent=parent,
        instructions=instructions,
        pipeline_run_id=parent.pipeline_run_id if pipeline_step else None,
        pipeline_step=pipeline_step,
        changes={"agent": [None, version.agent.slug], "parent": [None, str(parent.pk)]},
    )


def run_create_step(
    *, workspace: Any, version: AgentVersion, input: dict[str, Any], actor: Actor, pipeline_run_id: Any, step: str
) -> Run:
    """Insert a pipeline step's run (its input checked by the caller against ``version``), audited, enqueued on
    commit. The pipeline's budget, not this call, decides what it may spend (agents/pipelines/ledger.py)."""
    run, _ = _insert(
        workspace=workspace,
        version=version,
        input=input,
        actor=actor,
        request_hash=_request_hash(version.agent, input),
        pipeline_run_id=pipeline_run_id,
        pipeline_step=step,
        changes={"agent": [None, version.agent.slug], "pipeline_step": [None, step]},
    )
    return run


def agentversion_active_or(version: AgentVersion) -> AgentVersion:
    """``version`` as the process memoises published versions (with the agent and a compiled validator)."""
    return agentversion_published(version.pk) or version


def _insert(
    *,
    workspace: Any,
    version: AgentVersion,
    input: dict[str, Any],
    actor: Actor,
    request_hash: str,
    changes: dict[str, Any],
    idempotency_key: str = "",
    flags: list[str] | None = None,
    **fields: Any,
) -> tuple[Run, bool]:
    """Insert a run (its input and budget checked by the caller) with its audit events, enqueued on commit. The
    unique (workspace, idempotency key) may refuse the insert: the key was used before, or by a request racing
    this one; the first run answers (the same request) or it is a conflict (another request)."""
    flags = sorted({*(flags or []), *injection_flags(input)})
    try:
        with transaction.atomic():
            run = lifecycle.run_insert(
                workspace=workspace,
                agent_version=version,
                requested_by=actor.user,
                api_key=actor.api_key,
                input=input,
                idempotency_key=idempotency_key,
                request_hash=request_hash,
                request_id=context.current().request_id,
                flags=flags,
                **fields,
            )
            audit_log("run.create", actor=actor, workspace=workspace, target=run, changes=changes)
            if flags:
                audit_log("run.flagged", actor=actor, workspace=workspace, target=run, changes={"flags": [None, flags]})
            transaction.on_commit(lambda: run_enqueue(run))
    except IntegrityError:
        replay = _idempotent_replay(workspace, idempotency_key, request_hash) if idempotency_key else None
        if replay is None:
            raise
        return replay, False
    return run, True


# --- Creating runs in a batch -----------------------------------------------------------------------

BATCH_MAX = 100


@dataclass(frozen=True)
class BatchItem:
    """One run request of a batch: its agent (None when the slug names no agent), input and idempotency key."""

    slug: str
    agent: Agent | None
    input: dict[str, Any]
    idempotency_key: str


@dataclass
class BatchResult:
    """The outcome of one item, as POST /runs would have answered it alone: 201 created, 200 the earlier run of
    the same key and request, or an error (its HTTP status, code, message and input errors)."""

    status: int
    run: Run | None = None
    error: RunError | None = None


def run_create_batch(*, workspace: Any, items: Sequence[BatchItem], actor: Actor) -> list[BatchResult]:
    """Create up to BATCH_MAX runs: each validated and budgeted as ``run_create`` does, the new ones inserted in
    one transaction (each with its first event and audit row) and enqueued in one publish after the commit.

    One result per item, in order. An item is refused on its own (unknown agent, input, conflict, budget) and
    never refuses the others. Idempotency as ``run_create``, per item: the same key and request give the
    earlier run (200); the same key with another request is a 409 for that item.
    """
    if len(items) > BATCH_MAX:
        raise ValueError(f"at most {BATCH_MAX} items")
    for _ in range(2):  # a racing request may take a key between the read and the insert: read again, once
        try:
            return _batch_attempt(workspace, items, actor)
        except IntegrityError:
            continue
    return _batch_attempt(workspace, items, actor)


def _batch_attempt(workspace: Any, items: Sequence[BatchItem], actor: Actor) -> list[BatchResult]:
    results: list[BatchResult | None] = [None] * len(items)
    hashes = [_request_hash(item.agent, item.input) if item.agent is not None else "" for item in items]
    keys = [item.idempotency_key for item in items if item.idempotency_key]
    earlier = {run.idempotency_key: run for run in Run.objects.filter(workspace=workspace, idempotency_key__in=keys)}
    budget: RunError | None = None
    try:
        _check_budget(workspace)
    except RunError as error:
        budget = error
    pending: list[tuple[int, AgentVersion, list[str]]] = []
    for index, item in enumerate(items):
        replay = earlier.get(item.idempotency_key) if item.idempotency_key else None
        if replay is not None:  # a retried item: its run answers (same request) or it is a conflict
            same = item.agent is not None and replay.request_hash == hashes[index]
            results[index] = BatchResult(200, run=replay) if same else BatchResult(409, error=_CONFLICT)
            continue
        if item.agent is None:
            message = f"No enabled agent has the slug '{item.slug[:50]}'."
            results[index] = BatchResult(422, error=RunInputError("agent_not_found", message))
            continue
        try:
            version = _check_input(item.agent, item.input)
            if budget is not None:
                raise budget
        except RunError as error:
            results[index] = BatchResult(error.http_status, error=error)
            continue
        pending.append((index, version, injection_flags(item.input)))
    created: list[Run] = []
    if pending:
        request_id = context.current().request_id
        with transaction.atomic():
            for index, version, flags in pending:
                item = items[index]
                run = lifecycle.run_insert(
                    workspace=workspace,
                    agent_version=version,
                    requested_by=actor.user,
                    api_key=actor.api_key,
                    input=item.input,
                    idempotency_key=item.idempotency_key,
                    request_hash=hashes[index],
                    request_id=request_id,
                    flags=flags,
                )
                changes = {"agent": [None, item.slug], "batch": [None, len(items)]}
                audit_log("run.create", actor=actor, workspace=workspace, target=run, changes=changes)
                if flags:
                    audit_log(
                        "run.flagged", actor=actor, workspace=workspace, target=run, changes={"flags": [None, flags]}
                    )
                results[index] = BatchResult(201, run=run)
                created.append(run)
            transaction.on_commit(lambda: runs_enqueue(created))
    return [result for result in results if result is not None]


_CONFLICT = IdempotencyConflictError(
    "idempotency_conflict",
    "This Idempotency-Key was already used with a different request; use a new key for a new run.",
)


def runs_enqueue(runs: Sequence[Run]) -> int:
    """Send many runs to the workers over one broker connection and channel (one producer). Returns how many were
    sent; a failure is logged and the rest are left to the sweeper, as ``run_enqueue`` does."""
    sent = 0
    try:
        with app.producer_or_acquire() as producer:
            for run in runs:
                limit = run.agent_version.timeout_seconds
                app.send_task(
                    EXECUTE_RUN_TASK,
                    args=[str(run.pk)],
                    queue=QueueName.RUNS,
                    soft_time_limit=limit + 30,
                    time_limit=limit + 60,
                    producer=producer,
                )
                sent += 1
    except Exception:  # the broker is down, unreachable or frozen; the database still has the runs
        logger.warning(
            "Could not enqueue %d of %d runs; the sweeper will retry", len(runs) - sent, len(runs), exc_info=True
        )
    return sent


def run_enqueue(run: Run) -> bool:
    """Send the run to a worker. A broker failure or a publish slower than the broker timeouts
    (settings/celery.py) is logged, not raised: the run is in the database and the sweeper sends it again.

    The message carries the run's trace (the Celery instrumentation puts the current context in its headers):
    a re-send by the sweeper or after an approval continues the trace the run started in, linked to the pass
    or the request that sent it again.
    """
    limit = run.agent_version.timeout_seconds
    try:
        with tracing.continued("run.enqueue", run.traceparent, {"raptorflow.run.id": str(run.pk)}):
            app.send_task(
                EXECUTE_RUN_TASK,
                args=[str(run.pk)],
                queue=QueueName.RUNS,
                soft_time_limit=limit + 30,
                time_limit=limit + 60,
            )
    except Exception:  # the broker is down, unreachable or frozen; the database still has the run
        logger.warning("Could not enqueue run %s; the sweeper will retry", run.pk, exc_info=True)
        return False
    return True


# --- Cancelling and deciding ------------------------------------------------------------------------


def run_cancel(*, run: Run, actor: Actor, reason: str = "") -> str:
    """Cancel a run from any non-final state. Returns the status it is left in.

    A queued or waiting run is cancelled at once; a running one is marked
    ``cancelling`` and its worker stops before its next step.
    """
    data = {"reason": reason} if reason else None
    for _ in range(3):  # the run may move between reading and updating; re-read and retry
        run.refresh_from_db(fields=["status"])
        if run.status in FINAL_STATES:
            raise RunStateError("run_final", f"The run has already finished ({run.status}).")
        if run.status == RunStatus.CANCELLING:
            return run.status
        if run.status == RunStatus.RUNNING:
            if lifecycle.run_transition(
                run, to=RunStatus.CANCELLING, allowed_from={RunStatus.RUNNING}, actor=actor, data=data
            ):
                return run.status
            continue
        with transaction.atomic():
            if lifecycle.run_transition(
                run,
                to=RunStatus.CANCELLED,
                allowed_from={RunStatus.QUEUED, RunStatus.AWAITING_APPROVAL, RunStatus.AWAITING_INPUT},
                actor=actor,
                data=data,
                error_code="cancelled",
                error_message=reason or "Cancelled.",
            ):
                lifecycle.approvals_reject_pending(run, actor=actor, comment=reason)
                lifecycle.inputs_cancel_pending(run, actor=actor)
                return run.status
    raise RunStateError("run_busy", "The run kept changing state; try again.")


def _may_decide(run: Run, actor: Actor) -> dict[str, Any]:
    """Separation of duties: refuse (audited, committed on its own) when the person or key that started the run
    decides on it, unless its version allows self-approval; else what the decision's audit records of them."""
    own = started_it(run, actor)
    if own and not run.agent_version.allow_self_approval:
        audit_log(
            "run.self_approval_refused", actor=actor, workspace=run.workspace_id, target=run, outcome=Outcome.DENIED
        )
        raise SelfApprovalError(
            "self_approval",
            "The person or key that started this run cannot decide on it; another admin, owner or key with "
            "runs:approve must (or the agent version must allow self-approval).",
        )
    return {"self_approval": True} if own else {}


def _approval_to_decide(run: Run) -> Approval:
    run.refresh_from_db()
    approval = lifecycle.approval_pending(run)
    if approval is None or run.status != RunStatus.AWAITING_APPROVAL:
        raise RunStateError("not_awaiting_approval", "The run is not waiting for an approval.")
    return approval


def started_it(run: Run | Any, actor: Actor) -> bool:
    """Whether the deciding person or key is the one that started the run (a key counts as its creator too).
    Anything started by a person or key (``requested_by_id``, ``api_key_id``) is judged the same: a pipeline run."""
    if actor.api_key is not None and actor.api_key.pk == run.api_key_id:
        return True
    return actor.user is not None and actor.user.pk == run.requested_by_id


def run_approve(*, run: Run, actor: Actor, comment: str = "") -> Run:
    """Approve a gated run. A gate on the output: the proposed output becomes the result. A gate on one call of
    the model's: the run goes back to the queue, and its worker resumes where it stopped (the steps before the
    gate are replayed from their records, not made again) and makes that call."""
    who = _may_decide(run, actor)
    with transaction.atomic():
        approval = _approval_to_decide(run)
        approved = {"approval": approval.pk, **who} | ({"comment": comment} if comment else {})
        closed = lifecycle.approval_close(approval, status=ApprovalStatus.APPROVED, actor=actor, comment=comment)
        moved = closed and (
            _resume_after_call_gate(run, actor, approved) if approval.call else _accept_output(run, actor, approved)
        )
        if not moved:  # inside the transaction: the approval's close is rolled back with it
            raise RunStateError("not_awaiting_approval", "The run changed state before it could be approved.")
    return run


def _accept_output(run: Run, actor: Actor, approved: dict[str, Any]) -> bool:
    return lifecycle.run_transition(
        run, to=RunStatus.RUNNING, allowed_from={RunStatus.AWAITING_APPROVAL}, actor=actor, data=approved
    ) and lifecycle.run_transition(run, to=RunStatus.SUCCEEDED, allowed_from={RunStatus.RUNNING}, actor=actor)


def _resume_after_call_gate(run: Run, actor: Actor, approved: dict[str, Any]) -> bool:
    if not lifecycle.run_transition(
        run, to=RunStatus.QUEUED, allowed_from={RunStatus.AWAITING_APPROVAL}, actor=actor, data=approved
    ):
        return False
    transaction.on_commit(lambda: run_enqueue(run))
    return True


def run_reject(*, run: Run, actor: Actor, comment: str = "") -> Run:
    """Reject a gated run: it ends cancelled and its proposed output is kept for reference only."""
    who = _may_decide(run, actor)
    with transaction.atomic():
        approval = _approval_to_decide(run)
        lifecycle.approval_close(approval, status=ApprovalStatus.REJECTED, actor=actor, comment=comment)
        lifecycle.run_transition(
            run,
            to=RunStatus.CANCELLED,
            allowed_from={RunStatus.AWAITING_APPROVAL},
            actor=actor,
            data={"approval": approval.pk, "rejected": True, "comment": comment, **who},
            error_code="rejected",
            error_message=comment or "The output was rejected.",
        )
    return run


# --- Answering a run's questions ---------------------------------------------------------------------------


@transaction.atomic
def run_answer(*, run: Run, actor: Actor, answers: Any) -> Run:
    """Answer the questions a run waits on: checked against each question, then the run goes back to the queue
    and continues where it asked (its earlier steps are replayed from their records, not made again)."""
    run.refresh_from_db()
    request = lifecycle.input_pending(run)
    if request is None or run.status != RunStatus.AWAITING_INPUT:
        raise RunStateError("not_awaiting_input", "The run is not waiting for answers.")
    errors = answer_errors(request.questions, answers)
    if errors:
        raise AnswersError("invalid_answers", "The answers do not fit the run's questions.", errors)
    answered = {"input_request": request.pk}
    moved = lifecycle.input_close(
        request, status=InputRequestStatus.ANSWERED, actor=actor, answers=answers
    ) and lifecycle.run_transition(
        run, to=RunStatus.QUEUED, allowed_from={RunStatus.AWAITING_INPUT}, actor=actor, data=answered
    )
    if not moved:
        raise RunStateError("not_awaiting_input", "The run changed state before it could be answered.")
    transaction.on_commit(lambda: run_enqueue(run))
    return run


def answer_errors(questions: list[dict[str, Any]], answers: Any) -> list[str]:
    """What is wrong with ``answers`` (an object by question key): missing required ones, unknown keys, and
    answers that miss their question's schema, each prefixed with the key."""
    if not isinstance(answers, dict):
        return ["(root): the answers must be an object with one entry per question key"]
    keys = {question["key"] for question in questions}
    errors = [f"{key}: not a question of this run" for key in sorted(set(answers) - keys)]
    for question in questions:
        key = question["key"]
        if key not in answers:
            errors += [f"{key}: an answer is required"] if question.get("required", True) else []
        elif question.get("schema"):
            errors += [f"{key}/{error}" for error in schema_errors(validator_for(question["schema"]), answers[key])]
    return errors
