"""Messaging rules: what a positioning line must not say, and how it must read.

Claims come from the shared detector (``skills/library/claims.py``), so "guaranteed" or "#1" mean the same here
as in every agent: **guarantee** language is an error (a promise no one can keep); a **superlative** is a warning
unless its sentence cites a source ("according to…", "[2]"); an **absolute** ("instantly", "everyone") is a
warning; an **unverified figure** (a result stated as a number, no source in its sentence) is a warning, or a
suggestion when the same figure is in the company's own input (``own_text``: theirs to source, not ours to
doubt). A figure inside a guarantee is reported once, as the guarantee.

The rules kept from the original system, whole words and case-insensitive ("authors" is not "auth", "solve" is
not "solution"): **competitor bashing** (error: a negative word within four words of a competitor's name or of
"competitors", "rivals"…, a legal and reputational risk); **aggressive** language (warning: "crush",
"dominate"…); **vague** claims (suggestion: "world-class", "seamless", "solutions"…); **jargon** (suggestion:
"synergy", "leverage"…); **passive voice** (suggestion: a form of "to be" and a past participle, except common
adjectives such as "based").

**Grammar** (``grammar_issues``), the checks code can make without judging style: a capital first letter, closing
punctuation, no repeated word ("the the"), no unfilled placeholder ("[audience]", "{x}", "TBD": an error), balanced
brackets and quotes, no empty clause (" ,", ", ."), "a"/"an" before a vowel or consonant letter (with the
usual exceptions: "an hour", "a one-off", "a user", acronyms), a length limit (``MAX_WORDS``), and the product's
name in every statement (a statement that does not name it could be anyone's). Whether a sentence reads well
beyond this needs a model.

**Score** = 100 − 20 per error − 10 per warning − 5 per suggestion, floored at 0 (DOMAIN.md's weights; a
severity-weighted count, not a measurement, and the penalties can be tuned in the input). A line **passes** when
it has no error and no warning.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .claims import SOURCE_CUES, find_claims


def _kw(text: str) -> tuple[str, ...]:
    """A comma-separated word list, so long lists stay short in this file."""
    return tuple(w.strip() for w in text.split(",") if w.strip())


PENALTIES = {"error": 20, "warning": 10, "suggestion": 5}
SEVERITIES = tuple(PENALTIES)
BASH_WINDOW_WORDS = 4
# A statement is read in one breath on a slide: the classic template alone has 15 fixed words and seven blanks,
# so 70 leaves each blank about eight words. Soundbites are the model's brief (at most 15 words).
MAX_WORDS = {"statement": 70, "soundbite": 15}
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
# claims.py kind → (rule, severity, message)
CLAIM_RULES = {
    "guarantee": ("guarantee_language", "error", "Promises an outcome no one can guarantee; state what you commit to."),
    "superlative": ("unverified_superlative", "warning", "A superlative needs a source; cite one or say what is "
                    "measurably better."),
    "absolute": ("absolute_claim", "warning", "An absolute claim; say what usually happens, and for whom."),
    "unverified_figure": ("unverified_figure", "warning", "A result stated as a figure needs a source in the "
                          "same sentence."),
}  # fmt: skip
OWN_FIGURE_MESSAGE = "Your own figure: keep its source at hand when you publish it."


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
    _rule("aggressive_language", "warning",
          _words(("crush", "crushes", "crushing", "destroy", "destroys", "dominate", "dominates", "dominating",
                  "annihilate", "obliterate", "kill", "kills", "killer", "smash", "smashes", "demolish",
                  "wipe out", "eat their lunch", "blow away")),
          "Aggressive wording puts readers off; describe the result instead."),
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
_PLACEHOLDER = re.compile(r"\[[^\]\n]{0,60}\]|\{[^}\n]{0,60}\}|<[^>\n]{0,60}>|\bTBD\b|\bXXX\b|\blorem ipsum\b", re.I)
_REPEATED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_EMPTY_CLAUSE = re.compile(r"\s+[,.;:!?](?!\w)|[,;:]\s*[,.;:!?]|\(\s*\)")
_A_BEFORE_VOWEL = re.compile(r"\ba\s+(?-i:(?![A-Z]{2}))(?!one\b|once\b|uni|use|usu|ura|eu|ewe)[aeiou]\w*", re.I)
_AN_BEFORE_CONSONANT = re.compile(r"\ban\s+(?!hour|honest|honou|heir|herb)(?-i:[b-df-hj-np-tv-z])\w*", re.I)
_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"))


@lru_cache(maxsize=64)
def _bash_patterns(competitors: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    names = re.compile(_words((*GENERIC_COMPETITORS, *competitors)), re.IGNORECASE)
    return names, re.compile(_words(NEGATIVE_WORDS), re.IGNORECASE)


def issue(rule: str, severity: str, text: str, start: int, end: int, message: str) -> dict[str, Any]:
    return {"rule": rule, "severity": severity, "text": text[start:end], "start": start, "end": end, "message": message}


def _sentence_at(text: str, pos: int) -> str:
    start = max(text.rfind(".", 0, pos), text.rfind("!", 0, pos), text.rfind("?", 0, pos), text.rfind("\n", 0, pos))
    ends = [i for i in (text.find(c, pos) for c in ".!?\n") if i != -1]
    return text[start + 1 : min(ends, default=len(text))]


def _claim_issues(text: str, own_figures: frozenset[str]) -> list[dict[str, Any]]:
    """The shared detector's claims as messaging issues (severities and exceptions in the module docstring)."""
    found = find_claims(text)
    guarantees = [(c.start, c.end) for c in found if c.kind == "guarantee"]
    issues = []
    for claim in found:
        rule, severity, message = CLAIM_RULES[claim.kind]
        if claim.kind == "superlative" and SOURCE_CUES.search(_sentence_at(text, claim.start)):
            continue
        if claim.kind == "unverified_figure":
            if any(s < claim.end and claim.start < e for s, e in guarantees):
                continue
            if claim.text.casefold() in own_figures:
                severity, message = "suggestion", OWN_FIGURE_MESSAGE
        issues.append(issue(rule, severity, text, claim.start, claim.end, message))
    return issues


