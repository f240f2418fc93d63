"""Launch readiness: the checklist, what is finished, what blocks the launch, and how long the rest takes.

**The checklist** (``CHECKLIST``): eighteen items in seven categories, each with why it is on the list. Eight are
*critical*: without them customers cannot use, buy or get help with the product, the launch breaks a legal duty,
or nobody can tell what it achieved; each item's ``why`` says which. A company adapts it rather than living
with it: ``not_applicable`` drops items (billing for a free launch), ``critical_overrides`` changes what is
critical, ``custom_items`` adds its own.

**Scores** are the team's own: the share of each item that is finished, 0–100. An item is *done* at
``done_score`` (100 unless the team says otherwise: "done" means finished, not "mostly"). An item left unanswered
counts as not started and is listed, so a half-filled checklist never looks readier than it is (the agent asks
for those first).

**Ready** when every applicable critical item is done. The mean of all items is reported per category and
overall as a description, not as a gate: a high average does not make an unfinished billing flow launchable,
and an unfinished nice-to-have does not hold a launch. (The original rule, mean ≥ 70 and critical items ≥ 70,
is gone: 70 % of billing is not billing.) **Blockers** are the unfinished critical items, **warnings** the other
unfinished ones, least finished first.

**Time** (``readiness.timeline``) comes only from stated inputs: the remaining person-days of each unfinished
item (the team's figure, or a model's estimate labelled as such with a low–high range and its basis) and the
team's capacity (people × days a week each gives the launch). Weeks = remaining person-days ÷ capacity, exact
in decimals and rounded *up* to a tenth of a week (an estimate of time is not rounded down); a date is the
``as_of`` date plus the weeks in calendar days, rounded up. It assumes the work can be shared across the team
(no item waits for another), so it is the shortest time, which the answer says. Without capacity there is no
estimate, and without a figure for an item the estimate is partial and names the item: the old fixed bands
("1–2 weeks" when the mean is ≥ 50, …) are gone.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from statistics import fmean
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .finance import dec

CATEGORIES = ("product", "marketing", "sales", "support", "legal", "operations", "analytics")
# item: (category, label, critical, why it is on the list)
CHECKLIST: dict[str, tuple[str, str, bool, str]] = {
    "core_features": ("product", "Core features complete", True, "the product the launch promises"),
    "qa_passed": ("product", "QA and bug bash passed", True, "known defects otherwise reach every new user at once"),
    "onboarding": ("product", "Onboarding flow in place", False, "new users reach first value without help"),
    "positioning": ("marketing", "Positioning and messaging agreed", False, "every launch text says the same thing"),
    "website": ("marketing", "Website or landing page live", True, "the launch sends people somewhere"),
    "launch_content": ("marketing", "Launch content ready (posts, email, press)", False, "the announcement itself"),
    "pricing": ("sales", "Pricing and packaging final", True, "customers cannot buy without a price"),
    "sales_materials": ("sales", "Sales deck and demo ready", False, "for buyers who talk to someone first"),
    "help_docs": ("support", "Help docs and FAQ written", False, "answers the first questions without a ticket"),
    "support_channel": ("support", "Support channel staffed", True, "a stuck customer has somewhere to go"),
    "terms_privacy": ("legal", "Terms of service and privacy policy published", True,
                      "collecting personal data means telling people how it is used (EU GDPR Art. 13; California "
                      "CalOPPA), and terms set what is owed to customers"),
    "compliance": ("legal", "Compliance review done (e.g. GDPR)", False, "sector or data rules that apply"),
    "trademark": ("legal", "Name and trademark checked", False, "a forced rename after launch is costly"),
    "billing": ("operations", "Billing and payments tested", True, "a paid launch that cannot take payment earns 0"),
    "infrastructure": ("operations", "Infrastructure load-tested", False, "launch-day traffic is the peak"),
    "incident_plan": ("operations", "Incident and rollback plan", False, "who does what when launch day breaks"),
    "tracking": ("analytics", "Analytics tracking installed", True, "otherwise nobody can tell what the launch did"),
    "dashboard": ("analytics", "KPI dashboard set up", False, "the tracked figures in one place"),
}  # fmt: skip
DONE_SCORE = 100
MAX_CUSTOM = 10
MAX_DAYS = 10000

_SCORE = {"type": "number", "minimum": 0, "maximum": 100, "description": "Percent finished (0–100)."}
_KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}
_DATE = {"type": "string", "maxLength": 10, "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD."}
_DAYS = {"type": "number", "minimum": 0, "maximum": MAX_DAYS, "description": "Person-days of work left."}
TEAM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["people", "focus_days_per_week"],
    "description": "Who works on the launch: people, and days a week each of them gives it.",
    "properties": {
        "people": {"type": "integer", "minimum": 1, "maximum": 1000},
        "focus_days_per_week": {
            "type": "number",
            "minimum": 0.1,
            "maximum": 7,
            "description": "Days a week each person gives the launch (0.1–7).",
        },
    },
}
CUSTOM_ITEM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["key", "label", "category", "critical", "score"],
    "properties": {
        "key": _KEY,
        "label": {"type": "string", "minLength": 1, "maxLength": 200},
        "category": {"enum": list(CATEGORIES)},
        "critical": {"type": "boolean"},
        "score": _SCORE,
    },
}
ASSESS_INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["answers"],
    "properties": {
        "answers": {"type": "object", "properties": {k: _SCORE for k in CHECKLIST}, "additionalProperties": False,
                    "description": "Percent finished (0–100) per checklist item, by its key."},
        "not_applicable": {"type": "array", "items": {"enum": list(CHECKLIST)}, "uniqueItems": True,
                           "description": "Checklist items that do not apply to this launch."},
        "critical_overrides": {"type": "object", "properties": {k: {"type": "boolean"} for k in CHECKLIST},
                               "additionalProperties": False,
                               "description": "Mark a checklist item critical (true) or not (false) for this launch."},
        "custom_items": {"type": "array", "items": CUSTOM_ITEM, "maxItems": MAX_CUSTOM,
                         "description": "Your own items beyond the checklist, each with its score."},
        "done_score": {**_SCORE, "description": "The percent at which an item counts as done (100: finished)."},
    },
}  # fmt: skip
ITEM = {
    "type": "object",
    "required": ["item", "label", "category", "score", "critical", "status", "why", "source"],
    "properties": {
        "item": {"type": "string"},
        "label": {"type": "string"},
        "category": {"enum": list(CATEGORIES)},
        "score": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
        "critical": {"type": "boolean"},
        "status": {"enum": ["done", "unfinished", "unanswered", "not_applicable"]},
        "why": {"type": "string"},
        "source": {"enum": ["checklist", "custom"]},
    },
}
ASSESS_OUTPUT: dict[str, Any] = {
    "type": "object",
    "required": ["overall", "categories", "ready", "blockers", "warnings", "unanswered", "items", "done_score"],
    "properties": {
        "overall": {**_SCORE, "description": "Mean percent finished of the applicable items (unanswered as 0)."},
        "categories": {"type": "object", "additionalProperties": {"type": ["number", "null"]}},
        "ready": {"type": "boolean", "description": "Every applicable critical item is done."},
        "blockers": {"type": "array", "items": ITEM},
        "warnings": {"type": "array", "items": ITEM},
        "unanswered": {"type": "array", "items": {"type": "string"}},
        "items": {"type": "array", "items": ITEM},
        "done_score": _SCORE,
    },
}


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    answers, skipped = data["answers"], set(data.get("not_applicable", []))
    overrides, done_at = data.get("critical_overrides", {}), data.get("done_score", DONE_SCORE)
    items = []
    for key, (category, label, critical, why) in CHECKLIST.items():
        critical = overrides.get(key, critical)
        score = answers.get(key)
        status = "not_applicable" if key in skipped else "unanswered" if score is None else _status(score, done_at)
        # fmt: off
        items.append({"item": key, "label": label, "category": category, "score": score, "critical": critical,
                      "status": status, "why": why, "source": "checklist"})
    for custom in data.get("custom_items", []):
        if custom["key"] in CHECKLIST or any(i["item"] == custom["key"] for i in items):
            continue  # a custom item never replaces a checklist item or an earlier custom one
        items.append(
            {
                "item": custom["key"],
                "label": custom["label"],
                "category": custom["category"],
                "score": custom["score"],
                "critical": custom["critical"],
                "status": _status(custom["score"], done_at),
                "why": "the team's own item",
                "source": "custom",
            }
        )
        # fmt: on
    return items


def _status(score: float, done_at: float) -> str:
    return "done" if score >= done_at else "unfinished"


def _mean(items: list[dict[str, Any]]) -> float | None:
    scores = [i["score"] or 0 for i in items if i["status"] != "not_applicable"]
    return round(fmean(scores), 2) if scores else None


@skill(
    "readiness.assess",
    name="Launch readiness",
    category=SkillCategory.OPERATIONS,
    version="2.0",
    input_schema=ASSESS_INPUT,
    output_schema=ASSESS_OUTPUT,
)
def assess(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Each item's status, per-category and overall means, ready when every applicable critical item is done,
    blockers (unfinished critical items) and warnings (the other unfinished ones, least finished first)."""
    items = _items(data)
    open_items = [i for i in items if i["status"] in ("unfinished", "unanswered")]
    by_progress = sorted(open_items, key=lambda i: (i["score"] or 0, i["item"]))
    blockers = [i for i in by_progress if i["critical"]]
    return {
        "overall": _mean(items) or 0,
        "categories": {c: _mean([i for i in items if i["category"] == c]) for c in CATEGORIES},
        "ready": not blockers,
        "blockers": blockers,
        "warnings": [i for i in by_progress if not i["critical"]],
        "unanswered": [i["item"] for i in items if i["status"] == "unanswered"],
        "items": items,
        "done_score": data.get("done_score", DONE_SCORE),
    }


