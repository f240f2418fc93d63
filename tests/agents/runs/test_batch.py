"""POST /api/v1/runs/batch: many runs in one request, one result per item (decision 0031)."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
from rest_framework.test import APIClient

from agents.models import Agent, Run, RunEvent
from agents.runs.lifecycle import run_charge
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.models import AuditEvent
from tests.factories import RunFactory

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
URL = "/api/v1/runs/batch"


@pytest.fixture
def writer(workspace, registry_synced, system_actor) -> APIClient:
    _, plaintext = apikey_create(workspace=workspace, name="s", scopes=["runs:read", "runs:write"], actor=system_actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


def _item(key: str, **changes) -> dict:
    return {"agent": "unit_economics", "input": {**UNIT, **changes}, "idempotency_key": key}


def test_a_batch_creates_each_run_with_its_event_and_audit_row_and_enqueues_them_in_one_publish(
    writer, django_capture_on_commit_callbacks
):
    with mock.patch("agents.runs.services.app.send_task") as send, django_capture_on_commit_callbacks(execute=True):
        response = writer.post(URL, {"items": [_item(f"k{i}", spend=1000 + i) for i in range(5)]}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["existing"], body["refused"]) == (5, 0, 0)
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3, 4]
    assert {r["status"] for r in body["results"]} == {201}
    ids = [r["run"]["id"] for r in body["results"]]
    runs = {str(pk): run for pk, run in Run.objects.in_bulk(ids).items()}
    assert [runs[pk].idempotency_key for pk in ids] == [f"k{i}" for i in range(5)]
    assert [runs[pk].input["spend"] for pk in ids] == [1000 + i for i in range(5)]
    assert RunEvent.objects.filter(run_id__in=ids, sequence=1, type="status").count() == 5
    assert AuditEvent.objects.filter(action="run.create", target_id__in=[str(i) for i in ids]).count() == 5
    assert send.call_count == 5
    producers = {call.kwargs["producer"] for call in send.call_args_list}
    assert len(producers) == 1 and None not in producers  # one producer: one connection and channel for all
    assert [call.kwargs["args"] for call in send.call_args_list] == [[str(pk)] for pk in ids]


def test_partial_success_is_spelt_out_per_item_and_refuses_nothing_else(writer):
    items = [
        _item("ok"),
        {"agent": "no_such_agent", "input": UNIT, "idempotency_key": "unknown"},
        _item("bad", spend="lots"),
        _item("ok2"),
    ]
    body = writer.post(URL, {"items": items}, format="json").json()
    assert [r["status"] for r in body["results"]] == [201, 422, 422, 201]
    assert [(r["error"] or {}).get("code") for r in body["results"]] == [None, "agent_not_found", "invalid_input", None]
    assert body["results"][2]["error"]["errors"]["input"]  # which field, as POST /runs says it
    assert body["results"][1]["run"] is None
    assert (body["created"], body["refused"]) == (2, 2)
    assert Run.objects.count() == 2


def test_sending_the_batch_again_gives_each_items_earlier_run_and_a_changed_item_a_conflict(writer):
    first = writer.post(URL, {"items": [_item("a"), _item("b")]}, format="json").json()
    again = writer.post(URL, {"items": [_item("a"), _item("b", spend=5), _item("c")]}, format="json").json()
    assert [r["status"] for r in again["results"]] == [200, 409, 201]
    assert again["results"][0]["run"]["id"] == first["results"][0]["run"]["id"]
    assert again["results"][1]["error"]["code"] == "idempotency_conflict"
    assert (again["created"], again["existing"], again["refused"]) == (1, 1, 1)
    assert Run.objects.count() == 3
    # The key is shared with POST /runs: a single run request with a batch item's key and body is its run.
    single = writer.post(
        "/api/v1/runs", {"agent": "unit_economics", "input": UNIT}, format="json", HTTP_IDEMPOTENCY_KEY="a"
    )
    assert (single.status_code, single.json()["id"]) == (200, first["results"][0]["run"]["id"])


def test_a_spent_budget_refuses_each_new_item_with_402_but_still_answers_earlier_runs(writer, workspace):
    earlier = writer.post(URL, {"items": [_item("a")]}, format="json").json()["results"][0]["run"]["id"]
    workspace.monthly_budget = Decimal("1")
    workspace.save()
    version = Agent.objects.get(slug="unit_economics").versions.get()
    run_charge(RunFactory(workspace=workspace, agent_version=version, status="succeeded"), cost=Decimal("1"))
    body = writer.post(URL, {"items": [_item("a"), _item("b")]}, format="json").json()
    assert [r["status"] for r in body["results"]] == [200, 402]
    assert body["results"][0]["run"]["id"] == earlier
    assert body["results"][1]["error"]["code"] == "budget_exceeded"


@pytest.mark.parametrize(
    "body",
    [
        {"items": []},
        {"items": [_item(f"k{i}") for i in range(101)]},
        {"items": [{"agent": "unit_economics", "input": UNIT}]},
        {"items": [{"agent": 42, "input": UNIT, "idempotency_key": "x"}]},
        {"items": "all of them"},
        [_item("x")],
    ],
    ids=["empty", "over-100", "no-key", "agent-not-a-string", "items-not-a-list", "not-an-object"],
)
def test_a_batch_that_breaks_the_schema_is_a_400_and_starts_nothing(writer, body):
    response = writer.post(URL, body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_input")
    assert Run.objects.count() == 0


def test_two_items_with_one_key_are_a_422_and_start_nothing(writer):
    """Schema-valid (the schema cannot say that keys differ), refused by a rule: a 422 (decision 0025)."""
    response = writer.post(URL, {"items": [_item("same"), _item("same", spend=2)]}, format="json")
    assert (response.status_code, response.json()["code"]) == (422, "duplicate_idempotency_key")
    assert Run.objects.count() == 0


def test_a_batch_counts_its_items_against_the_rate_limit(writer, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "10/min"}
    with mock.patch("rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES", rates):
        assert writer.post(URL, {"items": [_item(f"a{i}") for i in range(6)]}, format="json").status_code == 200
        assert writer.post(URL, {"items": [_item(f"b{i}") for i in range(4)]}, format="json").status_code == 200
        refused = writer.post(URL, {"items": [_item("c0")]}, format="json")
    assert refused.status_code == 429
    assert Run.objects.count() == 10


def test_a_key_without_the_write_scope_cannot_start_a_batch(workspace, registry_synced, system_actor):
    _, plaintext = apikey_create(workspace=workspace, name="r", scopes=["runs:read"], actor=system_actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    response = client.post(URL, {"items": [_item("a")]}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
