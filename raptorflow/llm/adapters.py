"""One function per provider kind, each making exactly one HTTP call (or none, for offline).

Retries, the circuit breaker, caching and fallback live in `client.py`; an
adapter only turns a `CompletionRequest` into a `Completion` or a
`ProviderError` whose code says whether trying again could help.

HTTP client: one `httpx.Client` per process, created lazily. Reusing it keeps
connections (and TLS sessions) to the provider alive between calls, which
saves a handshake of tens to hundreds of milliseconds on every model call.
`httpx.Client` is safe to share between threads; it is not safe to share
across `fork()`, so the client remembers the pid that created it and a forked
Celery worker builds its own. The timeout is passed per request because each
provider has its own.

`Completion.model` is the model that was asked for (the chain entry's name),
not the snapshot name a provider may report back (`gpt-4o-mini-2024-07-18`):
prices are keyed by the former, and a mismatch would silently price calls at 0.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import httpx

from .choices import ProviderKind
from .crypto import SecretDecryptionError
from .errors import ErrorCode, ProviderError
from .types import CHARS_PER_TOKEN, Completion, CompletionRequest, Usage, estimate_tokens

if TYPE_CHECKING:
    from .models import Provider

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"
OFFLINE_LABEL = "[offline model] "
BODY_EXCERPT_CHARS = 200

Adapter = Callable[["Provider", CompletionRequest], Completion]

_client: httpx.Client | None = None
_client_pid: int | None = None
_client_lock = threading.Lock()


def http_client() -> httpx.Client:
    """The process's shared client, rebuilt after a fork (see the module docstring)."""
    global _client, _client_pid
    with _client_lock:
        if _client is None or _client_pid != os.getpid():
            _client = httpx.Client(follow_redirects=False)
            _client_pid = os.getpid()
        return _client


# --- HTTP plumbing shared by the two network adapters ---------------------------------------------


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header, which may be a number of seconds or an HTTP-date."""
    if not value or not value.strip():
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            when = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _excerpt(response: httpx.Response, secret: str) -> str:
    """A short, key-free description of an error body: the provider's error message if it sent one."""
    try:
        data = response.json()
    except ValueError:
        data = None
    error = data.get("error") if isinstance(data, dict) else None
    message = error.get("message") if isinstance(error, dict) else error
    text = message if isinstance(message, str) and message else response.text
    text = " ".join(text.split())
    if secret:
        text = text.replace(secret, "[redacted]")
    return text if len(text) <= BODY_EXCERPT_CHARS else text[: BODY_EXCERPT_CHARS - 1] + "…"


def _classify(status: int) -> tuple[ErrorCode, bool]:
    """(code, retryable) for a non-2xx status: throttling, timeouts and 5xx may pass; other 4xx will not."""
    if status == 429:
        return ErrorCode.RATE_LIMITED, True
    if status == 408:
        return ErrorCode.TIMEOUT, True
    if status >= 500:
        return ErrorCode.UNAVAILABLE, True
    if status >= 400:
        return ErrorCode.REJECTED, False
    return ErrorCode.ERROR, False  # 1xx/3xx: redirects are not followed, on purpose (the key must not travel)


def _status_error(provider: Provider, response: httpx.Response, secret: str) -> ProviderError:
    status = response.status_code
    code, retryable = _classify(status)
    retry_after = parse_retry_after(response.headers.get("retry-after")) if retryable else None
    message = f"{provider.name}: HTTP {status}: {_excerpt(response, secret)}"
    return ProviderError(code, message, **_ctx(provider, status, retryable, retry_after))


def _ctx(
    provider: Provider, status: int | None, retryable: bool = False, retry_after: float | None = None
) -> dict[str, Any]:
    return {"provider": provider.name, "status": status, "retryable": retryable, "retry_after": retry_after}


def _api_key(provider: Provider) -> str:
    """The decrypted key; a key that no configured encryption key can open makes the provider unusable."""
    try:
        return provider.get_api_key()
    except SecretDecryptionError:
        message = f"{provider.name}: the stored API key cannot be decrypted; set it again"
        raise ProviderError(ErrorCode.REJECTED, message, provider=provider.name) from None


def _malformed(provider: Provider, what: str, status: int | None = 200) -> ProviderError:
    message = f"{provider.name}: HTTP {status}: malformed response ({what})"
    return ProviderError(ErrorCode.ERROR, message, **_ctx(provider, status))


def _post_json(
    provider: Provider, url: str, headers: dict[str, str], payload: dict[str, Any], secret: str
) -> tuple[dict[str, Any], int]:
    """POST once; return (parsed JSON object, latency in ms) or raise a classified ProviderError."""
    started = time.monotonic()
    timeout = httpx.Timeout(provider.timeout_seconds)
    try:
        response = http_client().post(url, json=payload, headers=headers, timeout=timeout)
    except httpx.TimeoutException as exc:
        message = f"{provider.name}: no response within {provider.timeout_seconds:g} s"
        raise ProviderError(ErrorCode.TIMEOUT, message, **_ctx(provider, None, True)) from exc
    except httpx.TransportError as exc:
        message = f"{provider.name}: connection failed ({type(exc).__name__})"
        raise ProviderError(ErrorCode.UNAVAILABLE, message, **_ctx(provider, None, True)) from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        message = f"{provider.name}: request failed ({type(exc).__name__})"
        raise ProviderError(ErrorCode.ERROR, message, **_ctx(provider, None)) from exc
    latency_ms = round((time.monotonic() - started) * 1000)
    if not response.is_success:
        raise _status_error(provider, response, secret)
    try:
        data = response.json()
    except ValueError:
        raise _malformed(provider, "not JSON", response.status_code) from None
    if not isinstance(data, dict):
        raise _malformed(provider, "not a JSON object", response.status_code)
    return data, latency_ms


