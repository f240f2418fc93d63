"""Positioning and messaging: statements in five frameworks, polished soundbites, and a messaging-rule check.

Rules (DOMAIN.md, "Positioning and messaging") and the choices made where it is silent:

* **Frameworks** are filled from the input: classic ("For [audience] who [need], [product] is the [category]
  that [benefit]; unlike [alternative], [differentiator]"), challenger, category creator, benefit-led and
  comparison. Each blank is taken from an explicit input field, else from the foundation: product = company;
  audience = the audience's first sentence; need = "want to " + the first goal; category = industry +
  " platform"; benefit = the description's first sentence (the company's name at its start dropped, else
  "delivers …"); alternative = the first competitor, else "the usual workarounds"; differentiator = the first
  differentiator, else "it is built for [audience]". ``fields`` in the output shows what filled each blank.
* **Messaging rules** match whole words, case-insensitively (so "authors" is not "auth"):
  guarantee language (error: "guarantee", "100%", "risk-free"…); competitor bashing (error, because
  disparaging a named rival is a legal and reputational risk: a negative word within four words of a
  competitor's name or of "competitor(s)", "rivals"…); aggressive language (warning: "crush", "destroy",
  "dominate"…); unverified superlatives (warning: "best", "#1", "leading"… unless the same sentence cites a
  source such as "according to"; "best practice" and "leading to" are ordinary phrases); vague claims
  (suggestion: "world-class", "cutting-edge", "solutions"…); jargon (suggestion: "synergy", "leverage"…);
  passive voice (suggestion: a form of "to be" followed by a past participle, except common adjectives such
  as "based" or "located").
* **Score** = 100 − 20 per error − 10 per warning − 5 per suggestion (each occurrence counts), floored at 0;
  the penalties can be tuned in the input.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from skills.choices import SkillCategory, SkillKind
from skills.registry import skill

from .icp import FOUNDATION_INPUT


def _kw(text: str) -> tuple[str, ...]:
    """A comma-separated word list, so long lists stay short in this file."""
    return tuple(w.strip() for w in text.split(",") if w.strip())


PENALTIES = {"error": 20, "warning": 10, "suggestion": 5}
SEVERITIES = tuple(PENALTIES)
BASH_WINDOW_WORDS = 4
DEFAULT_ALTERNATIVE = "the usual workarounds"
MAX_SOUNDBITES = 4
FRAMEWORKS = ("classic", "challenger", "category_creator", "benefit_led", "comparison")
GENERIC_COMPETITORS = ("competitor", "competitors", "competition", "rival", "rivals", "other vendors", "other tools")
NEGATIVE_WORDS = _kw(
    "garbage, trash, junk, terrible, awful, horrible, useless, worthless, pathetic, lousy, crappy, clunky, bloated, "
    "outdated, inferior, mediocre, rip-off, scam, broken, joke, overpriced, dinosaur, dinosaurs, sucks, suck, lame"
)
PASSIVE_ADJECTIVES = _kw(
    "based, located, interested, excited, pleased, tired, focused, committed, dedicated, qualified, experienced, "
    "skilled, talented, advanced, limited, used, supposed, concerned, involved, need, seed, feed, speed, red, bed, "
    "indeed, proceed, exceed, succeed, embed, hundred, sacred, naked, wicked"
)
_IRREGULAR = "built|made|done|known|seen|given|taken|sold|held|found|told|shown|driven|written|chosen|paid|sent|kept"
SOURCE_CUES = re.compile(r"\baccording to\b|\bsource:|\b(?:ranked|rated|named)\s+by\b|\[\d+\]", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """One messaging rule: a whole-word pattern, its severity and what to tell the writer."""

    name: str
    severity: str
    pattern: re.Pattern[str]
    message: str


def _words(words: tuple[str, ...] | list[str]) -> str:
    """A whole-word alternation (longest first) of literal ``words``; spaces match any whitespace."""
    parts = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words if w.strip()), key=len, reverse=True)
    return r"\b(?:" + "|".join(parts) + r")\b" if parts else r"(?!)"


def _rule(name: str, severity: str, pattern: str, message: str) -> Rule:
    return Rule(name, severity, re.compile(pattern, re.IGNORECASE), message)


# fmt: off
RULES: tuple[Rule, ...] = (
    _rule("guarantee_language", "error",
          _words(("guarantee", "guarantees", "guaranteed", "guaranteeing", "risk-free", "money-back", "zero risk",
                  "100 percent")) + r"|\b100\s?%",
          "Promises an outcome no one can guarantee; state what you actually commit to."),
    _rule("aggressive_language", "warning",
          _words(("crush", "crushes", "crushing", "destroy", "destroys", "dominate", "dominates", "dominating",
                  "annihilate", "obliterate", "kill", "kills", "killer", "smash", "smashes", "demolish",
                  "wipe out", "eat their lunch", "blow away")),
          "Aggressive wording puts readers off; describe the result instead."),
    _rule("unverified_superlative", "warning",
          r"\bbest\b(?!\s+practices?\b|-in-class|-of-breed)|(?<!\w)#1\b|\bnumber one\b|\bno\.\s?1\b"
          r"|\bleading\b(?!\s+to\b)|" + _words(("greatest", "unbeatable", "unmatched", "ultimate", "top-rated")),
          "A superlative needs a source; cite one or say what is measurably better."),
    _rule("vague_claim", "suggestion",
          _words(("world-class", "cutting-edge", "state-of-the-art", "best-in-class", "next-generation", "next-gen",
                  "innovative", "revolutionary", "game-changing", "game changer", "seamless", "seamlessly", "robust",
                  "solution", "solutions", "one-stop shop", "turnkey")),
          "Vague claim; replace it with a concrete, checkable benefit."),
    _rule("jargon", "suggestion",
          _words(("synergy", "synergies", "synergize", "leverage", "leveraging", "paradigm", "paradigm shift",
                  "disrupt", "disruptive", "bandwidth", "circle back", "move the needle", "low-hanging fruit",
                  "deep dive", "value-add", "holistic", "ideate", "operationalize", "best-of-breed",
                  "thought leadership", "mission-critical")),
          "Jargon; say it in plain words."),
    _rule("passive_voice", "suggestion",
          rf"\b(?:am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?"
          rf"(?!(?:{'|'.join(PASSIVE_ADJECTIVES)})\b)(?:\w{{3,}}ed|{_IRREGULAR})\b",
          "Passive voice; say who does what."),
)
# fmt: on


@lru_cache(maxsize=64)
def _bash_patterns(competitors: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    names = re.compile(_words((*GENERIC_COMPETITORS, *competitors)), re.IGNORECASE)
    return names, re.compile(_words(NEGATIVE_WORDS), re.IGNORECASE)


def _issue(rule: str, severity: str, text: str, start: int, end: int, message: str) -> dict[str, Any]:
    return {"rule": rule, "severity": severity, "text": text[start:end], "start": start, "end": end, "message": message}


def _sentence_at(text: str, pos: int) -> str:
    start = max(text.rfind(".", 0, pos), text.rfind("!", 0, pos), text.rfind("?", 0, pos), text.rfind("\n", 0, pos))
    ends = [i for i in (text.find(c, pos) for c in ".!?\n") if i != -1]
    return text[start + 1 : min(ends, default=len(text))]


def _rule_issues(text: str) -> list[dict[str, Any]]:
    """Every match of the word-list rules; a superlative in a sentence that cites a source is not flagged."""
    issues = []
    for rule in RULES:
        for m in rule.pattern.finditer(text):
            if rule.name == "unverified_superlative" and SOURCE_CUES.search(_sentence_at(text, m.start())):
                continue
            issues.append(_issue(rule.name, rule.severity, text, m.start(), m.end(), rule.message))
    return issues


def _bashing_issues(text: str, competitors: tuple[str, ...]) -> list[dict[str, Any]]:
    """A negative word within BASH_WINDOW_WORDS words of a competitor's name (or "competitors", "rivals"…)."""
    names, negative = _bash_patterns(competitors)
    spans = [m.span() for m in re.finditer(r"[\w'’-]+", text)]
    starts, ends = [s for s, _ in spans], [e for _, e in spans]
    issues = []
    for name in names.finditer(text):
        first, last = bisect_right(ends, name.start()), bisect_left(starts, name.end())
        lo, hi = starts[max(0, first - BASH_WINDOW_WORDS)], ends[min(len(spans), last + BASH_WINDOW_WORDS) - 1]
        hits = [m for m in negative.finditer(text, lo, hi) if m.end() <= name.start() or m.start() >= name.end()]
        if hits:
            message = f"Disparages a competitor ({hits[0].group()!r}); compare on facts instead."
            issues.append(_issue("competitor_bashing", "error", text, name.start(), name.end(), message))
    return issues


