"""Planning: budgets split by weight, dated schedules with review points, and a campaign's forecast.

Every figure is computed from figures the caller states (the campaign planner says where each came from: the
input, an answer, or a labelled model estimate); nothing here is a benchmark. The old per-objective templates
(duration, channel split, cost per lead) and audience sizes per kind are gone (decision 0019).

Rules, each with why it holds:

* **Money** is split to the cent by largest remainder, so the amounts add up to the total exactly (and shares to
  exactly 100 %); see skills/library/money.py.
* **Daily cap** = budget ÷ days, floored to the cent: spending the cap every day never overspends the budget.
* **Expected leads** = budget ÷ cost per lead, floored on exact decimals (a lead is whole; $1,070 at $1.07 is
  1,000 leads), never more than the audience. A cost-per-lead range gives a leads range: the high cost gives the
  low count.
* **Pacing is linear**: by day d of N, d/N of the budget is spent (that is what a daily cap does) and, at a
  steady cost per lead, d/N of the leads have come in; each checkpoint's figures are floored.
* **Days.** Day 1 is the start date; a plan of N days ends on day N. Review points are day 7, the midpoint (N ÷ 2
  rounded up) and day N − 7, dropping any outside 1..N and any repeat. Day 7 because a week is the shortest window
  with every weekday in it and the ad platforms' learning windows are counted in weeks (Meta: about 50
  optimisation events within 7 days; see skills/library/channels.py); N − 7 leaves a last week to act on what the
  review finds.
* **Dates** must be real calendar dates between 1900 and 2099; a day past the month's end (2025-02-30) is moved
  to the month's last day and said so.

Moves live in skills/library/moves.py.
"""

from __future__ import annotations

import calendar
import math
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .money import apportion, floor_cents_per, floor_units, money, to_cents

# What a campaign is for: names the objective (the planner's model judges what it means for the plan).
OBJECTIVES = ("awareness", "lead_generation", "conversion", "retention", "launch", "promotion")

# The channels a campaign can use (what to measure on each: channels.kpis).
CAMPAIGN_CHANNELS = (
    "paid_search", "social", "email", "landing_pages", "content", "display", "pr", "retargeting", "communities",
    "events", "partnerships",
)  # fmt: skip

FIRST_REVIEW_DAY = 7
LAST_REVIEW_BEFORE_END = 7
MAX_DAYS = 3650

# YYYY-MM-DD between 1900 and 2099, by pattern: the runtime's validator does not check "format".
DATE_SCHEMA = {
    "type": "string",
    "pattern": r"^(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
    "maxLength": 10,
    "description": "A date, YYYY-MM-DD.",
}
_MONEY = {"type": "number", "minimum": 0, "maximum": 1e12}
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_NAME = {"type": "string", "maxLength": 200}
# A named share, for anything split by weight (budgets here, phases in moves.py).
WEIGHTED_ITEM = {
    "type": "object",
    "required": ["name", "weight"],
    "additionalProperties": False,
    "properties": {"name": _NAME, "weight": {"type": "number", "minimum": 0, "maximum": 1e6}},
}

__all__ = ["DATE_SCHEMA", "WEIGHTED_ITEM", "apportion", "day_date", "parse_date"]


def parse_date(text: str) -> tuple[date, list[str]]:
    """A schema-valid YYYY-MM-DD as a date; a day past the month's end becomes its last day (with a note)."""
    year, month, day = (int(part) for part in text.split("-"))
    last = calendar.monthrange(year, month)[1]
    if day <= last:
        return date(year, month, day), []
    fixed = date(year, month, last)
    return fixed, [f"{text} is not a calendar date; used {fixed.isoformat()}, the last day of that month."]


def day_date(start: date, day: int) -> str:
    """The date of day ``day`` of a plan starting on ``start`` (day 1)."""
    return (start + timedelta(days=day - 1)).isoformat()


