"""Content skills: render a draft and measure it (length, read time, readability; engagement and platform fit are
in ``content_engagement.py``, SEO in ``content_seo.py``, a revision round's checks in ``content_check.py``).

Rules (DOMAIN.md "Content", with the choices made where it is vague):

- Word targets per type and length are ``WORD_TARGETS``.
- Read time is reported as a range at 250 (fast) to 200 (slow) words per
  minute, plus a single figure at 225 wpm, the middle of that range.
- Readability uses textstat's Flesch reading ease and Flesch–Kincaid grade on
  the text without markup. Reading ease is clamped to 0–100 (Flesch's own
  scale; very short texts can fall outside it) and the grade to 0–30. The
  0–100 readability *score* used by SEO and quality is
  ``min(1, reading ease ÷ target) × 100`` with target 60 — "plain English" in
  Flesch's table and the pass mark most web-writing tools use.
- Engagement = 0.5 + 0.2 × length fit + 0.2 if the tone is engaging + 0.1 if
  there is a call to action + 0.1 if there is a question, capped at 1. Length
  fit = max(0, 1 − |words − target| ÷ target). A tone is engaging when it names
  one of ``ENGAGING_TONES``; a call to action is what the shared detector
  (``claims.find_calls_to_action``) finds; a question is a "?" right after a
  word (so "?utm=" in a URL is not one).
- Platform limits are ``PLATFORM_LIMITS``; characters are Unicode code points
  of the content as delivered (markup included). Email must be HTML.
- Drafts (a model's or the user's) are Markdown, rendered to the requested
  format by ``content.render``, so every format is produced the same checkable
  way. The writing agents draft with the model themselves (no skill writes
  text: with no model there is nothing to draft).
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

import textstat

from skills.choices import SkillCategory
from skills.registry import skill

from .content_text import (
    FINDINGS_FIELD,
    FORMAT_FIELD,
    FORMATS,
    LONG_TEXT,
    MD_HEADING_RE,
    MD_LIST_RE,
    finding,
    markdown_inline_to_plain,
    parse_document,
    safe_url,
    strip_closing_hashes,
    words,
)

CONTENT_TYPES = ("blog", "social", "email", "ad_copy", "newsletter")
LENGTHS = ("short", "medium", "long")
WORD_TARGETS: dict[str, tuple[int, int, int]] = {
    "blog": (300, 800, 1500),
    "social": (50, 150, 280),
    "email": (100, 200, 400),
    "ad_copy": (25, 50, 90),
    "newsletter": (300, 600, 1000),
}
LONG_FORM_TYPES = ("blog", "newsletter")
PLATFORMS = ("generic", "blog", "linkedin", "x", "instagram", "email")
# LinkedIn and X from DOMAIN.md; Instagram's published caption limits (2,200 characters, 30 hashtags).
PLATFORM_LIMITS: dict[str, dict[str, int]] = {
    "linkedin": {"max_chars": 1300, "max_hashtags": 3},
    "x": {"max_chars": 280, "max_hashtags": 2},
    "instagram": {"max_chars": 2200, "max_hashtags": 30},
}
HTML_PLATFORMS = ("email",)

WPM_FAST, WPM_TYPICAL, WPM_SLOW = 250, 225, 200
TARGET_READING_EASE = 60.0
MAX_GRADE = 30.0
FLESCH_BANDS = (
    (90, "very easy"),
    (80, "easy"),
    (70, "fairly easy"),
    (60, "plain English"),
    (50, "fairly difficult"),
    (30, "difficult"),
    (0, "very difficult"),
)

ENGAGEMENT_BASE, LENGTH_POINTS, TONE_POINTS, CTA_POINTS, QUESTION_POINTS = 0.5, 0.2, 0.2, 0.1, 0.1
ENGAGING_TONES = (
    "conversational", "friendly", "enthusiastic", "playful", "humorous", "witty", "inspirational",
    "inspiring", "bold", "energetic", "casual", "warm", "upbeat", "excited", "storytelling",
)  # fmt: skip
QUESTION_RE = re.compile(r"(?<=\w)[\"'’”)]?\?(?!\w)")

_TYPE = {"enum": list(CONTENT_TYPES)}
_LENGTH = {"enum": list(LENGTHS), "default": "medium"}
_SCORE_100 = {"type": "number", "minimum": 0, "maximum": 100}
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_COUNT = {"type": "integer", "minimum": 0}


def target_words(content_type: str, length: str = "medium") -> int:
    """The DOMAIN.md word target for a content type at a length."""
    return WORD_TARGETS[content_type][LENGTHS.index(length)]


# --- writing ------------------------------------------------------------------------------------


@skill(
    "content.render",
    name="Render content",
    category=SkillCategory.CONTENT,
    input_schema={
        "type": "object",
        "required": ["text"],
        "properties": {"text": LONG_TEXT, "format": FORMAT_FIELD},
    },
    output_schema={
        "type": "object",
        "required": ["content", "format"],
        "properties": {"content": {"type": "string"}, "format": {"enum": list(FORMATS)}},
    },
)
def render(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Markdown to the requested format: kept as is, converted to HTML (escaped, safe links only) or plain text."""
    fmt = data.get("format", "markdown")
    text = data["text"]
    if fmt == "html":
        text = markdown_to_html(text)
    elif fmt == "plain":
        text = markdown_to_plain(text)
    return {"content": text, "format": fmt}


