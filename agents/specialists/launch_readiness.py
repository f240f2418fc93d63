"""Launch readiness: are we ready to launch, what blocks us, and how long until we are?

**Code computes** (``skills/library/readiness.py``): each checklist item's status from the team's own scores,
per-category and overall means, *ready* when every applicable critical item is done, blockers (unfinished critical
items) and warnings (the rest), and the time to ready from stated inputs only: remaining person-days per item ÷ the
team's capacity (people × days a week each), rounded up, with dates from ``as_of``. The checklist says why each
item is on it and why the critical ones are critical; the team can drop, re-rank or add items.

**Asks** (``ctx.ask``), in two rounds, for what it lacks: first the percent finished of checklist items left
unanswered (optional: an unanswered item counts as not started), then, when something blocks the launch, the
team's capacity (required: without it there is no time estimate) and the remaining person-days of each blocker
without a figure (optional: "don't know" is allowed, see below). No time comes from a fixed band.

**The model** reviews the checklist against this company's foundation, as structured output (``REVIEW_SCHEMA``):
up to five items this company's launch needs that the checklist lacks (category, critical or not, why), and, for
unfinished items the team gave no figure for, an estimate of the remaining person-days as a low–high range with
its basis. **Code checks** the review: a suggested item that duplicates one on the list is refused, suggestions are
shown but never scored (only the team scores), an estimate for an item that is done, unknown or already has the
team's figure is refused (the team's figure wins), a range whose low end is above its high end is refused; kept
estimates enter the timeline labelled ``model_estimate`` with their basis, and the answer gives a range.

**Offline** (``ModelUnavailable``): everything above from the team's figures; items without a figure are named as
missing from the estimate, and ``needs_model`` lists the review (company-specific items, those estimates).
"""

from __future__ import annotations

import json
import re
from typing import Any

from agents.registry import AgentContext, AgentSpec, ModelUnavailable, register
from skills.library.readiness import ASSESS_INPUT, ASSESS_OUTPUT, CATEGORIES, CHECKLIST, MAX_DAYS, TEAM
from skills.library.readiness import TIMELINE_OUTPUT as _TIMELINE_OUTPUT

MAX_QUESTIONS = 20
_ASSESS_KEYS = tuple(ASSESS_INPUT["properties"])
_DAYS = {"type": "number", "minimum": 0, "maximum": MAX_DAYS}

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["answers"],
    "description": "The team's checklist scores, and what the time estimate needs: remaining person-days per "
    "unfinished item and the team's capacity. Anything missing is asked for.",
    "properties": {
        **ASSESS_INPUT["properties"],
        "remaining_days": {
            "type": "object",
            "description": "Person-days of work left per unfinished item (checklist or custom key).",
            "propertyNames": {"pattern": "^[a-z][a-z0-9_]{0,39}$"},
            "additionalProperties": _DAYS,
            "maxProperties": 40,
        },
        "team": TEAM,
        "as_of": {
            "type": "string",
            "maxLength": 10,
            "pattern": r"^\d{4}-\d{2}-\d{2}$",
            "description": "The date the estimate counts from (YYYY-MM-DD); without it, weeks only.",
        },
    },
}
REVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["missing_items", "estimates"],
    "properties": {
        "missing_items": {
            "type": "array",
            "maxItems": 5,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["label", "category", "critical", "why"],
                "properties": {
                    "label": {"type": "string", "minLength": 3, "maxLength": 120},
                    "category": {"enum": list(CATEGORIES)},
                    "critical": {"type": "boolean"},
                    "why": {"type": "string", "minLength": 1, "maxLength": 400},
                },
            },
        },
        "estimates": {
            "type": "array",
            "maxItems": 40,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["item", "low_days", "high_days", "basis"],
                "properties": {
                    "item": {"type": "string", "maxLength": 40},
                    "low_days": _DAYS,
                    "high_days": _DAYS,
                    "basis": {"type": "string", "minLength": 1, "maxLength": 400},
                },
            },
        },
    },
}
_REFUSED = {"type": "object", "required": ["what", "reason"], "properties": {"what": {}, "reason": {}}}
_SUGGESTED = {
    "type": "object",
    "required": ["label", "category", "critical", "why", "source"],
    "properties": {"label": {}, "category": {}, "critical": {}, "why": {}, "source": {"const": "model_suggestion"}},
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": [*ASSESS_OUTPUT["required"], "estimate", "suggested_items", "refused", "summary", "needs_model"],
    "properties": {
        **ASSESS_OUTPUT["properties"],
        "estimate": {
            **_TIMELINE_OUTPUT,
            "type": ["object", "null"],
            "description": "Null without the team's capacity.",
        },
        "suggested_items": {"type": "array", "items": _SUGGESTED, "description": "The model's, not scored."},
        "refused": {"type": "array", "items": _REFUSED, "description": "What code refused of the model's review."},
        "summary": {"type": "string"},
        "needs_model": {"type": "array", "items": {"type": "string"}},
    },
}


