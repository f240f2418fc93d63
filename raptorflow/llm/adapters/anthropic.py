"""Anthropic Messages: ``POST {base_url}/v1/messages`` with ``anthropic-version: 2023-06-01``.

What is sent: system messages as the top-level ``system`` list of text blocks; user and assistant turns
(assistant ``tool_use`` blocks from ``Message.tool_calls``; tool results as ``tool_result`` blocks of one
user turn per run of consecutive tool messages, as the API requires); ``cache_control: ephemeral`` on the
block of every system or user message marked ``cache`` (a prompt-cache breakpoint); ``tools`` with
``tool_choice`` (auto / any / none); structured output as a forced tool named after the output schema, whose
``input`` is the answer; ``stream``. Usage: Anthropic counts cache reads and cache writes *beside*
``input_tokens``; they are folded in, so ``Usage.input_tokens`` includes both, as for OpenAI.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx

from ..types import Completion, CompletionRequest, FinishReason, Message, OutputSchema
from .draft import Draft
from .http import Post, api_key, exchange, is_event_stream, iter_sse, malformed, read_json, stream_error, truncated

if TYPE_CHECKING:
    from ..models import Provider

ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"
OUTPUT_TOOL_DESCRIPTION = "Give your answer: the input of this tool is the answer, in the required structure."

_TOOL_CHOICE = {"auto": "auto", "required": "any", "none": "none"}
_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}
_CACHE = {"cache_control": {"type": "ephemeral"}}
_BAD_FIELD = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def complete_anthropic(provider: Provider, request: CompletionRequest) -> Completion:
    """POST {base_url}/v1/messages; see the module docstring for what is sent."""
    key = api_key(provider)
    headers = {"x-api-key": key, "anthropic-version": ANTHROPIC_VERSION}
    url = (provider.base_url or ANTHROPIC_DEFAULT_BASE_URL).rstrip("/") + "/v1/messages"
    draft = Draft(request)
    post = Post(url, headers, payload(request), key)
    latency_ms = exchange(provider, post, draft, lambda response: _read(provider, response, draft, key))
    return draft.completion(provider, latency_ms, output_tool=request.output.name if request.output else "")


# --- what is sent -----------------------------------------------------------------------------------


def payload(request: CompletionRequest) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": request.model,
        "messages": _turns(request.messages),
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
    }
    system = [_text_block(message) for message in request.messages if message.role == "system"]
    if system:
        body["system"] = system
    body.update(_tools(request))
    if request.stream:
        body["stream"] = True
    return body


def _turns(messages: tuple[Message, ...]) -> list[dict[str, Any]]:
    """User and assistant turns; each run of tool results becomes one user turn of ``tool_result`` blocks."""
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "tool":
            _add_tool_result(turns, message)
        elif message.role != "system":
            turns.append(_turn(message))
    return turns


def _add_tool_result(turns: list[dict[str, Any]], message: Message) -> None:
    result = {"type": "tool_result", "tool_use_id": message.tool_call_id, "content": message.content}
    last = turns[-1] if turns else {}
    if (
        last.get("role") == "user"
        and isinstance(last["content"], list)
        and last["content"][-1]["type"] == "tool_result"
    ):
        last["content"].append(result)
    else:
        turns.append({"role": "user", "content": [result]})


def _turn(message: Message) -> dict[str, Any]:
    if message.tool_calls:
        blocks = [_text_block(message)] if message.content else []
        blocks += [
            {"type": "tool_use", "id": c.id, "name": c.name, "input": dict(c.arguments)} for c in message.tool_calls
        ]
        return {"role": "assistant", "content": blocks}
    if message.cache:
        return {"role": message.role, "content": [_text_block(message)]}
    return {"role": message.role, "content": message.content}


def _text_block(message: Message) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "text", "text": message.content}
    if message.cache and message.role in ("system", "user"):
        block.update(_CACHE)
    return block


def _tools(request: CompletionRequest) -> dict[str, Any]:
    """``tools`` and ``tool_choice``; structured output forces the output tool (it is the whole answer)."""
    tools = [{"name": t.name, "description": t.description, "input_schema": dict(t.parameters)} for t in request.tools]
    if request.output is not None:
        tools.append(_output_tool(request.output))
        return {"tools": tools, "tool_choice": {"type": "tool", "name": request.output.name}}
    if tools:
        return {"tools": tools, "tool_choice": {"type": _TOOL_CHOICE[request.tool_choice]}}
    return {}


def _output_tool(output: OutputSchema) -> dict[str, Any]:
    return {"name": output.name, "description": OUTPUT_TOOL_DESCRIPTION, "input_schema": dict(output.schema)}


# --- what comes back --------------------------------------------------------------------------------


def _read(provider: Provider, response: httpx.Response, draft: Draft, key: str) -> None:
    if draft.request.stream and is_event_stream(response):
        _read_stream(provider, response, draft, key)
    else:
        _read_body(provider, read_json(provider, response), draft)


def _read_body(provider: Provider, data: dict[str, Any], draft: Draft) -> None:
    try:
        blocks = list(data["content"])
        _record_usage(draft, data["usage"])
        for index, block in enumerate(blocks):
            if block.get("type") == "tool_use":
                tool = draft.tool(index)
                tool.id, tool.name, tool.arguments = str(block["id"]), str(block["name"]), dict(block["input"])
        texts = [block["text"] for block in blocks if block.get("type") == "text"]
    except _BAD_FIELD as exc:
        raise malformed(provider, f"missing or invalid {exc}") from None
    if not all(isinstance(text, str) for text in texts):
        raise malformed(provider, "content text is not text")
    draft.add_text("".join(texts))
    draft.finish_reason = _finish(data.get("stop_reason"))


def _record_usage(draft: Draft, usage: dict[str, Any]) -> None:
    """Fold cache reads and writes into input. A stream's message_delta repeats counts cumulatively, and may
    leave out the input ones (then those of message_start stand)."""
    if usage.get("input_tokens") is not None:
        draft.cached_input_tokens = int(usage.get("cache_read_input_tokens") or 0)
        draft.cache_write_tokens = int(usage.get("cache_creation_input_tokens") or 0)
        draft.input_tokens = int(usage["input_tokens"]) + draft.cached_input_tokens + draft.cache_write_tokens
    draft.output_tokens = int(usage["output_tokens"])


def _finish(reason: object) -> FinishReason:
    return _FINISH.get(str(reason), "other")


def _read_stream(provider: Provider, response: httpx.Response, draft: Draft, key: str) -> None:
    """message_start, content blocks (text and tool input deltas), message_delta, message_stop; or error."""
    for event, data in iter_sse(response):
        if event == "ping":
            continue
        try:
            message = json.loads(data)
        except ValueError:
            raise malformed(provider, f"a {event} event is not JSON") from None
        if event == "error" or (isinstance(message, dict) and message.get("type") == "error"):
            raise stream_error(provider, message.get("error") if isinstance(message, dict) else None, key)
        if event == "message_stop":
            return
        _apply_event(provider, event, message, draft)
    raise truncated(provider)


def _apply_event(provider: Provider, event: str, message: Any, draft: Draft) -> None:
    try:
        if event == "message_start":
            _record_usage(draft, message["message"]["usage"])
        elif event == "content_block_start":
            _start_block(draft, int(message["index"]), message["content_block"])
        elif event == "content_block_delta":
            _apply_delta(draft, int(message["index"]), message["delta"])
        elif event == "message_delta":
            _record_usage(draft, message["usage"])
            draft.finish_reason = _finish(message["delta"].get("stop_reason"))
    except _BAD_FIELD as exc:
        raise malformed(provider, f"missing or invalid {exc} in a {event} event") from None


def _start_block(draft: Draft, index: int, block: dict[str, Any]) -> None:
    if block["type"] == "tool_use":
        tool = draft.tool(index)
        tool.id, tool.name = str(block["id"]), str(block["name"])
    elif block["type"] == "text":
        draft.add_text(str(block.get("text") or ""))


def _apply_delta(draft: Draft, index: int, delta: dict[str, Any]) -> None:
    if delta["type"] == "text_delta":
        draft.add_text(str(delta["text"]))
    elif delta["type"] == "input_json_delta":
        draft.tool(index).fragments.append(str(delta["partial_json"]))
