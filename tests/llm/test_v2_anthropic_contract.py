"""The Anthropic adapter against the official ``anthropic`` SDK's own types.

Every request the adapter sends is checked against ``MessageCreateParamsNonStreaming`` /
``MessageCreateParamsStreaming`` (strictly: tests/llm/contract.py), and every answer the fake server gives
is built with ``Message`` and the raw stream event types and serialised by the SDK.

One known difference: the SDK (2.x) speaks API version 2026-10-21, which dropped the sampling parameters,
while the adapter speaks 2023-06-01, where ``temperature`` is still a field. ``sent()`` takes it out (after
checking that it is a number) before the check; docs/decisions/0014-model-layer-v2.md has the details.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pydantic
import pytest
from anthropic.types import (
    APIErrorObject,
    ErrorResponse,
    InputJSONDelta,
    MessageDeltaUsage,
    OverloadedErrorObject,
    RateLimitErrorObject,
    RawContentBlockDeltaEvent,
    RawContentBlockStartEvent,
    RawContentBlockStopEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    RawMessageStopEvent,
    TextBlock,
    TextDelta,
    ToolUseBlock,
)
from anthropic.types import Message as WireMessage
from anthropic.types import Usage as WireUsage
from anthropic.types.message_create_params import MessageCreateParamsNonStreaming, MessageCreateParamsStreaming
from anthropic.types.raw_message_delta_event import Delta
from pytest_httpserver import HTTPServer

from raptorflow.llm.adapters import ANTHROPIC_VERSION, complete_anthropic
from raptorflow.llm.adapters.draft import prompt_tokens
from raptorflow.llm.errors import ErrorCode, ProviderError
from raptorflow.llm.types import (
    CallCancelled,
    CancelToken,
    CompletionRequest,
    Message,
    OutputSchema,
    ToolCall,
    ToolSpec,
    Usage,
    estimate_tokens,
)

from . import ANTHROPIC, ask, make_provider
from .contract import SlowServer, WireCheck, cancel_when, sse

pytestmark = pytest.mark.django_db

CHECK = WireCheck(MessageCreateParamsNonStreaming)
CHECK_STREAMING = WireCheck(MessageCreateParamsStreaming)
PATH = ANTHROPIC.path("primary")

TOOLS = (
    ToolSpec(
        "lookup_competitor",
        "Facts about a competitor.",
        {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    ),
    ToolSpec("get_pricing", "Our price list.", {"type": "object", "properties": {}}),
)
PLAN = OutputSchema(
    "launch_plan",
    {
        "type": "object",
        "properties": {"channels": {"type": "array", "items": {"type": "string"}}, "budget": {"type": "number"}},
        "required": ["channels", "budget"],
    },
)


# --- the SDK builds the answers ---------------------------------------------------------------------


def usage(input_tokens: int = 20, output_tokens: int = 5, *, read: int | None = None, written: int | None = None):
    return WireUsage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cache_read_input_tokens=read,
        cache_creation_input_tokens=written,
    )


def message(*blocks, stop: str | None = "end_turn", tokens=None) -> WireMessage:
    return WireMessage(
        id="msg_1",
        type="message",
        role="assistant",
        model="claude-test",
        content=list(blocks),
        stop_reason=stop,
        stop_sequence=None,
        usage=tokens or usage(),
    )


def text(value: str) -> TextBlock:
    return TextBlock(type="text", text=value)


def tool_use(id_: str, name: str, arguments: dict) -> ToolUseBlock:
    return ToolUseBlock(type="tool_use", id=id_, name=name, input=arguments)


def event(model) -> tuple[str, str]:
    """An SSE (event, data) pair named by the event's ``type``, as Anthropic sends them."""
    return model.type, model.model_dump_json()


def stream_start(tokens=None) -> list[tuple[str, str]]:
    return [event(RawMessageStartEvent(type="message_start", message=message(stop=None, tokens=tokens)))]


