"""``content.check_draft``: renders a draft and measures it against every rule a revision round checks.

One call per round, so each round of the content creator is one recorded step with its scores. The draft is
Markdown (a model's, or the user's own); it is rendered to the delivery format first (``content.render``) and
the rendered text is what the platform limits count, as the reader's platform would.

Blocking checks (a failure goes back to the model):

- ``length.words``: the word target for the type and length (DOMAIN.md's table, or the input's
  ``target_words``) within ± the tolerance. On a platform with a character limit (X, LinkedIn, Instagram) the
  limit is the length rule and no word target is checked unless ``target_words`` is given: a 150-word target
  cannot fit in 280 characters, and the platform's limit is the one that is enforced.
- ``platform.characters`` / ``platform.hashtags`` / ``platform.html``: ``content.platform_check``.
- ``keywords.used``: every keyword at least once. ``keywords.density`` (blog and newsletter, the types read as
  search pages, and only from 100 words: below that one occurrence moves the density by more than the ±1 point
  band, so the band cannot be hit): each keyword's density within 1 point of the target (score ≥ 80).
- ``readability``, ``claims``, ``figures``, ``call_to_action``, ``brand_voice.avoid``: ``writing.py``.
- ``structure.title`` and ``structure.sections`` (blog and newsletter): an H1 title and at least one H2.
- ``technical``: every ``content.technical`` check passes (links, headings, markup).

Advice (shown, not revised for): a question to the reader; for blog and newsletter the SEO on-page checks
(title length, keyword in the title and in the first paragraph).
"""

from __future__ import annotations

from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .content import (
    CONTENT_TYPES,
    LENGTHS,
    LONG_FORM_TYPES,
    PLATFORM_LIMITS,
    PLATFORMS,
    TARGET_READING_EASE,
    render,
    target_words,
    text_stats,
)
from .content_engagement import engagement, platform_check
from .content_seo import TARGET_DENSITY, TITLE_CHARS, keyword_density, seo_score, technical
from .content_text import FORMATS, KEYWORDS_FIELD, LONG_TEXT, SHORT_TEXT, cut_at_word, parse_document
from .writing import (
    AVOID_FIELD,
    CHECKS_FIELD,
    DEFAULT_TOLERANCE,
    OWN_WORDS_FIELD,
    STATED_FIELD,
    TOLERANCE_FIELD,
    avoid_check,
    check,
    claims_check,
    cta_check,
    ending,
    failed,
    figures_check,
    keywords_check,
    length_check,
    quoted,
    readability_check,
    word_count,
)

DENSITY_MIN_WORDS = 100
DENSITY_PASS_SCORE = 80.0  # |density − target| ≤ 1 point: 100 − 1 × 20
_NUMBER = {"type": ["number", "null"]}

CHECK_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["text", "type", "platform", "format"],
    "properties": {
        "text": {**LONG_TEXT, "description": "The draft, in Markdown (plain text is Markdown too)."},
        "type": {"enum": list(CONTENT_TYPES)},
        "platform": {"enum": list(PLATFORMS)},
        "format": {"enum": list(FORMATS), "description": "The delivery format the draft is rendered to."},
        "length": {"enum": list(LENGTHS), "default": "medium"},
        "target_words": {"type": "integer", "minimum": 1, "maximum": 10000, "description": "Words; overrides "
                         "the table's target."},
        "word_tolerance": TOLERANCE_FIELD,
        "keywords": KEYWORDS_FIELD,
        "target_reading_ease": {"type": "number", "minimum": 1, "maximum": 100, "default": TARGET_READING_EASE},
        "target_density": {"type": "number", "minimum": 0, "maximum": 100, "default": TARGET_DENSITY,
                           "description": "Keyword occurrences per 100 words."},
        "tone": SHORT_TEXT,
        "stated": STATED_FIELD,
        "own_words": OWN_WORDS_FIELD,
        "avoid": AVOID_FIELD,
    },
}  # fmt: skip
SCORES: dict[str, Any] = {
    "type": "object",
    "required": ["words", "characters", "hashtags", "reading_ease", "seo", "engagement"],
    "properties": {
        "words": {"type": "integer", "minimum": 0},
        "characters": {"type": "integer", "minimum": 0, "description": "Of the delivered text, markup included."},
        "hashtags": {"type": "integer", "minimum": 0},
        "reading_ease": {**_NUMBER, "description": "Flesch reading ease, 0–100 (null: no text)."},
        "seo": {"type": "number", "minimum": 0, "maximum": 100},
        "engagement": {"type": "number", "minimum": 0, "maximum": 1},
    },
}
CHECK_OUTPUT: dict[str, Any] = {
    "type": "object",
    "required": ["content", "format", "target_words", "stats", "measures", "checks", "failed", "advice", "passed",
                 "scores"],
    "properties": {
        "content": {"type": "string", "description": "The draft as delivered (rendered to the format)."},
        "format": {"enum": list(FORMATS)},
        "target_words": {"type": ["integer", "null"], "description": "Null when the platform's character limit "
                         "is the length rule."},
        "stats": {"type": "object"},
        "measures": {
            "type": "object",
            "required": ["readability", "seo", "technical", "engagement", "platform_checks"],
        },
        "checks": CHECKS_FIELD,
        "failed": {"type": "array", "items": {"type": "string"}, "description": "Failing blocking checks."},
        "advice": {"type": "array", "items": {"type": "string"}, "description": "Failing non-blocking checks."},
        "passed": {"type": "boolean", "description": "Every blocking check passes."},
        "scores": SCORES,
    },
}  # fmt: skip


