"""Launch readiness: eighteen checklist items in seven categories, scored 0–100 by the user.

DOMAIN.md's rule: ready when the mean of all items is ≥ 70 and every critical
item is ≥ 70; otherwise "1–2 weeks" (mean ≥ 50), "3–4 weeks" (≥ 30), "4+ weeks".
Choices where it is silent:

* **The checklist** is below; the eight critical items are the ones a launch
  cannot go out without (a working core product that passed QA, a page to land
  on, a price, a way for customers to get help, terms and privacy policy,
  billing, and tracking to see what happened).
* **A missing answer counts as 0**: an item nobody has looked at is not started,
  and counting it as anything else would overstate readiness. The items left
  unanswered are listed.
* **Blockers** are the critical items under 70 (they alone keep a launch from
  being ready). Any other item under 30 is a **warning**: worth fixing, but the
  rule does not hold the launch for it.
* The thresholds (70 ready, 50 and 30 for the estimates) are inputs with those
  defaults.
"""

from __future__ import annotations

from statistics import fmean
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

# item: (category, label, critical)
CHECKLIST: dict[str, tuple[str, str, bool]] = {
    "core_features": ("product", "Core features complete", True),
    "qa_passed": ("product", "QA and bug bash passed", True),
    "onboarding": ("product", "Onboarding flow in place", False),
    "positioning": ("marketing", "Positioning and messaging agreed", False),
    "website": ("marketing", "Website or landing page live", True),
    "launch_content": ("marketing", "Launch content ready (posts, email, press)", False),
    "pricing": ("sales", "Pricing and packaging final", True),
    "sales_materials": ("sales", "Sales deck and demo ready", False),
    "help_docs": ("support", "Help docs and FAQ written", False),
    "support_channel": ("support", "Support channel staffed", True),
    "terms_privacy": ("legal", "Terms of service and privacy policy published", True),
    "compliance": ("legal", "Compliance review done (e.g. GDPR)", False),
    "trademark": ("legal", "Name and trademark checked", False),
    "billing": ("operations", "Billing and payments tested", True),
    "infrastructure": ("operations", "Infrastructure load-tested", False),
    "incident_plan": ("operations", "Incident and rollback plan", False),
    "tracking": ("analytics", "Analytics tracking installed", True),
    "dashboard": ("analytics", "KPI dashboard set up", False),
}
CATEGORIES = ("product", "marketing", "sales", "support", "legal", "operations", "analytics")
READY_SCORE = 70
ESTIMATES = ((50, "1–2 weeks"), (30, "3–4 weeks"))
SLOWEST_ESTIMATE = "4+ weeks"
WARNING_BELOW = 30

_SCORE = {"type": "number", "minimum": 0, "maximum": 100}
_THRESHOLD = {"type": "number", "minimum": 0, "maximum": 100}
_ITEM = {
    "type": "object",
    "required": ["item", "label", "category", "score", "critical"],
    "properties": {
        "item": {"enum": list(CHECKLIST)},
        "label": {"type": "string"},
        "category": {"enum": list(CATEGORIES)},
        "score": _SCORE,
        "critical": {"type": "boolean"},
    },
}


def _items(answers: dict[str, float]) -> list[dict[str, Any]]:
    return [
        {"item": key, "label": label, "category": category, "score": answers.get(key, 0), "critical": critical}
        for key, (category, label, critical) in CHECKLIST.items()
    ]


def _estimate(ready: bool, mean: float, thresholds: dict[str, float]) -> str:
    if ready:
        return "ready"
    bands = ((thresholds["soon"], ESTIMATES[0][1]), (thresholds["later"], ESTIMATES[1][1]))
    return next((label for floor, label in bands if mean >= floor), SLOWEST_ESTIMATE)


def _thresholds(data: dict[str, Any]) -> dict[str, float]:
    return {
        "ready": data.get("ready_score", READY_SCORE),
        "soon": data.get("one_to_two_weeks_score", ESTIMATES[0][0]),
        "later": data.get("three_to_four_weeks_score", ESTIMATES[1][0]),
    }


@skill(
    "readiness.assess",
    name="Launch readiness",
    category=SkillCategory.OPERATIONS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["answers"],
        "properties": {
            "answers": {
                "type": "object",
                "properties": {key: _SCORE for key in CHECKLIST},
                "additionalProperties": False,
            },
            "ready_score": _THRESHOLD,
            "one_to_two_weeks_score": _THRESHOLD,
            "three_to_four_weeks_score": _THRESHOLD,
        },
    },
    output_schema={
        "type": "object",
        "required": ["overall", "categories", "ready", "estimate", "blockers", "warnings", "unanswered", "items"],
        "properties": {
            "overall": _SCORE,
            "categories": {"type": "object", "additionalProperties": _SCORE},
            "ready": {"type": "boolean"},
            "estimate": {"enum": ["ready", ESTIMATES[0][1], ESTIMATES[1][1], SLOWEST_ESTIMATE]},
            "blockers": {"type": "array", "items": _ITEM},
            "warnings": {"type": "array", "items": _ITEM},
            "unanswered": {"type": "array", "items": {"enum": list(CHECKLIST)}},
            "items": {"type": "array", "items": _ITEM},
        },
    },
)
def assess(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Per-category means, ready when the mean ≥ 70 and no critical item is under 70, blockers and a time estimate."""
    thresholds, answers = _thresholds(data), data["answers"]
    items = _items(answers)
    overall = round(fmean(item["score"] for item in items), 2)  # decide on the figure the user sees
    blockers = [item for item in items if item["critical"] and item["score"] < thresholds["ready"]]
    ready = overall >= thresholds["ready"] and not blockers
    return {
        "overall": overall,
        "categories": {
            category: round(fmean(i["score"] for i in items if i["category"] == category), 2) for category in CATEGORIES
        },
        "ready": ready,
        "estimate": _estimate(ready, overall, thresholds),
        "blockers": blockers,
        "warnings": [i for i in items if not i["critical"] and i["score"] < WARNING_BELOW],
        "unanswered": [key for key in CHECKLIST if key not in answers],
        "items": items,
    }
