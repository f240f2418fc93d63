"""Moves: a move's phases put on the calendar, and checked against its deadline and budget.

What the phases are, how long each takes, what each costs and how likely the move is to succeed are judgements
(the move strategist asks a model, or takes the user's own phases); the old fixed days per move type, timeline and
risk factors, cost tables per budget level and the 0.7 × risk success rule are gone (decision 0019). Here:

* **Dates.** Phases run back to back from the start date (day 1) for their planned days; a phase of d days that
  starts on day s ends on day s + d − 1.
* **Totals** of planned, low and high days, and of low and high costs (cents, exact), over the phases that state
  them; a total is only given when every phase states its part.
* **Checks**, each ``ok``, ``at_risk`` or ``fails`` with the figures it compared: a phase's planned days within
  its own range and its low cost not above its high cost; phase names distinct (ignoring case and spacing); the
  deadline not before the start; the planned days within the deadline (``fails`` when over) and the high end
  within it (``at_risk`` when only the slow case is over); the low cost within the budget (``fails`` when over)
  and the high cost within it (``at_risk``).
* **Constraints** count once each: blank entries and repeats (ignoring case and spacing) are dropped.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .money import money, to_cents
from .planning import DATE_SCHEMA, day_date, parse_date

MOVE_TYPES = ("campaign", "content", "product", "market", "partnership")
MAX_PHASES = 12
MAX_PHASE_DAYS = 3650

_DAYS = {"type": "integer", "minimum": 1, "maximum": MAX_PHASE_DAYS}
MAX_MONEY = 1e12
_MONEY = {"type": "number", "minimum": 0, "maximum": MAX_MONEY}
_TOTAL_MONEY = {**_MONEY, "maximum": MAX_MONEY * MAX_PHASES}  # a sum of up to MAX_PHASES phase costs
PHASE_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "days"],
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "days": _DAYS,
        "days_low": _DAYS,
        "days_high": _DAYS,
        "cost_low": _MONEY,
        "cost_high": _MONEY,
    },
}
_CHECK = {
    "type": "object",
    "required": ["check", "status", "figures"],
    "properties": {
        "check": {"enum": ["phase_days", "phase_cost", "phase_names", "deadline", "timeline", "budget"]},
        "status": {"enum": ["ok", "at_risk", "fails"]},
        "phase": {"type": "string"},
        "figures": {"type": "object"},
    },
}
_TOTAL = {"type": ["integer", "null"], "minimum": 0}


def distinct_constraints(constraints: list[str]) -> list[str]:
    """Constraints that say something: blank entries and repeats (ignoring case and spaces) are dropped."""
    seen: dict[str, str] = {}
    for constraint in constraints:
        seen.setdefault(" ".join(constraint.lower().split()), constraint.strip())
    return [text for key, text in seen.items() if key]


def _check(name: str, status: str, figures: dict[str, Any], phase: str | None = None) -> dict[str, Any]:
    return {"check": name, "status": status, "figures": figures, **({"phase": phase} if phase is not None else {})}


def _sum(phases: list[dict[str, Any]], key: str, default: str = "") -> int | None:
    """The total of ``key`` over the phases (cents for costs), or None when a phase leaves it out."""
    values: list[Any] = [p.get(key, p.get(default)) for p in phases]
    if not phases or any(v is None for v in values):
        return None
    return sum(to_cents(v) if key.startswith("cost") else int(v) for v in values)


def _phase_checks(phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    checks = []
    for phase in phases:
        low, high = phase.get("days_low", phase["days"]), phase.get("days_high", phase["days"])
        if not low <= phase["days"] <= high:
            figures = {"days": phase["days"], "low": low, "high": high}
            checks.append(_check("phase_days", "fails", figures, phase["name"]))
        if "cost_low" in phase and "cost_high" in phase and phase["cost_low"] > phase["cost_high"]:
            figures = {"cost_low": phase["cost_low"], "cost_high": phase["cost_high"]}
            checks.append(_check("phase_cost", "fails", figures, phase["name"]))
    names = [" ".join(p["name"].lower().split()) for p in phases]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        checks.append(_check("phase_names", "fails", {"repeated": repeated}))
    return checks


def _limit_check(name: str, expected: int, slow: int, limit: int, unit_of: Any = None) -> dict[str, Any]:
    """fails when the expected figure is over the limit, at_risk when only the slow (high) one is, else ok."""
    status = "fails" if expected > limit else "at_risk" if slow > limit else "ok"
    show = unit_of or (lambda v: v)
    return _check(name, status, {"expected": show(expected), "high": show(slow), "limit": show(limit)})


def _timeline_checks(start: date, deadline: str | None, totals: dict[str, Any]) -> tuple[list[Any], int | None]:
    if deadline is None:
        return [], None
    end, _ = parse_date(deadline)
    days = (end - start).days + 1
    if days < 1:
        return [_check("deadline", "fails", {"start_date": start.isoformat(), "deadline": end.isoformat()})], None
    if totals["planned"] is None:
        return [], days
    return [_limit_check("timeline", totals["planned"], totals["high"] or totals["planned"], days)], days


def _budget_checks(budget: Any, cost: dict[str, Any] | None) -> list[dict[str, Any]]:
    if budget is None or cost is None:
        return []
    return [_limit_check("budget", cost["low"], cost["high"], to_cents(budget), money)]


def _dated(start: date, phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    first, dated = 1, []
    for phase in phases:
        last = first + phase["days"] - 1
        dated.append({**phase, "start_date": day_date(start, first), "end_date": day_date(start, last)})
        first = last + 1
    return dated


@skill(
    "moves.schedule",
    name="Schedule and check a move's phases",
    category=SkillCategory.OPERATIONS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["start_date", "phases"],
        "properties": {
            "start_date": DATE_SCHEMA,
            "deadline": DATE_SCHEMA,
            "budget": _MONEY,
            "phases": {"type": "array", "maxItems": MAX_PHASES, "items": PHASE_IN},
        },
    },
    output_schema={
        "type": "object",
        "required": [
            "start_date",
            "end_date",
            "latest_end_date",
            "phases",
            "total_days",
            "cost",
            "timeline_days",
            "checks",
            "notes",
        ],
        "properties": {
            "start_date": {"type": "string"},
            "end_date": {"type": ["string", "null"]},
            "latest_end_date": {"type": ["string", "null"]},
            "phases": {
                "type": "array",
                "items": {"type": "object", "required": ["name", "days", "start_date", "end_date"]},
            },
            "total_days": {
                "type": "object",
                "required": ["planned", "low", "high"],
                "properties": {"planned": _TOTAL, "low": _TOTAL, "high": _TOTAL},
            },
            "cost": {
                "type": ["object", "null"],
                "required": ["low", "high"],
                "properties": {"low": _TOTAL_MONEY, "high": _TOTAL_MONEY},
            },
            "timeline_days": {"type": ["integer", "null"], "minimum": 1},
            "checks": {"type": "array", "items": _CHECK},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
)
def schedule(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Phases back to back from the start date, their totals, and the checks against the deadline and budget."""
    start, notes = parse_date(data["start_date"])
    phases = data["phases"]
    totals = {"planned": _sum(phases, "days"), "low": _sum(phases, "days_low", "days"),
              "high": _sum(phases, "days_high", "days")}  # fmt: skip
    low, high = _sum(phases, "cost_low"), _sum(phases, "cost_high")
    cost = {"low": low, "high": high} if low is not None and high is not None else None
    timeline, timeline_days = _timeline_checks(start, data.get("deadline"), totals)
    return {
        "start_date": start.isoformat(),
        "end_date": day_date(start, totals["planned"]) if totals["planned"] else None,
        "latest_end_date": day_date(start, totals["high"]) if totals["high"] else None,
        "phases": _dated(start, phases),
        "total_days": totals,
        "cost": {k: money(v) for k, v in cost.items()} if cost else None,
        "timeline_days": timeline_days,
        "checks": _phase_checks(phases) + timeline + _budget_checks(data.get("budget"), cost),
        "notes": notes,
    }