def check(text: str, competitors: tuple[str, ...] = (), penalties: dict[str, int] | None = None) -> dict[str, Any]:
    """All messaging issues in ``text`` and its score (rules and arithmetic in the module docstring)."""
    penalty = {**PENALTIES, **(penalties or {})}
    issues = sorted(_rule_issues(text) + _bashing_issues(text, competitors), key=lambda i: (i["start"], i["rule"]))
    counts = {s: sum(i["severity"] == s for i in issues) for s in SEVERITIES}
    score = max(0, 100 - sum(penalty[s] * n for s, n in counts.items()))
    return {"score": score, "passed": counts["error"] == 0, "counts": counts, "issues": issues}


# --- positioning statements -------------------------------------------------------------------------------


def _clause(text: str, limit: int = 160) -> str:
    """The first sentence of ``text``, without its full stop, cut at ``limit`` characters on a word boundary."""
    first = re.split(r"(?<=[.!?])\s", " ".join(str(text or "").split()), maxsplit=1)[0].rstrip(".!? ")
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def _benefit(foundation: dict[str, Any], product: str) -> str:
    """The description's first sentence as a verb phrase: "Acme helps X" → "helps X", else "delivers …"."""
    sentence = _clause(foundation.get("description") or foundation.get("product") or "")
    if not sentence:
        return "gets the job done with less effort"
    if product and sentence.casefold().startswith(product.casefold() + " "):
        return sentence[len(product) + 1 :].strip() or "gets the job done with less effort"
    return "delivers " + _lower_first(sentence)


