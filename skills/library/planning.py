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

Moves (DOMAIN.md gives days, factors, cost ranges and the success rule):

* **Duration** = default days × timeline × risk, rounded half up to whole days
  (21 × 0.5 = 10.5 → 11). The shortest possible move is 8 days, so each of the
  five phases always gets at least one.
* **Phases** take their share of the days by the weights in MOVE_PHASES (largest
  remainder, ties to the earlier phase), back to back from the start date.
* **Constraints** count once each: blank entries and repeats (ignoring case and
  spacing) do not lower the odds.
* **Risks** come from the move type, the risk level (aggressive: compressed
  timeline; conservative: slower than competitors), a low budget (spread over
  more than two channels, or for a product or market move), no channels named,
  and each constraint. KPIs come from the move type; the agent adds each
  channel's. Next steps are written by the model.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from skills.choices import SkillCategory, SkillKind
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
                "items": {
                    "type": "object",
                    "required": ["name", "weight"],
                    "additionalProperties": False,
                    "properties": {"name": _NAME, "weight": {"type": "number", "minimum": 0, "maximum": 1e6}},
                },
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


# --- Moves ------------------------------------------------------------------------------------

MOVE_TYPES = ("campaign", "content", "product", "market", "partnership")
MOVE_DAYS = {"campaign": 30, "content": 21, "product": 90, "market": 180, "partnership": 60}
TIMELINE_FACTORS = {"short": 0.5, "medium": 1.0, "long": 2.0}
RISK_LEVELS = ("conservative", "moderate", "aggressive")
RISK_DURATION_FACTORS = {"conservative": 1.2, "moderate": 1.0, "aggressive": 0.8}
COST_RANGES_K = {"low": (1, 5), "medium": (5, 25), "high": (25, 100)}  # thousands of dollars
RISK_COST_FACTORS = {"conservative": 0.9, "moderate": 1.0, "aggressive": 1.3}
BASE_SUCCESS = 0.7
RISK_SUCCESS_FACTORS = {"conservative": 0.8, "moderate": 1.0, "aggressive": 1.2}
PENALTY_PER_CONSTRAINT = 0.05
SUCCESS_FLOOR, SUCCESS_CEILING = 0.3, 0.95

# Five phases per move type, with the share of the move's days each takes (weights add up to 100).
MOVE_PHASES: dict[str, tuple[tuple[str, int], ...]] = {
    "campaign": (("Research and audience", 15), ("Creative and setup", 20), ("Launch", 10), ("Optimise", 40),
                 ("Report and learn", 15)),
    "content": (("Research and topics", 15), ("Outline and brief", 15), ("Create", 35),
                ("Publish and distribute", 20), ("Measure and repurpose", 15)),
    "product": (("Discovery", 15), ("Positioning and messaging", 15), ("Beta and enablement", 25), ("Launch", 15),
                ("Adoption and iteration", 30)),
    "market": (("Market research", 20), ("Entry plan and localisation", 20), ("Pilot", 20), ("Scale", 25),
               ("Review", 15)),
    "partnership": (("Identify partners", 20), ("Outreach and qualification", 20), ("Agreement", 20),
                    ("Joint launch", 15), ("Grow and review", 25)),
}  # fmt: skip

_CONSTRAINTS = {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 500}}


def round_half_up(value: float) -> int:
    """Whole days, halves up (10.5 → 11), after trimming float noise (30 × 0.5 × 0.8 is 12.000000000000002)."""
    return math.floor(round(value, 6) + 0.5)


def distinct_constraints(constraints: list[str]) -> list[str]:
    """Constraints that say something: blank entries and repeats (ignoring case and spaces) are dropped."""
    seen: dict[str, str] = {}
    for constraint in constraints:
        seen.setdefault(" ".join(constraint.lower().split()), constraint.strip())
    return [text for key, text in seen.items() if key]


def success_probability(risk: str, constraints: int) -> float:
    """0.7 × the risk factor − 0.05 per constraint, clamped to 0.3–0.95."""
    raw = BASE_SUCCESS * RISK_SUCCESS_FACTORS[risk] - PENALTY_PER_CONSTRAINT * constraints
    return round(min(SUCCESS_CEILING, max(SUCCESS_FLOOR, raw)), 4)


