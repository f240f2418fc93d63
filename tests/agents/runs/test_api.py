"""/api/v1/runs: start, list, read, cancel, decide, follow — as scripts and members use it."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from agents.models import Agent, Run
from agents.runs.lifecycle import run_charge, run_transition
from agents.runs.runtime import WORKER, run_execute
from agents.selectors import agentversion_forget_published
from agents.services import agentversion_create_draft, agentversion_publish
from raptorflow.accounts.services import apikey_create
from tests.factories import RunFactory
from tests.fixtures.api import count_queries


def _drain(response) -> str:
    """Read a response to its end, as an SSE client would: the stream process's is async and streamed."""
    if not getattr(response, "streaming", False):
        return response.content.decode()

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    return async_to_sync(collect)().decode()


UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


@pytest.fixture
def key_client(workspace, registry_synced, system_actor):
    def make(*scopes: str) -> APIClient:
        _, plaintext = apikey_create(workspace=workspace, name="script", scopes=list(scopes), actor=system_actor)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
        return client

    return make


@pytest.fixture
def writer(key_client) -> APIClient:
    return key_client("runs:read", "runs:write")


@pytest.fixture
def approver(key_client) -> APIClient:
    """Another key, whose holder decides on gated runs (separation of duties)."""
    return key_client("runs:read", "runs:approve")


def _start(client, data=None, **headers):
    return client.post("/api/v1/runs", {"agent": "unit_economics", "input": data or UNIT}, format="json", **headers)


def test_starting_a_run_returns_it_queued_with_its_location(writer):
    response = _start(writer)
    assert response.status_code == 201
    body = response.json()
    assert (body["agent"], body["agent_version"], body["status"]) == ("unit_economics", 1, "queued")
    assert response["Location"] == f"/api/v1/runs/{body['id']}"
    assert writer.get(response["Location"]).json()["id"] == body["id"]


def test_the_same_idempotency_key_and_body_give_the_same_run(writer):
    first = _start(writer, HTTP_IDEMPOTENCY_KEY="order-7")
    again = _start(writer, HTTP_IDEMPOTENCY_KEY="order-7")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    conflict = _start(writer, {**UNIT, "spend": 5}, HTTP_IDEMPOTENCY_KEY="order-7")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_conflict"


def test_input_that_does_not_fit_the_agent_is_a_422_naming_each_problem(writer):
    response = _start(writer, {"spend": "lots"})
    assert response.status_code == 422  # the agent's input schema, which the OpenAPI document cannot state
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "spend: 'lots' is not of type 'number'" in body["errors"]["input"]
    unknown = writer.post("/api/v1/runs", {"agent": "nope", "input": {}}, format="json")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "agent_not_found")
    assert "agent" in unknown.json()["errors"]
    not_json = writer.post("/api/v1/runs", "{", content_type="application/json")
    assert (not_json.status_code, not_json.json()["code"]) == (400, "parse_error")


def test_a_spent_budget_is_a_402(writer, workspace, registry_synced):
    workspace.monthly_budget = Decimal("1")
    workspace.save()
    version = Agent.objects.get(slug="unit_economics").versions.get()
    run_charge(RunFactory(workspace=workspace, agent_version=version, status="succeeded"), cost=Decimal("1"))
    response = _start(writer)
    assert (response.status_code, response.json()["code"]) == (402, "budget_exceeded")


def test_a_key_without_the_write_scope_cannot_start_runs(key_client):
    reader = key_client("runs:read")
    response = _start(reader)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert "runs:write" in response.json()["message"]


def test_people_need_the_member_role_to_start_runs(workspace, viewer, member, registry_synced):
    client = APIClient()
    client.force_login(viewer)
    assert _start(client).status_code == 403
    client.force_login(member)
    assert _start(client).status_code == 201


def test_another_workspaces_run_is_not_found(writer, stranger, other_workspace, registry_synced):
    theirs = RunFactory(
        workspace=other_workspace, agent_version=Agent.objects.get(slug="unit_economics").versions.get()
    )
    assert writer.get(f"/api/v1/runs/{theirs.pk}").status_code == 404
    assert writer.post(f"/api/v1/runs/{theirs.pk}/cancel").status_code == 404
    client = APIClient()
    client.force_login(stranger)
    assert client.get(f"/api/v1/runs/{theirs.pk}").status_code == 200
    assert client.get("/api/v1/runs", HTTP_X_WORKSPACE="workspace-that-is-not-mine").status_code == 404


