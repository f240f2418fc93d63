"""Market sizer: how big is the market, how much of it can we serve, and how much can we win?

The industry is free text ("dental SaaS") mapped to a benchmark by whole-word
keywords; the rules and their defaults are in skills/library/market.py. The
output lists every factor applied, so the user sees why each figure is what it is.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills import registry as skills
from skills.library.market import PROJECTION_YEARS

_SIZE = skills.get("market.size")
_SIZE_INPUTS = _SIZE.input_schema["properties"]
_MONEY = {"type": "number", "minimum": 0}

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["industry"],
    "additionalProperties": False,
    "properties": {
        "industry": {
            "type": "string",
            "maxLength": 500,
            "description": "What the company sells, in words: 'dental SaaS', 'payments API for marketplaces'.",
        },
        "geography": {
            "type": "string",
            "maxLength": 500,
            "description": "Where it sells: 'global', 'Europe', 'Germany', 'emerging markets'.",
        },
        "focus": {**_SIZE_INPUTS["focus"], "default": "general"},
        "position": {**_SIZE_INPUTS["position"], "default": "new_entrant"},
        "sales_team_size": {**_SIZE_INPUTS["sales_team_size"], "default": 0},
        "price_point": {**_SIZE_INPUTS["price_point"], "description": "Annual price per customer, USD."},
        "base_tam": {**_SIZE_INPUTS["base_tam"], "description": "Your own TAM in USD, instead of the benchmark."},
        "sam_share": _SIZE_INPUTS["sam_share"],
        "som_share": _SIZE_INPUTS["som_share"],
        "growth_rate": _SIZE_INPUTS["growth_rate"],
    },
}

OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["industry", "currency", "tam", "sam", "som", "growth_rate", "projection", "assumptions"],
    "properties": {
        "industry": {
            "type": "object",
            "required": ["benchmark", "matched"],
            "properties": {
                "benchmark": _SIZE_INPUTS["industry"],
                "matched": {"type": "array", "items": {"type": "string"}},
            },
        },
        "currency": {"const": "USD"},
        "tam": _MONEY,
        "sam": _MONEY,
        "som": _MONEY,
        "growth_rate": _SIZE_INPUTS["growth_rate"],
        "som_capped": {"type": "boolean"},
        "customers_needed": {"type": ["integer", "null"], "minimum": 0},
        "projection": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["year", "tam", "sam", "som"],
                "properties": {"year": {"type": "integer", "minimum": 1}, "tam": _MONEY, "sam": _MONEY, "som": _MONEY},
            },
        },
        "assumptions": _SIZE.output_schema["properties"]["assumptions"],
    },
}


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """Detect the benchmark industry, size TAM/SAM/SOM, then project all three five years out."""
    industry = ctx.skill("market.detect_industry", {"text": data["industry"]})
    size = ctx.skill("market.size", {**data, "industry": industry["industry"]})
    values = {key: size[key] for key in ("tam", "sam", "som")}
    growth = ctx.skill(
        "market.projection", {"values": values, "growth_rate": size["growth_rate"], "years": PROJECTION_YEARS}
    )
    return {
        "industry": {"benchmark": industry["industry"], "matched": industry["matched"]},
        "currency": "USD",
        **values,
        "growth_rate": size["growth_rate"],
        "som_capped": size["som_capped"],
        "customers_needed": size["customers_needed"],
        "projection": [{"year": row["year"], **row["values"]} for row in growth["rows"]],
        "assumptions": size["assumptions"],
    }


SPEC = register(
    AgentSpec(
        slug="market_sizer",
        name="Market sizer",
        category="research",
        description="Estimates your total, serviceable and obtainable market (TAM, SAM, SOM) and a five-year "
        "projection from industry benchmarks, showing every assumption applied.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=("market.detect_industry", "market.size", "market.projection"),
        routing_examples=(
            "how big is the market for dental SaaS in Europe?",
            "estimate our TAM SAM SOM",
            "what's the total addressable market for a fintech app in the US",
            "market size for martech tools sold to small businesses",
            "how much revenue could we realistically capture as a challenger with 8 sales reps",
            "size the opportunity for our e-commerce platform globally",
            "is this market big enough to build a venture-scale company?",
            "give me a five-year projection of the healthcare software market",
            "serviceable obtainable market for an enterprise CRM",
            "how many customers would we need at $1,200 a year to hit our obtainable market",
            "what share of the market can a niche player win",
            "I need market sizing numbers for our investor deck",
            "addressable market in Asia for our payments product",
            "how large is the opportunity if we expand from Germany to the rest of Europe",
        ),
        system_prompt="You size markets from benchmarks and the user's own figures, and show every assumption. "
        "You never invent market data.",
        run=run,
        example_input={
            "industry": "dental practice management SaaS",
            "geography": "Europe",
            "focus": "smb",
            "position": "challenger",
            "sales_team_size": 8,
            "price_point": 1200,
        },
    )
)
