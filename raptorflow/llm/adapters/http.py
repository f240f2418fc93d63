"""HTTP plumbing shared by the network adapters: the process's client, one POST per call, errors classified.

HTTP client: one ``httpx.Client`` per process, created lazily. Reusing it keeps connections (and TLS
sessions) to the provider alive between calls, which saves a handshake of tens to hundreds of milliseconds on
every model call. ``httpx.Client`` is safe to share between threads; it is not safe to share across
``fork()``, so the client remembers the pid that created it and a forked Celery worker builds its own. The
timeout is passed per request because each provider has its own. Its connections can be shut by a cancel
token from another thread (sockets.py).

Every call is sent with the body streamed back (``client.stream``), streaming or not: the reader parses it
as it arrives, and a cancel can interrupt the wait for headers and the reading of the body alike.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import httpx

from ..crypto import SecretDecryptionError
from ..errors import ErrorCode, ProviderError
from ..types import CallCancelled
from .draft import Draft, unsent
from .sockets import CancellableTransport, socket_guard

if TYPE_CHECKING:
    from ..models import Provider

BODY_EXCERPT_CHARS = 200

Reader = Callable[[httpx.Response], None]

_client: httpx.Client | None = None
_client_pid: int | None = None
_client_lock = threading.Lock()


def http_client() -> httpx.Client:
    """The process's shared client, rebuilt after a fork (see the module docstring)."""
    global _client, _client_pid
    with _client_lock:
        if _client is None or _client_pid != os.getpid():
            # Redirects are not followed, so a key is never sent to another host.
            _client = httpx.Client(transport=CancellableTransport(), follow_redirects=False)
            _client_pid = os.getpid()
        return _client


@dataclass(frozen=True, slots=True)
class Post:
    """One POST to a provider. ``secret`` (the API key) is redacted from anything an error repeats."""

    url: str
    headers: dict[str, str]
    payload: dict[str, Any]
    secret: str


def exchange(provider: Provider, post: Post, draft: Draft, read: Reader) -> int:
    """Send ``post`` once and let ``read`` fill ``draft`` from the open response; return the latency in ms.

    Raises a classified ProviderError, or CallCancelled with ``draft``'s partial completion when the request's
    cancel token is set: before sending (nothing is sent), while waiting or while reading.
    """
    request = draft.request
    if request.cancelled:
        raise CallCancelled(provider.name, unsent(provider, request))
    started = time.monotonic()
    try:
        with socket_guard(request.cancel):
            _send(provider, post, read)
    except ProviderError:
        if request.cancelled:  # the error is how the shut socket showed itself
            raise CallCancelled(provider.name, draft.partial(provider, _elapsed_ms(started))) from None
        raise
    return _elapsed_ms(started)


def _send(provider: Provider, post: Post, read: Reader) -> None:
    timeout = httpx.Timeout(provider.timeout_seconds)
    try:
        with http_client().stream(
            "POST", post.url, json=post.payload, headers=post.headers, timeout=timeout
        ) as response:
            if not response.is_success:
                response.read()
                raise _status_error(provider, response, post.secret)
            read(response)
    except httpx.TimeoutException as exc:
        message = f"{provider.name}: no response within {provider.timeout_seconds:g} s"
        raise ProviderError(ErrorCode.TIMEOUT, message, **ctx(provider, None, True)) from exc
    except httpx.TransportError as exc:
        message = f"{provider.name}: connection failed ({type(exc).__name__})"
        raise ProviderError(ErrorCode.UNAVAILABLE, message, **ctx(provider, None, True)) from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        message = f"{provider.name}: request failed ({type(exc).__name__})"
        raise ProviderError(ErrorCode.ERROR, message, **ctx(provider, None)) from exc


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


# --- reading bodies ---------------------------------------------------------------------------------


def read_json(provider: Provider, response: httpx.Response) -> dict[str, Any]:
    """The whole body as a JSON object, or a ProviderError saying it is malformed."""
    response.read()
    try:
        data = response.json()
    except ValueError:
        raise malformed(provider, "not JSON", response.status_code) from None
    if not isinstance(data, dict):
        raise malformed(provider, "not a JSON object", response.status_code)
    return data