# --- time -------------------------------------------------------------------------------------------------------

_ITEM_KEY = {"type": "string", "maxLength": 40}
WORK = {
    "type": "object",
    "additionalProperties": False,
    "required": ["item", "label", "critical", "low_days", "high_days", "source"],
    "properties": {
        "item": _ITEM_KEY,
        "label": {"type": "string", "maxLength": 200},
        "critical": {"type": "boolean"},
        "low_days": _DAYS,
        "high_days": _DAYS,
        "source": {"enum": ["team", "model_estimate"]},
        "basis": {"type": "string", "maxLength": 500},
    },
}
_RANGE = {"type": "array", "items": {"type": ["number", "null"]}, "minItems": 2, "maxItems": 2}
_SPAN = {
    "type": "object",
    "required": ["person_days", "weeks", "dates", "complete", "missing"],
    "properties": {
        "person_days": {**_RANGE, "description": "Remaining person-days, low and high."},
        "weeks": {**_RANGE, "description": "Weeks at the team's capacity, low and high, rounded up to 0.1."},
        "dates": {"type": "array", "items": {"type": ["string", "null"]}},
        "complete": {"type": "boolean", "description": "Every item in the span has a figure."},
        "missing": {"type": "array", "items": {"type": "string"}},
    },
}
TIMELINE_INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["work", "team"],
    "properties": {
        "work": {"type": "array", "items": WORK, "maxItems": 40},
        "unestimated": {"type": "array", "items": _ITEM_KEY, "maxItems": 40},
        "unestimated_critical": {"type": "array", "items": _ITEM_KEY, "maxItems": 40},
        "team": TEAM,
        "as_of": _DATE,
    },
}
TIMELINE_OUTPUT: dict[str, Any] = {
    "type": "object",
    "required": ["capacity_per_week", "to_ready", "to_finish_all", "formula", "assumption", "sources"],
    "properties": {
        "capacity_per_week": {"type": "number", "description": "Person-days a week: people × focus days."},
        "to_ready": _SPAN,
        "to_finish_all": _SPAN,
        "formula": {"type": "string"},
        "assumption": {"type": "string"},
        "sources": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def weeks_up(days: Decimal, capacity: Decimal) -> Decimal:
    """Person-days ÷ person-days a week, rounded up to a tenth of a week."""
    return (days / capacity).quantize(Decimal("0.1"), rounding=ROUND_CEILING)


def _span(work: list[dict[str, Any]], missing: list[str], capacity: Decimal, as_of: date | None) -> dict[str, Any]:
    low = sum((dec(w["low_days"]) for w in work), Decimal(0))
    high = sum((dec(w["high_days"]) for w in work), Decimal(0))
    weeks = [weeks_up(low, capacity), weeks_up(high, capacity)]
    dates = [_date(as_of, low / capacity), _date(as_of, high / capacity)] if as_of else []
    # fmt: off
    return {"person_days": [float(low), float(high)], "weeks": [float(w) for w in weeks], "dates": dates,
            "complete": not missing, "missing": missing}
    # fmt: on


def _parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _date(start: date, weeks: Decimal) -> str | None:
    days = int((weeks * 7).to_integral_value(rounding=ROUND_CEILING))
    try:
        return (start + timedelta(days=days)).isoformat()
    except OverflowError:
        return None


@skill(
    "readiness.timeline",
    name="Launch timeline",
    category=SkillCategory.OPERATIONS,
    input_schema=TIMELINE_INPUT,
    output_schema=TIMELINE_OUTPUT,
)
def timeline(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Weeks until ready (the critical items' remaining person-days ÷ the team's person-days a week) and until
    everything is done, low and high, from the team's figures and labelled model estimates only."""
    team = data["team"]
    capacity = dec(team["people"]) * dec(team["focus_days_per_week"])
    as_of = _parse(data.get("as_of"))
    work = data["work"]
    critical = [w for w in work if w["critical"]]
    unestimated, unestimated_critical = data.get("unestimated", []), data.get("unestimated_critical", [])
    people, focus = team["people"], f"{dec(team['focus_days_per_week']).normalize():f}"
    return {
        "capacity_per_week": float(capacity),
        "to_ready": _span(critical, unestimated_critical, capacity, as_of),
        "to_finish_all": _span(work, unestimated, capacity, as_of),
        "formula": f"weeks = remaining person-days ÷ ({people} people × {focus} days a week each), rounded up to 0.1",
        "assumption": "the work can be shared across the team (no item waits for another): the shortest time",
        "sources": {w["item"]: w["source"] + (f": {w['basis']}" if w.get("basis") else "") for w in work},
    }
