"""What a model call costs, from the `ModelPrice` row in force when it was made."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from .choices import ProviderKind
from .models import ModelPrice
from .types import Completion, CompletionRequest, Usage, estimate_tokens

MILLION = Decimal(1_000_000)
COST_QUANTUM = Decimal("0.000001")
ZERO = Decimal("0.000000")


def price_for(provider_kind: str, model: str, at: datetime) -> ModelPrice | None:
    """The price row with the latest `effective_from` not after `at`, so past calls keep their past price."""
    return (
        ModelPrice.objects.filter(provider_kind=provider_kind, model=model, effective_from__lte=at)
        .order_by("-effective_from")
        .first()
    )


def cost_of(price: ModelPrice | None, usage: Usage) -> Decimal:
    """USD: uncached input, cached input and output tokens each at their per-million rate, to 6 places."""
    if price is None:
        return ZERO
    cached = min(max(usage.cached_input_tokens, 0), usage.input_tokens)
    total = (
        (usage.input_tokens - cached) * price.input_per_million
        + cached * price.cached_input_per_million
        + usage.output_tokens * price.output_per_million
    ) / MILLION
    return total.quantize(COST_QUANTUM, rounding=ROUND_HALF_UP)


def estimate_cost(price: ModelPrice | None, request: CompletionRequest) -> Decimal:
    """Worst-case cost before a call, for budget checks: estimated input, and output as the full `max_tokens`."""
    input_tokens = estimate_tokens("".join(m.content for m in request.messages))
    return cost_of(price, Usage(input_tokens=input_tokens, output_tokens=request.max_tokens))


def completion_cost(completion: Completion, provider_kind: str, at: datetime, *, model: str = "") -> Decimal:
    """The cost to record for a completion: nothing for offline answers or cache hits, else its priced usage.

    ``model`` is the name that was asked for, when given: prices are kept under it, while a provider may
    answer with a dated name of its own (``gpt-4o-mini-2024-07-18``)."""
    if completion.offline or completion.cache_hit or provider_kind == ProviderKind.OFFLINE:
        return ZERO
    return cost_of(price_for(provider_kind, model or completion.model, at), completion.usage)