def text_block(index: int, *pieces: str) -> list[tuple[str, str]]:
    start = RawContentBlockStartEvent(type="content_block_start", index=index, content_block=text(""))
    deltas = [
        RawContentBlockDeltaEvent(type="content_block_delta", index=index, delta=TextDelta(type="text_delta", text=p))
        for p in pieces
    ]
    return [event(start), *map(event, deltas), event(RawContentBlockStopEvent(type="content_block_stop", index=index))]


def tool_block(index: int, id_: str, name: str, *fragments: str) -> list[tuple[str, str]]:
    start = RawContentBlockStartEvent(type="content_block_start", index=index, content_block=tool_use(id_, name, {}))
    deltas = [
        RawContentBlockDeltaEvent(
            type="content_block_delta", index=index, delta=InputJSONDelta(type="input_json_delta", partial_json=f)
        )
        for f in fragments
    ]
    return [event(start), *map(event, deltas), event(RawContentBlockStopEvent(type="content_block_stop", index=index))]


def stream_end(stop: str = "end_turn", output_tokens: int = 5) -> list[tuple[str, str]]:
    delta = RawMessageDeltaEvent(
        type="message_delta",
        delta=Delta(stop_reason=stop, stop_sequence=None),
        usage=MessageDeltaUsage(output_tokens=output_tokens),
    )
    return [event(delta), event(RawMessageStopEvent(type="message_stop"))]


def sent(httpserver: HTTPServer, number: int = 0) -> dict:
    """The body of the ``number``-th request, checked against the SDK's request type (less ``temperature``)."""
    body = json.loads(httpserver.log[number][0].get_data())
    assert isinstance(body.pop("temperature"), float)  # API 2023-06-01 only: see the module docstring
    raw = json.dumps(body).encode()
    return (CHECK_STREAMING if body.get("stream") else CHECK)(raw)


def reply(httpserver: HTTPServer, body: str, *, stream: bool = False, status: int = 200, headers=None) -> None:
    content_type = "text/event-stream" if stream else "application/json"
    httpserver.expect_oneshot_request(PATH, method="POST").respond_with_data(
        body, status=status, content_type=content_type, headers=headers
    )


# --- what is sent -----------------------------------------------------------------------------------


def test_system_prompt_and_foundation_marked_cache_get_cache_control(httpserver: HTTPServer):
    reply(httpserver, message(text("ok")).model_dump_json())
    messages = (
        Message("system", "You are Raptorflow's marketer.", cache=True),
        Message("system", "Today is Monday."),
        Message("user", "Company foundation: Acme sells analytics.", cache=True),
        Message("user", "Plan a launch."),
    )

    complete_anthropic(ANTHROPIC.provider(httpserver), CompletionRequest(messages, "claude-test"))

    body = sent(httpserver)
    assert body["system"] == [
        {"type": "text", "text": "You are Raptorflow's marketer.", "cache_control": {"type": "ephemeral"}},
        {"type": "text", "text": "Today is Monday."},
    ]
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {
                    "type": "text",
                    "text": "Company foundation: Acme sells analytics.",
                    "cache_control": {"type": "ephemeral"},
                }
            ],
        },
        {"role": "user", "content": "Plan a launch."},
    ]
    assert httpserver.log[0][0].headers["anthropic-version"] == ANTHROPIC_VERSION


# --- tools ------------------------------------------------------------------------------------------