@skill(
    "planning.move_estimate",
    name="Move duration, cost and odds",
    category=SkillCategory.STRATEGY,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["move_type"],
        "properties": {
            "move_type": {"enum": list(MOVE_TYPES)},
            "timeline": {"enum": list(TIMELINE_FACTORS)},
            "risk": {"enum": list(RISK_LEVELS)},
            "budget_level": {"enum": list(COST_RANGES_K)},
            "constraints": _CONSTRAINTS,
        },
    },
    output_schema={
        "type": "object",
        "required": ["duration_days", "duration_rule", "cost_range_k", "success_probability", "phases"],
        "properties": {
            "duration_days": {"type": "integer", "minimum": 1},
            "duration_rule": {"type": "string"},
            "cost_range_k": {
                "type": "object",
                "required": ["low", "high"],
                "properties": {"low": {"type": "number", "minimum": 0}, "high": {"type": "number", "minimum": 0}},
            },
            "success_probability": {"type": "number", "minimum": SUCCESS_FLOOR, "maximum": SUCCESS_CEILING},
            "constraint_count": {"type": "integer", "minimum": 0},
            "phases": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "weight"],
                    "properties": {"name": {"type": "string"}, "weight": {"type": "number", "minimum": 0}},
                },
            },
        },
    },
)
def move_estimate(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Days = default × timeline × risk; cost = budget range × risk; success = 0.7 × risk − 0.05 per constraint."""
    move, timeline = data["move_type"], data.get("timeline", "medium")
    risk, budget = data.get("risk", "moderate"), data.get("budget_level", "medium")
    base, t_factor, r_factor = MOVE_DAYS[move], TIMELINE_FACTORS[timeline], RISK_DURATION_FACTORS[risk]
    days = round_half_up(base * t_factor * r_factor)
    low, high = COST_RANGES_K[budget]
    cost_factor = RISK_COST_FACTORS[risk]
    constraints = len(distinct_constraints(data.get("constraints", [])))
    return {
        "duration_days": days,
        "duration_rule": f"{base} days ({move}) × {t_factor:g} ({timeline}) × {r_factor:g} ({risk}) = {days}",
        "cost_range_k": {"low": round(low * cost_factor, 2), "high": round(high * cost_factor, 2)},
        "success_probability": success_probability(risk, constraints),
        "constraint_count": constraints,
        "phases": [{"name": name, "weight": weight} for name, weight in MOVE_PHASES[move]],
    }


def phase_days(total: int, weights: list[float]) -> list[int]:
    """Days per phase by weight (largest remainder); every phase gets at least one day when there are enough."""
    days = apportion(total, weights)
    while total >= len(days) and 0 in days:
        days[days.index(max(days))] -= 1
        days[days.index(0)] = 1
    return days


@skill(
    "planning.schedule_phases",
    name="Schedule phases",
    category=SkillCategory.OPERATIONS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["start_date", "total_days", "phases"],
        "properties": {
            "start_date": DATE_SCHEMA,
            "total_days": {"type": "integer", "minimum": 1, "maximum": 3650},
            "phases": {
                "type": "array",
                "minItems": 1,
                "maxItems": 20,
                "items": {
                    "type": "object",
                    "required": ["name", "weight"],
                    "additionalProperties": False,
                    "properties": {"name": _NAME, "weight": {"type": "number", "minimum": 0, "maximum": 1e6}},
                },
            },
        },
    },
    output_schema={
        "type": "object",
        "required": ["start_date", "end_date", "total_days", "phases", "notes"],
        "properties": {
            "start_date": {"type": "string"},
            "end_date": {"type": "string"},
            "total_days": {"type": "integer", "minimum": 1},
            "phases": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "days", "start_date", "end_date"],
                    "properties": {
                        "name": {"type": "string"},
                        "days": {"type": "integer", "minimum": 1},
                        "start_date": {"type": "string"},
                        "end_date": {"type": "string"},
                    },
                },
            },
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
)
def schedule_phases(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Back-to-back phases sized by weight, each with start and end dates (day 1 is the start date)."""
    start, notes = parse_date(data["start_date"])
    phases, total = data["phases"], data["total_days"]
    if total < len(phases):
        notes.append(f"{total} days cannot hold {len(phases)} phases; stretched to one day per phase.")
        total = len(phases)
    first_day, scheduled = 1, []
    for phase, days in zip(phases, phase_days(total, [p["weight"] for p in phases]), strict=True):
        last_day = first_day + days - 1
        dates = {"start_date": day_date(start, first_day), "end_date": day_date(start, last_day)}
        scheduled.append({"name": phase["name"], "days": days, **dates})
        first_day = last_day + 1
    return {
        "start_date": start.isoformat(),
        "end_date": day_date(start, total),
        "total_days": total,
        "phases": scheduled,
        "notes": notes,
    }


MOVE_KPIS = {
    "campaign": ("leads generated", "cost per lead", "lead-to-customer conversion rate"),
    "content": ("organic sessions", "engaged time per visit", "sign-ups from content"),
    "product": ("activation rate", "feature adoption", "trial-to-paid conversion"),
    "market": ("pipeline in the new market", "customers won in the new market", "CAC in the new market"),
    "partnership": ("partner-sourced leads", "partner-influenced revenue", "active partners"),
}
MOVE_RISKS = {
    "campaign": ("Creative fatigue: results fall as the audience keeps seeing the same ads", "medium"),
    "content": ("Content takes months to rank and compound; early numbers will look small", "medium"),
    "product": ("The launch slips if the product or its onboarding is not ready", "high"),
    "market": ("Buyers, rules and competitors in the new market differ from the home market", "high"),
    "partnership": ("The partner's priorities change and the joint plan stalls", "medium"),
}
RISK_LEVEL_RISKS = {
    "aggressive": ("A compressed timeline (×0.8) leaves little time to test and correct", "high"),
    "conservative": ("A slower pace (×1.2) gives competitors time to move first", "low"),
}
THIN_BUDGET_CHANNELS = 2  # a low budget over more channels than this is spread too thin
_RISK_ITEM = {
    "type": "object",
    "required": ["risk", "severity", "source"],
    "properties": {
        "risk": {"type": "string"},
        "severity": {"enum": ["low", "medium", "high"]},
        "source": {"enum": ["move_type", "risk_level", "budget", "channels", "constraint"]},
    },
}


def _risk(text: str, severity: str, source: str) -> dict[str, str]:
    return {"risk": text, "severity": severity, "source": source}


def _plan_risks(data: dict[str, Any], channels: list[str]) -> list[dict[str, str]]:
    """Risks from the risk level, the budget against the channels and move, and missing channels."""
    risks, risk, move = [], data.get("risk", "moderate"), data["move_type"]
    if risk in RISK_LEVEL_RISKS:
        risks.append(_risk(*RISK_LEVEL_RISKS[risk], "risk_level"))
    if data.get("budget_level", "medium") == "low":
        if len(channels) > THIN_BUDGET_CHANNELS:
            risks.append(
                _risk(f"A low budget spread over {len(channels)} channels is too thin to learn from", "high", "budget")
            )
        if move in ("product", "market"):
            risks.append(_risk(f"A low budget rarely covers a {move} move; expect to cut scope", "medium", "budget"))
    if not channels:
        risks.append(_risk("No channels chosen yet: how the move reaches people is undecided", "medium", "channels"))
    return risks


@skill(
    "planning.move_guidance",
    name="Move KPIs and risks",
    category=SkillCategory.STRATEGY,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["move_type"],
        "properties": {
            "move_type": {"enum": list(MOVE_TYPES)},
            "risk": {"enum": list(RISK_LEVELS)},
            "budget_level": {"enum": list(COST_RANGES_K)},
            "channels": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 200}},
            "constraints": _CONSTRAINTS,
        },
    },
    output_schema={
        "type": "object",
        "required": ["kpis", "risks"],
        "properties": {
            "kpis": {"type": "array", "items": {"type": "string"}},
            "risks": {"type": "array", "items": _RISK_ITEM},
        },
    },
)
def move_guidance(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """The move type's KPIs, and risks from its type, risk level, budget, channels and each constraint."""
    move = data["move_type"]
    channels = [c for c in data.get("channels", []) if c.strip()]
    constraints = distinct_constraints(data.get("constraints", []))
    risks = [_risk(*MOVE_RISKS[move], "move_type"), *_plan_risks(data, channels)]
    risks += [_risk(f"Constraint: {c[:300]}", "medium", "constraint") for c in constraints]
    return {"kpis": list(MOVE_KPIS[move]), "risks": risks}


MAX_NEXT_STEPS = 6
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


def _split_steps(text: str) -> list[str]:
    """One step per line, or per sentence when the model wrote a paragraph; bullets and numbers stripped."""
    lines = [_BULLET.sub("", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) == 1:
        lines = [s.strip() for s in re.split(r"(?<=[.!?])\s+", lines[0]) if s.strip()]
    return [line[:500] for line in lines[:MAX_NEXT_STEPS]]


@skill(
    "planning.next_steps",
    name="Next steps (written)",
    category=SkillCategory.STRATEGY,
    kind=SkillKind.LLM,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["move_type", "objective"],
        "properties": {
            "move_type": {"enum": list(MOVE_TYPES)},
            "objective": {"type": "string", "maxLength": 500},
            "first_phase": {"type": "string", "maxLength": 200},
            "start_date": {"type": "string", "maxLength": 10},
            "channels": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 200}},
            "constraints": _CONSTRAINTS,
        },
    },
    output_schema={
        "type": "object",
        "required": ["steps", "text"],
        "properties": {
            "steps": {"type": "array", "minItems": 1, "maxItems": MAX_NEXT_STEPS, "items": {"type": "string"}},
            "text": {"type": "string"},
        },
    },
)
def next_steps(data: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """A model writes the first concrete actions for the move; a computed first step stands in if it writes none."""
    first_phase = data.get("first_phase", "").strip() or "the first phase"
    when = data.get("start_date", "").strip() or "the start date"
    prompt = (
        f"List 3 to 5 concrete next steps, one per line, for a {data['move_type']} move.\n"
        f"Objective: {data['objective'].strip() or 'not stated'}\n"
        f"First phase: {first_phase}, starting {when}\n"
        f"Channels: {', '.join(c for c in data.get('channels', []) if c.strip()) or 'not chosen'}\n"
        f"Constraints: {'; '.join(c for c in data.get('constraints', []) if c.strip()) or 'none'}"
    )
    text = ctx.llm(prompt, system="You are a pragmatic marketing planner. Be specific.", purpose="next_steps")
    steps = _split_steps(text) or [f"Start {first_phase} on {when}."]
    return {"steps": steps, "text": text}