def test_list_filters_and_pages_with_a_stable_cursor(writer):
    ids = [_start(writer).json()["id"] for _ in range(7)]
    Run.objects.filter(pk=ids[0]).update(status="failed")
    seen, url = [], "/api/v1/runs?limit=3"
    while url:
        page = writer.get(url).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert seen == ids[::-1]
    failed = writer.get("/api/v1/runs?status=failed").json()["results"]
    assert [r["id"] for r in failed] == [ids[0]]
    assert writer.get("/api/v1/runs?agent=market_sizer").json()["results"] == []
    assert writer.get("/api/v1/runs?status=exploded").status_code == 400


def test_list_queries_do_not_grow_with_the_page(writer):
    for _ in range(12):
        _start(writer)

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert writer.get(f"/api/v1/runs?limit={limit}").status_code == 200
        return len(ctx)

    assert queries(2) == queries(12)


def test_a_finished_run_shows_its_output_steps_and_events(writer):
    run_id = _start(writer).json()["id"]
    run_execute(run_id)
    detail = writer.get(f"/api/v1/runs/{run_id}").json()
    assert detail["status"] == "succeeded"
    assert detail["output"]["cac"] == 100.0  # 1000 / (100 × 0.1)
    assert [s["name"] for s in detail["steps"]] == ["finance.unit_economics"]
    page = writer.get(f"/api/v1/runs/{run_id}/events").json()
    assert page["final"] is True
    assert [e["data"].get("status") for e in page["events"] if e["type"] == "status"] == [
        "queued",
        "running",
        "succeeded",
    ]
    tail = writer.get(f"/api/v1/runs/{run_id}/events?after={page['next_after']}&wait=5").json()
    assert (tail["events"], tail["final"]) == ([], True)  # a finished run answers at once, even with wait


def test_the_api_process_answers_a_long_poll_at_once(writer):
    # Waiting is the stream process's (tests/agents/runs/test_follow.py); here `wait` is accepted and answered at once.
    run_id = _start(writer).json()["id"]
    started = time.monotonic()
    page = writer.get(f"/api/v1/runs/{run_id}/events?after=1&wait=20").json()
    assert time.monotonic() - started < 5
    assert (page["events"], page["final"], page["next_after"]) == ([], False, 1)
    assert writer.get(f"/api/v1/runs/{run_id}/events?wait=999").status_code == 400


def test_cancel_and_decisions(writer, approver, workspace):
    run_id = _start(writer).json()["id"]
    cancelled = writer.post(f"/api/v1/runs/{run_id}/cancel", {"reason": "typo"}, format="json")
    assert (cancelled.status_code, cancelled.json()["status"]) == (202, "cancelled")
    again = writer.post(f"/api/v1/runs/{run_id}/cancel")
    assert (again.status_code, again.json()["code"]) == (409, "run_final")
    assert writer.post(f"/api/v1/runs/{run_id}/approve").status_code == 403  # runs:write does not decide
    assert approver.post(f"/api/v1/runs/{run_id}/approve").json()["code"] == "not_awaiting_approval"

    gated = Run.objects.get(pk=_start(writer).json()["id"])
    Run.objects.filter(pk=gated.pk).update(status="running")  # as if a worker had claimed it
    gated.status = "running"
    output = {"ok": True}
    run_transition(
        gated, to="awaiting_approval", allowed_from={"running"}, actor=WORKER, approval_reason="review", output=output
    )
    approved = approver.post(f"/api/v1/runs/{gated.pk}/approve", {"comment": "ship it"}, format="json")
    assert (approved.status_code, approved.json()["status"], approved.json()["output"]) == (
        200,
        "succeeded",
        {"ok": True},
    )


def test_a_run_shows_its_approvals_and_only_gated_runs_look_for_them(writer, approver):
    plain = _start(writer).json()["id"]
    run_execute(plain)
    plain_queries = count_queries(writer, f"/api/v1/runs/{plain}")  # the first read: later ones are cached
    assert writer.get(f"/api/v1/runs/{plain}").json()["approvals"] == []

    Agent.objects.get(slug="unit_economics").versions.update(requires_approval=True)
    agentversion_forget_published()  # .update() bypasses the model, as a fixture may
    gated = _start(writer).json()["id"]
    run_execute(gated)
    assert [a["status"] for a in writer.get(f"/api/v1/runs/{gated}").json()["approvals"]] == ["pending"]
    assert approver.post(f"/api/v1/runs/{gated}/approve", {"comment": "ship it"}, format="json").status_code == 200
    detail = writer.get(f"/api/v1/runs/{gated}").json()
    assert [(a["status"], a["comment"]) for a in detail["approvals"]] == [("approved", "ship it")]
    assert count_queries(writer, f"/api/v1/runs/{gated}") == plain_queries + 1


