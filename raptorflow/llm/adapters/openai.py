"""OpenAI-compatible chat completions: ``POST {base_url}/chat/completions``.

Covers OpenAI, Azure, OpenRouter, Ollama, vLLM and LM Studio. What is sent: the messages (assistant turns
with their ``tool_calls``, tool results as ``role: "tool"`` turns), ``max_tokens`` (not the newer
``max_completion_tokens``, which most compatible servers do not know), ``tools`` with ``tool_choice``,
``response_format: json_schema`` for structured output, and ``stream`` with ``stream_options.include_usage``
so that a stream still reports usage in its last chunk. OpenAI caches long prompt prefixes by itself, so
``Message.cache`` is not sent. Usage: ``prompt_tokens`` already includes cached tokens and cache writes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx

from ..types import Completion, CompletionRequest, FinishReason, Message, OutputSchema, ToolCall, ToolSpec
from .draft import Draft
from .http import Post, api_key, exchange, is_event_stream, iter_sse, malformed, read_json, stream_error, truncated

if TYPE_CHECKING:
    from ..models import Provider

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}
_BAD_FIELD = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def complete_openai_compatible(provider: Provider, request: CompletionRequest) -> Completion:
    """POST {base_url}/chat/completions. No Authorization header without a key (Ollama, vLLM, LM Studio)."""
    key = api_key(provider)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    url = (provider.base_url or OPENAI_DEFAULT_BASE_URL).rstrip("/") + "/chat/completions"
    draft = Draft(request)
    post = Post(url, headers, payload(request), key)
    latency_ms = exchange(provider, post, draft, lambda response: _read(provider, response, draft, key))
    return draft.completion(provider, latency_ms)


# --- what is sent -----------------------------------------------------------------------------------


def payload(request: CompletionRequest) -> dict[str, Any]:
    """The request body; fields the request does not use are left out (compatible servers vary)."""
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [_message(message) for message in request.messages],
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
    }
    if request.tools:  # tool_choice without tools is an error
        body["tools"] = [_tool(tool) for tool in request.tools]
        body["tool_choice"] = request.tool_choice
    if request.output is not None:
        body["response_format"] = _response_format(request.output)
    if request.stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return body


def _message(message: Message) -> dict[str, Any]:
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.content}
    if message.role == "assistant" and message.tool_calls:
        turn: dict[str, Any] = {"role": "assistant", "tool_calls": [_call(call) for call in message.tool_calls]}
        if message.content:
            turn["content"] = message.content
        return turn
    return {"role": message.role, "content": message.content}


def _call(call: ToolCall) -> dict[str, Any]:
    # Echo what the model sent, even if it was not valid JSON: the conversation must show what it said.
    arguments = call.raw_arguments or json.dumps(dict(call.arguments), ensure_ascii=False)
    return {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": arguments}}


def _tool(tool: ToolSpec) -> dict[str, Any]:
    function = {"name": tool.name, "description": tool.description, "parameters": dict(tool.parameters)}
    return {"type": "function", "function": function}


def _response_format(output: OutputSchema) -> dict[str, Any]:
    schema = {"name": output.name, "schema": dict(output.schema), "strict": output.strict}
    return {"type": "json_schema", "json_schema": schema}


# --- what comes back --------------------------------------------------------------------------------


def _read(provider: Provider, response: httpx.Response, draft: Draft, key: str) -> None:
    if draft.request.stream and is_event_stream(response):
        _read_stream(provider, response, draft, key)
    else:  # not streamed, or a server that ignored ``stream``: the whole text goes to on_delta at once
        _read_body(provider, read_json(provider, response), draft)


def _read_body(provider: Provider, data: dict[str, Any], draft: Draft) -> None:
    try:
        choice = data["choices"][0]
        message = choice["message"]
        _record_usage(draft, data["usage"])
        calls = [call for call in message.get("tool_calls") or () if call.get("type", "function") == "function"]
        for index, call in enumerate(calls):
            tool = draft.tool(index)
            tool.id, tool.name = str(call["id"]), str(call["function"]["name"])
            tool.fragments.append(str(call["function"].get("arguments") or ""))
    except _BAD_FIELD as exc:
        raise malformed(provider, f"missing or invalid {exc}") from None
    _record_message(provider, draft, message, choice.get("finish_reason"))


def _record_message(provider: Provider, draft: Draft, message: dict[str, Any], finish: object) -> None:
    content, refusal = message.get("content"), message.get("refusal")
    if content is not None and not isinstance(content, str):
        raise malformed(provider, "choices[0].message.content is not text")
    # A refusal (structured output the model declined to give) comes instead of content: keep its words.
    draft.add_text(content or (refusal if isinstance(refusal, str) else ""))
    draft.finish_reason = "content_filter" if refusal and not content else _finish(finish)


def _record_usage(draft: Draft, usage: dict[str, Any]) -> None:
    details = usage.get("prompt_tokens_details") or {}
    draft.input_tokens = int(usage["prompt_tokens"])
    draft.output_tokens = int(usage["completion_tokens"])
    draft.cached_input_tokens = int(details.get("cached_tokens") or 0)
    draft.cache_write_tokens = int(details.get("cache_write_tokens") or 0)


def _finish(reason: object) -> FinishReason:
    return _FINISH.get(str(reason), "other")


def _read_stream(provider: Provider, response: httpx.Response, draft: Draft, key: str) -> None:
    """Chunks until ``[DONE]``; the usage chunk (no choices) comes last, after the finish reason."""
    for _event, data in iter_sse(response):
        if data == "[DONE]":
            return
        try:
            chunk = json.loads(data)
        except ValueError:
            raise malformed(provider, "a stream chunk is not JSON") from None
        _apply_chunk(provider, chunk, draft, key)
    if draft.finish_reason is None:
        raise truncated(provider)


def _apply_chunk(provider: Provider, chunk: object, draft: Draft, key: str) -> None:
    if not isinstance(chunk, dict):
        raise malformed(provider, "a stream chunk is not a JSON object")
    if "error" in chunk:
        raise stream_error(provider, chunk["error"], key)
    try:
        if chunk.get("usage"):
            _record_usage(draft, chunk["usage"])
        for choice in chunk.get("choices") or ():
            _apply_delta(draft, choice)
    except _BAD_FIELD as exc:
        raise malformed(provider, f"missing or invalid {exc} in a stream chunk") from None


def _apply_delta(draft: Draft, choice: dict[str, Any]) -> None:
    delta = choice.get("delta") or {}
    if isinstance(delta.get("content"), str):
        draft.add_text(delta["content"])
    for call in delta.get("tool_calls") or ():
        # Argument fragments arrive by the call's index; its id and name come whole, in the first fragment.
        tool = draft.tool(int(call["index"]))
        function = call.get("function") or {}
        tool.id = str(call.get("id") or tool.id)
        tool.name = str(function.get("name") or tool.name)
        tool.fragments.append(str(function.get("arguments") or ""))
    if choice.get("finish_reason"):
        draft.finish_reason = _finish(choice["finish_reason"])
