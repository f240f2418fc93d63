"""Market sizing: TAM, SAM and SOM from industry benchmarks, adjusted factor by factor.

The rules are DOMAIN.md's; every factor that changes a figure is returned as an
assumption so the user can see why the number is what it is.

Choices where DOMAIN.md is silent (all constants below are defaults to tune):

* **Benchmarks.** Only SaaS is given ($50B TAM, SAM 15 % of TAM, SOM 2 % of SAM,
  12 % growth). The others are set relative to it: fintech $45B / 10 % / 1.5 % /
  16 % (licences and trust narrow the serviceable part; faster growth), martech
  $25B / 20 % / 2 % / 10 % (smaller, easy to reach online), e-commerce $60B /
  10 % / 1 % / 9 % (large but crowded), healthcare $40B / 10 % / 1 % / 8 %
  (regulated, slow sales cycles); anything else $20B / 15 % / 2 % / 8 %.
* **Industry from free text**, by whole words, first match in this order:
  fintech, martech, e-commerce, SaaS, healthcare. The software categories come
  before the healthcare vertical because a vendor's market is what its buyers
  spend on its kind of product: "dental SaaS" is sized as SaaS.
* **Geography** is free text resolved to a *scope* (a TAM factor) and *regions*
  (SAM factors). Scope: "global"/"worldwide"/"international" ×1.5; emerging
  markets (emerging, LATAM, Africa, Middle East, Brazil…) ×0.7; "regional",
  "local", "national" or a single country ×0.3; a continent alone (North
  America, Europe, Asia) or nothing recognised ×1.0, the benchmark as is.
  Regions: North America ×0.4, Europe ×0.3, Asia ×0.35 — a country counts as
  its continent, several regions add up (at most ×1.0). **Global ignores the
  regional factors**: a company selling everywhere serves every region, so the
  SAM is not cut to one slice.
* **Focus** general ×1.0; **position** new entrant ×1.0 (the default).
* **Price point** is the annual price per customer; when given, the SOM is also
  expressed as the number of paying customers it takes.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill


def _kw(words: str) -> tuple[str, ...]:
    """A keyword tuple from a comma-separated list (keeps long lists on a few lines)."""
    return tuple(word.strip() for word in words.split(","))


# industry: (TAM in USD, SAM share of TAM, SOM share of SAM, yearly growth)
BENCHMARKS: dict[str, tuple[float, float, float, float]] = {
    "saas": (50e9, 0.15, 0.02, 0.12),
    "fintech": (45e9, 0.10, 0.015, 0.16),
    "martech": (25e9, 0.20, 0.02, 0.10),
    "ecommerce": (60e9, 0.10, 0.01, 0.09),
    "healthcare": (40e9, 0.10, 0.01, 0.08),
    "other": (20e9, 0.15, 0.02, 0.08),
}
INDUSTRIES = tuple(BENCHMARKS)

# Checked in this order; the first industry with a keyword in the text wins.
INDUSTRY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "fintech": _kw("fintech, payments, payment, banking, neobank, lending, insurtech, wealthtech, crypto"),
    "martech": _kw("martech, marketing technology, marketing software, marketing automation, adtech, crm"),
    "ecommerce": _kw(
        "e-commerce, ecommerce, online store, online shop, webshop, online retail, retail, d2c, dtc, "
        "direct to consumer, shopify"
    ),
    "saas": _kw("saas, software, software as a service, cloud software, platform, app, apps"),
    "healthcare": _kw(
        "healthcare, health, healthtech, medtech, medical, clinic, clinics, hospital, hospitals, dental, dentist, "
        "dentists, telehealth, pharma, patients"
    ),
}

GEO_SCOPE_FACTORS = {"global": 1.5, "emerging": 0.7, "regional": 0.3, "continental": 1.0}
SCOPE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "global": _kw("global, globally, worldwide, international, everywhere"),
    "emerging": _kw(
        "emerging, emerging markets, latam, latin america, south america, africa, middle east, mena, brazil, "
        "nigeria, kenya, indonesia, vietnam"
    ),
    "regional": _kw("regional, local, national, domestic"),
}
REGION_SAM_FACTORS = {"north_america": 0.4, "europe": 0.3, "asia": 0.35}
# Continents are regions; countries are regions too, but also make the scope "regional".
CONTINENT_KEYWORDS = {
    "north_america": _kw("north america, north american"),
    "europe": _kw("europe, european, eu, emea"),
    "asia": _kw("asia, asian, apac, asia pacific"),
}
COUNTRY_KEYWORDS = {
    "north_america": _kw("us, usa, u.s., united states, canada, mexico"),
    "europe": _kw(
        "uk, united kingdom, britain, germany, france, spain, italy, netherlands, ireland, sweden, norway, "
        "denmark, finland, poland, switzerland, nordics, dach, benelux"
    ),
    "asia": _kw("china, japan, india, singapore, korea, south korea, australia, hong kong, taiwan"),
}

FOCUS_FACTORS = {"general": 1.0, "enterprise": 0.8, "smb": 1.2}
POSITION_FACTORS = {"new_entrant": 1.0, "leader": 3.0, "challenger": 1.5, "niche": 0.5}
# (headcount strictly above, SOM multiplier), checked from the largest.
SALES_TEAM_FACTORS = ((20, 2.0), (5, 1.2))
SOM_CAP_SHARE_OF_SAM = 0.15
PROJECTION_YEARS = 5
STAGES = ("tam", "sam", "som", "projection")

MAX_MONEY = 1e15
# The largest value market.projection compounds: above any market market.size can return (a global scope of the
# largest base TAM is 1.5e15), and exact in JSON (a float like 1e300 would come back from PostgreSQL's jsonb as
# a different number).
MAX_PROJECTABLE = 1e20
_MONEY = {"type": "number", "minimum": 0}
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_GROWTH = {"type": "number", "minimum": -0.9, "maximum": 2}


@cache
def _pattern(keyword: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in keyword.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def keyword_hits(text: str, keywords: tuple[str, ...]) -> list[str]:
    """The keywords found in ``text`` as whole words, case-insensitive ("authors" does not contain "auth")."""
    return [keyword for keyword in keywords if _pattern(keyword).search(text)]


@skill(
    "market.detect_industry",
    name="Detect industry",
    category=SkillCategory.RESEARCH,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["text"],
        "properties": {"text": {"type": "string", "maxLength": 5000}},
    },
    output_schema={
        "type": "object",
        "required": ["industry", "matched"],
        "properties": {
            "industry": {"enum": list(INDUSTRIES)},
            "matched": {"type": "array", "items": {"type": "string"}},
        },
    },
)
def detect_industry(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Map free text ("dental SaaS", "payments API") to a benchmark industry by whole-word keywords."""
    for industry, keywords in INDUSTRY_KEYWORDS.items():
        hits = keyword_hits(data["text"], keywords)
        if hits:
            return {"industry": industry, "matched": hits}
    return {"industry": "other", "matched": []}


