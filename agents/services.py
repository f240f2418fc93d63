"""Writes for agents and their versions: drafts, edits, publishing, and mirroring the registry in code.

Each is atomic and audited. Runs have their own package (agents/runs/).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from raptorflow.audit.actors import Actor
from raptorflow.audit.choices import Outcome
from raptorflow.audit.services import audit_log
from raptorflow.errors import ServiceError
from skills.models import Skill

from . import registry
from .choices import VersionStatus
from .evals.errors import GateError, OverrideNotAllowedError
from .evals.gate import may_override, publish_refusal
from .models import Agent, AgentVersion, GateOverride
from .selectors import agent_cache_forget

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
    "allow_self_approval",
    "model_tools",
    "max_tool_iterations",
    "stream",
)


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


def agentversion_publish(*, version: AgentVersion, actor: Actor, override_reason: str = "") -> bool:
    """Publish a draft; it becomes the version new runs of its agent use. False if already published.

    The gate (agents/evals/gate.py) comes first: a version that is not runnable is refused (GateError
    ``version_not_runnable``), and when the agent names a gating dataset, a version whose experiment on it is
    missing, stale or worse than the published version's is refused (``eval_missing``, ``eval_stale``,
    ``eval_regression``, naming the regressed cases). An owner may publish over the evaluation gate (never over
    runnability) with a written reason: audited, and kept on the version (GateOverride). Every refusal is audited
    on its own, whatever the caller's transaction does next.
    """
    if AgentVersion.objects.filter(pk=version.pk, status=VersionStatus.PUBLISHED).exists():
        return False
    refusal = publish_refusal(version)
    reason = override_reason.strip()
    if refusal is not None and (refusal.code == "version_not_runnable" or not reason):
        _refused(version, actor, refusal)
        raise refusal
    if refusal is not None and not may_override(actor):
        error = OverrideNotAllowedError(
            "override_not_allowed", "Only an owner (the override_eval_gate permission) may publish over the gate."
        )
        _refused(version, actor, error)
        raise error
    return _publish(version, actor, override=(reason, refusal) if refusal is not None else None)


def _refused(version: AgentVersion, actor: Actor, error: ServiceError) -> None:
    changes = {"code": error.code, "message": error.message, **({"errors": error.errors} if error.errors else {})}
    audit_log("agentversion.publish_refused", actor=actor, target=version, changes=changes, outcome=Outcome.DENIED)


@transaction.atomic
def _publish(version: AgentVersion, actor: Actor, *, override: tuple[str, GateError] | None = None) -> bool:
    now = timezone.now()
    updated = AgentVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).update(
        status=VersionStatus.PUBLISHED, published_at=now, published_by=actor.user
    )
    if not updated:
        return False
    version.status, version.published_at, version.published_by = VersionStatus.PUBLISHED, now, actor.user
    agent_cache_forget(version.agent.slug)  # update() sends no post_save: new runs must see the new version
    audit_log("agentversion.publish", actor=actor, target=version, changes={"status": ["draft", "published"]})
    if override is not None:
        reason, refusal = override
        GateOverride.objects.create(
            version=version,
            reason=reason,
            overridden_by=actor.user,
            refusal=refusal.as_record(),
            experiment_id=refusal.details.get("experiment"),
        )
        audit_log(
            "agentversion.gate_override",
            actor=actor,
            target=version,
            changes={"reason": [None, reason], "refusal": refusal.as_record()},
        )
    return True


# --- Registry sync ----------------------------------------------------------------


# What a version made from code keeps of the latest published version: how staff run the agent (providers,
# budgets, limits, switches), as opposed to what the agent is (its prompt, schemas and skills, from code).
_OPERATIONAL_FIELDS = (
    "model_chain",
    "cache_responses",
    "run_budget",
    "timeout_seconds",
    "stream",
    "allow_self_approval",
)


@transaction.atomic
def agent_sync(*, actor: Actor, default_chain: list[dict[str, str]]) -> dict[str, int]:
    """Mirror every AgentSpec into an Agent, and publish a version from code whenever the code changed.

    An agent without versions gets v1 from code (with ``default_chain``). When the code's spec has changed since
    the last version made from it (its ``code_digest``), a new version is made from code and published: the
    agent's prompt, schemas, skills and model settings come from the code, and how staff run it (the model
    chain, budgets, limits, switches) is kept from the latest published version. New runs need the new schemas:
    a run of new code against an old version's output schema would fail. Versions are never changed; staff's
    drafts are left alone. Idempotent.
    """
    counts = {"agents_created": 0, "versions_created": 0}
    for spec in registry.all_specs():
        agent, created = Agent.objects.update_or_create(
            slug=spec.slug, defaults={"name": spec.name, "category": spec.category, "description": spec.description}
        )
        counts["agents_created"] += created
        counts["versions_created"] += _sync_version(agent, spec, actor, default_chain)
    return counts


def _sync_version(agent: Agent, spec: registry.AgentSpec, actor: Actor, default_chain: list[dict[str, str]]) -> int:
    digest = spec.digest()
    versions = agent.versions.order_by("-number")
    made_from_code = versions.exclude(code_digest="").first()
    if made_from_code is not None and made_from_code.code_digest == digest:
        return 0
    if made_from_code is None and versions.exists():
        return 0  # only staff's versions (an agent staff made, or rows from before digests): theirs to change
    latest = versions.filter(status=VersionStatus.PUBLISHED).first()
    kept = {name: getattr(latest, name) for name in _OPERATIONAL_FIELDS} if latest else {"model_chain": default_chain}
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    notes = f"Version {number}, from code" + (
        f"; kept v{latest.number}'s model chain, budgets and switches." if latest else "."
    )
    version = AgentVersion.objects.create(
        agent=agent,
        number=number,
        system_prompt=spec.system_prompt,
        temperature=spec.temperature,
        max_tokens=spec.max_tokens,
        input_schema=spec.input_schema,
        output_schema=spec.output_schema,
        routing_examples=list(spec.routing_examples),
        requires_approval=spec.requires_approval,
        model_tools=list(spec.model_tools),
        max_tool_iterations=spec.max_tool_iterations,
        code_digest=digest,
        notes=notes,
        **kept,
    )
    version.skills.set(Skill.objects.filter(slug__in=spec.skills))
    # From code, at deploy: new code needs its own schemas at once, so the evaluation gate does not hold it back
    # (a gated agent's next staff draft is compared with this version's experiments).
    _publish(version, actor)
    return 1
