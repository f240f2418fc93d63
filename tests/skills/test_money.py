"""Exact money and count arithmetic (skills/library/money.py): floors on the decimals people wrote, whole cents,
and splits that add up to the total exactly."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skills.library.money import apportion, ceil_fraction, dec, floor_cents_per, floor_units, shares, to_cents

PRICES = st.decimals("0.01", "10000", places=2)
AMOUNTS = st.decimals("0", "1000000", places=2)


def test_1070_dollars_at_1_07_a_lead_is_1000_leads_not_999():
    assert math.floor(1070 / 1.07) == 999  # what float division says
    assert floor_units(1070, 1.07) == 1000


@pytest.mark.parametrize(("amount", "price", "units"), [(0.3, 0.1, 3), (1, 0.01, 100), (4.35, 0.15, 29), (9.99, 10, 0)])
def test_floors_that_floats_get_wrong(amount, price, units):
    assert floor_units(amount, price) == units


@given(amount=AMOUNTS, price=PRICES)
def test_floor_units_is_the_exact_floor_of_the_written_decimals(amount, price):
    units = floor_units(float(amount), float(price))
    assert units == math.floor(Fraction(amount) / Fraction(price))
    assert Decimal(units) * price <= amount < Decimal(units + 1) * price


def test_cents_round_half_up_once():
    assert [to_cents(x) for x in (12.345, 0.005, 177.25, 1e-9, "3.999")] == [1235, 1, 17725, 0, 400]


def test_a_daily_cap_never_overspends():
    assert floor_cents_per(104900, 7) == 14985  # $149.85: × 7 = $1,048.95 ≤ $1,049
    assert ceil_fraction(50 * 30.4375, 7) == 218


@given(units=st.integers(0, 10**9), weights=st.lists(st.decimals("0", "1000", places=3), min_size=1, max_size=20))
def test_apportion_adds_up_exactly_and_no_part_is_off_by_a_unit_or_more(units, weights):
    parts = apportion(units, weights)
    assert sum(parts) == units and all(p >= 0 for p in parts)
    total = sum(Fraction(w) for w in weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = units * Fraction(weight) / total if total else Fraction(units, len(weights))
        assert abs(part - exact) < 1


def test_shares_add_up_to_one_and_zero_amounts_share_nothing():
    assert sum(shares([1, 1, 1])) == pytest.approx(1) and shares([1, 1, 1])[0] == 0.3334
    assert shares([0, 0]) == [0.0, 0.0]


def test_a_float_reads_as_the_decimal_it_was_written_as():
    assert dec(1.07) == Decimal("1.07") and dec(0.1) + dec(0.2) == Decimal("0.3")
    with pytest.raises(ValueError, match="not a finite number"):
        dec(float("inf"))
