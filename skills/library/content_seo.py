"""SEO skills: keyword density, technical markup checks, and the weighted SEO score.

Rules (DOMAIN.md "Content"; the choices made where it is vague):

- Keyword density = whole-word, case-insensitive occurrences of the keyword
  (a phrase counts once per occurrence) per 100 words of the text without
  markup, capped at 100. Keyword score = max(0, 100 − |density − 2.5| × 20);
  with several keywords the keyword part is their mean; with none it is 0,
  because a page without a target keyword is not optimised for anything.
- Structure: H1 +20, H2 +15, H3 +10, mean paragraph length 50–200 words +20.
  Those add up to 65, so the structure part is points ÷ 65 × 100.
- Technical (0–100) = the share of ``TECHNICAL_CHECKS`` that pass: links have
  a usable target and text, no empty headings, at most one H1, heading levels
  do not skip (H2 → H4), images have alt text, markup is balanced (HTML tags
  closed; Markdown code fences and ``**`` paired).
- The remaining 0.20 of the weight goes to four on-page checks that can be made
  offline, 0.05 each (0 or 100): the title (first H1) is 30–60 characters (search
  results cut titles near 60), a keyword is in the title, a keyword is in the
  first paragraph, and the text links somewhere.
- SEO = 0.15 structure + 0.25 keywords + 0.20 readability + 0.20 technical +
  0.05 × each on-page check. Everything is on a 0–100 scale.
"""

from __future__ import annotations

from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .content import TARGET_READING_EASE, readability
from .content_text import (
    FINDINGS_FIELD,
    FORMAT_FIELD,
    KEYWORDS_FIELD,
    LONG_TEXT,
    Document,
    count_phrase,
    finding,
    normalise_phrase,
    parse_document,
    safe_url,
    words,
)

TARGET_DENSITY = 2.5
DENSITY_PENALTY = 20.0
STRUCTURE_POINTS = {"h1": 20, "h2": 15, "h3": 10, "paragraph_length": 20}
STRUCTURE_MAX = sum(STRUCTURE_POINTS.values())  # 65
PARAGRAPH_WORDS = (50, 200)
TITLE_CHARS = (30, 60)
SEO_WEIGHTS = {
    "structure": 0.15,
    "keywords": 0.25,
    "readability": 0.20,
    "technical": 0.20,
    "title_length": 0.05,
    "keyword_in_title": 0.05,
    "keyword_in_introduction": 0.05,
    "has_link": 0.05,
}
TECHNICAL_CHECKS = ("links_valid", "headings_not_empty", "single_h1", "heading_order", "images_have_alt", "markup")

_SCORE_100 = {"type": "number", "minimum": 0, "maximum": 100}
_DENSITY = {"type": "number", "minimum": 0, "maximum": 100, "default": TARGET_DENSITY}
_CONTENT_INPUT = {"content": LONG_TEXT, "format": FORMAT_FIELD}


