"""May the next model call be made? The arithmetic of budgets, for whoever spends (the run runtime today).

Before each paid call the caller states what has been spent and what may be
spent; this module prices the call's worst case (the whole request as input,
tools and their schemas included, and the full ``max_tokens`` of output, at
the provider's ModelPrice for the model in force) and refuses it when either
budget would be broken, or when the model has no price at that provider (so
spend is always metered). Offline and scripted calls are free and never refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .models import Provider
from .pricing import estimate_cost, is_free, price_for
from .types import CompletionRequest


class CallRefused(Exception):
    """The call must not be made. ``over_budget`` tells a broken budget from a missing price."""

    def __init__(self, code: str, message: str, *, over_budget: bool):
        super().__init__(message)
        self.code, self.message, self.over_budget = code, message, over_budget


@dataclass(frozen=True, slots=True)
class Budgets:
    """What has been spent and what may be, in USD, at the moment of the call."""

    run_spent: Decimal
    run_budget: Decimal
    month_spent: Decimal
    monthly_budget: Decimal


def call_check(provider: Provider, request: CompletionRequest, budgets: Budgets, *, at: datetime) -> Decimal:
    """Raise CallRefused if the call would break a budget or has no price; else return its worst-case cost."""
    if is_free(provider):
        return Decimal("0")
    price = price_for(provider, request.model, at)
    if price is None:
        raise CallRefused(
            "price_missing",
            f"No price is configured for {request.model} at {provider.name}; add one under Providers & prices "
            "so that spend is tracked and budgets are enforced.",
            over_budget=False,
        )
    estimate = estimate_cost(price, request)
    if budgets.run_spent + estimate > budgets.run_budget:
        raise CallRefused(
            "run_budget_exceeded",
            f"The next call could cost up to ${estimate:.4f}; the run has spent ${budgets.run_spent:.4f} "
            f"of its ${budgets.run_budget:.4f} budget.",
            over_budget=True,
        )
    if budgets.month_spent + estimate > budgets.monthly_budget:
        raise CallRefused(
            "budget_exceeded",
            f"The next call could cost up to ${estimate:.4f}; the workspace has spent ${budgets.month_spent:.2f} "
            f"of its ${budgets.monthly_budget:.2f} monthly budget.",
            over_budget=True,
        )
    return estimate