def fill(data: dict[str, Any]) -> dict[str, str]:
    """What fills each blank of the frameworks (defaults in the module docstring)."""
    foundation = data.get("foundation") or {}
    product = _clause(data.get("product") or foundation.get("company") or "") or "Our product"
    audience = _clause(data.get("audience") or foundation.get("audience") or "", 120) or "growing teams"
    goals = [g for g in foundation.get("goals", []) if g.strip()]
    need = _clause(data.get("need") or (f"want to {_lower_first(_clause(goals[0]))}" if goals else ""))
    industry = _clause(foundation.get("industry") or "", 60)
    competitors = [c for c in data.get("competitors") or foundation.get("competitors") or [] if c.strip()]
    differentiators = [_clause(d) for d in data.get("differentiators", []) if _clause(d)]
    return {
        "product": product,
        "audience": _lower_first(audience),
        "need": need or "need a simpler way to get results",
        "category": _clause(data.get("category") or "") or (f"{industry} platform" if industry else "platform"),
        "benefit": _clause(data.get("benefit") or "") or _benefit(foundation, product),
        "alternative": _clause(competitors[0], 80) if competitors else DEFAULT_ALTERNATIVE,
        "differentiator": _lower_first(differentiators[0]) if differentiators else f"it is built for {audience}",
        "differentiators": "; ".join(_lower_first(d) for d in differentiators[:3]),
    }


def statements(f: dict[str, str]) -> list[dict[str, str]]:
    """The five framework statements, filled from ``f`` (see ``fill``)."""
    extra = f["differentiators"] or f["differentiator"]
    texts = {
        "classic": f"For {f['audience']} who {f['need']}, {f['product']} is the {f['category']} that "
        f"{f['benefit']}; unlike {f['alternative']}, {f['differentiator']}.",
        "challenger": f"Most tools make {f['audience']} adapt to them. {f['product']} adapts to you: "
        f"{f['differentiator']}.",
        "category_creator": f"{f['product']} opens a new kind of {f['category']} for {f['audience']} who "
        f"{f['need']}: one that {f['benefit']}.",
        "benefit_led": f"{f['product']} {f['benefit']}, so {f['audience']} can spend their time on what matters.",
        "comparison": f"Compared with {f['alternative']}, {f['product']} is the {f['category']} where {extra}.",
    }
    return [{"framework": name, "text": texts[name]} for name in FRAMEWORKS]


# --- skills -----------------------------------------------------------------------------------------------

