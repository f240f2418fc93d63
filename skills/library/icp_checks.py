"""``icp.check``: the checks every ICP passes, whoever wrote it (rules in ``skills/library/icp.py``).

Each finding is a problem ``{"icp", "rule", "field", "words"}`` (``icp.PROBLEM_RULES`` says what each rule
means), kept on its profile (``issues``) and listed for the whole answer, so the agent can send them back to
the model for one revision and show what is left. Checks never rewrite a profile; the overall fit is the one
figure they add, computed from the model's four scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from . import company_words as words
from .claims import find_claims
from .icp import (
    CORE_FIELDS,
    COUNT,
    EXISTING_ICPS,
    FIT_PARTS,
    FOUNDATION_INPUT,
    ICPS_OUTPUT,
    ICPS_UNCHECKED,
    PROBLEM,
    obj,
    unique_name,
)

FIXED = obj(
    {"rule": {"enum": ["name_collision", "primary"]}, "from": {"type": "string"}, "to": {"type": "string"}},
    "What code settled after the revision: a renamed profile, or the primary chosen by overall fit.",
)

# The prose of a profile, where claims and untraced figures are looked for (estimates hold the figures; the
# quotes in grounded_in and the segment are the company's own words).
_PROSE_PATHS = (
    ("name",), ("tagline",), ("demographics", "roles"), ("demographics", "seniority"),
    ("demographics", "decision_role"), ("firmographics", "organisation"), ("firmographics", "size"),
    ("firmographics", "geography"), ("firmographics", "industry"), ("psychographics", "values"),
    ("psychographics", "motivations"), ("behaviour", "research"), ("behaviour", "buying_process"),
    ("behaviour", "decision_speed"), ("pain_points", "pain"), ("pain_points", "why"), ("trigger_events",),
    ("disqualifiers",), ("preferred_channels", "channel"), ("preferred_channels", "why"),
)  # fmt: skip


def _texts(value: Any, path: tuple[str, ...]) -> Iterator[str]:
    """Every string at ``path`` in ``value``, through lists."""
    if isinstance(value, list):
        for item in value:
            yield from _texts(item, path)
    elif not path:
        if isinstance(value, str):
            yield value
    elif isinstance(value, dict):
        yield from _texts(value.get(path[0]), path[1:])


def prose(icp: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field, text) for the profile's prose, fit-score reasons included."""
    for path in _PROSE_PATHS:
        for text in _texts(icp, path):
            yield ".".join(path), text
    for part, score in (icp.get("fit_scores") or {}).items():
        if isinstance(score, dict) and isinstance(score.get("reason"), str):
            yield f"fit_scores.{part}.reason", score["reason"]


def _problem(index: int | None, rule: str, field: str, found: str) -> dict[str, Any]:
    return {"icp": index, "rule": rule, "field": field, "words": found[:300]}


def _foundation_text(foundation: dict[str, Any], fields: tuple[str, ...] | None = None) -> str:
    chosen = fields or tuple(foundation)
    parts = [foundation.get(f) for f in chosen]
    return "\n".join(" ".join(map(str, p)) if isinstance(p, list) else str(p or "") for p in parts)


def _grounding(index: int, icp: dict[str, Any], foundation: dict[str, Any]) -> list[dict[str, Any]]:
    everything, core = _foundation_text(foundation), _foundation_text(foundation, CORE_FIELDS)
    quotes = icp["grounded_in"]
    found = [_problem(index, "quote_not_found", "grounded_in", q) for q in quotes if not words.occurs_in(q, everything)]
    if not any(words.occurs_in(q, core) for q in quotes):
        found.append(_problem(index, "not_grounded", "grounded_in", "; ".join(quotes)))
    return found


_NAME_SUFFIX = re.compile(r"\s\(\d+\)$")  # " (2)": code's suffix for a taken name, not a figure


def _claims(index: int, icp: dict[str, Any], allowed_numbers: set[str]) -> list[dict[str, Any]]:
    found = []
    for field, raw in prose(icp):
        text = _NAME_SUFFIX.sub("", raw) if field == "name" else raw
        found += [_problem(index, "claim", field, f"{c.kind}: {c.text}") for c in find_claims(text)]
        found += [_problem(index, "untraced_figure", field, n) for n in words.numbers_in(text)
                  if n not in allowed_numbers]  # fmt: skip
    for estimate in icp.get("estimates") or []:
        if estimate["low"] > estimate["high"]:
            found.append(_problem(index, "estimate_range", "estimates", estimate["claim"]))
    return found


