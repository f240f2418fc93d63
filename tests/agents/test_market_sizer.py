"""Market sizer: industry detection, TAM/SAM/SOM factors, the SOM cap, the projection, and a full run."""

from __future__ import annotations

import pytest

from agents import registry as agents
from tests.agents.conftest import call_skill, run_agent

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [("skill", "market.detect_industry"), ("skill", "market.size"), ("skill", "market.projection")]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [("unknown focus", {"focus": "giant", "industry": "saas"}, "^focus: 'giant' is not one of")]


def size(**data) -> dict:
    return call_skill("market.size", {"industry": "saas", **data})


def factors(result: dict) -> dict[str, float]:
    return {a["factor"]: a["multiplier"] for a in result["assumptions"]}


# --- industry ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("dental SaaS", "saas"),  # software beats the healthcare vertical: sized as SaaS
        ("Payments API for marketplaces", "fintech"),
        ("marketing automation for agencies", "martech"),
        ("an online store for running shoes", "ecommerce"),
        ("E-commerce", "ecommerce"),
        ("telehealth for rural clinics", "healthcare"),
        ("artisan bakery", "other"),
        ("appliance repair", "other"),  # "appliance" is not the word "app"
        ("healthy snacks", "other"),  # "healthy" is not the word "health"
        ("", "other"),
    ],
)
def test_industry_is_detected_by_whole_words(text, industry):
    assert call_skill("market.detect_industry", {"text": text})["industry"] == industry


def test_the_matched_keywords_are_reported():
    assert call_skill("market.detect_industry", {"text": "Dental SaaS platform"})["matched"] == ["saas", "platform"]


# --- golden: the example ---------------------------------------------------------------


def test_saas_global_smb_challenger_with_eight_salespeople():
    result = size(geography="global", focus="smb", position="challenger", sales_team_size=8, price_point=1200)
    assert result["tam"] == 75_000_000_000  # 50B × 1.5 global
    # 75B × 15 % SAM share × 1.2 SMB; global sells everywhere, so no regional factor (×1.0)
    assert result["sam"] == 13_500_000_000
    # 13.5B × 2 % SOM share × 1.5 challenger × 1.2 (team 8 > 5) = 13.5B × 0.036; cap 15 % of SAM = 2.025B not hit
    assert result["som"] == 486_000_000
    assert result["som_capped"] is False
    assert result["customers_needed"] == 405_000  # 486M ÷ $1,200 a year
    assert factors(result) == {
        "benchmark TAM: saas": 1.0,
        "geography scope: global": 1.5,
        "SAM share of TAM": 0.15,
        "focus: smb": 1.2,
        "SOM share of SAM": 0.02,
        "position: challenger": 1.5,
        "sales team": 1.2,
        "yearly growth": 1.12,
    }
    assert [a["applies_to"] for a in result["assumptions"]] == ["tam"] * 2 + ["sam"] * 2 + ["som"] * 3 + ["projection"]


# --- geography ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("geography", "tam", "sam"),
    [
        ("Europe", 50e9, 2.25e9),  # continent: TAM ×1.0; SAM 50B × 15 % × 0.3 Europe
        ("North America", 50e9, 3e9),  # 50B × 15 % × 0.4
        ("Asia", 50e9, 2.625e9),  # 50B × 15 % × 0.35
        ("Germany", 15e9, 0.675e9),  # a country: TAM × 0.3 regional; SAM 15B × 15 % × 0.3 Europe
        ("Europe and North America", 50e9, 5.25e9),  # regions add up: 50B × 15 % × (0.3 + 0.4)
        ("emerging markets", 35e9, 5.25e9),  # TAM × 0.7; SAM 35B × 15 %
        ("regional", 15e9, 2.25e9),  # TAM × 0.3; SAM 15B × 15 %
        ("global, Europe first", 75e9, 11.25e9),  # global ignores the regional factor: 75B × 15 %
        ("Mars", 50e9, 7.5e9),  # nothing recognised: benchmark as is
        ("", 50e9, 7.5e9),
    ],
)
def test_geography_scales_tam_by_scope_and_sam_by_region(geography, tam, sam):
    result = size(geography=geography)
    assert result["tam"] == pytest.approx(tam)
    assert result["sam"] == pytest.approx(sam)


def test_the_word_us_inside_another_word_is_not_the_united_states():
    assert size(geography="Russia")["sam"] == pytest.approx(7.5e9)  # no "us" region factor


# --- focus, position, team, cap -------------------------------------------------------------------


