"""What a model call costs, from the `ModelPrice` row of its provider and model in force when it was made."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from .choices import ProviderKind
from .models import ModelPrice, Provider
from .types import CHARS_PER_TOKEN, Completion, CompletionRequest, Usage

MILLION = Decimal(1_000_000)
COST_QUANTUM = Decimal("0.000001")
ZERO = Decimal("0.000000")
# Kinds that never send a request anywhere: their answers are free, and they need no price.
FREE_KINDS: frozenset[str] = frozenset({ProviderKind.OFFLINE, ProviderKind.SCRIPTED})


def is_free(provider: Provider) -> bool:
    """Offline and scripted providers answer without a paid call."""
    return provider.kind in FREE_KINDS


def price_for(provider: Provider, model: str, at: datetime) -> ModelPrice | None:
    """The provider's price row for `model` with the latest `effective_from` not after `at`, so past calls keep
    their past price. Another provider's price for the same model name never applies."""
    return (
        ModelPrice.objects.filter(provider=provider, model=model, effective_from__lte=at)
        .order_by("-effective_from")
        .first()
    )


def cost_of(price: ModelPrice | None, usage: Usage) -> Decimal:
    """USD, to 6 places: uncached input, cached input, cache writes and output, each at its own per-million rate.

    ``usage.input_tokens`` includes the cached input and the cache writes (types.Usage), so the input rate
    applies to ``usage.uncached_input_tokens`` only."""
    if price is None:
        return ZERO
    total = (
        usage.uncached_input_tokens * price.input_per_million
        + max(usage.cached_input_tokens, 0) * price.cached_input_per_million
        + max(usage.cache_write_tokens, 0) * price.cache_write_per_million
        + usage.output_tokens * price.output_per_million
    ) / MILLION
    return total.quantize(COST_QUANTUM, rounding=ROUND_HALF_UP)


def estimate_cost(price: ModelPrice | None, request: CompletionRequest) -> Decimal:
    """Worst-case cost before a call, for budget checks: the whole request as uncached input (its messages, and
    the tools with their schemas, `request.input_chars`) and the full `max_tokens` as output.

    Uncached, because a cache read is never certain; a cache write can cost more than plain input (Anthropic:
    1.25×), so when that rate is higher the input is estimated at it."""
    if price is None:
        return ZERO
    input_tokens = -(-request.input_chars // CHARS_PER_TOKEN)  # rounded up, as types.estimate_tokens
    if price.cache_write_per_million > price.input_per_million:
        usage = Usage(input_tokens=input_tokens, output_tokens=request.max_tokens, cache_write_tokens=input_tokens)
    else:
        usage = Usage(input_tokens=input_tokens, output_tokens=request.max_tokens)
    return cost_of(price, usage)


def completion_cost(completion: Completion, provider: Provider, at: datetime, *, model: str = "") -> Decimal:
    """The cost to record for a completion: nothing for offline, scripted or cached answers, else its priced usage.

    ``model`` is the name that was asked for, when given: prices are kept under it, while a provider may
    answer with a dated name of its own (``gpt-4o-mini-2024-07-18``)."""
    if completion.offline or completion.scripted or completion.cache_hit or is_free(provider):
        return ZERO
    return cost_of(price_for(provider, model or completion.model, at), completion.usage)
