"""Quality checker: scores a finished piece before it goes out, grades it, and lists what to fix.

Six sub-scores on a 0–1 scale — grammar/mechanics, readability, SEO, brand
voice, engagement and technical — come from the same skills the content
creator uses (readability, SEO, engagement, technical are divided by 100 where
they are on a 0–100 scale), then ``quality.grade`` weighs them with DOMAIN.md's
weights and bands the result A+ … F. Every failed check becomes an issue with
its severity, the sub-score it belongs to, and a suggested fix.

SEO applies its web-page rules (headings, paragraph length, title) to every
type, so short social posts and ads score low on it; the weight is the user's
to change (``weights``).
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills import registry as skills
from skills.library.content import CONTENT_TYPES, LENGTHS, TARGET_READING_EASE
from skills.library.content_seo import TARGET_DENSITY
from skills.library.content_text import FINDING_SCHEMA, FORMATS, KEYWORDS_FIELD, by_severity
from skills.library.quality import QUALITY_WEIGHTS

SKILLS = (
    "quality.mechanics",
    "content.readability",
    "content.seo_score",
    "quality.brand_voice",
    "content.engagement",
    "content.technical",
    "quality.grade",
)
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_RULES = {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 200}}

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["content", "type"],
    "properties": {
        "content": {"type": "string", "minLength": 1, "maxLength": 50000},
        "type": {"enum": list(CONTENT_TYPES)},
        "format": {"enum": list(FORMATS), "default": "markdown"},
        "keywords": KEYWORDS_FIELD,
        "brand_voice": {
            "type": "object",
            "properties": {"do": _RULES, "dont": _RULES},
            "description": "Words or phrases the brand uses (do) and never uses (dont).",
        },
        "tone": {"type": "string", "maxLength": 500},
        "length": {"enum": list(LENGTHS), "default": "medium"},
        "target_reading_ease": {"type": "number", "minimum": 1, "maximum": 100, "default": TARGET_READING_EASE},
        "target_density": {"type": "number", "minimum": 0, "maximum": 100, "default": TARGET_DENSITY},
        "weights": {
            "type": "object",
            "properties": {name: _SHARE for name in QUALITY_WEIGHTS},
            "additionalProperties": False,
            "description": "Override the DOMAIN.md weights; they are normalised to sum to 1.",
        },
    },
}
# Which sub-score each skill's findings belong to.
AREAS = {
    "grammar": "quality.mechanics",
    "readability": "content.readability",
    "seo": "content.seo_score",
    "brand_voice": "quality.brand_voice",
    "engagement": "content.engagement",
    "technical": "content.technical",
}


def _output_schema() -> dict[str, Any]:
    grade = skills.get("quality.grade").output_schema["properties"]
    issue = {**FINDING_SCHEMA, "required": [*FINDING_SCHEMA["required"], "area"]}
    issue["properties"] = {**FINDING_SCHEMA["properties"], "area": {"enum": list(AREAS)}}
    return {
        "type": "object",
        "required": ["scores", "score", "grade", "weights", "contributions", "issues", "details"],
        "properties": {
            "scores": {
                "type": "object",
                "required": list(AREAS),
                "properties": {area: _SHARE for area in AREAS},
            },
            **grade,
            "issues": {"type": "array", "items": issue},
            "details": {
                "type": "object",
                "required": list(AREAS),
                "properties": {area: _without_findings(skills.get(slug).output_schema) for area, slug in AREAS.items()},
            },
        },
    }


def _without_findings(schema: dict[str, Any]) -> dict[str, Any]:
    """A skill's output schema minus its findings (they are listed once, as issues)."""
    properties = {k: v for k, v in schema["properties"].items() if k != "findings"}
    return {**schema, "required": [r for r in schema["required"] if r != "findings"], "properties": properties}


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    text = {"content": data["content"], "format": data.get("format", "markdown")}
    targets: dict[str, Any] = {k: data[k] for k in ("target_reading_ease", "target_density") if k in data}
    voice = data.get("brand_voice", {})
    fit = {"type": data["type"], "length": data.get("length", "medium"), "tone": data.get("tone", "")}
    ctx.progress("Checking mechanics, readability, SEO, brand voice, engagement and technical quality")
    results = {
        "grammar": ctx.skill("quality.mechanics", text),
        "readability": ctx.skill("content.readability", {**text, **targets}),
        "seo": ctx.skill("content.seo_score", {**text, **targets, "keywords": data.get("keywords", [])}),
        "brand_voice": ctx.skill(
            "quality.brand_voice", {**text, "do": voice.get("do", []), "dont": voice.get("dont", [])}
        ),
        "engagement": ctx.skill("content.engagement", {**text, **fit}),
        "technical": ctx.skill("content.technical", text),
    }
    scores = {area: _share(area, result) for area, result in results.items()}
    graded = ctx.skill(
        "quality.grade", {"scores": scores, **({"weights": data["weights"]} if "weights" in data else {})}
    )
    issues = by_severity({**f, "area": area} for area, result in results.items() for f in result["findings"])
    details = {area: {k: v for k, v in result.items() if k != "findings"} for area, result in results.items()}
    return {"scores": scores, **graded, "issues": issues, "details": details}