@pytest.mark.parametrize(("focus", "sam"), [("enterprise", 6e9), ("smb", 9e9), ("general", 7.5e9)])
def test_focus_scales_the_sam(focus, sam):
    assert size(focus=focus)["sam"] == pytest.approx(sam)  # 50B × 15 % × 0.8 / 1.2 / 1.0


@pytest.mark.parametrize(
    ("position", "team", "som"),
    [
        ("leader", 0, 450e6),  # 7.5B × 2 % × 3
        ("niche", 0, 75e6),  # 7.5B × 2 % × 0.5
        ("new_entrant", 5, 150e6),  # 5 is not above 5: ×1.0
        ("new_entrant", 6, 180e6),  # × 1.2
        ("new_entrant", 20, 180e6),  # 20 is not above 20: × 1.2
        ("new_entrant", 21, 300e6),  # × 2
    ],
)
def test_position_and_sales_team_scale_the_som(position, team, som):
    assert size(position=position, sales_team_size=team)["som"] == pytest.approx(som)


def test_som_is_capped_at_fifteen_percent_of_sam():
    result = size(som_share=0.05, position="leader", sales_team_size=25)
    # 7.5B × 5 % × 3 × 2 = 2.25B (30 % of SAM) → held at 15 % × 7.5B = 1.125B
    assert result["som"] == pytest.approx(1.125e9)
    assert result["som_capped"] is True
    assert factors(result)["cap"] == 0.15


def test_unknown_industry_uses_the_twenty_billion_default():
    result = call_skill("market.size", {"industry": "other"})
    assert result["tam"] == 20e9
    assert result["sam"] == pytest.approx(3e9)  # 20B × 15 %


def test_own_figures_replace_the_benchmark():
    result = size(base_tam=1e9, sam_share=0.5, som_share=0.1, growth_rate=0.2)
    assert (result["tam"], result["sam"], result["som"], result["growth_rate"]) == (1e9, 5e8, 5e7, 0.2)


def test_a_zero_market_gives_zeros_not_errors():
    result = size(base_tam=0, price_point=100)
    assert (result["tam"], result["sam"], result["som"], result["customers_needed"]) == (0, 0, 0, 0)


# --- projection --------------------------------------------------------------------------------


def test_five_year_projection_compounds_at_the_growth_rate():
    rows = call_skill("market.projection", {"values": {"tam": 75e9, "som": 486e6}, "growth_rate": 0.12})["rows"]
    assert [row["year"] for row in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["values"]["tam"] == pytest.approx(84e9)  # 75B × 1.12
    assert rows[4]["values"]["tam"] == pytest.approx(132_175_626_240)  # 75B × 1.12^5 (1.7623416832)
    assert rows[4]["values"]["som"] == pytest.approx(856_498_058.04, abs=0.01)  # 486M × 1.7623416832


# --- end to end ----------------------------------------------------------------------------------


def test_example_run_golden(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "market_sizer", agents.get("market_sizer").example_input)
    assert run.status == "succeeded", run.error_message
    # dental practice management SaaS, Europe, SMB, challenger, 8 salespeople:
    # TAM 50B; SAM 50B × 15 % × 1.2 × 0.3 = 2.7B; SOM 2.7B × 2 % × 1.5 × 1.2 = 97.2M
    assert (run.output["tam"], run.output["sam"], run.output["som"]) == pytest.approx((50e9, 2.7e9, 97.2e6))
    assert run.output["industry"]["benchmark"] == "saas"
    assert len(run.output["projection"]) == 5


def test_sam_never_exceeds_tam():
    # 100 % SAM share × SMB focus 1.2 would serve 120 % of the market: held at the TAM, and said so.
    result = size(base_tam=1e9, sam_share=1.0, focus="smb")
    assert result["sam"] == result["tam"] == 1e9
    assert any(note["applies_to"] == "sam" and note["factor"] == "cap" for note in result["assumptions"])


def test_a_global_market_at_the_largest_base_is_still_projected(registry_synced, workspace, system_actor):
    # The largest base TAM (1e15) × the global scope (1.5) is above the size skill's input bound; the
    # projection must still take it (found by the catalogue's property test).
    data = {"industry": "saas", "geography": "global", "base_tam": 1e15, "sam_share": 1.0, "focus": "smb"}
    run = run_agent(workspace, system_actor, "market_sizer", data)
    assert run.status == "succeeded", run.error_message
    assert run.output["tam"] == pytest.approx(1.5e15)
    assert run.output["sam"] == run.output["tam"]
    assert run.output["projection"][0]["tam"] == pytest.approx(1.5e15 * (1 + run.output["growth_rate"]))
