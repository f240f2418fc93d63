"""Email skills: the spam score and the best-practice checks of an email (subject, preheader, body).

Spam score (DOMAIN.md): each trigger phrase found in the subject, preheader or
body adds its tier's points once (high 0.3, medium 0.2, low 0.1); more than one
"!" in the subject +0.2; an all-caps subject +0.3; a subject under 10
characters +0.2; capped at 1. Every rule that fired is reported.

Choices made here:

- Trigger phrases are the tiers in ``SPAM_TRIGGERS``, drawn from the phrases
  that mailbox-provider and email-service guides most often list. They match
  as whole words, case-insensitively, longest first: "100% free" counts once as
  a high-risk phrase, not again as the low-risk "free"; "freedom" is not "free".
- A subject is all caps when it has at least ``MIN_CAPS_LETTERS`` letters and
  none of them is lower case ("OK" alone is not shouting).
- Risk band: below 0.3 low, below 0.6 medium, otherwise high.
- Best practice: subject ≤ 60 characters (inboxes cut longer ones),
  preheader 40–130 characters and different from the subject, every
  personalisation field used as a ``{{field}}`` merge tag, and a call to action
  (what the shared detector ``claims.find_calls_to_action`` finds, or a link).

The email specialist writes with the model itself (``email_check.py`` holds its revision round's checks); no
skill here writes text.
"""

from __future__ import annotations

import re
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .claims import find_calls_to_action
from .content_text import (
    BARE_URL_RE,
    FINDINGS_FIELD,
    LONG_TEXT,
    MD_LINK_RE,
    SHORT_TEXT,
    find_phrases,
    finding,
)

SPAM_TRIGGERS: dict[str, tuple[str, ...]] = {
    "high": (
        "free money", "act now", "100% free", "risk-free", "risk free", "winner", "you have been selected",
        "cash bonus", "double your income", "earn extra cash", "no credit check", "this is not spam",
        "million dollars", "claim your prize", "wire transfer",
    ),
    "medium": (
        "limited time", "urgent", "guarantee", "guaranteed", "no obligation", "once in a lifetime",
        "click here", "buy now", "order now", "exclusive deal", "while supplies last", "special promotion",
        "apply now", "instant access", "don't delete",
    ),
    "low": (
        "free", "discount", "offer", "bonus", "deal", "cheap", "sale", "prize", "save big", "lowest price",
        "clearance", "bargain", "cash", "credit",
    ),
}  # fmt: skip
TIER_POINTS = {"high": 0.3, "medium": 0.2, "low": 0.1}
EXCLAMATION_POINTS, CAPS_POINTS, SHORT_SUBJECT_POINTS = 0.2, 0.3, 0.2
MAX_EXCLAMATIONS, MIN_CAPS_LETTERS, MIN_SUBJECT_CHARS = 1, 4, 10
RISK_BANDS = ((0.6, "high"), (0.3, "medium"), (0.0, "low"))

SUBJECT_MAX_CHARS = 60
PREHEADER_CHARS = (40, 130)

_TRIGGER_TIER = {phrase: tier for tier, phrases in SPAM_TRIGGERS.items() for phrase in phrases}
_FIELD_NAME = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,39}$"}
_FIELDS = {"type": "array", "maxItems": 10, "items": _FIELD_NAME}
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}


