"""Writes for agents, versions and runs. Each is atomic and audited.

Run state changes go through ``run_transition``: one conditional UPDATE
(``WHERE status IN (...)``), so the web process and a worker can never
overwrite each other's transition, and a final state never changes again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log

from .choices import FINAL_STATES, ApprovalStatus, RunStatus, VersionStatus
from .models import AgentVersion, Approval, Run, RunEvent

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


class RunStateError(Exception):
    """The run is not in a state that allows the requested change."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


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
def agentversion_publish(*, version: AgentVersion, actor: Actor) -> bool:
    """Publish a draft; it becomes the version new runs of its agent use. False if already published."""
    now = timezone.now()
    updated = AgentVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).update(
        status=VersionStatus.PUBLISHED, published_at=now, published_by=actor.user
    )
    if not updated:
        return False
    version.status, version.published_at, version.published_by = VersionStatus.PUBLISHED, now, actor.user
    audit_log("agentversion.publish", actor=actor, target=version, changes={"status": ["draft", "published"]})
    return True


# --- Runs ------------------------------------------------------------------------


def run_event_append(run_id, event_type: str, data: dict[str, Any] | None = None) -> RunEvent:
    """Append an event to a run's stream with the next sequence number.

    The counter lives on the run row; incrementing it takes the row lock, so
    two writers (web and worker) get distinct, gap-free sequence numbers.
    """
    with transaction.atomic():
        Run.objects.filter(pk=run_id).update(last_event_seq=F("last_event_seq") + 1)
        sequence = Run.objects.filter(pk=run_id).values_list("last_event_seq", flat=True).get()
        return RunEvent.objects.create(run_id=run_id, sequence=sequence, type=event_type, data=data or {})


def run_transition(
    run: Run,
    *,
    to: str,
    allowed_from: frozenset[str] | set[str],
    actor: Actor,
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> bool:
    """Move ``run`` to ``to`` if it is in one of ``allowed_from``. Returns whether it moved.

    Writes a ``status`` RunEvent and an AuditEvent in the same transaction.
    """
    assert not (set(allowed_from) & FINAL_STATES), "final states never change"
    now = timezone.now()
    if to in FINAL_STATES:
        fields.setdefault("finished_at", now)
    with transaction.atomic():
        moved = Run.objects.filter(pk=run.pk, status__in=allowed_from).update(status=to, updated_at=now, **fields)
        if not moved:
            return False
        previous = run.status
        run.status = to
        for name, value in fields.items():
            setattr(run, name, value)
        run_event_append(run.pk, "status", {"status": to, **(data or {})})
        audit_log(
            f"run.{to}",
            actor=actor,
            workspace=run.workspace_id,
            target=run,
            changes={"status": [previous, to], **({"detail": data} if data else {})},
        )
    return True


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
