"""Content skills that judge fit for the reader and the channel: the engagement estimate and platform limits.

Engagement (DOMAIN.md) = 0.5 + 0.2 × length fit + 0.2 if the tone is engaging
+ 0.1 if there is a call to action + 0.1 if there is a question, capped at 1.
Length fit = max(0, 1 − |words − target| ÷ target), the target being the
DOMAIN.md word target for the type and length (or ``target_words`` when given).
The constants and word lists live in ``skills.library.content``.

Platform checks: each limit in ``PLATFORM_LIMITS`` is one check (characters,
hashtags); email must be delivered as HTML (format html and at least one tag).
Generic and blog platforms have no limits, so they pass with no checks.
"""

from __future__ import annotations

from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .claims import find_calls_to_action
from .content import (
    CONTENT_TYPES,
    CTA_POINTS,
    ENGAGEMENT_BASE,
    ENGAGING_TONES,
    HTML_PLATFORMS,
    LENGTH_POINTS,
    LENGTHS,
    PLATFORM_LIMITS,
    PLATFORMS,
    QUESTION_POINTS,
    QUESTION_RE,
    TONE_POINTS,
    target_words,
)
from .content_text import (
    FINDINGS_FIELD,
    FORMAT_FIELD,
    HTML_TAG_RE,
    LONG_TEXT,
    SHORT_TEXT,
    find_phrases,
    finding,
    hashtags,
    parse_document,
    words,
)

_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_FLAG_POINTS = {"type": "number", "minimum": 0, "maximum": 1}


