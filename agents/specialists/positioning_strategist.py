"""Positioning strategist: how to say what makes us different, in five frameworks, without breaking the rules.

Pipeline: positioning.statements (five frameworks filled from the foundation, competitors and
differentiators) → positioning.soundbites (drafts polished by the model) → positioning.check_messaging on
every statement and soundbite. The foundation defaults to the workspace's (``ctx.foundation``) and the
competitors to the foundation's. ``summary`` gives the mean and the lowest messaging score, so a user sees
at once whether anything needs fixing. Rules and constants are in ``skills/library/positioning.py``.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from agents.specialists.icp_architect import foundation_of
from skills.library.positioning import CHECK, FIELDS, FRAMEWORKS, STATEMENTS_INPUT

SKILLS = ("positioning.statements", "positioning.soundbites", "positioning.check_messaging")
_SCORE_100 = {"type": "number", "minimum": 0, "maximum": 100}

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": STATEMENTS_INPUT["properties"],
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["fields", "statements", "soundbites", "summary"],
    "properties": {
        "fields": {"type": "object", "required": list(FIELDS), "properties": {k: {"type": "string"} for k in FIELDS}},
        "statements": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["framework", "text", "check"],
                "properties": {"framework": {"enum": list(FRAMEWORKS)}, "text": {"type": "string"}, "check": CHECK},
            },
        },
        "soundbites": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["draft", "text", "check"],
                "properties": {"draft": {"type": "string"}, "text": {"type": "string"}, "check": CHECK},
            },
        },
        "summary": {
            "type": "object",
            "required": ["mean_score", "lowest_score", "errors", "warnings", "suggestions"],
            "properties": {
                "mean_score": _SCORE_100,
                "lowest_score": _SCORE_100,
                "errors": {"type": "integer", "minimum": 0},
                "warnings": {"type": "integer", "minimum": 0},
                "suggestions": {"type": "integer", "minimum": 0},
            },
        },
    },
}


def _summary(checked: list[dict[str, Any]]) -> dict[str, Any]:
    scores = [c["check"]["score"] for c in checked]
    return {
        "mean_score": round(sum(scores) / len(scores), 1) if scores else 100,
        "lowest_score": min(scores, default=100),
        "errors": sum(c["check"]["counts"]["error"] for c in checked),
        "warnings": sum(c["check"]["counts"]["warning"] for c in checked),
        "suggestions": sum(c["check"]["counts"]["suggestion"] for c in checked),
    }


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    foundation = foundation_of(ctx, data)
    competitors = data.get("competitors") or foundation.get("competitors") or []
    built = ctx.skill("positioning.statements", {**data, "foundation": foundation, "competitors": competitors})
    fields = built["fields"]
    differentiators = data.get("differentiators", [])
    written = ctx.skill(
        "positioning.soundbites",
        {
            "product": fields["product"][:500],
            "benefit": fields["benefit"][:500],
            "audience": fields["audience"][:500],
            "differentiators": differentiators,
        },
    )

    def checked(item: dict[str, Any]) -> dict[str, Any]:
        check = ctx.skill("positioning.check_messaging", {"text": item["text"][:50000], "competitors": competitors})
        return {**item, "check": check}

    statements = [checked(s) for s in built["statements"]]
    soundbites = [checked(s) for s in written["soundbites"]]
    return {
        "fields": fields,
        "statements": statements,
        "soundbites": soundbites,
        "summary": _summary(statements + soundbites),
    }


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
        system_prompt="You write clear, factual positioning. You avoid superlatives without a source, guarantees, "
        "jargon and attacks on competitors.",
        run=run,
        example_input={
            "foundation": {
                "company": "Ledgerly",
                "industry": "Fintech",
                "description": "Ledgerly helps small businesses see their cash position 13 weeks ahead.",
                "audience": "Founders and finance leads at small businesses.",
                "goals": ["Stop cash surprises"],
                "competitors": ["Float", "Pulse"],
            },
            "differentiators": [
                "Forecasts update hourly from live bank data",
                "Set up in ten minutes without an accountant",
            ],
        },
    )
)
