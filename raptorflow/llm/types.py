"""Value types of the LLM layer: what is asked of a model and what comes back.

They are frozen so that a request can be hashed for the response cache and
shared between the fallback chain's entries without one entry changing it for
the next.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]
ROLES: frozenset[str] = frozenset({"system", "user", "assistant"})

# A rough but provider-neutral rule of thumb (OpenAI and Anthropic tokenizers
# average about four characters of English per token). Used for the offline
# provider's usage and for worst-case budget estimates before a call.
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """Estimate the token count of `text` as ceil(chars / 4)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"Unknown message role {self.role!r}; expected one of {sorted(ROLES)}")


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    messages: tuple[Message, ...]
    model: str
    temperature: float = 0.0
    max_tokens: int = 1024

    def __post_init__(self) -> None:
        # Accept a list for convenience but store a tuple so the request stays immutable.
        if not isinstance(self.messages, tuple):
            object.__setattr__(self, "messages", tuple(self.messages))
        if self.max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")

    def with_model(self, model: str) -> CompletionRequest:
        return replace(self, model=model)

    @property
    def input_chars(self) -> int:
        return sum(len(message.content) for message in self.messages)


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts. `input_tokens` always includes `cached_input_tokens` (adapters normalise to this)."""

    input_tokens: int
    output_tokens: int
    cached_input_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    usage: Usage
    model: str
    provider: str
    latency_ms: int
    offline: bool = False
    cache_hit: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (plain str/int/bool values), the form stored in the response cache."""
        return asdict(self)

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
        )