@skill(
    "planning.allocate_budget",
    name="Allocate a budget by weight",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["total", "weights"],
        "properties": {
            "total": _MONEY,
            "weights": {"type": "array", "maxItems": 50, "items": WEIGHTED_ITEM},
        },
    },
    output_schema={
        "type": "object",
        "required": ["total", "allocations"],
        "properties": {
            "total": _MONEY,
            "allocations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "share", "amount"],
                    "properties": {"name": {"type": "string"}, "share": _SHARE, "amount": _MONEY},
                },
            },
        },
    },
)
def allocate_budget(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Split a total by weight: shares to 0.01 % and amounts to the cent, each adding up exactly."""
    names = [item["name"] for item in data["weights"]]
    weights = [item["weight"] for item in data["weights"]]
    cents = to_cents(data["total"])
    amounts = apportion(cents, weights)
    basis_points = apportion(10_000, weights)
    allocations = [
        {"name": name, "share": bp / 10_000, "amount": money(amount)}
        for name, bp, amount in zip(names, basis_points, amounts, strict=True)
    ]
    return {"total": money(cents), "allocations": allocations}


def review_days(duration: int) -> list[int]:
    """Day 7, the midpoint (rounded up) and duration − 7, kept within 1..duration, without repeats, in order."""
    candidates = (FIRST_REVIEW_DAY, math.ceil(duration / 2), duration - LAST_REVIEW_BEFORE_END)
    return sorted({day for day in candidates if 1 <= day <= duration})


_MILESTONE = {
    "type": "object",
    "required": ["day", "date", "kind", "label"],
    "properties": {
        "day": {"type": "integer", "minimum": 1},
        "date": {"type": "string"},
        "kind": {"enum": ["start", "review", "end"]},
        "label": {"type": "string"},
    },
}


@skill(
    "planning.review_schedule",
    name="Review schedule",
    category=SkillCategory.OPERATIONS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["start_date", "duration_days"],
        "properties": {
            "start_date": DATE_SCHEMA,
            "duration_days": {"type": "integer", "minimum": 1, "maximum": MAX_DAYS},
        },
    },
    output_schema={
        "type": "object",
        "required": ["start_date", "end_date", "review_days", "timeline", "notes"],
        "properties": {
            "start_date": {"type": "string"},
            "end_date": {"type": "string"},
            "review_days": {"type": "array", "items": {"type": "integer", "minimum": 1}},
            "timeline": {"type": "array", "items": _MILESTONE},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
)
def review_schedule(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Start, review points (day 7, midpoint, end − 7) and end of a plan, each with its date."""
    start, notes = parse_date(data["start_date"])
    duration = data["duration_days"]
    days = review_days(duration)
    timeline = [{"day": 1, "date": day_date(start, 1), "kind": "start", "label": "Start"}]
    timeline += [
        {"day": d, "date": day_date(start, d), "kind": "review", "label": f"Review {i}"}
        for i, d in enumerate(days, start=1)
    ]
    timeline.append({"day": duration, "date": day_date(start, duration), "kind": "end", "label": "End"})
    return {
        "start_date": start.isoformat(),
        "end_date": day_date(start, duration),
        "review_days": days,
        "timeline": timeline,
        "notes": notes,
    }


_RANGE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["low", "high"],
}
_COUNT_RANGE = {"type": "object", "required": ["low", "high"], "properties": {
    "low": {"type": "integer", "minimum": 0}, "high": {"type": "integer", "minimum": 0}}}  # fmt: skip


def _ordered(pair: dict[str, Any]) -> tuple[Any, Any]:
    return min(pair["low"], pair["high"]), max(pair["low"], pair["high"])


def _leads(budget_cents: int, cost_per_lead: dict[str, Any], audience: dict[str, Any]) -> dict[str, Any]:
    """Leads bought at the high and low cost per lead, each capped by the matching end of the audience."""
    cheap, dear = _ordered(cost_per_lead)
    small, large = _ordered(audience)
    budget = Decimal(budget_cents) / 100
    bought = {"low": floor_units(budget, dear), "high": floor_units(budget, cheap)}
    expected = {"low": min(bought["low"], small), "high": min(bought["high"], large)}
    return {"bought": bought, "expected": expected, "capped": expected != bought}


def _checkpoint(day: int, duration: int, budget_cents: int, leads: dict[str, int]) -> dict[str, Any]:
    return {
        "day": day,
        "spend": money(budget_cents * day // duration),
        "leads_low": leads["low"] * day // duration,
        "leads_high": leads["high"] * day // duration,
    }


@skill(
    "planning.campaign_forecast",
    name="Campaign forecast",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["total_budget", "duration_days", "cost_per_lead", "audience_size"],
        "properties": {
            "total_budget": _MONEY,
            "duration_days": {"type": "integer", "minimum": 1, "maximum": MAX_DAYS},
            "cost_per_lead": {
                **_RANGE,
                "properties": {
                    "low": {"type": "number", "minimum": 0.01, "maximum": 1e6},
                    "high": {"type": "number", "minimum": 0.01, "maximum": 1e6},
                },
            },
            "audience_size": {
                **_RANGE,
                "properties": {
                    "low": {"type": "integer", "minimum": 1, "maximum": 10**10},
                    "high": {"type": "integer", "minimum": 1, "maximum": 10**10},
                },
            },
            "checkpoints": {"type": "array", "maxItems": 20, "items": {"type": "integer", "minimum": 1}},
        },
    },
    output_schema={
        "type": "object",
        "required": [
            "daily_cap",
            "bought_leads",
            "expected_leads",
            "capped_by_audience",
            "audience_share",
            "checkpoints",
        ],
        "properties": {
            "daily_cap": _MONEY,
            "bought_leads": _COUNT_RANGE,
            "expected_leads": _COUNT_RANGE,
            "capped_by_audience": {"type": "boolean"},
            "audience_share": {
                "type": "object",
                "required": ["low", "high"],
                "properties": {"low": _SHARE, "high": _SHARE},
            },
            "checkpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["day", "spend", "leads_low", "leads_high"],
                    "properties": {
                        "day": {"type": "integer"},
                        "spend": _MONEY,
                        "leads_low": {"type": "integer"},
                        "leads_high": {"type": "integer"},
                    },
                },
            },
        },
    },
)
def campaign_forecast(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Daily cap (floored to the cent), leads bought at the cost-per-lead range (exact floors, at most the
    audience), the audience share they reach, and linear-pace spend and leads at each checkpoint day."""
    budget, days = to_cents(data["total_budget"]), data["duration_days"]
    leads = _leads(budget, data["cost_per_lead"], data["audience_size"])
    small, large = _ordered(data["audience_size"])
    expected = leads["expected"]
    checkpoints = sorted({d for d in data.get("checkpoints", []) if d <= days})
    return {
        "daily_cap": money(floor_cents_per(budget, days)),
        "bought_leads": leads["bought"],
        "expected_leads": expected,
        "capped_by_audience": leads["capped"],
        "audience_share": {
            "low": min(1.0, round(expected["low"] / large, 6)),
            "high": min(1.0, round(expected["high"] / small, 6)),
        },
        "checkpoints": [_checkpoint(d, days, budget, expected) for d in checkpoints],
    }