def _name(ctx: AgentContext) -> str:
    return str((ctx.foundation or {}).get("company") or "The product")


def _launch(ctx: AgentContext) -> str:
    """The launch, named after the company when the foundation names it."""
    company = (ctx.foundation or {}).get("company")
    return f"{_owner(str(company))} launch" if company else "this launch"


def _owner(name: str) -> str:
    """The possessive of a name: Acme Labs’, Acme’s."""
    return f"{name}’" if name.endswith("s") else f"{name}’s"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _score_questions(data: dict[str, Any], launch: str) -> list[dict[str, Any]]:
    skipped = set(data.get("not_applicable", []))
    missing = [k for k in CHECKLIST if k not in data["answers"] and k not in skipped]
    # fmt: off
    return [{"key": key, "prompt": f"How far along is “{CHECKLIST[key][1]}” for {launch} in percent (0–100), or "
             "empty if it has not started?", "schema": {"type": "number", "minimum": 0, "maximum": 100},
             "required": False} for key in missing]
    # fmt: on


def _estimate_questions(data: dict[str, Any], assessed: dict[str, Any], launch: str) -> list[dict[str, Any]]:
    """Capacity and the blockers' remaining work, when something blocks the launch and they are not given."""
    if assessed["ready"]:
        return []
    questions: list[dict[str, Any]] = []
    if "team" not in data:
        prompt = f"How many people work on {launch}, and how many days a week does each of them give it?"
        questions.append({"key": "team", "prompt": prompt, "schema": TEAM})
    stated = data.get("remaining_days", {})
    for item in assessed["blockers"][: MAX_QUESTIONS - len(questions)]:
        if item["item"] not in stated:
            # fmt: off
            questions.append({"key": f"days_{item['item']}"[:64], "schema": _DAYS, "required": False,
                              "prompt": f"How many person-days of work are left on “{item['label']}” for {launch} "
                              f"({item['score'] or 0:g} % done), if you know?"})
            # fmt: on
    return questions


