"""Retries, breaker accounting and the fallback chain, against a real local HTTP server."""

from __future__ import annotations

import threading

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from raptorflow.llm import client
from raptorflow.llm.breaker import breaker_state
from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.client import Attempt, backoff_delay, call_provider, complete_with_fallback
from raptorflow.llm.errors import ErrorCode, ProviderError
from raptorflow.llm.types import ToolSpec

from . import WIRES, SleepRecorder, Wire, ask, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture(params=WIRES, ids=str)
def wire(request) -> Wire:
    return request.param


def requests_to(server: HTTPServer, path: str) -> int:
    return sum(1 for sent, _ in server.log if sent.path == path)


# --- retries ----------------------------------------------------------------------------------------


def test_429_with_retry_after_is_retried_after_that_delay_then_succeeds(httpserver: HTTPServer, wire: Wire):
    path = wire.path("primary")
    httpserver.expect_oneshot_request(path).respond_with_data("slow down", status=429, headers={"Retry-After": "1"})
    httpserver.expect_request(path).respond_with_json(wire.ok("second time lucky"))
    sleep = SleepRecorder()

    completion = call_provider(wire.provider(httpserver, max_retries=2), ask(), sleep=sleep)

    assert completion.text == "second time lucky"
    assert requests_to(httpserver, path) == 2
    assert len(sleep.delays) == 1 and sleep.delays[0] >= 1.0


def test_500s_retry_then_open_the_breaker_and_the_fallback_answers(httpserver: HTTPServer, wire: Wire, settings):
    settings.RAPTORFLOW_BREAKER_FAILURES = 3
    settings.RAPTORFLOW_BREAKER_COOLOFF_SECONDS = 30
    httpserver.expect_request(wire.path("primary")).respond_with_data("boom", status=500)
    httpserver.expect_request(wire.path("backup")).respond_with_json(wire.ok("from the backup"))
    primary = wire.provider(httpserver, "primary", max_retries=2)
    backup = wire.provider(httpserver, "backup", max_retries=2)
    chain = [(primary, "model-a"), (backup, "model-b")]
    sleep = SleepRecorder()

    completion, attempts = complete_with_fallback(chain, ask(), use_cache=False, sleep=sleep)

    assert (completion.provider, completion.model, completion.text) == (backup.name, "model-b", "from the backup")
    assert [(a.provider, a.model) for a in attempts] == [(primary, "model-a"), (backup, "model-b")]
    assert attempts[0].error.code == ErrorCode.UNAVAILABLE and attempts[0].error.status == 500
    assert attempts[1].completion == completion
    assert requests_to(httpserver, wire.path("primary")) == 3  # the first try and max_retries=2 retries
    assert len(sleep.delays) == 2
    assert breaker_state(primary.name) == "open"

    completion, attempts = complete_with_fallback(chain, ask(), use_cache=False, sleep=sleep)

    assert completion.provider == backup.name
    assert attempts[0].error.code == ErrorCode.CIRCUIT_OPEN
    assert requests_to(httpserver, wire.path("primary")) == 3  # the open breaker kept the primary uncalled


def test_retries_stop_once_the_breaker_opens(httpserver: HTTPServer, settings):
    settings.RAPTORFLOW_BREAKER_FAILURES = 2
    wire = WIRES[0]
    httpserver.expect_request(wire.path("primary")).respond_with_data("boom", status=502)
    sleep = SleepRecorder()

    with pytest.raises(ProviderError) as caught:
        call_provider(wire.provider(httpserver, max_retries=5), ask(), sleep=sleep)

    assert caught.value.code == ErrorCode.UNAVAILABLE
    assert requests_to(httpserver, wire.path("primary")) == 2
    assert len(sleep.delays) == 1


@pytest.fixture
def slow_server():
    """Its own threaded server whose handler blocks until the test ends, so the shared one is never held up."""
    release = threading.Event()
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server, release
    release.set()
    server.clear()
    server.stop()


def test_a_timeout_is_retried_and_reported_as_provider_timeout(slow_server, wire: Wire):
    server, release = slow_server

    def hang(request: Request) -> Response:
        release.wait(5)
        return Response("too late", status=200)

    server.expect_request(wire.path("primary")).respond_with_handler(hang)
    provider = wire.provider(server, timeout_seconds=0.3, max_retries=1)
    sleep = SleepRecorder()

    with pytest.raises(ProviderError) as caught:
        call_provider(provider, ask(), sleep=sleep)

    assert (caught.value.code, caught.value.retryable, caught.value.status) == (ErrorCode.TIMEOUT, True, None)
    assert provider.name in caught.value.message
    assert len(sleep.delays) == 1


# --- breaker accounting -----------------------------------------------------------------------------


def test_a_400_does_not_open_the_breaker(httpserver: HTTPServer, settings):
    settings.RAPTORFLOW_BREAKER_FAILURES = 1
    wire = WIRES[0]
    httpserver.expect_request(wire.path("primary")).respond_with_data("bad request", status=400)
    provider = wire.provider(httpserver)

    for _ in range(3):
        with pytest.raises(ProviderError):
            call_provider(provider, ask(), sleep=SleepRecorder())

    assert breaker_state(provider.name) == "closed"
    assert requests_to(httpserver, wire.path("primary")) == 3


