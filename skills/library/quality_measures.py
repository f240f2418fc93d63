"""Quality areas measured with the content skills' formulas: readability, SEO and engagement.

- **Readability**: Flesch reading ease and Flesch–Kincaid grade (textstat, through ``content.readability``);
  score = min(1, ease ÷ target), target 60 ("plain English" in Flesch's table). **Not measured under 100
  words**: Flesch fitted and applied his formula to 100-word samples, and below that one long word moves the
  ease by several points (in a 25-word text one three-syllable word instead of a one-syllable word moves it by
  about 7); the figures are still shown, marked indicative. Gain of the fix: 1 − score.
- **SEO**: measured for blog posts and newsletters only — the types read as pages found through search (the
  content creator's rule too); a social post, an email or an ad is read where it is delivered, and a title,
  section headings and keyword density mean nothing there. Parts and weights are ``content.seo_score``'s
  (structure 0.15, keywords 0.25, title length, keyword in the title, keyword in the first paragraph and a link
  0.05 each), without its readability and technical parts, which are areas of their own here and would otherwise
  count twice. With no target keywords the three keyword parts are not measured (they scored 0 before). The
  score is the weighted mean of the measured parts; a fix gains its part's weight share × what the part lacks.
  A missing title is one fix (H1, title length and keyword in the title together).
- **Engagement**: DOMAIN.md's estimate without its 0.5 base (it gave an empty text half marks): length fit 0.2,
  a call to action 0.1, a question to the reader 0.1, and an engaging tone 0.2 — the tone is a model's judgement
  of the text (offline it is not measured; DOMAIN.md scored the tone the user *asked for*, which says nothing
  about the text). Weighted mean of the parts measured. Length fit = max(0, 1 − |words − target| ÷ target) for a
  stated length; with none, 1 anywhere from the type's short to its long target and falling off the same way
  outside. Calls to action come from the shared detector.
"""

from __future__ import annotations

from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .claims import find_calls_to_action
from .content import CONTENT_TYPES, LENGTHS, LONG_FORM_TYPES, QUESTION_RE, TARGET_READING_EASE, WORD_TARGETS
from .content import readability as flesch
from .content_seo import PARAGRAPH_WORDS, STRUCTURE_MAX, STRUCTURE_POINTS, TARGET_DENSITY, TITLE_CHARS, seo_score
from .content_text import FORMAT_FIELD, KEYWORDS_FIELD, LONG_TEXT, Document, parse_document, words
from .quality import (
    MEASURED,
    SHARE,
    TYPE_NAMES,
    area,
    area_output,
    article,
    issue,
    not_measured,
    plural,
    quoted,
    sentences,
)

FLESCH_SAMPLE_WORDS = 100
SEO_PARTS = ("structure", "keywords", "title_length", "keyword_in_title", "keyword_in_introduction", "has_link")
KEYWORD_PARTS = ("keywords", "keyword_in_title", "keyword_in_introduction")
DENSITY_BAND = 80.0  # content.keyword_density's pass mark: within one point of the target density
ENGAGEMENT_WEIGHTS = {"length": 0.2, "call_to_action": 0.1, "question": 0.1, "tone": 0.2}

_TEXT_INPUT = {"content": LONG_TEXT, "format": FORMAT_FIELD}
_TYPE = {"enum": list(CONTENT_TYPES)}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
_PARTS = {"type": "object", "additionalProperties": {"type": ["number", "null"], "minimum": 0, "maximum": 1}}
TONE_JUDGEMENT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["engaging", "reason"],
    "description": "A model's judgement: does the text's tone engage its reader (and match the tone asked for)?",
    "properties": {"engaging": {"type": "boolean"}, "reason": {"type": "string", "minLength": 1, "maxLength": 400}},
}


# --- readability ---------------------------------------------------------------------------------------------------