@skill(
    "email.spam_score",
    name="Email spam score",
    category=SkillCategory.COMMUNICATION,
    input_schema={
        "type": "object",
        "required": ["subject"],
        "properties": {"subject": SHORT_TEXT, "preheader": SHORT_TEXT, "body": LONG_TEXT},
    },
    output_schema={
        "type": "object",
        "required": ["score", "risk", "rules_fired", "findings"],
        "properties": {
            "score": _SHARE,
            "risk": {"enum": [band for _, band in RISK_BANDS]},
            "rules_fired": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["rule", "points", "detail"],
                    "properties": {"rule": {"type": "string"}, "points": _SHARE, "detail": {"type": "string"}},
                },
            },
            "findings": FINDINGS_FIELD,
        },
    },
)
def spam_score(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Trigger words by tier (0.3/0.2/0.1), subject "!!" (+0.2), all caps (+0.3), under 10 characters (+0.2)."""
    subject = data["subject"]
    rules = _trigger_rules(data) + _subject_rules(subject)
    score = round(min(1.0, sum((r["points"] for r in rules), 0.0)), 4)
    risk = next(band for floor, band in RISK_BANDS if score >= floor)
    return {"score": score, "risk": risk, "rules_fired": rules, "findings": [_spam_finding(r) for r in rules]}


def _trigger_rules(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One rule per distinct trigger phrase, in the first field it appears in."""
    rules: list[dict[str, Any]] = []
    seen: set[str] = set()
    for field in ("subject", "preheader", "body"):
        for phrase in find_phrases(data.get(field, ""), _TRIGGER_TIER):
            tier = _TRIGGER_TIER.get(phrase)
            if tier and phrase not in seen:
                seen.add(phrase)
                detail = f"'{phrase}' ({tier}-risk trigger) in the {field}"
                rules.append({"rule": f"trigger_word.{tier}", "points": TIER_POINTS[tier], "detail": detail})
    return rules


def _subject_rules(subject: str) -> list[dict[str, Any]]:
    rules = []
    exclamations = subject.count("!")
    if exclamations > MAX_EXCLAMATIONS:
        detail = f"{exclamations} exclamation marks in the subject"
        rules.append({"rule": "subject_exclamations", "points": EXCLAMATION_POINTS, "detail": detail})
    letters = [ch for ch in subject if ch.isupper() or ch.islower()]
    if len(letters) >= MIN_CAPS_LETTERS and not any(ch.islower() for ch in letters):
        rules.append({"rule": "subject_all_caps", "points": CAPS_POINTS, "detail": "the subject is all capitals"})
    length = len(subject.strip())
    if length < MIN_SUBJECT_CHARS:
        detail = f"the subject has {length} characters (fewer than {MIN_SUBJECT_CHARS})"
        rules.append({"rule": "subject_too_short", "points": SHORT_SUBJECT_POINTS, "detail": detail})
    return rules


_SPAM_FIXES = {
    "subject_exclamations": "Use at most one exclamation mark in the subject.",
    "subject_all_caps": "Write the subject in sentence case.",
    "subject_too_short": f"Write a subject of at least {MIN_SUBJECT_CHARS} characters that says what is inside.",
}


def _spam_finding(rule: dict[str, Any]) -> dict[str, str]:
    severity = "error" if rule["points"] >= TIER_POINTS["high"] else "warning"
    if rule["rule"].startswith("trigger_word"):
        phrase = rule["detail"].split("'")[1]
        fix = f"Rephrase '{phrase}' in plain, specific words."
    else:
        fix = _SPAM_FIXES[rule["rule"]]
    return finding(f"spam.{rule['rule']}", severity, f"Spam rule fired: {rule['detail']}.", fix)


@skill(
    "email.best_practice_check",
    name="Email best-practice checks",
    category=SkillCategory.COMMUNICATION,
    input_schema={
        "type": "object",
        "required": ["subject", "body"],
        "properties": {
            "subject": SHORT_TEXT,
            "preheader": SHORT_TEXT,
            "body": LONG_TEXT,
            "personalisation_fields": _FIELDS,
        },
    },
    output_schema={
        "type": "object",
        "required": ["passed", "checks", "merge_tags_used", "merge_tags_unused", "findings"],
        "properties": {
            "passed": {"type": "boolean"},
            "checks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["check", "passed", "detail"],
                    "properties": {"passed": {"type": "boolean"}},
                },
            },
            "merge_tags_used": {"type": "array", "items": {"type": "string"}},
            "merge_tags_unused": {"type": "array", "items": {"type": "string"}},
            "findings": FINDINGS_FIELD,
        },
    },
)
def best_practice_check(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Subject and preheader length, a preheader that adds to the subject, merge tags used, a call to action."""
    subject, preheader, body = data["subject"], data.get("preheader", ""), data["body"]
    used, unused = merge_tags(data.get("personalisation_fields", []), "\n".join((subject, preheader, body)))
    low, high = PREHEADER_CHARS
    results = {
        "subject_length": (len(subject) <= SUBJECT_MAX_CHARS, f"{len(subject)} characters"),
        "preheader_length": (low <= len(preheader) <= high, f"{len(preheader)} characters"),
        "preheader_differs": (preheader.casefold().strip() != subject.casefold().strip(), "compared to subject"),
        "personalisation": (not unused, "unused: " + ", ".join(unused) if unused else "all fields used"),
        "call_to_action": _call_to_action(body),
    }
    checks = [{"check": name, "passed": ok, "detail": detail} for name, (ok, detail) in results.items()]
    findings = [finding(f"email.{c['check']}", *_BEST_PRACTICE[c["check"]]) for c in checks if not c["passed"]]
    return {
        "passed": all(c["passed"] for c in checks),
        "checks": checks,
        "merge_tags_used": used,
        "merge_tags_unused": unused,
        "findings": findings,
    }


def merge_tags(fields: list[str], text: str) -> tuple[list[str], list[str]]:
    """Which personalisation fields appear in ``text`` as ``{{field}}`` merge tags, and which do not."""
    fields = list(dict.fromkeys(fields))
    used = [f for f in fields if re.search(r"\{\{\s*" + re.escape(f) + r"\s*\}\}", text)]
    return used, [f for f in fields if f not in used]


def _call_to_action(body: str) -> tuple[bool, str]:
    ctas = list(dict.fromkeys(found.text for found in find_calls_to_action(body)))
    has_link = bool(MD_LINK_RE.search(body) or BARE_URL_RE.search(body))
    return bool(ctas) or has_link, ", ".join(ctas) or ("a link" if has_link else "none")


_BEST_PRACTICE = {
    "subject_length": ("warning", "The subject is over 60 characters; inboxes cut it.", "Shorten the subject."),
    "preheader_length": (
        "warning",
        "The preheader is not 40–130 characters long.",
        "Write preview text of 40–130 characters that adds to the subject.",
    ),
    "preheader_differs": ("warning", "The preheader repeats the subject.", "Use the preheader to add a detail."),
    "personalisation": ("info", "Some personalisation fields are not used.", "Use the merge tags you collect."),
    "call_to_action": ("warning", "The email has no call to action.", "End with one clear next step and a link."),
}
