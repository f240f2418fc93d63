"""Pipelines over the API: define, publish, start, follow and cancel, within the caller's workspace only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from agents.models import Pipeline, PipelineRun, Run
from agents.pipelines.builtin import pipeline_sync
from agents.pipelines.services import pipeline_advance
from agents.runs.runtime import run_execute
from raptorflow.accounts.services import apikey_create

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
STEPS = [
    {"key": "first", "agent": "unit_economics", "input": {name: {"from": f"/input/{name}"} for name in UNIT}},
    {"key": "second", "agent": "unit_economics",
     "input": {**{name: {"const": value} for name, value in UNIT.items()}, "arpu": {"from": "/input/arpu"}},
     "after": ["first"]},
]  # fmt: skip
INPUT_SCHEMA = {"type": "object", "required": list(UNIT), "properties": {name: {"type": "number"} for name in UNIT}}


@pytest.fixture
def pipelines(registry_synced, system_actor):
    pipeline_sync(actor=system_actor)


def client_for(workspace, actor, scopes=("runs:read", "runs:write", "agents:read")) -> APIClient:
    _, key = apikey_create(workspace=workspace, name="k", scopes=list(scopes), actor=actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def define(client, **changes):
    body = {"slug": "twice", "name": "Twice", "input_schema": INPUT_SCHEMA, "steps": STEPS, "publish": True, **changes}
    return client.post("/api/v1/pipelines", body, format="json")


def test_a_member_defines_publishes_and_runs_a_pipeline_of_their_own(pipelines, workspace, system_actor):
    client = client_for(workspace, system_actor)
    created = define(client, publish=False)
    assert created.status_code == 201, created.json()
    assert created.json()["live_version"] is None and created.json()["owner"] == "workspace"
    published = client.post("/api/v1/pipelines/twice/publish", {"version": 1}, format="json")
    assert published.status_code == 200 and published.json()["live_version"]["number"] == 1
    listed = {p["slug"]: p["owner"] for p in client.get("/api/v1/pipelines").json()}
    assert listed == {"twice": "workspace", "go-to-market-plan": "platform", "publish-ready-post": "platform"}

    started = client.post("/api/v1/pipeline-runs", {"pipeline": "twice", "input": UNIT}, format="json",
                          HTTP_IDEMPOTENCY_KEY="p-1")  # fmt: skip
    assert started.status_code == 201, started.json()
    again = client.post("/api/v1/pipeline-runs", {"pipeline": "twice", "input": UNIT}, format="json",
                        HTTP_IDEMPOTENCY_KEY="p-1")  # fmt: skip
    assert again.status_code == 200 and again.json()["id"] == started.json()["id"]

    run = PipelineRun.objects.get(pk=started.json()["id"])
    for _ in range(3):
        pipeline_advance(run.pk)
        for child in Run.objects.filter(pipeline_run=run, status="queued"):
            run_execute(str(child.pk))
    detail = client.get(f"/api/v1/pipeline-runs/{run.pk}").json()
    assert detail["status"] == "succeeded"
    assert [s["key"] for s in detail["steps"]] == ["first", "second"]
    assert all(s["status"] == "succeeded" and s["output"] for s in detail["steps"])
    assert detail["totals"]["cost"] == "0.000000" and detail["totals"]["duration_seconds"] >= 0
    page = client.get(f"/api/v1/pipeline-runs/{run.pk}/events", {"after": 0, "limit": 500}).json()
    assert page["final"] and page["events"][-1]["data"] == {"status": "succeeded"}
    later = client.get(f"/api/v1/pipeline-runs/{run.pk}/events", {"after": page["next_after"]}).json()
    assert later["events"] == [] and later["final"]
    cancel = client.post(f"/api/v1/pipeline-runs/{run.pk}/cancel")
    assert cancel.status_code == 409 and cancel.json()["code"] == "not_active"


def test_a_definition_that_does_not_hold_together_is_a_422_with_the_problems(pipelines, workspace, system_actor):
    client = client_for(workspace, system_actor)
    bad = [{**STEPS[0], "input": {"spend": {"from": "/input/nothing_here"}}}]
    response = define(client, steps=bad, input_schema={**INPUT_SCHEMA, "additionalProperties": False})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_pipeline"
    assert body["errors"] == {"steps/first/input/spend": ["the schema has no /nothing_here"]}
    assert not Pipeline.objects.filter(slug="twice").exists()


def test_a_platform_slug_cannot_be_taken_and_a_platform_pipeline_not_published_through_the_api(
    pipelines, workspace, system_actor
):
    client = client_for(workspace, system_actor)
    taken = define(client, slug="go-to-market-plan")
    assert taken.status_code == 409 and taken.json()["code"] == "slug_taken"
    refused = client.post("/api/v1/pipelines/publish-ready-post/publish", {"version": 1}, format="json")
    assert refused.status_code == 404


def test_another_workspaces_pipelines_and_runs_are_invisible(pipelines, workspace, other_workspace, system_actor):
    mine = client_for(workspace, system_actor)
    theirs = client_for(other_workspace, system_actor)
    assert define(mine).status_code == 201
    assert theirs.get("/api/v1/pipelines/twice").status_code == 404
    started = theirs.post("/api/v1/pipeline-runs", {"pipeline": "twice", "input": UNIT}, format="json")
    assert (started.status_code, started.json()["code"]) == (422, "pipeline_not_found")  # none of theirs
    run = mine.post("/api/v1/pipeline-runs", {"pipeline": "twice", "input": UNIT}, format="json").json()
    assert theirs.get(f"/api/v1/pipeline-runs/{run['id']}").status_code == 404
    assert theirs.post(f"/api/v1/pipeline-runs/{run['id']}/cancel").status_code == 404
    assert theirs.get("/api/v1/pipeline-runs").json()["results"] == []


def test_a_run_with_an_input_that_does_not_fit_is_a_422(pipelines, workspace, system_actor):
    client = client_for(workspace, system_actor)
    response = client.post("/api/v1/pipeline-runs", {"pipeline": "go-to-market-plan", "input": {"team_size": "two"}},
                           format="json")  # fmt: skip
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert not PipelineRun.objects.exists()
