"""Calling models: retries with backoff, the circuit breaker, the response cache and the fallback chain.

Breaker accounting (per HTTP attempt, not per call, so a provider that fails every retry opens the
breaker quickly): timeouts, rate limits, 5xx, connection errors, malformed responses, and rejections
that say the *provider* is unusable (401/403 bad credentials, 402 billing, other 4xx) count as failures.
Rejections that are about this one *request* (400, 404 unknown model, 409, 413 too long, 422) are the
caller's fault and prove the provider is up, so they count as a success: one bad prompt must not take a
provider away from every other run.

Cancel: a request's CancelToken stops everything at once. The adapter aborts the call in flight, a back-off
wait ends early, no retry is made and no later entry of the chain is tried; the attempt is reported with what
had arrived (``Attempt.completion`` is the partial answer, so its tokens are charged) and CallCancelled is
raised. A cancelled call says nothing about the provider's health, so the breaker does not count it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .adapters import ADAPTERS
from .breaker import breaker_allow, breaker_record_failure, breaker_record_success, breaker_state
from .cache import cache_get, cache_set
from .errors import ErrorCode, ProviderError
from .provider_urls import check_provider_url
from .telemetry import call_span, record_completion, record_error
from .types import CallCancelled, Completion, CompletionRequest

if TYPE_CHECKING:
    from .models import Provider

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 20.0
RETRY_AFTER_CAP_SECONDS = 60.0
REQUEST_SPECIFIC_STATUSES = frozenset({400, 404, 409, 413, 422})

Sleep = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One entry of the fallback chain tried once (its retries included): a completion or an error."""

    provider: Provider
    model: str
    completion: Completion | None
    error: ProviderError | None
    latency_ms: int
    cancelled: bool = False  # stopped by the cancel token; ``completion`` is then what had arrived, if anything


def backoff_delay(attempt: int, retry_after: float | None = None) -> float:
    """Seconds to wait before retry number `attempt + 1`.

    The server's Retry-After wins when given (capped at 60 s so a worker is never parked for long);
    otherwise exponential backoff with full jitter, so workers that failed together do not retry together.
    """
    if retry_after is not None:
        return min(max(retry_after, 0.0), RETRY_AFTER_CAP_SECONDS)
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)
    return random.uniform(0.0, ceiling)  # noqa: S311 - jitter, not security


def counts_against_breaker(error: ProviderError) -> bool:
    """Whether this error says the provider (not the request) is in trouble; see the module docstring.
    A provider asked for what it cannot do (the offline one for tools) is as up as ever."""
    if error.code == ErrorCode.MODEL_UNAVAILABLE:
        return False
    return not (error.code == ErrorCode.REJECTED and error.status in REQUEST_SPECIFIC_STATUSES)


def call_provider(provider: Provider, request: CompletionRequest, *, sleep: Sleep = time.sleep) -> Completion:
    """One provider, with up to `provider.max_retries` retries of retryable errors; raises ProviderError.

    Retries stop early once the breaker is open (other workers' failures count too), and a half-open
    trial gets no retries: its failure re-opens the breaker. The base URL is checked first, its host resolved
    now (provider_urls.py): a name that came to point at a metadata or private address is refused.
    """
    adapter = ADAPTERS.get(provider.kind)
    if adapter is None:
        message = f"{provider.name}: unknown provider kind {provider.kind!r}"
        raise ProviderError(ErrorCode.REJECTED, message, provider=provider.name)
    check_provider_url(provider)
    if not breaker_allow(provider.name, trial_seconds=provider.timeout_seconds * 3):
        raise _circuit_open(provider)
    attempt = 0
    while True:
        if request.cancelled:
            raise CallCancelled(provider.name)
        try:
            completion = adapter(provider, request)
        except ProviderError as error:
            _record_outcome(provider.name, error)
            if not _should_retry(provider, error, attempt):
                raise
            delay = backoff_delay(attempt, error.retry_after)
            logger.warning("LLM %s (%s); retry %d in %.2f s", error.message, error.code, attempt + 1, delay)
            _pause(request, delay, sleep)
            _restart_stream(request)
            attempt += 1
        else:
            breaker_record_success(provider.name)
            return completion


def _restart_stream(request: CompletionRequest) -> None:
    """A retried call streams its answer again from the start: a delta sink that can (``restart()``) says so to
    its readers instead of appending the same text twice."""
    restart = getattr(request.on_delta, "restart", None)
    if callable(restart):
        restart()