@skill(
    "content.keyword_density",
    name="Keyword density",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["content", "keywords"],
        "properties": {**_CONTENT_INPUT, "keywords": KEYWORDS_FIELD, "target_density": _DENSITY},
    },
    output_schema={
        "type": "object",
        "required": ["word_count", "keywords", "score", "target_density", "findings"],
        "properties": {
            "word_count": {"type": "integer", "minimum": 0},
            "target_density": _SCORE_100,
            "score": _SCORE_100,
            "keywords": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["keyword", "occurrences", "density", "score"],
                    "properties": {
                        "keyword": {"type": "string"},
                        "occurrences": {"type": "integer", "minimum": 0},
                        "density": _SCORE_100,
                        "score": _SCORE_100,
                    },
                },
            },
            "findings": FINDINGS_FIELD,
        },
    },
)
def keyword_density(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Density of each keyword per 100 words, scored max(0, 100 − |density − target| × 20)."""
    plain = parse_document(data["content"], data.get("format", "markdown")).plain
    total = len(words(plain))
    target = float(data.get("target_density", TARGET_DENSITY))
    rows = [_keyword_row(plain, keyword, total, target) for keyword in _unique(data["keywords"])]
    score = sum(r["score"] for r in rows) / len(rows) if rows else 0.0
    findings = [f for r in rows if (f := _density_finding(r, target))]
    if not rows:
        message = "No target keywords were given, so the keyword part of SEO scores 0."
        findings.append(finding("seo.keywords", "warning", message, "Choose one to three target keywords."))
    return {
        "word_count": total,
        "keywords": rows,
        "score": round(score, 2),
        "target_density": target,
        "findings": findings,
    }


def _unique(keywords: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for keyword in keywords:
        if keyword.strip():
            seen.setdefault(normalise_phrase(keyword), " ".join(keyword.split()))
    return list(seen.values())


def _keyword_row(plain: str, keyword: str, total: int, target: float) -> dict[str, Any]:
    occurrences = count_phrase(plain, keyword)
    density = min(100.0, occurrences / total * 100) if total else 0.0
    score = max(0.0, 100 - abs(density - target) * DENSITY_PENALTY)
    return {"keyword": keyword, "occurrences": occurrences, "density": round(density, 2), "score": round(score, 2)}


def _density_finding(row: dict[str, Any], target: float) -> dict[str, str] | None:
    if row["score"] >= 80:  # within one percentage point of the target
        return None
    keyword, density = row["keyword"], row["density"]
    message = f"Keyword '{keyword}' has a density of {density:.2f} % (target {target:g} %)."
    if density < target:
        return finding("seo.keyword_density", "warning", message, f"Use '{keyword}' a few more times.")
    return finding("seo.keyword_density", "warning", message, f"Use '{keyword}' less often; it reads as stuffing.")


@skill(
    "content.technical",
    name="Technical content checks",
    category=SkillCategory.TECHNICAL,
    input_schema={"type": "object", "required": ["content"], "properties": _CONTENT_INPUT},
    output_schema={
        "type": "object",
        "required": ["score", "checks", "findings"],
        "properties": {
            "score": _SCORE_100,
            "checks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["check", "passed", "detail"],
                    "properties": {"check": {"enum": list(TECHNICAL_CHECKS)}, "passed": {"type": "boolean"}},
                },
            },
            "findings": FINDINGS_FIELD,
        },
    },
)
def technical(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Broken links, empty or skipped headings, several H1s, images without alt text, unbalanced markup."""
    fmt = data.get("format", "markdown")
    doc = parse_document(data["content"], fmt)
    problems = {
        "links_valid": [url or "(empty)" for text, url in doc.links if not _link_ok(text, url)],
        "headings_not_empty": [f"H{level}" for level, text in doc.headings if not text.strip()],
        "single_h1": [f"{n} H1 headings"] if (n := sum(1 for lvl, _ in doc.headings if lvl == 1)) > 1 else [],
        "heading_order": _skipped_levels(doc),
        "images_have_alt": [src or "(no source)" for alt, src in doc.images if not alt.strip()],
        "markup": _unbalanced_markup(data["content"], fmt, doc),
    }
    checks = [{"check": name, "passed": not found, "detail": _detail(found)} for name, found in problems.items()]
    passed = sum(1 for c in checks if c["passed"])
    findings = [_technical_finding(name, found) for name, found in problems.items() if found]
    return {"score": round(passed / len(checks) * 100, 2), "checks": checks, "findings": findings}


def _link_ok(text: str, url: str) -> bool:
    """A usable link has text, and a target without spaces in a safe scheme (http(s), mailto, tel, relative)."""
    return bool(text.strip()) and not any(ch.isspace() for ch in url) and safe_url(url)


def _skipped_levels(doc: Document) -> list[str]:
    skipped, previous = [], 0
    for level, _ in doc.headings:
        if previous and level > previous + 1:
            skipped.append(f"H{previous} → H{level}")
        previous = level
    return skipped


def _unbalanced_markup(content: str, fmt: str, doc: Document) -> list[str]:
    if fmt == "html":
        return [f"<{tag}> is not closed" for tag in doc.unclosed_tags]
    if fmt == "markdown":
        found = []
        if content.count("```") % 2:
            found.append("a ``` code fence is not closed")
        if content.count("**") % 2:
            found.append("a ** bold marker is not closed")
        return found
    return []


def _detail(found: list[str]) -> str:
    return "ok" if not found else "; ".join(found[:5]) + (f" (+{len(found) - 5} more)" if len(found) > 5 else "")


_TECHNICAL_FIXES = {
    "links_valid": ("error", "Links without a usable target or text", "Give every link text and a full URL."),
    "headings_not_empty": ("error", "Empty headings", "Give each heading text or remove it."),
    "single_h1": ("warning", "More than one H1", "Keep one H1 (the title); use H2 for sections."),
    "heading_order": ("warning", "Heading levels skip", "Go down one level at a time (H2 then H3)."),
    "images_have_alt": ("warning", "Images without alt text", "Describe each image in its alt text."),
    "markup": ("error", "Unbalanced markup", "Close every tag, code fence and bold marker."),
}


def _technical_finding(name: str, found: list[str]) -> dict[str, str]:
    severity, label, fix = _TECHNICAL_FIXES[name]
    return finding(f"technical.{name}", severity, f"{label}: {_detail(found)}.", fix)


@skill(
    "content.seo_score",
    name="SEO score",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["content"],
        "properties": {
            **_CONTENT_INPUT,
            "keywords": KEYWORDS_FIELD,
            "target_density": _DENSITY,
            "target_reading_ease": {"type": "number", "minimum": 1, "maximum": 100, "default": TARGET_READING_EASE},
        },
    },
    output_schema={
        "type": "object",
        "required": ["score", "parts", "weights", "structure", "on_page", "keywords", "findings"],
        "properties": {
            "score": _SCORE_100,
            "parts": {"type": "object", "additionalProperties": _SCORE_100},
            "weights": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}},
            "structure": {
                "type": "object",
                "required": ["h1", "h2", "h3", "mean_paragraph_words", "points", "max_points"],
                "properties": {
                    "mean_paragraph_words": {"type": "number", "minimum": 0},
                    "points": {"type": "integer", "minimum": 0, "maximum": STRUCTURE_MAX},
                },
            },
            "on_page": {"type": "object", "properties": {"title": {"type": ["string", "null"]}}},
            "keywords": {"type": "array"},
            "findings": FINDINGS_FIELD,
        },
    },
)
def seo_score(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """0.15 structure + 0.25 keywords + 0.20 readability + 0.20 technical + 4 × 0.05 on-page checks (0–100)."""
    fmt, keywords = data.get("format", "markdown"), data.get("keywords", [])
    doc = parse_document(data["content"], fmt)
    density = keyword_density({**data, "keywords": keywords})
    structure, structure_findings = _structure(doc)
    on_page, on_page_findings = _on_page(doc, _unique(keywords))
    parts = {
        "structure": round(structure["points"] / STRUCTURE_MAX * 100, 2),
        "keywords": density["score"],
        "readability": readability(data)["score"],
        "technical": technical(data)["score"],
        **{name: 100.0 if on_page[name] else 0.0 for name in ("title_length", "keyword_in_title")},
        **{name: 100.0 if on_page[name] else 0.0 for name in ("keyword_in_introduction", "has_link")},
    }
    score = sum(SEO_WEIGHTS[name] * value for name, value in parts.items())
    return {
        "score": round(min(100.0, score), 2),
        "parts": parts,
        "weights": SEO_WEIGHTS,
        "structure": structure,
        "on_page": on_page,
        "keywords": density["keywords"],
        "findings": structure_findings + density["findings"] + on_page_findings,
    }


def _structure(doc: Document) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """H1 +20, H2 +15, H3 +10, mean paragraph 50–200 words +20 (of 65)."""
    levels = {level for level, text in doc.headings if text.strip()}
    lengths = [len(words(p)) for p in doc.paragraphs]
    mean = sum(lengths) / len(lengths) if lengths else 0.0
    present = {
        "h1": 1 in levels,
        "h2": 2 in levels,
        "h3": 3 in levels,
        "paragraph_length": PARAGRAPH_WORDS[0] <= mean <= PARAGRAPH_WORDS[1],
    }
    points = sum(STRUCTURE_POINTS[name] for name, ok in present.items() if ok)
    structure = {**{k: present[k] for k in ("h1", "h2", "h3")}, "mean_paragraph_words": round(mean, 2)}
    structure |= {"paragraph_length_ok": present["paragraph_length"], "points": points, "max_points": STRUCTURE_MAX}
    findings = [_structure_finding(name, mean) for name, ok in present.items() if not ok]
    return structure, findings


_STRUCTURE_FIXES = {
    "h1": ("There is no H1 title.", "Start with one H1 title."),
    "h2": ("There are no H2 section headings.", "Break the text into sections with H2 headings."),
    "h3": ("There are no H3 sub-headings.", "Use H3 sub-headings inside longer sections."),
}


def _structure_finding(name: str, mean: float) -> dict[str, str]:
    if name == "paragraph_length":
        low, high = PARAGRAPH_WORDS
        message = f"Paragraphs average {mean:.0f} words; {low}–{high} reads best on the web."
        fix = "Split long paragraphs." if mean > high else "Develop each paragraph to at least 50 words."
        return finding("seo.paragraph_length", "info", message, fix)
    message, fix = _STRUCTURE_FIXES[name]
    return finding(f"seo.{name}", "info" if name == "h3" else "warning", message, fix)


def _on_page(doc: Document, keywords: list[str]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Title length 30–60 characters, a keyword in the title and the first paragraph, at least one link."""
    title = next((text for level, text in doc.headings if level == 1 and text.strip()), None)
    intro = doc.paragraphs[0] if doc.paragraphs else ""
    checks = {
        "title_length": title is not None and TITLE_CHARS[0] <= len(title) <= TITLE_CHARS[1],
        "keyword_in_title": title is not None and any(count_phrase(title, k) for k in keywords),
        "keyword_in_introduction": any(count_phrase(intro, k) for k in keywords),
        "has_link": bool(doc.links),
    }
    findings = [finding(f"seo.{name}", "info", *_ON_PAGE_FIXES[name]) for name, ok in checks.items() if not ok]
    return {"title": title, "title_chars": len(title) if title else 0, **checks}, findings


_ON_PAGE_FIXES = {
    "title_length": ("The title is missing or not 30–60 characters long.", "Write an H1 title of 30–60 characters."),
    "keyword_in_title": ("No target keyword is in the title.", "Put the main keyword in the title."),
    "keyword_in_introduction": ("No target keyword is in the first paragraph.", "Use the main keyword early."),
    "has_link": ("The text links nowhere.", "Link to one relevant page or source."),
}