@skill(
    "content.check_draft",
    name="Check a content draft",
    category=SkillCategory.CONTENT,
    input_schema=CHECK_INPUT,
    output_schema=CHECK_OUTPUT,
)
def check_draft(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Renders the draft and runs every revision check on it (see the module docstring)."""
    fmt, kind = data["format"], data["type"]
    content = render({"text": data["text"], "format": fmt})["content"]
    doc = parse_document(content, fmt)
    plain, intro = doc.plain, (doc.paragraphs[0] if doc.paragraphs else "")
    target = _target_words(data)
    reading, measured_reading = readability_check(
        content, fmt, float(data.get("target_reading_ease", TARGET_READING_EASE))
    )
    measured = {"readability": measured_reading, **_measures(data, content, target)}
    checks = [*_length(plain, target, data), *_platform(measured["platform_checks"]), *_keywords(plain, data)]
    checks += [reading, *_wording(plain, data), *_structure(kind, measured, plain), _technical(measured["technical"])]
    checks += _advice(kind, measured, plain, intro, data.get("keywords", []))
    return {
        "content": content,
        "format": fmt,
        "target_words": target,
        "stats": text_stats({"content": content, "format": fmt}),
        "measures": measured,
        "checks": checks,
        "failed": failed(checks),
        "advice": failed(checks, blocking=False),
        "passed": not failed(checks),
        "scores": _scores(measured, content),
    }


def _target_words(data: dict[str, Any]) -> int | None:
    if data.get("target_words"):
        return int(data["target_words"])
    if "max_chars" in PLATFORM_LIMITS.get(data["platform"], {}):
        return None
    return target_words(data["type"], data.get("length", "medium"))


def _measures(data: dict[str, Any], content: str, target: int | None) -> dict[str, Any]:
    text = {"content": content, "format": data["format"]}
    targets: dict[str, Any] = {k: data[k] for k in ("target_reading_ease", "target_density") if k in data}
    fit: dict[str, Any] = {"type": data["type"], "length": data.get("length", "medium")}
    fit |= {"tone": data["tone"]} if data.get("tone") else {}
    fit |= {"target_words": target} if target else {}
    return {
        "seo": seo_score({**text, **targets, "keywords": data.get("keywords", [])}),
        "technical": technical(text),
        "engagement": engagement({**text, **fit}),
        "platform_checks": platform_check({**text, "platform": data["platform"]}),
    }


def _length(plain: str, target: int | None, data: dict[str, Any]) -> list[dict[str, Any]]:
    if target is None:
        return []
    tolerance = float(data.get("word_tolerance", DEFAULT_TOLERANCE))
    return [length_check(word_count(plain), target, tolerance)]


def _platform(platform: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for item, finding in zip(
        platform["checks"], _findings_by_check(platform["findings"], platform["checks"]), strict=True
    ):
        name = item["check"]
        message = f"{item['actual']} {name} on {platform['platform']}, whose limit is {item['limit']}."
        fix = finding["fix"] if finding else "—"
        if name == "html":
            message = f"Delivered as {item['actual']} to {platform['platform']}, which needs html."
        out.append(check(f"platform.{name}", item["passed"], message, fix, actual=item["actual"], target=item["limit"]))
    return out


def _findings_by_check(findings: list[dict[str, Any]], checks: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    by_id = {f["check"]: f for f in findings}
    return [by_id.get(f"platform.{c['check']}") for c in checks]


def _keywords(plain: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    used = keywords_check(plain, data.get("keywords", []))
    if used is None:
        return []
    checks = [used]
    count = word_count(plain)
    if data["type"] in LONG_FORM_TYPES and count >= DENSITY_MIN_WORDS:
        target = float(data.get("target_density", TARGET_DENSITY))
        rows = keyword_density({"content": plain, "format": "plain", "keywords": data["keywords"],
                                "target_density": target})["keywords"]  # fmt: skip
        off = [r for r in rows if r["score"] < DENSITY_PASS_SCORE]
        listed = ", ".join(f"'{r['keyword']}' {r['density']:.1f} %" for r in rows)
        message = f"Keyword density {listed} (target {target:g} % ± 1 per 100 words)."
        fix = "—" if not off else "; ".join(_density_fix(r, target, count) for r in off) + "."
        densities = {r["keyword"]: r["density"] for r in rows}
        checks.append(check("keywords.density", not off, message, fix, actual=densities, target=target))
    return checks


def _density_fix(row: dict[str, Any], target: float, count: int) -> str:
    wanted = max(1, round(count * target / 100))
    return f"use '{row['keyword']}' about {wanted} times (now {row['occurrences']})"


def _wording(plain: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    stated = data.get("stated", "")
    own = "\n".join((stated, data.get("own_words", "")))
    checks = [claims_check(plain, stated), figures_check(plain, own), cta_check(plain)]
    avoided = avoid_check(plain, data.get("avoid", []))
    return checks + ([avoided] if avoided else [])


def _structure(kind: str, measured: dict[str, Any], plain: str) -> list[dict[str, Any]]:
    if kind not in LONG_FORM_TYPES:
        return []
    seo = measured["seo"]
    title, h2 = seo["on_page"]["title"], seo["structure"]["h2"]
    opening = cut_at_word(plain, 60)
    no_title = f"There is no H1 title, and the text opens with '{opening}'."
    no_sections = f"There are no H2 section headings in its {word_count(plain)} words."
    return [
        check("structure.title", title is not None, f"Title: '{title}'." if title else no_title,
              "—" if title else "Start with one '# ' title.", actual=title),
        check("structure.sections", h2, "Has H2 section headings." if h2 else no_sections,
              "—" if h2 else "Break the text into sections with '## ' headings.", actual=h2),
    ]  # fmt: skip


def _technical(measured: dict[str, Any]) -> dict[str, Any]:
    broken = [c for c in measured["checks"] if not c["passed"]]
    if not broken:
        return check("technical", True, "Links, headings and markup are sound.", "—", actual=[])
    message = "Broken markup (" + ", ".join(f"{c['check']} {c['detail']}" for c in broken) + ")."
    fix = " ".join(f["fix"] for f in measured["findings"])
    return check("technical", False, message, fix, actual=[c["check"] for c in broken])


def _advice(kind: str, measured: dict[str, Any], plain: str, intro: str, keywords: list[str]) -> list[dict[str, Any]]:
    asks = measured["engagement"]["has_question"]
    quiet = f"Asks the reader nothing, and ends with '{ending(plain)}'."
    advice = [
        check("question", asks, "Asks the reader a question." if asks else quiet,
              "—" if asks else "Ask the reader one question.", blocking=False),
    ]  # fmt: skip
    if kind in LONG_FORM_TYPES:
        advice += _on_page(measured["seo"], intro, [k for k in keywords if k.strip()])
    return advice


def _on_page(seo: dict[str, Any], intro: str, keywords: list[str]) -> list[dict[str, Any]]:
    """The SEO on-page checks as advice, each message quoting what it looked at."""
    on_page, title = seo["on_page"], seo["on_page"]["title"]
    low, high = TITLE_CHARS
    size = f"The title '{title}' has {len(title)} characters" if title else "There is no title"
    advice = [
        check("seo.title_length", bool(on_page["title_length"]), f"{size} ({low}–{high} show whole in search "
              "results).", "—" if on_page["title_length"] else f"Write a title of {low}–{high} characters.",
              blocking=False),
    ]  # fmt: skip
    if not keywords:
        return advice
    names = quoted(keywords)
    in_title = bool(on_page["keyword_in_title"])
    missing = f"{size}, and it names none of {names}." if title else f"There is no title to name {names}."
    message = f"The title names {names}." if in_title else missing
    advice.append(check("seo.keyword_in_title", in_title, message, "—" if in_title else "Put the main keyword in "
                        "the title.", blocking=False))  # fmt: skip
    early = bool(on_page["keyword_in_introduction"])
    first = cut_at_word(intro, 60)
    message = (
        f"The first paragraph names {names}." if early else f"The first paragraph ('{first}') names none of {names}."
    )
    advice.append(check("seo.keyword_in_introduction", early, message, "—" if early else "Use the main keyword "
                        "early.", blocking=False))  # fmt: skip
    return advice


def _scores(measured: dict[str, Any], content: str) -> dict[str, Any]:
    return {
        "words": measured["engagement"]["word_count"],
        "characters": len(content),
        "hashtags": measured["platform_checks"]["hashtag_count"],
        "reading_ease": measured["readability"]["flesch_reading_ease"],
        "seo": measured["seo"]["score"],
        "engagement": measured["engagement"]["estimate"],
    }