def test_a_tool_call_round_trip_sends_tool_use_and_results_in_one_user_turn(httpserver: HTTPServer):
    asked_for = message(
        text("Let me check."),
        tool_use("toolu_1", "lookup_competitor", {"name": "Globex"}),
        tool_use("toolu_2", "get_pricing", {}),
        stop="tool_use",
    )
    reply(httpserver, asked_for.model_dump_json())
    reply(httpserver, message(text("Globex undercuts us by 10%.")).model_dump_json())
    provider = ANTHROPIC.provider(httpserver)

    asked = complete_anthropic(provider, ask("Compare us with Globex.", tools=TOOLS, tool_choice="required"))
    results = [Message("tool", '{"price": 90}', tool_call_id="toolu_1"), Message("tool", "[]", tool_call_id="toolu_2")]
    history = (Message("user", "Compare us with Globex."), Message("assistant", asked.text, asked.tool_calls), *results)
    final = complete_anthropic(provider, CompletionRequest(history, "claude-test", tools=TOOLS))

    assert (asked.text, asked.finish_reason) == ("Let me check.", "tool_calls")
    assert asked.tool_calls == (
        ToolCall("toolu_1", "lookup_competitor", {"name": "Globex"}),
        ToolCall("toolu_2", "get_pricing", {}),
    )
    first = sent(httpserver, 0)
    assert first["tool_choice"] == {"type": "any"}
    assert first["tools"][0] == {
        "name": "lookup_competitor",
        "description": TOOLS[0].description,
        "input_schema": TOOLS[0].parameters,
    }
    assert sent(httpserver, 1)["messages"][1:] == [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Let me check."},
                {"type": "tool_use", "id": "toolu_1", "name": "lookup_competitor", "input": {"name": "Globex"}},
                {"type": "tool_use", "id": "toolu_2", "name": "get_pricing", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": '{"price": 90}'},
                {"type": "tool_result", "tool_use_id": "toolu_2", "content": "[]"},
            ],
        },
    ]
    assert (final.text, final.finish_reason, final.tool_calls) == ("Globex undercuts us by 10%.", "stop", ())


@pytest.mark.parametrize(("ours", "wire"), [("auto", "auto"), ("required", "any"), ("none", "none")])
def test_tool_choice_maps_to_anthropics_names(httpserver: HTTPServer, ours: str, wire: str):
    reply(httpserver, message(text("ok")).model_dump_json())

    complete_anthropic(ANTHROPIC.provider(httpserver), ask(tools=TOOLS, tool_choice=ours))

    assert sent(httpserver)["tool_choice"] == {"type": wire}


# --- structured output ------------------------------------------------------------------------------


def test_structured_output_forces_the_output_tool_and_its_input_is_the_answer(httpserver: HTTPServer):
    plan = {"channels": ["email", "webinar"], "budget": 12000}
    reply(httpserver, message(tool_use("toolu_9", "launch_plan", plan), stop="tool_use").model_dump_json())

    completion = complete_anthropic(ANTHROPIC.provider(httpserver), ask(output=PLAN))

    body = sent(httpserver)
    assert body["tool_choice"] == {"type": "tool", "name": "launch_plan"}
    assert body["tools"][-1]["name"] == "launch_plan" and body["tools"][-1]["input_schema"] == PLAN.schema
    assert completion.parsed == plan
    assert (completion.tool_calls, completion.finish_reason) == ((), "stop")  # the output tool is the answer


def test_a_streamed_structured_answer_is_assembled_from_input_json_fragments(httpserver: HTTPServer):
    events = [
        *stream_start(),
        *tool_block(0, "toolu_9", "launch_plan", '{"channels": ["em', 'ail"], "bud', 'get": 900}'),
        *stream_end("tool_use", 20),
    ]
    reply(httpserver, sse(events), stream=True)

    completion = complete_anthropic(ANTHROPIC.provider(httpserver), ask(output=PLAN, stream=True))

    assert completion.parsed == {"channels": ["email"], "budget": 900}
    assert completion.tool_calls == ()


def test_a_structured_answer_cut_by_max_tokens_is_not_coerced(httpserver: HTTPServer):
    events = [*stream_start(), *tool_block(0, "toolu_9", "launch_plan", '{"channels": ["em'), *stream_end("max_tokens")]
    reply(httpserver, sse(events), stream=True)

    completion = complete_anthropic(ANTHROPIC.provider(httpserver), ask(output=PLAN, stream=True))

    assert (completion.parsed, completion.finish_reason) == (None, "length")


# --- streaming --------------------------------------------------------------------------------------