@skill(
    "content.engagement",
    name="Engagement estimate",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["content", "type"],
        "properties": {
            "content": LONG_TEXT,
            "format": FORMAT_FIELD,
            "type": {"enum": list(CONTENT_TYPES)},
            "length": {"enum": list(LENGTHS), "default": "medium"},
            "target_words": {"type": "integer", "minimum": 1, "maximum": 100000},
            "tone": SHORT_TEXT,
        },
    },
    output_schema={
        "type": "object",
        "required": ["estimate", "word_count", "target_words", "length_fit", "parts", "findings"],
        "properties": {
            "estimate": _SHARE,
            "word_count": {"type": "integer", "minimum": 0},
            "target_words": {"type": "integer", "minimum": 1},
            "length_fit": _SHARE,
            "engaging_tone": {"type": ["string", "null"]},
            "calls_to_action": {"type": "array", "items": {"type": "string"}},
            "has_question": {"type": "boolean"},
            "parts": {
                "type": "object",
                "required": ["base", "length", "tone", "call_to_action", "question"],
                "properties": {key: _FLAG_POINTS for key in ("base", "length", "tone", "call_to_action", "question")},
            },
            "findings": FINDINGS_FIELD,
        },
    },
)
def engagement(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """0.5 + 0.2 × length fit + 0.2 engaging tone + 0.1 call to action + 0.1 question, capped at 1."""
    plain = parse_document(data["content"], data.get("format", "markdown")).plain
    count = len(words(plain))
    target = data.get("target_words") or target_words(data["type"], data.get("length", "medium"))
    fit = max(0.0, 1 - abs(count - target) / target)
    tones = list(find_phrases(data.get("tone", ""), ENGAGING_TONES))
    ctas = list(dict.fromkeys(found.text for found in find_calls_to_action(plain)))
    question = bool(QUESTION_RE.search(plain))
    parts = {
        "base": ENGAGEMENT_BASE,
        "length": round(LENGTH_POINTS * fit, 4),
        "tone": TONE_POINTS if tones else 0.0,
        "call_to_action": CTA_POINTS if ctas else 0.0,
        "question": QUESTION_POINTS if question else 0.0,
    }
    return {
        "estimate": round(min(1.0, sum(parts.values())), 4),
        "word_count": count,
        "target_words": target,
        "length_fit": round(fit, 4),
        "engaging_tone": tones[0] if tones else None,
        "calls_to_action": ctas,
        "has_question": question,
        "parts": parts,
        "findings": _engagement_findings(count, target, fit, bool(tones), bool(ctas), question),
    }


def _engagement_findings(count: int, target: int, fit: float, tone: bool, cta: bool, question: bool) -> list:
    findings = []
    if fit < 1:
        verb = "Cut it" if count > target else "Expand it"
        message = f"The text has {count} words against a target of {target} (length fit {fit:.2f})."
        findings.append(finding("length", "warning", message, f"{verb} to about {target} words."))
    if not tone:
        message = "The tone is not one of the engaging tones (e.g. conversational, friendly, bold)."
        findings.append(finding("tone", "info", message, "Consider a more conversational tone."))
    if not cta:
        message = "There is no call to action."
        findings.append(finding("call_to_action", "warning", message, "End with one clear next step."))
    if not question:
        message = "The text asks the reader no question."
        findings.append(finding("question", "info", message, "Ask the reader one question."))
    return findings


@skill(
    "content.platform_check",
    name="Platform limits check",
    category=SkillCategory.CONTENT,
    input_schema={
        "type": "object",
        "required": ["content", "platform"],
        "properties": {"content": LONG_TEXT, "platform": {"enum": list(PLATFORMS)}, "format": FORMAT_FIELD},
    },
    output_schema={
        "type": "object",
        "required": ["platform", "passed", "checks", "character_count", "hashtag_count", "findings"],
        "properties": {
            "platform": {"enum": list(PLATFORMS)},
            "passed": {"type": "boolean"},
            "character_count": {"type": "integer", "minimum": 0},
            "hashtag_count": {"type": "integer", "minimum": 0},
            "checks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["check", "passed", "actual", "limit"],
                    "properties": {
                        "check": {"type": "string"},
                        "passed": {"type": "boolean"},
                        "actual": {"type": ["integer", "string"]},
                        "limit": {"type": ["integer", "string"]},
                    },
                },
            },
            "findings": FINDINGS_FIELD,
        },
    },
)
def platform_check(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Checks the content against its platform's character and hashtag limits, and that email is HTML."""
    content, platform = data["content"], data["platform"]
    chars, tags = len(content), len(hashtags(content))
    checks: list[dict[str, Any]] = []
    limits = PLATFORM_LIMITS.get(platform, {})
    if "max_chars" in limits:
        checks.append({"check": "characters", "passed": chars <= limits["max_chars"], "actual": chars})
        checks[-1]["limit"] = limits["max_chars"]
    if "max_hashtags" in limits:
        checks.append({"check": "hashtags", "passed": tags <= limits["max_hashtags"], "actual": tags})
        checks[-1]["limit"] = limits["max_hashtags"]
    if platform in HTML_PLATFORMS:
        fmt = data.get("format", "markdown")
        is_html = fmt == "html" and bool(HTML_TAG_RE.search(content))
        checks.append({"check": "html", "passed": is_html, "actual": fmt, "limit": "html"})
    return {
        "platform": platform,
        "passed": all(c["passed"] for c in checks),
        "checks": checks,
        "character_count": chars,
        "hashtag_count": tags,
        "findings": [_platform_finding(platform, c) for c in checks if not c["passed"]],
    }


def _platform_finding(platform: str, check: dict[str, Any]) -> dict[str, str]:
    name = {"linkedin": "LinkedIn", "x": "X", "instagram": "Instagram", "email": "Email"}.get(platform, platform)
    if check["check"] == "html":
        message = f"{name} content must be HTML; this is {check['actual']}."
        return finding("platform.html", "error", message, "Deliver the email in the html format.")
    over = check["actual"] - check["limit"]
    message = f"{name} allows {check['limit']} {check['check']}; this has {check['actual']}."
    return finding(f"platform.{check['check']}", "error", message, f"Cut the {check['check']} by {over}.")