_SHORT = {"type": "string", "maxLength": 500}
_NAMES = {"type": "array", "items": {"type": "string", "maxLength": 500}, "maxItems": 50}
_PHRASES = {"type": "array", "items": _SHORT, "maxItems": 20}
_COUNT = {"type": "integer", "minimum": 0}
_PENALTY = {"type": "integer", "minimum": 0, "maximum": 100}
ISSUE = {
    "type": "object",
    "required": ["rule", "severity", "text", "start", "end", "message"],
    "properties": {
        "rule": {"type": "string"},
        "severity": {"enum": list(SEVERITIES)},
        "text": {"type": "string"},
        "start": _COUNT,
        "end": _COUNT,
        "message": {"type": "string"},
    },
}
CHECK = {
    "type": "object",
    "required": ["score", "passed", "counts", "issues"],
    "properties": {
        "score": {"type": "integer", "minimum": 0, "maximum": 100},
        "passed": {"type": "boolean"},
        "counts": {"type": "object", "properties": dict.fromkeys(SEVERITIES, _COUNT)},
        "issues": {"type": "array", "items": ISSUE},
    },
}
FIELDS = ("product", "audience", "need", "category", "benefit", "alternative", "differentiator", "differentiators")
STATEMENTS_INPUT = {
    "type": "object",
    "properties": {
        "foundation": FOUNDATION_INPUT,
        "competitors": _NAMES,
        "differentiators": _PHRASES,
        **{k: _SHORT for k in ("product", "audience", "need", "category", "benefit")},
    },
}
STATEMENT = {
    "type": "object",
    "required": ["framework", "text"],
    "properties": {"framework": {"enum": list(FRAMEWORKS)}, "text": {"type": "string"}},
}
SOUNDBITE = {
    "type": "object",
    "required": ["draft", "text"],
    "properties": {"draft": {"type": "string"}, "text": {"type": "string"}},
}


@skill(
    "positioning.statements",
    name="Positioning statements",
    category=SkillCategory.STRATEGY,
    input_schema=STATEMENTS_INPUT,
    output_schema={
        "type": "object",
        "required": ["fields", "statements"],
        "properties": {
            "fields": {
                "type": "object",
                "required": list(FIELDS),
                "properties": {k: {"type": "string"} for k in FIELDS},
            },
            "statements": {"type": "array", "items": STATEMENT},
        },
    },
)
def positioning_statements(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Classic, challenger, category-creator, benefit-led and comparison statements filled from the input."""
    fields = fill(data)
    return {"fields": fields, "statements": statements(fields)}


@skill(
    "positioning.soundbites",
    name="Soundbites",
    category=SkillCategory.CREATIVE,
    kind=SkillKind.LLM,
    input_schema={
        "type": "object",
        "required": ["product"],
        "properties": {"product": _SHORT, "benefit": _SHORT, "audience": _SHORT, "differentiators": _PHRASES},
    },
    output_schema={
        "type": "object",
        "required": ["soundbites"],
        "properties": {"soundbites": {"type": "array", "items": SOUNDBITE, "maxItems": MAX_SOUNDBITES}},
    },
)
def soundbites(data: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """Short lines for decks and ads: one from the benefit, one per differentiator (up to three), each
    polished by the model."""
    product = _clause(data["product"]) or "Our product"
    drafts = [f"{product} {_clause(data['benefit'])}."] if _clause(data.get("benefit", "")) else []
    drafts += [f"{product}: {_lower_first(_clause(d))}." for d in data.get("differentiators", []) if _clause(d)]
    audience = _clause(data.get("audience", "")) or "the reader"
    polished = []
    for draft in drafts[:MAX_SOUNDBITES]:
        prompt = f"Rewrite this line for {audience} in under 15 words, plain and factual: {draft}"
        text = ctx.llm(prompt, system="You write short, factual marketing lines.", purpose="positioning.soundbite")
        polished.append({"draft": draft, "text": text})
    return {"soundbites": polished}


@skill(
    "positioning.check_messaging",
    name="Messaging rules check",
    category=SkillCategory.CONTENT,
    input_schema={
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "maxLength": 50000},
            "competitors": _NAMES,
            "penalties": {"type": "object", "properties": dict.fromkeys(SEVERITIES, _PENALTY)},
        },
    },
    output_schema=CHECK,
)
def check_messaging(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Flags guarantee language, competitor bashing, aggressive wording, unverified superlatives, vague claims,
    jargon and passive voice (whole words only), and scores the text."""
    return check(data["text"], tuple(data.get("competitors", [])), data.get("penalties"))
