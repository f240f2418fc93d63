"""Bottom-up sizing arithmetic: accounts × annual price, each filter once, SOM capped, exact decimals."""

from __future__ import annotations

import pytest

from tests.agents.conftest import call_skill

INPUT = {"kind": "input"}


def sizing(**overrides) -> dict:
    data = {
        "industry": {"title": "Language Schools", "codes": ["611630"]},
        "currency": "EUR",
        "price": {"amount": 59, "period": "month", "source": INPUT},
        "market": [
            {"place": "DE", "name": "Germany", "count": 1000, "source": INPUT},
            {"place": "AT", "name": "Austria", "count": 200, "source": INPUT},
        ],
        "served": ["DE"],
    }
    return call_skill("market.size", {**data, **overrides})


def test_tam_is_all_accounts_and_sam_the_served_places_times_the_annual_price():
    result = sizing()
    assert result["annual_price"] == 708  # 59 × 12
    assert result["tam"] == {"accounts": 1200, "value": 849_600}  # (1,000 + 200) × 708
    assert result["sam"] == {"accounts": 1000, "value": 708_000}  # Germany only: geography applied once
    assert result["som"] is None  # neither a capacity nor a share: nothing caps it, so nothing is claimed


def test_the_size_share_is_applied_once_per_place_and_floored_on_exact_decimals():
    size = {"employees_min": 10, "shares": [{"place": "DE", "value": 0.29, "source": INPUT}]}
    result = sizing(market=[{"place": "DE", "name": "Germany", "count": 100, "source": INPUT}], size=size)
    assert result["sam"]["accounts"] == 29  # 0.29 × 100 is 28.999999999999996 in binary floating point


def test_som_is_the_fewest_of_the_serviceable_accounts_the_capacity_and_the_share():
    capacity = {"reps": 3, "deals_per_rep_per_year": 1.07, "years": 1, "source": INPUT}
    result = sizing(capacity=capacity, target_share={"value": 0.05, "source": INPUT})
    # capacity 3 × 1.07 × 1 = 3.21 → 3 accounts; share 5 % of 1,000 = 50 accounts
    assert result["som"] == {"accounts": 3, "value": 2124, "limited_by": ["sales capacity"]}
    result = sizing(capacity={**capacity, "reps": 100}, target_share={"value": 0.05, "source": INPUT})
    assert result["som"]["accounts"] == 50 and result["som"]["limited_by"] == ["target share"]


def test_capacity_on_exact_decimals_is_not_one_short():
    # $1,070 at $1.07 is 1,000, not 999: here 1,000 reps × 1.07 deals = 1,070 accounts exactly
    capacity = {"reps": 1000, "deals_per_rep_per_year": 1.07, "years": 1, "source": INPUT}
    market = [{"place": "DE", "name": "Germany", "count": 5000, "source": INPUT}]
    assert sizing(market=market, capacity=capacity)["som"]["accounts"] == 1070


def test_money_is_rounded_half_up_to_the_cent_only_at_the_end():
    result = sizing(price={"amount": 0.125, "period": "year", "source": INPUT})
    assert result["annual_price"] == 0.13 and result["tam"]["value"] == 150  # 1,200 × 0.125, not 1,200 × 0.13


def test_every_step_is_an_assumption_in_the_companys_words():
    notes = sizing(capacity={"reps": 2, "deals_per_rep_per_year": 30, "years": 2, "source": INPUT})["assumptions"]
    assert [n["applies_to"] for n in notes] == ["price", "tam", "tam", "tam", "sam", "som", "som"]
    assert all("Language Schools" in n["statement"] or "EUR" in n["statement"] for n in notes)
    assert notes[3]["statement"] == (
        "TAM: 1,200 Language Schools accounts in Germany and Austria × 708.00 EUR a year = 849,600.00 EUR a year"
    )


@pytest.mark.parametrize(("growth", "year5"), [(0.03, 1159.27), (0.0, 1000.0), (-0.1, 590.49)])
def test_the_projection_compounds_exactly(growth, year5):
    rows = call_skill("market.projection", {"values": {"tam": 1000}, "growth_rate": growth})["rows"]
    assert [r["year"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[4]["values"]["tam"] == year5  # 1,000 × 1.03^5 = 1,159.274…


def test_a_place_named_twice_counts_once_and_a_served_place_without_a_share_is_left_out():
    twice = [
        {"place": "DE", "name": "Germany", "count": 1000, "source": INPUT},
        {"place": "DE", "name": "Germany", "count": 1000, "source": INPUT},
    ]
    assert sizing(market=twice)["tam"]["accounts"] == 1000
    size = {"employees_min": 10, "shares": [{"place": "AT", "value": 0.5, "source": INPUT}]}
    result = sizing(served=["DE", "AT"], size=size)
    assert result["sam"]["accounts"] == 100  # Austria's 200 × 0.5; Germany has no share, so it is not guessed
    assert any(
        n["statement"].startswith("No share of Language Schools accounts in Germany") for n in result["assumptions"]
    )
