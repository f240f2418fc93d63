"""Move strategist: a marketing move (campaign, content, product, market or partnership) planned in five phases.

Duration, cost range and success probability follow DOMAIN.md (see
skills/library/moves.py). The start date is required: a plan dated from
"today" would change from one day to the next, and runs must be repeatable.
KPIs come from the move type and from each channel named; risks from the move
type, risk level, budget, channels and each constraint; the next steps are
written by the model.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills import registry as skills

_ESTIMATE = skills.get("planning.move_estimate")
_ESTIMATE_IN = _ESTIMATE.input_schema["properties"]
_SCHEDULE_OUT = skills.get("planning.schedule_phases").output_schema["properties"]
_GUIDANCE_OUT = skills.get("planning.move_guidance").output_schema["properties"]
_CHANNELS = skills.get("planning.move_guidance").input_schema["properties"]["channels"]

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["move_type", "objective", "start_date"],
    "additionalProperties": False,
    "properties": {
        "move_type": _ESTIMATE_IN["move_type"],
        "objective": {"type": "string", "maxLength": 500, "description": "What the move should achieve."},
        "start_date": skills.get("planning.schedule_phases").input_schema["properties"]["start_date"],
        "timeline": {**_ESTIMATE_IN["timeline"], "default": "medium"},
        "budget_level": {**_ESTIMATE_IN["budget_level"], "default": "medium"},
        "risk": {**_ESTIMATE_IN["risk"], "default": "moderate"},
        "channels": {**_CHANNELS, "description": "Channels in your own words: 'LinkedIn ads', 'newsletter'."},
        "constraints": {**_ESTIMATE_IN["constraints"], "description": "Limits to respect; each lowers the odds."},
    },
}

OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "move_type", "objective", "start_date", "end_date", "duration_days", "duration_rule", "phases",
        "cost_range_k", "success_probability", "kpis", "risks", "next_steps", "notes",
    ],
    "properties": {
        "move_type": _ESTIMATE_IN["move_type"],
        "objective": {"type": "string"},
        "start_date": {"type": "string"},
        "end_date": {"type": "string"},
        "duration_days": {"type": "integer", "minimum": 1},
        "duration_rule": {"type": "string"},
        "phases": _SCHEDULE_OUT["phases"],
        "cost_range_k": _ESTIMATE.output_schema["properties"]["cost_range_k"],
        "success_probability": _ESTIMATE.output_schema["properties"]["success_probability"],
        "kpis": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["metric", "source"],
                "properties": {"metric": {"type": "string"}, "source": {"type": "string"}},
            },
        },
        "risks": _GUIDANCE_OUT["risks"],
        "next_steps": {"type": "array", "items": {"type": "string"}},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}  # fmt: skip


def _kpis(ctx: AgentContext, move_kpis: list[str], channels: list[str]) -> list[dict[str, str]]:
    """The move type's KPIs, then each named channel's, without repeating a metric."""
    rows = [{"metric": metric, "source": "move"} for metric in move_kpis]
    if channels:
        for row in ctx.skill("channels.kpis", {"channels": channels})["channels"]:
            rows += [{"metric": metric, "source": row["name"].strip()} for metric in row["kpis"]]
    first_by_metric: dict[str, dict[str, str]] = {}
    for row in rows:
        first_by_metric.setdefault(row["metric"], row)
    return list(first_by_metric.values())


def _next_steps(ctx: AgentContext, data: dict[str, Any], schedule: dict[str, Any]) -> list[str]:
    first = schedule["phases"][0]
    request = {
        "move_type": data["move_type"],
        "objective": data["objective"],
        "first_phase": first["name"],
        "start_date": first["start_date"],
        "channels": data.get("channels", []),
        "constraints": data.get("constraints", []),
    }
    return ctx.skill("planning.next_steps", request)["steps"]


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """Estimate (days, cost, odds) → dated phases → KPIs and risks → model-written next steps."""
    keys = ("move_type", "timeline", "risk", "budget_level", "constraints")
    estimate = ctx.skill("planning.move_estimate", {k: data[k] for k in keys if k in data})
    schedule = ctx.skill(
        "planning.schedule_phases",
        {"start_date": data["start_date"], "total_days": estimate["duration_days"], "phases": estimate["phases"]},
    )
    keys = ("move_type", "risk", "budget_level", "channels", "constraints")
    guidance = ctx.skill("planning.move_guidance", {k: data[k] for k in keys if k in data})
    channels = [c for c in data.get("channels", []) if c.strip()]
    return {
        "move_type": data["move_type"],
        "objective": data["objective"],
        "start_date": schedule["start_date"],
        "end_date": schedule["end_date"],
        "duration_days": schedule["total_days"],
        "duration_rule": estimate["duration_rule"],
        "phases": schedule["phases"],
        "cost_range_k": estimate["cost_range_k"],
        "success_probability": estimate["success_probability"],
        "kpis": _kpis(ctx, guidance["kpis"], channels),
        "risks": guidance["risks"],
        "next_steps": _next_steps(ctx, data, schedule),
        "notes": schedule["notes"],
    }


SPEC = register(
    AgentSpec(
        slug="move_strategist",
        name="Move strategist",
        category="strategy",
        description="Plans a marketing move — a campaign, content push, product launch, market entry or "
        "partnership — in five dated phases, with a cost range, odds of success, KPIs, risks and next steps.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=(
            "planning.move_estimate",
            "planning.schedule_phases",
            "planning.move_guidance",
            "channels.kpis",
            "planning.next_steps",
        ),
        routing_examples=(
            "plan our next marketing move",
            "we want to enter the German market next quarter, what are the phases?",
            "break our product launch into phases with dates",
            "how long would a partnership with a larger platform take and what would it cost",
            "what are the odds this content push works if we only have two people",
            "map out an aggressive 6-month go-to-market for a new segment",
            "give me a phased plan for a co-marketing deal with Shopify",
            "what's this week's move to get more demo requests",
            "risks and KPIs for launching our new pricing tier",
            "roadmap for a content marketing initiative with a low budget",
            "plan a conservative expansion into Asia starting in September",
            "what should we do first to execute this campaign idea?",
            "estimate cost and timeline for a product-led growth experiment",
        ),
        system_prompt="You plan marketing moves in phases. Durations, costs and odds are computed by rule; "
        "you write concrete next steps.",
        run=run,
        example_input={
            "move_type": "product",
            "objective": "Launch the reporting add-on to existing customers and convert 5% to the paid tier",
            "start_date": "2025-04-07",
            "timeline": "long",
            "budget_level": "medium",
            "risk": "aggressive",
            "channels": ["newsletter", "LinkedIn ads", "webinars"],
            "constraints": ["no engineering time after June", "EU customers need GDPR review"],
        },
    )
)
