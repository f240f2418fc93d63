"""Helpers shared by the LLM layer tests: provider rows, requests, and the two wire formats."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pytest_httpserver import HTTPServer

from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.models import Provider
from raptorflow.llm.types import CompletionRequest, Message


def unique(prefix: str) -> str:
    """A provider name no other test (or xdist worker sharing Redis) uses, so breaker state never leaks."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def make_provider(
    kind: str,
    *,
    name: str = "provider",
    base_url: str = "",
    api_key: str = "",
    timeout_seconds: float = 5,
    max_retries: int = 2,
    enabled: bool = True,
) -> Provider:
    provider = Provider.objects.create(
        name=unique(name),
        kind=kind,
        base_url=base_url,
        timeout_seconds=timeout_seconds,
        max_retries=max_retries,
        enabled=enabled,
    )
    if api_key:
        provider.set_api_key(api_key)
        provider.save()
    return provider


def ask(text: str = "Plan a launch for Acme analytics.", *, system: str = "", **kwargs: Any) -> CompletionRequest:
    messages = ([Message("system", system)] if system else []) + [Message("user", text)]
    return CompletionRequest(messages=tuple(messages), model=kwargs.pop("model", "test-model"), **kwargs)


class SleepRecorder:
    """Stands in for time.sleep: records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@dataclass(frozen=True)
class Wire:
    """What one HTTP provider kind looks like on the wire, so each behaviour is tested for both kinds."""

    kind: str
    endpoint: str
    key_header: str

    def __str__(self) -> str:
        return self.kind

    def key_value(self, key: str) -> str:
        return f"Bearer {key}" if self.kind == ProviderKind.OPENAI_COMPATIBLE else key

    def path(self, prefix: str) -> str:
        return f"/{prefix}{self.endpoint}"

    def provider(self, server: HTTPServer, prefix: str = "primary", **kwargs: Any) -> Provider:
        kwargs.setdefault("api_key", f"sk-test-{prefix}-{uuid.uuid4().hex}")
        return make_provider(self.kind, name=prefix, base_url=server.url_for(f"/{prefix}"), **kwargs)

    def ok(self, text: str, *, input_tokens: int = 12, output_tokens: int = 5, cached: int = 0) -> dict[str, Any]:
        """A success body reporting `input_tokens` in total, `cached` of them read from the prompt cache."""
        if self.kind == ProviderKind.OPENAI_COMPATIBLE:
            usage = {"prompt_tokens": input_tokens, "completion_tokens": output_tokens}
            if cached:
                usage["prompt_tokens_details"] = {"cached_tokens": cached}
            return {"choices": [{"message": {"role": "assistant", "content": text}}], "usage": usage}
        # Anthropic counts cache reads beside input_tokens, not inside it.
        usage = {"input_tokens": input_tokens - cached, "output_tokens": output_tokens}
        if cached:
            usage["cache_read_input_tokens"] = cached
        return {"type": "message", "content": [{"type": "text", "text": text}], "usage": usage}


OPENAI = Wire(kind=ProviderKind.OPENAI_COMPATIBLE.value, endpoint="/chat/completions", key_header="Authorization")
ANTHROPIC = Wire(kind=ProviderKind.ANTHROPIC.value, endpoint="/v1/messages", key_header="x-api-key")
WIRES = [OPENAI, ANTHROPIC]
