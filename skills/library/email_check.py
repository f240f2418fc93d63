"""``email.check_draft``: measures an email (two A/B subjects, preheader, body) against every rule a revision
round checks. One call per round, so each round of the email specialist is one recorded step with its scores.

Blocking checks (a failure goes back to the model):

- ``spam.subject_a`` / ``spam.subject_b``: the email sent with that subject scores in the low spam band
  (below 0.3, ``email.spam_score``) and no subject rule fired (several "!", all capitals, under 10 characters).
- ``subject_length.a`` / ``.b``: at most 60 characters; ``preheader.length``: 40–130 characters;
  ``preheader.differs``: the preheader repeats neither subject (``email.best_practice_check``'s rules).
- ``call_to_action``: a call to action (the shared detector) or a link in the body.
- ``length.words``: the body within ± the tolerance of the word target (DOMAIN.md's email row: short 100,
  medium 200, long 400 words, or ``target_words``).
- ``readability``, ``claims``, ``figures``, ``brand_voice.avoid`` (``writing.py``), on the body for readability
  and on every line of the email for the others.
- ``ab.differ``: the two subjects differ in their words once a label ("A:", "[B]", "Variant 2 -") is taken
  off: a label or punctuation alone is not an A/B test.
- ``ab.requested``: the pair's dimension is the one the sender asked for, when they asked.
- ``ab.dimension``: the pair differs on the dimension it states, where code can see it. **length**: one subject
  fits the ``MOBILE_PREVIEW_CHARS`` (40) characters a phone's inbox shows and the other does not, so the test
  measures what truncation does; **personalisation**: exactly one subject uses a ``{{field}}`` merge tag of the
  fields the sender holds. **benefit_vs_curiosity** is the model's judgement (stated per side); code checks
  only that the two differ (``ab.differ``).

Advice (not revised for): every personalisation field used somewhere.
"""

from __future__ import annotations

import re
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .content import LENGTHS, TARGET_READING_EASE, render, target_words
from .content_text import LONG_TEXT, SHORT_TEXT, WORD_RE, cut_at_word
from .email import (
    PREHEADER_CHARS,
    SUBJECT_MAX_CHARS,
    best_practice_check,
    merge_tags,
    spam_score,
)
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
    ending,
    failed,
    figures_check,
    length_check,
    readability_check,
    word_count,
)

AB_DIMENSIONS = ("benefit_vs_curiosity", "length", "personalisation")
MOBILE_PREVIEW_CHARS = 40
SUBJECT_RULES = frozenset({"subject_exclamations", "subject_all_caps", "subject_too_short"})
_LABEL = re.compile(
    r"^\s*(?:\[[^\]]{1,20}\]|\([^)]{1,20}\)|(?:(?:variant|version|option|subject|test)\s*)?[A-Za-z0-9]\s*[:.)–—-](?=\s))\s*",
    re.IGNORECASE,
)
_FIELDS = {"type": "array", "maxItems": 10, "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,39}$"}}
_SPAM_POINTS = {"type": ["number", "null"], "minimum": 0, "maximum": 1}

CHECK_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["subject", "body"],
    "properties": {
        "subject": {**SHORT_TEXT, "description": "Subject A (the one sent when there is no test)."},
        "subject_b": {**SHORT_TEXT, "description": "Subject B of the A/B test."},
        "dimension": {"enum": list(AB_DIMENSIONS), "description": "What the two subjects differ on."},
        "requested_dimension": {"enum": list(AB_DIMENSIONS), "description": "The dimension the sender asked for."},
        "preheader": SHORT_TEXT,
        "body": {**LONG_TEXT, "description": "The body, in Markdown, with {{field}} merge tags."},
        "personalisation_fields": _FIELDS,
        "length": {"enum": list(LENGTHS), "default": "short"},
        "target_words": {"type": "integer", "minimum": 1, "maximum": 5000},
        "word_tolerance": TOLERANCE_FIELD,
        "target_reading_ease": {"type": "number", "minimum": 1, "maximum": 100, "default": TARGET_READING_EASE},
        "stated": STATED_FIELD,
        "own_words": OWN_WORDS_FIELD,
        "avoid": AVOID_FIELD,
    },
}
CHECK_OUTPUT: dict[str, Any] = {
    "type": "object",
    "required": ["body_html", "spam", "best_practice", "readability", "checks", "failed", "advice", "passed",
                 "scores"],
    "properties": {
        "body_html": {"type": "string"},
        "spam": {"type": "object", "required": ["a", "b"], "properties": {"a": {"type": "object"},
                                                                         "b": {"type": ["object", "null"]}}},
        "best_practice": {"type": "object"},
        "readability": {"type": "object"},
        "checks": CHECKS_FIELD,
        "failed": {"type": "array", "items": {"type": "string"}, "description": "Failing blocking checks."},
        "advice": {"type": "array", "items": {"type": "string"}, "description": "Failing non-blocking checks."},
        "passed": {"type": "boolean", "description": "Every blocking check passes."},
        "scores": {
            "type": "object",
            "required": ["words", "reading_ease", "spam_a", "spam_b", "subject_a_chars", "subject_b_chars"],
            "properties": {
                "words": {"type": "integer", "minimum": 0, "description": "Words in the body."},
                "reading_ease": {"type": ["number", "null"], "description": "Flesch reading ease of the body."},
                "spam_a": _SPAM_POINTS,
                "spam_b": _SPAM_POINTS,
                "subject_a_chars": {"type": "integer", "minimum": 0},
                "subject_b_chars": {"type": ["integer", "null"], "minimum": 0},
            },
        },
    },
}  # fmt: skip


