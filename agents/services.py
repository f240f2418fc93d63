"""Writes for agents, versions and runs. Each is atomic and audited.

Run state changes go through ``run_transition``: one conditional UPDATE
(``WHERE status IN (...)``), so the web process and a worker can never
overwrite each other's transition, and a final state never changes again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from raptorflow import context, metrics
from raptorflow.accounts.schemas import schema_errors
from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log
from raptorflow.db import update_returning

from .choices import FINAL_STATES, ApprovalStatus, RunStatus, VersionStatus
from .models import Agent, AgentVersion, Approval, Run, RunEvent, WorkspaceSpend
from .safety import injection_flags
from .selectors import agent_cache_forget, agentversion_active, month_start, workspace_month_spend

logger = logging.getLogger(__name__)

_VERSION_FIELDS = (
    "system_prompt",
    "model_chain",
    "temperature",
    "max_tokens",
    "cache_responses",
    "input_schema",
    "output_schema",
    "routing_examples",
    "run_budget",
    "timeout_seconds",
    "requires_approval",
)


class RunError(Exception):
    """A run request that cannot be honoured. ``code`` is machine-readable, ``message`` is for people."""

    def __init__(self, code: str, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors or []


class RunStateError(RunError):
    """The run is not in a state that allows the requested change."""


class RunInputError(RunError):
    """The agent cannot run, or the input does not match its schema."""


class IdempotencyConflictError(RunError):
    """The Idempotency-Key was used before with a different request."""


class BudgetExceededError(RunError):
    """The workspace has spent its monthly budget."""


class InputTooLargeError(RunError):
    """The run's input is larger than RAPTORFLOW_MAX_RUN_INPUT_BYTES."""


# --- Agent versions ------------------------------------------------------------


@transaction.atomic
def agentversion_create_draft(*, agent, actor: Actor, from_version: AgentVersion | None = None, **overrides: Any):
    """A new draft, copied from ``from_version`` (default: the latest version) with ``overrides`` applied."""
    source = from_version or agent.versions.order_by("-number").first()
    values = {field: getattr(source, field) for field in _VERSION_FIELDS} if source else {}
    values.update(overrides)
    number = (agent.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = AgentVersion.objects.create(agent=agent, number=number, created_by=actor.user, **values)
    if source is not None:
        draft.skills.set(source.skills.all())
    audit_log(
        "agentversion.create",
        actor=actor,
        target=draft,
        changes={"from_version": [None, source.number if source else None]},
    )
    return draft


@transaction.atomic
def agentversion_update(*, version: AgentVersion, actor: Actor, **fields: Any) -> AgentVersion:
    """Change a draft; audited with a before/after diff. A published version refuses (PublishedVersionError)."""
    before = {name: getattr(version, name) for name in fields}
    for name, value in fields.items():
        setattr(version, name, value)
    version.save()
    changes = {name: [before[name], value] for name, value in fields.items() if before[name] != value}
    if changes:
        audit_log("agentversion.update", actor=actor, target=version, changes=changes)
    return version


@transaction.atomic
def agentversion_publish(*, version: AgentVersion, actor: Actor) -> bool:
    """Publish a draft; it becomes the version new runs of its agent use. False if already published."""
    now = timezone.now()
    updated = AgentVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).update(
        status=VersionStatus.PUBLISHED, published_at=now, published_by=actor.user
    )
    if not updated:
        return False
    version.status, version.published_at, version.published_by = VersionStatus.PUBLISHED, now, actor.user
    agent_cache_forget(version.agent.slug)  # update() sends no post_save: new runs must see the new version
    audit_log("agentversion.publish", actor=actor, target=version, changes={"status": ["draft", "published"]})
    return True


# --- Runs ------------------------------------------------------------------------


def run_event_sequence_next(runs: QuerySet[Run], **fields: Any) -> int | None:
    """Update the run matched by ``runs`` with ``fields`` and take its next event sequence number, in one
    statement (UPDATE … RETURNING). None when no run matched (the conditions in ``runs`` did not hold).

    The counter lives on the run row; incrementing it takes the row lock, so two writers (web and worker)
    get distinct, gap-free sequence numbers. Call it in the transaction that inserts the event.
    """
    bumped = update_returning(runs, ("last_event_seq",), last_event_seq=F("last_event_seq") + 1, **fields)
    return bumped[0][0] if bumped else None


def run_event_append(run_id, event_type: str, data: dict[str, Any] | None = None) -> RunEvent:
    """Append an event to a run's stream with the next sequence number."""
    # No savepoint inside a caller's transaction: an error here fails the caller's transaction as a whole.
    with transaction.atomic(savepoint=False):
        sequence = run_event_sequence_next(Run.objects.filter(pk=run_id))
        if sequence is None:
            raise Run.DoesNotExist(f"Run {run_id} does not exist.")
        return RunEvent.objects.create(run_id=run_id, sequence=sequence, type=event_type, data=data or {})


