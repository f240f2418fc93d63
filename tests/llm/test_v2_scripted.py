"""The scripted provider replays a named script of replies, in order per run, from code or from JSON files."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from raptorflow.llm import client
from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.errors import ErrorCode, ProviderError
from raptorflow.llm.models import Provider
from raptorflow.llm.scripted import (
    SCRIPTED_LABEL,
    ScriptError,
    complete_scripted,
    register_script,
    rewind_script,
    unregister_script,
)
from raptorflow.llm.scripts import load_script_file
from raptorflow.llm.types import CallCancelled, CancelToken, CompletionRequest, Message, estimate_tokens

from . import SleepRecorder, unique

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "Write a tagline for Acme analytics."


@pytest.fixture
def script():
    """Registers a script under a fresh name (cursors live in the shared cache) and forgets it afterwards."""
    names: list[str] = []

    def register(replies: list[dict]) -> str:
        name = f"script-{uuid.uuid4().hex[:8]}"
        register_script(name, replies)
        names.append(name)
        return name

    yield register
    for name in names:
        unregister_script(name)


def scripted(name: str = "scripted") -> Provider:
    return Provider(name=unique(name), kind=ProviderKind.SCRIPTED)


def ask(script_name: str, run: str = "", **kwargs) -> CompletionRequest:
    metadata = {"run": run} if run else {}
    return CompletionRequest(messages=(Message("user", PROMPT),), model=script_name, metadata=metadata, **kwargs)


def prompt_tokens(request: CompletionRequest) -> int:
    return math.ceil(request.input_chars / 4)


def test_a_text_reply_is_labelled_flagged_and_its_usage_estimated(script):
    provider, request = scripted(), ask(script([{"text": "Numbers you can act on."}]))
    completion = complete_scripted(provider, request)
    assert completion.text == SCRIPTED_LABEL + "Numbers you can act on."
    assert (completion.scripted, completion.offline, completion.finish_reason) == (True, False, "stop")
    assert (completion.model, completion.provider) == (request.model, provider.name)
    assert completion.usage.input_tokens == prompt_tokens(request)
    assert completion.usage.output_tokens == estimate_tokens(completion.text)


def test_usage_given_in_the_reply_is_reported_as_given(script):
    usage = {"input_tokens": 1200, "output_tokens": 40, "cached_input_tokens": 1000, "cache_write_tokens": 100}
    completion = complete_scripted(scripted(), ask(script([{"text": "ok", "usage": usage}])))
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (1200, 40)
    assert (completion.usage.cached_input_tokens, completion.usage.cache_write_tokens) == (1000, 100)
    assert completion.usage.uncached_input_tokens == 100


def test_a_tool_call_reply_has_deterministic_ids_and_carries_only_the_flag(script):
    name = script(
        [
            {"text": "Looking."},
            {
                "tool_calls": [
                    {"name": "text_stats", "arguments": {"text": "Acme"}},
                    {"name": "http_fetch", "arguments": "{not json"},
                ]
            },
        ]
    )
    provider = scripted()
    complete_scripted(provider, ask(name))
    completion = complete_scripted(provider, ask(name))
    first, second = completion.tool_calls
    assert (first.id, first.name, dict(first.arguments)) == ("call_scripted_2_1", "text_stats", {"text": "Acme"})
    assert (second.id, second.arguments, second.raw_arguments) == ("call_scripted_2_2", {}, "{not json")
    assert (completion.text, completion.finish_reason, completion.scripted) == ("", "tool_calls", True)
    assert completion.usage.output_tokens > 0


def test_a_structured_reply_is_parsed_with_its_json_as_text(script):
    answer = {"tagline": "Numbers you can act on", "score": 0.9}
    completion = complete_scripted(scripted(), ask(script([{"json": answer}])))
    assert completion.parsed == answer
    assert json.loads(completion.text) == answer and not completion.text.startswith(SCRIPTED_LABEL)
    assert completion.scripted


@pytest.mark.parametrize(
    ("error", "retryable", "retry_after"),
    [
        ({"code": "provider_rate_limited", "status": 429, "retry_after": 2}, True, 2),
        ({"code": "provider_unavailable", "status": 503}, True, None),
        ({"code": "provider_timeout"}, True, None),
        ({"code": "provider_rejected", "status": 401, "retry_after": 5, "message": "bad key"}, False, None),
        ({"code": "provider_error"}, False, None),
        ({"code": "model_unavailable"}, False, None),
    ],
)
def test_an_error_reply_raises_what_a_network_adapter_would(script, error, retryable, retry_after):
    provider = scripted()
    with pytest.raises(ProviderError) as excinfo:
        complete_scripted(provider, ask(script([{"error": error}])))
    raised = excinfo.value
    assert (raised.code, raised.status, raised.provider) == (error["code"], error.get("status"), provider.name)
    assert (raised.retryable, raised.retry_after) == (retryable, retry_after)


def test_through_the_client_a_rate_limit_is_retried_and_the_retry_takes_the_next_reply(script, monkeypatch):
    # The adapters' table is wired elsewhere; here the client is given the scripted adapter for this test only.
    monkeypatch.setitem(client.ADAPTERS, ProviderKind.SCRIPTED.value, complete_scripted)
    name = script([{"error": {"code": "provider_rate_limited", "status": 429, "retry_after": 3}}, {"text": "ok"}])
    sleep = SleepRecorder()
    completion = client.call_provider(scripted(), ask(name, run="run-1"), sleep=sleep)
    assert (completion.text, sleep.delays) == (SCRIPTED_LABEL + "ok", [3.0])


def test_each_run_has_its_own_cursor_and_calls_without_a_run_share_the_scripts(script):
    name = script([{"text": "one"}, {"text": "two"}])
    provider = scripted()
    texts = [complete_scripted(provider, ask(name, run=run)).text for run in ("a", "b", "a", "b")]
    assert texts == [SCRIPTED_LABEL + t for t in ("one", "one", "two", "two")]
    assert complete_scripted(provider, ask(name)).text == SCRIPTED_LABEL + "one"
    assert complete_scripted(provider, ask(name)).text == SCRIPTED_LABEL + "two"
    rewind_script(name, "a")
    assert complete_scripted(provider, ask(name, run="a")).text == SCRIPTED_LABEL + "one"


def test_a_run_continues_where_it_was_on_another_worker(script):
    replies = [{"text": "one"}, {"text": "two"}, {"text": "three"}]
    name = script(replies)
    assert complete_scripted(scripted("worker-1"), ask(name, run="r1")).text.endswith("one")
    # Another worker: its own process registers the script again when it starts, and shares only the cache.
    unregister_script(name)
    register_script(name, replies)
    assert complete_scripted(scripted("worker-2"), ask(name, run="r1")).text.endswith("two")


@pytest.mark.services
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the cursor is shared between processes through Redis")
def test_a_run_continues_where_it_was_in_another_process(script):
    replies = [{"text": "one"}, {"text": "two"}]
    name = script(replies)
    assert complete_scripted(scripted(), ask(name, run="r1")).text.endswith("one")
    code = (
        "from raptorflow.llm.models import Provider; "
        "from raptorflow.llm.scripted import complete_scripted, register_script; "
        "from raptorflow.llm.types import CompletionRequest, Message; "
        f"register_script({name!r}, {replies!r}); "
        "request = CompletionRequest(messages=(Message('user', 'hi'),), "
        f"model={name!r}, metadata={{'run': 'r1'}}); "
        "print(complete_scripted(Provider(name='other', kind='scripted'), request).text)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "raptorflow.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == SCRIPTED_LABEL + "two"


def test_an_exhausted_script_is_a_clear_rejection(script):
    name = script([{"text": "only"}])
    provider = scripted()
    complete_scripted(provider, ask(name))
    with pytest.raises(ProviderError) as excinfo:
        complete_scripted(provider, ask(name))
    assert (excinfo.value.code, excinfo.value.retryable) == (ErrorCode.REJECTED, False)
    assert f"script {name} has no reply left" in excinfo.value.message


@pytest.mark.parametrize("name", ["no-such-script", "../../etc/passwd"])
def test_an_unknown_script_is_a_rejection_naming_it(name):
    with pytest.raises(ProviderError) as excinfo:
        complete_scripted(scripted(), ask(name))
    assert (excinfo.value.code, excinfo.value.retryable) == (ErrorCode.REJECTED, False)
    assert "unknown script" in excinfo.value.message and name in excinfo.value.message


def test_a_slow_stream_delivers_its_pieces_in_order_one_per_delay(script):
    name = script(
        [
            {"text": "Numbers you can act on.", "stream": {"pieces": 4, "delay": 0.05}},
            {"text": "Plan, ship, learn.", "stream": {"pieces": ["Plan, ", "ship, ", "learn."]}},
        ]
    )
    deltas: list[str] = []
    provider = scripted()
    started = time.monotonic()
    completion = complete_scripted(provider, ask(name, stream=True, on_delta=deltas.append))
    assert time.monotonic() - started >= 0.15  # three waits after the first piece
    assert len(deltas) == 4 and deltas[0].startswith(SCRIPTED_LABEL + "Numb") and deltas[-1].endswith("on.")
    assert "".join(deltas) == completion.text == SCRIPTED_LABEL + "Numbers you can act on."
    deltas.clear()
    completion = complete_scripted(provider, ask(name, stream=True, on_delta=deltas.append))
    assert deltas == [SCRIPTED_LABEL + "Plan, ", "ship, ", "learn."]


def test_a_cancel_from_another_thread_stops_the_stream_at_once_with_the_partial_text(script):
    name = script([{"text": "Hello wide world", "stream": {"pieces": ["Hello ", "wide ", "world"], "delay": 30}}])
    token, first_piece, cancelled_at = CancelToken(), threading.Event(), []

    def on_delta(piece: str) -> None:
        first_piece.set()

    def cancel_soon() -> None:
        first_piece.wait(5)
        time.sleep(0.1)
        cancelled_at.append(time.monotonic())
        token.cancel("user")

    threading.Thread(target=cancel_soon, daemon=True).start()
    request = ask(name, run="r1", stream=True, on_delta=on_delta, cancel=token)
    with pytest.raises(CallCancelled) as excinfo:
        complete_scripted(scripted(), request)
    assert time.monotonic() - cancelled_at[0] < 1.0
    partial = excinfo.value.partial
    assert (partial.text, partial.finish_reason, partial.scripted) == (SCRIPTED_LABEL + "Hello ", "cancelled", True)
    assert partial.usage.input_tokens == prompt_tokens(request)
    assert partial.usage.output_tokens == estimate_tokens(SCRIPTED_LABEL + "Hello ")


def test_a_call_cancelled_before_it_starts_takes_no_reply(script):
    name = script([{"text": "one"}])
    token = CancelToken()
    token.cancel()
    with pytest.raises(CallCancelled) as excinfo:
        complete_scripted(scripted(), ask(name, cancel=token))
    assert excinfo.value.partial.usage.input_tokens == 0
    assert complete_scripted(scripted(), ask(name)).text == SCRIPTED_LABEL + "one"


def test_scripts_are_read_from_json_files_in_the_scripts_directory(settings, tmp_path):
    settings.RAPTORFLOW_SCRIPTS_DIR = tmp_path
    name = f"demo-{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.json").write_text(json.dumps([{"text": "From a file."}, {"json": {"ok": True}}]))
    provider = scripted()
    assert complete_scripted(provider, ask(name)).text == SCRIPTED_LABEL + "From a file."
    assert complete_scripted(provider, ask(name)).parsed == {"ok": True}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('[{"text": 3}]', "reply 1: text: 3 is not of type 'string'"),
        ('[{"text": "a"}, {"txt": "b"}]', "reply 2: a reply needs one of the keys error, json, tool_calls, text"),
        ('[{"text": "a", "json": {}}]', "reply 1: (root): Additional properties are not allowed ('text' was"),
        ('[{"text": "a", "stream": {"pieces": 0}}]', "reply 1: stream/pieces: 0 is less than the minimum of 1"),
        ('[{"text": "ab", "stream": {"pieces": ["a", "c"]}}]', "reply 1: stream/pieces: the pieces do not join up"),
        ('[{"error": {"code": "teapot"}}]', "reply 1: error/code: 'teapot' is not one of"),
        ("[]", "a script is a non-empty list of replies, not a list"),
        ('{"text": "a"}', "a script is a non-empty list of replies, not an object"),
        ("[{", "not JSON"),
    ],
)
def test_a_broken_script_file_is_refused_naming_the_file_and_the_problem(settings, tmp_path, content, problem):
    settings.RAPTORFLOW_SCRIPTS_DIR = tmp_path
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(ScriptError) as excinfo:
        load_script_file(path)
    assert str(excinfo.value).startswith(f"script file {path}: ")
    assert problem in str(excinfo.value)
    with pytest.raises(ProviderError) as called:
        complete_scripted(scripted(), ask("broken"))
    assert called.value.code == ErrorCode.REJECTED and str(path) in called.value.message


def test_a_script_registered_from_code_is_checked_the_same_way():
    with pytest.raises(ScriptError, match=r"script bad-one: reply 1: tool_calls/0: 'name' is a required property"):
        register_script("bad-one", [{"tool_calls": [{"arguments": {}}]}])
    with pytest.raises(ScriptError, match="is not a script name"):
        register_script("../escape", [{"text": "x"}])


def test_the_scripted_provider_refuses_to_run_or_be_saved_in_production(script, settings, db):
    settings.IS_PRODUCTION = True
    with pytest.raises(ProviderError) as excinfo:
        complete_scripted(scripted(), ask(script([{"text": "x"}])))
    assert (excinfo.value.code, excinfo.value.retryable) == (ErrorCode.MODEL_UNAVAILABLE, False)
    with pytest.raises(ValidationError) as invalid:
        Provider(name="demo", kind=ProviderKind.SCRIPTED).full_clean()
    assert list(invalid.value.message_dict) == ["kind"]
    settings.IS_PRODUCTION = False
    Provider(name="demo", kind=ProviderKind.SCRIPTED).full_clean()
