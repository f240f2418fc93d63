"""Fixtures for runs: the real unit_economics agent, and test-only agents registered in-process."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agents import registry
from agents.models import Agent
from agents.registry import AgentSpec
from agents.services import agent_sync

UNIT_INPUT = {"spend": 10000, "leads": 400, "conversion_rate": 0.05, "arpu": 80, "churn": 0.03, "cogs_share": 0.2}


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
