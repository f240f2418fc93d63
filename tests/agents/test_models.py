"""Constraints the agents data model must enforce whatever code writes to it: runs and agent versions."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from agents.choices import VersionStatus
from agents.models import PublishedVersionError
from agents.services import agentversion_create_draft, agentversion_publish
from skills.models import Skill
from tests.factories import AgentVersionFactory, RunFactory, WorkspaceFactory


def test_idempotency_key_is_unique_per_workspace(db):
    first = RunFactory(idempotency_key="order-42")
    with pytest.raises(IntegrityError), transaction.atomic():
        RunFactory(workspace=first.workspace, agent_version=first.agent_version, idempotency_key="order-42")
    # Another workspace may use the same key, and runs without a key never clash.
    RunFactory(workspace=WorkspaceFactory(), agent_version=first.agent_version, idempotency_key="order-42")
    RunFactory(workspace=first.workspace, agent_version=first.agent_version, idempotency_key="")
    RunFactory(workspace=first.workspace, agent_version=first.agent_version, idempotency_key="")


def test_a_published_version_cannot_change(db, system_actor):
    version = AgentVersionFactory()
    version.system_prompt = "rewritten"
    with pytest.raises(PublishedVersionError):
        version.save()
    with pytest.raises(PublishedVersionError):
        version.delete()


def test_a_published_versions_skills_cannot_change(db, system_actor):
    version = AgentVersionFactory()
    skill = Skill.objects.create(slug="x.y", name="X", category="content", kind="compute", version="1")
    with pytest.raises(PublishedVersionError):
        version.skills.add(skill)


def test_a_draft_changes_until_it_is_published(db, system_actor, unit_agent):
    version = unit_agent.versions.get(status=VersionStatus.PUBLISHED)  # publishing needs a runnable version
    draft = agentversion_create_draft(agent=version.agent, actor=system_actor, system_prompt="v2 prompt")
    assert draft.status == VersionStatus.DRAFT
    assert draft.number == version.number + 1
    draft.temperature = 0.7
    draft.save()
    assert agentversion_publish(version=draft, actor=system_actor) is True
    assert agentversion_publish(version=draft, actor=system_actor) is False
    draft.refresh_from_db()
    assert (draft.status, draft.temperature, draft.system_prompt) == ("published", 0.7, "v2 prompt")
