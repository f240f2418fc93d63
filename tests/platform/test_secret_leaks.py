"""A secret never appears in logs, admin pages or API responses.

A provider key and an API key are used for real (an LLM call to a local fake
provider, including a failed attempt, and API requests), then every captured
log record and every page and response a person could open is scanned.
"""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from agents.models import Agent
from agents.runs.runtime import run_execute
from agents.runs.services import run_create
from agents.services import agentversion_create_draft, agentversion_publish
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.models import AuditEvent

PROVIDER_SECRET = "sk-live-LEAKCHECK-0123456789abcdef"


@pytest.fixture
def used_secrets(registry_synced, workspace, system_actor, paid_provider, httpserver, caplog):
    caplog.set_level(logging.DEBUG)
    paid_provider.set_api_key(PROVIDER_SECRET)
    paid_provider.max_retries = 1
    paid_provider.save()
    httpserver.expect_ordered_request("/v1/chat/completions").respond_with_data(
        f'{{"error": {{"message": "bad key {PROVIDER_SECRET}"}}}}', status=500
    )
    httpserver.expect_ordered_request("/v1/chat/completions").respond_with_json(
        {"choices": [{"message": {"content": "A tagline."}}], "usage": {"prompt_tokens": 10, "completion_tokens": 3}}
    )
    agent = Agent.objects.get(slug="it-tagline")
    draft = agentversion_create_draft(
        agent=agent, actor=system_actor, model_chain=[{"provider": "paid", "model": "gpt-test"}]
    )
    agentversion_publish(version=draft, actor=system_actor)
    _, api_key = apikey_create(workspace=workspace, name="scan", scopes=["admin"], actor=system_actor)
    run, _ = run_create(workspace=workspace, agent=agent, input={}, actor=system_actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message  # the retry after the 500 answered
    return run, api_key


def _pages(admin_client, run, provider) -> list[str]:
    urls = [
        reverse("admin:llm_provider_changelist"),
        reverse("admin:llm_provider_change", args=[provider.pk]),
        reverse("admin:agents_run_change", args=[run.pk]),
        reverse("admin:agents_runstep_changelist"),
        reverse("admin:audit_auditevent_changelist"),
        *[
            reverse("admin:audit_auditevent_change", args=[pk])
            for pk in AuditEvent.objects.values_list("pk", flat=True)
        ],
    ]
    return [admin_client.get(url).content.decode() for url in urls]


def _api(run, api_key, workspace) -> list[str]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key}")
    urls = [f"/api/v1/runs/{run.pk}", f"/api/v1/runs/{run.pk}/events", "/api/v1/audit-events", "/api/v1/api-keys"]
    bodies = [client.get(url).content.decode() for url in urls]
    export = client.get(f"/api/v1/workspaces/{workspace.slug}/export")
    return [*bodies, b"".join(export.streaming_content).decode()]


def test_no_secret_in_logs_pages_or_responses(used_secrets, admin_client, paid_provider, workspace, caplog):
    run, api_key = used_secrets
    texts = {
        "logs": "\n".join(
            f"{r.getMessage()} {r.__dict__}" for r in caplog.get_records("setup") + caplog.get_records("call")
        ),
        "admin": "\n".join(_pages(admin_client, run, paid_provider)),
        "api": "\n".join(_api(run, api_key, workspace)),
        "audit": "\n".join(str(e.changes) for e in AuditEvent.objects.all()),
    }
    secret_part = api_key.split("_", 2)[2]
    for where, text in texts.items():
        assert PROVIDER_SECRET not in text, where
        assert secret_part not in text, where
    assert "bad key [redacted]" in texts["logs"]  # the provider echoed the key back: logged, but redacted
