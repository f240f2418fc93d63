"""A run's model calls, in-process, against a fake adapter: structured output with one repair, the tool loop,
sensitive calls approved by a person, replay of recorded calls, streaming deltas and cancel in flight."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone

from agents.models import Approval, RunEvent
from agents.registry import ModelUnavailable
from agents.runs.runtime import run_execute
from agents.runs.services import run_approve, run_cancel, run_create, run_reject
from raptorflow.llm import adapters
from raptorflow.llm.models import ModelPrice, Provider
from raptorflow.llm.types import CallCancelled, Completion, CompletionRequest, ToolCall, Usage
from skills.models import Skill
from tests.agents.conftest import UNIT_INPUT

FAKE = "test-fake"
ANSWER_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["headline", "score"],
    "properties": {"headline": {"type": "string"}, "score": {"type": "integer", "minimum": 0, "maximum": 10}},
}

Reply = Callable[[CompletionRequest], Completion]


class FakeModel:
    """Answers each call with the next scripted reply and keeps every request it was sent."""

    def __init__(self, replies: list[Reply]):
        self.replies = list(replies)
        self.requests: list[CompletionRequest] = []

    def __call__(self, provider: Provider, request: CompletionRequest) -> Completion:
        self.requests.append(request)
        return self.replies.pop(0)(request)


def text(content: str, tokens: tuple[int, int] = (100, 20)) -> Reply:
    return lambda request: Completion(content, Usage(*tokens), request.model, FAKE, 5)


def structured(parsed: object) -> Reply:
    return lambda request: Completion("", Usage(120, 30), request.model, FAKE, 5, parsed=parsed)


def calls(*tool_calls: ToolCall) -> Reply:
    return lambda request: Completion("", Usage(150, 40), request.model, FAKE, 5, tool_calls=tool_calls)


@pytest.fixture
def fake_model(db, monkeypatch):
    """A provider of kind test-fake whose adapter is a FakeModel; the version's chain names it."""

    def make(*replies: Reply) -> FakeModel:
        model = FakeModel(list(replies))
        monkeypatch.setitem(adapters.ADAPTERS, FAKE, model)
        return model

    provider = Provider.objects.create(name=FAKE, kind=FAKE)
    ModelPrice.objects.create(
        provider=provider,
        model="fake-1",
        input_per_million=Decimal("10"),
        output_per_million=Decimal("30"),
        effective_from=timezone.now() - timezone.timedelta(days=1),
    )
    return make


@pytest.fixture
def agent_with(make_agent):
    def make(slug: str, run, **version_fields):
        fields = {"cache_responses": False, **version_fields}
        return make_agent(slug, run, chain=[{"provider": FAKE, "model": "fake-1"}], **fields)

    return make


