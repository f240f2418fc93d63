"""Unit economics: is customer acquisition paying for itself?

**Code computes** every figure (skill ``finance.unit_economics``, exact decimals): CAC, LTV on gross margin when
cost of goods is given (revenue LTV otherwise, labelled), LTV/CAC, payback months, gross margin, the formulas with
the company's figures put in, a ± 20 % sensitivity table on churn, ARPU and CAC, and the verdict against the
company's own targets or the labelled rules of thumb (LTV/CAC above 3, payback under 12 months: David Skok, "SaaS
Metrics 2.0", 2013). The rules are in ``skills/library/finance.py``.

**Asks** (``ctx.ask``) for a figure it needs and was not given: acquisition spend, customers won (or the missing
half of leads × conversion rate), ARPU and monthly churn. Cost of goods is optional: without it LTV is revenue
LTV and says so. Nothing is defaulted.

**The model** judges only when the input asks for it (``"judgement": true``): a short reading of these figures for
this company, as structured output (``JUDGEMENT_SCHEMA``: the verdict it reads, a summary of at most four
sentences, up to three levers with why). It is opt-in because the figures are the answer and a model call costs
money; a plain calculation stays one step. **Code checks the judgement**: a verdict other than the computed one is
replaced by the computed one; every number the model wrote must come from the input or the computed figures
(``skills.library.figures.traces``), and a sentence stating any other number, or a claim the shared detectors flag
(guarantee, superlative, absolute: ``skills.library.claims``), is dropped with the reason. Each lever gets the
sensitivity rows of its figure, so the reader sees how far it moves LTV/CAC.

**Offline** (no model: ``ModelUnavailable``) everything above is computed; a requested judgement is listed in
``needs_model`` with what it would have covered.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from agents.registry import AgentContext, AgentSpec, ModelUnavailable, register
from skills.library.claims import find_claims
from skills.library.figures import untraced
from skills.library.finance import INPUT_PROPERTIES, OUTPUT_SCHEMA, dec

SKILL = "finance.unit_economics"
REQUIRED = ("spend", "arpu", "churn")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")  # a full stop in 2.67 ends no sentence

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "description": "Your figures for one period. Missing ones (spend, customers or leads and conversion, ARPU, "
    "churn) are asked for, never assumed.",
    "properties": {
        **INPUT_PROPERTIES,
        "judgement": {
            "type": "boolean",
            "description": "Also ask the model for a short judgement of these figures (checked against them).",
        },
    },
}
JUDGEMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["verdict", "summary", "levers"],
    "properties": {
        "verdict": {"enum": ["healthy", "mixed", "unhealthy", "insufficient_data"]},
        "summary": {"type": "string", "minLength": 1, "maxLength": 800, "description": "At most four sentences."},
        "levers": {
            "type": "array",
            "maxItems": 3,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["variable", "why"],
                "properties": {
                    "variable": {"enum": ["churn", "arpu", "cac", "gross_margin"]},
                    "why": {"type": "string", "minLength": 1, "maxLength": 400},
                },
            },
        },
    },
}
_CORRECTION = {"type": "object", "required": ["what", "reason"], "properties": {"what": {}, "reason": {}}}
_LEVER = {
    "type": "object",
    "required": ["variable", "why", "sensitivity"],
    "properties": {"variable": {"type": "string"}, "why": {"type": "string"}, "sensitivity": {"type": "array"}},
}
OUTPUT: dict[str, Any] = {
    **OUTPUT_SCHEMA,
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "required": [*OUTPUT_SCHEMA["required"], "judgement", "needs_model"],
    "properties": {
        **OUTPUT_SCHEMA["properties"],
        "judgement": {
            "type": ["object", "null"],
            "description": "The model's reading, after code's checks; null when not asked for or offline.",
            "required": ["verdict", "summary", "levers", "corrections"],
            "properties": {
                "verdict": {"type": "string"},
                "summary": {"type": "string"},
                "levers": {"type": "array", "items": _LEVER},
                "corrections": {"type": "array", "items": _CORRECTION},
            },
        },
        "needs_model": {"type": "array", "items": {"type": "string"}},
    },
}


def _company(ctx: AgentContext) -> str:
    return str((ctx.foundation or {}).get("company") or "your company")


def _owner(name: str) -> str:
    """The possessive of a name: Acme Labs’, Acme’s."""
    return f"{name}’" if name.endswith("s") else f"{name}’s"


def missing_questions(data: dict[str, Any], company: str) -> list[dict[str, Any]]:
    """The questions for every figure the calculation needs and the input lacks, each with its JSON Schema."""
    number = {"type": "number", "minimum": 0}
    share = {"type": "number", "minimum": 0, "maximum": 1}
    prompts = {
        "spend": (f"How much did {company} spend on winning customers (sales and marketing) in the period?", number),
        "arpu": (f"What does one {company} customer pay on average per month?", number),
        "churn": (f"What share of {_owner(company)} customers leave per month (a fraction, 0.03 for 3 %)?", share),
    }
    wanted = [key for key in REQUIRED if key not in data]
    if "customers" not in data:
        if "leads" in data and "conversion_rate" not in data:
            prompts["conversion_rate"] = (
                f"What share of {_owner(company)} {data['leads']:g} leads became customers?",
                share,
            )
            wanted.insert(1, "conversion_rate")
        elif "conversion_rate" in data and "leads" not in data:
            prompts["leads"] = (f"How many leads did {company} get in the period?", number)
            wanted.insert(1, "leads")
        elif "leads" not in data:
            prompts["customers"] = (f"How many new paying customers did {company} win in the period?", number)
            wanted.insert(1, "customers")
    return [{"key": key, "prompt": prompts[key][0], "schema": prompts[key][1]} for key in wanted]


def _computed(data: dict[str, Any], result: dict[str, Any]) -> list[Decimal]:
    """Every figure a judgement may state: the input, the results, the sensitivity rows and the thresholds."""
    values: list[Any] = [v for k, v in data.items() if isinstance(v, int | float) and not isinstance(v, bool)]
    values += [result[k] for k in ("customers", "cac", "ltv", "ltv_to_cac", "payback_months", "gross_margin")]
    values += [row[k] for row in result["sensitivity"] for k in ("change", "value", "ltv", "ltv_to_cac",
                                                                 "payback_months")]  # fmt: skip
    values += [t["target"] for t in result["thresholds"].values()]
    exact = [dec(v) for v in values if v is not None]
    return exact + [abs(v) for v in exact] + [v * 100 for v in exact if abs(v) <= 1]


def check_judgement(answer: dict[str, Any], data: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The model's judgement with what code refused: another verdict, untraced figures, flagged claims."""
    computed, corrections = _computed(data, result), []
    if answer["verdict"] != result["verdict"]:
        reason = f"the figures give {result['verdict']}; the computed verdict stands"
        corrections.append({"what": f"verdict {answer['verdict']}", "reason": reason})
    summary = " ".join(_kept(answer["summary"], computed, corrections))
    levers = []
    for lever in answer["levers"]:
        why = " ".join(_kept(lever["why"], computed, corrections))
        rows = [row for row in result["sensitivity"] if row["variable"] == lever["variable"]]
        if why:
            levers.append({"variable": lever["variable"], "why": why, "sensitivity": rows})
    return {"verdict": result["verdict"], "summary": summary, "levers": levers, "corrections": corrections}