def run_charge(run: Run, *, cost: Decimal, tokens_in: int = 0, tokens_out: int = 0) -> None:
    """Add an LLM call's usage to the run and its cost to the workspace's month: one transaction."""
    with transaction.atomic():
        Run.objects.filter(pk=run.pk).update(
            tokens_in=F("tokens_in") + tokens_in, tokens_out=F("tokens_out") + tokens_out, cost=F("cost") + cost
        )
        if cost:
            _spend_add(run.workspace_id, month_start(run.created_at), cost)


def _spend_add(workspace_id: int, month, amount: Decimal) -> None:
    ledger = WorkspaceSpend.objects.filter(workspace_id=workspace_id, month=month)
    if ledger.update(amount=F("amount") + amount):
        return
    try:
        with transaction.atomic():  # a savepoint: another writer may create the month's row first
            WorkspaceSpend.objects.create(workspace_id=workspace_id, month=month, amount=amount)
    except IntegrityError:
        ledger.update(amount=F("amount") + amount)


def run_transition(
    run: Run,
    *,
    to: str,
    allowed_from: frozenset[str] | set[str],
    actor: Actor,
    data: dict[str, Any] | None = None,
    expected_attempt: int | None = None,
    **fields: Any,
) -> bool:
    """Move ``run`` to ``to`` if it is in one of ``allowed_from``. Returns whether it moved.

    ``expected_attempt`` makes a worker's transition conditional on the run
    still being its attempt, so a worker the sweeper gave up on cannot finish
    a run that another worker now owns. Writes a ``status`` RunEvent and an
    AuditEvent in the same transaction.
    """
    assert not (set(allowed_from) & FINAL_STATES), "final states never change"
    now = timezone.now()
    if to in FINAL_STATES:
        fields.setdefault("finished_at", now)
    with transaction.atomic():
        matching = Run.objects.filter(pk=run.pk, status__in=allowed_from)
        if expected_attempt is not None:
            matching = matching.filter(attempt=expected_attempt)
        sequence = run_event_sequence_next(matching, status=to, updated_at=now, **fields)  # the move and its event
        if sequence is None:
            return False
        previous = run.status
        run.status, run.last_event_seq = to, sequence
        for name, value in fields.items():
            setattr(run, name, value)
        RunEvent.objects.create(run_id=run.pk, sequence=sequence, type="status", data={"status": to, **(data or {})})
        if to in FINAL_STATES:
            metrics.run_final(_agent_slug(run), to)
        audit_log(
            f"run.{to}",
            actor=actor,
            workspace=run.workspace_id,
            target=run,
            changes={"status": [previous, to], **({"detail": data} if data else {})},
        )
    return True


def _agent_slug(run: Run) -> str:
    """The run's agent, from the loaded version when there is one (the worker's run), else from the database."""
    if Run.agent_version.is_cached(run) and AgentVersion.agent.is_cached(run.agent_version):
        return run.agent_version.agent.slug
    return Run.objects.filter(pk=run.pk).values_list("agent_version__agent__slug", flat=True).get()


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
            if run_transition(run, to=RunStatus.CANCELLING, allowed_from={RunStatus.RUNNING}, actor=actor, data=data):
                return run.status
            continue
        with transaction.atomic():
            if run_transition(
                run,
                to=RunStatus.CANCELLED,
                allowed_from={RunStatus.QUEUED, RunStatus.AWAITING_APPROVAL},
                actor=actor,
                data=data,
                error_code="cancelled",
                error_message=reason or "Cancelled.",
            ):
                Approval.objects.filter(run=run, status=ApprovalStatus.PENDING).update(
                    status=ApprovalStatus.REJECTED, decided_by=actor.user, decided_at=timezone.now(), comment=reason
                )
                return run.status
    raise RunStateError("run_busy", "The run kept changing state; try again.")


# --- Registry sync ----------------------------------------------------------------


@transaction.atomic
def agent_sync(*, actor: Actor, default_chain: list[dict[str, str]]) -> dict[str, int]:
    """Mirror every AgentSpec into an Agent; give an agent with no versions a published v1 from code.

    Existing versions are staff's and are never changed. Idempotent.
    """
    from skills.models import Skill

    from . import registry
    from .models import Agent

    counts = {"agents_created": 0, "versions_created": 0}
    for spec in registry.all_specs():
        agent, created = Agent.objects.update_or_create(
            slug=spec.slug, defaults={"name": spec.name, "category": spec.category, "description": spec.description}
        )
        counts["agents_created"] += created
        if agent.versions.exists():
            continue
        version = AgentVersion.objects.create(
            agent=agent,
            number=1,
            system_prompt=spec.system_prompt,
            model_chain=default_chain,
            temperature=spec.temperature,
            max_tokens=spec.max_tokens,
            input_schema=spec.input_schema,
            output_schema=spec.output_schema,
            routing_examples=list(spec.routing_examples),
            requires_approval=spec.requires_approval,
            notes="Version 1, from code.",
        )
        version.skills.set(Skill.objects.filter(slug__in=spec.skills))
        agentversion_publish(version=version, actor=actor)
        counts["versions_created"] += 1
    return counts


# --- Creating and deciding runs ----------------------------------------------------