def test_streaming_delivers_deltas_in_order_with_tool_calls_and_usage(httpserver: HTTPServer):
    events = [
        *stream_start(usage(30, 1, read=1000, written=200)),
        *text_block(0, "Checking ", "Globex", "."),
        *tool_block(1, "toolu_1", "lookup_competitor", '{"na', 'me": "Globex"}'),
        *stream_end("tool_use", output_tokens=42),
    ]
    reply(httpserver, sse([events[0], ("ping", '{"type": "ping"}'), *events[1:]]), stream=True)
    deltas: list[str] = []

    completion = complete_anthropic(
        ANTHROPIC.provider(httpserver), ask(tools=TOOLS, stream=True, on_delta=deltas.append)
    )

    assert deltas == ["Checking ", "Globex", "."]
    assert completion.text == "Checking Globex."
    assert completion.tool_calls == (ToolCall("toolu_1", "lookup_competitor", {"name": "Globex"}),)
    assert completion.usage == Usage(1230, 42, cached_input_tokens=1000, cache_write_tokens=200)
    assert (completion.finish_reason, sent(httpserver)["stream"]) == ("tool_calls", True)


# --- usage and finish reasons -----------------------------------------------------------------------


def test_cache_reads_and_writes_are_folded_into_input(httpserver: HTTPServer):
    reply(httpserver, message(text("ok"), tokens=usage(12, 7, read=2048, written=512)).model_dump_json())

    completion = complete_anthropic(ANTHROPIC.provider(httpserver), ask())

    assert completion.usage == Usage(2572, 7, cached_input_tokens=2048, cache_write_tokens=512)
    assert completion.usage.uncached_input_tokens == 12


@pytest.mark.parametrize(
    ("wire", "ours"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("refusal", "content_filter"),
        ("pause_turn", "other"),
    ],
)
def test_stop_reasons_map_to_the_small_set(httpserver: HTTPServer, wire: str, ours: str):
    reply(httpserver, message(text("ok"), stop=wire).model_dump_json())

    assert complete_anthropic(ANTHROPIC.provider(httpserver), ask()).finish_reason == ours


# --- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_is_rate_limited_and_honours_retry_after(httpserver: HTTPServer, form: str):
    in_30_seconds = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    retry_after = "7" if form == "seconds" else in_30_seconds
    error = RateLimitErrorObject(type="rate_limit_error", message="Number of requests has exceeded your rate limit")
    body = ErrorResponse(type="error", error=error).model_dump_json()
    reply(httpserver, body, status=429, headers={"Retry-After": retry_after})

    with pytest.raises(ProviderError) as caught:
        complete_anthropic(ANTHROPIC.provider(httpserver), ask())

    assert (caught.value.code, caught.value.status, caught.value.retryable) == (ErrorCode.RATE_LIMITED, 429, True)
    assert caught.value.retry_after == 7.0 if form == "seconds" else 25 <= caught.value.retry_after <= 30
    assert "exceeded your rate limit" in caught.value.message


def test_500_is_unavailable_and_retryable(httpserver: HTTPServer):
    body = ErrorResponse(
        type="error", error=APIErrorObject(type="api_error", message="Internal error")
    ).model_dump_json()
    reply(httpserver, body, status=500)

    with pytest.raises(ProviderError) as caught:
        complete_anthropic(ANTHROPIC.provider(httpserver), ask())

    assert (caught.value.code, caught.value.status, caught.value.retryable) == (ErrorCode.UNAVAILABLE, 500, True)


def test_no_answer_within_the_timeout_is_a_retryable_timeout(db):
    with SlowServer(delay=10) as server:
        provider = make_provider(ANTHROPIC.kind, base_url=server.url("/slow"), timeout_seconds=0.3)
        started = time.monotonic()
        with pytest.raises(ProviderError) as caught:
            complete_anthropic(provider, ask())

    assert (caught.value.code, caught.value.retryable) == (ErrorCode.TIMEOUT, True)
    assert time.monotonic() - started < 2


