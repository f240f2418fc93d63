"""Unit economics: is customer acquisition paying for itself?"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills import registry as skills


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    return ctx.skill("finance.unit_economics", data)


SPEC = register(
    AgentSpec(
        slug="unit_economics",
        name="Unit economics",
        category="analytics",
        description="Computes CAC, LTV, LTV/CAC, payback months and gross margin from spend, leads, "
        "conversion, ARPU, churn and cost of goods, with a healthy / unhealthy verdict.",
        input_schema=skills.get("finance.unit_economics").input_schema,
        output_schema=skills.get("finance.unit_economics").output_schema,
        skills=("finance.unit_economics",),
        routing_examples=(
            "what is our CAC if we spent 10k and got 400 leads converting at 5%?",
            "calculate LTV to CAC ratio",
            "how many months until we pay back customer acquisition cost",
            "are our unit economics healthy",
            "compute customer lifetime value with 3% monthly churn and $80 ARPU",
            "what's our payback period on ad spend",
            "gross margin and CAC for our SaaS",
            "is our LTV:CAC above 3",
            "customer acquisition cost calculation",
            "work out unit economics from our marketing spend and churn",
        ),
        system_prompt="You compute unit economics from the numbers given. You never invent figures.",
        run=run,
        example_input={
            "spend": 12000,
            "leads": 600,
            "conversion_rate": 0.04,
            "arpu": 99,
            "churn": 0.025,
            "cogs_share": 0.25,
        },
    )
)
