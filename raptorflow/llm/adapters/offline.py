"""The offline provider: deterministic text built from the request, with estimated usage.

No network, no key, no randomness. It writes text only: asked for tool calls or structured output it
refuses (``model_unavailable``) rather than invent JSON, so agents take their offline path.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import TYPE_CHECKING

from ..errors import ErrorCode, ProviderError
from ..types import CHARS_PER_TOKEN, CallCancelled, Completion, CompletionRequest, Usage, estimate_tokens
from .draft import unsent

if TYPE_CHECKING:
    from ..models import Provider

OFFLINE_LABEL = "[offline model] "

# Words too common to be a key phrase (words under three letters are skipped anyway).
_STOPWORDS_TEXT = """
about above after all also and any are been being but can could did does for from had has have how
into its just let more most not now one only our out over please should some such than that the
their them then there these they this those too very was were what when where which while who why
will with would write you your
"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def complete_offline(provider: Provider, request: CompletionRequest) -> Completion:
    """Deterministic text built from the request, with estimated usage.

    The same request always gives the same text, and any change to the request (a system prompt, the model,
    the temperature) changes the reference digest in it, so a cached or replayed answer is easy to tell apart.
    A streamed request gets the whole text as one delta.
    """
    _check_supported(provider, request)
    started = time.monotonic()
    limit = max(request.max_tokens * CHARS_PER_TOKEN, len(OFFLINE_LABEL))
    text = (OFFLINE_LABEL + _offline_body(request))[:limit].rstrip()
    input_tokens = sum(estimate_tokens(m.content) for m in request.messages)
    usage = Usage(input_tokens=input_tokens, output_tokens=estimate_tokens(text))
    if request.stream and request.on_delta is not None:
        request.on_delta(text)
    latency_ms = round((time.monotonic() - started) * 1000)
    return Completion(text, usage, request.model, provider.name, latency_ms, offline=True)


def _check_supported(provider: Provider, request: CompletionRequest) -> None:
    if request.cancelled:
        raise CallCancelled(provider.name, unsent(provider, request))
    if request.tools or request.output is not None:
        message = (
            f"{provider.name}: the offline provider cannot call tools or give structured output; "
            "configure a model provider"
        )
        raise ProviderError(ErrorCode.MODEL_UNAVAILABLE, message, provider=provider.name, retryable=False)


def _offline_body(request: CompletionRequest) -> str:
    prompt = next((m.content for m in reversed(request.messages) if m.role == "user"), "")
    signature = f"Written by the built-in offline provider (ref {_request_digest(request)}); "
    signature += "configure a model provider for model-written text."
    if not prompt.strip():
        return f"There was no user request to respond to. {signature}"
    sentences = [f'This draft responds to: "{_first_sentence(prompt)}".']
    phrases = key_phrases(prompt)
    if phrases:
        follow_up = phrases[1] if len(phrases) > 1 else "the stated goal"
        sentences.append(f"It centres on {_join(phrases)}.")
        sentences.append(f"Start by making {phrases[0]} concrete, then check it against {follow_up}.")
    return " ".join([*sentences, signature])


def key_phrases(text: str, limit: int = 5) -> list[str]:
    """The first distinct content words of `text` (as written), in order of appearance."""
    phrases: list[str] = []
    seen: set[str] = set()
    for match in re.finditer(r"[^\W_][\w'-]*", text):
        word = match.group().strip("'-")
        folded = word.casefold()
        if len(word) >= 3 and folded not in _STOPWORDS and not word.isdigit() and folded not in seen:
            seen.add(folded)
            phrases.append(word)
            if len(phrases) == limit:
                break
    return phrases


def _first_sentence(text: str, limit: int = 120) -> str:
    sentence = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0].rstrip(".!?")
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _request_digest(request: CompletionRequest) -> str:
    canonical = json.dumps(
        [request.model, request.temperature, request.max_tokens, [[m.role, m.content] for m in request.messages]],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:8]
