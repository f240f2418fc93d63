"""A run that lacks what it needs asks instead of inventing: awaiting_input, answered through the API or the admin,
then it continues where it asked; unanswered questions expire; a cancel closes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import InputRequest, Run
from agents.runs.runtime import run_execute
from agents.runs.services import run_cancel, run_create
from agents.runs.sweeper import run_sweep
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.models import AuditEvent

PRICE_QUESTION = {
    "key": "monthly_price",
    "prompt": "What does one customer pay you a month, in USD?",
    "schema": {"type": "number", "exclusiveMinimum": 0},
}
NOTE_QUESTION = {"key": "note", "prompt": "Anything else we should know?", "required": False}


def _sizer(ctx, data):
    """Uses the price when the input has one; otherwise asks for it (never a default)."""
    progress_before = ctx.skill("finance.unit_economics", {"spend": 1000, "leads": 100, "conversion_rate": 0.1,
                                                           "arpu": 50, "churn": 0.05})  # fmt: skip
    price = data.get("monthly_price")
    if price is None:
        answers = ctx.ask([PRICE_QUESTION, NOTE_QUESTION])
        price = answers["monthly_price"]
    return {"annual_price": price * 12, "cac": progress_before["cac"]}


@pytest.fixture
def sizer(make_agent):
    return make_agent("test-sizer", _sizer)


@pytest.fixture
def writer(workspace, system_actor):
    _, key = apikey_create(workspace=workspace, name="w", scopes=["runs:read", "runs:write"], actor=system_actor)
    return APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}")


def _asking_run(sizer, workspace, actor) -> Run:
    run, _ = run_create(workspace=workspace, agent=sizer, input={}, actor=actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def test_a_run_missing_a_figure_asks_for_it_and_continues_with_the_answer(sizer, workspace, system_actor, writer):
    run = _asking_run(sizer, workspace, system_actor)
    assert run.status == "awaiting_input"
    detail = writer.get(f"/api/v1/runs/{run.pk}").json()
    assert detail["input_request"]["questions"] == [PRICE_QUESTION, NOTE_QUESTION]
    event = run.events.filter(type="status").last()
    assert event.data["status"] == "awaiting_input" and event.data["questions"][0]["key"] == "monthly_price"

    refused = writer.post(f"/api/v1/runs/{run.pk}/input", {"answers": {"monthly_price": -5, "x": 1}}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_answers")
    assert refused.json()["errors"]["answers"] == [
        "x: not a question of this run",
        "monthly_price/(root): -5 is less than or equal to the minimum of 0",
    ]
    answered = writer.post(f"/api/v1/runs/{run.pk}/input", {"answers": {"monthly_price": 49}}, format="json")
    assert (answered.status_code, answered.json()["status"]) == (200, "queued")
    assert writer.post(f"/api/v1/runs/{run.pk}/input", {"answers": {}}, format="json").status_code == 409

    run_execute(str(run.pk))  # the worker takes the message the answer sent
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message
    assert run.output == {"annual_price": 588, "cac": 100.0}
    assert [(s.sequence, s.kind) for s in run.steps.all()] == [(1, "skill"), (2, "input")]  # step 1 replayed
    assert run.steps.get(kind="input").output == {"monthly_price": 49}
    statuses = [e.data["status"] for e in run.events.filter(type="status")]
    assert statuses == ["queued", "running", "awaiting_input", "queued", "running", "succeeded"]
    request = InputRequest.objects.get(run=run)
    assert (request.status, request.answers) == ("answered", {"monthly_price": 49})
    assert AuditEvent.objects.filter(action="run.awaiting_input", target_id=str(run.pk)).exists()


def test_a_run_that_has_what_it_needs_asks_nothing(sizer, workspace, system_actor):
    run, _ = run_create(workspace=workspace, agent=sizer, input={"monthly_price": 10}, actor=system_actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert (run.status, run.output["annual_price"]) == ("succeeded", 120)
    assert not InputRequest.objects.exists()


def test_questions_nobody_answers_expire_and_cancel_the_run(sizer, workspace, system_actor):
    run = _asking_run(sizer, workspace, system_actor)
    InputRequest.objects.filter(run=run).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert run_sweep()["inputs_expired"] == 1
    run.refresh_from_db()
    assert (run.status, run.error_code) == ("cancelled", "input_expired")
    assert InputRequest.objects.get(run=run).status == "expired"


def test_cancelling_a_run_that_waits_for_answers_closes_its_questions(sizer, workspace, system_actor):
    run = _asking_run(sizer, workspace, system_actor)
    assert run_cancel(run=run, actor=system_actor, reason="wrong agent") == "cancelled"
    assert InputRequest.objects.get(run=run).status == "cancelled"


def test_staff_answer_from_the_run_page(sizer, workspace, system_actor, admin_client):
    run = _asking_run(sizer, workspace, system_actor)
    page = admin_client.get(f"/admin/agents/run/{run.pk}/change/").content.decode()
    assert 'id="run-answer-form"' in page and PRICE_QUESTION["prompt"] in page
    response = admin_client.post(
        f"/admin/agents/run/{run.pk}/answer/", {"answer-monthly_price": "49", "answer-note": ""}
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "queued"
    assert InputRequest.objects.get(run=run).answers == {"monthly_price": 49}


def test_badly_formed_questions_are_a_programming_error(make_agent, workspace, system_actor):
    agent = make_agent("test-bad-ask", lambda ctx, data: ctx.ask([{"key": "Price!", "prompt": "?"}]))
    run, _ = run_create(workspace=workspace, agent=agent, input={}, actor=system_actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert (run.status, run.error_code) == ("failed", "internal_error")


def test_a_run_that_asks_after_an_offline_model_refusal_continues_once_answered(
    make_agent, workspace, system_actor, writer
):
    """The refused structured call is replayed as the refusal it was; the question then keeps its step number,
    so its answer is found (made again, the call would renumber the steps and the run would ask forever)."""
    from agents.registry import ModelUnavailable

    def estimate_or_ask(ctx, data):
        try:
            return ctx.llm_json("Estimate the monthly price.", schema={"type": "object"})
        except ModelUnavailable:
            return {"price": ctx.ask([PRICE_QUESTION])["monthly_price"]}

    agent = make_agent("test-offline-asks", estimate_or_ask)
    run, _ = run_create(workspace=workspace, agent=agent, input={}, actor=system_actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert run.status == "awaiting_input"
    answered = writer.post(f"/api/v1/runs/{run.pk}/input", {"answers": {"monthly_price": 49}}, format="json")
    assert answered.status_code == 200
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert (run.status, run.output) == ("succeeded", {"price": 49}), run.error_message
    assert [(s.kind, s.status) for s in run.steps.all()] == [("llm", "failed"), ("input", "succeeded")]
