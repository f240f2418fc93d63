"""Email specialist: writes a marketing email with A/B subject lines and checks it for spam risk.

A model writes the subject lines, preheader and body; the body is rendered to
HTML; the spam score (DOMAIN.md rules, every rule that fired reported) is
computed for the email as sent and for each A/B variant's subject with the same
preheader and body, so the variants can be compared on risk. Suggestions are the
fixes for every spam rule, best-practice check and readability check that failed.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills import registry as skills
from skills.library.content_text import FINDINGS_FIELD, by_severity

SKILLS = (
    "email.subject_lines",
    "email.write_body",
    "content.render",
    "email.spam_score",
    "email.best_practice_check",
    "content.readability",
)
_SHORT = {"type": "string", "maxLength": 500}
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["goal"],
    "properties": {
        "goal": {"type": "string", "minLength": 1, "maxLength": 500, "description": "What the email should achieve."},
        "audience": _SHORT,
        "offer": _SHORT,
        "tone": {**_SHORT, "default": "friendly"},
        "personalisation_fields": {
            "type": "array",
            "maxItems": 10,
            "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,39}$"},
            "description": "Merge fields you hold for each recipient, e.g. first_name, company.",
        },
    },
}


def _output_schema() -> dict[str, Any]:
    spam = skills.get("email.spam_score").output_schema
    return {
        "type": "object",
        "required": ["subject", "preheader", "body", "body_html", "variants", "spam", "checks", "suggestions"],
        "properties": {
            "subject": {"type": "string"},
            "preheader": {"type": "string"},
            "body": {"type": "string"},
            "body_html": {"type": "string"},
            "variants": {
                "type": "array",
                "minItems": 2,
                "maxItems": 2,
                "items": {
                    "type": "object",
                    "required": ["label", "angle", "subject", "spam_score", "spam_risk"],
                    "properties": {"spam_score": _SHARE, "spam_risk": spam["properties"]["risk"]},
                },
            },
            "spam": spam,
            "checks": skills.get("email.best_practice_check").output_schema,
            "readability": skills.get("content.readability").output_schema,
            "suggestions": FINDINGS_FIELD,
        },
    }


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    brief = {"tone": "friendly", **data}
    ctx.progress("Writing subject lines, preheader and body")
    subjects = ctx.skill("email.subject_lines", brief)
    written = ctx.skill("email.write_body", brief)
    body, preheader = written["body"], written["preheader"]
    body_html = ctx.skill("content.render", {"text": body, "format": "html"})["content"]
    ctx.progress("Checking spam risk and best practice")
    spam = ctx.skill("email.spam_score", {"subject": subjects["subject"], "preheader": preheader, "body": body})
    variants = [_scored_variant(ctx, v, preheader, body) for v in subjects["variants"]]
    checks = ctx.skill(
        "email.best_practice_check",
        {"subject": subjects["subject"], "preheader": preheader, "body": body, **_fields(data)},
    )
    reading = ctx.skill("content.readability", {"content": body, "format": "markdown"})
    return {
        "subject": subjects["subject"],
        "preheader": preheader,
        "body": body,
        "body_html": body_html,
        "variants": variants,
        "spam": spam,
        "checks": checks,
        "readability": reading,
        "suggestions": by_severity([*spam["findings"], *checks["findings"], *reading["findings"]]),
    }


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {"personalisation_fields": data["personalisation_fields"]} if "personalisation_fields" in data else {}


def _scored_variant(ctx: AgentContext, variant: dict[str, Any], preheader: str, body: str) -> dict[str, Any]:
    """An A/B subject with the spam score the email would have if it were sent with that subject."""
    spam = ctx.skill("email.spam_score", {"subject": variant["subject"], "preheader": preheader, "body": body})
    return {**variant, "spam_score": spam["score"], "spam_risk": spam["risk"]}


SPEC = register(
    AgentSpec(
        slug="email_specialist",
        name="Email specialist",
        category="communication",
        description="Writes a marketing email — subject line, preview text and body, plus two A/B subject "
        "variants — and scores its spam risk, showing exactly which rules fired and how to fix them.",
        input_schema=INPUT_SCHEMA,
        output_schema=_output_schema(),
        skills=SKILLS,
        routing_examples=(
            "write an email to trial users asking them to upgrade",
            "draft a cold outreach email to heads of marketing at fintech startups",
            "I need subject lines to A/B test for our webinar invite",
            "will this email land in spam?",
            "create a re-engagement email for customers who haven't logged in for 30 days",
            "write the welcome email new signups get",
            "email campaign announcing our 20% annual discount",
            "give me a subject line and preview text for the product update mail",
            "compose a follow-up after the demo call, personalised with first name and company",
            "write an announcement to our mailing list that version 2 is live",
            "help me write a nurture email for leads who downloaded the ebook",
            "draft a friendly reminder that the early-bird price ends Friday",
            "what should we send to churned customers to win them back",
        ),
        system_prompt="You are Raptorflow's email marketer. Write short, specific, honest emails that respect the "
        "reader: no spam trigger words, no all-caps, at most one exclamation mark, one clear call to action.",
        run=run,
        example_input={
            "goal": "Get trial users to upgrade to the Pro plan before their trial ends",
            "audience": "Operations managers at logistics companies on a 14-day trial",
            "offer": "20% off the first year of Pro",
            "tone": "friendly",
            "personalisation_fields": ["first_name", "company"],
        },
    )
)