def _share(area: str, result: dict[str, Any]) -> float:
    """The sub-score on a 0–1 scale (readability, SEO and technical report 0–100; engagement its estimate)."""
    if area == "engagement":
        return result["estimate"]
    if area in ("readability", "seo", "technical"):
        return round(result["score"] / 100, 4)
    return result["score"]


SPEC = register(
    AgentSpec(
        slug="quality_checker",
        name="Quality checker",
        category="content",
        description="Checks a piece of content before it goes out — grammar, readability, SEO, brand voice, "
        "engagement and technical issues — and gives it a grade from A+ to F with a list of fixes.",
        input_schema=INPUT_SCHEMA,
        output_schema=_output_schema(),
        skills=SKILLS,
        routing_examples=(
            "check this blog post before we publish it",
            "grade my landing page copy",
            "is this LinkedIn post on brand?",
            "proofread this newsletter and tell me what to fix",
            "score the quality of our product announcement",
            "review my draft for readability and SEO",
            "does this ad copy follow our brand voice guidelines? we never say 'cheap' or 'synergy'",
            "QA this email copy before it goes to the whole list",
            "how good is this article, out of 100?",
            "find the problems in this text",
            "audit this post: keyword density, headings, broken links",
            "give this draft a grade and a list of issues",
            "can you sanity-check our About page wording",
        ),
        system_prompt="You check marketing content against computed rules and report every issue with a fix. "
        "You never rewrite the content and never invent problems the checks did not find.",
        run=run,
        example_input={
            "type": "blog",
            "format": "markdown",
            "content": "# How onboarding emails cut churn for B2B SaaS\n\n"
            "Most SaaS churn happens in the first 30 days. Customers who never reach their first result "
            "leave quietly, and no discount brings them back. Onboarding emails fix that when each one moves "
            "the customer one step closer to value. In this post we share the sequence we use with our own "
            "customers and what it did to churn.\n\n"
            "## Send the first email within an hour\n\n"
            "The first onboarding email should arrive while the product is still open in another tab. Keep it "
            "to one task: connect your data source. Customers who finish that task in the first hour are far "
            "more likely to stay, so the email links straight to the setup page and nothing else.\n\n"
            "Want to see the full sequence? [Download the templates](https://example.com/onboarding-templates) "
            "and try them with your next cohort.",
            "keywords": ["onboarding emails", "churn"],
            "brand_voice": {"do": ["customers"], "dont": ["synergy", "cheap", "revolutionary"]},
            "tone": "conversational",
            "length": "short",
        },
    )
)