def _kept(text: str, computed: list[Decimal], corrections: list[dict[str, Any]]) -> list[str]:
    kept = []
    for sentence in (part.strip() for part in _SENTENCE_END.split(text)):
        stray = untraced(sentence, computed)
        claims = [c for c in find_claims(sentence) if c.kind != "unverified_figure"]
        if stray:
            corrections.append({"what": sentence, "reason": f"states {stray[0].text}, which is none of the figures"})
        elif claims:
            corrections.append({"what": sentence, "reason": f"makes a {claims[0].kind} claim ({claims[0].text!r})"})
        elif sentence:
            kept.append(sentence)
    return kept


def _judge(ctx: AgentContext, data: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    figures = {k: v for k, v in result.items() if k not in ("notes",)}
    prompt = (
        f"Judge {_owner(_company(ctx))} unit economics from these computed figures (JSON below). Use only these "
        "numbers; say which figure is the strongest lever and why, for this company.\n"
        + json.dumps(figures, ensure_ascii=False)
    )
    answer = ctx.llm_json(prompt, schema=JUDGEMENT_SCHEMA, name="judgement", purpose="unit_economics:judgement")
    return check_judgement(answer, data, result)


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    questions = missing_questions(data, _company(ctx))
    if questions:
        data = {**data, **ctx.ask(questions)}
    figures = {k: v for k, v in data.items() if k != "judgement"}
    result = ctx.skill(SKILL, figures)
    judgement, needs_model = None, []
    if data.get("judgement"):
        try:
            judgement = _judge(ctx, data, result)
        except ModelUnavailable:
            needs_model.append(f"judgement: which of churn, ARPU and CAC matters most for {_company(ctx)}, and why")
    return {**result, "judgement": judgement, "needs_model": needs_model}


SPEC = register(
    AgentSpec(
        slug="unit_economics",
        name="Unit economics",
        category="analytics",
        description="Computes CAC, LTV (on gross margin when cost of goods is given), LTV/CAC, payback months and "
        "gross margin from spend, customers or leads and conversion, ARPU, churn and cost of goods, with the "
        "formulas, a ± 20 % sensitivity table and a verdict against your targets or the stated rules of thumb.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT,
        skills=(SKILL,),
        routing_examples=(
            "what is our CAC if we spent 10k and got 400 leads converting at 5%?",
            "calculate LTV to CAC ratio",
            "how many months until we pay back customer acquisition cost",
            "are our unit economics healthy",
            "compute customer lifetime value with 3% monthly churn and $80 ARPU",
            "what's our payback period on ad spend",
            "gross margin and CAC for our SaaS",
            "is our LTV:CAC above 3",
            "customer acquisition cost calculation",
            "work out unit economics from our marketing spend and churn",
        ),
        system_prompt="You judge unit economics from figures code computed. You state only those figures and "
        "never invent one.",
        run=run,
        example_input={
            "spend": 12000,
            "leads": 600,
            "conversion_rate": 0.04,
            "arpu": 99,
            "churn": 0.025,
            "cogs_share": 0.25,
        },
    )
)
