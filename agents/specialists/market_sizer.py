"""Market sizer: bottom-up TAM, SAM and SOM from potential customer accounts × the annual price.

**What the model judges** (structured output, JSON Schemas below):

- ``customer_industry`` (``CLASSIFY_SCHEMA``): which NAICS 2022 industries the company's customers belong to,
  given the foundation, the input and the candidates a lexical match of the taxonomy offers (any NAICS 2022
  code may be picked; the candidates are suggestions).
- ``market_estimates`` (built per run by ``estimate_schema``): only what neither the input nor a shipped
  dataset gives — accounts per place, the share of accounts inside the served employee range, a target share
  of the serviceable accounts, the yearly growth — each a labelled estimate with low, central value, high and
  its basis.

**What code computes and checks**: the codes exist in NAICS 2022 and do not nest (a code inside another one
chosen is dropped); places are resolved against ISO 3166 (skills/library/geography.py), each once; account
counts come from the input, then the shipped dataset (skills/data/account_counts.csv), then the estimate;
every estimate must have low ≤ value ≤ high (else it is dropped and asked for) and its basis is checked
for claims (skills/library/claims.py: a guarantee or superlative in a basis is flagged); TAM, SAM, SOM and
the projection are exact decimal arithmetic (skills/library/market.py). The price and the sales capacity
(reps, deals per rep a year, years) are the company's own figures: never estimated, asked when missing.

**Offline** (no model answers structured output): the lexical match decides the industry only when it is
clear (else the agent asks for the code, offering the candidates); missing account counts and the size
share are asked for; the target share and the growth rate are left out (SOM is then capped by the sales
capacity alone, and nothing is projected) and listed in ``needs_model`` with the reason. The arithmetic is
the same either way.
"""

from __future__ import annotations

from typing import Any

import pycountry

from agents.registry import AgentContext, AgentSpec, ModelUnavailable, register
from skills.library import claims
from skills.library.account_counts import SOURCE_SCHEMA
from skills.library.geography import GEOGRAPHY_INPUT, PLACE_SCHEMA, RESOLVED_SCHEMA
from skills.library.industries import CANDIDATE_SCHEMA, CODE_PATTERN, TAXONOMY
from skills.library.market import ASSUMPTION_SCHEMA, PROJECTION_YEARS, STAGE_SCHEMA

from .market_sizer_parts import (
    CLASSIFY_SCHEMA,
    Gaps,
    classify_prompt,
    estimate_prompt,
    estimate_schema,
    outermost,
    questions_for,
    usable_estimates,
)

CURRENCIES = sorted(currency.alpha_3 for currency in pycountry.currencies)
PLACE_CODE = {"type": "string", "pattern": "^([A-Z]{2}|US-[A-Z]{2}|WORLD)$"}
_SHARE = {"type": "number", "exclusiveMinimum": 0, "maximum": 1}

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["industry"],
    "additionalProperties": False,
    "properties": {
        "industry": {"type": "string", "minLength": 2, "maxLength": 500,
                     "description": "What the company sells, in words: 'practice software for dental clinics'."},
        "customers": {"type": "string", "maxLength": 500,
                      "description": "Who buys, in words ('independent dental practices'); default: the foundation's "
                      "audience, else the industry text."},
        "naics_codes": {"type": "array", "minItems": 1, "maxItems": 5,
                        "items": {"type": "string", "pattern": CODE_PATTERN},
                        "description": "The customers' NAICS 2022 codes, if you know them (checked to exist)."},
        "geography": {**GEOGRAPHY_INPUT, "description": "Where you sell (the serviceable market). "
                      + GEOGRAPHY_INPUT["description"]},
        "market_geography": {**GEOGRAPHY_INPUT, "description": "The whole market for the TAM, when wider than "
                             "where you sell (default: where you sell)."},
        "employees_min": {"type": "integer", "minimum": 0, "maximum": 1_000_000,
                          "description": "Smallest customer you serve, in employees."},
        "employees_max": {"type": "integer", "minimum": 0, "maximum": 1_000_000,
                          "description": "Largest customer you serve, in employees."},
        "price": {"type": "object", "additionalProperties": False, "required": ["amount", "period", "currency"],
                  "description": "What one account pays you.",
                  "properties": {"amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 1e9},
                                 "period": {"enum": ["month", "year"]}, "currency": {"enum": CURRENCIES}}},
        "accounts": {"type": "array", "maxItems": 300,
                     "description": "Your own counts of potential customer accounts (all sizes) per place.",
                     "items": {"type": "object", "additionalProperties": False, "required": ["place", "count"],
                               "properties": {"place": {**PLACE_CODE, "description": "ISO 3166-1 alpha-2 "
                                                        "('DE'), ISO 3166-2:US ('US-CA') or WORLD."},
                                              "count": {"type": "integer", "minimum": 0, "maximum": 10**9}}}},
        "size_share": {**_SHARE, "description": "Share of the accounts inside your employee range (0–1)."},
        "sales_reps": {"type": "integer", "minimum": 0, "maximum": 100_000, "description": "Salespeople."},
        "deals_per_rep_per_year": {"type": "number", "minimum": 0, "maximum": 100_000,
                                   "description": "New accounts one salesperson closes a year."},
        "horizon_years": {"type": "integer", "minimum": 1, "maximum": 10,
                          "description": "Years over which the SOM is won."},
        "target_share": {**_SHARE, "description": "Share of the serviceable accounts you aim to win (0–1)."},
        "growth_rate": {"type": "number", "minimum": -0.9, "maximum": 2,
                        "description": "Yearly growth of the market, as a fraction (0.04 = 4 %)."},
    },
}  # fmt: skip

OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["customer_industry", "geography", "currency", "annual_price", "tam", "sam", "som",
                 "growth_rate", "projection", "assumptions", "needs_model", "flags"],
    "properties": {
        "customer_industry": {
            "type": "object", "required": ["taxonomy", "codes", "method", "text", "candidates", "rejected"],
            "properties": {
                "taxonomy": {"const": TAXONOMY},
                "codes": {"type": "array", "minItems": 1, "items": {"type": "object"}},
                "method": {"enum": ["input", "model", "lexical", "answer"]},
                "text": {"type": "string", "description": "The words classified."},
                "candidates": {"type": "array", "items": CANDIDATE_SCHEMA},
                "rejected": {"type": "array", "items": {"type": "string"},
                             "description": "Codes given or picked that are not NAICS 2022 codes."},
            },
        },
        "geography": {"type": "object", "required": ["served", "market"],
                      "properties": {"served": RESOLVED_SCHEMA, "market": {"type": "array", "items": PLACE_SCHEMA}}},
        "currency": {"type": "string", "description": "ISO 4217: the price's currency; every value is in it."},
        "annual_price": {"type": "number", "minimum": 0},
        "tam": STAGE_SCHEMA,
        "sam": STAGE_SCHEMA,
        "som": {"anyOf": [{"type": "null"}, {**STAGE_SCHEMA, "required": ["accounts", "value", "limited_by"]}]},
        "growth_rate": {"anyOf": [{"type": "null"}, {"type": "object", "required": ["value", "source"],
                                                     "properties": {"value": {"type": "number"},
                                                                    "source": SOURCE_SCHEMA}}]},
        "projection": {"type": "array", "description": "TAM and SAM compounded at the growth rate; empty without one.",
                       "items": {"type": "object", "required": ["year", "tam", "sam"],
                                 "properties": {"year": {"type": "integer", "minimum": 1},
                                                "tam": {"type": "number"}, "sam": {"type": "number"}}}},
        "assumptions": {"type": "array", "items": ASSUMPTION_SCHEMA},
        "needs_model": {"type": "array", "items": {"type": "object", "required": ["field", "why"],
                                                   "properties": {"field": {"type": "string"},
                                                                  "why": {"type": "string"}}}},
        "flags": {"type": "array", "items": {"type": "string"},
                  "description": "What code found wrong in a model's answer (and did not use)."},
    },
}  # fmt: skip


class Sizing:
    """One run's state: what is known so far, and whether a model answers structured output."""

    def __init__(self, ctx: AgentContext, data: dict[str, Any]):
        self.ctx, self.data = ctx, data
        self.company = str(ctx.foundation.get("company") or "the company")
        self.online: bool | None = None
        self.flags: list[str] = []
        self.needs_model: list[dict[str, str]] = []

    def model_json(self, prompt: str, schema: dict[str, Any], name: str) -> dict[str, Any] | None:
        """A structured answer, or None when no model can give one (then the run is offline from here)."""
        if self.online is False:
            return None
        try:
            answer = self.ctx.llm_json(prompt, schema=schema, name=name, purpose=name)
        except ModelUnavailable:
            self.online = False
            return None
        self.online = True
        return answer


def _customer_text(sizing: Sizing) -> str:
    data, foundation = sizing.data, sizing.ctx.foundation
    return str(data.get("customers") or foundation.get("audience") or data["industry"])


def _classify(sizing: Sizing) -> dict[str, Any]:
    """The customers' NAICS 2022 codes: the input's, else the model's pick, else a clear lexical match, else asked."""
    ctx, text = sizing.ctx, _customer_text(sizing)
    result: dict[str, Any] = {"taxonomy": TAXONOMY, "text": text, "candidates": [], "rejected": []}
    if sizing.data.get("naics_codes"):
        checked = ctx.skill("industry.naics_check", {"codes": sizing.data["naics_codes"]})
        result["rejected"] = checked["unknown"]
        if checked["valid"]:
            return {**result, "codes": outermost(checked["valid"]), "method": "input"}
    found = ctx.skill("industry.naics_candidates", {"text": text})
    result["candidates"] = found["candidates"]
    picked = sizing.model_json(classify_prompt(sizing.company, sizing.data, text, found), CLASSIFY_SCHEMA,
                               "customer_industry")  # fmt: skip
    if picked is not None:
        checked = ctx.skill("industry.naics_check", {"codes": [c["code"] for c in picked["codes"]]})
        result["rejected"] += checked["unknown"]
        if checked["valid"]:
            return {**result, "codes": outermost(checked["valid"]), "method": "model"}
    if not found["too_close"]:
        return {**result, "codes": outermost(found["candidates"][:1]), "method": "lexical"}
    answer = ctx.ask([questions_for.naics(sizing.company, text, found["candidates"])])
    checked = ctx.skill("industry.naics_check", {"codes": [answer["naics_code"]]})
    return {**result, "codes": checked["valid"], "method": "answer"}


