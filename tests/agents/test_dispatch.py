"""/api/v1/dispatch: route free text to an agent, and optionally run it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from agents.models import Run
from raptorflow.accounts.services import apikey_create


@pytest.fixture
def client_with(workspace, registry_synced, system_actor):
    def make(*scopes):
        _, plaintext = apikey_create(workspace=workspace, name="s", scopes=list(scopes), actor=system_actor)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
        return client

    return make


def test_a_request_is_routed_with_confidence_runner_ups_and_reason(client_with):
    client = client_with("agents:read")
    decision = client.post("/api/v1/dispatch", {"text": "how big is the market for dental SaaS in Europe?"}).json()
    assert decision["agent"] == "market_sizer"
    assert 0.35 <= decision["confidence"] <= 1
    assert decision["runner_ups"] and decision["matched_terms"]
    assert not Run.objects.exists()


def test_vague_text_needs_clarification_and_never_runs(client_with):
    client = client_with("agents:read", "runs:write")
    decision = client.post("/api/v1/dispatch", {"text": "help", "run": True, "input": {}}, format="json").json()
    assert (decision["agent"], decision["needs_clarification"]) == (None, True)
    assert not Run.objects.exists()


def test_dispatch_can_start_the_run_and_records_why(client_with):
    client = client_with("agents:read", "runs:write")
    body = {
        "text": "are our unit economics healthy? LTV to CAC please",
        "run": True,
        "input": {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05},
    }
    response = client.post("/api/v1/dispatch", body, format="json")
    assert response.status_code == 201
    run = Run.objects.get(pk=response.json()["id"])
    assert run.agent_version.agent.slug == "unit_economics"
    assert run.routing["agent"] == "unit_economics" and run.routing["matched_terms"]


def test_starting_a_run_by_dispatch_needs_the_write_scope(client_with):
    client = client_with("agents:read")
    response = client.post("/api/v1/dispatch", {"text": "LTV to CAC", "run": True, "input": {}}, format="json")
    assert response.status_code == 403
