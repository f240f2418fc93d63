"""The content creator's model side: the plan's JSON Schema, code's check of the plan, and the prompts that ask
for a draft and for each revision (the rules quoted in them are the ones ``content.check_draft`` measures)."""

from __future__ import annotations

import re
from typing import Any

from agents.specialists import writing_rounds as rounds
from skills.library.claims import find_calls_to_action
from skills.library.content import LONG_FORM_TYPES, PLATFORM_LIMITS, TARGET_READING_EASE, target_words
from skills.library.content_seo import TARGET_DENSITY
from skills.library.figures import find_figures
from skills.library.writing import DEFAULT_TOLERANCE, stated_text

_LINE = {"type": "string", "minLength": 1, "maxLength": 300}
PLAN: dict[str, Any] = rounds.closed_object(
    {
        "angle": {**_LINE, "description": "The angle the piece takes for its audience, in one sentence."},
        "key_message": {**_LINE, "description": "The one thing the reader should remember."},
        "title": {"type": ["string", "null"], "maxLength": 120,
                  "description": "The H1 title (blog, newsletter); null for other types."},
        "sections": {"type": "array", "maxItems": 8, "items": {"type": "string", "minLength": 1, "maxLength": 120},
                     "description": "The H2 section headings (blog, newsletter); empty for other types."},
        "company_facts": {"type": "array", "maxItems": 8, "items": _LINE,
                          "description": "Facts about the company the piece will use, each quoted word for word "
                          "from the company's words or the request."},
        "call_to_action": {"type": "string", "minLength": 1, "maxLength": 200,
                           "description": "The one next step the piece asks of the reader, as it will be written."},
        "hashtags": {"type": "array", "maxItems": 30, "items": {"type": "string", "minLength": 1, "maxLength": 60},
                     "description": "Hashtags for a social post, with '#'; empty otherwise."},
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text).casefold().replace("’", "'").strip().rstrip(".!?;:,")


def check_plan(answer: dict[str, Any], data: dict[str, Any], company: dict[str, Any]) -> dict[str, Any]:
    """The plan as code accepts it: facts not found in the company's or the request's words are dropped, hashtags
    past the platform's limit are cut, and whether the planned call to action reads as one is recorded."""
    source = _normal(stated_text(rounds.company_brief(company), {k: data.get(k) for k in ("topic", "audience")}))
    facts = [f for f in answer["company_facts"] if _normal(f) and _normal(f) in source]
    limit = PLATFORM_LIMITS.get(data["platform"], {}).get("max_hashtags")
    tags = ["#" + t.lstrip("#") for t in answer["hashtags"]]
    kept = tags[:limit] if limit is not None else tags
    return {
        **answer,
        "company_facts": facts,
        "hashtags": kept,
        "checked": {
            "facts_dropped": [f for f in answer["company_facts"] if f not in facts],
            "hashtags_dropped": tags[len(kept) :],
            "call_to_action_recognised": bool(find_calls_to_action(answer["call_to_action"])),
        },
    }


def rules_prompt(data: dict[str, Any], company: dict[str, Any]) -> str:
    """The rules the draft is measured against, as the model reads them."""
    lines = [_length_rule(data)]
    limits = PLATFORM_LIMITS.get(data["platform"], {})
    if "max_hashtags" in limits:
        lines.append(f"At most {limits['max_hashtags']} hashtags.")
    keywords = [k for k in data.get("keywords", []) if k.strip()]
    if keywords:
        lines.append(_keyword_rule(data, keywords))
    ease = data.get("target_reading_ease", TARGET_READING_EASE)
    lines.append(f"Flesch reading ease {ease:g} or more: short sentences, everyday words.")
    request = {k: data.get(k) for k in ("topic", "audience", "keywords")}
    words = stated_text(rounds.company_brief(company), request, data.get("draft", ""))
    figures = sorted({f.text.strip() for f in find_figures(words)})
    lines.append(
        "No guarantee, no superlative (best, #1, leading, unmatched), no absolute (always, never fails, "
        "everyone, instantly); no figure except these stated ones: " + (", ".join(figures) or "none") + "."
    )
    lines.append("Exactly one clear call to action, as an imperative (for example 'Book a call').")
    avoid = rounds.avoided(company)
    if avoid:
        lines.append(f"Never use: {', '.join(avoid)}.")
    if data["type"] in LONG_FORM_TYPES:
        lines.append("Start with one '# ' title; divide the text with '## ' section headings.")
    return "\n".join(f"- {line}" for line in lines)


def _length_rule(data: dict[str, Any]) -> str:
    limits = PLATFORM_LIMITS.get(data["platform"], {})
    if "max_chars" in limits and not data.get("target_words"):
        return f"At most {limits['max_chars']} characters in all, spaces and hashtags included."
    target = data.get("target_words") or target_words(data["type"], data.get("length", "medium"))
    tolerance = float(data.get("word_tolerance", DEFAULT_TOLERANCE))
    return f"About {target} words (between {round(target * (1 - tolerance))} and {round(target * (1 + tolerance))})."


def _keyword_rule(data: dict[str, Any], keywords: list[str]) -> str:
    listed = ", ".join(f"'{k}'" for k in keywords)
    if data["type"] not in LONG_FORM_TYPES:
        return f"Use each keyword at least once: {listed}."
    target = data.get("target_words") or target_words(data["type"], data.get("length", "medium"))
    times = max(1, round(target * float(data.get("target_density", TARGET_DENSITY)) / 100))
    return f"Use each keyword about {times} times, where it reads naturally: {listed}."


def _plan_lines(plan: dict[str, Any]) -> str:
    lines = [f"Angle: {plan['angle']}", f"Key message: {plan['key_message']}"]
    if plan.get("title"):
        lines.append(f"Title: {plan['title']}")
    if plan["sections"]:
        lines.append("Sections: " + "; ".join(plan["sections"]))
    if plan["company_facts"]:
        lines.append("Facts to use: " + "; ".join(plan["company_facts"]))
    lines.append(f"Call to action: {plan['call_to_action']}")
    if plan["hashtags"]:
        lines.append("Hashtags: " + " ".join(plan["hashtags"]))
    return "\n".join(lines)


def _request(data: dict[str, Any], company: dict[str, Any]) -> str:
    kind = data["type"].replace("_", " ")
    where = "" if data["platform"] in ("generic", "blog") else f" for {data['platform']}"
    audience = data.get("audience") or company.get("audience") or "the company's customers"
    topic = " ".join(data["topic"].split())
    what = f"a {data.get('length', 'medium')} {kind}{where} for {rounds.name_of(company)} on: {topic}"
    return f"{what}\nAudience: {audience}. Tone: {data.get('tone', 'professional')}."


def draft_prompt(data: dict[str, Any], company: dict[str, Any], plan: dict[str, Any]) -> str:
    return (
        f"Write {_request(data, company)}\n\n"
        f"The company, in its own words (use these facts and invent no other):\n{rounds.company_brief(company)}\n\n"
        f"Your plan:\n{_plan_lines(plan)}\n\n"
        f"The draft is measured against these rules:\n{rules_prompt(data, company)}\n\n"
        "Reply with the piece in Markdown and nothing else."
    )


def revise_prompt(data: dict[str, Any], company: dict[str, Any], plan: dict[str, Any], previous: rounds.Round) -> str:
    return (
        f"Revise the draft of {_request(data, company)}\n\n"
        f"It fails these checks:\n{rounds.failures_prompt(previous.measured)}\n"
        f"Keep these passing: {rounds.passing_prompt(previous.measured)}.\n\n"
        f"The company, in its own words:\n{rounds.company_brief(company)}\n\n"
        f"Your plan:\n{_plan_lines(plan)}\n\n"
        f"All the rules:\n{rules_prompt(data, company)}\n\n"
        f"The draft:\n<<<\n{previous.draft['text']}\n>>>\n\n"
        "Reply with the whole revised piece in Markdown and nothing else."
    )
