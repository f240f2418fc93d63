"""The adapters against a real local HTTP server (pytest-httpserver), and the offline adapter."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer

from raptorflow.llm.adapters import ADAPTERS, OFFLINE_LABEL, complete_offline, parse_retry_after
from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.client import call_provider
from raptorflow.llm.errors import ErrorCode, ProviderError
from raptorflow.llm.types import CompletionRequest, Message, OutputSchema, ToolSpec, Usage

from . import ANTHROPIC, OPENAI, WIRES, SleepRecorder, Wire, ask, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture(params=WIRES, ids=str)
def wire(request) -> Wire:
    return request.param


def call(provider, request=None, **kwargs):
    return ADAPTERS[provider.kind](provider, request or ask(**kwargs))


# --- both HTTP adapters -----------------------------------------------------------------------------


def test_success_returns_text_and_usage(httpserver: HTTPServer, wire: Wire):
    httpserver.expect_request(wire.path("primary"), method="POST").respond_with_json(
        wire.ok("Launch plan ready.", input_tokens=120, output_tokens=30, cached=100)
    )
    provider = wire.provider(httpserver)

    completion = call(provider, model="model-x")

    assert completion.text == "Launch plan ready."
    assert completion.usage == Usage(input_tokens=120, output_tokens=30, cached_input_tokens=100)
    assert (completion.model, completion.provider) == ("model-x", provider.name)
    assert not completion.offline and not completion.cache_hit


def test_api_key_is_sent_in_the_kinds_header(httpserver: HTTPServer, wire: Wire):
    httpserver.expect_request(wire.path("primary")).respond_with_json(wire.ok("ok"))
    provider = wire.provider(httpserver, api_key="sk-test-header-check-0001")

    call(provider)

    (sent, _), *_ = httpserver.log
    assert sent.headers[wire.key_header] == wire.key_value("sk-test-header-check-0001")


def test_malformed_json_is_a_provider_error_and_is_not_retried(httpserver: HTTPServer, wire: Wire):
    httpserver.expect_request(wire.path("primary")).respond_with_data("<html>oops", content_type="application/json")
    provider = wire.provider(httpserver, max_retries=2)

    with pytest.raises(ProviderError) as caught:
        call_provider(provider, ask(), sleep=SleepRecorder())

    assert caught.value.code == ErrorCode.ERROR
    assert caught.value.retryable is False
    assert len(httpserver.log) == 1


def test_a_response_missing_fields_is_a_provider_error(httpserver: HTTPServer, wire: Wire):
    httpserver.expect_request(wire.path("primary")).respond_with_json({"id": "x", "usage": {}})

    with pytest.raises(ProviderError) as caught:
        call(wire.provider(httpserver))

    assert caught.value.code == ErrorCode.ERROR
    assert caught.value.status == 200


def test_400_is_rejected_and_not_retried(httpserver: HTTPServer, wire: Wire):
    httpserver.expect_request(wire.path("primary")).respond_with_json({"error": {"message": "bad param"}}, status=400)
    provider = wire.provider(httpserver, max_retries=3)
    sleep = SleepRecorder()

    with pytest.raises(ProviderError) as caught:
        call_provider(provider, ask(), sleep=sleep)

    assert (caught.value.code, caught.value.status, caught.value.retryable) == (ErrorCode.REJECTED, 400, False)
    assert len(httpserver.log) == 1
    assert sleep.delays == []


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [
        (429, ErrorCode.RATE_LIMITED, True),
        (500, ErrorCode.UNAVAILABLE, True),
        (503, ErrorCode.UNAVAILABLE, True),
        (401, ErrorCode.REJECTED, False),
        (404, ErrorCode.REJECTED, False),
    ],
)
def test_http_status_maps_to_an_error_code(httpserver: HTTPServer, status: int, code: str, retryable: bool):
    httpserver.expect_request(OPENAI.path("primary")).respond_with_data("nope", status=status)

    with pytest.raises(ProviderError) as caught:
        call(OPENAI.provider(httpserver))

    assert (caught.value.code, caught.value.status, caught.value.retryable) == (code, status, retryable)


def test_error_message_names_provider_and_status_but_never_the_key(httpserver: HTTPServer, wire: Wire):
    key = "sk-test-very-secret-key-123456"
    # Some providers echo the presented key back in their error body.
    body = {"error": {"message": f"Incorrect API key provided: {key}. " + "x" * 500}}
    httpserver.expect_request(wire.path("primary")).respond_with_json(body, status=401)
    provider = wire.provider(httpserver, api_key=key)

    with pytest.raises(ProviderError) as caught:
        call(provider)

    error = caught.value
    assert provider.name in error.message and "401" in error.message
    assert "Incorrect API key provided" in error.message
    assert key not in error.message and key not in str(error) and key not in repr(error)
    assert len(error.message) < len(provider.name) + 20 + 200


def test_connection_refused_is_retryable_unavailable(db):
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = make_provider(ProviderKind.OPENAI_COMPATIBLE, base_url=f"http://127.0.0.1:{port}/v1")

    with pytest.raises(ProviderError) as caught:
        call(provider)

    assert (caught.value.code, caught.value.retryable, caught.value.status) == (ErrorCode.UNAVAILABLE, True, None)


# --- per-kind wire details --------------------------------------------------------------------------


def test_openai_compatible_posts_model_messages_temperature_and_max_tokens(httpserver: HTTPServer):
    httpserver.expect_request(OPENAI.path("primary")).respond_with_json(OPENAI.ok("ok"))
    request = ask("Hello there", system="Be brief.", model="gpt-4o-mini", temperature=0.2, max_tokens=64)

    call(OPENAI.provider(httpserver), request)

    body = json.loads(httpserver.log[0][0].get_data())
    assert body == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello there"}],
        "temperature": 0.2,
        "max_tokens": 64,
    }


def test_openai_compatible_without_a_key_sends_no_authorization_header(httpserver: HTTPServer):
    httpserver.expect_request(OPENAI.path("ollama")).respond_with_json(OPENAI.ok("local answer"))
    provider = OPENAI.provider(httpserver, "ollama", api_key="")

    assert call(provider).text == "local answer"
    assert "Authorization" not in httpserver.log[0][0].headers


def test_anthropic_sends_system_messages_in_the_top_level_system_field(httpserver: HTTPServer):
    httpserver.expect_request(ANTHROPIC.path("primary")).respond_with_json(ANTHROPIC.ok("ok"))
    request = ask("Name three channels.", system="You are a marketer.", model="claude-x", max_tokens=50)

    call(ANTHROPIC.provider(httpserver), request)

    sent = httpserver.log[0][0]
    body = json.loads(sent.get_data())
    # A list of text blocks (not a plain string) so that a block can carry cache_control.
    assert body["system"] == [{"type": "text", "text": "You are a marketer."}]
    assert body["messages"] == [{"role": "user", "content": "Name three channels."}]
    assert body["max_tokens"] == 50
    assert sent.headers["anthropic-version"] == "2023-06-01"


def test_anthropic_input_tokens_include_cache_reads_and_writes(httpserver: HTTPServer):
    body = {
        "content": [
            {"type": "text", "text": "Hello "},
            {"type": "tool_use", "id": "t", "name": "lookup", "input": {"q": "x"}},
            {"type": "text", "text": "world"},
        ],
        "usage": {
            "input_tokens": 10,
            "output_tokens": 4,
            "cache_read_input_tokens": 70,
            "cache_creation_input_tokens": 20,
        },
    }
    httpserver.expect_request(ANTHROPIC.path("primary")).respond_with_json(body)

    completion = call(ANTHROPIC.provider(httpserver))

    assert completion.text == "Hello world"
    assert completion.usage == Usage(input_tokens=100, output_tokens=4, cached_input_tokens=70, cache_write_tokens=20)
    assert [(c.id, c.name, dict(c.arguments)) for c in completion.tool_calls] == [("t", "lookup", {"q": "x"})]


# --- Retry-After ------------------------------------------------------------------------------------


def test_retry_after_accepts_seconds_and_http_dates():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)

    assert parse_retry_after("1") == 1.0
    assert parse_retry_after("2.5") == 2.5
    assert parse_retry_after(format_datetime(now + timedelta(seconds=7), usegmt=True), now=now) == 7.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=7), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# --- offline ----------------------------------------------------------------------------------------


@pytest.fixture
def offline():
    return make_provider(ProviderKind.OFFLINE, name="offline")


def test_offline_gives_the_same_text_for_the_same_request(offline):
    first = complete_offline(offline, ask("Write a launch email for CFOs", system="Be concise."))
    second = complete_offline(offline, ask("Write a launch email for CFOs", system="Be concise."))

    assert first.text == second.text
    assert first.usage == second.usage


def test_offline_gives_different_text_for_a_different_request(offline):
    base = complete_offline(offline, ask("Write a launch email for CFOs")).text

    assert complete_offline(offline, ask("Write a webinar invite for CTOs")).text != base
    assert complete_offline(offline, ask("Write a launch email for CFOs", system="Be formal.")).text != base
    assert complete_offline(offline, ask("Write a launch email for CFOs", model="other")).text != base


def test_offline_text_is_labelled_and_restates_the_request(offline):
    completion = complete_offline(offline, ask("Draft a pricing page for Acme analytics targeting CFOs"))

    assert completion.text.startswith(OFFLINE_LABEL)
    assert completion.offline is True
    for phrase in ("pricing", "Acme", "analytics", "CFOs"):
        assert phrase in completion.text


def test_offline_usage_is_estimated_at_four_characters_per_token(offline):
    request = CompletionRequest(
        messages=(Message("system", "s" * 8), Message("user", "u" * 13)), model="offline-1", max_tokens=1000
    )

    completion = complete_offline(offline, request)

    assert completion.usage.input_tokens == 2 + 4  # ceil(8/4) + ceil(13/4)
    assert completion.usage.output_tokens == -(-len(completion.text) // 4)


def test_offline_output_respects_max_tokens(offline):
    completion = complete_offline(offline, ask("Write a long essay about " + "growth marketing " * 50, max_tokens=10))

    assert completion.text.startswith(OFFLINE_LABEL)
    assert len(completion.text) <= 40
    assert completion.usage.output_tokens <= 10


def test_offline_refuses_tools_and_structured_output_rather_than_invent_json(offline):
    tool = ToolSpec("lookup", "Look something up.", {"type": "object", "properties": {}})
    schema = OutputSchema("plan", {"type": "object"})

    for request in (ask(tools=(tool,)), ask(output=schema)):
        with pytest.raises(ProviderError) as caught:
            complete_offline(offline, request)
        assert (caught.value.code, caught.value.retryable) == (ErrorCode.MODEL_UNAVAILABLE, False)
        assert "configure a model provider" in caught.value.message


def test_offline_streaming_hands_the_whole_text_to_on_delta_once(offline):
    deltas: list[str] = []

    completion = complete_offline(offline, ask("Write a launch email", stream=True, on_delta=deltas.append))

    assert deltas == [completion.text]
