"""Unit economics: CAC, LTV, payback and margin from a company's own figures."""

from __future__ import annotations

import math
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

# Healthy when LTV / CAC exceeds this (a common SaaS rule of thumb; see DOMAIN.md).
HEALTHY_LTV_TO_CAC = 3.0

_NUMBER = {"type": "number", "minimum": 0}
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_MAYBE = {"type": ["number", "null"]}


@skill(
    "finance.unit_economics",
    name="Unit economics",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["spend", "leads", "conversion_rate", "arpu", "churn"],
        "properties": {
            "spend": _NUMBER,
            "leads": _NUMBER,
            "conversion_rate": _SHARE,
            "arpu": _NUMBER,
            "churn": _SHARE,
            "cogs_share": _SHARE,
        },
    },
    output_schema={
        "type": "object",
        "required": ["customers", "cac", "ltv", "ltv_to_cac", "payback_months", "gross_margin", "verdict", "notes"],
        "properties": {
            "customers": _NUMBER,
            "cac": _MAYBE,
            "ltv": _MAYBE,
            "ltv_to_cac": _MAYBE,
            "payback_months": _MAYBE,
            "gross_margin": {"type": "number"},
            "verdict": {"enum": ["healthy", "unhealthy", "insufficient_data"]},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
)
def unit_economics(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """CAC = spend ÷ customers won; LTV = ARPU ÷ churn; payback = CAC ÷ monthly gross profit per customer."""
    customers = data["leads"] * data["conversion_rate"]
    gross_margin = 1 - data.get("cogs_share", 0)
    notes: list[str] = []
    cac = _finite(data["spend"] / customers, "CAC", notes) if customers > 0 else None
    if customers <= 0:
        notes.append("No customers won (leads × conversion is 0), so CAC is undefined.")
    ltv = _finite(data["arpu"] / data["churn"], "LTV", notes) if data["churn"] > 0 else None
    if data["churn"] <= 0:
        notes.append("Churn is 0, so lifetime value is unbounded; give a churn rate to compute LTV.")
    ratio = _finite(ltv / cac, "LTV/CAC", notes) if ltv is not None and cac else None
    monthly_profit = data["arpu"] * gross_margin
    payback = _finite(cac / monthly_profit, "Payback", notes) if cac is not None and monthly_profit > 0 else None
    if ratio is None:
        verdict = "insufficient_data"
    else:
        verdict = "healthy" if ratio > HEALTHY_LTV_TO_CAC else "unhealthy"
        notes.append(f"LTV/CAC is {ratio:.2f}; healthy means above {HEALTHY_LTV_TO_CAC:g}.")
    return {
        "customers": round(customers, 4),
        "cac": _round(cac),
        "ltv": _round(ltv),
        "ltv_to_cac": _round(ratio),
        "payback_months": _round(payback),
        "gross_margin": round(gross_margin, 4),
        "verdict": verdict,
        "notes": notes,
    }


def _finite(value: float, name: str, notes: list[str]) -> float | None:
    """The value, or None with a note when it overflows a float (a divisor so small the quotient is infinite)."""
    if math.isfinite(value):
        return value
    notes.append(f"{name} is too large to state: the divisor is too close to 0 for these figures.")
    return None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
