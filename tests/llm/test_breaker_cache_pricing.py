"""The circuit breaker, the response cache and pricing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from raptorflow.llm import breaker
from raptorflow.llm.breaker import breaker_allow, breaker_record_failure, breaker_record_success, breaker_state
from raptorflow.llm.cache import cache_get, cache_key, cache_set
from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.client import complete_with_fallback
from raptorflow.llm.pricing import completion_cost, cost_of, estimate_cost, price_for
from raptorflow.llm.types import Completion, CompletionRequest, Message, Usage
from tests.factories import ModelPriceFactory

from . import ask, make_provider, unique

# --- breaker ----------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(breaker, "_now", fake)
    return fake


@pytest.fixture
def name(settings, clock) -> str:
    settings.RAPTORFLOW_BREAKER_FAILURES = 3
    settings.RAPTORFLOW_BREAKER_COOLOFF_SECONDS = 30
    return unique("breaker")


def fail(name: str, times: int) -> None:
    for _ in range(times):
        breaker_record_failure(name)


def test_breaker_stays_closed_below_the_failure_threshold(name):
    fail(name, 2)

    assert breaker_state(name) == "closed"
    assert breaker_allow(name)


def test_breaker_opens_after_the_configured_consecutive_failures(name):
    fail(name, 3)

    assert breaker_state(name) == "open"
    assert not breaker_allow(name)


def test_a_success_resets_the_consecutive_failure_count(name):
    fail(name, 2)
    breaker_record_success(name)
    fail(name, 2)

    assert breaker_state(name) == "closed"


def test_breaker_half_opens_after_the_cool_off_and_allows_exactly_one_trial(name, clock):
    fail(name, 3)
    clock.now += 29

    assert breaker_state(name) == "open"

    clock.now += 2

    assert breaker_state(name) == "half_open"
    assert [breaker_allow(name) for _ in range(3)] == [True, False, False]


def test_a_successful_trial_closes_the_breaker(name, clock):
    fail(name, 3)
    clock.now += 31
    assert breaker_allow(name)

    breaker_record_success(name)

    assert breaker_state(name) == "closed"
    fail(name, 2)
    assert breaker_state(name) == "closed"  # the count started again from zero


def test_a_failed_trial_reopens_the_breaker_for_another_cool_off(name, clock):
    fail(name, 3)
    clock.now += 31
    assert breaker_allow(name)

    breaker_record_failure(name)

    assert breaker_state(name) == "open"
    clock.now += 31
    assert breaker_state(name) == "half_open"
    assert breaker_allow(name)  # the failed trial's lock was released with the reopen


def test_late_failures_do_not_extend_an_open_breakers_cool_off(name, clock):
    fail(name, 3)
    clock.now += 20
    fail(name, 5)  # calls that were already in flight when it opened
    clock.now += 11

    assert breaker_state(name) == "half_open"


def test_breaker_reads_a_zero_cool_off_from_settings(name, settings):
    settings.RAPTORFLOW_BREAKER_COOLOFF_SECONDS = 0
    fail(name, 3)

    assert breaker_state(name) == "half_open"


def test_breaker_state_is_per_provider(name):
    fail(name, 3)

    assert breaker_state(unique("other")) == "closed"


# --- response cache ---------------------------------------------------------------------------------


@pytest.fixture
def provider_name() -> str:
    """Unique, because a Redis cache is not cleared between tests."""
    return unique("cached")


def completion_for(provider_name: str, text: str = "cached answer") -> Completion:
    return Completion(text, Usage(100, 20, 10), "test-model", provider_name, latency_ms=850)


def test_cache_returns_a_stored_completion_marked_as_a_hit(provider_name):
    request = ask()
    cache_set(provider_name, request, completion_for(provider_name))

    hit = cache_get(provider_name, request)

    assert hit == Completion("cached answer", Usage(100, 20, 10), "test-model", provider_name, 850, cache_hit=True)


@pytest.mark.parametrize(
    "changed",
    [
        ask(model="another-model"),
        ask(temperature=0.7),
        ask(max_tokens=99),
        ask(system="Be formal."),
        ask("A different question"),
    ],
)
def test_cache_key_changes_with_provider_model_messages_and_parameters(changed: CompletionRequest, provider_name):
    cache_set(provider_name, ask(), completion_for(provider_name))

    assert cache_key(provider_name, changed) != cache_key(provider_name, ask())
    assert cache_get(provider_name, changed) is None
    assert cache_get(unique("other"), ask()) is None
    assert cache_get(provider_name, ask()) is not None


def test_cache_key_treats_integer_and_float_temperature_alike():
    as_int = CompletionRequest((Message("user", "hi"),), "m", temperature=0)

    assert cache_key("p", as_int) == cache_key("p", CompletionRequest((Message("user", "hi"),), "m"))


def test_a_zero_ttl_stores_nothing(settings, provider_name):
    settings.RAPTORFLOW_LLM_CACHE_TTL = 0
    cache_set(provider_name, ask(), completion_for(provider_name))

    assert cache_get(provider_name, ask()) is None


def test_completion_round_trips_through_a_json_safe_dict():
    completion = Completion("t", Usage(3, 4, 1), "m", "p", 12, offline=True)

    assert Completion.from_dict(json.loads(json.dumps(completion.to_dict()))) == completion


@pytest.mark.django_db
def test_a_cache_hit_returns_without_before_call_and_records_the_hit():
    provider = make_provider(ProviderKind.OFFLINE, name="offline")
    chain = [(provider, "offline-1")]
    budget_checks: list[str] = []
    first, _ = complete_with_fallback(
        chain, ask(), use_cache=True, before_call=lambda p, r: budget_checks.append(p.name)
    )

    second, attempts = complete_with_fallback(
        chain, ask(), use_cache=True, before_call=lambda p, r: budget_checks.append(p.name)
    )

    assert budget_checks == [provider.name]  # only the first, real call was budget-checked
    assert second.cache_hit is True and first.cache_hit is False
    assert second.text == first.text
    assert len(attempts) == 1 and attempts[0].completion is second


@pytest.mark.django_db
def test_without_use_cache_the_cache_is_neither_read_nor_written():
    provider = make_provider(ProviderKind.OFFLINE, name="offline")
    cache_set(provider.name, ask(model="offline-1"), completion_for(provider.name, "stale"))

    completion, _ = complete_with_fallback([(provider, "offline-1")], ask(), use_cache=False)

    assert completion.cache_hit is False and completion.text != "stale"
    assert cache_get(provider.name, ask(model="offline-1")).text == "stale"


# --- pricing ----------------------------------------------------------------------------------------

JAN = datetime(2025, 1, 1, tzinfo=UTC)
FEB = datetime(2025, 2, 15, tzinfo=UTC)
MAR = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.fixture
def prices(db):
    older = ModelPriceFactory(model="gpt-test", effective_from=JAN, input_per_million=Decimal("0.15"))
    newer = ModelPriceFactory(model="gpt-test", effective_from=MAR, input_per_million=Decimal("0.10"))
    return older, newer


def test_price_for_uses_the_latest_price_in_force_at_the_time(prices):
    older, newer = prices
    provider = older.provider

    assert price_for(provider, "gpt-test", FEB) == older
    assert price_for(provider, "gpt-test", MAR) == newer
    assert price_for(provider, "gpt-test", datetime(2024, 12, 31, tzinfo=UTC)) is None
    assert price_for(make_provider(ProviderKind.ANTHROPIC), "gpt-test", FEB) is None


def test_cost_is_input_plus_output_at_per_million_rates(prices):
    older, _ = prices  # $0.15 in, $0.60 out per million

    cost = cost_of(older, Usage(input_tokens=1_000_000, output_tokens=500_000))

    assert cost == Decimal("0.450000")  # 1M × 0.15 + 0.5M × 0.60


def test_cached_input_tokens_are_charged_at_the_cached_rate(db):
    price = ModelPriceFactory(
        input_per_million=Decimal("3.00"), cached_input_per_million=Decimal("0.30"), output_per_million=Decimal("15")
    )

    cost = cost_of(price, Usage(input_tokens=1_000, output_tokens=200, cached_input_tokens=600))

    # 400 uncached × 3/M = 0.0012; 600 cached × 0.30/M = 0.00018; 200 out × 15/M = 0.003
    assert cost == Decimal("0.004380")


def test_cost_without_a_price_is_zero():
    assert cost_of(None, Usage(1_000, 1_000)) == Decimal("0")


def test_estimate_charges_max_tokens_as_output(prices):
    older, _ = prices
    request = CompletionRequest(
        (Message("system", "x" * 4_000), Message("user", "y" * 4_001)), "gpt-test", max_tokens=2_000
    )

    estimate = estimate_cost(older, request)

    # input ceil(8001 / 4) = 2001 tokens × 0.15/M = 0.00030015; output 2000 × 0.60/M = 0.0012
    assert estimate == Decimal("0.001500")


def test_offline_completions_and_cache_hits_cost_nothing(prices):
    paid = Completion("t", Usage(1_000_000, 500_000), "gpt-test", "p", 10)
    offline = Completion("t", Usage(10, 10), "offline-1", "o", 1, offline=True)
    provider = prices[0].provider

    assert completion_cost(paid, provider, FEB) == Decimal("0.450000")
    assert completion_cost(replace(paid, cache_hit=True), provider, FEB) == 0
    assert completion_cost(offline, make_provider(ProviderKind.OFFLINE), FEB) == 0
