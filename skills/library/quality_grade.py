"""``quality.grade``: the weighted score over the areas that were measured, the letter, and the fixes worth most.

Rules:

- **Only measured areas count.** An area whose score is null (not measured for this text or type) is left out of
  the score *and* of the weights; the weights of the measured areas are renormalised to sum to 1 and reported.
- **Weights.** By default every area weighs the same. DOMAIN.md's placeholder weights (grammar, readability, SEO
  and brand voice 0.2 each, engagement 0.15, technical 0.05) had no stated basis, and no study we could cite ties
  one area's score to a reader's response more than another's; equal weights add no preference nobody can
  justify. A team that has one sets ``weights`` (0–1 each; an area it leaves out keeps the default 1/7); they are
  renormalised over the measured areas, and all-zero weights fall back to equal ones.
- **Score** = Σ weight × area score over the measured areas, rounded to 4 decimals.
- **Gates** come first: a text that fails a gate (too short for its type, no plain statement) gets an F whatever
  its score — a one-word blog post is not a blog post, however clean its one word. The score is still reported.
- **Letters**: A+ ≥ 0.95, A ≥ 0.90, B+ ≥ 0.85, B ≥ 0.80, C+ ≥ 0.75, C ≥ 0.70, D ≥ 0.60, else F: the school scale
  a reader already knows, so the letter adds no claim of its own to the score.
- **The fixes that raise it most.** For each issue, the score after fixing it is estimated by adding its
  ``gain`` (what the fix adds to its area's score, computed by the area's own rule) to that area, capped at 1,
  and recomputing the weighted score with the same weights; a gate's fix clears that gate. Fixes are ranked by
  the gates still failing after them (fewer first: while any gate fails the grade stays F), then the grade after,
  then the score after, then severity. The three best that change anything are returned, each with its weighted
  gain, the score and the grade after. Each fix is estimated alone; two fixes together may gain more or less.
"""

from __future__ import annotations

from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .content_text import SEVERITIES
from .quality import AREAS, SCORE_OR_NULL, SHARE

GRADE_BANDS = ((0.95, "A+"), (0.90, "A"), (0.85, "B+"), (0.80, "B"), (0.75, "C+"), (0.70, "C"), (0.60, "D"))
GRADES = (*(label for _, label in GRADE_BANDS), "F")
DEFAULT_WEIGHT = 1 / len(AREAS)
TOP_FIXES = 3
DECIMALS = 4
GATE = "gate"

_AREA_MAP = {"type": "object", "properties": dict.fromkeys(AREAS, SHARE), "additionalProperties": False}
_FIX_IN: dict[str, Any] = {
    "type": "object",
    "required": ["check", "area", "severity", "message", "fix", "gain"],
    "properties": {
        "check": {"type": "string"},
        "area": {"enum": [*AREAS, GATE], "description": "The area the fix raises, or gate."},
        "gate": {"type": "string", "description": "For a gate's fix: the gate it clears."},
        "severity": {"enum": list(SEVERITIES)},
        "message": {"type": "string"},
        "fix": {"type": "string"},
        "gain": {**SHARE, "description": "What the fix adds to its area's score."},
    },
}
_FIX_OUT: dict[str, Any] = {
    "type": "object",
    "required": [*_FIX_IN["required"], "score_after", "grade_after"],
    "properties": {
        **_FIX_IN["properties"],
        "gain": {**SHARE, "description": "What the fix adds to the weighted score (estimated alone)."},
        "score_after": SCORE_OR_NULL,
        "grade_after": {"enum": list(GRADES)},
    },
}