def test_stream_sends_every_event_then_ends_and_resumes_from_last_event_id(writer):
    run_id = _start(writer).json()["id"]
    run_execute(run_id)
    body = _drain(writer.get(f"/api/v1/runs/{run_id}/stream"))
    assert body.startswith("retry: 2000")
    assert [line for line in body.splitlines() if line.startswith("id: ")] == ["id: 1", "id: 2", "id: 3", "id: 4"]
    assert body.rstrip().endswith('event: end\ndata: {"status": "succeeded"}')
    resumed = _drain(writer.get(f"/api/v1/runs/{run_id}/stream", HTTP_LAST_EVENT_ID="3"))
    assert [line for line in resumed.splitlines() if line.startswith("id: ")] == ["id: 4"]


def test_stream_refuses_anonymous_and_strangers(writer, stranger):
    run_id = _start(writer).json()["id"]
    assert APIClient().get(f"/api/v1/runs/{run_id}/stream").status_code == 401
    client = APIClient()
    client.force_login(stranger)
    assert client.get(f"/api/v1/runs/{run_id}/stream").status_code == 404


# --- the agent a run request names is cached; every change to it applies to the next request ---------


def test_a_newly_published_version_is_used_by_the_next_run(writer, system_actor):
    agent = Agent.objects.get(slug="unit_economics")
    first = _start(writer)
    assert first.json()["agent_version"] == 1
    draft = agentversion_create_draft(agent=agent, actor=system_actor)
    agentversion_publish(version=draft, actor=system_actor)
    second = _start(writer)
    assert (second.status_code, second.json()["agent_version"]) == (201, draft.number)


def test_an_agent_disabled_in_the_admin_refuses_the_next_run(writer):
    assert _start(writer).status_code == 201
    agent = Agent.objects.get(slug="unit_economics")
    agent.enabled = False
    agent.save()
    refused = _start(writer)
    assert (refused.status_code, refused.json()["code"]) == (422, "agent_unavailable")


@pytest.mark.parametrize("name", ["no such agent\x7f", "x" * 101, "ünïcode"])
def test_an_agent_name_that_is_not_a_slug_names_no_agent_a_422_not_a_500(writer, name):
    response = writer.post("/api/v1/runs", {"agent": name, "input": {}}, format="json")
    assert (response.status_code, response.json()["code"]) == (422, "agent_not_found")


@pytest.mark.parametrize("name", [42, True, None, ["unit_economics"]])
def test_an_agent_that_is_not_a_string_is_a_400(writer, name):
    response = writer.post("/api/v1/runs", {"agent": name, "input": {}}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_input")


def test_an_unknown_agent_is_a_422_naming_it(writer):
    response = writer.post("/api/v1/runs", {"agent": "no_such_agent", "input": {}}, format="json")
    assert (response.status_code, response.json()["code"]) == (422, "agent_not_found")
    assert "no_such_agent" in str(response.json()["errors"]["agent"])


def test_the_key_that_started_a_run_cannot_decide_on_it_another_key_or_an_admin_can(
    key_client, approver, workspace, owner
):
    from raptorflow.audit.models import AuditEvent

    Agent.objects.get(slug="unit_economics").versions.update(requires_approval=True)
    agentversion_forget_published()
    both = key_client("runs:read", "runs:write", "runs:approve")  # may approve, but not its own runs
    first, second, third = (_start(both).json()["id"] for _ in range(3))
    for run_id in (first, second, third):
        run_execute(run_id)
    refused = both.post(f"/api/v1/runs/{first}/approve")
    assert (refused.status_code, refused.json()["code"]) == (403, "self_approval")
    assert both.post(f"/api/v1/runs/{first}/reject").status_code == 403
    assert AuditEvent.objects.filter(action="run.self_approval_refused", outcome="denied").count() == 2
    assert approver.post(f"/api/v1/runs/{first}/approve").json()["status"] == "succeeded"
    admin = APIClient()
    admin.force_login(owner)
    assert admin.post(f"/api/v1/runs/{second}/reject", HTTP_X_WORKSPACE=workspace.slug).json()["status"] == "cancelled"

    Agent.objects.get(slug="unit_economics").versions.update(allow_self_approval=True)
    agentversion_forget_published()
    assert both.post(f"/api/v1/runs/{third}/approve").json()["status"] == "succeeded"
    decided = Run.objects.get(pk=third).events.filter(type="status", data__status="running").last()
    assert decided.data["self_approval"] is True  # allowed, and recorded as such
