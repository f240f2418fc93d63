"""Evidence analyst: what do these sources actually say, how far can we trust them, and do our claims hold?

Pipeline: evidence.extract_facts → evidence.source_credibility → evidence.find_contradictions (over the
categorised hard figures, at most 1,000) → evidence.verify_claims (only when claims are given). Every rule
and constant is in ``skills/library/evidence.py``. Recency is measured against ``reference_date`` (or the
newest published date among the sources), never against today, so a rerun gives the same answer.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills.library.evidence import (
    CLAIMS,
    CONTRADICTION,
    FACT,
    FACT_TYPES,
    HARD_TYPES,
    SOURCE,
    TEXTS,
    VERDICT,
)

SKILLS = (
    "evidence.extract_facts",
    "evidence.source_credibility",
    "evidence.find_contradictions",
    "evidence.verify_claims",
)
MAX_COMPARED_FACTS = 1000
_DATE = {"type": "string", "maxLength": 10, "pattern": r"^\d{4}-\d{2}-\d{2}$"}

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["texts"],
    "properties": {"texts": {**TEXTS, "minItems": 1}, "claims": CLAIMS, "reference_date": _DATE},
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["facts", "fact_counts", "reference_date", "sources", "contradictions", "verdicts"],
    "properties": {
        "facts": {"type": "array", "items": FACT},
        "fact_counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "reference_date": {"type": ["string", "null"]},
        "sources": {"type": "array", "items": SOURCE},
        "contradictions": {"type": "array", "items": CONTRADICTION},
        "verdicts": {"type": "array", "items": VERDICT},
    },
}


def _comparable(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The facts that can contradict each other: categorised figures, trimmed to what the skill accepts."""
    keep = [f for f in facts if f["type"] in HARD_TYPES and f["category"] and f["value"] is not None]
    fields = ("source", "type", "value", "unit", "category")
    return [{**{k: f[k] for k in fields}, "text": f["text"][:500]} for f in keep[:MAX_COMPARED_FACTS]]


def _rated_sources(sources: list[dict[str, Any]], facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each source's credibility with its hard figures, the shape evidence.verify_claims reads."""
    fields = ("source", "type", "value", "unit", "category")
    by_source: list[list[dict[str, Any]]] = [[] for _ in sources]
    for f in facts:
        if f["type"] in HARD_TYPES and len(by_source[f["source"]]) < 500:
            by_source[f["source"]].append({k: f[k] for k in fields})
    return [{"credibility": s["credibility"], "facts": by_source[i]} for i, s in enumerate(sources)]


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    texts = data["texts"]
    extracted = ctx.skill("evidence.extract_facts", {"texts": texts})
    ctx.progress("Extracted facts", count=len(extracted["facts"]))
    rating_input = {"texts": texts, **({"reference_date": data["reference_date"]} if "reference_date" in data else {})}
    rated = ctx.skill("evidence.source_credibility", rating_input)
    conflicts = ctx.skill("evidence.find_contradictions", {"facts": _comparable(extracted["facts"])})
    verdicts: list[dict[str, Any]] = []
    if data.get("claims"):
        sources = _rated_sources(rated["sources"], extracted["facts"])
        verdicts = ctx.skill("evidence.verify_claims", {"claims": data["claims"], "sources": sources})["verdicts"]
    return {
        "facts": extracted["facts"],
        "fact_counts": {t: extracted["counts"].get(t, 0) for t in FACT_TYPES},
        "reference_date": rated["reference_date"],
        "sources": rated["sources"],
        "contradictions": conflicts["contradictions"],
        "verdicts": verdicts,
    }


SPEC = register(
    AgentSpec(
        slug="evidence_analyst",
        name="Evidence analyst",
        category="research",
        description="Reads the sources you paste in, pulls out the figures, dates and organisations they state, "
        "rates how credible each source is, flags where they disagree and checks your claims against them.",
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
        system_prompt="You analyse evidence. You report only what the sources state and never invent figures.",
        run=run,
        example_input={
            "texts": [
                {
                    "text": "According to Gartner, the market size reached $5.2 billion in 2023. A survey of "
                    "400 CIOs (n = 400) found average churn of 5% and growth of 12%.",
                    "url": "https://www.example.gov/reports/saas-2024",
                    "published": "2024-03-01",
                },
                {
                    "text": "Our study puts the market size at $8 billion, growing 12.3% a year, with churn at "
                    "3 percent.",
                    "url": "https://blog.example.io/saas-trends",
                    "published": "2022-06-15",
                },
            ],
            "claims": [{"text": "The market is growing 12% a year."}, {"text": "Churn in our category is 3%."}],
            "reference_date": "2024-06-30",
        },
    )
)
