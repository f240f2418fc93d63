"""Evidence analyst: what do these sources actually say, how far can we trust them, and do our claims hold?

**Code computes** (skills ``evidence.*``, rules in ``skills/library/evidence*.py``): the facts in each text —
numbers, percentages, amounts, dates (a year on its own is a date) and organisations — with their positions,
exact values, the pattern's confidence, and each figure's subject words and period; each source's kind of domain
and its Admiralty reliability grade, with the rule that gave it (government, standards bodies and peer-reviewed
publishers B; news, analysts, universities C; blogs D; ``example.*`` E; unknown F); the difference between every
two figures about the same subject, with a severity; and each claim's verdict by stated rules (contested when its
sources contradict it; verified only with two independent agreeing sources, one graded A–C).

**The model** judges, as structured output (``JUDGE_SCHEMA``): which figures are about the same subject (groups),
whether each difference within a group is a contradiction or has another explanation (another population,
definition or period), and a verdict on each claim with the facts and verbatim quotes it rests on and its reason.
**Code checks the model**: unknown fact ids and groups mixing kinds of figure are refused; a contradiction called
between figures that agree within rounding is refused; a difference in a group the model did not call is a
contradiction; a quote not found in its source is dropped; a verdict is capped by the numbers — a "verified" claim
that its sources contradict becomes "contested", one backed by a single source "partly_verified" — with the
reason (``corrections``).

**Claims** come from the input or, when it has none, from the company's foundation: the sentences of its
description, product, audience and goals in which the shared detectors (``skills.library.claims``) find a claim
that needs proof. A claim that names a source that does not exist is **asked** about (``ctx.ask``), never guessed.

**Offline** (``ModelUnavailable``): code extracts and grades everything, matches figures to subjects by shared
words (``evidence.same_subject``: at least two shared content words, a third of the smaller set or more), calls a
contradiction wherever such figures differ beyond rounding (unless their sentences state different years), and
decides the verdicts of claims that state figures; ``needs_model`` lists the subject matches, the contradiction
calls and the verdicts on claims without figures, which only a model can judge.
"""

from __future__ import annotations

import json
from typing import Any

from agents.registry import AgentContext, AgentSpec, ModelUnavailable, register
from skills.library.claims import find_claims
from skills.library.evidence import CONTRADICTION, EXPLAINED, FACT, PAIR, SOURCE, TEXTS
from skills.library.evidence_claims import CLAIMS, MODEL_VERDICT, VERDICT, claim_figures
from skills.library.evidence_facts import FACT_TYPES, HARD_TYPES

SKILLS = (
    "evidence.extract_facts",
    "evidence.source_credibility",
    "evidence.find_contradictions",
    "evidence.verify_claims",
)
MAX_COMPARED_FACTS = 1000
MODEL_FACTS = 300  # the figures the model is shown (prompt size); the rest are matched by shared words
MAX_FOUNDATION_CLAIMS = 10
FOUNDATION_FIELDS = ("description", "product", "audience")
_DATE = {"type": "string", "maxLength": 10, "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_ID = {"type": "string", "maxLength": 20}

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["texts"],
    "properties": {
        "texts": {**TEXTS, "minItems": 1, "description": "The sources: their text, and where and when published."},
        "claims": {**CLAIMS, "description": "Claims to check; without them, the foundation's claims are checked."},
        "reference_date": {**_DATE, "description": "The date ages are measured at (default: the newest source's)."},
    },
}
JUDGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["subjects", "calls", "verdicts"],
    "properties": {
        "subjects": {
            "type": "array",
            "maxItems": 200,
            "description": "Groups of figures about one subject (same measure, population, place and period).",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "facts"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 120},
                    "facts": {"type": "array", "items": _ID, "minItems": 2, "maxItems": 200},
                },
            },
        },
        "calls": {
            "type": "array",
            "maxItems": 300,
            "description": "For each pair of differing figures in a group: a contradiction or not, and why.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["facts", "contradiction", "reason"],
                "properties": {
                    "facts": {"type": "array", "items": _ID, "minItems": 2, "maxItems": 2},
                    "contradiction": {"type": "boolean"},
                    "reason": {"type": "string", "minLength": 1, "maxLength": 500},
                },
            },
        },
        "verdicts": {"type": "array", "maxItems": 50, "items": MODEL_VERDICT},
    },
}
_FACT_OUT = {**FACT, "required": [k for k in FACT["required"] if k != "sentence"],
             "properties": {**FACT["properties"], "corroboration": {
                 "enum": ["confirmed", "contradicted", "single_source", "not_compared"]}}}  # fmt: skip
OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": [
        "claims_from", "facts", "fact_counts", "reference_date", "sources", "matching", "contradictions",
        "agreements", "explained", "verdicts", "corrections", "severity_rule", "needs_model",
    ],
    "properties": {
        "claims_from": {"enum": ["input", "foundation", "none"]},
        "facts": {"type": "array", "items": _FACT_OUT},
        "fact_counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "reference_date": {"type": ["string", "null"]},
        "sources": {"type": "array", "items": SOURCE},
        "matching": {"enum": ["model", "lexical"], "description": "Who decided which figures share a subject."},
        "contradictions": {"type": "array", "items": CONTRADICTION},
        "agreements": {"type": "array", "items": PAIR},
        "explained": {"type": "array", "items": EXPLAINED},
        "verdicts": {"type": "array", "items": VERDICT},
        "corrections": {"type": "array", "items": {"type": "string"}},
        "severity_rule": {"type": "string"},
        "needs_model": {"type": "array", "items": {"type": "string"}},
    },
}  # fmt: skip


def foundation_claims(foundation: dict[str, Any]) -> list[dict[str, Any]]:
    """The foundation's sentences that make a claim needing proof (the shared detectors), as claims to check."""
    found: list[dict[str, Any]] = []
    for field in FOUNDATION_FIELDS:
        text = str(foundation.get(field) or "")
        for claim in find_claims(text):
            start = max(text.rfind(".", 0, claim.start), text.rfind("\n", 0, claim.start)) + 1
            ends = [i for i in (text.find(".", claim.end), text.find("\n", claim.end)) if i >= 0]
            sentence = text[start : (min(ends) + 1 if ends else len(text))].strip()[:2000]
            if sentence and all(c["text"] != sentence for c in found):
                found.append({"text": sentence})
    return found[:MAX_FOUNDATION_CLAIMS]


