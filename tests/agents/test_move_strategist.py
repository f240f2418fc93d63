"""Move strategist: duration, phases with dates, cost range, success probability, KPIs, risks, and a full run."""

from __future__ import annotations

import pytest

from agents import registry as agents
from skills.library.moves import MOVE_PHASES, success_probability
from tests.agents.conftest import call_skill, run_agent

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [
    ("skill", "planning.move_estimate"),
    ("skill", "planning.schedule_phases"),
    ("skill", "planning.move_guidance"),
    ("skill", "channels.kpis"),
    ("skill", "planning.next_steps"),
    ("llm", "next_steps"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("no start date", {"move_type": "product", "objective": "x"}, "'start_date' is a required property"),
    (
        "unknown move type",
        {"move_type": "rebrand", "objective": "x", "start_date": "2025-01-01"},
        "^move_type: 'rebrand' is not one of",
    ),
    (
        "start date not a date",
        {"move_type": "product", "objective": "x", "start_date": "tomorrow"},
        "^start_date: 'tomorrow' does not match",
    ),
]


def estimate(**data) -> dict:
    return call_skill("planning.move_estimate", data)


class ScriptedLLM:
    """A skill context whose model answers with fixed text, to test how the answer is parsed."""

    def __init__(self, text: str):
        self.text = text

    def llm(self, prompt: str, *, system: str = "", purpose: str = "") -> str:
        return self.text


# --- duration ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("move", "timeline", "risk", "days"),
    [
        ("product", "long", "aggressive", 144),  # 90 × 2 × 0.8
        ("campaign", "short", "conservative", 18),  # 30 × 0.5 × 1.2
        ("content", "short", "moderate", 11),  # 21 × 0.5 × 1.0 = 10.5 → 11 (halves round up)
        ("content", "short", "aggressive", 8),  # 21 × 0.5 × 0.8 = 8.4 → 8
        ("market", "long", "conservative", 432),  # 180 × 2 × 1.2
        ("partnership", "medium", "moderate", 60),  # 60 × 1 × 1
        ("campaign", "short", "aggressive", 12),  # 30 × 0.5 × 0.8 = 12.000000000000002 → 12
    ],
)
def test_duration_is_default_days_times_timeline_times_risk(move, timeline, risk, days):
    assert estimate(move_type=move, timeline=timeline, risk=risk)["duration_days"] == days


def test_defaults_are_medium_timeline_and_moderate_risk():
    result = estimate(move_type="market")
    assert result["duration_days"] == 180
    assert result["duration_rule"] == "180 days (market) × 1 (medium) × 1 (moderate) = 180"


# --- cost and success --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "risk", "low", "high"),
    [
        ("high", "aggressive", 32.5, 130),  # 25–100 × 1.3
        ("low", "conservative", 0.9, 4.5),  # 1–5 × 0.9
        ("medium", "moderate", 5, 25),
    ],
)
def test_cost_range_in_thousands_scales_with_risk(budget, risk, low, high):
    result = estimate(move_type="campaign", budget_level=budget, risk=risk)
    assert result["cost_range_k"] == {"low": low, "high": high}


@pytest.mark.parametrize(
    ("risk", "constraints", "probability"),
    [
        ("aggressive", 2, 0.74),  # 0.7 × 1.2 − 0.10
        ("aggressive", 0, 0.84),  # 0.7 × 1.2
        ("moderate", 0, 0.7),
        ("conservative", 0, 0.56),  # 0.7 × 0.8
        ("moderate", 3, 0.55),  # 0.7 − 0.15
        ("conservative", 6, 0.3),  # 0.56 − 0.30 = 0.26 → floor 0.3
    ],
)
def test_success_probability_rule(risk, constraints, probability):
    assert success_probability(risk, constraints) == probability


def test_blank_and_repeated_constraints_do_not_lower_the_odds():
    result = estimate(move_type="content", risk="aggressive", constraints=["No paid ads", " no  paid ads ", "", "   "])
    assert result["constraint_count"] == 1
    assert result["success_probability"] == 0.79  # 0.84 − 0.05


# --- phases --------------------------------------------------------------------------------------


def test_every_move_type_has_five_phases_whose_weights_add_up_to_100():
    for move, phases in MOVE_PHASES.items():
        assert len(phases) == 5, move
        assert sum(weight for _, weight in phases) == 100, move