def _assumption(applies_to: str, factor: str, multiplier: float, reason: str) -> dict[str, Any]:
    return {"applies_to": applies_to, "factor": factor, "multiplier": multiplier, "reason": reason}


def resolve_geography(text: str) -> dict[str, Any]:
    """Scope (TAM factor) and regions (SAM factors) named in a free-text geography."""
    regions = [r for r in REGION_SAM_FACTORS if keyword_hits(text, CONTINENT_KEYWORDS[r] + COUNTRY_KEYWORDS[r])]
    countries = [hit for r in REGION_SAM_FACTORS for hit in keyword_hits(text, COUNTRY_KEYWORDS[r])]
    scope = next((s for s, words in SCOPE_KEYWORDS.items() if keyword_hits(text, words)), None)
    if scope is None:
        scope = "regional" if countries else "continental"
    if scope == "global":
        regions = []  # selling everywhere: no regional slice of the SAM
    return {"scope": scope, "regions": regions, "countries": countries}


def _geography_assumptions(geo: dict[str, Any], text: str) -> list[dict[str, Any]]:
    scope = geo["scope"]
    found = f"'{text.strip()[:80]}'" if text.strip() else "no geography given"
    reasons = {
        "global": "sold worldwide; regional SAM factors not applied",
        "emerging": "emerging markets",
        "regional": f"a single country or local market ({', '.join(geo['countries']) or 'regional'})",
        "continental": "a continent or no scope named: benchmark TAM as is",
    }
    notes = [_assumption("tam", f"geography scope: {scope}", GEO_SCOPE_FACTORS[scope], f"{found}: {reasons[scope]}")]
    for region in geo["regions"]:
        factor = REGION_SAM_FACTORS[region]
        notes.append(_assumption("sam", f"region: {region}", factor, f"{region} share of the serviceable market"))
    return notes


def _region_factor(regions: list[str]) -> float:
    return min(1.0, sum(REGION_SAM_FACTORS[r] for r in regions)) if regions else 1.0


def _team_factor(team: int) -> float:
    return next((factor for above, factor in SALES_TEAM_FACTORS if team > above), 1.0)


def _benchmark(data: dict[str, Any]) -> tuple[float, float, float, float]:
    tam, sam_share, som_share, growth = BENCHMARKS[data["industry"]]
    return (
        data.get("base_tam", tam),
        data.get("sam_share", sam_share),
        data.get("som_share", som_share),
        data.get("growth_rate", growth),
    )


