"""GET /api/v1/runs/{id} of a finished run answers from the cache (decision 0031): ETag and 304, the same checks on
every request, and each write that can change a finished run's body forgets it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import Agent, Run
from agents.runs.lifecycle import run_charge, run_event_append
from agents.runs.retention import run_purge_old_details
from agents.runs.runtime import run_execute
from agents.selectors import agentversion_forget_published
from raptorflow.accounts.services import apikey_create

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


def _client(workspace, actor, *scopes: str) -> APIClient:
    _, plaintext = apikey_create(workspace=workspace, name="script", scopes=list(scopes), actor=actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


@pytest.fixture
def writer(workspace, registry_synced, system_actor) -> APIClient:
    return _client(workspace, system_actor, "runs:read", "runs:write")


def _finished(client: APIClient) -> str:
    run_id = client.post("/api/v1/runs", {"agent": "unit_economics", "input": UNIT}, format="json").json()["id"]
    run_execute(run_id)
    return run_id


def _get(client: APIClient, run_id: str, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/runs/{run_id}", **headers)
    response.queries = len(queries)  # type: ignore[attr-defined]
    return response


def test_a_finished_run_is_read_once_then_served_from_the_cache_with_the_same_body_and_etag(writer):
    run_id = _finished(writer)
    first, second = _get(writer, run_id), _get(writer, run_id)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.content == second.content and first.json()["status"] == "succeeded"
    assert first["ETag"] == second["ETag"] and first["ETag"].startswith('"')
    assert first["Content-Type"] == "application/json"
    assert second.queries < first.queries  # the run and its steps were not read again
    with CaptureQueriesContext(connection) as queries:
        writer.get(f"/api/v1/runs/{run_id}")
    assert not any('"agents_run"' in q["sql"] or '"agents_runstep"' in q["sql"] for q in queries.captured_queries)


def test_if_none_match_gets_a_304_without_a_body_and_another_etag_the_body(writer):
    run_id = _finished(writer)
    etag = writer.get(f"/api/v1/runs/{run_id}")["ETag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = writer.get(f"/api/v1/runs/{run_id}", HTTP_IF_NONE_MATCH=header)
        assert (response.status_code, response.content, response["ETag"]) == (304, b"", etag)
    stale = writer.get(f"/api/v1/runs/{run_id}", HTTP_IF_NONE_MATCH='"not-it"')
    assert stale.status_code == 200 and stale.json()["id"] == run_id


def test_a_run_still_active_has_an_etag_but_is_not_cached(writer):
    run_id = writer.post("/api/v1/runs", {"agent": "unit_economics", "input": UNIT}, format="json").json()["id"]
    queued = writer.get(f"/api/v1/runs/{run_id}")
    assert queued.json()["status"] == "queued"
    assert writer.get(f"/api/v1/runs/{run_id}", HTTP_IF_NONE_MATCH=queued["ETag"]).status_code == 304
    run_execute(run_id)
    done = writer.get(f"/api/v1/runs/{run_id}")
    assert done.json()["status"] == "succeeded" and done["ETag"] != queued["ETag"]
    assert writer.get(f"/api/v1/runs/{run_id}", HTTP_IF_NONE_MATCH=queued["ETag"]).status_code == 200


def test_another_workspaces_key_gets_a_404_for_a_cached_run(writer, other_workspace, system_actor):
    run_id = _finished(writer)
    etag = writer.get(f"/api/v1/runs/{run_id}")["ETag"]  # now cached
    stranger = _client(other_workspace, system_actor, "runs:read")
    assert stranger.get(f"/api/v1/runs/{run_id}").status_code == 404
    assert stranger.get(f"/api/v1/runs/{run_id}", HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_authentication_and_the_scope_are_checked_on_every_request_of_a_cached_run(writer, workspace, system_actor):
    run_id = _finished(writer)
    writer.get(f"/api/v1/runs/{run_id}")  # cached
    assert APIClient().get(f"/api/v1/runs/{run_id}").status_code in (401, 403)
    no_read = _client(workspace, system_actor, "agents:read")
    assert no_read.get(f"/api/v1/runs/{run_id}").status_code == 403
    key, plaintext = apikey_create(workspace=workspace, name="soon revoked", scopes=["runs:read"], actor=system_actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert client.get(f"/api/v1/runs/{run_id}").status_code == 200
    from raptorflow.accounts.services import apikey_revoke

    apikey_revoke(key=key, actor=system_actor)
    assert client.get(f"/api/v1/runs/{run_id}").status_code == 401


def test_the_retention_purge_forgets_the_bodies_of_the_runs_it_empties(writer):
    run_id = _finished(writer)
    assert len(writer.get(f"/api/v1/runs/{run_id}").json()["steps"]) == 1  # cached with its step
    Run.objects.filter(pk=run_id).update(finished_at=timezone.now() - timedelta(days=40))
    run_purge_old_details(older_than_days=30)
    assert writer.get(f"/api/v1/runs/{run_id}").json()["steps"] == []


def test_a_late_event_on_a_finished_run_forgets_its_body(writer):
    run_id = _finished(writer)
    before = writer.get(f"/api/v1/runs/{run_id}").json()["last_event_seq"]
    run_event_append(run_id, "progress", {"message": "late"})
    assert writer.get(f"/api/v1/runs/{run_id}").json()["last_event_seq"] == before + 1


def test_a_late_charge_on_a_finished_run_forgets_its_body(writer):
    run_id = _finished(writer)
    before = Decimal(writer.get(f"/api/v1/runs/{run_id}").json()["cost"])
    run_charge(Run.objects.get(pk=run_id), cost=Decimal("0.5"), tokens_in=10)
    after = writer.get(f"/api/v1/runs/{run_id}").json()
    assert (Decimal(after["cost"]), after["tokens_in"]) == (before + Decimal("0.5"), 10)


def test_renaming_the_agent_forgets_every_cached_body(writer):
    run_id = _finished(writer)
    assert writer.get(f"/api/v1/runs/{run_id}").json()["agent"] == "unit_economics"
    agent = Agent.objects.get(slug="unit_economics")
    agent.slug = "unit_economics_renamed"
    agent.save()
    agentversion_forget_published()  # this process's memo of published versions holds the agent too
    assert writer.get(f"/api/v1/runs/{run_id}").json()["agent"] == "unit_economics_renamed"


def test_runs_of_versions_that_can_gate_are_not_cached(writer):
    Agent.objects.get(slug="unit_economics").versions.update(requires_approval=True)
    agentversion_forget_published()
    run_id = writer.post("/api/v1/runs", {"agent": "unit_economics", "input": UNIT}, format="json").json()["id"]
    Run.objects.filter(pk=run_id).update(status="succeeded", finished_at=timezone.now())
    first, second = _get(writer, run_id), _get(writer, run_id)
    assert first.content == second.content
    assert second.queries == first.queries  # read from the database both times
