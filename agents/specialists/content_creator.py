"""Content creator: writes a blog post, social post, email, ad or newsletter and measures what it wrote.

A model writes the draft (in Markdown); everything after that is computed from
the text actually produced — word count, read time, readability, SEO, technical
checks, engagement and platform limits — so the scores describe the draft, not
the brief. Suggestions are the fixes for the checks that failed, errors first.

Defaults where the input leaves a choice: the platform is "email" for an email
and "generic" otherwise; the format is HTML for the email platform (DOMAIN.md:
email as HTML) and Markdown otherwise.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills import registry as skills
from skills.library.content import CONTENT_TYPES, LENGTHS, PLATFORMS, TARGET_READING_EASE
from skills.library.content_seo import TARGET_DENSITY
from skills.library.content_text import FINDINGS_FIELD, FORMATS, KEYWORDS_FIELD, by_severity

SKILLS = (
    "content.draft",
    "content.render",
    "content.text_stats",
    "content.readability",
    "content.seo_score",
    "content.technical",
    "content.engagement",
    "content.platform_check",
)
_SHORT = {"type": "string", "maxLength": 500}

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "topic"],
    "properties": {
        "type": {"enum": list(CONTENT_TYPES), "description": "What to write."},
        "topic": {"type": "string", "minLength": 1, "maxLength": 500},
        "tone": {**_SHORT, "default": "professional"},
        "audience": _SHORT,
        "keywords": KEYWORDS_FIELD,
        "platform": {"enum": list(PLATFORMS), "description": "Default: email for emails, otherwise generic."},
        "length": {"enum": list(LENGTHS), "default": "medium"},
        "format": {"enum": list(FORMATS), "description": "Default: html on the email platform, otherwise markdown."},
        "target_reading_ease": {"type": "number", "minimum": 1, "maximum": 100, "default": TARGET_READING_EASE},
        "target_density": {"type": "number", "minimum": 0, "maximum": 100, "default": TARGET_DENSITY},
    },
}


def _output_schema() -> dict[str, Any]:
    def out(slug: str) -> dict[str, Any]:
        return skills.get(slug).output_schema

    stats = out("content.text_stats")["properties"]
    return {
        "type": "object",
        "required": [
            *("content", "format", "type", "platform", "target_words", "word_count", "read_time"),
            *("readability", "seo", "technical", "engagement", "platform_checks", "suggestions"),
        ],
        "properties": {
            "content": {"type": "string"},
            "format": {"enum": list(FORMATS)},
            "type": {"enum": list(CONTENT_TYPES)},
            "platform": {"enum": list(PLATFORMS)},
            "target_words": {"type": "integer", "minimum": 1},
            "word_count": stats["word_count"],
            "character_count": stats["character_count"],
            "sentence_count": stats["sentence_count"],
            "paragraph_count": stats["paragraph_count"],
            "read_time": stats["read_time"],
            "readability": out("content.readability"),
            "seo": out("content.seo_score"),
            "technical": out("content.technical"),
            "engagement": out("content.engagement"),
            "platform_checks": out("content.platform_check"),
            "suggestions": FINDINGS_FIELD,
        },
    }


def _resolved(data: dict[str, Any]) -> dict[str, Any]:
    """The input with the platform and format defaults filled in (see the module docstring)."""
    platform = data.get("platform") or ("email" if data["type"] == "email" else "generic")
    fmt = data.get("format") or ("html" if platform == "email" else "markdown")
    return {"length": "medium", "tone": "professional", **data, "platform": platform, "format": fmt}


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    data = _resolved(data)
    ctx.progress("Writing the draft", type=data["type"], platform=data["platform"])
    keys = ("type", "topic", "tone", "audience", "keywords", "platform", "length")
    brief: dict[str, Any] = {k: data[k] for k in keys if k in data}
    draft = ctx.skill("content.draft", brief)
    content = ctx.skill("content.render", {"text": draft["text"], "format": data["format"]})["content"]
    ctx.progress("Measuring the draft")
    result = {
        "content": content,
        "format": data["format"],
        "type": data["type"],
        "platform": data["platform"],
        "target_words": draft["target_words"],
        **ctx.skill("content.text_stats", {"content": content, "format": data["format"]}),
        **_measure(ctx, data, content),
    }
    checked = ("readability", "seo", "technical", "engagement", "platform_checks")
    result["suggestions"] = by_severity(f for key in checked for f in result[key]["findings"])
    return result


def _measure(ctx: AgentContext, data: dict[str, Any], content: str) -> dict[str, Any]:
    """Readability, SEO, technical, engagement and platform checks of the delivered content."""
    text = {"content": content, "format": data["format"]}
    targets: dict[str, Any] = {k: data[k] for k in ("target_reading_ease", "target_density") if k in data}
    fit = {"type": data["type"], "length": data["length"], "tone": data["tone"]}
    return {
        "readability": ctx.skill("content.readability", {**text, **targets}),
        "seo": ctx.skill("content.seo_score", {**text, **targets, "keywords": data.get("keywords", [])}),
        "technical": ctx.skill("content.technical", text),
        "engagement": ctx.skill("content.engagement", {**text, **fit}),
        "platform_checks": ctx.skill("content.platform_check", {**text, "platform": data["platform"]}),
    }


SPEC = register(
    AgentSpec(
        slug="content_creator",
        name="Content creator",
        category="content",
        description="Writes a blog post, social post, email, ad or newsletter on your topic, then scores the draft "
        "for readability, SEO, engagement and platform limits and tells you what to fix.",
        input_schema=INPUT_SCHEMA,
        output_schema=_output_schema(),
        skills=SKILLS,
        routing_examples=(
            "write a LinkedIn post about our product launch",
            "draft a blog post on how small teams can cut customer churn",
            "I need a tweet announcing our new pricing",
            "can you write ad copy for our spring sale",
            "create a newsletter for this month's product updates",
            "write an 800-word article on onboarding best practices, SEO keywords: onboarding, activation",
            "give me three short social captions about remote work",
            "blog post please — topic: why founders should do sales themselves, friendly tone",
            "write something for X about our Series A",
            "draft a long-form piece for our blog about pricing experiments with the keyword 'SaaS pricing'",
            "compose a short promo text for Instagram about the summer webinar",
            "we need copy for a Google ad promoting our free plan",
            "turn our case study with Acme into a post for our company page",
            "write a thought-leadership piece for CTOs on AI code review",
        ),
        system_prompt="You are Raptorflow's content writer for founders and small teams. Write clear, specific, "
        "honest marketing copy for the audience and platform given; never invent statistics, customers or quotes.",
        run=run,
        example_input={
            "type": "blog",
            "topic": "How onboarding emails cut churn for B2B SaaS",
            "tone": "conversational",
            "audience": "Founders of early-stage B2B SaaS companies",
            "keywords": ["onboarding emails", "churn"],
            "platform": "blog",
            "length": "medium",
            "format": "markdown",
        },
        max_tokens=4096,
    )
)