def _merge_estimates(data: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    days = dict(data.get("remaining_days", {}))
    days |= {key.removeprefix("days_"): value for key, value in answers.items() if key.startswith("days_")}
    merged = {**data, "remaining_days": days}
    if "team" in answers:
        merged["team"] = answers["team"]
    return merged


def _open_items(assessed: dict[str, Any]) -> list[dict[str, Any]]:
    return assessed["blockers"] + assessed["warnings"]


def check_review(answer: dict[str, Any], assessed: dict[str, Any], stated: dict[str, Any]) -> dict[str, Any]:
    """What of the model's review code keeps: new items only, estimates only where the team gave no figure."""
    refused: list[dict[str, Any]] = []
    known = {_words(i["label"]) for i in assessed["items"]}
    suggested = []
    for item in answer["missing_items"]:
        if _words(item["label"]) in known:
            refused.append({"what": item["label"], "reason": "already on the checklist"})
            continue
        known.add(_words(item["label"]))
        suggested.append({**item, "source": "model_suggestion"})
    open_keys = {i["item"] for i in _open_items(assessed)}
    estimates: dict[str, dict[str, Any]] = {}
    for guess in answer["estimates"]:
        key = guess["item"]
        reason = _estimate_refusal(guess, key in open_keys, stated.get(key), key in estimates)
        if reason:
            refused.append({"what": f"estimate for {key}", "reason": reason})
        else:
            estimates[key] = guess
    return {"suggested": suggested, "estimates": estimates, "refused": refused}


def _estimate_refusal(guess: dict[str, Any], is_open: bool, stated: Any, repeated: bool) -> str:
    if not is_open:
        return "not an unfinished item of this checklist"
    if stated is not None:
        return f"the team's own figure ({stated:g} person-days) stands"
    if guess["low_days"] > guess["high_days"]:
        return "its low end is above its high end"
    return "a second estimate for the same item" if repeated else ""


def _words(label: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", label.lower()))


def _review(ctx: AgentContext, assessed: dict[str, Any], stated: dict[str, Any]) -> dict[str, Any]:
    unestimated = [i["item"] for i in _open_items(assessed) if i["item"] not in stated]
    items = [{k: i[k] for k in ("item", "label", "category", "critical", "status", "score")} for i in assessed["items"]]
    prompt = (
        f"Review the checklist of {_launch(ctx)} below against the company. List items its launch needs that the "
        "checklist lacks (none if it is complete), and estimate the person-days left on these unfinished items, "
        f"as a low–high range with your basis: {json.dumps(unestimated)}.\n" + json.dumps(items, ensure_ascii=False)
    )
    answer = ctx.llm_json(prompt, schema=REVIEW_SCHEMA, name="review", purpose="launch_readiness:review")
    return check_review(answer, assessed, stated)


def _work(assessed: dict[str, Any], stated: dict[str, Any], guesses: dict[str, Any]) -> dict[str, Any]:
    work, unestimated = [], []
    for item in _open_items(assessed):
        key, base = item["item"], {"item": item["item"], "label": item["label"], "critical": item["critical"]}
        if key in stated:
            work.append({**base, "low_days": stated[key], "high_days": stated[key], "source": "team"})
        elif key in guesses:
            g = guesses[key]
            # fmt: off
            work.append({**base, "low_days": g["low_days"], "high_days": g["high_days"], "source": "model_estimate",
                         "basis": g["basis"]})
            # fmt: on
        else:
            unestimated.append(item)
    # fmt: off
    return {"work": work, "unestimated": [i["item"] for i in unestimated],
            "unestimated_critical": [i["item"] for i in unestimated if i["critical"]]}
    # fmt: on


def summary(name: str, assessed: dict[str, Any], estimate: dict[str, Any] | None, team: dict[str, Any] | None) -> str:
    """What the answer says, in the company's name and figures."""
    blockers = assessed["blockers"]
    if not blockers:
        done = sum(1 for i in assessed["items"] if i["critical"] and i["status"] == "done")
        text = f"{name} is ready to launch: all {done} must-have items are done"
        rest = assessed["warnings"]
        return text + (f"; {len(rest)} others are unfinished, least of all “{rest[0]['label']}” "
                       f"({rest[0]['score'] or 0:g} %)." if rest else ".")  # fmt: skip
    first = blockers[0]
    text = (f"{name} is not ready to launch: {_plural(len(blockers), 'must-have item')} unfinished, least of all "
            f"“{first['label']}” ({first['score'] or 0:g} %).")  # fmt: skip
    if estimate is None or team is None:
        return text + f" There is no time estimate for {name}: no team capacity was given."
    span = estimate["to_ready"]
    low, high = span["weeks"]
    weeks = f"{low:g}–{high:g} weeks" if low != high else "1 week" if low == 1 else f"{low:g} weeks"
    people = "1 person" if team["people"] == 1 else f"{team['people']} people"
    text += (f" With {people} giving {team['focus_days_per_week']:g} days a week, the must-have work "
             f"{'known' if span['missing'] else 'left'} takes {weeks}")  # fmt: skip
    text += f", to {span['dates'][-1]}." if span["dates"] and span["dates"][-1] else "."
    if span["missing"]:
        labels = {i["item"]: i["label"] for i in assessed["items"]}
        missing = ", ".join(f"“{labels.get(key, key)}”" for key in span["missing"])
        text += f" It leaves out {missing}, which {name} has no figure for."
    return text


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    name, launch = _name(ctx), _launch(ctx)
    questions = _score_questions(data, launch)
    if questions:
        answers = ctx.ask(questions)
        data = {**data, "answers": {**data["answers"], **answers}}
    assessed = ctx.skill("readiness.assess", {k: data[k] for k in _ASSESS_KEYS if k in data})
    questions = _estimate_questions(data, assessed, launch)
    if questions:
        data = _merge_estimates(data, ctx.ask(questions))
    stated = data.get("remaining_days", {})
    needs_model: list[str] = []
    try:
        review = _review(ctx, assessed, stated)
    except ModelUnavailable:
        review = {"suggested": [], "estimates": {}, "refused": []}
        needs_model.append(f"items {launch} needs beyond this checklist")
        unestimated = [f"“{i['label']}”" for i in _open_items(assessed) if i["item"] not in stated]
        if unestimated:
            needs_model.append(f"estimates of the work left on {', '.join(unestimated)}")
    estimate = None
    if "team" in data and _open_items(assessed):
        work = _work(assessed, stated, review["estimates"])
        timeline_input = {**work, "team": data["team"], **({"as_of": data["as_of"]} if "as_of" in data else {})}
        estimate = ctx.skill("readiness.timeline", timeline_input)
    return {
        **assessed,
        "estimate": estimate,
        "suggested_items": review["suggested"],
        "refused": review["refused"],
        "summary": summary(name, assessed, estimate, data.get("team")),
        "needs_model": needs_model,
    }


SPEC = register(
    AgentSpec(
        slug="launch_readiness",
        name="Launch readiness",
        category="operations",
        description="Scores your launch checklist (percent finished per item, 18 items in product, marketing, "
        "sales, support, legal, operations and analytics, adaptable), says whether you are ready and what blocks "
        "you, and how long the rest takes at your team's capacity.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=("readiness.assess", "readiness.timeline"),
        routing_examples=(
            "are we ready to launch?",
            "launch readiness check",
            "what's blocking our go-live",
            "score our launch checklist",
            "how many weeks until we can ship publicly",
            "we've finished QA and pricing but not the help docs, can we launch next week?",
            "go/no-go assessment for the product launch",
            "which launch tasks are critical and still incomplete",
            "rate our readiness across product, legal, support and analytics",
            "is anything missing before we announce on Product Hunt?",
            "pre-launch audit: terms, billing, tracking, support",
            "how far are we from being launch ready",
            "check if our beta is ready to open to everyone",
        ),
        system_prompt="You review a launch checklist for one company. You suggest only items its launch needs and "
        "estimate work only as a range with its basis. You never score items: the team does.",
        run=run,
        example_input={
            "answers": {
                "core_features": 90,
                "qa_passed": 75,
                "onboarding": 60,
                "positioning": 80,
                "website": 85,
                "launch_content": 50,
                "pricing": 65,
                "sales_materials": 40,
                "help_docs": 20,
                "support_channel": 70,
                "terms_privacy": 100,
                "compliance": 60,
                "trademark": 80,
                "billing": 90,
                "infrastructure": 70,
                "incident_plan": 30,
                "tracking": 80,
                "dashboard": 50,
            },
            "remaining_days": {
                "core_features": 6,
                "qa_passed": 4,
                "website": 2,
                "pricing": 3,
                "support_channel": 2.5,
                "billing": 1.5,
                "tracking": 1,
                "help_docs": 5,
            },
            "team": {"people": 3, "focus_days_per_week": 4},
            "as_of": "2025-03-03",
        },
    )
)
