"""Value types of the LLM layer: what is asked of a model and what comes back.

One request type carries the conversation (including the model's tool calls and their results), the tools
the model may call, an output schema, streaming on or off, and a cancel token. One completion type carries
text, tool calls, parsed JSON, the finish reason and usage split into input, cached input, cache writes and
output. Adapters (adapters.py) translate both to and from each provider's wire format.

Requests are frozen so that one can be hashed for the response cache and shared between the fallback chain's
entries; the cancel token and the delta callback are not part of a request's identity (``compare=False``).
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]
ROLES: frozenset[str] = frozenset({"system", "user", "assistant", "tool"})
ToolChoice = Literal["auto", "required", "none"]
FinishReason = Literal["stop", "length", "tool_calls", "content_filter", "cancelled", "other"]

# A rough but provider-neutral rule of thumb (OpenAI and Anthropic tokenizers
# average about four characters of English per token). Used for the offline
# provider's usage and for worst-case budget estimates before a call.
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """Estimate the token count of `text` as ceil(chars / 4)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True, slots=True)
class ToolCall:
    """The model asks for a tool: ``id`` (the provider's, echoed back with the result), ``name``, parsed ``arguments``.

    ``arguments`` is what the model sent, parsed from JSON; a model that sent text which is not a JSON object
    gets ``{}`` here and the raw text in ``raw_arguments``, so the caller can tell it so.
    """

    id: str
    name: str
    arguments: Mapping[str, Any]
    raw_arguments: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "arguments": dict(self.arguments),
            "raw_arguments": self.raw_arguments,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolCall:
        return cls(
            str(data["id"]), str(data["name"]), dict(data.get("arguments") or {}), str(data.get("raw_arguments", ""))
        )


@dataclass(frozen=True, slots=True)
class Message:
    """One turn. ``assistant`` turns may carry ``tool_calls``; a ``tool`` turn is the result of ``tool_call_id``.

    ``cache`` marks a prompt-cache breakpoint after this message (Anthropic's ``cache_control``; OpenAI caches
    long prefixes by itself): put it on what stays the same between calls, the system prompt and the company
    foundation.
    """

    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str = ""
    cache: bool = False

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"Unknown message role {self.role!r}; expected one of {sorted(ROLES)}")
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("A tool message answers a tool call: tool_call_id is required.")
        if self.tool_calls and self.role != "assistant":
            raise ValueError("Only assistant messages carry tool calls.")
        if not isinstance(self.tool_calls, tuple):
            object.__setattr__(self, "tool_calls", tuple(self.tool_calls))


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool the model may call. ``name`` is wire-safe (``^[a-zA-Z0-9_-]{1,64}$``); ``parameters`` a JSON Schema."""

    name: str
    description: str
    parameters: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class OutputSchema:
    """Structured output: the answer must be a JSON object matching ``schema``.

    ``strict`` asks the provider to enforce the schema while generating (OpenAI's ``strict``), which only some
    schemas allow (every property required, no additional properties); the caller validates the result anyway.
    """

    name: str
    schema: Mapping[str, Any]
    strict: bool = False


class CancelToken:
    """Set from any thread to stop a call in flight: streams stop reading, sockets are shut, retries end.

    Whoever holds a blocking resource registers a closer with ``on_cancel`` (an adapter: its open response);
    closers run once, in the cancelling thread, when ``cancel`` is called (or at once if it already was).
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._closers: list[Callable[[], None]] = []
        self.reason = ""

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self, reason: str = "cancelled") -> None:
        with self._lock:
            if self._event.is_set():
                return
            self.reason = reason
            self._event.set()
            closers, self._closers = self._closers, []
        for close in closers:
            _quietly(close)

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True as soon as the token is cancelled (then stop, don't retry)."""
        return self._event.wait(max(seconds, 0.0))

    def on_cancel(self, close: Callable[[], None]) -> Callable[[], None]:
        """Run ``close`` when cancelled (now, if already). Returns a function that unregisters it."""
        with self._lock:
            if not self._event.is_set():
                self._closers.append(close)
                return lambda: self._forget(close)
        _quietly(close)
        return lambda: None

    def _forget(self, close: Callable[[], None]) -> None:
        with self._lock:
            if close in self._closers:
                self._closers.remove(close)


def _quietly(close: Callable[[], None]) -> None:
    with contextlib.suppress(Exception):  # a closer that fails has nothing left to close
        close()


DeltaSink = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    messages: tuple[Message, ...]
    model: str
    temperature: float = 0.0
    max_tokens: int = 1024
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: ToolChoice = "auto"
    output: OutputSchema | None = None
    stream: bool = False
    # Not part of what is asked (the cache key and equality ignore them): how to stop, where text goes as it
    # comes (streaming), and labels for the provider's own bookkeeping (the scripted provider's cursor).
    cancel: CancelToken | None = field(default=None, compare=False)
    on_delta: DeltaSink | None = field(default=None, compare=False)
    metadata: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # Accept lists for convenience but store tuples so the request stays immutable.
        if not isinstance(self.messages, tuple):
            object.__setattr__(self, "messages", tuple(self.messages))
        if not isinstance(self.tools, tuple):
            object.__setattr__(self, "tools", tuple(self.tools))
        if self.max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")

    def with_model(self, model: str) -> CompletionRequest:
        return replace(self, model=model)

    @property
    def input_chars(self) -> int:
        """Characters of everything sent as input: messages, tools and their schemas, the output schema."""
        tools = sum(len(str(tool.parameters)) + len(tool.description) for tool in self.tools)
        output = len(str(self.output.schema)) if self.output is not None else 0
        return sum(len(message.content) for message in self.messages) + tools + output

    @property
    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.cancelled


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts. ``input_tokens`` always includes ``cached_input_tokens`` and ``cache_write_tokens``
    (adapters normalise to this): uncached input = input - cached - cache writes."""

    input_tokens: int
    output_tokens: int
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0

    @property
    def uncached_input_tokens(self) -> int:
        return max(self.input_tokens - self.cached_input_tokens - self.cache_write_tokens, 0)


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    usage: Usage
    model: str
    provider: str
    latency_ms: int
    offline: bool = False
    cache_hit: bool = False
    tool_calls: tuple[ToolCall, ...] = ()
    parsed: Any = None  # the JSON object of a structured answer (not yet checked against the schema)
    finish_reason: FinishReason = "stop"
    scripted: bool = False  # replayed by the scripted provider: labelled as such wherever it is shown

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (plain str/int/bool values), the form stored in the response cache."""
        data = asdict(self)
        data["tool_calls"] = [call.to_dict() for call in self.tool_calls]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Completion:
        return cls(
            text=str(data["text"]),
            usage=Usage(**data["usage"]),
            model=str(data["model"]),
            provider=str(data["provider"]),
            latency_ms=int(data["latency_ms"]),
            offline=bool(data.get("offline", False)),
            cache_hit=bool(data.get("cache_hit", False)),
            tool_calls=tuple(ToolCall.from_dict(call) for call in data.get("tool_calls") or ()),
            parsed=data.get("parsed"),
            finish_reason=data.get("finish_reason", "stop"),
            scripted=bool(data.get("scripted", False)),
        )


class CallCancelled(Exception):
    """The call was stopped by its cancel token. ``partial`` is what had arrived (text so far and the usage the
    provider reported, or an estimate of it), so the tokens already received are charged."""

    def __init__(self, provider: str, partial: Completion | None = None):
        super().__init__(f"{provider}: call cancelled")
        self.provider = provider
        self.partial = partial
