"""Configuration edits in the admin and the API are audited with the right before/after diff."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from agents.models import Agent
from agents.services import agentversion_create_draft
from raptorflow.accounts.models import Membership
from raptorflow.audit.models import AuditEvent
from raptorflow.llm.models import Provider


def _latest(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def _form(version) -> dict:
    return {
        "agent": version.agent_id, "system_prompt": version.system_prompt, "model_chain": "[]",
        "temperature": version.temperature, "max_tokens": version.max_tokens, "input_schema": "{}",
        "output_schema": "{}", "routing_examples": "[]", "run_budget": "1.00", "timeout_seconds": 300, "notes": "",
        "cache_responses": "on", "model_tools": "[]", "max_tool_iterations": version.max_tool_iterations,
        "stream": "on",
    }  # fmt: skip


def test_editing_a_draft_in_the_admin_is_audited_with_its_diff(admin_client, registry_synced, system_actor):
    draft = agentversion_create_draft(agent=Agent.objects.get(slug="unit_economics"), actor=system_actor)
    data = {**_form(draft), "system_prompt": "Be brief.", "temperature": "0.4"}
    response = admin_client.post(reverse("admin:agents_agentversion_change", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = _latest("agentversion.update")
    assert event.changes["system_prompt"][1] == "Be brief."
    assert event.changes["temperature"] == [0.0, 0.4]
    assert event.actor_label == "root"


def test_editing_a_draft_through_the_api_is_audited(registry_synced, system_actor, superuser):
    draft = agentversion_create_draft(agent=Agent.objects.get(slug="unit_economics"), actor=system_actor)
    client = APIClient()
    client.force_login(superuser)
    url = f"/api/v1/agents/unit_economics/versions/{draft.number}"
    assert client.patch(url, {"max_tokens": 2048}, format="json").status_code == 200
    assert _latest("agentversion.update").changes == {"max_tokens": [1024, 2048]}


def test_changing_a_providers_key_in_the_admin_is_audited_without_the_key(admin_client, db):
    provider = Provider(name="openai", kind="openai_compatible", base_url="https://api.openai.com/v1")
    provider.set_api_key("sk-old-0000000000000000")
    provider.save()
    data = {"name": "openai", "kind": "openai_compatible", "base_url": "https://api.openai.com/v1",
            "api_key": "sk-new-1111111111111111", "timeout_seconds": 30, "max_retries": 2, "enabled": "on"}  # fmt: skip
    assert admin_client.post(reverse("admin:llm_provider_change", args=[provider.pk]), data).status_code == 302
    event = _latest("provider.update")
    before, after = event.changes["api_key_encrypted"]
    assert before.startswith("[redacted:") and after.startswith("[redacted:") and before != after
    assert event.changes["timeout_seconds"] == [60.0, 30.0]
    assert "sk-new" not in str(event.changes) and "sk-old" not in str(event.changes)


def test_changing_a_role_in_the_admin_is_audited(admin_client, workspace, owner, member):
    membership = Membership.objects.get(user=member, workspace=workspace)
    data = {"user": member.pk, "workspace": workspace.pk, "role": "admin"}
    assert admin_client.post(reverse("admin:accounts_membership_change", args=[membership.pk]), data).status_code == 302
    event = _latest("membership.update")
    assert event.changes == {"role": ["member", "admin"]}
    assert event.workspace_id == workspace.pk