def _claims(ctx: AgentContext, data: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    if data.get("claims"):
        return _checked_references(ctx, data["claims"], len(data["texts"])), "input"
    from_foundation = foundation_claims(ctx.foundation or {})
    return from_foundation, "foundation" if from_foundation else "none"


def _checked_references(ctx: AgentContext, claims: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """Claims whose named sources exist; for one that names a source that does not, the user is asked which."""
    questions = []
    for i, claim in enumerate(claims):
        wrong = [n for n in claim.get("sources", []) if n >= count]
        if wrong:
            listed = ", ".join(str(n) for n in wrong)
            # fmt: off
            questions.append({"key": f"claim_{i}_sources", "required": False,
                              "prompt": f"The claim “{claim['text'][:120]}” names source {listed}, but there are "
                              f"only {count} (0–{count - 1}). Which sources back it? Leave empty for any.",
                              "schema": {"type": "array", "maxItems": 20,
                                         "items": {"type": "integer", "minimum": 0, "maximum": count - 1}}})
            # fmt: on
    if not questions:
        return claims
    asked = {q["key"] for q in questions[:20]}
    answers = ctx.ask(questions[:20])
    fixed = []
    for i, claim in enumerate(claims):
        key = f"claim_{i}_sources"
        named = answers.get(key) if key in asked else [n for n in claim.get("sources", []) if n < count]
        fixed.append({"text": claim["text"], **({"sources": named} if named else {})})
    return fixed


def _compared(facts: list[dict[str, Any]], sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The figures to compare, in the shape the comparing skills take, with each source's registrable domain."""
    keep = ("id", "source", "type", "unit", "exact", "half_unit", "subject", "period", "start")
    hard = [f for f in facts if f["type"] in HARD_TYPES and f["exact"] is not None][:MAX_COMPARED_FACTS]
    # fmt: off
    return [{**{k: f[k] for k in keep}, "subject": f["subject"][:24], "text": f["text"][:200],
             "domain": sources[f["source"]]["domain"][:300]} for f in hard]
    # fmt: on


def _judge(ctx: AgentContext, facts: list[dict[str, Any]], sources: list[dict[str, Any]], claims: list) -> dict:
    shown = [{"id": f["id"], "source": f["source"], "type": f["type"], "text": f["text"],
              "sentence": f["sentence"][:300]} for f in facts if f["type"] in HARD_TYPES][:MODEL_FACTS]  # fmt: skip
    listed = [{"source": s["source"], "host": s["host"], "kind": s["kind"], "grade": s["grade"],
               "published": s["published"]} for s in sources]  # fmt: skip
    stated = [{"claim": i, "text": c["text"], "figures": [x["text"] for x in claim_figures(c["text"])]}
              for i, c in enumerate(claims)]  # fmt: skip
    prompt = (
        "Group the figures below that are about the same subject (same measure, population, place and period). "
        "For each pair of differing figures in a group, say whether it is a contradiction and why. Judge each claim "
        "against the figures and the sources' words: list the fact ids that agree or contradict, quote the sources "
        "verbatim, and give your reason.\n"
        + json.dumps({"sources": listed, "facts": shown, "claims": stated}, ensure_ascii=False)
    )
    answer = ctx.llm_json(prompt, schema=JUDGE_SCHEMA, name="evidence", purpose="evidence:judge")
    return {**answer, "scope": [f["id"] for f in shown]}


def _offline_needs(compared: dict[str, Any], facts: list[dict[str, Any]], verdicts: list[dict[str, Any]]) -> list:
    needs = []
    # the figures with a subject (a study's sample size has none and is never compared), each once
    figures = list(dict.fromkeys(f["text"] for f in facts if f["type"] in HARD_TYPES and f["subject"]))[:4]
    if figures:
        needs.append(f"which figures share a subject ({', '.join(figures)}…), matched here by shared words only")
    for c in compared["contradictions"][:10]:
        a, b = c["texts"]
        needs.append(f"whether {a} against {b} is a real contradiction or another population, definition or period")
    needs += [f"the verdict on “{v['text'][:100]}”" for v in verdicts if v["verdict"] == "undecided"]
    return needs


def _judged(ctx: AgentContext, facts: list, sources: list, compared: list, claims: list) -> dict[str, Any] | None:
    """The model's judgement, when there is something to judge (claims, or figures from two sources); None
    offline."""
    if not claims and len({f["source"] for f in compared}) < 2:
        return None
    try:
        return _judge(ctx, facts, sources, claims)
    except ModelUnavailable:
        return None


def _verdicts(ctx: AgentContext, claims: list, texts: list, rated: dict, compared: list, found: dict, judged) -> list:
    if not claims:
        return []
    # fmt: off
    sources = [{"grade": s["grade"], "domain": s["domain"][:300], "text": texts[s["source"]]["text"]}
               for s in rated["sources"]]
    checked = {"model_verdicts": judged["verdicts"], "model_scope": judged["scope"]} if judged else {}
    return ctx.skill("evidence.verify_claims", {
        "claims": claims, "sources": sources, "facts": compared,
        "contradictions": [c["facts"] for c in found["contradictions"]], **checked})["verdicts"]
    # fmt: on


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    texts = data["texts"]
    claims, claims_from = _claims(ctx, data)
    extracted = ctx.skill("evidence.extract_facts", {"texts": texts})
    ctx.progress("Extracted facts", count=len(extracted["facts"]))
    dated = {"reference_date": data["reference_date"]} if "reference_date" in data else {}
    rated = ctx.skill("evidence.source_credibility", {"texts": texts, **dated})
    compared = _compared(extracted["facts"], rated["sources"])
    judged = _judged(ctx, extracted["facts"], rated["sources"], compared, claims)
    model = {"groups": judged["subjects"], "calls": judged["calls"], "model_scope": judged["scope"]} if judged else {}
    found = ctx.skill("evidence.find_contradictions", {"facts": compared, **model})
    verdicts = _verdicts(ctx, claims, texts, rated, compared, found, judged)
    # each fact's sentence went to the model; the output points at it by position instead
    facts = [{**{k: v for k, v in f.items() if k != "sentence"}, "corroboration": found["status"].get(f["id"],
              "not_compared")} for f in extracted["facts"]]  # fmt: skip
    offline = judged is None and (claims or len({f["source"] for f in compared}) > 1)
    return {
        "claims_from": claims_from,
        "facts": facts,
        "fact_counts": {t: extracted["counts"].get(t, 0) for t in FACT_TYPES},
        "reference_date": rated["reference_date"],
        "sources": rated["sources"],
        "matching": "model" if judged else "lexical",
        "contradictions": found["contradictions"],
        "agreements": found["agreements"],
        "explained": found["explained"],
        "verdicts": verdicts,
        "corrections": found["corrections"],
        "severity_rule": found["severity_rule"],
        "needs_model": _offline_needs(found, extracted["facts"], verdicts) if offline else [],
    }


SPEC = register(
    AgentSpec(
        slug="evidence_analyst",
        name="Evidence analyst",
        category="research",
        description="Reads the sources you paste in, pulls out the figures, dates and organisations they state, "
        "grades how reliable each source is by the kind of site it is on, finds where they disagree about the same "
        "thing and checks your claims (or your foundation's) against them.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=SKILLS,
        routing_examples=(
            "extract facts from these articles",
            "is this market research credible?",
            "fact-check our claim that churn is 3% against these sources",
            "which of these sources can I trust",
            "do these reports contradict each other on market size?",
            "pull the key stats out of this report",
            "can we back up the numbers in our pitch deck with these links",
            "verify our proof points",
            "rate the credibility of these studies",
            "find conflicting figures between the Gartner and Forrester excerpts",
            "are these statistics recent enough to quote",
            "check whether the evidence supports what we say on the landing page",
            "Extract facts from this deck",
            "how reliable are these sources for a board presentation",
        ),
        system_prompt="You analyse evidence for one company. You report only what the sources state, quote them "
        "verbatim, and never invent a figure or a source.",
        run=run,
        example_input={
            "texts": [
                {
                    "text": "A survey of 1,200 households (n = 1,200) found that 60% of dog owners booked an annual "
                    "check-up in 2023. The country had 39,000 veterinary practices that year.",
                    "url": "https://www.agriculture.gov.uk/statistics/pet-health-2024",
                    "published": "2024-03-01",
                },
                {
                    "text": "Only 45% of dog owners booked an annual check-up, our panel says. Registered veterinary "
                    "practices number 38,500 nationwide.",
                    "url": "https://blog.petcare-insights.io/check-ups",
                    "published": "2023-11-20",
                },
            ],
            "claims": [
                {"text": "60% of dog owners book an annual check-up."},
                {"text": "There are 39,000 veterinary practices in the country."},
            ],
            "reference_date": "2024-06-30",
        },
    )
)
