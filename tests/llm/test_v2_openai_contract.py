"""The OpenAI-compatible adapter against the official ``openai`` SDK's own types.

Every request the adapter sends is checked against ``CompletionCreateParamsNonStreaming`` /
``CompletionCreateParamsStreaming`` (strictly: tests/llm/contract.py), and every answer the fake server gives
is built with ``ChatCompletion`` / ``ChatCompletionChunk`` and serialised by the SDK, so the wire format in
both directions is checked by code we did not write.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pydantic
import pytest
from openai.types import CompletionUsage, ErrorObject
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_chunk import Choice as ChunkChoice
from openai.types.chat.chat_completion_chunk import ChoiceDelta, ChoiceDeltaToolCall, ChoiceDeltaToolCallFunction
from openai.types.chat.chat_completion_message_function_tool_call import ChatCompletionMessageFunctionToolCall, Function
from openai.types.chat.completion_create_params import (
    CompletionCreateParamsNonStreaming,
    CompletionCreateParamsStreaming,
)
from openai.types.completion_usage import PromptTokensDetails
from pytest_httpserver import HTTPServer

from raptorflow.llm.adapters import complete_openai_compatible
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

from . import OPENAI, ask, make_provider
from .contract import SlowServer, WireCheck, cancel_when, sse

pytestmark = pytest.mark.django_db

CHECK = WireCheck(CompletionCreateParamsNonStreaming)
CHECK_STREAMING = WireCheck(CompletionCreateParamsStreaming)
PATH = OPENAI.path("primary")

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
        "additionalProperties": False,
    },
    strict=True,
)


# --- the SDK builds the answers ---------------------------------------------------------------------


def usage(prompt: int = 20, completion: int = 5, cached: int | None = None, written: int | None = None):
    details = PromptTokensDetails(cached_tokens=cached, cache_write_tokens=written) if cached or written else None
    return CompletionUsage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        prompt_tokens_details=details,
    )


def answer(content: str | None = None, *, calls=(), finish: str = "stop", tokens=None) -> str:
    tool_calls = [
        ChatCompletionMessageFunctionToolCall(id=id_, type="function", function=Function(name=name, arguments=args))
        for id_, name, args in calls
    ]
    message = ChatCompletionMessage(role="assistant", content=content, tool_calls=tool_calls or None)
    return ChatCompletion(
        id="chatcmpl-1",
        object="chat.completion",
        created=1_764_000_000,
        model="gpt-test-2026-01-01",
        choices=[Choice(index=0, finish_reason=finish, message=message)],
        usage=tokens or usage(),
    ).model_dump_json()


def chunk(content: str | None = None, *, calls=None, finish: str | None = None, tokens=None) -> str:
    """One ``data:`` payload; the usage chunk (``tokens``) has no choices, as OpenAI sends it."""
    choices = (
        []
        if tokens
        else [ChunkChoice(index=0, delta=ChoiceDelta(content=content, tool_calls=calls), finish_reason=finish)]
    )
    return ChatCompletionChunk(
        id="chatcmpl-1",
        object="chat.completion.chunk",
        created=1_764_000_000,
        model="gpt-test-2026-01-01",
        choices=choices,
        usage=tokens,
    ).model_dump_json()


def stream_body(*payloads: str, done: bool = True) -> str:
    return sse([("", payload) for payload in payloads] + ([("", "[DONE]")] if done else []))


def call_delta(index: int, *, id_: str | None = None, name: str | None = None, args: str = "") -> ChoiceDeltaToolCall:
    function = ChoiceDeltaToolCallFunction(name=name, arguments=args)
    return ChoiceDeltaToolCall(index=index, id=id_, type="function" if id_ else None, function=function)


def sent(httpserver: HTTPServer, number: int = 0) -> dict:
    """The body of the ``number``-th request, after checking it against the SDK's request type."""
    raw = httpserver.log[number][0].get_data()
    return (CHECK_STREAMING if json.loads(raw).get("stream") else CHECK)(raw)


