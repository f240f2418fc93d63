"""Positioning strategist: what makes this company different, said in five frameworks, each line checked.

**The model judges** (``ctx.llm_json``, schema ``MODEL_ANSWER``): how it reads the company (the blanks:
product, audience, need, category, benefit, alternative, differentiator), one statement per framework (classic,
challenger, category creator, benefit-led, comparison) and two to five soundbites of at most 15 words, from the
foundation, the competitors and the differentiators. Lines that fail the checks go back to it once
(``positioning.revise``, schema ``REVISION``: a new text per failing id); what still fails is shown as failing.

**Code computes and checks** (``skills/library/positioning.py``, ``messaging.py``): ``positioning.ground`` fills
the blanks from the company's own words and says where each came from; ``positioning.check_all`` checks every
line with the messaging rules (guarantees, superlatives, absolutes and unverified figures from the shared
``skills/library/claims.py``; aggressive language, vague claims, competitor bashing, jargon, passive voice),
grammar (capital, closing punctuation, repeated words, placeholders, a/an, length, the product named) and the
framework's shape, and scores them (100 − 20 per error − 10 per warning − 5 per suggestion).

**Offline** (``ModelUnavailable``): ``positioning.offline_statements`` fills only the frameworks whose blanks the
company's words give, as sentences built around those words, drafts a soundbite per differentiator, runs the
same checks and lists in ``needs_model`` what a model must write. **Asks** (``ctx.ask``) for what no statement
can do without: the product's name, what it does, the audience, the competitors (or what customers use instead)
and the differentiators, never filling them with defaults.
"""

from __future__ import annotations

import json
from typing import Any

from agents.registry import AgentContext, AgentSpec, ModelUnavailable, register
from agents.specialists.icp_architect import foundation_of
from skills.library.icp import obj
from skills.library.messaging import CHECK
from skills.library.positioning import BLANKS, FIELDS, FRAMEWORKS, STATEMENTS_INPUT, SUMMARY

SKILLS = ("positioning.ground", "positioning.offline_statements", "positioning.check_all")
_STRINGS = {"type": "array", "items": {"type": "string"}}
_LIST_ANSWER = {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 500}, "minItems": 1,
                "maxItems": 20}  # fmt: skip
