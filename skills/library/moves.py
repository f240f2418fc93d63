"""Moves: five dated phases, cost range, success odds, KPIs, risks and next steps.

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

import math
import re
from typing import Any

from skills.choices import SkillCategory, SkillKind
from skills.registry import skill

from .planning import DATE_SCHEMA, WEIGHTED_ITEM, apportion, day_date, parse_date

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
                "items": WEIGHTED_ITEM,
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
