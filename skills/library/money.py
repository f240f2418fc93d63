"""Exact money and count arithmetic for plans: decimals in, whole cents and whole units out.

JSON numbers arrive as floats, and float arithmetic floors wrongly: 1070 / 1.07 is 999.9999999999999 in binary
floating point, so "how many $1.07 leads does $1,070 buy" came out 999. Every figure here is first read as the
decimal it was written as (``Decimal(str(x))``: the shortest repr of a float is what the person typed), then:

* **floors** are exact: ``floor_units(1070, 1.07) == 1000``;
* **money** is whole cents, rounded half up once, at the end (``to_cents``);
* **splits** are by largest remainder on whole units (cents, basis points, days), so the parts add up to the
  total exactly; ties go to the earlier item; all-zero weights share equally;
* **caps** (a daily spend cap) are floored to the cent, so cap × days never exceeds the budget.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
Number = int | float | str | Decimal


def dec(value: Number) -> Decimal:
    """The decimal a number was written as (a float through its shortest repr, so 1.07 is exactly 1.07)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return Decimal(str(value))


def to_cents(value: Number) -> int:
    """Whole cents, halves rounded up (12.345 → 1235)."""
    return int((dec(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money(cents: int) -> float:
    """Cents as a JSON number of dollars with at most two decimals (17725 → 177.25)."""
    return float(Decimal(cents) / 100)


def floor_units(amount: Number, unit_price: Number) -> int:
    """How many whole units ``amount`` buys at ``unit_price`` each, exactly (1070 at 1.07 → 1000)."""
    price = dec(unit_price)
    if price <= 0:
        raise ValueError("a unit price must be positive")
    return int((dec(amount) / price).to_integral_value(rounding=ROUND_FLOOR))


def ceil_fraction(numerator: Number, denominator: Number) -> int:
    """⌈numerator ÷ denominator⌉, exactly."""
    return math.ceil(Fraction(dec(numerator)) / Fraction(dec(denominator)))


def floor_cents_per(cents: int, parts: int) -> int:
    """The most whole cents per part that ``parts`` parts can take out of ``cents`` (a daily cap)."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    return cents // parts


def apportion(units: int, weights: Sequence[Number]) -> list[int]:
    """Split whole ``units`` in proportion to ``weights`` by largest remainder (exact; ties go to the earlier item).

    All-zero weights share equally.
    """
    if not weights:
        return []
    exact_weights = [Fraction(dec(w)) for w in weights]
    if sum(exact_weights) <= 0:
        exact_weights = [Fraction(1)] * len(weights)
    total = sum(exact_weights)
    exact = [units * w / total for w in exact_weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: units - sum(parts)]:
        parts[i] += 1
    return parts


def shares(amounts: Sequence[int]) -> list[float]:
    """Each amount's share of their sum, to 0.01 % (basis points by largest remainder: they add up to exactly 1)."""
    if sum(amounts) <= 0:
        return [0.0] * len(amounts)
    return [bp / 10_000 for bp in apportion(10_000, amounts)]
