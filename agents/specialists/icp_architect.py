"""ICP architect: who to sell to, why, and how to reach them, from this company's own foundation.

**The model judges** (``ctx.llm_json``, schema ``answer_schema(count)``: ``count`` profiles shaped as
``skills.library.icp.MODEL_ICP``, and a synthesis): each profile's name, tagline, type, primary flag, roles,
firmographics, psychographics, behaviour, pain points with severity, trigger events, disqualifiers, preferred
channels and four fit scores (0–1, each with its reason), quoting the foundation's words it rests on
(``grounded_in``) and putting every market claim into ``estimates`` (a range, its unit and its basis).

**Code computes and checks** (``skills/library/icp.py``, ``icp_checks.py``): ``icp.ground`` reads what the
foundation's words give (segments named by the audience, stated problems, product, competitors, goals) and the
confidence (the share of the eight fields profiles draw on that the input filled). ``icp.check`` validates the
answer: the count, names unique and clear of the existing ICPs (case-insensitive), one primary, scores in range,
every quote found in the foundation (one at least in audience, product or description), no claim that needs
proof (``skills/library/claims.py``) and no number outside the input except labelled estimates; it computes each
overall fit (mean of the four). Problems go back to the model once (``icp.profiles:revise``); after that, code
settles only what needs no judgement (a taken name gets " (n)", the best overall fit becomes the primary) and
reports what is left in ``validation``.

**Offline** (``ModelUnavailable``): ``icp.offline_profiles`` builds one profile per segment the audience names
(up to the count) from the company's words alone, the same checks run, and ``needs_model`` lists what only a
model can fill (type, fit, severity, triggers, disqualifiers, channels…, and any profile beyond the segments
named). **Asks** (``ctx.ask``) when the foundation has neither an audience nor a product, instead of inventing.
"""

from __future__ import annotations

import json
from typing import Any

from agents.registry import AgentContext, AgentSpec, ModelUnavailable, register
from skills.library.icp import (
    COUNT,
    DEFAULT_ICPS,
    EXISTING_ICPS,
    FOUNDATION_INPUT,
    GROUNDING,
    ICPS_OUTPUT,
    MODEL_ICP,
    PROBLEM,
    PROBLEM_RULES,
    obj,
)
from skills.library.icp_checks import FIXED

SKILLS = ("icp.ground", "icp.offline_profiles", "icp.check")
_STRINGS = {"type": "array", "items": {"type": "string"}}

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {"foundation": FOUNDATION_INPUT, "count": COUNT, "existing_icps": EXISTING_ICPS},
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    **obj(
        {
            "icps": ICPS_OUTPUT,
            "synthesis": {"type": ["string", "null"], "description": "The model's summary; null offline."},
            "written_by": {"enum": ["model", "code"], "description": "Who wrote the profiles."},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1,
                           "description": "Share of the foundation fields profiles draw on that the input filled "
                                          "(given ÷ given + missing)."},
            "confidence_basis": obj({"given": _STRINGS, "missing": _STRINGS}),
            "grounding": GROUNDING,
            "validation": obj(
                {
                    "passed": {"type": "boolean", "description": "No problem is left."},
                    "revised": {"type": "boolean", "description": "The model was sent its problems once."},
                    "problems": {"type": "array", "items": PROBLEM, "description": "Problems left."},
                    "fixed": {"type": "array", "items": FIXED},
                }
            ),
            "needs_model": {**_STRINGS, "description": "Fields only a model can fill (paths), when offline."},
        },
        closed=False,
    ),
}  # fmt: skip
SYSTEM_PROMPT = (
    "You build ideal customer profiles for one company from its own foundation. You quote its words, you label "
    "every market figure as an estimate with a range and its basis, and you never invent facts about the company."
)
QUESTIONS: list[dict[str, Any]] = [
    {"key": "audience", "prompt": "Who buys from you? Name the groups: their roles, the kind of organisation or "
     "household, and where they are.", "schema": {"type": "string", "minLength": 3, "maxLength": 5000}},
    {"key": "product", "prompt": "What do you sell them, in one or two sentences?",
     "schema": {"type": "string", "minLength": 3, "maxLength": 5000}},
    {"key": "problem", "prompt": "Which problem does it solve for them, in their words?", "required": False,
     "schema": {"type": "string", "maxLength": 2000}},
]  # fmt: skip


