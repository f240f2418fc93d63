"""Planning: campaigns from templates, budgets split by weight, dated schedules and review points.

DOMAIN.md gives the lead-generation template in full (21 days; paid search 40 %,
social 30 %, email 20 %, landing pages 10 %; $50 a lead) and only the durations
of the others. The remaining splits and costs per lead are defaults to tune:

* awareness, 30 days, $120 a lead — reach first: social 35, display 25, content 25, PR 15;
* conversion, 14 days, $35 — warm audiences: retargeting 35, email 30, paid search 25, landing pages 10;
* retention, 60 days, $20 — existing customers: email 50, content 20, community 20, social 10;
* launch, 45 days, $80 — PR 25, social 25, paid search 20, email 15, content 15;
* promotion, 7 days, $30 — email 40, social 30, paid search 20, retargeting 10.

Choices where DOMAIN.md is silent:

* **Channels chosen by the user** keep their template share; a chosen channel
  the template lacks gets the template's mean share; the shares are then scaled
  back to 100 %. No channels means the template as is.
* **Money** is split to the cent by largest remainder, so the amounts add up to
  the total exactly (and shares to exactly 100 %).
* **Days.** Day 1 is the start date; a plan of N days ends on day N. Review
  points are day 7, the midpoint (N ÷ 2 rounded up) and day N − 7, dropping any
  outside 1..N and any repeat: a 7-day promotion reviews on days 4 and 7, a
  14-day conversion campaign only on day 7.
* **Expected leads** = budget ÷ cost per lead, rounded down (a lead is whole)
  and never more than the audience.
* **Dates** must be real calendar dates between 1900 and 2099; a day past the
  month's end (2025-02-30) is moved to the month's last day and said so.

Moves live in skills/library/moves.py.
"""

from __future__ import annotations

import calendar
import math
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

CAMPAIGN_TEMPLATES: dict[str, dict[str, Any]] = {
    "awareness": {"days": 30, "cost_per_lead": 120, "split": {"social": 35, "display": 25, "content": 25, "pr": 15}},
    "lead_generation": {
        "days": 21,
        "cost_per_lead": 50,
        "split": {"paid_search": 40, "social": 30, "email": 20, "landing_pages": 10},
    },
    "conversion": {
        "days": 14,
        "cost_per_lead": 35,
        "split": {"retargeting": 35, "email": 30, "paid_search": 25, "landing_pages": 10},
    },
    "retention": {
        "days": 60,
        "cost_per_lead": 20,
        "split": {"email": 50, "content": 20, "communities": 20, "social": 10},
    },
    "launch": {
        "days": 45,
        "cost_per_lead": 80,
        "split": {"pr": 25, "social": 25, "paid_search": 20, "email": 15, "content": 15},
    },
    "promotion": {
        "days": 7,
        "cost_per_lead": 30,
        "split": {"email": 40, "social": 30, "paid_search": 20, "retargeting": 10},
    },
}
OBJECTIVES = tuple(CAMPAIGN_TEMPLATES)

# The channels a campaign can use (what to measure on each: channels.kpis).
CAMPAIGN_CHANNELS = (
    "paid_search", "social", "email", "landing_pages", "content", "display", "pr", "retargeting", "communities",
    "events", "partnerships",
)  # fmt: skip

AUDIENCE_SIZES = {"general": 1_000_000, "b2b": 500_000, "b2c": 2_000_000, "enterprise": 100_000, "smb": 300_000}
FIRST_REVIEW_DAY = 7
LAST_REVIEW_BEFORE_END = 7

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


def apportion(units: int, weights: list[float]) -> list[int]:
    """Split whole ``units`` in proportion to ``weights`` by largest remainder (exact; ties go to the earlier item).

    All-zero weights share equally.
    """
    if not weights:
        return []
    exact_weights = [Fraction(w) for w in weights]
    if sum(exact_weights) <= 0:
        exact_weights = [Fraction(1)] * len(weights)
    total = sum(exact_weights)
    exact = [units * w / total for w in exact_weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: units - sum(parts)]:
        parts[i] += 1
    return parts


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
            "weights": {
                "type": "array",
                "maxItems": 50,
                "items": WEIGHTED_ITEM,
            },
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
    cents = round(data["total"] * 100)
    basis_points = apportion(10_000, weights)
    amounts = apportion(cents, weights)
    allocations = [
        {"name": name, "share": bp / 10_000, "amount": amount / 100}
        for name, bp, amount in zip(names, basis_points, amounts, strict=True)
    ]
    return {"total": cents / 100, "allocations": allocations}