def _scores(index: int, icp: dict[str, Any]) -> tuple[list[dict[str, Any]], float | None]:
    """Range problems, and the overall fit (mean of the four scores, 2 places, half up) when all are in range."""
    fit = icp.get("fit_scores")
    if not fit:
        return [], None
    values = [fit[part]["score"] for part in FIT_PARTS]
    bad = [_problem(index, "score_range", f"fit_scores.{p}", str(v)) for p, v in zip(FIT_PARTS, values, strict=True)
           if not 0 <= v <= 1]  # fmt: skip
    if bad:
        return bad, None
    mean = sum((Decimal(str(v)) for v in values), Decimal(0)) / len(values)  # exact: 0.725 is 0.73, not 0.72
    return [], float(mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _names(icps: list[dict[str, Any]], existing: list[str]) -> list[dict[str, Any]]:
    taken = {name.strip().casefold() for name in existing}
    found = []
    for index, icp in enumerate(icps):
        key = icp["name"].strip().casefold()
        if key in taken:
            found.append(_problem(index, "name_collision", "name", icp["name"]))
        taken.add(key)
    return found


def settle(icps: list[dict[str, Any]], existing: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The last resort after a revision, for the two rules code can settle without judging: a taken name gets
    the smallest free " (n)" suffix, and when not exactly one profile is primary, the best overall fit is (the
    first on a tie). Returns the profiles and what was changed."""
    taken = {name.strip().casefold() for name in existing}
    settled, fixed = [], []
    for icp in icps:
        name = unique_name(icp["name"].strip(), taken)
        if name != icp["name"].strip():
            fixed.append({"rule": "name_collision", "from": icp["name"], "to": name})
        settled.append({**icp, "name": name})
    if settled and sum(bool(i["primary"]) for i in settled) != 1:
        best = max(range(len(settled)), key=lambda i: (_mean(settled[i]), -i))
        settled = [{**icp, "primary": i == best} for i, icp in enumerate(settled)]
        fixed.append({"rule": "primary", "from": "", "to": settled[best]["name"]})
    return settled, fixed


def _mean(icp: dict[str, Any]) -> float:
    fit = icp.get("fit_scores") or {}
    return sum(fit[p]["score"] for p in FIT_PARTS) / len(FIT_PARTS) if fit else 0.0


def check(
    icps: list[dict[str, Any]], foundation: dict[str, Any], existing: list[str], count: int, *, settle_first: bool
) -> dict[str, Any]:
    """Every problem of every profile (see the module docstring), and the profiles with their overall fit."""
    icps, fixed = settle(icps, existing) if settle_first else (icps, [])
    allowed_numbers = set(words.numbers_in(_foundation_text(foundation)))
    problems = _names(icps, existing)
    if len(icps) != count:
        problems.append(_problem(None, "count", "icps", f"{len(icps)} of {count}"))
    if icps and sum(bool(i["primary"]) for i in icps) != 1:
        problems.append(_problem(None, "primary", "primary", str(sum(bool(i["primary"]) for i in icps))))
    checked = []
    for index, icp in enumerate(icps):
        range_problems, overall = _scores(index, icp)
        own = range_problems + _grounding(index, icp, foundation) + _claims(index, icp, allowed_numbers)
        problems += own
        fit = icp.get("fit_scores")
        checked.append({**icp, "fit_scores": None if fit is None else {**fit, "overall": overall}})
    problems.sort(key=lambda p: -1 if p["icp"] is None else p["icp"])
    for index, icp in enumerate(checked):
        icp["issues"] = [p for p in problems if p["icp"] == index]
    return {"icps": checked, "problems": problems, "passed": not problems, "fixed": fixed}


@skill(
    "icp.check",
    name="Check ICPs",
    category=SkillCategory.RESEARCH,
    input_schema=obj(
        {
            "icps": ICPS_UNCHECKED,
            "foundation": FOUNDATION_INPUT,
            "existing_icps": EXISTING_ICPS,
            "count": COUNT,
            "settle": {"type": "boolean", "description": "Settle taken names and the primary first (see settle)."},
        }
    ),
    output_schema=obj(
        {
            "icps": ICPS_OUTPUT,
            "problems": {"type": "array", "items": PROBLEM},
            "passed": {"type": "boolean"},
            "fixed": {"type": "array", "items": FIXED},
        }
    ),
)
def icp_check(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Checks profiles: count, unique names, one primary, scores in range, grounded in the foundation, no claim
    that needs proof and no figure outside the input except labelled estimates; adds each overall fit."""
    return check(data["icps"], data["foundation"], data["existing_icps"], data["count"], settle_first=data["settle"])