def _run(agent, workspace, actor, data=None):
    run, _ = run_create(workspace=workspace, agent=agent, input=data or {}, actor=actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def _judge(ctx, data):
    return ctx.llm_json("Judge our launch headline.", schema=ANSWER_SCHEMA, purpose="judge")


# --- structured output -------------------------------------------------------------------------------------------


def test_a_structured_answer_that_misses_the_schema_is_repaired_once(fake_model, agent_with, workspace, system_actor):
    model = fake_model(
        structured({"headline": "Forecasts, weekly", "score": 14}),
        structured({"headline": "Forecasts, weekly", "score": 8}),
    )
    run = _run(agent_with("test-judge", _judge), workspace, system_actor)
    assert run.status == "succeeded", run.error_message
    assert run.output == {"headline": "Forecasts, weekly", "score": 8}
    first, repair = model.requests
    assert first.output is not None and first.output.schema == ANSWER_SCHEMA and first.output.strict
    assert "score: 14 is greater than the maximum of 10" in repair.messages[-1].content
    assert [step.name for step in run.steps.all()] == ["judge", "judge:repair"]
    # (120 + 120) input and (30 + 30) output tokens at $10 / $30 per million.
    assert (run.tokens_in, run.tokens_out, run.cost) == (240, 60, Decimal("0.0042"))


def test_a_structured_answer_still_wrong_after_the_repair_fails_the_run_with_the_errors(
    fake_model, agent_with, workspace, system_actor
):
    fake_model(structured({"headline": 3}), text("not even JSON"))
    run = _run(agent_with("test-judge", _judge), workspace, system_actor)
    assert (run.status, run.error_code) == ("failed", "invalid_model_output")
    assert "(root): the answer is not a JSON object" in run.error_message
    assert run.steps.count() == 2


def test_the_offline_provider_gives_no_structured_output_and_the_agent_can_take_its_offline_path(
    make_agent, workspace, system_actor
):
    def judge_or_compute(ctx, data):
        try:
            return ctx.llm_json("Judge it.", schema=ANSWER_SCHEMA)
        except ModelUnavailable as exc:
            return {"needs_model": exc.message}

    run = _run(make_agent("test-offline-judge", judge_or_compute), workspace, system_actor)
    assert run.status == "succeeded"
    assert "offline provider" in run.output["needs_model"]
    uncaught = _run(make_agent("test-offline-judge-2", _judge), workspace, system_actor)
    assert (uncaught.status, uncaught.error_code) == ("failed", "model_unavailable")


# --- the tool loop ----------------------------------------------------------------------------------------------


def _analyst(ctx, data):
    answer = ctx.llm_loop("How healthy are our unit economics, and how readable is our tagline?", purpose="analyse")
    return {"answer": answer.text, "calls": [call["name"] for call in answer.calls]}


def test_the_model_calls_two_skills_it_chose_and_each_call_is_a_checked_step(
    fake_model, agent_with, workspace, system_actor
):
    model = fake_model(
        calls(
            ToolCall("c1", "finance_unit_economics", UNIT_INPUT),
            ToolCall("c2", "text_stats", {"text": "Forecasts you can bank on."}),
        ),
        text("CAC is 500 and the tagline reads easily."),
    )
    agent = agent_with("test-analyst", _analyst, model_tools=["finance.unit_economics", "text.stats"])
    run = _run(agent, workspace, system_actor)
    assert run.status == "succeeded", run.error_message
    assert run.output == {
        "answer": "CAC is 500 and the tagline reads easily.",
        "calls": ["finance_unit_economics", "text_stats"],
    }
    offered = [tool.name for tool in model.requests[0].tools]
    assert offered == ["finance_unit_economics", "text_stats"]
    results = [m for m in model.requests[1].messages if m.role == "tool"]
    assert [m.tool_call_id for m in results] == ["c1", "c2"]
    assert '"cac": 500.0' in results[0].content
    steps = [(s.sequence, s.kind, s.name, s.status) for s in run.steps.all()]
    assert steps == [
        (1, "llm", "analyse", "succeeded"),
        (2, "skill", "finance.unit_economics", "succeeded"),
        (3, "tool", "text.stats", "succeeded"),
        (4, "llm", "analyse", "succeeded"),
    ]
    assert run.tokens_in == 150 + 100 and run.cost > 0


def test_arguments_that_miss_the_schema_go_back_to_the_model_and_it_can_correct_them(
    fake_model, agent_with, workspace, system_actor
):
    model = fake_model(
        calls(ToolCall("c1", "finance_unit_economics", {"spend": "a lot"})),
        calls(ToolCall("c2", "finance_unit_economics", UNIT_INPUT)),
        text("Done."),
    )
    run = _run(agent_with("test-analyst", _analyst, model_tools=["finance.unit_economics"]), workspace, system_actor)
    assert run.status == "succeeded", run.error_message
    told = next(m for m in model.requests[1].messages if m.role == "tool").content
    assert "do not match the tool's input schema" in told and "spend: 'a lot' is not of type 'number'" in told
    assert [s.kind for s in run.steps.all()] == ["llm", "llm", "skill", "llm"]  # no step for the refused call


def test_a_model_that_keeps_calling_tools_stops_at_the_versions_limit(fake_model, agent_with, workspace, system_actor):
    fake_model(*[calls(ToolCall(f"c{i}", "text_stats", {"text": "again"})) for i in range(3)])
    agent = agent_with("test-analyst", _analyst, model_tools=["text.stats"], max_tool_iterations=3)
    run = _run(agent, workspace, system_actor)
    assert (run.status, run.error_code) == ("failed", "tool_loop_limit")


def test_a_sensitive_call_waits_for_a_person_and_the_resumed_run_does_not_pay_twice(
    fake_model, agent_with, workspace, system_actor
):
    Skill.objects.filter(slug="finance.unit_economics").update(sensitive=True)
    model = fake_model(calls(ToolCall("c1", "finance_unit_economics", UNIT_INPUT)), text("CAC is 500."))
    agent = agent_with("test-analyst", _analyst, model_tools=["finance.unit_economics"])
    run = _run(agent, workspace, system_actor)
    assert run.status == "awaiting_approval"
    approval = Approval.objects.get(run=run, status="pending")
    assert (approval.step_sequence, approval.call) == (
        2,
        {"kind": "skill", "name": "finance.unit_economics", "input": UNIT_INPUT},
    )
    cost_before = run.cost
    assert len(model.requests) == 1

    run_approve(run=run, actor=system_actor)
    run.refresh_from_db()
    assert run.status == "queued"
    run_execute(str(run.pk))  # what the worker does with the message sent on approval
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message
    assert len(model.requests) == 2  # the first model call was replayed from its record, not made again
    assert [(s.sequence, s.kind) for s in run.steps.all()] == [(1, "llm"), (2, "skill"), (3, "llm")]
    assert run.cost > cost_before and run.attempt == 2
    statuses = [e.data["status"] for e in run.events.filter(type="status")]
    assert statuses == ["queued", "running", "awaiting_approval", "queued", "running", "succeeded"]


def test_a_rejected_call_cancels_the_run(fake_model, agent_with, workspace, system_actor):
    Skill.objects.filter(slug="finance.unit_economics").update(sensitive=True)
    fake_model(calls(ToolCall("c1", "finance_unit_economics", UNIT_INPUT)))
    run = _run(agent_with("test-analyst", _analyst, model_tools=["finance.unit_economics"]), workspace, system_actor)
    run_reject(run=run, actor=system_actor, comment="not now")
    run.refresh_from_db()
    assert (run.status, run.error_code) == ("cancelled", "rejected")
    assert not run.steps.filter(kind="skill").exists()


def test_a_run_retried_after_its_worker_died_replays_the_model_calls_it_had_made(
    fake_model, agent_with, workspace, system_actor
):
    model = fake_model(text("first draft"), text("second draft"))

    def two_drafts(ctx, data):
        first = ctx.llm("Draft one.", purpose="draft")
        if ctx.run.attempt == 1:
            raise SystemExit  # the worker dies here (BaseException: nothing in the runtime catches it)
        return {"drafts": [first, ctx.llm("Draft two.", purpose="draft")]}

    agent = agent_with("test-drafts", two_drafts)
    run, _ = run_create(workspace=workspace, agent=agent, input={}, actor=system_actor)
    with pytest.raises(SystemExit):
        run_execute(str(run.pk))
    run.refresh_from_db()
    run.status = "running"
    from agents.runs.lifecycle import run_transition
    from agents.runs.sweeper import SWEEPER

    run_transition(run, to="queued", allowed_from={"running"}, actor=SWEEPER)  # what the sweeper does
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message
    assert run.output == {"drafts": ["first draft", "second draft"]}
    assert len(model.requests) == 2 and run.steps.count() == 2
    assert run.tokens_in == 200  # each call charged once


# --- streaming and cancel ----------------------------------------------------------------------------------------


def test_streamed_text_reaches_the_events_as_deltas_and_is_stored_once_on_the_step(
    fake_model, agent_with, workspace, system_actor
):
    seen_during_call: list[list[str]] = []

    def streaming(request: CompletionRequest) -> Completion:
        assert request.stream and request.on_delta is not None
        for piece in ["Forecasts ", "you can ", "bank on."]:
            request.on_delta(piece)
            time.sleep(0.12)  # longer than the coalescing window: each piece is its own delta event
        seen_during_call.append(list(RunEvent.objects.filter(type="delta").values_list("data__text", flat=True)))
        return Completion("Forecasts you can bank on.", Usage(50, 7), request.model, FAKE, 360)

    fake_model(streaming)
    run = _run(agent_with("test-writer", lambda ctx, data: {"t": ctx.llm("Tagline?")}), workspace, system_actor)
    assert run.status == "succeeded", run.error_message
    assert seen_during_call == [["Forecasts ", "you can ", "bank on."]]
    assert not run.events.filter(type="delta").exists()  # the draft now lives on the step
    assert run.steps.get().output["text"] == "Forecasts you can bank on."
    assert run.events.filter(type="step").get().data["call"]


@pytest.mark.django_db(transaction=True)  # the web's cancel and the worker's guard read committed rows
def test_a_cancel_stops_a_model_call_in_flight_and_charges_what_arrived(
    fake_model, agent_with, workspace, system_actor
):
    def slow_stream(request: CompletionRequest) -> Completion:
        received = ""
        for piece in ["one ", "two ", "three ", "four ", "five "]:
            if request.cancel is not None and request.cancel.wait(1.0):  # a token a second
                raise CallCancelled(FAKE, Completion(received, Usage(80, len(received) // 4), request.model, FAKE, 0))
            received += piece
            request.on_delta(piece)
        return Completion(received, Usage(80, 5), request.model, FAKE, 5000)

    fake_model(slow_stream)
    agent = agent_with("test-writer", lambda ctx, data: {"t": ctx.llm("Write a long post.")})
    run, _ = run_create(workspace=workspace, agent=agent, input={}, actor=system_actor)
    cancelled_at: list[float] = []

    def cancel_soon() -> None:
        time.sleep(2.3)
        run_cancel(run=run, actor=system_actor, reason="stop")
        cancelled_at.append(time.monotonic())

    canceller = threading.Thread(target=cancel_soon)
    canceller.start()
    run_execute(str(run.pk))
    ended_at = time.monotonic()
    canceller.join()
    run.refresh_from_db()
    assert (run.status, run.error_code) == ("cancelled", "cancelled")
    assert ended_at - cancelled_at[0] < 1.0
    step = run.steps.get()
    assert (step.status, step.output["text"]) == ("failed", "one two ")
    assert run.tokens_in == 80 and run.tokens_out == 2 and run.cost > 0


def test_a_retried_stream_starts_its_deltas_again_at_offset_zero(fake_model, agent_with, workspace, system_actor):
    from raptorflow.llm.errors import ErrorCode, ProviderError

    def drops_mid_stream(request: CompletionRequest) -> Completion:
        request.on_delta("Forecasts you")
        raise ProviderError(ErrorCode.UNAVAILABLE, "connection reset", provider=FAKE, retryable=True)

    deltas_when_done: list[list[tuple[int, str]]] = []

    def answers(request: CompletionRequest) -> Completion:
        request.on_delta("Weekly forecasts.")
        rows = RunEvent.objects.filter(type="delta").order_by("sequence").values_list("data__offset", "data__text")
        deltas_when_done.append(list(rows))
        return Completion("Weekly forecasts.", Usage(40, 4), request.model, FAKE, 5)

    fake_model(drops_mid_stream, answers)
    run = _run(agent_with("test-writer", lambda ctx, data: {"t": ctx.llm("Tagline?")}), workspace, system_actor)
    assert run.status == "succeeded", run.error_message
    # A reader builds draft[:offset] + text: the second try replaces the first one's text.
    assert deltas_when_done == [[(0, "Forecasts you"), (0, "Weekly forecasts.")]]


def test_a_call_waiting_for_a_person_is_shown_with_its_input_in_the_api_and_the_inbox(
    fake_model, agent_with, workspace, system_actor, owner, admin_client
):
    from rest_framework.test import APIClient

    Skill.objects.filter(slug="finance.unit_economics").update(sensitive=True)
    fake_model(calls(ToolCall("c1", "finance_unit_economics", UNIT_INPUT)))
    run = _run(agent_with("test-analyst", _analyst, model_tools=["finance.unit_economics"]), workspace, system_actor)
    client = APIClient()
    client.force_login(owner)
    (approval,) = client.get(f"/api/v1/runs/{run.pk}", HTTP_X_WORKSPACE=workspace.slug).json()["approvals"]
    assert (approval["status"], approval["step_sequence"]) == ("pending", 2)
    assert approval["call"] == {"kind": "skill", "name": "finance.unit_economics", "input": UNIT_INPUT}
    inbox = admin_client.get("/admin/agents/approval/inbox/").content.decode()
    assert "Requested call: finance.unit_economics" in inbox and "&quot;spend&quot;: 10000" in inbox