def test_a_401_opens_the_breaker(httpserver: HTTPServer, wire: Wire, settings):
    settings.RAPTORFLOW_BREAKER_FAILURES = 1
    httpserver.expect_request(wire.path("primary")).respond_with_data("bad key", status=401)
    provider = wire.provider(httpserver)

    with pytest.raises(ProviderError) as first:
        call_provider(provider, ask(), sleep=SleepRecorder())
    with pytest.raises(ProviderError) as second:
        call_provider(provider, ask(), sleep=SleepRecorder())

    assert (first.value.code, second.value.code) == (ErrorCode.REJECTED, ErrorCode.CIRCUIT_OPEN)
    assert second.value.retryable is False
    assert requests_to(httpserver, wire.path("primary")) == 1


def test_asking_the_offline_provider_for_tools_does_not_open_its_breaker(settings):
    settings.RAPTORFLOW_BREAKER_FAILURES = 1
    offline = make_provider(ProviderKind.OFFLINE, name="offline")
    tool = ToolSpec("lookup", "Look something up.", {"type": "object", "properties": {}})

    for _ in range(2):
        with pytest.raises(ProviderError) as caught:
            call_provider(offline, ask(tools=(tool,)), sleep=SleepRecorder())
        assert (caught.value.code, caught.value.retryable) == (ErrorCode.MODEL_UNAVAILABLE, False)

    assert breaker_state(offline.name) == "closed"
    assert call_provider(offline, ask()).offline is True


# --- backoff ----------------------------------------------------------------------------------------


def test_backoff_doubles_from_half_a_second_up_to_twenty_with_full_jitter(monkeypatch):
    monkeypatch.setattr(client.random, "uniform", lambda low, high: (low, high))

    ranges = [backoff_delay(attempt) for attempt in range(8)]

    assert ranges == [(0.0, 0.5), (0.0, 1.0), (0.0, 2.0), (0.0, 4.0), (0.0, 8.0), (0.0, 16.0), (0.0, 20.0), (0.0, 20.0)]


def test_backoff_honours_retry_after_up_to_sixty_seconds():
    assert backoff_delay(0, retry_after=3.0) == 3.0
    assert backoff_delay(5, retry_after=3600.0) == 60.0


# --- fallback chain ---------------------------------------------------------------------------------


@pytest.fixture
def offline():
    return make_provider(ProviderKind.OFFLINE, name="offline")


def test_disabled_providers_are_skipped(offline):
    disabled = make_provider(ProviderKind.OPENAI_COMPATIBLE, name="disabled", enabled=False)

    completion, attempts = complete_with_fallback([(disabled, "m"), (offline, "offline-1")], ask(), use_cache=False)

    assert completion.provider == offline.name
    assert [a.provider for a in attempts] == [offline]


def test_an_empty_chain_raises_provider_unavailable():
    with pytest.raises(ProviderError) as caught:
        complete_with_fallback([], ask(), use_cache=False)

    assert caught.value.code == ErrorCode.UNAVAILABLE
    assert "empty" in caught.value.message


def test_when_every_entry_fails_the_last_error_is_raised_with_its_code(httpserver: HTTPServer):
    wire = WIRES[0]
    httpserver.expect_request(wire.path("first")).respond_with_data("down", status=503)
    httpserver.expect_request(wire.path("second")).respond_with_data("bad", status=400)
    chain = [(wire.provider(httpserver, "first", max_retries=0), "m"), (wire.provider(httpserver, "second"), "m")]
    seen: list[Attempt] = []

    with pytest.raises(ProviderError) as caught:
        complete_with_fallback(chain, ask(), use_cache=False, after_attempt=seen.append, sleep=SleepRecorder())

    assert (caught.value.code, caught.value.status) == (ErrorCode.REJECTED, 400)
    assert [a.error.code for a in seen] == [ErrorCode.UNAVAILABLE, ErrorCode.REJECTED]


def test_before_call_sees_each_entrys_model_and_its_exception_aborts_the_chain(offline):
    second = make_provider(ProviderKind.OFFLINE, name="second")
    seen: list[tuple[str, str]] = []

    def over_budget(provider, request):
        seen.append((provider.name, request.model))
        raise RuntimeError("budget exhausted")

    chain = [(offline, "offline-1"), (second, "offline-2")]
    with pytest.raises(RuntimeError, match="budget exhausted"):
        complete_with_fallback(chain, ask(), use_cache=False, before_call=over_budget)

    assert seen == [(offline.name, "offline-1")]


def test_after_attempt_receives_every_attempt_in_order(httpserver: HTTPServer, offline):
    wire = WIRES[1]
    httpserver.expect_request(wire.path("primary")).respond_with_data("bad", status=403)
    primary = wire.provider(httpserver)
    seen: list[Attempt] = []

    completion, attempts = complete_with_fallback(
        [(primary, "claude-x"), (offline, "offline-1")], ask(), use_cache=False, after_attempt=seen.append
    )

    assert seen == attempts
    assert [(a.provider, a.model, a.error and a.error.code) for a in seen] == [
        (primary, "claude-x", ErrorCode.REJECTED),
        (offline, "offline-1", None),
    ]
    assert seen[1].completion == completion and completion.offline


def test_a_provider_whose_key_cannot_be_decrypted_is_rejected_and_the_chain_falls_back(httpserver: HTTPServer, offline):
    wire = WIRES[0]
    broken = wire.provider(httpserver)
    broken.api_key_encrypted = "not-a-fernet-token"
    broken.save()

    completion, attempts = complete_with_fallback([(broken, "m"), (offline, "offline-1")], ask(), use_cache=False)

    assert completion.provider == offline.name
    assert attempts[0].error.code == ErrorCode.REJECTED and "decrypted" in attempts[0].error.message
    assert httpserver.log == []