def _benchmark_assumptions(industry: str, bench: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    tam, sam_share, som_share, growth = bench
    return [
        _assumption("tam", f"benchmark TAM: {industry}", 1.0, f"${tam:,.0f} starting market for {industry}"),
        _assumption("sam", "SAM share of TAM", sam_share, f"{sam_share:.1%} of the market is serviceable"),
        _assumption("som", "SOM share of SAM", som_share, f"{som_share:.1%} of the serviceable market is obtainable"),
        _assumption("projection", "yearly growth", 1 + growth, f"{growth:.1%} a year for the projection"),
    ]


def _size_factors(data: dict[str, Any]) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Each factor that scales TAM, SAM or SOM, and the assumption that explains it."""
    geo = resolve_geography(data.get("geography", ""))
    focus, position = data.get("focus", "general"), data.get("position", "new_entrant")
    team = data.get("sales_team_size", 0)
    factors = {
        "scope": GEO_SCOPE_FACTORS[geo["scope"]],
        "region": _region_factor(geo["regions"]),
        "focus": FOCUS_FACTORS[focus],
        "position": POSITION_FACTORS[position],
        "team": _team_factor(team),
    }
    notes = _geography_assumptions(geo, data.get("geography", ""))
    notes.append(_assumption("sam", f"focus: {focus}", factors["focus"], f"{focus} buyers"))
    notes.append(_assumption("som", f"position: {position}", factors["position"], f"a {position} wins this share"))
    notes.append(_assumption("som", "sales team", factors["team"], f"{team} salespeople (×2 above 20, ×1.2 above 5)"))
    return factors, notes


def _in_stage_order(notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """TAM, then SAM, then SOM, then growth, so the list reads like the calculation."""
    return sorted(notes, key=lambda note: STAGES.index(note["applies_to"]))


def _customers(som: float, price: float | None) -> int | None:
    return None if not price else math.ceil(som / price)


@skill(
    "market.size",
    name="TAM, SAM and SOM",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["industry"],
        "properties": {
            "industry": {"enum": list(INDUSTRIES)},
            "geography": {"type": "string", "maxLength": 500},
            "focus": {"enum": list(FOCUS_FACTORS)},
            "position": {"enum": list(POSITION_FACTORS)},
            "sales_team_size": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
            "price_point": {"type": "number", "minimum": 1, "maximum": 1e9},
            "base_tam": {**_MONEY, "maximum": MAX_MONEY},
            "sam_share": _SHARE,
            "som_share": _SHARE,
            "growth_rate": _GROWTH,
        },
    },
    output_schema={
        "type": "object",
        "required": ["tam", "sam", "som", "growth_rate", "som_capped", "customers_needed", "assumptions"],
        "properties": {
            "tam": _MONEY,
            "sam": _MONEY,
            "som": _MONEY,
            "growth_rate": _GROWTH,
            "som_capped": {"type": "boolean"},
            "customers_needed": {"type": ["integer", "null"], "minimum": 0},
            "assumptions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["applies_to", "factor", "multiplier", "reason"],
                    "properties": {
                        "applies_to": {"enum": list(STAGES)},
                        "factor": {"type": "string"},
                        "multiplier": {"type": "number", "minimum": 0},
                        "reason": {"type": "string"},
                    },
                },
            },
        },
    },
)
def market_size(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """TAM = benchmark × scope; SAM = TAM × share × focus × region; SOM = SAM × share × position × team.

    The SOM never exceeds 15 % of the SAM.
    """
    bench = _benchmark(data)
    factors, notes = _size_factors(data)
    tam = bench[0] * factors["scope"]
    sam = tam * bench[1] * factors["focus"] * factors["region"]
    if sam > tam:  # a share near 1 with the SMB focus: the serviceable market is at most the whole market
        sam = tam
        notes.append(_assumption("sam", "cap", 1.0, "SAM held at TAM: a market cannot serve more than all of it"))
    uncapped = sam * bench[2] * factors["position"] * factors["team"]
    som = min(uncapped, sam * SOM_CAP_SHARE_OF_SAM)
    capped = uncapped > som
    if capped:
        notes.append(_assumption("som", "cap", SOM_CAP_SHARE_OF_SAM, "SOM held at 15 % of SAM, the most obtainable"))
    return {
        "tam": round(tam, 2),
        "sam": round(sam, 2),
        "som": round(som, 2),
        "growth_rate": bench[3],
        "som_capped": capped,
        "customers_needed": _customers(som, data.get("price_point")),
        "assumptions": _in_stage_order(_benchmark_assumptions(data["industry"], bench) + notes),
    }


@skill(
    "market.projection",
    name="Growth projection",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["values", "growth_rate"],
        "properties": {
            "values": {
                "type": "object",
                "maxProperties": 10,
                "propertyNames": {"maxLength": 100},
                "additionalProperties": {**_MONEY, "maximum": MAX_PROJECTABLE},
            },
            "growth_rate": _GROWTH,
            "years": {"type": "integer", "minimum": 1, "maximum": 10},
        },
    },
    output_schema={
        "type": "object",
        "required": ["growth_rate", "rows"],
        "properties": {
            "growth_rate": _GROWTH,
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["year", "values"],
                    "properties": {
                        "year": {"type": "integer", "minimum": 1},
                        "values": {"type": "object", "additionalProperties": _MONEY},
                    },
                },
            },
        },
    },
)
def projection(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Compound each value at the growth rate: value × (1 + growth) ^ year, for years 1 to N (default 5)."""
    growth, years = data["growth_rate"], data.get("years", PROJECTION_YEARS)
    rows = [
        {"year": year, "values": {name: round(v * (1 + growth) ** year, 2) for name, v in data["values"].items()}}
        for year in range(1, years + 1)
    ]
    return {"growth_rate": growth, "rows": rows}
