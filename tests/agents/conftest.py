"""Fixtures and helpers for agent tests.

Fixtures: the real unit_economics agent, and test-only agents registered in-process.
Helpers (imported by the per-agent modules): call a skill or run an agent the way the
runtime does, so every test checks inputs and outputs against the declared schemas.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from agents import registry
from agents.models import Agent, Run
from agents.registry import AgentSpec
from agents.runs.runtime import run_execute
from agents.runs.services import run_create
from agents.services import agent_sync
from raptorflow.accounts.models import Workspace
from raptorflow.audit.actors import Actor
from skills import registry as skills
from tests.conftest import OfflineSkillContext

UNIT_INPUT = {"spend": 10000, "leads": 400, "conversion_rate": 0.05, "arpu": 80, "churn": 0.03, "cogs_share": 0.2}


def call_skill(slug: str, data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Call a skill as the runtime does: input and output checked against its schemas."""
    spec = skills.get(slug)
    Draft202012Validator(spec.input_schema).validate(data)
    output = spec.func(data, ctx)
    Draft202012Validator(spec.output_schema).validate(output)
    return output


class ValidatingContext(OfflineSkillContext):
    """The offline test context, but every skill call is schema-checked the way the runtime checks it."""

    def skill(self, slug: str, data: dict[str, Any]) -> dict[str, Any]:
        return call_skill(slug, data, self)


def run_agent(workspace: Workspace, actor: Actor, slug: str, data: dict[str, Any]) -> Run:
    """Create a run of the agent's published version and execute it here, as a worker would; return it reloaded."""
    run, _ = run_create(workspace=workspace, agent=Agent.objects.get(slug=slug), input=data, actor=actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


@pytest.fixture
def unit_agent(registry_synced) -> Agent:
    return Agent.objects.get(slug="unit_economics")


@pytest.fixture
def make_agent(db, system_actor, registry_synced):
    """Register a test-only agent spec in this process and give it a published v1."""
    created: list[str] = []

    def make(slug: str, run, *, chain=None, **version_fields) -> Agent:
        spec = AgentSpec(
            slug=slug,
            name=slug,
            category="test",
            description="test agent",
            input_schema={"type": "object"},
            output_schema={"type": "object"},
            skills=("finance.unit_economics",),
            routing_examples=(),
            system_prompt="You are a test agent.",
            run=run,
        )
        registry._REGISTRY[slug] = spec
        created.append(slug)
        agent_sync(actor=system_actor, default_chain=chain or [{"provider": "offline", "model": "offline-1"}])
        agent = Agent.objects.get(slug=slug)
        if version_fields:
            agent.versions.update(**version_fields)
        return agent

    yield make
    for slug in created:
        registry._REGISTRY.pop(slug, None)


@pytest.fixture
def rich_workspace(workspace):
    workspace.monthly_budget = Decimal("100")
    workspace.save()
    return workspace