def markdown_to_plain(text: str) -> str:
    """Headings become their text, list items keep a "- " bullet, inline markup goes."""
    out: list[str] = []
    for line in text.splitlines():
        heading = MD_HEADING_RE.match(line)
        if heading:
            out.append(markdown_inline_to_plain(strip_closing_hashes(heading.group(2) or "")))
        elif MD_LIST_RE.match(line):
            out.append("- " + markdown_inline_to_plain(MD_LIST_RE.sub("", line)))
        else:
            out.append(markdown_inline_to_plain(line))
    return "\n".join(out).strip()


def markdown_to_html(text: str) -> str:
    """A small Markdown subset (headings, paragraphs, bullet lists, links, images, bold, italic) to HTML."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip()]
        if lines and all(MD_LIST_RE.match(line) for line in lines):
            items = "".join(f"<li>{_inline_html(MD_LIST_RE.sub('', line))}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif lines:
            blocks += _block_html(lines)
    return "\n".join(blocks)


def _block_html(lines: list[str]) -> list[str]:
    """Headings become <hN>; the lines between them are joined into one paragraph."""
    out: list[str] = []
    paragraph: list[str] = []
    for line in lines:
        heading = MD_HEADING_RE.match(line)
        if heading is None:
            paragraph.append(_inline_html(line.strip()))
            continue
        out += [f"<p>{' '.join(paragraph)}</p>"] if paragraph else []
        paragraph, level = [], len(heading.group(1))
        out.append(f"<h{level}>{_inline_html(strip_closing_hashes(heading.group(2) or ''))}</h{level}>")
    return out + ([f"<p>{' '.join(paragraph)}</p>"] if paragraph else [])


def _inline_html(text: str) -> str:
    text = html.escape(text.strip(), quote=True)
    text = re.sub(r"!\[([^\]\n]{0,500})\]\(([^)\n]{0,2000})\)", _image_html, text)
    text = re.sub(r"\[([^\]\n]{0,500})\]\(([^)\n]{0,2000})\)", _link_html, text)
    text = re.sub(r"\*\*([^*\n]{1,500})\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"(?<![\w*])\*([^*\n]{1,500})\*(?![\w*])", r"<em>\1</em>", text)


def _link_html(match: re.Match[str]) -> str:
    label, url = match.group(1), match.group(2).strip()
    return f'<a href="{url}">{label}</a>' if safe_url(url) else label


def _image_html(match: re.Match[str]) -> str:
    alt, src = match.group(1), match.group(2).strip()
    return f'<img src="{src}" alt="{alt}">' if safe_url(src) else alt


# --- measuring ------------------------------------------------------------------------------------


@skill(
    "content.text_stats",
    name="Text statistics and read time",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["content"],
        "properties": {"content": LONG_TEXT, "format": FORMAT_FIELD},
    },
    output_schema={
        "type": "object",
        "required": ["word_count", "character_count", "sentence_count", "paragraph_count", "read_time"],
        "properties": {
            "word_count": _COUNT,
            "character_count": _COUNT,
            "sentence_count": _COUNT,
            "paragraph_count": _COUNT,
            "read_time": {
                "type": "object",
                "required": ["minutes", "minutes_low", "minutes_high", "wpm", "wpm_range", "label"],
                "properties": {
                    "minutes": {"type": "number", "minimum": 0},
                    "minutes_low": {"type": "number", "minimum": 0},
                    "minutes_high": {"type": "number", "minimum": 0},
                    "wpm": {"type": "integer"},
                    "wpm_range": {"type": "array", "items": {"type": "integer"}},
                    "label": {"type": "string"},
                },
            },
        },
    },
)
def text_stats(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Counts words, characters, sentences and paragraphs, and the read time at 200–250 words per minute."""
    doc = parse_document(data["content"], data.get("format", "markdown"))
    count = len(words(doc.plain))
    return {
        "word_count": count,
        "character_count": len(data["content"]),
        "sentence_count": textstat.sentence_count(doc.plain) if count else 0,
        "paragraph_count": len(doc.paragraphs),
        "read_time": read_time(count),
    }