def answer_schema(count: int) -> dict[str, Any]:
    """What the model must answer: exactly ``count`` profiles and a synthesis."""
    return obj(
        {
            "icps": {"type": "array", "items": MODEL_ICP, "minItems": count, "maxItems": count},
            "synthesis": {"type": "string", "minLength": 1, "maxLength": 1500,
                          "description": "Two to four sentences: which profile to pursue first, and why."},
        }
    )  # fmt: skip


def foundation_of(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """The input's foundation, else the workspace's, keeping only the fields a foundation may have."""
    if "foundation" in data:
        return dict(data["foundation"])
    stored = getattr(ctx, "foundation", None) or {}
    return {k: v for k, v in stored.items() if k in FOUNDATION_INPUT["properties"]}


def with_answers(foundation: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The foundation with the asked-for audience and product, and the stated problem added to its description."""
    merged = dict(foundation)
    for key in ("audience", "product"):
        if str(answers.get(key) or "").strip():
            merged[key] = str(answers[key]).strip()
    problem = str(answers.get("problem") or "").strip()
    if problem:
        merged["description"] = f"{str(merged.get('description') or '').strip()}\n{problem}".strip()[:5000]
    return merged


def _prompt(foundation: dict[str, Any], grounding: dict[str, Any], count: int, existing: list[str]) -> str:
    taken = ", ".join(json.dumps(name) for name in existing) or "none"
    return (
        f"Build {count} ideal customer profile(s) for this company.\n"
        "- Quote the foundation's exact words in `segment` and `grounded_in` (at least one quote from its audience, "
        "product or description).\n"
        f"- Names are short and unique, and none is one of the existing ICPs (case-insensitive): {taken}.\n"
        "- Exactly one profile is primary: the segment to go after first.\n"
        "- Fit scores are 0–1, each with a reason taken from the foundation.\n"
        "- Every market claim (how many such buyers, what they spend, how fast they grow) goes into `estimates` as a "
        "range with its unit and basis. Elsewhere write no number the foundation does not contain, and no "
        "guarantee, superlative or absolute.\n"
        "- `synthesis`: two to four sentences on which profile to pursue first and why.\n\n"
        f"The foundation (JSON): {json.dumps(foundation, ensure_ascii=False, sort_keys=True)}\n"
        f"What its words already give (JSON): {json.dumps(grounding, ensure_ascii=False, sort_keys=True)}"
    )


def _revise_prompt(first_prompt: str, answer: dict[str, Any], problems: list[dict[str, Any]]) -> str:
    listed = "\n".join(
        f"- profile {p['icp'] if p['icp'] is not None else '(all)'}, {p['field']}: {PROBLEM_RULES[p['rule']]} "
        f"({p['words']})"
        for p in problems[:40]
    )
    return (
        f"Your profiles break these rules:\n{listed}\n"
        "Answer again with every profile, changing only what these problems need.\n\n"
        f"What you were asked:\n{first_prompt}\n\nYour answer:\n{json.dumps(answer, ensure_ascii=False)}"
    )


def _from_model(icp: dict[str, Any]) -> dict[str, Any]:
    """A model's profile in the output's shape: who wrote it, and the source of each pain."""
    pains = [{**pain, "source": "model"} for pain in icp["pain_points"]]
    return {**icp, "pain_points": pains, "written_by": "model"}


def _check(ctx: AgentContext, icps: list[dict[str, Any]], common: dict[str, Any], settle: bool) -> dict[str, Any]:
    return ctx.skill("icp.check", {"icps": icps, **common, "settle": settle})


def _modelled(
    ctx: AgentContext, foundation: dict[str, Any], grounding: dict[str, Any], common: dict[str, Any]
) -> tuple[dict[str, Any], str, bool]:
    """The model's profiles, checked, revised once if they broke a rule; raises ModelUnavailable offline."""
    count = common["count"]
    prompt = _prompt(foundation, grounding, count, common["existing_icps"])
    schema = answer_schema(count)
    answer = ctx.llm_json(prompt, schema=schema, name="icps", purpose="icp.profiles")
    checked = _check(ctx, [_from_model(i) for i in answer["icps"]], common, settle=False)
    revised = not checked["passed"]
    if revised:
        again = _revise_prompt(prompt, answer, checked["problems"])
        answer = ctx.llm_json(again, schema=schema, name="icps", purpose="icp.profiles:revise")
        checked = _check(ctx, [_from_model(i) for i in answer["icps"]], common, settle=True)
    return checked, answer["synthesis"], revised


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    foundation = foundation_of(ctx, data)
    grounding = ctx.skill("icp.ground", {"foundation": foundation})
    if grounding["missing_essentials"]:
        foundation = with_answers(foundation, ctx.ask(QUESTIONS))
        grounding = ctx.skill("icp.ground", {"foundation": foundation})
    common = {"foundation": foundation, "existing_icps": data.get("existing_icps", []),
              "count": data.get("count", DEFAULT_ICPS)}  # fmt: skip
    try:
        checked, synthesis, revised = _modelled(ctx, foundation, grounding, common)
        needs_model: list[str] = []
    except ModelUnavailable:
        ctx.progress("No model can answer in JSON: building profiles from the company's own words")
        built = ctx.skill("icp.offline_profiles", {"grounding": grounding, "count": common["count"],
                                                   "existing_icps": common["existing_icps"]})  # fmt: skip
        checked, synthesis, revised = _check(ctx, built["icps"], common, settle=False), None, False
        needs_model = built["needs_model"]
    return {
        "icps": checked["icps"],
        "synthesis": synthesis,
        "written_by": "code" if needs_model else "model",
        "confidence": grounding["confidence"],
        "confidence_basis": {"given": grounding["given"], "missing": grounding["missing"]},
        "grounding": grounding,
        "validation": {
            "passed": checked["passed"],
            "revised": revised,
            "problems": checked["problems"],
            "fixed": checked["fixed"],
        },
        "needs_model": needs_model,
    }


SPEC = register(
    AgentSpec(
        slug="icp_architect",
        name="ICP architect",
        category="research",
        description="Builds ideal customer profiles from your company foundation: who buys, their pains, "
        "triggers and channels, with fit scores and a primary segment to go after first.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=SKILLS,
        routing_examples=(
            "build our ideal customer profiles",
            "who should we be selling to?",
            "create 3 ICPs for our SaaS product",
            "define our target customer persona",
            "which customer segment should we go after first",
            "I need buyer personas with pain points and trigger events",
            "who is our best-fit customer and why",
            "map out the decision makers we should target",
            "what kind of companies are most likely to buy from us",
            "give me a B2B customer profile for a fintech startup",
            "figure out our target audience and where to reach them",
            "segment our market into customer types and rank them",
            "describe the people who would pay for this",
            "ideal customer profile with firmographics and disqualifiers",
        ),
        system_prompt=SYSTEM_PROMPT,
        run=run,
        max_tokens=8000,
        example_input={
            "foundation": {
                "company": "Ledgerly",
                "industry": "Fintech",
                "stage": "seed",
                "description": "Cash-flow forecasting for small businesses tired of manual spreadsheets.",
                "product": "A forecasting app that connects to your bank and accounting software.",
                "audience": "Founders and finance leads at small businesses and agencies in Portugal.",
                "competitors": ["Float", "Pulse"],
                "goals": ["Reach 200 paying companies by December"],
                "budget_level": "low",
            },
            "count": 2,
            "existing_icps": ["Small businesses"],
        },
    )
)
