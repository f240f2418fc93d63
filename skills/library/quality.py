"""Quality skills: grammar and mechanics heuristics, brand-voice rules, and the weighted grade.

Readability, SEO, engagement and technical checks are the content skills'
(``content.readability``, ``content.seo_score``, ``content.engagement``,
``content.technical``); these skills add what they do not cover.

Choices made here (DOMAIN.md gives the weights and grade bands only):

- Mechanics is scored like the messaging rules: 1 − 0.1 per error − 0.05 per
  warning, never below 0. Errors: a doubled word ("the the"; "had had" and
  "that that" are grammatical and allowed), unbalanced brackets. Warnings: a
  sentence starting in lower case (not after "e.g.", "i.e.", "etc.", "vs." or
  an ellipsis, and not for words like "iPhone"), unbalanced double quotes, a sentence over 40
  words, repeated punctuation ("!!", "??", ",,", ".." — an ellipsis is fine).
- Brand voice rules are words or phrases: each "do" must appear, each "don't"
  must not (whole words, case-insensitive). Score = rules obeyed ÷ rules; with
  no rules there is nothing to break and the score is 1.
- Grade = Σ weight × sub-score ÷ Σ weights, rounded to 4 decimals, then banded.
  Weights default to DOMAIN.md's; custom weights are normalised, and all-zero
  weights fall back to the defaults.
"""

from __future__ import annotations

import re
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .content_text import (
    FINDINGS_FIELD,
    FORMAT_FIELD,
    LONG_TEXT,
    WORD_RE,
    find_phrases,
    finding,
    parse_document,
    words,
)

ERROR_PENALTY, WARNING_PENALTY = 0.1, 0.05
LONG_SENTENCE_WORDS = 40
ALLOWED_DOUBLES = frozenset({"had", "that"})
# After these a lower-case word does not start a new sentence.
CONTINUATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "incl.", "no.", "...", "…")
BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"))
REPEATED_PUNCTUATION_RE = re.compile(r"[!?]{2,}|[,;:]{2,}|(?<!\.)\.\.(?!\.)")
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+")
MECHANICS_RULES = {
    "doubled_word": "error",
    "unbalanced_brackets": "error",
    "lowercase_sentence_start": "warning",
    "unbalanced_quotes": "warning",
    "long_sentence": "warning",
    "repeated_punctuation": "warning",
}
QUALITY_WEIGHTS = {
    "grammar": 0.20,
    "readability": 0.20,
    "seo": 0.20,
    "brand_voice": 0.20,
    "engagement": 0.15,
    "technical": 0.05,
}
GRADE_BANDS = ((0.95, "A+"), (0.90, "A"), (0.85, "B+"), (0.80, "B"), (0.75, "C+"), (0.70, "C"), (0.60, "D"))
GRADES = (*(label for _, label in GRADE_BANDS), "F")

_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_PHRASES = {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 200}}