def _rule_issues(text: str) -> list[dict[str, Any]]:
    return [
        issue(rule.name, rule.severity, text, m.start(), m.end(), rule.message)
        for rule in RULES
        for m in rule.pattern.finditer(text)
    ]


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
            issues.append(issue("competitor_bashing", "error", text, name.start(), name.end(), message))
    return issues


def own_figures(own_text: str) -> frozenset[str]:
    """The figures the company itself states (as the claims detector would find them), case-folded."""
    return frozenset(c.text.casefold() for c in find_claims(own_text) if c.kind == "unverified_figure")


def score(issues: list[dict[str, Any]], penalties: dict[str, int] | None = None) -> dict[str, Any]:
    """The check of a list of issues: score, passed, counts by severity, the issues in order."""
    penalty = {**PENALTIES, **(penalties or {})}
    issues = sorted(issues, key=lambda i: (i["start"], i["rule"]))
    counts = {s: sum(i["severity"] == s for i in issues) for s in SEVERITIES}
    value = max(0, 100 - sum(penalty[s] * n for s, n in counts.items()))
    return {"score": value, "passed": counts["error"] == counts["warning"] == 0, "counts": counts, "issues": issues}


def messaging_issues(text: str, competitors: tuple[str, ...] = (), own_text: str = "") -> list[dict[str, Any]]:
    """Every messaging-rule issue in ``text`` (rules in the module docstring)."""
    return _claim_issues(text, own_figures(own_text)) + _rule_issues(text) + _bashing_issues(text, competitors)


def check(
    text: str, competitors: tuple[str, ...] = (), penalties: dict[str, int] | None = None, own_text: str = ""
) -> dict[str, Any]:
    """All messaging issues in ``text`` and its score."""
    return score(messaging_issues(text, competitors, own_text), penalties)


def _grammar(text: str, match: re.Match[str] | tuple[int, int], message: str, severity: str = "warning") -> dict:
    start, end = match.span() if isinstance(match, re.Match) else match
    return issue("grammar", severity, text, start, end, message)