@skill(
    "quality.readability",
    name="Readability (Flesch), on 100 words or more",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["content"],
        "properties": {
            **_TEXT_INPUT,
            "target_reading_ease": {"type": "number", "minimum": 1, "maximum": 100, "default": TARGET_READING_EASE},
        },
    },
    output_schema=area_output(
        {
            "word_count": {"type": "integer", "minimum": 0},
            "flesch_reading_ease": {**_NUMBER_OR_NULL, "minimum": 0, "maximum": 100},
            "flesch_kincaid_grade": {**_NUMBER_OR_NULL, "minimum": 0},
            "band": {"type": "string"},
            "target_reading_ease": {"type": "number"},
        },
        ("word_count", "flesch_reading_ease", "flesch_kincaid_grade", "band", "target_reading_ease"),
    ),
)
def readability(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Flesch reading ease against a target (60), scored min(1, ease ÷ target); not measured under 100 words."""
    plain = parse_document(data["content"], data.get("format", "markdown")).plain
    measured = flesch(data)
    count = len(words(plain))
    detail = {"word_count": count, **{k: measured[k] for k in ("flesch_reading_ease", "flesch_kincaid_grade")}}
    detail |= {"band": measured["band"], "target_reading_ease": measured["target_reading_ease"]}
    if count < FLESCH_SAMPLE_WORDS:
        why = f"{count} words: Flesch's formula is read on samples of {FLESCH_SAMPLE_WORDS} words or more"
        return not_measured(why + (" (the figures shown are indicative)." if count else "."), **detail)
    ease, target = measured["flesch_reading_ease"], measured["target_reading_ease"]
    score = min(1.0, ease / target)
    findings = [] if ease >= target else [_readability_finding(plain, ease, target, measured["band"], score)]
    return area(score, f"min(1, Flesch reading ease ÷ {target:g}).", findings, **detail)


def _readability_finding(plain: str, ease: float, target: float, band: str, score: float) -> dict[str, Any]:
    longest = max(sentences(plain), key=lambda s: len(words(s)))
    message = (
        f"Flesch reading ease is {ease:.0f} ({band}); the target is {target:g}. The longest sentence has "
        f"{len(words(longest))} words: {quoted(longest)}."
    )
    return issue("readability", "warning", message, f"Split {quoted(longest)} and use shorter words.", 1 - score)


# --- SEO -----------------------------------------------------------------------------------------------------------


@skill(
    "quality.seo",
    name="SEO for pages read from search",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["content", "type"],
        "properties": {
            **_TEXT_INPUT,
            "type": _TYPE,
            "keywords": {**KEYWORDS_FIELD, "description": "Target keywords; none: the keyword parts are not measured."},
            "target_density": {"type": "number", "minimum": 0, "maximum": 100, "default": TARGET_DENSITY},
        },
    },
    output_schema=area_output({"parts": _PARTS, "weights": _PARTS, "seo": {"type": "object"}}, ("parts", "weights")),
)
def seo(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Structure, keywords, title and links (content.seo_score's parts) for blog posts and newsletters."""
    kind = TYPE_NAMES[data["type"]]
    if data["type"] not in LONG_FORM_TYPES:
        why = f"{article(kind).capitalize()} is read where it is delivered, not found through search; "
        return not_measured(why + "SEO is measured for blog posts and newsletters.", parts={}, weights={})
    doc = parse_document(data["content"], data.get("format", "markdown"))
    if not words(doc.plain):
        return not_measured("There are no words to read.", parts={}, weights={})
    keywords = [k for k in data.get("keywords", []) if k.strip()]
    measured = seo_score({**data, "keywords": keywords}) | {
        "target_density": data.get("target_density", TARGET_DENSITY)
    }
    used = [p for p in SEO_PARTS if keywords or p not in KEYWORD_PARTS]
    total = sum(measured["weights"][p] for p in used)
    weights = {p: measured["weights"][p] / total for p in used}
    parts = {p: measured["parts"][p] / 100 for p in used}
    findings = _seo_findings(doc, measured, weights, keywords)
    reason = "Weighted mean of content.seo_score's parts (without readability and technical, areas of their own)"
    reason += "." if keywords else "; no target keywords, so the keyword parts are not measured."
    score = sum(weights[p] * parts[p] for p in used)
    shown = {k: measured[k] for k in ("structure", "on_page", "keywords")}
    rounded = {p: round(v, 4) for p, v in parts.items()}
    return area(score, reason, findings, parts=rounded, weights={p: round(w, 4) for p, w in weights.items()}, seo=shown)


def _seo_findings(doc: Document, measured: dict[str, Any], weights: dict[str, float], keywords: list[str]) -> list:
    structure, on_page = measured["structure"], measured["on_page"]
    first = doc.paragraphs[0] if doc.paragraphs else doc.plain
    found = []
    if on_page["title"] is None:
        gain = STRUCTURE_POINTS["h1"] / STRUCTURE_MAX * weights["structure"] + weights["title_length"]
        gain += weights.get("keyword_in_title", 0.0)
        fix = f"Add one H1 title of {TITLE_CHARS[0]}–{TITLE_CHARS[1]} characters above {quoted(first)}"
        fix += f", with '{keywords[0]}' in it." if keywords else "."
        found.append(issue("seo.title", "warning", f"No title; the text opens with {quoted(first)}.", fix, gain))
    else:
        found += _title_findings(on_page, weights, keywords)
    for name in ("h2", "h3"):
        if not structure[name]:
            found.append(_heading_finding(name, doc, STRUCTURE_POINTS[name] / STRUCTURE_MAX * weights["structure"]))
    if not structure["paragraph_length_ok"] and doc.paragraphs:
        gain = STRUCTURE_POINTS["paragraph_length"] / STRUCTURE_MAX * weights["structure"]
        found.append(_paragraph_finding(doc, structure["mean_paragraph_words"], gain))
    found += _keyword_findings(doc, measured, weights, keywords)
    if not on_page["has_link"]:
        last = sentences(doc.plain)[-1] if doc.plain else ""
        message = f"The text links nowhere; it ends with {quoted(last)}."
        fix = f"Link the page or source that backs up {quoted(first)}."
        found.append(issue("seo.has_link", "info", message, fix, weights["has_link"]))
    return found


def _title_findings(on_page: dict[str, Any], weights: dict[str, float], keywords: list[str]) -> list:
    title, found = on_page["title"], []
    if not on_page["title_length"]:
        low, high = TITLE_CHARS
        verb = "Shorten" if len(title) > high else "Lengthen"
        message = f"The title {quoted(title)} has {len(title)} characters; search results show {low}–{high}."
        found.append(issue("seo.title_length", "info", message, f"{verb} {quoted(title)} to {low}–{high} characters.",
                           weights["title_length"]))  # fmt: skip
    if keywords and not on_page["keyword_in_title"]:
        message = f"The title {quoted(title)} uses none of the keywords ({', '.join(keywords)})."
        found.append(issue("seo.keyword_in_title", "info", message, f"Put '{keywords[0]}' in {quoted(title)}.",
                           weights["keyword_in_title"]))  # fmt: skip
    return found


def _heading_finding(name: str, doc: Document, gain: float) -> dict[str, Any]:
    longest = max(doc.paragraphs or [doc.plain], key=lambda p: len(words(p)))
    if name == "h2":
        count = len(words(doc.plain))
        middle = doc.paragraphs[len(doc.paragraphs) // 2] if doc.paragraphs else doc.plain
        message = f"No H2 section headings in {plural(count, 'word')}."
        return issue("seo.h2", "warning", message, f"Start a section with an H2 heading before {quoted(middle)}.", gain)
    under = next((text for level, text in doc.headings if level == 2), "")
    message = f"No H3 sub-headings under {quoted(under)}." if under else "No H3 sub-headings."
    return issue("seo.h3", "info", message, f"Divide sections like {quoted(longest)} with H3 sub-headings.", gain)


def _paragraph_finding(doc: Document, mean: float, gain: float) -> dict[str, Any]:
    low, high = PARAGRAPH_WORDS
    message = f"Paragraphs average {mean:.0f} words; {low}–{high} reads best on the web."
    if mean > high:
        longest = max(doc.paragraphs, key=lambda p: len(words(p)))
        fix = f"Split {quoted(longest)} ({plural(len(words(longest)), 'word')}) and paragraphs like it."
    else:
        shortest = min(doc.paragraphs, key=lambda p: len(words(p)))
        fix = f"Develop {quoted(shortest)} ({plural(len(words(shortest)), 'word')}) into a full paragraph, or merge it."
    return issue("seo.paragraph_length", "info", message, fix, gain)


def _keyword_findings(doc: Document, measured: dict[str, Any], weights: dict[str, float], keywords: list[str]) -> list:
    if not keywords:
        return []
    rows, found = measured["keywords"], []
    total = len(words(doc.plain))
    target = float(measured["target_density"])
    for row in rows:
        if row["score"] >= DENSITY_BAND:
            continue
        wanted = round(target * total / 100)
        more = wanted - row["occurrences"]
        times, count = plural(row["occurrences"], "time"), plural(total, "word")
        message = (
            f"'{row['keyword']}' appears {times} in {count} ({row['density']:.2f} per 100 words; the target is "
            f"{target:g})."
        )
        direction = ("more", "more") if more > 0 else ("less", "fewer")
        fix = f"Use '{row['keyword']}' {direction[0]} often: about {plural(abs(more), 'time')} {direction[1]}."
        gain = (100 - row["score"]) / 100 / len(rows) * weights["keywords"]
        found.append(issue("seo.keyword_density", "warning", message, fix, gain))
    if not measured["on_page"]["keyword_in_introduction"]:
        intro = doc.paragraphs[0] if doc.paragraphs else ""
        message = f"The first paragraph, {quoted(intro)}, uses none of the keywords."
        fix = f"Use '{keywords[0]}' in the first paragraph."
        found.append(issue("seo.keyword_in_introduction", "info", message, fix, weights["keyword_in_introduction"]))
    return found


# --- engagement ----------------------------------------------------------------------------------------------------


@skill(
    "quality.engagement",
    name="Engagement (length fit, call to action, question, tone)",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["content", "type"],
        "properties": {
            **_TEXT_INPUT,
            "type": _TYPE,
            "length": {"enum": list(LENGTHS), "description": "The length asked for; none: the type's whole range."},
            "tone": {**TONE_JUDGEMENT, "description": "A model's judgement of the tone (optional)."},
        },
    },
    output_schema=area_output(
        {
            "word_count": {"type": "integer", "minimum": 0},
            "target_words": {"type": "array", "items": {"type": "integer"}, "description": "Low and high, words."},
            "calls_to_action": {"type": "array", "items": {"type": "string"}},
            "has_question": {"type": "boolean"},
            "parts": _PARTS,
            "weights": {"type": "object", "additionalProperties": SHARE},
        },
        ("word_count", "target_words", "calls_to_action", "has_question", "parts", "weights"),
    ),
)
def engagement(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Length fit 0.2, a call to action 0.1, a question 0.1, an engaging tone 0.2 (a model's), over those measured."""
    plain = parse_document(data["content"], data.get("format", "markdown")).plain
    split, count = sentences(plain), len(words(plain))
    low, high = _target_range(data["type"], data.get("length"))
    calls = list(dict.fromkeys(found.text for found in find_calls_to_action(plain)))
    tone = data.get("tone")
    question = bool(QUESTION_RE.search(plain))
    detail = {"word_count": count, "target_words": [low, high], "calls_to_action": calls, "has_question": question}
    if not count:
        return not_measured("There are no words to read.", parts={}, weights={}, **detail)
    parts: dict[str, float | None] = {"length": _length_fit(count, low, high), "call_to_action": float(bool(calls))}
    parts |= {"question": float(question), "tone": float(tone["engaging"]) if tone else None}
    used = {p: w for p, w in ENGAGEMENT_WEIGHTS.items() if parts[p] is not None}
    weights = {p: w / sum(used.values()) for p, w in used.items()}
    findings = _engagement_findings(split, count, (low, high), parts, weights, tone)
    score = sum(weights[p] * (parts[p] or 0.0) for p in weights)
    reason = "Weighted mean of length fit 0.2, call to action 0.1, question 0.1" + (", tone 0.2." if tone else ".")
    rounded = {p: round(v, 4) if v is not None else None for p, v in parts.items()}
    basis = "measured and model judgement" if tone else MEASURED
    return area(score, reason, findings, basis, parts=rounded, weights=weights, **detail)


def _target_range(content_type: str, length: str | None) -> tuple[int, int]:
    targets = WORD_TARGETS[content_type]
    if length:
        target = targets[LENGTHS.index(length)]
        return target, target
    return targets[0], targets[-1]


def _length_fit(count: int, low: int, high: int) -> float:
    if count < low:
        return max(0.0, 1 - (low - count) / low)
    if count > high:
        return max(0.0, 1 - (count - high) / high)
    return 1.0


def _engagement_findings(
    split: list[str], count: int, target: tuple[int, int], parts: dict, weights: dict, tone: dict | None
) -> list[dict[str, Any]]:
    first, last = split[0], split[-1]
    found = []
    if parts["length"] < 1:
        found.append(_length_finding(split, count, target, weights["length"] * (1 - parts["length"])))
    if not parts["call_to_action"]:
        message = f"No call to action: the text ends with {quoted(last)}."
        fix = f"After {quoted(last)}, tell the reader the one step to take next, as an imperative."
        found.append(issue("engagement.call_to_action", "warning", message, fix, weights["call_to_action"]))
    if not parts["question"]:
        message = f"The text asks its reader no question; it opens with {quoted(first)}."
        fix = f"Ask the reader one question, for instance by turning {quoted(first)} into one."
        found.append(issue("engagement.question", "info", message, fix, weights["question"]))
    if tone and not tone["engaging"]:
        message = f"Model judgement: {tone['reason']}"
        fix = f"Rewrite {quoted(first)} and what follows in a voice that speaks to the reader."
        found.append(issue("engagement.tone", "warning", message, fix, weights["tone"], "model"))
    return found


def _length_finding(split: list[str], count: int, target: tuple[int, int], gain: float) -> dict[str, Any]:
    low, high = target
    wanted = f"{low}" if low == high else f"{low}–{high}"
    message = f"{plural(count, 'word')} against a target of {wanted}."
    if count > high:
        longest = max(split, key=lambda s: len(words(s)))
        fix = f"Cut about {plural(count - high, 'word')}, starting with {quoted(longest)}."
    else:
        fix = f"Add about {plural(low - count, 'word')} that develop {quoted(split[0])}."
    return issue("engagement.length", "warning", message, fix, gain)