@skill(
    "quality.mechanics",
    name="Grammar and mechanics check",
    category=SkillCategory.CONTENT,
    input_schema={
        "type": "object",
        "required": ["content"],
        "properties": {"content": LONG_TEXT, "format": FORMAT_FIELD},
    },
    output_schema={
        "type": "object",
        "required": ["score", "counts", "findings"],
        "properties": {
            "score": _SHARE,
            "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
            "findings": FINDINGS_FIELD,
        },
    },
)
def mechanics(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Doubled words, lower-case sentence starts, unbalanced brackets and quotes, long sentences, "!!"."""
    plain = parse_document(data["content"], data.get("format", "markdown")).plain
    sentences = [s for block in plain.split("\n\n") for s in SENTENCE_SPLIT_RE.split(block.strip()) if s]
    examples = {
        "doubled_word": _doubled_words(plain),
        "unbalanced_brackets": _unbalanced_brackets(plain),
        "lowercase_sentence_start": _lowercase_starts(sentences),
        "unbalanced_quotes": _unbalanced_quotes(plain),
        "long_sentence": [_excerpt(s) for s in sentences if len(words(s)) > LONG_SENTENCE_WORDS],
        "repeated_punctuation": REPEATED_PUNCTUATION_RE.findall(plain),
    }
    counts = {rule: len(found) for rule, found in examples.items()}
    errors = sum(n for rule, n in counts.items() if MECHANICS_RULES[rule] == "error")
    warnings = sum(counts.values()) - errors
    score = max(0.0, 1 - ERROR_PENALTY * errors - WARNING_PENALTY * warnings)
    findings = [_mechanics_finding(rule, found) for rule, found in examples.items() if found]
    return {"score": round(score, 4), "counts": counts, "findings": findings}


def _doubled_words(text: str) -> list[str]:
    """Adjacent identical words separated only by whitespace ("the the")."""
    found, previous = [], None
    for match in WORD_RE.finditer(text):
        word = match.group().casefold()
        gap = text[previous.end() : match.start()] if previous else ""
        if previous and word == previous.group().casefold() and gap.isspace() and word not in ALLOWED_DOUBLES:
            found.append(f"{previous.group()} {match.group()}")
        previous = match
    return found


def _unbalanced_brackets(text: str) -> list[str]:
    return [f"{text.count(o)} '{o}' vs {text.count(c)} '{c}'" for o, c in BRACKETS if text.count(o) != text.count(c)]


def _unbalanced_quotes(text: str) -> list[str]:
    found = []
    if text.count('"') % 2:
        found.append(f"{text.count(chr(34))} straight double quotes")
    if text.count("“") != text.count("”"):
        found.append(f"{text.count('“')} opening vs {text.count('”')} closing curly quotes")
    return found


def _lowercase_starts(sentences: list[str]) -> list[str]:
    found = []
    for previous, sentence in zip(["", *sentences], sentences, strict=False):
        first = WORD_RE.match(sentence.lstrip("\"'“‘([-–— "))
        if not first or previous.casefold().endswith(CONTINUATIONS):
            continue
        word = first.group()
        if word[0].islower() and not any(ch.isupper() or ch.isdigit() for ch in word):
            found.append(_excerpt(sentence))
    return found


def _excerpt(sentence: str) -> str:
    flat = " ".join(sentence.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."


_MECHANICS_TEXT = {
    "doubled_word": ("Doubled words", "Delete the repeated word."),
    "unbalanced_brackets": ("Unbalanced brackets", "Close every bracket you open."),
    "lowercase_sentence_start": ("Sentences starting in lower case", "Capitalise the first word of each sentence."),
    "unbalanced_quotes": ("Unbalanced quotation marks", "Close every quotation."),
    "long_sentence": (f"Sentences over {LONG_SENTENCE_WORDS} words", "Split long sentences in two."),
    "repeated_punctuation": ("Repeated punctuation", "Use one punctuation mark at a time."),
}


def _mechanics_finding(rule: str, found: list[str]) -> dict[str, str]:
    label, fix = _MECHANICS_TEXT[rule]
    shown = "; ".join(f"“{example}”" for example in found[:3])
    shown += f" (+{len(found) - 3} more)" if len(found) > 3 else ""
    return finding(f"grammar.{rule}", MECHANICS_RULES[rule], f"{label} ({len(found)}): {shown}.", fix)


@skill(
    "quality.brand_voice",
    name="Brand voice rules check",
    category=SkillCategory.CONTENT,
    input_schema={
        "type": "object",
        "required": ["content"],
        "properties": {"content": LONG_TEXT, "format": FORMAT_FIELD, "do": _PHRASES, "dont": _PHRASES},
    },
    output_schema={
        "type": "object",
        "required": ["score", "rules", "obeyed", "violated", "findings"],
        "properties": {
            "score": _SHARE,
            "rules": {"type": "integer", "minimum": 0},
            "obeyed": {"type": "array", "items": {"type": "string"}},
            "violated": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["rule", "kind", "occurrences"],
                    "properties": {"kind": {"enum": ["do", "dont"]}, "occurrences": {"type": "integer", "minimum": 0}},
                },
            },
            "findings": FINDINGS_FIELD,
        },
    },
)
def brand_voice(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Each "do" phrase must appear and each "don't" phrase must not (whole words); score = obeyed ÷ rules."""
    plain = parse_document(data["content"], data.get("format", "markdown")).plain
    do, dont = _distinct(data.get("do", [])), _distinct(data.get("dont", []))
    found = find_phrases(plain, do + dont)
    found_folded = {" ".join(k.split()).casefold(): n for k, n in found.items()}
    obeyed, violated = [], []
    for kind, rules in (("do", do), ("dont", dont)):
        for rule in rules:
            count = found_folded.get(rule.casefold(), 0)
            if (kind == "do") == bool(count):
                obeyed.append(rule)
            else:
                violated.append({"rule": rule, "kind": kind, "occurrences": count})
    total = len(do) + len(dont)
    score = len(obeyed) / total if total else 1.0
    findings = [_voice_finding(v) for v in violated]
    return {"score": round(score, 4), "rules": total, "obeyed": obeyed, "violated": violated, "findings": findings}


def _distinct(phrases: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for phrase in phrases:
        if phrase.strip():
            seen.setdefault(" ".join(phrase.split()).casefold(), " ".join(phrase.split()))
    return list(seen.values())


def _voice_finding(violation: dict[str, Any]) -> dict[str, str]:
    rule = violation["rule"]
    if violation["kind"] == "dont":
        message = f"Brand voice: '{rule}' is on the don't list and appears {violation['occurrences']} time(s)."
        return finding("brand_voice.dont", "error", message, f"Remove or replace '{rule}'.")
    message = f"Brand voice: '{rule}' is on the do list but does not appear."
    return finding("brand_voice.do", "warning", message, f"Work '{rule}' into the copy where it fits.")


@skill(
    "quality.grade",
    name="Weighted quality grade",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "required": ["scores"],
        "properties": {
            "scores": {
                "type": "object",
                "required": list(QUALITY_WEIGHTS),
                "properties": {name: _SHARE for name in QUALITY_WEIGHTS},
            },
            "weights": {
                "type": "object",
                "properties": {name: _SHARE for name in QUALITY_WEIGHTS},
                "additionalProperties": False,
            },
        },
    },
    output_schema={
        "type": "object",
        "required": ["score", "grade", "weights", "contributions"],
        "properties": {
            "score": _SHARE,
            "grade": {"enum": list(GRADES)},
            "weights": {"type": "object", "additionalProperties": _SHARE},
            "contributions": {"type": "object", "additionalProperties": _SHARE},
        },
    },
)
def grade(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Σ weight × sub-score (weights 0.2 / 0.2 / 0.2 / 0.2 / 0.15 / 0.05), banded A+ ≥ 0.95 … D ≥ 0.60, else F."""
    custom = data.get("weights", {})
    weights = {name: float(custom.get(name, default)) for name, default in QUALITY_WEIGHTS.items()}
    total = sum(weights.values())
    if total <= 0:
        weights, total = dict(QUALITY_WEIGHTS), sum(QUALITY_WEIGHTS.values())
    weights = {name: w / total for name, w in weights.items()}
    contributions = {name: weights[name] * data["scores"][name] for name in QUALITY_WEIGHTS}
    score = round(min(1.0, sum(contributions.values())), 4)
    return {
        "score": score,
        "grade": grade_for(score),
        "weights": {name: round(w, 4) for name, w in weights.items()},
        "contributions": {name: round(c, 4) for name, c in contributions.items()},
    }


def grade_for(score: float) -> str:
    """The letter for a 0–1 score: A+ ≥ 0.95, A ≥ 0.90, B+ ≥ 0.85, B ≥ 0.80, C+ ≥ 0.75, C ≥ 0.70, D ≥ 0.60, else F."""
    return next((label for floor, label in GRADE_BANDS if score >= floor), "F")