def reply(httpserver: HTTPServer, body: str, *, stream: bool = False, status: int = 200, headers=None) -> None:
    content_type = "text/event-stream" if stream else "application/json"
    httpserver.expect_oneshot_request(PATH, method="POST").respond_with_data(
        body, status=status, content_type=content_type, headers=headers
    )


# --- tools ------------------------------------------------------------------------------------------


def test_a_tool_call_round_trip_sends_calls_and_results_back_in_the_wire_format(httpserver: HTTPServer):
    calls = [("call_1", "lookup_competitor", '{"name": "Globex"}'), ("call_2", "get_pricing", "{}")]
    reply(httpserver, answer(None, calls=calls, finish="tool_calls"))
    reply(httpserver, answer("Globex undercuts us by 10%."))
    provider = OPENAI.provider(httpserver)
    first = ask("Compare us with Globex.", tools=TOOLS, tool_choice="required")

    asked = complete_openai_compatible(provider, first)
    results = [Message("tool", '{"price": 90}', tool_call_id="call_1"), Message("tool", "[]", tool_call_id="call_2")]
    second = ask("Compare us with Globex.", tools=TOOLS)
    second = CompletionRequest(
        (*second.messages, Message("assistant", "", tool_calls=asked.tool_calls), *results), "test-model", tools=TOOLS
    )
    final = complete_openai_compatible(provider, second)

    assert asked.finish_reason == "tool_calls" and asked.text == ""
    assert asked.tool_calls == (
        ToolCall("call_1", "lookup_competitor", {"name": "Globex"}),
        ToolCall("call_2", "get_pricing", {}),
    )
    body = sent(httpserver, 0)
    assert body["tool_choice"] == "required"
    assert body["tools"][0] == {
        "type": "function",
        "function": {
            "name": "lookup_competitor",
            "description": TOOLS[0].description,
            "parameters": TOOLS[0].parameters,
        },
    }
    assert sent(httpserver, 1)["messages"][-3:] == [
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "lookup_competitor", "arguments": '{"name": "Globex"}'},
                },
                {"id": "call_2", "type": "function", "function": {"name": "get_pricing", "arguments": "{}"}},
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"price": 90}'},
        {"role": "tool", "tool_call_id": "call_2", "content": "[]"},
    ]
    assert (final.text, final.finish_reason, final.tool_calls) == ("Globex undercuts us by 10%.", "stop", ())


def test_tool_arguments_that_are_not_a_json_object_are_kept_raw_and_echoed_back(httpserver: HTTPServer):
    calls = [("call_1", "lookup_competitor", '{"name": "Glo'), ("call_2", "get_pricing", "[1, 2]")]
    reply(httpserver, answer(None, calls=calls, finish="tool_calls"))
    reply(httpserver, answer("ok"))
    provider = OPENAI.provider(httpserver)

    asked = complete_openai_compatible(provider, ask(tools=TOOLS))
    echo = CompletionRequest(
        (Message("user", "x"), Message("assistant", tool_calls=asked.tool_calls)), "m", tools=TOOLS
    )
    complete_openai_compatible(provider, echo)

    assert [(c.arguments, c.raw_arguments) for c in asked.tool_calls] == [({}, '{"name": "Glo'), ({}, "[1, 2]")]
    sent_calls = sent(httpserver, 1)["messages"][1]["tool_calls"]
    assert [c["function"]["arguments"] for c in sent_calls] == ['{"name": "Glo', "[1, 2]"]


def test_tool_choice_is_sent_only_with_tools(httpserver: HTTPServer):
    reply(httpserver, answer("ok"))

    complete_openai_compatible(OPENAI.provider(httpserver), ask(tool_choice="none"))

    assert "tool_choice" not in sent(httpserver) and "tools" not in sent(httpserver)


# --- structured output ------------------------------------------------------------------------------


