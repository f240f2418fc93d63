"""Campaign planner: templates, budget split, daily cap, review points, audience, leads, and a full run."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from agents import registry as agents
from skills.library.channels import match_channel
from skills.library.planning import CAMPAIGN_CHANNELS, CAMPAIGN_TEMPLATES, review_days
from tests.agents.conftest import call_skill, run_agent

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [
    ("skill", "planning.campaign_template"),
    ("skill", "planning.allocate_budget"),
    ("skill", "planning.review_schedule"),
    ("skill", "planning.campaign_forecast"),
    ("skill", "channels.kpis"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    (
        "unknown objective",
        {"objective": "world_domination", "start_date": "2025-01-01", "total_budget": 100},
        "^objective: 'world_domination' is not one of \\[.*'lead_generation'",
    ),
    ("no start date", {"objective": "launch", "total_budget": 1}, "'start_date' is a required property"),
]


# --- templates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("objective", "days"),
    [
        ("awareness", 30),
        ("lead_generation", 21),
        ("conversion", 14),
        ("retention", 60),
        ("launch", 45),
        ("promotion", 7),
    ],
)
def test_each_objective_has_its_duration_a_full_split_and_a_cost_per_lead(objective, days):
    template = call_skill("planning.campaign_template", {"objective": objective})
    assert template["duration_days"] == days
    assert sum(c["percent"] for c in template["channels"]) == pytest.approx(100)
    assert template["cost_per_lead"] > 0


def test_lead_generation_template_is_the_domain_split():
    template = call_skill("planning.campaign_template", {"objective": "lead_generation"})
    assert {c["channel"]: c["percent"] for c in template["channels"]} == {
        "paid_search": 40,
        "social": 30,
        "email": 20,
        "landing_pages": 10,
    }
    assert template["cost_per_lead"] == 50


def test_chosen_channels_keep_their_share_and_new_ones_get_the_mean():
    template = call_skill(
        "planning.campaign_template", {"objective": "lead_generation", "channels": ["email", "events"]}
    )
    # email keeps 20; events (not in the template) gets the mean 100 ÷ 4 = 25; scaled: 20/45, 25/45
    assert {c["channel"]: c["percent"] for c in template["channels"]} == {"email": 44.44, "events": 55.56}


def test_every_template_split_adds_up_to_one_hundred():
    for template in CAMPAIGN_TEMPLATES.values():
        assert sum(template["split"].values()) == 100


def test_every_campaign_channel_has_its_own_kpis():
    assert [match_channel(channel) for channel in CAMPAIGN_CHANNELS] == list(CAMPAIGN_CHANNELS)


# --- review points -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "reviews"),
    [
        (21, [7, 11, 14]),  # day 7, midpoint ⌈10.5⌉ = 11, 21 − 7 = 14
        (30, [7, 15, 23]),
        (45, [7, 23, 38]),
        (60, [7, 30, 53]),
        (14, [7]),  # 7, 7, 7: one review
        (7, [4, 7]),  # 7, ⌈3.5⌉ = 4, 0 is outside 1..7
        (3, [2]),  # 7 and −4 outside 1..3; midpoint ⌈1.5⌉ = 2
        (1, [1]),
    ],
)
def test_review_points_are_day_seven_midpoint_and_a_week_before_the_end(days, reviews):
    assert review_days(days) == reviews


def test_review_schedule_dates_count_the_start_as_day_one():
    schedule = call_skill("planning.review_schedule", {"start_date": "2025-03-03", "duration_days": 21})
    assert schedule["end_date"] == "2025-03-23"  # day 21 = 3 March + 20 days
    assert [(e["day"], e["date"], e["kind"]) for e in schedule["timeline"]] == [
        (1, "2025-03-03", "start"),
        (7, "2025-03-09", "review"),
        (11, "2025-03-13", "review"),
        (14, "2025-03-16", "review"),
        (21, "2025-03-23", "end"),
    ]


def test_a_day_past_the_month_end_becomes_the_last_day_with_a_note():
    schedule = call_skill("planning.review_schedule", {"start_date": "2025-02-30", "duration_days": 7})
    assert schedule["start_date"] == "2025-02-28"
    assert "2025-02-30 is not a calendar date" in schedule["notes"][0]


# --- budget and forecast ------------------------------------------------------------------------------


def test_budget_split_is_exact_to_the_cent():
    split = call_skill(
        "planning.allocate_budget",
        {"total": 100, "weights": [{"name": n, "weight": 1} for n in "abc"]},
    )
    # 100 ÷ 3 = 33.333…: the spare cent and basis point go to the first
    assert [(a["share"], a["amount"]) for a in split["allocations"]] == [
        (0.3334, 33.34),
        (0.3333, 33.33),
        (0.3333, 33.33),
    ]


def test_zero_weights_share_equally():
    split = call_skill(
        "planning.allocate_budget", {"total": 10, "weights": [{"name": "a", "weight": 0}, {"name": "b", "weight": 0}]}
    )
    assert [a["amount"] for a in split["allocations"]] == [5, 5]


@pytest.mark.parametrize(
    ("audience", "size"),
    [("general", 1_000_000), ("b2b", 500_000), ("b2c", 2_000_000), ("enterprise", 100_000), ("smb", 300_000)],
)
def test_audience_size_by_kind(audience, size):
    forecast = call_skill(
        "planning.campaign_forecast",
        {"total_budget": 1000, "duration_days": 10, "cost_per_lead": 50, "audience": audience},
    )
    assert forecast["audience_size"] == size


def test_leads_are_budget_over_cost_per_lead_rounded_down():
    forecast = call_skill("planning.campaign_forecast", {"total_budget": 1049, "duration_days": 7, "cost_per_lead": 50})
    assert forecast["expected_leads"] == 20  # 1049 ÷ 50 = 20.98 → 20 whole leads
    assert forecast["daily_cap"] == 149.86  # 1049 ÷ 7


def test_leads_never_exceed_the_audience():
    forecast = call_skill(
        "planning.campaign_forecast",
        {"total_budget": 10_000_000, "duration_days": 30, "cost_per_lead": 50, "audience": "enterprise"},
    )
    assert forecast["expected_leads"] == 100_000  # 200,000 bought, audience is 100,000
    assert forecast["audience_share"] == 1
    assert "capped" in forecast["notes"][0]


# --- the agent -------------------------------------------------------------------------------------


def test_lead_generation_plan_golden(registry_synced, workspace, system_actor):
    run = run_agent(
        workspace,
        system_actor,
        "campaign_planner",
        {"objective": "lead_generation", "total_budget": 10000, "start_date": "2025-03-03", "audience": "b2b"},
    )
    assert run.status == "succeeded", run.error_message
    out = run.output
    Draft202012Validator(agents.get("campaign_planner").output_schema).validate(out)
    assert out["duration_days"] == 21
    assert [(b["channel"], b["budget"]) for b in out["budget_split"]] == [
        ("paid_search", 4000),  # 40 % of 10,000
        ("social", 3000),
        ("email", 2000),
        ("landing_pages", 1000),
    ]
    assert out["daily_cap"] == 476.19  # 10,000 ÷ 21
    assert out["review_points"] == [
        {"day": 7, "date": "2025-03-09"},
        {"day": 11, "date": "2025-03-13"},
        {"day": 14, "date": "2025-03-16"},
    ]
    assert out["end_date"] == "2025-03-23"
    assert out["audience"] == {"kind": "b2b", "size": 500_000}
    assert out["expected_leads"] == 200  # 10,000 ÷ 50
    email = next(m for m in out["measurement_plan"]["channels"] if m["channel"] == "email")
    assert "open rate" in email["kpis"]
    # every template channel has its own KPIs, not the fallback for an unknown channel
    assert not any(k.startswith("leads attributed") for m in out["measurement_plan"]["channels"] for k in m["kpis"])


def test_a_seven_day_promotion_with_no_budget_plans_zeros(registry_synced, workspace, system_actor):
    run = run_agent(
        workspace,
        system_actor,
        "campaign_planner",
        {"objective": "promotion", "total_budget": 0, "start_date": "2025-11-28"},
    )
    assert run.status == "succeeded", run.error_message
    assert (run.output["daily_cap"], run.output["expected_leads"]) == (0, 0)
    assert [p["day"] for p in run.output["review_points"]] == [4, 7]
    assert all(b["budget"] == 0 for b in run.output["budget_split"])
