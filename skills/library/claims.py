"""Shared detectors of marketing language: claims that need proof, and calls to action.

Used by every agent that writes or judges copy (positioning's messaging rules, the quality checker, the writing
agents' revision rounds), so that "guaranteed", "#1" or "Click here now" mean the same thing everywhere.

Claims (``find_claims``), each a kind, the words and where they are:

- ``guarantee``: promises an outcome no one can guarantee (guarantee, risk-free, money-back, 100 %…);
- ``superlative``: ranks itself above everyone (best, #1, number one, leading, unbeatable, unmatched…), except
  fixed phrases that rank nothing (best practice, a letter's "Best wishes" or "Best regards", leading to;
  best-in-class is *vague*, not a ranking);
- ``absolute``: always / never / everyone / instantly / overnight, as claims about results;
- ``unverified_figure``: a result stated as a number or multiple (3x, double, 40 % more, save $500) in a
  sentence that names no source (``according to``, ``source:``, a citation like ``[2]``).

Calls to action (``find_calls_to_action``): an imperative that asks the reader to act (click, sign up, buy,
book, try, subscribe, download, register, join, contact us, visit, shop, order, reserve, claim, get started…),
at the start of a sentence or after a colon or dash, or a fixed phrase anywhere ("learn more", "get started",
"free trial"). Whole words only: "trying" and "signature" are not calls to action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SOURCE_CUES = re.compile(
    r"\baccording to\b|\bsource[sd]?:|\b(?:ranked|rated|named|measured|reported)\s+by\b|\[\d+\]|\bper\s+(?:the\s+)?"
    r"(?:report|study|survey)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*", re.MULTILINE)


def _words(*words: str) -> str:
    """A whole-word alternation of literal words (longest first); a space matches any whitespace or hyphen."""
    parts = sorted((re.escape(w).replace(r"\ ", r"[\s-]+") for w in words), key=len, reverse=True)
    return r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])"


# fmt: off
CLAIM_PATTERNS: dict[str, re.Pattern[str]] = {
    "guarantee": re.compile(
        _words("guarantee", "guarantees", "guaranteed", "guaranteeing", "risk-free", "risk free", "no risk",
               "zero risk", "money-back", "money back", "100 percent", "promise you", "we promise")
        + r"|(?<![\d.])100\s?%", re.IGNORECASE),
    "superlative": re.compile(
        r"(?<![\w-])best(?![\w-])(?!\s+(?:practices?|wishes|regards)\b)|(?<!\w)#\s?1(?!\d)|\bnumber\s+one\b|\bno\.\s?1(?!\d)"
        r"|\bleading\b(?!\s+to\b)|"
        + _words("greatest", "unbeatable", "unmatched", "unrivaled", "unrivalled", "unparalleled", "ultimate",
                 "top-rated", "world's first", "the only", "fastest", "cheapest", "smartest"),
        re.IGNORECASE),
    "absolute": re.compile(
        _words("always works", "never fails", "never fail", "everyone", "everybody", "instantly", "overnight",
               "forever", "in seconds", "effortless", "effortlessly", "zero effort"),
        re.IGNORECASE),
}
_FIGURE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:x|×)(?!\w)|(?:\$|€|£)\s?\d[\d,.]*\s?(?:k|m|bn)?\b|\b\d+(?:[.,]\d+)?\s?(?:%|percent)"
    r"|" + _words("double", "doubles", "doubled", "triple", "triples", "tripled", "quadruple", "halve", "halves",
                  "tenfold", "twofold", "threefold"),
    re.IGNORECASE)
_RESULT_WORDS = re.compile(
    _words("revenue", "sales", "growth", "grow", "more", "increase", "increases", "boost", "boosts", "save",
           "saves", "cut", "cuts", "reduce", "reduces", "faster", "roi", "conversion", "conversions", "leads",
           "profit", "profits", "results", "return", "returns", "earn", "earns"),
    re.IGNORECASE)

_CTA_VERBS = (
    "click", "tap", "sign up", "signup", "subscribe", "register", "buy", "shop", "order", "book", "schedule",
    "reserve", "try", "grab", "claim", "join", "download", "install", "contact", "visit", "discover", "request",
    "apply", "upgrade", "enroll", "donate", "check out", "call us", "email us", "message us", "write to us",
    "get started", "get your", "get a", "start your", "start now", "learn how", "watch", "reply",
)  # verbs too common to mean "act now" on their own (see, get, start, share) only count in these phrases
_CTA_PHRASES = (
    "click here", "learn more", "read more", "find out more", "get started", "start your free trial", "free trial",
    "book a demo", "book a call", "request a demo", "schedule a demo", "contact us", "get in touch", "sign up today",
    "shop now", "buy now", "order now", "join now", "try it free", "try it now", "see how", "link in bio",
    "swipe up", "reply to this email",
)
# fmt: on
_CTA_OPENING = re.compile(
    r"(?:^|(?<=[.!?:;—–\n])|(?<=\s-))\s*(?:please\s+)?(" + _words(*_CTA_VERBS) + r")", re.IGNORECASE | re.MULTILINE
)
_CTA_PHRASE = re.compile(_words(*_CTA_PHRASES), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Found:
    """What a detector found: its kind, the words as written and where they are in the text."""

    kind: str
    text: str
    start: int
    end: int


def find_claims(text: str) -> list[Found]:
    """Every claim that needs proof, in order of appearance (see the module docstring)."""
    found = [
        Found(kind, match.group(), match.start(), match.end())
        for kind, pattern in CLAIM_PATTERNS.items()
        for match in pattern.finditer(text)
    ]
    found += _unverified_figures(text)
    return sorted(found, key=lambda item: (item.start, item.kind))


def _unverified_figures(text: str) -> list[Found]:
    """Numbers stated as results in sentences that name no source."""
    found = []
    for sentence in _SENTENCE.finditer(text):
        words = sentence.group()
        if SOURCE_CUES.search(words) or not _RESULT_WORDS.search(words):
            continue
        for match in _FIGURE.finditer(words):
            start = sentence.start() + match.start()
            found.append(Found("unverified_figure", match.group(), start, start + len(match.group())))
    return found


def find_calls_to_action(text: str) -> list[Found]:
    """Every call to action, in order of appearance, overlapping matches merged."""
    matches = [(m.start(1), m.end(1)) for m in _CTA_OPENING.finditer(text)]
    matches += [(m.start(), m.end()) for m in _CTA_PHRASE.finditer(text)]
    found: list[Found] = []
    for start, end in sorted(matches):
        if found and start < found[-1].end:
            previous = found.pop()
            start, end = previous.start, max(end, previous.end)
        found.append(Found("call_to_action", text[start:end], start, end))
    return found