@skill(
    "email.check_draft",
    name="Check an email draft",
    category=SkillCategory.COMMUNICATION,
    input_schema=CHECK_INPUT,
    output_schema=CHECK_OUTPUT,
)
def check_draft(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Measures the email with each subject: spam, best practice, length, readability, claims, the A/B pair."""
    subjects = {"a": data["subject"]} | ({"b": data["subject_b"]} if data.get("subject_b") else {})
    preheader, body = data.get("preheader", ""), data["body"]
    spam = {side: spam_score({"subject": s, "preheader": preheader, "body": body}) for side, s in subjects.items()}
    practice = best_practice_check({"subject": data["subject"], "preheader": preheader, "body": body,
                                    "personalisation_fields": data.get("personalisation_fields", [])})  # fmt: skip
    target = float(data.get("target_reading_ease", TARGET_READING_EASE))
    reading, measured_reading = readability_check(body, "markdown", target)
    checks = [*_spam(subjects, spam), *_lines(subjects, preheader), *_practice(practice, body)]
    checks += [_length(body, data), reading, *_wording(subjects, preheader, body, data)]
    checks += _ab(subjects, data)
    return {
        "body_html": render({"text": body, "format": "html"})["content"],
        "spam": {"a": spam["a"], "b": spam.get("b")},
        "best_practice": practice,
        "readability": measured_reading,
        "checks": checks,
        "failed": failed(checks),
        "advice": failed(checks, blocking=False),
        "passed": not failed(checks),
        "scores": {
            "words": word_count(body),
            "reading_ease": measured_reading["flesch_reading_ease"],
            "spam_a": spam["a"]["score"],
            "spam_b": spam["b"]["score"] if "b" in spam else None,
            "subject_a_chars": len(subjects["a"]),
            "subject_b_chars": len(subjects["b"]) if "b" in subjects else None,
        },
    }


def _spam(subjects: dict[str, str], spam: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for side, result in spam.items():
        subject_rules = [r["detail"] for r in result["rules_fired"] if r["rule"] in SUBJECT_RULES]
        passed = result["risk"] == "low" and not subject_rules
        fired = ", ".join(r["detail"] for r in result["rules_fired"]) or "no rule"
        message = f"With subject {side.upper()} '{subjects[side]}' the spam score is {result['score']:g} " \
                  f"({result['risk']}), from {fired}."  # fmt: skip
        fix = "—" if passed else " ".join(dict.fromkeys(f["fix"] for f in result["findings"]))
        out.append(check(f"spam.subject_{side}", passed, message, fix, actual=result["score"], target="< 0.3"))
    return out


def _lines(subjects: dict[str, str], preheader: str) -> list[dict[str, Any]]:
    out = []
    for side, subject in subjects.items():
        ok = len(subject) <= SUBJECT_MAX_CHARS
        message = f"Subject {side.upper()} '{subject}' has {len(subject)} characters (at most {SUBJECT_MAX_CHARS})."
        fix = "—" if ok else f"Cut subject {side.upper()} by {len(subject) - SUBJECT_MAX_CHARS} characters."
        out.append(check(f"subject_length.{side}", ok, message, fix, actual=len(subject), target=SUBJECT_MAX_CHARS))
    low, high = PREHEADER_CHARS
    ok = low <= len(preheader) <= high
    message = f"The preheader '{preheader}' has {len(preheader)} characters ({low}–{high})."
    fix = "—" if ok else "Write preview text of 40–130 characters that adds a detail to the subject."
    out.append(check("preheader.length", ok, message, fix, actual=len(preheader), target=[low, high]))
    repeats = [s for s in subjects.values() if preheader.casefold().strip() == s.casefold().strip()]
    message = f"The preheader repeats the subject '{repeats[0]}'." if repeats else "The preheader adds to the subject."
    fix = "Use the preheader to add a detail the subject leaves out." if repeats else "—"
    out.append(check("preheader.differs", not repeats, message, fix))
    return out


def _practice(practice: dict[str, Any], body: str) -> list[dict[str, Any]]:
    by_name = {c["check"]: c for c in practice["checks"]}
    cta, fields = by_name["call_to_action"], by_name["personalisation"]
    if cta["passed"]:
        action = check("call_to_action", True, f"Call to action: {cta['detail']}.", "—", actual=cta["detail"])
    else:
        message = f"No call to action or link, and the body ends with '{ending(body)}'."
        action = check("call_to_action", False, message, "End with one clear next step and a link.", actual="none")
    used, unused = practice["merge_tags_used"], practice["merge_tags_unused"]
    opening = cut_at_word(body, 50)
    message = f"Merge tags used: {', '.join(used) or 'none'}." if fields["passed"] else \
        f"The email ('{opening}') leaves out the merge tags {', '.join(unused)}."  # fmt: skip
    personal = check("personalisation", fields["passed"], message, "—" if fields["passed"] else
                     "Use the merge tags you collect.", blocking=False, actual=used, target=used + unused)  # fmt: skip
    return [action, personal]


def _length(body: str, data: dict[str, Any]) -> dict[str, Any]:
    target = int(data.get("target_words") or target_words("email", data.get("length", "short")))
    return length_check(word_count(body), target, float(data.get("word_tolerance", DEFAULT_TOLERANCE)))


def _wording(subjects: dict[str, str], preheader: str, body: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    lines = "\n".join([*(f"{s}." for s in subjects.values()), preheader, body])
    stated = data.get("stated", "")
    own = "\n".join((stated, data.get("own_words", "")))
    checks = [claims_check(lines, stated), figures_check(lines, own)]
    avoided = avoid_check(lines, data.get("avoid", []))
    return checks + ([avoided] if avoided else [])


def subject_words(subject: str) -> list[str]:
    """The subject's words once a leading label ("A:", "[B]", "Variant 2 -") is taken off, casefolded."""
    return [w.casefold() for w in WORD_RE.findall(_LABEL.sub("", subject, count=1))]


def _ab(subjects: dict[str, str], data: dict[str, Any]) -> list[dict[str, Any]]:
    if "b" not in subjects:
        return []
    a, b = subjects["a"], subjects["b"]
    same = subject_words(a) == subject_words(b)
    message = f"'{a}' and '{b}' are the same words" + (", apart from case, punctuation or a label." if a != b else ".")
    checks = [
        check("ab.differ", not same, message if same else f"'{a}' and '{b}' differ in their words.",
              "Write subject B to differ from A in words, on the stated dimension." if same else "—"),
    ]  # fmt: skip
    dimension, requested = data.get("dimension"), data.get("requested_dimension")
    if requested:
        ok = dimension == requested
        message = f"'{a}' and '{b}' differ on {dimension or 'an unstated dimension'}, and {requested} was asked for."
        checks.append(check("ab.requested", ok, message, "—" if ok else f"Write the pair to differ on {requested}.",
                            actual=dimension, target=requested))  # fmt: skip
    if dimension == "length":
        checks.append(_length_pair(a, b))
    elif dimension == "personalisation":
        checks.append(_personalised_pair(a, b, data.get("personalisation_fields", [])))
    return checks


def _length_pair(a: str, b: str) -> dict[str, Any]:
    short, long = sorted((a, b), key=len)
    ok = len(short) <= MOBILE_PREVIEW_CHARS < len(long)
    message = f"'{a}' has {len(a)} characters and '{b}' {len(b)}, and a phone shows about {MOBILE_PREVIEW_CHARS}."
    fix = "—" if ok else f"Make one subject at most {MOBILE_PREVIEW_CHARS} characters and the other longer."
    return check("ab.dimension", ok, message, fix, actual=[len(a), len(b)], target=MOBILE_PREVIEW_CHARS)


def _personalised_pair(a: str, b: str, fields: list[str]) -> dict[str, Any]:
    if not fields:
        return check("ab.dimension", False, "A personalisation test needs merge fields, and none were given.",
                     "Test another dimension (benefit vs curiosity, or length).")  # fmt: skip
    tagged = [bool(merge_tags(fields, s)[0]) for s in (a, b)]
    ok = tagged.count(True) == 1
    uses = ["uses a merge tag" if t else "uses none" for t in tagged]
    message = f"'{a}' {uses[0]} and '{b}' {uses[1]}."
    fix = "—" if ok else "Use a merge tag such as {{" + fields[0] + "}} in exactly one of the two subjects."
    return check("ab.dimension", ok, message, fix, actual=tagged)