def _pause(request: CompletionRequest, seconds: float, sleep: Sleep) -> None:
    """Back off before a retry; a cancel ends the wait (and the call) at once."""
    if request.cancel is None:
        sleep(seconds)
    elif request.cancel.wait(seconds):
        raise CallCancelled("")


def complete_with_fallback(
    chain: list[tuple[Provider, str]],
    request_template: CompletionRequest,
    *,
    use_cache: bool,
    before_call: Callable[[Provider, CompletionRequest], None] | None = None,
    after_attempt: Callable[[Attempt], None] | None = None,
    sleep: Sleep = time.sleep,
) -> tuple[Completion, list[Attempt]]:
    """Try each enabled (provider, model) in order until one answers; return it and every attempt made.

    `before_call` runs just before a real (uncached) call and may raise to abort everything (budget
    checks): its exception propagates untouched. When all entries fail, the last ProviderError is raised.
    A cancelled call ends the chain: its attempt is reported, then CallCancelled is raised.
    """
    if not chain:
        raise ProviderError(ErrorCode.UNAVAILABLE, "The model chain is empty: no provider to call.", provider="")
    attempts: list[Attempt] = []
    for provider, model in chain:
        if not provider.enabled:
            continue
        attempt = _try_entry(provider, request_template.with_model(model), use_cache, before_call, sleep)
        attempts.append(attempt)
        if after_attempt is not None:
            after_attempt(attempt)
        if attempt.cancelled:
            raise CallCancelled(provider.name, attempt.completion)
        if attempt.completion is not None:
            return attempt.completion, attempts
    if attempts and attempts[-1].error is not None:
        raise attempts[-1].error
    raise ProviderError(ErrorCode.UNAVAILABLE, "Every provider in the model chain is disabled.", provider="")


def _try_entry(
    provider: Provider,
    request: CompletionRequest,
    use_cache: bool,
    before_call: Callable[[Provider, CompletionRequest], None] | None,
    sleep: Sleep,
) -> Attempt:
    """One entry of the chain, in its GenAI span (telemetry.py; nothing when tracing is off)."""
    with call_span(provider, request) as span:
        attempt = _attempt_entry(provider, request, use_cache, before_call, sleep)
        if attempt.completion is not None:
            record_completion(span, attempt.completion, provider)
        if attempt.error is not None:
            record_error(span, attempt.error)
        return attempt


def _attempt_entry(
    provider: Provider,
    request: CompletionRequest,
    use_cache: bool,
    before_call: Callable[[Provider, CompletionRequest], None] | None,
    sleep: Sleep,
) -> Attempt:
    started = time.monotonic()

    def finish(completion: Completion | None = None, error: ProviderError | None = None) -> Attempt:
        latency_ms = round((time.monotonic() - started) * 1000)
        return Attempt(provider, request.model, completion, error, latency_ms)

    if use_cache and (hit := cache_get(provider.name, request)) is not None:
        if request.on_delta is not None and hit.text:
            request.on_delta(hit.text)  # a follower still sees the answer arrive, all at once
        return finish(completion=hit)
    # Checked here as well as in call_provider so that a provider we will not call is not budget-checked.
    if breaker_state(provider.name) == "open":
        return finish(error=_circuit_open(provider))
    if before_call is not None:
        before_call(provider, request)
    try:
        completion = call_provider(provider, request, sleep=sleep)
    except ProviderError as error:
        return finish(error=error)
    except CallCancelled as cancelled:
        latency_ms = round((time.monotonic() - started) * 1000)
        return Attempt(provider, request.model, cancelled.partial, None, latency_ms, cancelled=True)
    if use_cache:
        cache_set(provider.name, request, completion)
    return finish(completion=completion)


def _should_retry(provider: Provider, error: ProviderError, attempt: int) -> bool:
    return error.retryable and attempt < provider.max_retries and breaker_state(provider.name) != "open"


def _record_outcome(name: str, error: ProviderError) -> None:
    if counts_against_breaker(error):
        breaker_record_failure(name)
    else:
        breaker_record_success(name)


def _circuit_open(provider: Provider) -> ProviderError:
    message = f"{provider.name}: circuit open after repeated failures; not called"
    return ProviderError(ErrorCode.CIRCUIT_OPEN, message, provider=provider.name)
