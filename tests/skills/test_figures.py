"""Figures read as exact decimals with the precision they were written to, and the exact-decimal arithmetic of the
finance and readiness skills (issue 16: floor and round on exact decimals — $1,070 at $1.07 is 1,000, not 999)."""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, Decimal

import pytest

from skills.library.figures import agree, find_figures, read_number, relative_difference, traces, untraced
from skills.library.finance import dec, shown
from skills.library.readiness import timeline, weeks_up


@pytest.mark.parametrize(
    ("text", "value", "half", "percent"),
    [
        ("12%", "12", "0.5", True),
        ("12.3 percent", "12.3", "0.05", True),
        ("$5.2 billion", "5.2E+9", "5E+7", False),  # 5.15–5.25 billion
        ("38,500", "38500", "0.5", False),  # trailing zeros are read as written
        ("2.1k", "2.1E+3", "5E+1", False),
    ],
)
def test_a_figure_is_its_exact_value_and_half_a_unit_in_its_last_place(text, value, half, percent):
    (figure,) = find_figures(text)
    assert (figure.value, figure.half_unit, figure.percent) == (Decimal(value), Decimal(half), percent)


def test_a_run_of_digits_too_long_to_be_a_figure_is_not_one():
    assert read_number("9" * 61) is None and find_figures("9" * 61) == []


@pytest.mark.parametrize(
    ("a", "b", "agrees"),
    [
        ("12%", "12.3%", True),  # 11.5–12.5 and 12.25–12.35 overlap
        ("12%", "13%", False),  # 11.5–12.5 and 12.5–13.5 only touch
        ("39,000", "38,500", False),  # the issue's case: about the same thing, they disagree
        ("17,190", "17,190", True),
    ],
)
def test_two_figures_agree_when_the_intervals_they_stand_for_overlap(a, b, agrees):
    (x,), (y,) = find_figures(a), find_figures(b)
    assert agree(x.value, x.half_unit, y.value, y.half_unit) is agrees


def test_the_relative_difference_is_bounded_and_symmetric():
    assert relative_difference(Decimal(60), Decimal(45)) == Decimal("0.25")
    assert relative_difference(Decimal(45), Decimal(60)) == Decimal("0.25")
    assert relative_difference(Decimal(0), Decimal(0)) == 0 and relative_difference(Decimal(0), Decimal(3)) == 1


def test_prose_traces_to_computed_figures_as_rounded_and_nothing_else():
    computed = [Decimal("2133.333"), Decimal("0.03"), Decimal("45")]
    assert traces(find_figures("about 2,100")[0], computed)  # two significant digits kept
    assert traces(find_figures("3%")[0], computed)  # a percent traces to a share
    assert not traces(find_figures("40")[0], computed)  # one significant digit: 40 is not 45
    assert [f.text for f in untraced("LTV is 2,133.33 and churn 5%", computed)] == ["5%"]


def test_the_issues_case_in_exact_decimals():
    # $1,070 at $1.07 a lead: exactly 1,000 leads. Floats give 999.9999999999999, which floors to 999.
    assert math.floor(1070 / 1.07) == 999
    assert (Decimal(1070) / dec(1.07)).to_integral_value(rounding=ROUND_FLOOR) == 1000
    assert dec(1.07) == Decimal("1.07") and dec(0.1) + dec(0.2) == Decimal("0.3")


def test_money_rounds_half_up_on_the_exact_value():
    assert round(1.005, 2) == 1.0  # the float is 1.00499999999999989…
    assert shown(Decimal(201) / Decimal(200)) == 1.01
    assert shown(Decimal("1E+400")) is None  # beyond a JSON number: undefined, never infinity


def test_weeks_are_rounded_up_on_the_exact_quotient():
    # 2.1 person-days for one person giving 0.7 days a week is exactly 3 weeks; in floats 2.1 ÷ 0.7 is
    # 3.0000000000000004, which rounds up to 3.1.
    assert math.ceil(2.1 / 0.7 * 10) / 10 == 3.1
    assert weeks_up(dec(2.1), dec(0.7)) == Decimal("3.0")
    work = [{"item": "billing", "label": "Billing", "critical": True, "low_days": 2.1, "high_days": 2.1,
             "source": "team"}]  # fmt: skip
    out = timeline({"work": work, "team": {"people": 1, "focus_days_per_week": 0.7}, "as_of": "2025-01-06"})
    assert out["to_ready"]["weeks"] == [3.0, 3.0] and out["to_ready"]["dates"] == ["2025-01-27", "2025-01-27"]