@skill(
    "quality.grade",
    name="Weighted quality grade",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["scores"],
        "properties": {
            "scores": {
                "type": "object",
                "properties": dict.fromkeys(AREAS, SCORE_OR_NULL),
                "additionalProperties": False,
                "description": "Each area's 0–1 score; null or absent: not measured.",
            },
            "weights": {**_AREA_MAP, "description": "Relative weights (default equal); renormalised over measured."},
            "gates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["gate", "passed"],
                    "properties": {"gate": {"type": "string"}, "passed": {"type": "boolean"}},
                },
            },
            "fixes": {"type": "array", "items": _FIX_IN, "description": "Every issue, to rank by what it gains."},
        },
    },
    output_schema={
        "type": "object",
        "required": [
            "score",
            "grade",
            "grade_reason",
            "weights",
            "contributions",
            "not_measured",
            "failed_gates",
            "top_fixes",
        ],
        "properties": {
            "score": SCORE_OR_NULL,
            "grade": {"enum": list(GRADES)},
            "grade_reason": {"type": "string"},
            "weights": {**_AREA_MAP, "description": "The measured areas' weights; they sum to 1."},
            "contributions": {**_AREA_MAP, "description": "Weight × score of each measured area."},
            "not_measured": {"type": "array", "items": {"enum": list(AREAS)}},
            "failed_gates": {"type": "array", "items": {"type": "string"}},
            "top_fixes": {"type": "array", "maxItems": TOP_FIXES, "items": _FIX_OUT},
        },
    },
)
def grade(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Σ weight × score over the measured areas (equal weights unless given), an F for a failed gate, and the
    three fixes that raise the grade most."""
    scores = {a: float(s) for a, s in data["scores"].items() if s is not None}
    weights = measured_weights(scores, data.get("weights", {}))
    failed = [g["gate"] for g in data.get("gates", []) if not g["passed"]]
    score = weighted(scores, weights)
    letter = "F" if failed or score is None else grade_for(score)
    contributions = {a: round(weights[a] * scores[a], DECIMALS) for a in weights}
    return {
        "score": score,
        "grade": letter,
        "grade_reason": _grade_reason(letter, score, failed, len(weights)),
        "weights": rounded_weights(weights),
        "contributions": contributions,
        "not_measured": [a for a in AREAS if a not in scores],
        "failed_gates": failed,
        "top_fixes": top_fixes(data.get("fixes", []), scores, weights, failed),
    }


def measured_weights(scores: dict[str, float], custom: dict[str, float]) -> dict[str, float]:
    """The measured areas' weights, renormalised to sum to 1 (equal when none is positive)."""
    raw = {area: float(custom.get(area, DEFAULT_WEIGHT)) for area in AREAS if area in scores}
    total = sum(raw.values())
    if not raw:
        return {}
    if total <= 0:
        raw, total = dict.fromkeys(raw, 1.0), float(len(raw))
    return {area: w / total for area, w in raw.items()}


def rounded_weights(weights: dict[str, float]) -> dict[str, float]:
    """Weights rounded to 4 decimals so that the rounded values still sum to exactly 1 (largest remainder)."""
    unit = 10**DECIMALS
    floors = {a: int(w * unit) for a, w in weights.items()}
    short = unit - sum(floors.values()) if weights else 0
    for area in sorted(weights, key=lambda a: weights[a] * unit - floors[a], reverse=True)[:short]:
        floors[area] += 1
    return {a: n / unit for a, n in floors.items()}


def weighted(scores: dict[str, float], weights: dict[str, float]) -> float | None:
    if not weights:
        return None
    return round(min(1.0, sum(weights[a] * scores[a] for a in weights)), DECIMALS)


def grade_for(score: float) -> str:
    """The letter for a 0–1 score: A+ ≥ 0.95, A ≥ 0.90, B+ ≥ 0.85, B ≥ 0.80, C+ ≥ 0.75, C ≥ 0.70, D ≥ 0.60, else F."""
    return next((label for floor, label in GRADE_BANDS if score >= floor), "F")


def _grade_reason(letter: str, score: float | None, failed: list[str], measured: int) -> str:
    if failed:
        return f"F because the text fails the {' and '.join(failed)} gate{'s' if len(failed) > 1 else ''}."
    if score is None:
        return "F because no area could be measured."
    return f"{letter}: weighted score {score:.4f} over {measured} measured area{'s' if measured > 1 else ''}."


def top_fixes(
    fixes: list[dict[str, Any]], scores: dict[str, float], weights: dict[str, float], failed: list[str]
) -> list[dict[str, Any]]:
    """The three fixes that raise the grade most (see the module docstring for the estimate and the order)."""
    before = weighted(scores, weights)
    ranked = []
    for order, fix in enumerate(fixes):
        after = _after(fix, scores, weights, failed)
        gates_left, score_after, grade_after = after
        if len(gates_left) == len(failed) and (score_after or 0) <= (before or 0):
            continue
        gain = round(max(0.0, (score_after or 0) - (before or 0)), DECIMALS)
        row = {**fix, "gain": gain, "score_after": score_after, "grade_after": grade_after}
        key = (len(gates_left), GRADES.index(grade_after), -(score_after or 0), SEVERITIES.index(fix["severity"]))
        ranked.append((key, order, row))
    return [row for _, _, row in sorted(ranked, key=lambda item: (item[0], item[1]))[:TOP_FIXES]]


def _after(
    fix: dict[str, Any], scores: dict[str, float], weights: dict[str, float], failed: list[str]
) -> tuple[list[str], float | None, str]:
    """Gates still failing, the score and the grade once this one fix is made."""
    if fix["area"] == GATE:
        gates_left = [g for g in failed if g != fix.get("gate")]
        score = weighted(scores, weights)
    else:
        gates_left = failed
        raised = {**scores}
        if fix["area"] in raised:
            raised[fix["area"]] = min(1.0, raised[fix["area"]] + fix["gain"])
        score = weighted(raised, weights)
    letter = "F" if gates_left or score is None else grade_for(score)
    return gates_left, score, letter