def _balance_issues(text: str) -> list[dict[str, Any]]:
    found = []
    for opening, closing in _PAIRS:
        if text.count(opening) != text.count(closing):
            found.append(_grammar(text, (0, len(text)), f"Unbalanced {opening}{closing}."))
    if text.count('"') % 2:
        found.append(_grammar(text, (0, len(text)), 'Unbalanced ".'))
    return found


def grammar_issues(text: str, kind: str, product: str = "") -> list[dict[str, Any]]:
    """What code can check of a line's form (see the module docstring); ``kind`` is statement or soundbite."""
    stripped = text.strip()
    found = [_grammar(text, m, "An unfilled placeholder.", "error") for m in _PLACEHOLDER.finditer(text)]
    first = next((c for c in stripped if c.isalpha()), "")
    if first and first.islower() and not (product and stripped.startswith(product)):
        found.append(_grammar(text, (0, 1), "Start with a capital letter."))
    if stripped and stripped[-1] not in ".!?":
        found.append(_grammar(text, (len(text) - 1, len(text)), "End with a full stop, ! or ?."))
    found += [_grammar(text, m, f"Repeated word {m.group(1)!r}.") for m in _REPEATED.finditer(text)]
    found += [_grammar(text, m, "An empty clause.") for m in _EMPTY_CLAUSE.finditer(text)]
    found += [_grammar(text, m, "'an', not 'a', before a vowel.") for m in _A_BEFORE_VOWEL.finditer(text)]
    found += [_grammar(text, m, "'a', not 'an', before a consonant.") for m in _AN_BEFORE_CONSONANT.finditer(text)]
    found += _balance_issues(text)
    if len(text.split()) > MAX_WORDS[kind]:
        found.append(_grammar(text, (0, len(text)), f"Longer than {MAX_WORDS[kind]} words."))
    if kind == "statement" and product and product.casefold() not in text.casefold():
        found.append(_grammar(text, (0, len(text)), f"Does not name {product}: it could be anyone's statement."))
    return found


# --- the skill ----------------------------------------------------------------------------------------------------

_NAMES = {"type": "array", "items": {"type": "string", "maxLength": 500}, "maxItems": 50}
_COUNT = {"type": "integer", "minimum": 0}
_PENALTY = {"type": "integer", "minimum": 0, "maximum": 100}
ISSUE = {
    "type": "object",
    "required": ["rule", "severity", "text", "start", "end", "message"],
    "properties": {
        "rule": {"type": "string"},
        "severity": {"enum": list(SEVERITIES)},
        "text": {"type": "string"},
        "start": {**_COUNT, "description": "Offset of the words in the text, in characters."},
        "end": _COUNT,
        "message": {"type": "string"},
    },
}
CHECK = {
    "type": "object",
    "required": ["score", "passed", "counts", "issues"],
    "properties": {
        "score": {"type": "integer", "minimum": 0, "maximum": 100,
                  "description": "100 − 20 per error − 10 per warning − 5 per suggestion, at least 0."},
        "passed": {"type": "boolean", "description": "No error and no warning."},
        "counts": {"type": "object", "properties": dict.fromkeys(SEVERITIES, _COUNT)},
        "issues": {"type": "array", "items": ISSUE},
    },
}  # fmt: skip
PENALTIES_INPUT = {"type": "object", "properties": dict.fromkeys(SEVERITIES, _PENALTY), "additionalProperties": False}


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
            "own_text": {"type": "string", "maxLength": 50000,
                         "description": "The company's own words: a figure stated there is theirs to source."},
            "penalties": PENALTIES_INPUT,
        },
    },
    output_schema=CHECK,
)  # fmt: skip
def check_messaging(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Flags guarantee language, competitor bashing, aggressive wording, unverified superlatives, absolutes and
    figures, vague claims, jargon and passive voice (whole words only), and scores the text."""
    competitors = tuple(data.get("competitors", []))
    return check(data["text"], competitors, data.get("penalties"), data.get("own_text", ""))