def _channel_weights(split: dict[str, float], chosen: list[str]) -> dict[str, float]:
    """The template split, narrowed to the chosen channels; a chosen channel it lacks gets the mean share."""
    if not chosen:
        return dict(split)
    mean = sum(split.values()) / len(split)
    return {channel: split.get(channel, mean) for channel in dict.fromkeys(chosen)}


def _as_percent(weights: dict[str, float]) -> dict[str, float]:
    """Percentages to two decimals that add up to exactly 100."""
    basis_points = apportion(10_000, list(weights.values()))
    return {channel: bp / 100 for channel, bp in zip(weights, basis_points, strict=True)}


@skill(
    "planning.campaign_template",
    name="Campaign template",
    category=SkillCategory.STRATEGY,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["objective"],
        "properties": {
            "objective": {"enum": list(OBJECTIVES)},
            "channels": {"type": "array", "maxItems": 11, "items": {"enum": list(CAMPAIGN_CHANNELS)}},
            "duration_days": {"type": "integer", "minimum": 1, "maximum": 365},
            "cost_per_lead": {"type": "number", "minimum": 0.01, "maximum": 1e6},
        },
    },
    output_schema={
        "type": "object",
        "required": ["objective", "duration_days", "cost_per_lead", "channels"],
        "properties": {
            "objective": {"enum": list(OBJECTIVES)},
            "duration_days": {"type": "integer", "minimum": 1},
            "cost_per_lead": {"type": "number", "exclusiveMinimum": 0},
            "channels": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["channel", "percent"],
                    "properties": {
                        "channel": {"enum": list(CAMPAIGN_CHANNELS)},
                        "percent": {"type": "number", "minimum": 0, "maximum": 100},
                    },
                },
            },
        },
    },
)
def campaign_template(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """The objective's template: duration, cost per lead and channel split (narrowed to the chosen channels)."""
    template = CAMPAIGN_TEMPLATES[data["objective"]]
    percents = _as_percent(_channel_weights(template["split"], data.get("channels", [])))
    return {
        "objective": data["objective"],
        "duration_days": data.get("duration_days", template["days"]),
        "cost_per_lead": data.get("cost_per_lead", template["cost_per_lead"]),
        "channels": [{"channel": channel, "percent": percent} for channel, percent in percents.items()],
    }


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
            "duration_days": {"type": "integer", "minimum": 1, "maximum": 3650},
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
    timeline = [{"day": 1, "date": day_date(start, 1), "kind": "start", "label": "Launch"}]
    timeline += [
        {"day": d, "date": day_date(start, d), "kind": "review", "label": f"Review {i}: results against targets"}
        for i, d in enumerate(days, start=1)
    ]
    timeline.append({"day": duration, "date": day_date(start, duration), "kind": "end", "label": "End and report"})
    return {
        "start_date": start.isoformat(),
        "end_date": day_date(start, duration),
        "review_days": days,
        "timeline": timeline,
        "notes": notes,
    }


@skill(
    "planning.campaign_forecast",
    name="Campaign forecast",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["total_budget", "duration_days", "cost_per_lead"],
        "properties": {
            "total_budget": _MONEY,
            "duration_days": {"type": "integer", "minimum": 1, "maximum": 3650},
            "cost_per_lead": {"type": "number", "minimum": 0.01, "maximum": 1e6},
            "audience": {"enum": list(AUDIENCE_SIZES)},
        },
    },
    output_schema={
        "type": "object",
        "required": ["daily_cap", "audience_size", "expected_leads", "audience_share", "notes"],
        "properties": {
            "daily_cap": _MONEY,
            "audience_size": {"type": "integer", "minimum": 0},
            "expected_leads": {"type": "integer", "minimum": 0},
            "audience_share": _SHARE,
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
)
def campaign_forecast(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Daily cap = budget ÷ days; leads = budget ÷ cost per lead (whole, at most the audience); audience by kind."""
    budget, audience = data["total_budget"], data.get("audience", "general")
    size = AUDIENCE_SIZES[audience]
    leads = math.floor(budget / data["cost_per_lead"])
    notes = []
    if leads > size:
        notes.append(f"Budget buys {leads:,} leads but the {audience} audience is {size:,}; capped at the audience.")
        leads = size
    return {
        "daily_cap": round(budget / data["duration_days"], 2),
        "audience_size": size,
        "expected_leads": leads,
        "audience_share": round(leads / size, 6),
        "notes": notes,
    }
