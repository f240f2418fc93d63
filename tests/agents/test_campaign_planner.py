"""Campaign planner: templates, budget split, daily cap, review points, audience, leads, and a full run."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from agents import registry as agents
from agents.models import Agent
from agents.runtime import run_execute
from agents.services import RunInputError, run_create
from skills import registry as skills
from skills.library.channels import match_channel
from skills.library.planning import CAMPAIGN_CHANNELS, CAMPAIGN_TEMPLATES, review_days

SKILLS = (
    "planning.campaign_template",
    "planning.allocate_budget",
    "planning.review_schedule",
    "planning.campaign_forecast",
    "channels.kpis",
)


def call(slug: str, data: dict, ctx=None) -> dict:
    """Call a skill as the runtime does: input and output checked against its schemas."""
    spec = skills.get(slug)
    Draft202012Validator(spec.input_schema).validate(data)
    output = spec.func(data, ctx)
    Draft202012Validator(spec.output_schema).validate(output)
    return output


def run_planner(workspace, actor, data: dict):
    agent = Agent.objects.get(slug="campaign_planner")
    run, _ = run_create(workspace=workspace, agent=agent, input=data, actor=actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


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
    template = call("planning.campaign_template", {"objective": objective})
    assert template["duration_days"] == days
    assert sum(c["percent"] for c in template["channels"]) == pytest.approx(100)
    assert template["cost_per_lead"] > 0


def test_lead_generation_template_is_the_domain_split():
    template = call("planning.campaign_template", {"objective": "lead_generation"})
    assert {c["channel"]: c["percent"] for c in template["channels"]} == {
        "paid_search": 40,
        "social": 30,
        "email": 20,
        "landing_pages": 10,
    }
    assert template["cost_per_lead"] == 50


def test_chosen_channels_keep_their_share_and_new_ones_get_the_mean():
    template = call("planning.campaign_template", {"objective": "lead_generation", "channels": ["email", "events"]})
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
    schedule = call("planning.review_schedule", {"start_date": "2025-03-03", "duration_days": 21})
    assert schedule["end_date"] == "2025-03-23"  # day 21 = 3 March + 20 days
    assert [(e["day"], e["date"], e["kind"]) for e in schedule["timeline"]] == [
        (1, "2025-03-03", "start"),
        (7, "2025-03-09", "review"),
        (11, "2025-03-13", "review"),
        (14, "2025-03-16", "review"),
        (21, "2025-03-23", "end"),
    ]


def test_a_day_past_the_month_end_becomes_the_last_day_with_a_note():
    schedule = call("planning.review_schedule", {"start_date": "2025-02-30", "duration_days": 7})
    assert schedule["start_date"] == "2025-02-28"
    assert "2025-02-30 is not a calendar date" in schedule["notes"][0]


# --- budget and forecast ------------------------------------------------------------------------------


def test_budget_split_is_exact_to_the_cent():
    split = call(
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
    split = call(
        "planning.allocate_budget", {"total": 10, "weights": [{"name": "a", "weight": 0}, {"name": "b", "weight": 0}]}
    )
    assert [a["amount"] for a in split["allocations"]] == [5, 5]


@pytest.mark.parametrize(
    ("audience", "size"),
    [("general", 1_000_000), ("b2b", 500_000), ("b2c", 2_000_000), ("enterprise", 100_000), ("smb", 300_000)],
)
def test_audience_size_by_kind(audience, size):
    forecast = call(
        "planning.campaign_forecast",
        {"total_budget": 1000, "duration_days": 10, "cost_per_lead": 50, "audience": audience},
    )
    assert forecast["audience_size"] == size


def test_leads_are_budget_over_cost_per_lead_rounded_down():
    forecast = call("planning.campaign_forecast", {"total_budget": 1049, "duration_days": 7, "cost_per_lead": 50})
    assert forecast["expected_leads"] == 20  # 1049 ÷ 50 = 20.98 → 20 whole leads
    assert forecast["daily_cap"] == 149.86  # 1049 ÷ 7


def test_leads_never_exceed_the_audience():
    forecast = call(
        "planning.campaign_forecast",
        {"total_budget": 10_000_000, "duration_days": 30, "cost_per_lead": 50, "audience": "enterprise"},
    )
    assert forecast["expected_leads"] == 100_000  # 200,000 bought, audience is 100,000
    assert forecast["audience_share"] == 1
    assert "capped" in forecast["notes"][0]


# --- the agent -------------------------------------------------------------------------------------


def test_lead_generation_plan_golden(registry_synced, workspace, system_actor):
    run = run_planner(
        workspace,
        system_actor,
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
    run = run_planner(
        workspace, system_actor, {"objective": "promotion", "total_budget": 0, "start_date": "2025-11-28"}
    )
    assert run.status == "succeeded", run.error_message
    assert (run.output["daily_cap"], run.output["expected_leads"]) == (0, 0)
    assert [p["day"] for p in run.output["review_points"]] == [4, 7]
    assert all(b["budget"] == 0 for b in run.output["budget_split"])


def test_an_unknown_objective_is_a_clear_validation_error(registry_synced, workspace, system_actor):
    agent = Agent.objects.get(slug="campaign_planner")
    with pytest.raises(RunInputError) as excinfo:
        run_create(
            workspace=workspace,
            agent=agent,
            input={"objective": "world_domination", "total_budget": 100, "start_date": "2025-01-01"},
            actor=system_actor,
        )
    assert excinfo.value.code == "invalid_input"
    message = next(e for e in excinfo.value.errors if e.startswith("objective:"))
    assert "'world_domination' is not one of" in message and "lead_generation" in message


def test_a_missing_start_date_is_refused(registry_synced, workspace, system_actor):
    agent = Agent.objects.get(slug="campaign_planner")
    with pytest.raises(RunInputError) as excinfo:
        run_create(
            workspace=workspace, agent=agent, input={"objective": "launch", "total_budget": 1}, actor=system_actor
        )
    assert any("'start_date' is a required property" in e for e in excinfo.value.errors)


@pytest.mark.parametrize("slug", SKILLS[:4])
def test_any_schema_valid_input_gives_schema_valid_output(slug):
    spec = skills.get(slug)

    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
    @given(from_schema(spec.input_schema))
    def check(data):
        Draft202012Validator(spec.output_schema).validate(spec.func(data, None))

    check()


def test_campaign_planner_runs_end_to_end(registry_synced, workspace, system_actor):
    spec = agents.get("campaign_planner")
    run = run_planner(workspace, system_actor, spec.example_input)
    assert run.status == "succeeded", run.error_message
    Draft202012Validator(spec.output_schema).validate(run.output)
    assert list(run.steps.order_by("sequence").values_list("name", flat=True)) == list(SKILLS)
    assert set(run.steps.values_list("status", flat=True)) == {"succeeded"}