def test_structured_output_sends_a_strict_json_schema_and_parses_the_answer(httpserver: HTTPServer):
    reply(httpserver, answer('{"channels": ["email", "webinar"], "budget": 12000}'))

    completion = complete_openai_compatible(OPENAI.provider(httpserver), ask(output=PLAN))

    assert sent(httpserver)["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "launch_plan", "schema": PLAN.schema, "strict": True},
    }
    assert completion.parsed == {"channels": ["email", "webinar"], "budget": 12000}
    assert completion.text == '{"channels": ["email", "webinar"], "budget": 12000}'


@pytest.mark.parametrize("content", ["Sure! Here is the plan: email first.", "[1, 2]", '{"channels": ['])
def test_structured_output_that_is_not_a_json_object_is_not_coerced(httpserver: HTTPServer, content: str):
    reply(httpserver, answer(content, finish="length"))

    completion = complete_openai_compatible(OPENAI.provider(httpserver), ask(output=PLAN))

    assert (completion.parsed, completion.text, completion.finish_reason) == (None, content, "length")


# --- streaming --------------------------------------------------------------------------------------


def test_streaming_delivers_deltas_in_order_and_usage_from_the_last_chunk(httpserver: HTTPServer):
    pieces = ["Launch ", "with a ", "webinar", "."]
    body = stream_body(
        *[chunk(piece) for piece in pieces], chunk(finish="stop"), chunk(tokens=usage(1200, 9, cached=1024))
    )
    reply(httpserver, body, stream=True)
    deltas: list[str] = []

    completion = complete_openai_compatible(OPENAI.provider(httpserver), ask(stream=True, on_delta=deltas.append))

    assert deltas == pieces
    assert completion.text == "Launch with a webinar."
    assert completion.usage == Usage(input_tokens=1200, output_tokens=9, cached_input_tokens=1024)
    assert completion.finish_reason == "stop"
    body_sent = sent(httpserver)
    assert (body_sent["stream"], body_sent["stream_options"]) == (True, {"include_usage": True})


def test_streamed_tool_calls_are_assembled_from_fragments_by_index(httpserver: HTTPServer):
    body = stream_body(
        chunk(calls=[call_delta(0, id_="call_1", name="lookup_competitor", args='{"na')]),
        chunk(calls=[call_delta(1, id_="call_2", name="get_pricing", args="")]),
        chunk(calls=[call_delta(0, args='me": "Glo'), call_delta(1, args="{}")]),
        chunk(calls=[call_delta(0, args='bex"}')]),
        chunk(finish="tool_calls"),
        chunk(tokens=usage(50, 30)),
    )
    reply(httpserver, body, stream=True)

    completion = complete_openai_compatible(OPENAI.provider(httpserver), ask(tools=TOOLS, stream=True))

    assert completion.tool_calls == (
        ToolCall("call_1", "lookup_competitor", {"name": "Globex"}),
        ToolCall("call_2", "get_pricing", {}),
    )
    assert (completion.finish_reason, completion.usage) == ("tool_calls", Usage(50, 30))


def test_a_stream_without_usage_gets_estimated_usage(httpserver: HTTPServer):
    reply(httpserver, stream_body(chunk("Four words right here"), chunk(finish="stop")), stream=True)
    request = ask(stream=True)

    completion = complete_openai_compatible(OPENAI.provider(httpserver), request)

    assert completion.usage == Usage(prompt_tokens(request), estimate_tokens("Four words right here"))


def test_a_server_that_ignores_stream_answers_whole_and_on_delta_gets_it_once(httpserver: HTTPServer):
    reply(httpserver, answer("All at once."))
    deltas: list[str] = []

    completion = complete_openai_compatible(OPENAI.provider(httpserver), ask(stream=True, on_delta=deltas.append))

    assert deltas == ["All at once."] and completion.text == "All at once."


# --- usage and finish reasons -----------------------------------------------------------------------


