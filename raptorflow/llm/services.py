"""Staff operations on providers: a connection test and a circuit-breaker reset. Each one is audited.

Neither runs in a transaction: the test waits on a network call (holding a transaction open across it
would pin a database connection for up to the timeout), and the breaker lives in the cache, not the
database. The one write each makes to the database is its audit event.
"""

from __future__ import annotations

import dataclasses
import time

from raptorflow.audit.actors import Actor
from raptorflow.audit.choices import Outcome
from raptorflow.audit.services import audit_log

from .breaker import breaker_reset, breaker_state
from .choices import ProviderKind
from .client import call_provider
from .errors import ProviderError
from .models import ModelPrice, Provider
from .provider_urls import check_provider_url
from .types import CompletionRequest, Message

# A connection test is one small, cheap call: a few tokens, no retries, a short timeout.
TEST_PROMPT = "Reply with the single word: ok"
TEST_MAX_TOKENS = 8
TEST_TIMEOUT_SECONDS = 15.0
# Used when the provider has no price row naming a model.
TEST_DEFAULT_MODELS: dict[str, str] = {
    ProviderKind.OPENAI_COMPATIBLE: "gpt-4o-mini",
    ProviderKind.ANTHROPIC: "claude-3-5-haiku-latest",
    ProviderKind.OFFLINE: "offline",
}


@dataclasses.dataclass(frozen=True)
class ConnectionTest:
    """What a connection test found: the model asked for, the round trip, and the error if it failed."""

    model: str
    latency_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _test_model(provider: Provider) -> str:
    """The model a connection test asks for: the provider's first priced model, else a small default."""
    priced = ModelPrice.objects.filter(provider=provider).order_by("model").values_list("model", flat=True)
    return priced.first() or TEST_DEFAULT_MODELS.get(provider.kind, "test")


def provider_test_connection(provider: Provider, *, actor: Actor) -> ConnectionTest:
    """Make one tiny call to the provider (through the breaker, without retries); audited as provider.test.

    The base URL is checked first, as before every call (provider_urls.py): a refused one is reported, not called.
    """
    trial = Provider.objects.get(pk=provider.pk)  # a fresh copy, so the caller's object is left as it was
    trial.max_retries = 0  # in memory only: one call, so the reported latency is one round trip
    trial.timeout_seconds = min(trial.timeout_seconds, TEST_TIMEOUT_SECONDS)
    model = _test_model(trial)
    request = CompletionRequest(messages=(Message("user", TEST_PROMPT),), model=model, max_tokens=TEST_MAX_TOKENS)
    started = time.monotonic()
    try:
        check_provider_url(trial)  # before anything is sent: a refused base URL is never contacted
        call_provider(trial, request)
        error = ""
    except ProviderError as exc:
        error = f"{exc.message} ({exc.code})"
    result = ConnectionTest(model, round((time.monotonic() - started) * 1000), error)
    changes = {"model": model, "latency_ms": result.latency_ms, "error": error, "breaker": breaker_state(trial.name)}
    outcome = Outcome.SUCCESS if result.ok else Outcome.FAILURE
    audit_log("provider.test", actor=actor, target=provider, changes=changes, outcome=outcome)
    return result


def provider_breaker_reset(provider: Provider, *, actor: Actor) -> str:
    """Close the provider's circuit breaker and forget its failures; audited. Returns the state it was in."""
    before = breaker_state(provider.name)
    breaker_reset(provider.name)
    audit_log("provider.breaker_reset", actor=actor, target=provider, changes={"breaker": [before, "closed"]})
    return before