def is_event_stream(response: httpx.Response) -> bool:
    """Whether the provider answered with server-sent events (some compatible servers ignore ``stream``)."""
    content_type: str = response.headers.get("content-type", "")
    return content_type.startswith("text/event-stream")


def iter_sse(response: httpx.Response) -> Iterator[tuple[str, str]]:
    """(event, data) of each server-sent event, as it arrives; ``event`` is "message" when not named."""
    event, data = "", list[str]()
    for line in response.iter_lines():
        if not line:
            if data:
                yield event or "message", "\n".join(data)
            event, data = "", []
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
    if data:
        yield event or "message", "\n".join(data)


# --- errors -----------------------------------------------------------------------------------------


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


def ctx(
    provider: Provider, status: int | None, retryable: bool = False, retry_after: float | None = None
) -> dict[str, Any]:
    """The keyword arguments of a ProviderError about ``provider``."""
    return {"provider": provider.name, "status": status, "retryable": retryable, "retry_after": retry_after}


def api_key(provider: Provider) -> str:
    """The decrypted key; a key that no configured encryption key can open makes the provider unusable."""
    try:
        return provider.get_api_key()
    except SecretDecryptionError:
        message = f"{provider.name}: the stored API key cannot be decrypted; set it again"
        raise ProviderError(ErrorCode.REJECTED, message, provider=provider.name) from None


def malformed(provider: Provider, what: str, status: int | None = 200) -> ProviderError:
    """A response we cannot read: not retried (the same request would get the same answer)."""
    message = f"{provider.name}: HTTP {status}: malformed response ({what})"
    return ProviderError(ErrorCode.ERROR, message, **ctx(provider, status))


def truncated(provider: Provider) -> ProviderError:
    """A stream that ended before its last event: the connection broke, so trying again may work."""
    message = f"{provider.name}: the stream ended before the answer was complete"
    return ProviderError(ErrorCode.UNAVAILABLE, message, **ctx(provider, 200, True))


# Mid-stream error types (Anthropic's ``error.type``, OpenAI's ``error.type`` or ``code``) by a word they
# contain; anything else is taken as the provider failing (retryable).
_STREAM_ERRORS: tuple[tuple[str, ErrorCode, bool], ...] = (
    ("rate_limit", ErrorCode.RATE_LIMITED, True),
    ("invalid_request", ErrorCode.REJECTED, False),
    ("authentication", ErrorCode.REJECTED, False),
    ("permission", ErrorCode.REJECTED, False),
    ("not_found", ErrorCode.REJECTED, False),
    ("billing", ErrorCode.REJECTED, False),
)


def stream_error(provider: Provider, error: object, secret: str) -> ProviderError:
    """An ``error`` the provider sent inside a 200 stream (overloaded, rate limited...), classified by type."""
    fields = error if isinstance(error, dict) else {}
    kind = str(fields.get("type") or fields.get("code") or "error")
    code, retryable = next(((c, r) for word, c, r in _STREAM_ERRORS if word in kind), (ErrorCode.UNAVAILABLE, True))
    message = f"{provider.name}: error in the stream ({kind}): {_clean(str(fields.get('message') or ''), secret)}"
    return ProviderError(code, message, **ctx(provider, 200, retryable))


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
    return ProviderError(code, message, **ctx(provider, status, retryable, retry_after))


def _excerpt(response: httpx.Response, secret: str) -> str:
    """A short, key-free description of an error body: the provider's error message if it sent one."""
    try:
        data = response.json()
    except ValueError:
        data = None
    error = data.get("error") if isinstance(data, dict) else None
    message = error.get("message") if isinstance(error, dict) else error
    return _clean(message if isinstance(message, str) and message else response.text, secret)


def _clean(text: str, secret: str) -> str:
    """``text`` on one line, without the key (some providers echo it back), at most BODY_EXCERPT_CHARS long."""
    text = " ".join(text.split())
    if secret:
        text = text.replace(secret, "[redacted]")
    return text if len(text) <= BODY_EXCERPT_CHARS else text[: BODY_EXCERPT_CHARS - 1] + "…"
