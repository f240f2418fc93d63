"""A span per model call, following the OpenTelemetry GenAI semantic conventions (decision 0028).

One span (kind CLIENT, named ``chat <model>``) for each entry of the fallback chain that is tried, retries
included (the httpx instrumentation adds one span per HTTP attempt below it): ``gen_ai.operation.name``,
``gen_ai.provider.name``, ``gen_ai.request.*``, and from the answer ``gen_ai.response.model``,
``gen_ai.response.finish_reasons`` and ``gen_ai.usage.*``; a failure sets ``error.type`` to the layer's error
code. Prompts and completions are not recorded unless RAPTORFLOW_TRACE_CONTENT is on (or the standard
OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT), and then without the provider's key or anything shaped
like a credential.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from raptorflow import tracing

from .choices import ProviderKind

if TYPE_CHECKING:
    from .errors import ProviderError
    from .models import Provider
    from .types import Completion, CompletionRequest, Message, ToolCall

# gen_ai.provider.name: the well-known values where there is one; the wire format otherwise.
PROVIDER_NAMES = {
    ProviderKind.OPENAI_COMPATIBLE: "openai",
    ProviderKind.ANTHROPIC: "anthropic",
    ProviderKind.OFFLINE: "raptorflow.offline",
    ProviderKind.SCRIPTED: "raptorflow.scripted",
}
# The semantic conventions' finish reasons, from the layer's provider-neutral ones.
FINISH_REASONS = {"tool_calls": "tool_call", "cancelled": "error"}
REDACTED = "[redacted]"
# Credentials a prompt or an answer might carry (pasted by a person, echoed by a tool): provider keys, bearer
# tokens, Raptorflow API keys, key=value secrets.
SECRET_PATTERN = re.compile(
    r"(sk-[A-Za-z0-9_\-]{8,}|rfk_[A-Za-z0-9_\-]{6,}|(?i:bearer)\s+[A-Za-z0-9._\-~+/]{8,}=*"
    r"|(?i:(?:api[_-]?key|secret|password|token)\s*[:=]\s*)[^\s\"']{4,})"
)


def call_span(provider: Provider, request: CompletionRequest) -> Any:
    """The span of one call of ``provider`` (a context manager yielding it); the invalid span when tracing is off."""
    if not tracing.active():
        return tracing.span("")
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": PROVIDER_NAMES.get(ProviderKind(provider.kind), provider.kind),
        "gen_ai.request.model": request.model,
        "gen_ai.request.max_tokens": request.max_tokens,
        "gen_ai.request.temperature": request.temperature,
        "gen_ai.output.type": "json" if request.output is not None else "text",
        "raptorflow.llm.provider": provider.name,
    }
    if request.metadata.get("purpose"):
        attributes["raptorflow.llm.purpose"] = request.metadata["purpose"]
    address = urlsplit(provider.base_url) if provider.base_url else None
    if address is not None and address.hostname:
        attributes["server.address"] = address.hostname
        if address.port:
            attributes["server.port"] = address.port
    if settings.RAPTORFLOW_TRACE_CONTENT:
        attributes |= _request_content(request, _secret(provider))
    return tracing.span(f"chat {request.model}", attributes, kind=SpanKind.CLIENT)


def record_completion(span: Span, completion: Completion, provider: Provider) -> None:
    """What came back: the model that answered, why it stopped, the tokens."""
    if not span.is_recording():
        return
    usage = completion.usage
    span.set_attributes(
        {
            "gen_ai.response.model": completion.model,
            "gen_ai.response.finish_reasons": [FINISH_REASONS.get(completion.finish_reason, completion.finish_reason)],
            "gen_ai.usage.input_tokens": usage.input_tokens,
            "gen_ai.usage.output_tokens": usage.output_tokens,
            "gen_ai.usage.cache_read.input_tokens": usage.cached_input_tokens,
            "gen_ai.usage.cache_creation.input_tokens": usage.cache_write_tokens,
            "raptorflow.llm.cache_hit": completion.cache_hit,
        }
    )
    if settings.RAPTORFLOW_TRACE_CONTENT:
        secret = _secret(provider)
        reason = FINISH_REASONS.get(completion.finish_reason, completion.finish_reason)
        output = {"role": "assistant", "parts": _parts(completion.text, completion.tool_calls, secret)}
        span.set_attribute("gen_ai.output.messages", json.dumps([output | {"finish_reason": reason}]))


def record_error(span: Span, error: ProviderError) -> None:
    if span.is_recording():
        span.set_attribute("error.type", str(error.code))
        span.set_status(Status(StatusCode.ERROR, error.message))


def redact(text: str, secret: str = "") -> str:
    """``text`` without ``secret`` (the provider's key) and without anything shaped like a credential."""
    if secret:
        text = text.replace(secret, REDACTED)
    return SECRET_PATTERN.sub(REDACTED, text)


def _secret(provider: Provider) -> str:
    try:
        return provider.get_api_key() if provider.has_api_key else ""
    except Exception:  # a key that no longer decrypts: nothing of it can leak either
        return ""


def _request_content(request: CompletionRequest, secret: str) -> dict[str, str]:
    system = [message.content for message in request.messages if message.role == "system"]
    turns = [_message(message, secret) for message in request.messages if message.role != "system"]
    content = {"gen_ai.input.messages": json.dumps(turns)}
    if system:
        instructions = [{"type": "text", "content": redact(text, secret)} for text in system]
        content["gen_ai.system_instructions"] = json.dumps(instructions)
    return content


def _message(message: Message, secret: str) -> dict[str, Any]:
    if message.role == "tool":
        part = {"type": "tool_call_response", "id": message.tool_call_id, "response": redact(message.content, secret)}
        return {"role": "tool", "parts": [part]}
    return {"role": message.role, "parts": _parts(message.content, message.tool_calls, secret)}


def _parts(text: str, tool_calls: tuple[ToolCall, ...], secret: str) -> list[dict[str, Any]]:
    """The message's parts, each text redacted before it is encoded (a pattern never spans JSON syntax)."""
    parts: list[dict[str, Any]] = [{"type": "text", "content": redact(text, secret)}] if text else []
    for call in tool_calls:
        arguments = redact(json.dumps(dict(call.arguments)), secret)  # arguments as a string: the spec allows it
        parts.append({"type": "tool_call", "id": call.id, "name": call.name, "arguments": arguments})
    return parts
