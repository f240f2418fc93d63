"""Response cache in the Django cache, keyed by everything that determines a model's answer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache

from .types import Completion, CompletionRequest, Message

# Bump when the key's inputs or the stored form change, so old entries are simply never read again.
KEY_VERSION = "v2"
DEFAULT_TTL_SECONDS = 7 * 24 * 3600


def cache_key(provider_name: str, request: CompletionRequest) -> str:
    """sha256 of canonical JSON of everything asked: provider, model, messages (with tool calls and results),
    temperature, max_tokens, tools, tool choice and output schema. Streaming, the cancel token and metadata
    change how an answer arrives, not what it is, so they are left out.

    Canonical: sorted keys, no whitespace, temperature as a float so 0 and 0.0 share an entry.
    """
    payload = {
        "provider": provider_name,
        "model": request.model,
        "messages": [_message(m) for m in request.messages],
        "temperature": float(request.temperature),
        "max_tokens": int(request.max_tokens),
        "tools": [{"name": t.name, "description": t.description, "parameters": t.parameters} for t in request.tools],
        "tool_choice": request.tool_choice,
        "output": None if request.output is None else {**asdict(request.output), "schema": request.output.schema},
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"llm:response:{KEY_VERSION}:{hashlib.sha256(canonical.encode()).hexdigest()}"


def _message(message: Message) -> dict[str, Any]:
    return {
        "role": message.role,
        "content": message.content,
        "tool_calls": [call.to_dict() for call in message.tool_calls],
        "tool_call_id": message.tool_call_id,
    }


def cache_get(provider_name: str, request: CompletionRequest) -> Completion | None:
    """The cached completion, marked `cache_hit=True`, or None (also None for an unreadable entry)."""
    data = cache.get(cache_key(provider_name, request))
    if not isinstance(data, dict):
        return None
    try:
        return replace(Completion.from_dict(data), cache_hit=True)
    except (KeyError, TypeError, ValueError):
        return None


def cache_set(provider_name: str, request: CompletionRequest, completion: Completion, ttl: int | None = None) -> None:
    """Store a completion for `ttl` seconds (default RAPTORFLOW_LLM_CACHE_TTL; 0 disables caching)."""
    if ttl is None:
        ttl = int(getattr(settings, "RAPTORFLOW_LLM_CACHE_TTL", DEFAULT_TTL_SECONDS))
    if ttl <= 0:
        return
    cache.set(cache_key(provider_name, request), replace(completion, cache_hit=False).to_dict(), timeout=ttl)