def _request_hash(agent: Agent, data: dict[str, Any]) -> str:
    canonical = json.dumps({"agent": agent.slug, "input": data}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotent_replay(workspace, key: str, request_hash: str) -> Run | None:
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


def _check_budget(workspace) -> None:
    spent = workspace_month_spend(workspace)
    if spent > 0 and spent >= workspace.monthly_budget:
        raise BudgetExceededError(
            "budget_exceeded",
            f"The workspace has spent ${spent:.2f} of its ${workspace.monthly_budget:.2f} monthly budget.",
        )


def run_create(
    *,
    workspace,
    agent: Agent,
    input: dict[str, Any],
    actor: Actor,
    idempotency_key: str = "",
    routing: dict[str, Any] | None = None,
    flags: list[str] | None = None,
) -> tuple[Run, bool]:
    """Validate, check the budget, insert, audit and enqueue a run. Returns (run, created).

    With an ``idempotency_key``, the same key and request return the first run
    (``created`` False); the same key with another request is a conflict.
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
    flags = sorted({*(flags or []), *injection_flags(input)})
    try:
        with transaction.atomic():
            # A new run's first event is known: write it directly rather than through run_event_append.
            run = Run.objects.create(
                workspace=workspace,
                agent_version=version,
                requested_by=actor.user,
                api_key=actor.api_key,
                input=input,
                idempotency_key=idempotency_key,
                request_hash=request_hash,
                request_id=context.current().request_id,
                routing=routing,
                flags=flags,
                last_event_seq=1,
            )
            RunEvent.objects.create(run=run, sequence=1, type="status", data={"status": RunStatus.QUEUED})
            audit_log("run.create", actor=actor, workspace=workspace, target=run, changes={"agent": [None, agent.slug]})
            if flags:
                audit_log("run.flagged", actor=actor, workspace=workspace, target=run, changes={"flags": [None, flags]})
            transaction.on_commit(lambda: run_enqueue(run))
    except IntegrityError:
        # The unique (workspace, idempotency key) refused the insert: the key was used before, or by a request
        # racing this one. The first run answers (same request) or it is a conflict (another request).
        replay = _idempotent_replay(workspace, idempotency_key, request_hash) if idempotency_key else None
        if replay is None:
            raise
        return replay, False
    return run, True


def run_enqueue(run: Run) -> bool:
    """Send the run to a worker. A broker failure is logged, not raised: the sweeper re-enqueues queued runs."""
    from .tasks import execute_run_task

    limit = run.agent_version.timeout_seconds
    try:
        execute_run_task.apply_async(
            args=[str(run.pk)], queue="runs", soft_time_limit=limit + 30, time_limit=limit + 60
        )
    except Exception:  # the broker is down or unreachable; the database still has the run
        logger.warning("Could not enqueue run %s; the sweeper will retry", run.pk, exc_info=True)
        return False
    return True


def _approval_pending(run: Run) -> Approval:
    approval = Approval.objects.filter(run=run, status=ApprovalStatus.PENDING).first()
    if approval is None or run.status != RunStatus.AWAITING_APPROVAL:
        raise RunStateError("not_awaiting_approval", "The run is not waiting for an approval.")
    return approval


@transaction.atomic
def run_approve(*, run: Run, actor: Actor, comment: str = "") -> Run:
    """Approve a gated run: its proposed output becomes its result."""
    run.refresh_from_db()
    approval = _approval_pending(run)
    Approval.objects.filter(pk=approval.pk).update(
        status=ApprovalStatus.APPROVED, decided_by=actor.user, decided_at=timezone.now(), comment=comment
    )
    approved = {"approval": approval.pk, "comment": comment} if comment else {"approval": approval.pk}
    moved = run_transition(
        run, to=RunStatus.RUNNING, allowed_from={RunStatus.AWAITING_APPROVAL}, actor=actor, data=approved
    ) and run_transition(run, to=RunStatus.SUCCEEDED, allowed_from={RunStatus.RUNNING}, actor=actor)
    if not moved:
        raise RunStateError("not_awaiting_approval", "The run changed state before it could be approved.")
    return run


@transaction.atomic
def run_reject(*, run: Run, actor: Actor, comment: str = "") -> Run:
    """Reject a gated run: it ends cancelled and its proposed output is kept for reference only."""
    run.refresh_from_db()
    approval = _approval_pending(run)
    Approval.objects.filter(pk=approval.pk).update(
        status=ApprovalStatus.REJECTED, decided_by=actor.user, decided_at=timezone.now(), comment=comment
    )
    run_transition(
        run,
        to=RunStatus.CANCELLED,
        allowed_from={RunStatus.AWAITING_APPROVAL},
        actor=actor,
        data={"approval": approval.pk, "rejected": True, "comment": comment},
        error_code="rejected",
        error_message=comment or "The output was rejected.",
    )
    return run


def approval_request(run: Run, *, reason: str) -> Approval:
    expires = timezone.now() + timedelta(hours=settings.RAPTORFLOW_APPROVAL_TTL_HOURS)
    return Approval.objects.create(run=run, reason=reason, expires_at=expires)