def _places(sizing: Sizing, field: str) -> dict[str, Any] | None:
    value = sizing.data.get(field)
    if not value:
        return None
    return sizing.ctx.skill("geography.resolve", {"geography": value})


def _geography(sizing: Sizing, title: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Where the company sells (asked when missing or unresolved), and the whole market (at least that)."""
    served = _places(sizing, "geography")
    if served is None or not served["places"]:
        answer = sizing.ctx.ask([questions_for.geography(sizing.company, title, served)])
        served = sizing.ctx.skill("geography.resolve", {"geography": answer["geography"]})
    market = _places(sizing, "market_geography")
    places = list((market or served)["places"])
    places += [p for p in served["places"] if p["code"] not in {m["code"] for m in places}]
    return served, places


def _counts(sizing: Sizing, codes: list[str], market: list[dict[str, Any]]) -> dict[str, Any]:
    request: dict[str, Any] = {"codes": codes, "places": [p["code"] for p in market],
                               "given": sizing.data.get("accounts", [])}  # fmt: skip
    for field in ("employees_min", "employees_max"):
        if field in sizing.data:
            request[field] = sizing.data[field]
    return sizing.ctx.skill("market.account_counts", request)


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """Classify the customers, resolve the places, count the accounts, fill the gaps (model or person), size."""
    sizing = Sizing(ctx, data)
    industry = _classify(sizing)
    title = " and ".join(code["title"] for code in industry["codes"])
    served, market = _geography(sizing, title)
    counts = _counts(sizing, [c["code"] for c in industry["codes"]], market)
    gaps = Gaps.find(data, counts, served, market)
    estimates: dict[str, Any] = {}
    if gaps.for_model:
        prompt = estimate_prompt(sizing.company, data, title, gaps, market)
        answer = sizing.model_json(prompt, estimate_schema(gaps), "market_estimates")
        if answer is not None:
            estimates = usable_estimates(answer, gaps, sizing.flags, claims.find_claims)
    answers = gaps.ask(ctx, sizing.company, title, estimates, market)
    if sizing.online is False and industry["method"] in {"lexical", "answer"}:
        how = "matched by words alone" if industry["method"] == "lexical" else "asked for"
        why = f"The customers' industry ({title}) was {how}, not judged from {sizing.company}'s description"
        sizing.needs_model.append({"field": "customer_industry", "why": why})
    sizing.needs_model += gaps.unfilled(sizing.online, title, market, estimates)
    size_input = gaps.size_input(data, industry, title, market, served, counts, estimates, answers)
    size = ctx.skill("market.size", size_input)
    growth = gaps.growth_value(data, estimates)
    projection = []
    if growth is not None:
        values = {"tam": size["tam"]["value"], "sam": size["sam"]["value"]}
        rows = ctx.skill("market.projection", {"values": values, "growth_rate": growth["value"],
                                               "years": PROJECTION_YEARS})["rows"]  # fmt: skip
        projection = [{"year": row["year"], **row["values"]} for row in rows]
    notes = size["assumptions"] + gaps.growth_note(growth, title, market)
    return {
        "customer_industry": industry,
        "geography": {"served": served, "market": market},
        "currency": size_input["currency"],
        "annual_price": size["annual_price"],
        "tam": size["tam"],
        "sam": size["sam"],
        "som": size["som"],
        "growth_rate": growth,
        "projection": projection,
        "assumptions": notes,
        "needs_model": sizing.needs_model,
        "flags": sizing.flags,
    }


SPEC = register(
    AgentSpec(
        slug="market_sizer",
        name="Market sizer",
        category="research",
        description="Sizes your market bottom-up: potential customer accounts (your counts, official business "
        "counts, or labelled estimates) × your annual price, narrowed to where and whom you serve, and capped "
        "by what your sales team can close; every figure with its source.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=(
            "industry.naics_check",
            "geography.resolve",
            "market.account_counts",
            "market.size",
            "market.projection",
        ),
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
        system_prompt="You help size a company's market bottom-up. You classify its customers against NAICS "
        "2022 and, only where asked, estimate counts, shares or growth, each labelled as an estimate with a "
        "range and its basis. You never present an estimate as a fact.",
        run=run,
        example_input={
            "industry": "practice management software for dental clinics",
            "customers": "independent dental practices",
            "naics_codes": ["621210"],
            "geography": "Germany",
            "price": {"amount": 149, "period": "month", "currency": "EUR"},
            "accounts": [{"place": "DE", "count": 38500}],
            "sales_reps": 4,
            "deals_per_rep_per_year": 60,
            "horizon_years": 3,
            "target_share": 0.05,
            "growth_rate": 0.03,
        },
    )
)
