"""Channel strategist: which of the twelve marketing channels to use first, and how to split the budget.

Fit, priority and role follow DOMAIN.md (see skills/library/channels.py). The
industry is free text mapped by the same whole-word keywords as the market
sizer. The budget is shared in proportion to fit among the primary and
secondary channels, to the cent; future channels get nothing yet.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills import registry as skills

_FIT = skills.get("channels.fit")
_FIT_IN = _FIT.input_schema["properties"]
_FIT_ROW = _FIT.output_schema["properties"]["channels"]["items"]
FUNDED_ROLES = ("primary", "secondary")

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["business_model", "budget", "team_size"],
    "additionalProperties": False,
    "properties": {
        "business_model": _FIT_IN["business_model"],
        "budget": {**_FIT_IN["budget"], "description": "Monthly marketing budget, USD."},
        "team_size": {**_FIT_IN["team_size"], "description": "People who can work on marketing."},
        "timeline": {**_FIT_IN["timeline"], "default": "medium", "description": "short ≈ 1 month, medium 3, long 12."},
        "industry": {"type": "string", "maxLength": 500, "description": "What you sell, in words."},
    },
}

_CHANNEL_ROW = {
    **_FIT_ROW,
    "required": [*_FIT_ROW["required"], "budget_share", "budget_amount"],
    "properties": {
        **_FIT_ROW["properties"],
        "budget_share": {"type": "number", "minimum": 0, "maximum": 1},
        "budget_amount": {"type": "number", "minimum": 0},
        "kpis": {"type": "array", "items": {"type": "string"}},
    },
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["industry", "budget", "channels", "primary", "secondary", "future"],
    "properties": {
        "industry": {
            "type": "object",
            "required": ["benchmark", "matched"],
            "properties": {"benchmark": _FIT_IN["industry"], "matched": {"type": "array", "items": {"type": "string"}}},
        },
        "budget": {"type": "number", "minimum": 0},
        "channels": {"type": "array", "items": _CHANNEL_ROW},
        "primary": {"type": "array", "items": {"type": "string"}},
        "secondary": {"type": "array", "items": {"type": "string"}},
        "future": {"type": "array", "items": {"type": "string"}},
    },
}


def _budget(ctx: AgentContext, budget: float, channels: list[dict[str, Any]]) -> tuple[float, dict[str, Any]]:
    """Shares and amounts for the funded channels, in proportion to fit."""
    weights = [{"name": c["channel"], "weight": c["fit"]} for c in channels if c["role"] in FUNDED_ROLES]
    split = ctx.skill("planning.allocate_budget", {"total": budget, "weights": weights})
    return split["total"], {a["name"]: a for a in split["allocations"]}


def _kpis(ctx: AgentContext, channels: list[dict[str, Any]]) -> dict[str, list[str]]:
    names = [c["channel"] for c in channels if c["role"] in FUNDED_ROLES]
    return {row["name"]: row["kpis"] for row in ctx.skill("channels.kpis", {"channels": names})["channels"]}


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """Detect the industry, score and rank the twelve channels, fund the top six by fit, add their KPIs."""
    industry = ctx.skill("market.detect_industry", {"text": data.get("industry", "")})
    keys = ("business_model", "budget", "team_size", "timeline")
    fit = ctx.skill("channels.fit", {**{k: data[k] for k in keys if k in data}, "industry": industry["industry"]})
    total, allocations = _budget(ctx, data["budget"], fit["channels"])
    kpis = _kpis(ctx, fit["channels"])
    rows = []
    for channel in fit["channels"]:
        funded = allocations.get(channel["channel"], {"share": 0.0, "amount": 0.0})
        extra = {"kpis": kpis[channel["channel"]]} if channel["channel"] in kpis else {}
        rows.append({**channel, "budget_share": funded["share"], "budget_amount": funded["amount"], **extra})
    by_role = {role: [r["channel"] for r in rows if r["role"] == role] for role in ("primary", "secondary", "future")}
    return {
        "industry": {"benchmark": industry["industry"], "matched": industry["matched"]},
        "budget": total,
        "channels": rows,
        **by_role,
    }


SPEC = register(
    AgentSpec(
        slug="channel_strategist",
        name="Channel strategist",
        category="strategy",
        description="Scores all twelve marketing channels for your business model, budget, team, timeline and "
        "industry, picks your primary and secondary channels and splits the budget between them.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=("market.detect_industry", "channels.fit", "planning.allocate_budget", "channels.kpis"),
        routing_examples=(
            "which marketing channels should we focus on?",
            "we're a B2B SaaS with $5k a month and two marketers, where do we spend it",
            "should we do SEO or paid ads first",
            "pick the best channels for our e-commerce store",
            "how do I split my marketing budget across channels",
            "is outbound sales worth it for an enterprise product?",
            "rank acquisition channels for a consumer app with no budget",
            "channel mix for a fintech startup that needs results within a month",
            "where should a two-person team spend $3,000 a month to get customers",
            "do events and partnerships make sense for us?",
            "which growth channels fit a marketplace business",
            "we have 20k per month, what's the ideal go-to-market channel strategy",
            "what should be our primary and secondary acquisition channels",
        ),
        system_prompt="You recommend marketing channels by computed fit. You never invent scores.",
        run=run,
        example_input={
            "business_model": "b2b_saas",
            "budget": 6000,
            "team_size": 2,
            "timeline": "medium",
            "industry": "dental practice management SaaS",
        },
    )
)