def read_time(word_count: int) -> dict[str, Any]:
    """Minutes at 225 wpm, and the range from 250 wpm (fast readers) to 200 wpm (slow readers)."""
    low, high = word_count / WPM_FAST, word_count / WPM_SLOW
    shown = (math.ceil(low), math.ceil(high))
    label = f"{shown[0]} min read" if shown[0] == shown[1] else f"{shown[0]}–{shown[1]} min read"
    return {
        "minutes": round(word_count / WPM_TYPICAL, 2),
        "minutes_low": round(low, 2),
        "minutes_high": round(high, 2),
        "wpm": WPM_TYPICAL,
        "wpm_range": [WPM_SLOW, WPM_FAST],
        "label": label,
    }


@skill(
    "content.readability",
    name="Readability (Flesch)",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["content"],
        "properties": {
            "content": LONG_TEXT,
            "format": FORMAT_FIELD,
            "target_reading_ease": {"type": "number", "minimum": 1, "maximum": 100, "default": TARGET_READING_EASE},
        },
    },
    output_schema={
        "type": "object",
        "required": ["flesch_reading_ease", "flesch_kincaid_grade", "band", "score", "target_reading_ease"],
        "properties": {
            "flesch_reading_ease": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
            "flesch_kincaid_grade": {"type": ["number", "null"], "minimum": 0, "maximum": MAX_GRADE},
            "band": {"type": "string"},
            "score": _SCORE_100,
            "target_reading_ease": _SCORE_100,
            "findings": FINDINGS_FIELD,
        },
    },
)
def readability(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Flesch reading ease and Flesch–Kincaid grade (textstat), and a 0–100 score against a target ease."""
    target = float(data.get("target_reading_ease", TARGET_READING_EASE))
    plain = parse_document(data["content"], data.get("format", "markdown")).plain
    if not words(plain):
        empty = finding("readability", "error", "There is no text to measure.", "Add text.")
        return _readability(None, None, "no text", 0.0, target, [empty])
    ease = _clamp(textstat.flesch_reading_ease(plain), 0.0, 100.0)
    grade = _clamp(textstat.flesch_kincaid_grade(plain), 0.0, MAX_GRADE)
    findings = []
    if ease < target:
        message = f"Flesch reading ease is {ease:.0f} ({_band(ease)}); the target is {target:.0f} or more."
        findings.append(finding("readability", "warning", message, "Use shorter sentences and plainer words."))
    score = min(1.0, ease / target) * 100
    return _readability(round(ease, 2), round(grade, 2), _band(ease), round(score, 2), target, findings)


def _readability(
    ease: float | None, grade: float | None, band: str, score: float, target: float, findings: list
) -> dict[str, Any]:
    return {
        "flesch_reading_ease": ease,
        "flesch_kincaid_grade": grade,
        "band": band,
        "score": score,
        "target_reading_ease": target,
        "findings": findings,
    }


def _clamp(value: float, low: float, high: float) -> float:
    """``value`` within [low, high]; a NaN (never expected from textstat) counts as ``low``."""
    return low if math.isnan(value) else max(low, min(high, value))


def _band(ease: float) -> str:
    return next(label for floor, label in FLESCH_BANDS if ease >= floor)