def test_cached_and_cache_write_tokens_are_reported_inside_input(httpserver: HTTPServer):
    reply(httpserver, answer("ok", tokens=usage(3000, 40, cached=2048, written=512)))

    completion = complete_openai_compatible(OPENAI.provider(httpserver), ask())

    assert completion.usage == Usage(3000, 40, cached_input_tokens=2048, cache_write_tokens=512)
    assert completion.usage.uncached_input_tokens == 440


@pytest.mark.parametrize(
    ("wire", "ours"),
    [("stop", "stop"), ("length", "length"), ("content_filter", "content_filter")],
)
def test_finish_reasons_map_to_the_small_set(httpserver: HTTPServer, wire: str, ours: str):
    reply(httpserver, answer("ok", finish=wire))

    assert complete_openai_compatible(OPENAI.provider(httpserver), ask()).finish_reason == ours


# --- errors -----------------------------------------------------------------------------------------


def error_body(message: str, kind: str, code: str | None = None) -> str:
    return json.dumps({"error": ErrorObject(message=message, type=kind, code=code, param=None).model_dump()})


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_is_rate_limited_and_honours_retry_after(httpserver: HTTPServer, form: str):
    in_30_seconds = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    retry_after = "7" if form == "seconds" else in_30_seconds
    body = error_body("Rate limit reached for requests", "requests", "rate_limit_exceeded")
    reply(httpserver, body, status=429, headers={"Retry-After": retry_after})

    with pytest.raises(ProviderError) as caught:
        complete_openai_compatible(OPENAI.provider(httpserver), ask())

    error = caught.value
    assert (error.code, error.status, error.retryable) == (ErrorCode.RATE_LIMITED, 429, True)
    assert error.retry_after == 7.0 if form == "seconds" else 25 <= error.retry_after <= 30
    assert "Rate limit reached" in error.message


def test_500_is_unavailable_and_retryable(httpserver: HTTPServer):
    reply(httpserver, error_body("The server had an error", "server_error"), status=500)

    with pytest.raises(ProviderError) as caught:
        complete_openai_compatible(OPENAI.provider(httpserver), ask())

    assert (caught.value.code, caught.value.status, caught.value.retryable) == (ErrorCode.UNAVAILABLE, 500, True)


def test_no_answer_within_the_timeout_is_a_retryable_timeout(db):
    with SlowServer(delay=10) as server:
        provider = make_provider(OPENAI.kind, base_url=server.url("/slow/v1"), timeout_seconds=0.3)
        started = time.monotonic()
        with pytest.raises(ProviderError) as caught:
            complete_openai_compatible(provider, ask())

    assert (caught.value.code, caught.value.retryable, caught.value.status) == (ErrorCode.TIMEOUT, True, None)
    assert time.monotonic() - started < 2


