"""API keys are cached between requests, and every change to what a key says takes effect on the next one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import Agent
from agents.runs.lifecycle import run_charge
from raptorflow.accounts.models import APIKey
from raptorflow.accounts.services import apikey_revoke, workspace_update
from raptorflow.audit.actors import Actor
from tests.factories import RunFactory, UserFactory

from .conftest import with_key

RUNS = "/api/v1/runs"
UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


def _apikey_queries(client: APIClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(RUNS).status_code == 200
    return sum('"accounts_apikey"' in q["sql"] and q["sql"].startswith("SELECT") for q in queries.captured_queries)


def test_a_used_key_is_not_looked_up_again(workspace, make_key):
    client = with_key(APIClient(), make_key(workspace, ["runs:read"])[1])
    assert _apikey_queries(client) == 1
    assert _apikey_queries(client) == 0


def test_a_cached_key_revoked_is_refused_on_the_next_request(workspace, make_key, system_actor):
    key, plaintext = make_key(workspace, ["runs:read"])
    client = with_key(APIClient(), plaintext)
    assert client.get(RUNS).status_code == 200
    apikey_revoke(key=key, actor=system_actor)
    response = client.get(RUNS)
    assert (response.status_code, response.json()["code"]) == (401, "api_key_revoked")


def test_a_cached_key_edited_in_the_admin_takes_the_new_expiry_and_scopes(workspace, make_key):
    key, plaintext = make_key(workspace, ["runs:read"])
    client = with_key(APIClient(), plaintext)
    assert client.get(RUNS).status_code == 200
    key.scopes = ["agents:read"]
    key.save()
    assert client.get(RUNS).status_code == 403
    key.expires_at = timezone.now() - timedelta(seconds=1)
    key.save()
    assert client.get(RUNS).json()["code"] == "api_key_expired"


def test_a_deleted_key_is_not_served_from_the_cache(workspace, make_key):
    key, plaintext = make_key(workspace, ["runs:read"])
    client = with_key(APIClient(), plaintext)
    assert client.get(RUNS).status_code == 200
    APIKey.objects.filter(pk=key.pk).delete()
    assert client.get(RUNS).json()["code"] == "invalid_api_key"


def test_a_new_workspace_budget_applies_to_the_next_run(workspace, make_key, registry_synced, system_actor):
    client = with_key(APIClient(), make_key(workspace, ["runs:read", "runs:write"])[1])
    assert client.post(RUNS, {"agent": "unit_economics", "input": UNIT}, format="json").status_code == 201
    run_charge(RunFactory(workspace=workspace), cost=Decimal("2"))
    workspace_update(workspace=workspace, actor=system_actor, monthly_budget=Decimal("1"))
    refused = client.post(RUNS, {"agent": "unit_economics", "input": UNIT}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (402, "budget_exceeded")


def test_deleting_the_keys_creator_leaves_the_key_working(workspace, make_key, registry_synced):
    creator = UserFactory()
    client = with_key(APIClient(), make_key(workspace, ["runs:read", "runs:write"], actor=Actor.for_user(creator))[1])
    assert client.get(RUNS).status_code == 200
    creator.delete()
    started = client.post(RUNS, {"agent": "unit_economics", "input": UNIT}, format="json")
    assert started.status_code == 201, started.content
    run = Agent.objects.get(slug="unit_economics").versions.get().runs.get(pk=started.json()["id"])
    assert run.requested_by is None
