"""agent_sync: the code's agents mirrored into rows, and a version published from code whenever the code changed."""

from __future__ import annotations

import dataclasses

import pytest

from agents import registry
from agents.models import Agent
from agents.services import agent_sync, agentversion_create_draft, agentversion_publish
from raptorflow.llm.models import Provider

pytestmark = pytest.mark.django_db

CHAIN = [{"provider": "offline", "model": "offline-1"}]


@pytest.fixture
def changed_code(monkeypatch):
    """unit_economics's spec with another system prompt, as a new release of the code would have it."""

    def change(**fields):
        spec = dataclasses.replace(registry.get("unit_economics"), **fields)
        monkeypatch.setitem(registry._REGISTRY, "unit_economics", spec)
        return spec

    return change


def test_a_sync_with_unchanged_code_makes_no_version(registry_synced, system_actor):
    assert agent_sync(actor=system_actor, default_chain=CHAIN) == {"agents_created": 0, "versions_created": 0}


def test_changed_code_is_published_as_a_new_version_keeping_how_staff_run_the_agent(
    registry_synced, system_actor, changed_code
):
    agent = Agent.objects.get(slug="unit_economics")
    Provider.objects.create(name="paid", kind="scripted")  # publishing needs a chain that names a provider
    staff = agentversion_create_draft(
        agent=agent, actor=system_actor, model_chain=[{"provider": "paid", "model": "gpt-test"}], timeout_seconds=90
    )
    agentversion_publish(version=staff, actor=system_actor)
    spec = changed_code(system_prompt="You compute unit economics and say which input each figure comes from.")
    assert agent_sync(actor=system_actor, default_chain=CHAIN)["versions_created"] == 1
    latest = agent.versions.order_by("-number").first()
    assert (latest.number, latest.status, latest.code_digest) == (3, "published", spec.digest())
    assert latest.system_prompt == spec.system_prompt
    assert (latest.model_chain, latest.timeout_seconds) == ([{"provider": "paid", "model": "gpt-test"}], 90)
    assert latest.notes == "Version 3, from code; kept v2's model chain, budgets and switches."
    assert agent_sync(actor=system_actor, default_chain=CHAIN)["versions_created"] == 0  # idempotent


def test_an_agent_only_staff_versioned_is_left_to_staff(registry_synced, system_actor, changed_code):
    Agent.objects.get(slug="unit_economics").versions.update(code_digest="")  # as if staff had made every version
    changed_code(system_prompt="Another prompt.")
    assert agent_sync(actor=system_actor, default_chain=CHAIN)["versions_created"] == 0
