"""Campaign planner: a dated campaign plan from an objective, a budget and a start date.

The objective picks a template (duration, channel split, cost per lead; see
skills/library/planning.py). An objective that is not one of the six templates
is refused when the run is created, with the list of valid objectives, rather
than failing mid-run. The start date is required so the same request always
gives the same plan.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills import registry as skills

_TEMPLATE_IN = skills.get("planning.campaign_template").input_schema["properties"]
_FORECAST_IN = skills.get("planning.campaign_forecast").input_schema["properties"]
_SCHEDULE_OUT = skills.get("planning.review_schedule").output_schema["properties"]
_MONEY = {"type": "number", "minimum": 0}

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["objective", "total_budget", "start_date"],
    "additionalProperties": False,
    "properties": {
        "objective": {
            **_TEMPLATE_IN["objective"],
            "description": "awareness, lead_generation, conversion, retention, launch or promotion.",
        },
        "total_budget": {**_FORECAST_IN["total_budget"], "description": "Total campaign budget, USD."},
        "start_date": skills.get("planning.review_schedule").input_schema["properties"]["start_date"],
        "audience": {**_FORECAST_IN["audience"], "default": "general"},
        "channels": {**_TEMPLATE_IN["channels"], "description": "Limit the plan to these channels."},
        "duration_days": {**_TEMPLATE_IN["duration_days"], "description": "Override the template's duration."},
        "cost_per_lead": {**_TEMPLATE_IN["cost_per_lead"], "description": "Override the template's cost per lead."},
    },
}

_BUDGET_LINE = {
    "type": "object",
    "required": ["channel", "share", "budget"],
    "properties": {
        "channel": {"type": "string"},
        "share": {"type": "number", "minimum": 0, "maximum": 1},
        "budget": _MONEY,
    },
}
_MEASURE_LINE = {
    "type": "object",
    "required": ["channel", "kpis"],
    "properties": {"channel": {"type": "string"}, "kpis": {"type": "array", "items": {"type": "string"}}},
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "objective", "duration_days", "start_date", "end_date", "total_budget", "daily_cap", "cost_per_lead",
        "budget_split", "timeline", "review_points", "audience", "expected_leads", "measurement_plan", "notes",
    ],
    "properties": {
        "objective": _TEMPLATE_IN["objective"],
        "duration_days": {"type": "integer", "minimum": 1},
        "start_date": {"type": "string"},
        "end_date": {"type": "string"},
        "total_budget": _MONEY,
        "daily_cap": _MONEY,
        "cost_per_lead": {"type": "number", "exclusiveMinimum": 0},
        "budget_split": {"type": "array", "items": _BUDGET_LINE},
        "timeline": _SCHEDULE_OUT["timeline"],
        "review_points": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["day", "date"],
                "properties": {"day": {"type": "integer", "minimum": 1}, "date": {"type": "string"}},
            },
        },
        "audience": {
            "type": "object",
            "required": ["kind", "size"],
            "properties": {"kind": _FORECAST_IN["audience"], "size": {"type": "integer", "minimum": 0}},
        },
        "expected_leads": {"type": "integer", "minimum": 0},
        "audience_share": {"type": "number", "minimum": 0, "maximum": 1},
        "measurement_plan": {
            "type": "object",
            "required": ["overall", "channels"],
            "properties": {
                "overall": {"type": "array", "items": {"type": "string"}},
                "channels": {"type": "array", "items": _MEASURE_LINE},
            },
        },
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}  # fmt: skip


def _overall_kpis(forecast: dict[str, Any], template: dict[str, Any]) -> list[str]:
    return [
        f"leads against the expected {forecast['expected_leads']:,}",
        f"cost per lead against the ${template['cost_per_lead']:,.2f} target",
        f"daily spend within the ${forecast['daily_cap']:,.2f} cap",
    ]


def _forecast(ctx: AgentContext, data: dict[str, Any], template: dict[str, Any], total: float) -> dict[str, Any]:
    inputs = {
        "total_budget": total,
        "duration_days": template["duration_days"],
        "cost_per_lead": template["cost_per_lead"],
        "audience": data.get("audience", "general"),
    }
    return ctx.skill("planning.campaign_forecast", inputs)


def _measurement(ctx: AgentContext, channels: list[str]) -> list[dict[str, Any]]:
    """What to measure on each channel of the plan."""
    rows = ctx.skill("channels.kpis", {"channels": channels})["channels"]
    return [{"channel": row["name"], "kpis": row["kpis"]} for row in rows]


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """Template → budget split to the cent → dated reviews → forecast → what to measure per channel."""
    keys = ("objective", "channels", "duration_days", "cost_per_lead")
    template = ctx.skill("planning.campaign_template", {k: data[k] for k in keys if k in data})
    weights = [{"name": c["channel"], "weight": c["percent"]} for c in template["channels"]]
    split = ctx.skill("planning.allocate_budget", {"total": data["total_budget"], "weights": weights})
    days = template["duration_days"]
    schedule = ctx.skill("planning.review_schedule", {"start_date": data["start_date"], "duration_days": days})
    forecast = _forecast(ctx, data, template, split["total"])
    split_lines = [{"channel": a["name"], "share": a["share"], "budget": a["amount"]} for a in split["allocations"]]
    return {
        "objective": template["objective"],
        "duration_days": days,
        "start_date": schedule["start_date"],
        "end_date": schedule["end_date"],
        "total_budget": split["total"],
        "daily_cap": forecast["daily_cap"],
        "cost_per_lead": template["cost_per_lead"],
        "budget_split": split_lines,
        "timeline": schedule["timeline"],
        "review_points": [{"day": e["day"], "date": e["date"]} for e in schedule["timeline"] if e["kind"] == "review"],
        "audience": {"kind": data.get("audience", "general"), "size": forecast["audience_size"]},
        "expected_leads": forecast["expected_leads"],
        "audience_share": forecast["audience_share"],
        "measurement_plan": {
            "overall": _overall_kpis(forecast, template),
            "channels": _measurement(ctx, [w["name"] for w in weights]),
        },
        "notes": schedule["notes"] + forecast["notes"],
    }


SPEC = register(
    AgentSpec(
        slug="campaign_planner",
        name="Campaign planner",
        category="strategy",
        description="Plans a campaign from your objective, budget and start date: duration, budget per channel, "
        "daily spend cap, dated timeline with review points, audience size, expected leads and what to measure.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=(
            "planning.campaign_template",
            "planning.allocate_budget",
            "planning.review_schedule",
            "planning.campaign_forecast",
            "channels.kpis",
        ),
        routing_examples=(
            "plan a lead generation campaign with a $10,000 budget starting March 3",
            "build me a campaign plan for our product launch",
            "how should I split $5k across channels for a two-week promo?",
            "we want more signups next month, help me plan the campaign",
            "campaign timeline and budget for a B2B awareness push",
            "how many leads will $20,000 get us?",
            "set up a retention campaign for existing customers over the next 60 days",
            "what's our daily ad spend cap if we run a 21-day campaign on 8k",
            "plan a Black Friday promotion",
            "create a conversion campaign targeting SMBs with email and retargeting",
            "when should we review results during the launch campaign",
            "give me a measurement plan and KPIs for our next campaign",
            "draft a 30 day brand awareness plan for enterprise buyers",
        ),
        system_prompt="You plan marketing campaigns from templates and the user's budget. Every figure is computed.",
        run=run,
        example_input={
            "objective": "lead_generation",
            "total_budget": 10000,
            "start_date": "2025-03-03",
            "audience": "b2b",
        },
    )
)
