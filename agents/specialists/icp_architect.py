"""ICP architect: who to sell to, why, and how to reach them.

Pipeline: icp.detect_company (industry and customer size from the foundation) → icp.build_profiles (all six
ICP types scored, the best ``count`` profiled, names kept unique against the workspace's existing ICPs) →
icp.confidence → icp.synthesis (model-written summary). The rules are in ``skills/library/icp.py``.

The foundation is optional in the input: when it is absent the workspace's own foundation (``ctx.foundation``)
is used, trimmed to the fields a foundation may have, so the skills stay pure functions of their input.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills.library.icp import (
    COUNT,
    DEFAULT_ICPS,
    EXISTING_ICPS,
    FOUNDATION_INPUT,
    PROFILES_OUTPUT,
)

SKILLS = ("icp.detect_company", "icp.build_profiles", "icp.confidence", "icp.synthesis")
_SCORE = {"type": "number", "minimum": 0, "maximum": 1}

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {"foundation": FOUNDATION_INPUT, "count": COUNT, "existing_icps": EXISTING_ICPS},
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["icps", "industry", "size", "detected_keywords", "synthesis", "confidence", "confidence_parts"],
    "properties": {
        "icps": PROFILES_OUTPUT,
        "industry": {"enum": ["technology", "healthcare", "finance", "retail", "other"]},
        "size": {"enum": ["small", "medium", "large", "unknown"]},
        "detected_keywords": {"type": "array", "items": {"type": "string"}},
        "synthesis": {"type": "string"},
        "confidence": _SCORE,
        "confidence_parts": {"type": "object", "additionalProperties": _SCORE},
    },
}


def foundation_of(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """The input's foundation, else the workspace's, keeping only the fields a foundation may have."""
    if "foundation" in data:
        return data["foundation"]
    stored = getattr(ctx, "foundation", None) or {}
    return {k: v for k, v in stored.items() if k in FOUNDATION_INPUT["properties"]}


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    foundation = foundation_of(ctx, data)
    detected = ctx.skill("icp.detect_company", {"foundation": foundation})
    ctx.progress("Detected the market", industry=detected["industry"], size=detected["size"])
    built = ctx.skill(
        "icp.build_profiles",
        {
            "foundation": foundation,
            "count": data.get("count", DEFAULT_ICPS),
            "existing_icps": data.get("existing_icps", []),
            "industry": detected["industry"],
            "size": detected["size"],
        },
    )
    icps = built["icps"]
    scored = ctx.skill(
        "icp.confidence",
        {
            "industry": detected["industry"],
            "size": detected["size"],
            "has_description": detected["has_description"],
            "icp_count": len(icps),
        },
    )
    summaries = [{"name": i["name"][:300], "tagline": i["tagline"][:500], "primary": i["primary"]} for i in icps]
    written = ctx.skill("icp.synthesis", {"company": str(foundation.get("company", ""))[:200], "icps": summaries})
    return {
        "icps": icps,
        "industry": detected["industry"],
        "size": detected["size"],
        "detected_keywords": detected["industry_keywords"] + detected["size_keywords"],
        "synthesis": written["synthesis"],
        "confidence": scored["confidence"],
        "confidence_parts": scored["parts"],
    }


SPEC = register(
    AgentSpec(
        slug="icp_architect",
        name="ICP architect",
        category="research",
        description="Builds ideal customer profiles from your company foundation: who buys, their pains, "
        "triggers and channels, with fit scores and a primary segment to go after first.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=SKILLS,
        routing_examples=(
            "build our ideal customer profiles",
            "who should we be selling to?",
            "create 3 ICPs for our SaaS product",
            "define our target customer persona",
            "which customer segment should we go after first",
            "I need buyer personas with pain points and trigger events",
            "who is our best-fit customer and why",
            "map out the decision makers we should target",
            "what kind of companies are most likely to buy from us",
            "give me a B2B customer profile for a fintech startup",
            "figure out our target audience and where to reach them",
            "segment our market into customer types and rank them",
            "describe the people who would pay for this",
            "ideal customer profile with firmographics and disqualifiers",
        ),
        system_prompt="You describe ideal customer profiles for a company from its own foundation. "
        "You are concise and factual, and you never invent figures about the company.",
        run=run,
        example_input={
            "foundation": {
                "company": "Ledgerly",
                "industry": "Fintech",
                "stage": "seed",
                "description": "Cash-flow forecasting for small businesses tired of manual spreadsheets.",
                "product": "A forecasting app that connects to your bank and accounting software.",
                "audience": "Founders and finance leads at small businesses and agencies.",
                "budget_level": "low",
            },
            "count": 3,
            "existing_icps": ["Finance Small-Business Owner"],
        },
    )
)