def test_product_phases_are_dated_back_to_back_from_the_start():
    result = estimate(move_type="product", timeline="long", risk="aggressive")
    schedule = call_skill(
        "planning.schedule_phases",
        {"start_date": "2025-01-01", "total_days": result["duration_days"], "phases": result["phases"]},
    )
    # 144 days × 15/15/25/15/30 % = 21.6, 21.6, 36, 21.6, 43.2 → floors 21, 21, 36, 21, 43 (142);
    # the 2 spare days go to the largest remainders (.6, .6, .6: the first two)
    assert [(p["name"], p["days"], p["start_date"], p["end_date"]) for p in schedule["phases"]] == [
        ("Discovery", 22, "2025-01-01", "2025-01-22"),
        ("Positioning and messaging", 22, "2025-01-23", "2025-02-13"),
        ("Beta and enablement", 36, "2025-02-14", "2025-03-21"),
        ("Launch", 21, "2025-03-22", "2025-04-11"),
        ("Adoption and iteration", 43, "2025-04-12", "2025-05-24"),
    ]
    assert schedule["end_date"] == "2025-05-24"  # day 144


def test_every_phase_gets_at_least_one_day():
    phases = [{"name": str(i), "weight": w} for i, w in enumerate([100, 0, 0, 0, 0])]
    schedule = call_skill("planning.schedule_phases", {"start_date": "2025-01-01", "total_days": 5, "phases": phases})
    assert [p["days"] for p in schedule["phases"]] == [1, 1, 1, 1, 1]


def test_too_few_days_for_the_phases_are_stretched_with_a_note():
    phases = [{"name": str(i), "weight": 1} for i in range(5)]
    schedule = call_skill("planning.schedule_phases", {"start_date": "2025-01-01", "total_days": 3, "phases": phases})
    assert schedule["total_days"] == 5
    assert "stretched" in schedule["notes"][0]


# --- KPIs, risks, next steps ---------------------------------------------------------------------------


def test_risks_come_from_type_risk_level_budget_channels_and_constraints():
    guidance = call_skill(
        "planning.move_guidance",
        {
            "move_type": "market",
            "risk": "aggressive",
            "budget_level": "low",
            "channels": ["SEO", "PR", "email"],
            "constraints": ["no paid ads", ""],
        },
    )
    assert [(r["source"], r["severity"]) for r in guidance["risks"]] == [
        ("move_type", "high"),
        ("risk_level", "high"),
        ("budget", "high"),  # a low budget over 3 channels (more than 2)
        ("budget", "medium"),  # a low budget for a market move
        ("constraint", "medium"),  # the blank constraint is ignored
    ]
    assert guidance["kpis"][0] == "pipeline in the new market"


def test_no_channels_is_a_risk():
    guidance = call_skill("planning.move_guidance", {"move_type": "content", "channels": [" "]})
    assert [r["source"] for r in guidance["risks"]] == ["move_type", "channels"]


def test_next_steps_are_parsed_one_per_line_without_bullets():
    ctx = ScriptedLLM("1. Book the kickoff\n- Draft the brief\n\n* Brief the designer")
    result = call_skill("planning.next_steps", {"move_type": "content", "objective": "Rank for X"}, ctx)
    assert result["steps"] == ["Book the kickoff", "Draft the brief", "Brief the designer"]


def test_an_empty_model_answer_falls_back_to_starting_the_first_phase():
    ctx = ScriptedLLM("   ")
    result = call_skill(
        "planning.next_steps",
        {"move_type": "product", "objective": "", "first_phase": "Discovery", "start_date": "2025-01-01"},
        ctx,
    )
    assert result["steps"] == ["Start Discovery on 2025-01-01."]


# --- end to end -----------------------------------------------------------------------------------


def test_example_run_golden(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "move_strategist", agents.get("move_strategist").example_input)
    assert run.status == "succeeded", run.error_message
    # product, long, aggressive: 90 × 2 × 0.8 = 144 days from 7 April 2025; 2 constraints: 0.7 × 1.2 − 0.10
    assert (run.output["duration_days"], run.output["end_date"]) == (144, "2025-08-28")
    assert run.output["success_probability"] == 0.74
    assert run.output["cost_range_k"] == {"low": 6.5, "high": 32.5}  # medium 5–25 × 1.3 aggressive
    sources = {k["source"] for k in run.output["kpis"]}
    assert {"move", "newsletter", "LinkedIn ads", "webinars"} <= sources
    assert len(run.output["next_steps"]) >= 1
