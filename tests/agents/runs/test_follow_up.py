"""Follow-ups: a new run of the same version from a finished one, with instructions; a thread is the chain."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from agents.models import Agent, Run
from agents.runs.errors import RunInputError, RunStateError
from agents.runs.runtime import RunContext, run_execute
from agents.runs.services import run_create, run_follow_up
from agents.selectors import run_thread
from raptorflow.accounts.services import apikey_create

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


@pytest.fixture
def finished(unit_agent, workspace, system_actor) -> Run:
    run, _ = run_create(workspace=workspace, agent=unit_agent, input=UNIT, actor=system_actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert run.status == "succeeded"
    return run


def test_a_follow_up_runs_the_same_version_on_the_parents_input_with_the_changes(finished, system_actor):
    follow, created = run_follow_up(
        parent=finished, actor=system_actor, instructions="What if churn halves?", input_changes={"churn": 0.025}
    )
    assert created
    assert follow.agent_version_id == finished.agent_version_id and follow.parent_id == finished.pk
    assert follow.input == {**UNIT, "churn": 0.025} and follow.instructions == "What if churn halves?"
    run_execute(str(follow.pk))
    follow.refresh_from_db()
    assert follow.status == "succeeded"
    assert follow.output != finished.output  # recomputed from the changed input


def test_offline_the_instructions_are_not_applied_and_the_run_says_a_model_is_needed(finished, system_actor):
    follow, _ = run_follow_up(parent=finished, actor=system_actor, instructions="Make it punchier.")
    run_execute(str(follow.pk))
    said = [e.data for e in follow.events.filter(type="progress")]
    assert any(d.get("needs_model") == ["instructions"] for d in said), said


def test_the_model_sees_the_earlier_answer_and_the_instructions(finished, system_actor):
    follow, _ = run_follow_up(parent=finished, actor=system_actor, instructions="Explain the payback period.")
    follow = Run.objects.select_related("workspace", "agent_version").get(pk=follow.pk)
    messages = RunContext(follow)._model.messages("Summarise.", "")
    text = "\n".join(m.content for m in messages if isinstance(m.content, str))
    assert "Explain the payback period." in text
    assert '"earlier_output"' not in text and '"output"' in text and str(finished.output["ltv"]) in text
    assert messages[-1].content == "Summarise."
    plain = RunContext(Run.objects.select_related("workspace", "agent_version").get(pk=finished.pk))
    assert not any("revises" in str(m.content) for m in plain._model.messages("Summarise.", ""))


def test_only_a_run_that_succeeded_can_be_followed_up_and_changes_must_fit_the_schema(
    finished, unit_agent, workspace, system_actor
):
    with pytest.raises(RunInputError):
        run_follow_up(parent=finished, actor=system_actor, instructions="x", input_changes={"churn": "lots"})
    queued, _ = run_create(workspace=workspace, agent=unit_agent, input=UNIT, actor=system_actor)
    with pytest.raises(RunStateError) as refused:
        run_follow_up(parent=queued, actor=system_actor, instructions="x")
    assert refused.value.code == "not_succeeded"


def test_a_thread_is_the_chain_from_the_first_run_oldest_first(finished, system_actor):
    second, _ = run_follow_up(parent=finished, actor=system_actor, instructions="again")
    run_execute(str(second.pk))
    second.refresh_from_db()
    third, _ = run_follow_up(parent=second, actor=system_actor, instructions="and again")
    assert [r.pk for r in run_thread(third)] == [finished.pk, second.pk, third.pk]
    assert [r.pk for r in run_thread(finished)] == [finished.pk, second.pk, third.pk]


def test_the_api_starts_a_follow_up_idempotently_and_reads_the_thread(finished, workspace, system_actor):
    _, key = apikey_create(workspace=workspace, name="ci", scopes=["runs:read", "runs:write"], actor=system_actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    url = f"/api/v1/runs/{finished.pk}/follow-up"
    body = {"instructions": "Shorter.", "input": {"arpu": 60}}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="f-1")
    assert first.status_code == 201, first.json()
    assert first.json()["parent"] == str(finished.pk) and first.json()["input"]["arpu"] == 60
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="f-1")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    bad = client.post(url, {"instructions": "x", "input": {"arpu": "sixty"}}, format="json")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
    thread = client.get(f"/api/v1/runs/{first.json()['id']}/thread")
    assert [r["id"] for r in thread.json()["runs"]] == [str(finished.pk), first.json()["id"]]


def test_another_workspaces_run_cannot_be_followed_up(finished, other_workspace, system_actor):
    _, key = apikey_create(workspace=other_workspace, name="x", scopes=["runs:write"], actor=system_actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = client.post(f"/api/v1/runs/{finished.pk}/follow-up", {"instructions": "mine now"}, format="json")
    assert response.status_code == 404
    assert not Run.objects.filter(parent=finished).exists()
    assert Agent.objects.filter(slug="unit_economics").exists()