_TEXT = {"type": "string", "minLength": 1, "maxLength": 600}
SOUNDBITE_WORDS = 15

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": STATEMENTS_INPUT["properties"],
}
_LINE_OUT = {"text": {"type": "string"}, "written_by": {"enum": ["model", "code"]}, "check": CHECK}
OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    **obj(
        {
            "fields": FIELDS,
            "statements": {"type": "array", "items": obj({"framework": {"enum": list(FRAMEWORKS)}, **_LINE_OUT})},
            "soundbites": {"type": "array", "items": obj({"id": {"type": "string"}, **_LINE_OUT})},
            "summary": SUMMARY,
            "revised": {"type": "boolean", "description": "Failing lines were sent back to the model once."},
            "unfilled": {"type": "object", "additionalProperties": _STRINGS,
                         "description": "Offline: per framework, the blanks the company's words left empty."},
            "needs_model": {**_STRINGS, "description": "What only a model can write (paths), when offline."},
        },
        closed=False,
    ),
}  # fmt: skip
MODEL_ANSWER = obj(
    {
        "fields": obj({blank: _TEXT for blank in BLANKS}, "How you read the company: each blank of the frameworks."),
        "statements": {
            "type": "array", "minItems": len(FRAMEWORKS), "maxItems": len(FRAMEWORKS),
            "items": obj({"framework": {"enum": list(FRAMEWORKS)}, "text": _TEXT}),
            "description": "One statement per framework.",
        },
        "soundbites": {"type": "array", "minItems": 2, "maxItems": 5,
                       "items": obj({"text": {"type": "string", "minLength": 1, "maxLength": 200}})},
    }
)  # fmt: skip
REVISION = obj(
    {"revisions": {"type": "array", "maxItems": 12,
                   "items": obj({"id": {"type": "string", "description": "The failing line's id."}, "text": _TEXT})}}
)  # fmt: skip
SYSTEM_PROMPT = (
    "You write clear, factual positioning for one company from its own words. You avoid superlatives without a "
    "source, guarantees, absolutes, jargon and attacks on competitors, and you write complete sentences."
)
QUESTIONS = {
    "product_name": {"prompt": "What is the product (or the company) called, as your statements should say it?",
                     "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
    "what_it_does": {"prompt": "Finish the sentence \"<product> …\": what does it do for its customers? "
                     "(for example: \"shows a shop's stock across its tills\")",
                     "schema": {"type": "string", "minLength": 3, "maxLength": 500}},
    "audience": {"prompt": "Who is it for? Name the people or organisations, and where they are.",
                 "schema": {"type": "string", "minLength": 3, "maxLength": 500}},
    "competitors": {"prompt": "What do your customers use instead today: competitors by name, or a workaround "
                    "(spreadsheets, an agency, doing nothing)?", "schema": _LIST_ANSWER},
    "differentiators": {"prompt": "What do you do that those alternatives do not? One checkable fact per line.",
                        "schema": _LIST_ANSWER},
}  # fmt: skip
_ANSWER_FIELD = {"product_name": "product", "what_it_does": "benefit", "audience": "audience",
                 "competitors": "competitors", "differentiators": "differentiators"}  # fmt: skip


def with_answers(request: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The request with each answer in the field it fills."""
    merged = dict(request)
    for key, value in answers.items():
        field = _ANSWER_FIELD[key]
        merged[field] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return merged


def _prompt(request: dict[str, Any], grounded: dict[str, Any]) -> str:
    product = grounded["fields"]["product"]["value"]
    return (
        f'Write the positioning of {product} in five frameworks, one statement each: classic ("For [audience] who '
        '[need], [product] is the [category] that [benefit]; unlike [alternative], [differentiator]."), '
        "challenger (what it challenges in how the audience works today), category_creator (the category it "
        "defines), benefit_led (the benefit first) and comparison (against a named alternative). Then two to "
        f"five soundbites of at most {SOUNDBITE_WORDS} words.\n"
        f"- Every statement names {product}; classic and comparison name an alternative.\n"
        "- Complete, grammatical sentences that end with a full stop.\n"
        "- No guarantee, superlative, absolute, or figure without a source in the same sentence (figures the "
        "company states below are allowed); no attack on a competitor, no aggressive words, jargon, vague claims "
        "or passive voice.\n"
        "- Use the company's words: its audience, its competitors and its differentiators.\n\n"
        f"The request (JSON): {json.dumps(request, ensure_ascii=False, sort_keys=True)}\n"
        f"What its words give (JSON): {json.dumps(grounded['fields'], ensure_ascii=False, sort_keys=True)}"
    )


def _revise_prompt(first: str, lines: dict[str, str], checked: dict[str, Any]) -> str:
    failing = []
    for line in checked["lines"]:
        if line["id"] in checked["failing"]:
            problems = "; ".join(
                f"{i['rule']} ({i['text']!r}): {i['message']}"
                for i in line["check"]["issues"]
                if i["severity"] != "suggestion"
            )
            failing.append(f"- {line['id']}: {lines.get(line['id'], '')!r} — {problems or 'missing'}")
    missing = [fw for fw in FRAMEWORKS if fw not in lines]
    failing += [f"- {fw}: missing — write it" for fw in missing]
    return (
        f"{first}\n\nThese lines of your answer break the rules:\n" + "\n".join(failing) + "\n"
        "Give a new text for each listed id only, keeping what the line says."
    )


def _lines(statements: list[dict[str, Any]], soundbites: list[dict[str, Any]]) -> dict[str, str]:
    """Lines by id: the first statement of each framework, then soundbite_1…"""
    lines: dict[str, str] = {}
    for statement in statements:
        lines.setdefault(statement["framework"], statement["text"])
    for n, soundbite in enumerate(soundbites, start=1):
        lines[f"soundbite_{n}"] = soundbite["text"]
    return lines


def _check(ctx: AgentContext, lines: dict[str, str], grounded: dict[str, Any]) -> dict[str, Any]:
    return ctx.skill(
        "positioning.check_all",
        {
            "lines": [{"id": i, "kind": "statement" if i in FRAMEWORKS else "soundbite", "text": t[:2000]}
                      for i, t in lines.items()][:20],
            "competitors": [c[:500] for c in grounded["competitors"]][:50],
            "product": grounded["fields"]["product"]["value"][:500],
            "own_text": grounded["own_text"],
        },
    )  # fmt: skip


def _modelled(ctx: AgentContext, request: dict[str, Any], grounded: dict[str, Any]) -> dict[str, Any]:
    """The model's statements and soundbites, checked, failing ones revised once; ModelUnavailable offline."""
    prompt = _prompt(request, grounded)
    answer = ctx.llm_json(prompt, schema=MODEL_ANSWER, name="positioning", purpose="positioning.write")
    lines = _lines(answer["statements"], answer["soundbites"])
    checked = _check(ctx, lines, grounded)
    revised = bool(checked["failing"]) or len([i for i in lines if i in FRAMEWORKS]) < len(FRAMEWORKS)
    if revised:
        again = _revise_prompt(prompt, lines, checked)
        revision = ctx.llm_json(again, schema=REVISION, name="revision", purpose="positioning.revise")
        wanted = set(checked["failing"]) | {fw for fw in FRAMEWORKS if fw not in lines}
        lines |= {r["id"]: r["text"] for r in revision["revisions"] if r["id"] in wanted}
        lines = {i: lines[i] for i in [*FRAMEWORKS, *sorted(k for k in lines if k not in FRAMEWORKS)] if i in lines}
        checked = _check(ctx, lines, grounded)
    fields = {blank: {"value": answer["fields"][blank], "source": "model"} for blank in BLANKS}
    return {"fields": fields, "lines": lines, "checked": checked, "revised": revised, "by": "model", "needs": []}


def _offline(ctx: AgentContext, request: dict[str, Any], grounded: dict[str, Any]) -> dict[str, Any]:
    ctx.progress("No model can answer in JSON: filling the frameworks from the company's own words")
    drafted = ctx.skill("positioning.offline_statements", {"grounded": grounded})
    lines = _lines(drafted["statements"], drafted["soundbites"])
    checked = _check(ctx, lines, grounded)
    return {"fields": grounded["fields"], "lines": lines, "checked": checked, "revised": False, "by": "code",
            "needs": drafted["needs_model"], "unfilled": grounded["unfilled"]}  # fmt: skip


def _output(result: dict[str, Any]) -> dict[str, Any]:
    checks = {line["id"]: line["check"] for line in result["checked"]["lines"]}
    by = result["by"]
    items = [(i, {"text": t, "written_by": by, "check": checks[i]}) for i, t in result["lines"].items()]
    return {
        "fields": result["fields"],
        "statements": [{"framework": i, **line} for i, line in items if i in FRAMEWORKS],
        "soundbites": [{"id": i, **line} for i, line in items if i not in FRAMEWORKS],
        "summary": result["checked"]["summary"],
        "revised": result["revised"],
        "unfilled": result.get("unfilled", {}),
        "needs_model": result["needs"],
    }


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    request = {**data, "foundation": foundation_of(ctx, data)}
    grounded = ctx.skill("positioning.ground", request)
    if grounded["missing_essentials"]:
        questions = [{"key": key, **QUESTIONS[key]} for key in grounded["missing_essentials"]]
        request = with_answers(request, ctx.ask(questions))
        grounded = ctx.skill("positioning.ground", request)
    try:
        result = _modelled(ctx, request, grounded)
    except ModelUnavailable:
        result = _offline(ctx, request, grounded)
    return _output(result)


SPEC = register(
    AgentSpec(
        slug="positioning_strategist",
        name="Positioning strategist",
        category="strategy",
        description="Writes your positioning in five frameworks and a few short soundbites, then checks every "
        "line against messaging rules (guarantees, unsourced superlatives, vague claims, jargon, bashing rivals).",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=SKILLS,
        routing_examples=(
            "write our positioning statement",
            "how should we position ourselves against Float and Pulse?",
            "Write key messages",
            "give me a challenger-style positioning",
            "what makes us different and how do we say it",
            "draft a value proposition for our product",
            "help me craft messaging that sets us apart from competitors",
            "create soundbites for the sales deck",
            "check our messaging for superlatives and jargon",
            "category creation narrative for our startup",
            "for who / who need / unlike statement for our app",
            "how do we explain why we're better than spreadsheets",
            "sharpen our one-liner and elevator pitch",
            "positioning framework comparison versus the incumbent",
        ),
        system_prompt=SYSTEM_PROMPT,
        run=run,
        max_tokens=3000,
        example_input={
            "foundation": {
                "company": "Ledgerly",
                "industry": "Fintech",
                "description": "Ledgerly helps small businesses see their cash position 13 weeks ahead.",
                "product": "A forecasting app that connects to your bank and accounting software.",
                "audience": "Founders and finance leads at small businesses who need to plan hiring without "
                "cash surprises.",
                "goals": ["Reach 200 paying companies by December"],
                "competitors": ["Float", "Pulse"],
            },
            "differentiators": [
                "Forecasts update hourly from live bank data",
                "Set up in ten minutes without an accountant",
            ],
        },
    )
)