# --- OpenAI-compatible chat completions -----------------------------------------------------------


def complete_openai_compatible(provider: Provider, request: CompletionRequest) -> Completion:
    """POST {base_url}/chat/completions. No Authorization header without a key (Ollama, vLLM, LM Studio)."""
    key = _api_key(provider)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    url = (provider.base_url or OPENAI_DEFAULT_BASE_URL).rstrip("/") + "/chat/completions"
    payload = {
        "model": request.model,
        "messages": [{"role": m.role, "content": m.content} for m in request.messages],
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
    }
    data, latency_ms = _post_json(provider, url, headers, payload, key)
    text, usage = _parse_openai(provider, data)
    return Completion(text, usage, request.model, provider.name, latency_ms)


def _parse_openai(provider: Provider, data: dict[str, Any]) -> tuple[str, Usage]:
    try:
        text = data["choices"][0]["message"]["content"]
        usage = data["usage"]
        details = usage.get("prompt_tokens_details") or {}
        counts = Usage(
            int(usage["prompt_tokens"]), int(usage["completion_tokens"]), int(details.get("cached_tokens") or 0)
        )
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise _malformed(provider, f"missing or invalid {exc}") from None
    if not isinstance(text, str):
        raise _malformed(provider, "choices[0].message.content is not text")
    return text, counts


# --- Anthropic messages ---------------------------------------------------------------------------


def complete_anthropic(provider: Provider, request: CompletionRequest) -> Completion:
    """POST {base_url}/v1/messages; system messages go in the top-level `system` field, as the API requires."""
    key = _api_key(provider)
    headers = {"x-api-key": key, "anthropic-version": ANTHROPIC_VERSION}
    url = (provider.base_url or ANTHROPIC_DEFAULT_BASE_URL).rstrip("/") + "/v1/messages"
    payload: dict[str, Any] = {
        "model": request.model,
        "messages": [{"role": m.role, "content": m.content} for m in request.messages if m.role != "system"],
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
    }
    system = "\n\n".join(m.content for m in request.messages if m.role == "system")
    if system:
        payload["system"] = system
    data, latency_ms = _post_json(provider, url, headers, payload, key)
    text, usage = _parse_anthropic(provider, data)
    return Completion(text, usage, request.model, provider.name, latency_ms)


def _parse_anthropic(provider: Provider, data: dict[str, Any]) -> tuple[str, Usage]:
    """Anthropic reports cache reads and writes *beside* input_tokens; fold them in so input includes cached."""
    try:
        blocks = data["content"]
        text = "".join(block["text"] for block in blocks if block.get("type") == "text")
        usage = data["usage"]
        cache_read = int(usage.get("cache_read_input_tokens") or 0)
        cache_write = int(usage.get("cache_creation_input_tokens") or 0)
        total_input = int(usage["input_tokens"]) + cache_read + cache_write
        counts = Usage(total_input, int(usage["output_tokens"]), cache_read)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _malformed(provider, f"missing or invalid {exc}") from None
    if not isinstance(text, str):
        raise _malformed(provider, "content text is not text")
    return text, counts


# --- Offline --------------------------------------------------------------------------------------

# Words too common to be a key phrase (words under three letters are skipped anyway).
_STOPWORDS_TEXT = """
about above after all also and any are been being but can could did does for from had has have how
into its just let more most not now one only our out over please should some such than that the
their them then there these they this those too very was were what when where which while who why
will with would write you your
"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def complete_offline(provider: Provider, request: CompletionRequest) -> Completion:
    """Deterministic text built from the request, with estimated usage; no network, no key, no randomness.

    The same request always gives the same text, and any change to the request (a system prompt, the model,
    the temperature) changes the reference digest in it, so a cached or replayed answer is easy to tell apart.
    """
    started = time.monotonic()
    limit = max(request.max_tokens * CHARS_PER_TOKEN, len(OFFLINE_LABEL))
    text = (OFFLINE_LABEL + _offline_body(request))[:limit].rstrip()
    input_tokens = sum(estimate_tokens(m.content) for m in request.messages)
    usage = Usage(input_tokens=input_tokens, output_tokens=estimate_tokens(text))
    latency_ms = round((time.monotonic() - started) * 1000)
    return Completion(text, usage, request.model, provider.name, latency_ms, offline=True)


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


ADAPTERS: dict[str, Adapter] = {
    ProviderKind.OPENAI_COMPATIBLE.value: complete_openai_compatible,
    ProviderKind.ANTHROPIC.value: complete_anthropic,
    ProviderKind.OFFLINE.value: complete_offline,
}
