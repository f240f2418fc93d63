"""One function per provider kind, each making exactly one HTTP call (or none, for offline).

Retries, the circuit breaker, caching and fallback live in ``client.py``; an adapter only turns a
``CompletionRequest`` into a ``Completion``, a ``ProviderError`` whose code says whether trying again could
help, or ``CallCancelled`` when the request's cancel token stops it.

- ``http.py``: the process's HTTP client, one POST per call, error classification, server-sent events.
- ``sockets.py``: how a cancel token shuts a call's connection from another thread.
- ``draft.py``: what a call has received so far; the completion, or the partial one on cancel.
- ``openai.py``, ``anthropic.py``: the two wire protocols; ``offline.py``: the built-in provider; the scripted
  provider (tests and demos) is ``raptorflow/llm/scripted.py``.

``Completion.model`` is the model that was asked for (the chain entry's name), not the snapshot name a
provider may report back (``gpt-4o-mini-2024-07-18``): prices are keyed by the former, and a mismatch would
silently price calls at 0. The wire formats are checked against the official SDKs' own types in
tests/llm/test_v2_*_contract.py; docs/decisions/0014-model-layer-v2.md says why the runtime uses httpx.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..choices import ProviderKind
from ..scripted import complete_scripted
from ..types import Completion, CompletionRequest
from .anthropic import ANTHROPIC_DEFAULT_BASE_URL, ANTHROPIC_VERSION, complete_anthropic
from .http import http_client, parse_retry_after
from .offline import OFFLINE_LABEL, complete_offline, key_phrases
from .openai import OPENAI_DEFAULT_BASE_URL, complete_openai_compatible

if TYPE_CHECKING:
    from ..models import Provider

Adapter = Callable[["Provider", CompletionRequest], Completion]

ADAPTERS: dict[str, Adapter] = {
    ProviderKind.OPENAI_COMPATIBLE.value: complete_openai_compatible,
    ProviderKind.ANTHROPIC.value: complete_anthropic,
    ProviderKind.OFFLINE.value: complete_offline,
    ProviderKind.SCRIPTED.value: complete_scripted,
}

__all__ = [
    "ADAPTERS",
    "ANTHROPIC_DEFAULT_BASE_URL",
    "ANTHROPIC_VERSION",
    "OFFLINE_LABEL",
    "OPENAI_DEFAULT_BASE_URL",
    "Adapter",
    "complete_anthropic",
    "complete_offline",
    "complete_openai_compatible",
    "http_client",
    "key_phrases",
    "parse_retry_after",
]