def test_a_truncated_body_is_malformed_and_not_retryable(httpserver: HTTPServer):
    whole = message(text("A complete answer.")).model_dump_json()
    reply(httpserver, whole[: len(whole) // 2])

    with pytest.raises(ProviderError) as caught:
        complete_anthropic(ANTHROPIC.provider(httpserver), ask())

    assert (caught.value.code, caught.value.retryable) == (ErrorCode.ERROR, False)


def test_an_error_event_in_the_middle_of_a_stream_is_a_provider_error(httpserver: HTTPServer):
    overloaded = ErrorResponse(type="error", error=OverloadedErrorObject(type="overloaded_error", message="Overloaded"))
    events = [*stream_start(), *text_block(0, "Half an ", "answer")[:3], ("error", overloaded.model_dump_json())]
    reply(httpserver, sse(events), stream=True)
    deltas: list[str] = []

    with pytest.raises(ProviderError) as caught:
        complete_anthropic(ANTHROPIC.provider(httpserver), ask(stream=True, on_delta=deltas.append))

    assert (caught.value.code, caught.value.retryable) == (ErrorCode.UNAVAILABLE, True)
    assert "overloaded_error" in caught.value.message
    assert deltas == ["Half an ", "answer"]


def test_a_stream_cut_before_message_stop_is_retryable(httpserver: HTTPServer):
    reply(httpserver, sse([*stream_start(), *text_block(0, "Half")]), stream=True)

    with pytest.raises(ProviderError) as caught:
        complete_anthropic(ANTHROPIC.provider(httpserver), ask(stream=True))

    assert (caught.value.code, caught.value.retryable) == (ErrorCode.UNAVAILABLE, True)


# --- cancel -----------------------------------------------------------------------------------------


def test_cancel_stops_a_stream_within_a_second_with_the_tokens_so_far(db):
    opening = sse([*stream_start(usage(40, 1, read=100)), *text_block(0, "token0 ")[:2]])
    tokens = [sse(text_block(0, f"token{n} ")[1:2]) for n in range(1, 10)]
    with SlowServer([opening, *tokens], interval=1.0) as server:
        provider = make_provider(ANTHROPIC.kind, base_url=server.url("/stream"))
        token, deltas = CancelToken(), []
        cancelled_at = cancel_when(lambda: len(deltas) >= 2, token.cancel)
        with pytest.raises(CallCancelled) as caught:
            complete_anthropic(provider, ask(stream=True, cancel=token, on_delta=deltas.append))
        stopped_after = time.monotonic() - cancelled_at[0]

    partial = caught.value.partial
    assert stopped_after < 1.0
    assert deltas == ["token0 ", "token1 "]
    assert (partial.text, partial.finish_reason) == ("token0 token1 ", "cancelled")
    # Input as message_start reported it (cache reads folded in); output at least what arrived.
    assert partial.usage == Usage(140, estimate_tokens("token0 token1 "), cached_input_tokens=100)


def test_cancel_stops_a_call_waiting_for_a_slow_answer(db):
    with SlowServer(delay=30) as server:
        provider = make_provider(ANTHROPIC.kind, base_url=server.url("/slow"))
        token, started = CancelToken(), time.monotonic()
        cancelled_at = cancel_when(lambda: time.monotonic() - started > 0.5, token.cancel)
        request = ask(cancel=token)
        with pytest.raises(CallCancelled) as caught:
            complete_anthropic(provider, request)
        stopped_after = time.monotonic() - cancelled_at[0]

    assert stopped_after < 1.0
    assert caught.value.partial.usage == Usage(prompt_tokens(request), 0)


def test_a_call_whose_token_is_already_cancelled_is_not_sent(httpserver: HTTPServer):
    token = CancelToken()
    token.cancel()

    with pytest.raises(CallCancelled):
        complete_anthropic(ANTHROPIC.provider(httpserver), ask(cancel=token))

    assert httpserver.log == []


# --- the check itself -------------------------------------------------------------------------------


def test_the_contract_check_catches_a_wrong_field_type_and_a_misplaced_block():
    good = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 64}
    wrong = [
        {**good, "max_tokens": "64"},
        {**good, "system": [{"type": "text", "text": "s", "cache_control": {"type": "persistent"}}]},
        {**good, "messages": [{"role": "user", "content": [{"type": "tool_result", "content": "no id"}]}]},
    ]

    CHECK(json.dumps(good).encode())
    for body in wrong:
        with pytest.raises(pydantic.ValidationError):
            CHECK(json.dumps(body).encode())