def test_a_truncated_body_is_malformed_and_not_retryable(httpserver: HTTPServer):
    whole = answer("A complete answer.")
    reply(httpserver, whole[: len(whole) // 2])

    with pytest.raises(ProviderError) as caught:
        complete_openai_compatible(OPENAI.provider(httpserver), ask())

    assert (caught.value.code, caught.value.retryable) == (ErrorCode.ERROR, False)


def test_an_error_in_the_middle_of_a_stream_is_a_provider_error(httpserver: HTTPServer):
    error = json.loads(error_body("The server is overloaded", "server_error"))
    reply(httpserver, stream_body(chunk("Half an "), chunk("answer"), json.dumps(error), done=False), stream=True)
    deltas: list[str] = []

    with pytest.raises(ProviderError) as caught:
        complete_openai_compatible(OPENAI.provider(httpserver), ask(stream=True, on_delta=deltas.append))

    assert (caught.value.code, caught.value.retryable) == (ErrorCode.UNAVAILABLE, True)
    assert "server is overloaded" in caught.value.message
    assert deltas == ["Half an ", "answer"]


def test_a_stream_cut_before_its_end_is_retryable(httpserver: HTTPServer):
    reply(httpserver, stream_body(chunk("Half"), done=False), stream=True)

    with pytest.raises(ProviderError) as caught:
        complete_openai_compatible(OPENAI.provider(httpserver), ask(stream=True))

    assert (caught.value.code, caught.value.retryable) == (ErrorCode.UNAVAILABLE, True)


# --- cancel -----------------------------------------------------------------------------------------


def test_cancel_stops_a_stream_within_a_second_with_the_tokens_so_far(db):
    events = [stream_body(chunk(f"token{n} "), done=False) for n in range(10)]
    with SlowServer(events, interval=1.0) as server:
        provider = make_provider(OPENAI.kind, base_url=server.url("/stream/v1"))
        token, deltas = CancelToken(), []
        request = ask(stream=True, cancel=token, on_delta=deltas.append)
        cancelled_at = cancel_when(lambda: len(deltas) >= 2, token.cancel)
        with pytest.raises(CallCancelled) as caught:
            complete_openai_compatible(provider, request)
        stopped_after = time.monotonic() - cancelled_at[0]

    partial = caught.value.partial
    assert stopped_after < 1.0
    assert deltas == ["token0 ", "token1 "]
    assert (partial.text, partial.finish_reason) == ("token0 token1 ", "cancelled")
    # No usage chunk came: the prompt and the text received are estimated, so they are still charged.
    assert partial.usage == Usage(prompt_tokens(request), estimate_tokens("token0 token1 "))


def test_cancel_stops_a_call_waiting_for_a_slow_answer_on_a_reused_connection(db):
    with SlowServer(delay=30) as server:
        server.body = answer("warm").encode()
        warm = make_provider(OPENAI.kind, base_url=server.url("/fast/v1"))
        slow = make_provider(OPENAI.kind, base_url=server.url("/slow/v1"))
        complete_openai_compatible(warm, ask())  # leaves a keep-alive connection in the pool
        token, started = CancelToken(), time.monotonic()
        cancelled_at = cancel_when(lambda: time.monotonic() - started > 0.5, token.cancel)
        with pytest.raises(CallCancelled) as caught:
            complete_openai_compatible(slow, ask(cancel=token))
        stopped_after = time.monotonic() - cancelled_at[0]
        connections = server.connections

    assert stopped_after < 1.0
    assert connections == 1  # the slow call waited on the pooled connection, and the cancel still shut it
    assert (caught.value.partial.text, caught.value.partial.finish_reason) == ("", "cancelled")
    assert caught.value.partial.usage == Usage(prompt_tokens(ask()), 0)


def test_a_call_whose_token_is_already_cancelled_is_not_sent(httpserver: HTTPServer):
    token = CancelToken()
    token.cancel()

    with pytest.raises(CallCancelled) as caught:
        complete_openai_compatible(OPENAI.provider(httpserver), ask(cancel=token))

    assert httpserver.log == []
    assert caught.value.partial.usage == Usage(0, 0)


# --- the check itself -------------------------------------------------------------------------------


def test_the_contract_check_catches_what_plain_validation_lets_through():
    good = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 64}
    wrong = [
        {**good, "max_tokens": "64"},  # a wrong field type
        {**good, "tool_choise": "auto"},  # a misspelt field
        {**good, "messages": [{"role": "tool", "content": "result"}]},  # a tool result without its call id
    ]
    plain = pydantic.TypeAdapter(CompletionCreateParamsNonStreaming)

    CHECK(json.dumps(good).encode())
    for body in wrong:
        with pytest.raises(pydantic.ValidationError):
            CHECK(json.dumps(body).encode())
    # The SDK's type through pydantic as is: unknown keys ignored, messages checked only when iterated.
    plain.validate_json(json.dumps(wrong[1]), strict=True)
    plain.validate_json(json.dumps(wrong[2]), strict=True)
