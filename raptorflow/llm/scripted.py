"""The scripted provider: replays a named script of replies, in order, for tests, demos and evaluation fixtures.

A chain entry ``{"provider": "<a scripted provider>", "model": "<script name>"}`` names the script, so the
adapter finds it by ``request.model``: first among the scripts registered from code (``register_script``),
then as ``<name>.json`` in ``RAPTORFLOW_SCRIPTS_DIR`` (scripts.py: names, the schema, loading). A script is a
JSON list of replies, each one of:

- ``{"text": "…"}``: text, optionally ``"finish_reason"`` (stop, length, content_filter) and a slow stream,
  ``"stream": {"pieces": N or ["…", …], "delay": seconds}``: the first piece at once, then one per ``delay``
  to ``request.on_delta``; a cancel ends the wait at once (``CallCancelled`` with the text so far);
- ``{"tool_calls": [{"name", "arguments"}]}`` (with an optional ``"text"``): ids are ``call_scripted_<reply>_<n>``
  unless given; arguments given as a string that is not a JSON object arrive as ``raw_arguments``;
- ``{"json": {…}}``: a structured answer, ``Completion.parsed``, with its JSON text as ``text``;
- ``{"error": {"code", "status", "retry_after", "message"}}``: a ``ProviderError``, retryable as the network
  adapters would make it (rate limited, timeout, unavailable: yes; the rest: no).

Any reply but an error may give ``"usage"`` (input, output, cached input, cache write tokens); what it leaves
out is estimated at four characters a token. Every completion has ``scripted=True``; text is labelled
``[scripted] `` (as the offline provider's is ``[offline model] ``) so nobody mistakes it for a model's;
structured answers and tool calls carry the flag only.

Order: a cursor per (script, run) (``request.metadata["run"]``; without one, per script) lives in the Django
cache, shared by every worker, so a run's successive calls take successive replies, and a run retried on
another worker continues where it was. An unknown script, a broken script file, or a script with no reply
left is ``provider_rejected`` (not retried). The scripted provider never runs in production: the adapter
answers ``model_unavailable`` and a scripted provider cannot be saved there (``Provider.clean``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache

from .errors import ErrorCode, ProviderError
from .scripts import (
    SCRIPT_NAME,
    Reply,
    ScriptError,
    register_script,
    script_replies,
    unregister_script,
    validate_script,
)
from .types import (
    CHARS_PER_TOKEN,
    CallCancelled,
    Completion,
    CompletionRequest,
    FinishReason,
    ToolCall,
    Usage,
    estimate_tokens,
)

if TYPE_CHECKING:
    from .models import Provider

__all__ = [
    "SCRIPTED_LABEL",
    "ScriptError",
    "complete_scripted",
    "register_script",
    "rewind_script",
    "script_replies",
    "unregister_script",
    "validate_script",
]

SCRIPTED_LABEL = "[scripted] "
# Longer than any run lives (approvals wait up to 72 h by default), so a run's cursor outlasts it.
CURSOR_TTL_SECONDS = 7 * 24 * 3600
RETRYABLE_CODES = frozenset({ErrorCode.RATE_LIMITED, ErrorCode.TIMEOUT, ErrorCode.UNAVAILABLE})


def rewind_script(name: str, run: str = "") -> None:
    """Start the script again for ``run`` (or for calls without a run). Registering a script again does not:
    each worker registers its scripts when it starts, and a run retried on another must continue where it was."""
    cache.delete(_cursor_key(name, run))


def complete_scripted(provider: Provider, request: CompletionRequest) -> Completion:
    """The next reply of the script ``request.model`` for this run, as a completion (see the module docstring)."""
    if settings.IS_PRODUCTION:
        message = (
            f"{provider.name}: the scripted provider replays canned replies for tests and demos; not in production"
        )
        raise ProviderError(ErrorCode.MODEL_UNAVAILABLE, message, provider=provider.name, retryable=False)
    if request.cancelled:  # before a reply is taken: the cursor stays where it was
        raise CallCancelled(provider.name, _unsent(provider, request))
    started = time.monotonic()
    name = request.model
    replies = _script(provider, name)
    index = _take(name, str(request.metadata.get("run", "")))
    if index >= len(replies):
        raise _rejected(provider, f"script {name} has no reply left (it has {len(replies)})")
    return _replay(provider, request, replies[index], index, started)


def _script(provider: Provider, name: str) -> tuple[Reply, ...]:
    if not SCRIPT_NAME.fullmatch(name):
        raise _rejected(provider, f"unknown script {name[:100]!r}: not a script name")
    try:
        replies = script_replies(name)
    except ScriptError as exc:  # a broken file: the provider's setup, not this request, is at fault
        raise _rejected(provider, str(exc), status=None) from None
    if replies is None:
        directory = settings.RAPTORFLOW_SCRIPTS_DIR
        where = f"no {name}.json in {directory}" if directory is not None else "RAPTORFLOW_SCRIPTS_DIR is not set"
        raise _rejected(provider, f"unknown script {name}: not registered, and {where}")
    return replies


def _rejected(provider: Provider, problem: str, *, status: int | None = 404) -> ProviderError:
    """About the request (like an unknown model's 404), so not retried and not held against the provider;
    a broken script file (no status) is."""
    message = f"{provider.name}: {problem}"
    return ProviderError(ErrorCode.REJECTED, message, provider=provider.name, retryable=False, status=status)


def _cursor_key(name: str, run: str) -> str:
    return "llm:scripted:" + hashlib.sha256(f"{name}\0{run}".encode()).hexdigest()[:32]


def _take(name: str, run: str) -> int:
    """The index of the reply this call gets: an atomic increment, so two workers never take the same one."""
    key = _cursor_key(name, run)
    cache.add(key, 0, CURSOR_TTL_SECONDS)
    try:
        return int(cache.incr(key)) - 1
    except ValueError:  # the cursor expired between add and incr: this call starts it again
        cache.set(key, 1, CURSOR_TTL_SECONDS)
        return 0


def _replay(provider: Provider, request: CompletionRequest, reply: Reply, index: int, started: float) -> Completion:
    if "error" in reply:
        raise _error(provider, reply["error"])
    calls: tuple[ToolCall, ...] = ()
    parsed = None
    finish: FinishReason = "stop"
    if "json" in reply:
        parsed = copy.deepcopy(reply["json"])
        text = json.dumps(parsed, ensure_ascii=False)
    elif "tool_calls" in reply:
        calls = tuple(_tool_call(call, index, n) for n, call in enumerate(reply["tool_calls"], 1))
        text = _say(request, SCRIPTED_LABEL + reply["text"]) if reply.get("text") else ""
        finish = "tool_calls"
    else:
        text = _text(provider, request, reply, started)
        finish = reply.get("finish_reason", "stop")
    output = text + "".join(call.name + (call.raw_arguments or json.dumps(dict(call.arguments))) for call in calls)
    usage = _usage(reply.get("usage", {}), request, output)
    latency_ms = round((time.monotonic() - started) * 1000)
    return Completion(
        text, usage, request.model, provider.name, latency_ms,
        tool_calls=calls, parsed=parsed, finish_reason=finish, scripted=True,
    )  # fmt: skip


def _say(request: CompletionRequest, text: str) -> str:
    """Text given whole: to ``on_delta`` in one piece, as a network adapter does with an answer read whole."""
    if request.on_delta is not None:
        request.on_delta(text)
    return text


def _text(provider: Provider, request: CompletionRequest, reply: Reply, started: float) -> str:
    """The labelled text, whole or as a slow stream: the first piece at once, then one per ``delay``; a cancel
    ends the wait at once."""
    if "stream" not in reply:
        return _say(request, SCRIPTED_LABEL + reply["text"])
    pieces = _pieces(reply["text"], reply["stream"]["pieces"])
    pieces[0] = SCRIPTED_LABEL + pieces[0]
    delay = float(reply["stream"].get("delay", 0))
    sent: list[str] = []
    for number, piece in enumerate(pieces):
        if number and _wait(request, delay):
            raise CallCancelled(provider.name, _partial(provider, request, "".join(sent), started))
        sent.append(piece)
        if piece and request.on_delta is not None:
            request.on_delta(piece)
    return "".join(sent)


def _pieces(text: str, spec: int | list[str]) -> list[str]:
    """The pieces as given, or the text cut into ``spec`` pieces of (nearly) equal length."""
    if isinstance(spec, list):
        return list(spec)
    count = max(1, min(spec, len(text)))
    cuts = [round(i * len(text) / count) for i in range(count + 1)]
    return [text[cuts[i] : cuts[i + 1]] for i in range(count)]


def _wait(request: CompletionRequest, seconds: float) -> bool:
    """Sleep ``seconds``; True as soon as the request is cancelled."""
    if request.cancel is not None:
        return request.cancel.wait(seconds)
    time.sleep(seconds)
    return False


def _tool_call(call: Mapping[str, Any], index: int, number: int) -> ToolCall:
    """A scripted tool call; its id is deterministic (the reply's and the call's positions) unless given."""
    call_id = str(call.get("id") or f"call_scripted_{index + 1}_{number}")
    arguments = call.get("arguments", {})
    if isinstance(arguments, str):  # what a model that sent broken JSON looks like to the caller
        try:
            parsed = json.loads(arguments)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            return ToolCall(call_id, call["name"], {}, arguments)
        arguments = parsed
    return ToolCall(call_id, call["name"], copy.deepcopy(arguments))


def _error(provider: Provider, spec: Mapping[str, Any]) -> ProviderError:
    """The error a network adapter would raise: retryable for rate limits, timeouts and unavailability."""
    code = ErrorCode(spec["code"])
    retryable = code in RETRYABLE_CODES
    status = spec.get("status")
    detail = spec.get("message") or f"scripted {code}"
    message = f"{provider.name}: HTTP {status}: {detail}" if status else f"{provider.name}: {detail}"
    retry_after = spec.get("retry_after") if retryable else None
    return ProviderError(
        code, message, provider=provider.name, retryable=retryable, retry_after=retry_after, status=status
    )


def _usage(given: Mapping[str, int], request: CompletionRequest, output: str) -> Usage:
    """The reply's usage; what it leaves out is estimated from the request and the output text."""
    return Usage(
        input_tokens=given.get("input_tokens", _prompt_tokens(request)),
        output_tokens=given.get("output_tokens", estimate_tokens(output)),
        cached_input_tokens=given.get("cached_input_tokens", 0),
        cache_write_tokens=given.get("cache_write_tokens", 0),
    )


def _prompt_tokens(request: CompletionRequest) -> int:
    """Input tokens as the network adapters estimate them: the request's input characters, four a token."""
    return math.ceil(request.input_chars / CHARS_PER_TOKEN)


def _partial(provider: Provider, request: CompletionRequest, text: str, started: float) -> Completion:
    """What a stream cancelled midway had produced: the text so far, usage estimated (the prompt was "sent")."""
    usage = Usage(_prompt_tokens(request), estimate_tokens(text))
    latency_ms = round((time.monotonic() - started) * 1000)
    return Completion(text, usage, request.model, provider.name, latency_ms, finish_reason="cancelled", scripted=True)


def _unsent(provider: Provider, request: CompletionRequest) -> Completion:
    """A call cancelled before it took a reply: nothing asked, nothing charged."""
    return Completion("", Usage(0, 0), request.model, provider.name, 0, finish_reason="cancelled", scripted=True)
