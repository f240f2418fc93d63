"""Checks shared by the writing agents' revision rounds (content creator, email specialist); no skills here.

A *check* is one measured rule with its verdict, in the shape every round reports and every revision prompt
quotes: ``{"id", "passed", "blocking", "actual", "target", "message", "fix"}``. A failing **blocking** check is
sent back to the model for a revision; a failing non-blocking one is advice (shown, never revised for).

The checks here apply to any copy; the content and email checks (``content_check.py``, ``email_check.py``) add
their own:

- ``claims``: no guarantee, superlative or absolute (``skills/library/claims.py``, the shared detector), and no
  result stated as a figure without a source unless the company or the request states that figure.
- ``figures``: every figure in the text was stated by the company, in the request or in the user's own draft
  (``figures.py`` reads them; a figure *traces* when a stated one, rounded as written, gives it). A model must
  not invent numbers.
- ``call_to_action``: at least one, by the shared detector.
- ``brand_voice.avoid``: none of the words the company's brand voice says never to use (whole words).
- ``readability``: Flesch reading ease (textstat, via ``content.readability``) at or above the target.
- ``length.words``: the word count within ± ``tolerance`` of the target (a share of it).
- ``keywords.used``: every keyword appears at least once.

Messages quote what was measured (the words found, the counts), so two drafts get two different reports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .claims import find_calls_to_action, find_claims
from .content import readability
from .content_text import BARE_URL_RE, count_phrase, cut_at_word, find_phrases, words
from .figures import find_figures, traces

CHECK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "passed", "blocking", "message", "fix"],
    "properties": {
        "id": {"type": "string", "description": "What was checked, e.g. platform.characters."},
        "passed": {"type": "boolean"},
        "blocking": {
            "type": "boolean",
            "description": "A failing blocking check is sent back to the model for a revision; a failing "
            "non-blocking check is advice.",
        },
        "actual": {"description": "What was measured (a number, words found, or a short text)."},
        "target": {"description": "What the check asks for."},
        "message": {"type": "string"},
        "fix": {"type": "string"},
    },
}
CHECKS_FIELD: dict[str, Any] = {"type": "array", "items": CHECK_SCHEMA}
STATED_FIELD: dict[str, Any] = {
    "type": "string",
    "maxLength": 60000,
    "description": "The company's and the request's own words: figures found here are stated, not invented.",
}
OWN_WORDS_FIELD: dict[str, Any] = {
    "type": "string",
    "maxLength": 60000,
    "description": "The user's own draft: its figures are the user's statements (the figures check accepts them), "
    "but they are no source for a claimed result (the claims check does not).",
}
AVOID_FIELD: dict[str, Any] = {
    "type": "array",
    "maxItems": 50,
    "items": {"type": "string", "maxLength": 500},
    "description": "Words or phrases the brand never uses (the foundation's brand_voice.dont).",
}
TOLERANCE_FIELD: dict[str, Any] = {
    "type": "number",
    "minimum": 0.05,
    "maximum": 0.5,
    "default": 0.2,
    "description": "How far the word count may be from the target, as a share of it (0.2: within ±20 %).",
}
DEFAULT_TOLERANCE = 0.2
MAX_QUOTED = 5  # words or phrases quoted in one message


def check(
    check_id: str,
    passed: bool,
    message: str,
    fix: str,
    *,
    blocking: bool = True,
    actual: Any = None,
    target: Any = None,
) -> dict[str, Any]:
    """One check's record (see the module docstring)."""
    record: dict[str, Any] = {"id": check_id, "passed": passed, "blocking": blocking, "message": message, "fix": fix}
    if actual is not None:
        record["actual"] = actual
    if target is not None:
        record["target"] = target
    return record


def failed(checks: Iterable[dict[str, Any]], *, blocking: bool = True) -> list[str]:
    """The ids of the failing checks (blocking ones by default), in order."""
    return [c["id"] for c in checks if not c["passed"] and c["blocking"] == blocking]


def quoted(items: Iterable[str]) -> str:
    """ "'a', 'b' and 2 more" — at most ``MAX_QUOTED`` items quoted."""
    items = list(dict.fromkeys(items))
    shown = ", ".join(f"'{cut_at_word(item, 60)}'" for item in items[:MAX_QUOTED])
    return shown + (f" and {len(items) - MAX_QUOTED} more" if len(items) > MAX_QUOTED else "")


def stated_text(*parts: Any) -> str:
    """The words figures may come from, as one text: strings as they are, anything else as JSON."""
    return "\n".join(p if isinstance(p, str) else json.dumps(p, ensure_ascii=False) for p in parts if p)


def stated_values(stated: str) -> list[Decimal]:
    """Every figure's value in the stated words (a percent figure as its number: 20 % gives 20)."""
    return [figure.value for figure in find_figures(stated)]


# --- the checks -----------------------------------------------------------------------------------------------


def claims_check(text: str, stated: str) -> dict[str, Any]:
    """No guarantee, superlative or absolute; no unsourced result figure the company did not state itself."""
    values = stated_values(stated)
    found = [c for c in find_claims(text) if not (c.kind == "unverified_figure" and _stated_figure(c.text, values))]
    if not found:
        return check("claims", True, "No guarantee, superlative, absolute or unsourced result figure.", "—")
    listed = quoted(f"{c.text} ({c.kind.replace('_', ' ')})" for c in found)
    message = f"The text claims {listed} without proof."
    fix = "Remove each one, or state the fact behind it and its source in the same sentence."
    return check("claims", False, message, fix, actual=[c.text for c in found], target=[])


def _stated_figure(text: str, values: list[Decimal]) -> bool:
    figures = find_figures(text)
    return bool(figures) and all(traces(f, values) for f in figures)


def figures_check(text: str, stated: str) -> dict[str, Any]:
    """Every figure in the text traces to one the company or the request stated."""
    values = stated_values(stated)
    text = BARE_URL_RE.sub(" ", text)  # a number in a link's address is not a figure anyone reads
    untraced = [f.text.strip() for f in find_figures(text) if not traces(f, values)]
    count = len(find_figures(text))
    if not untraced:
        message = f"All {count} figures were stated in the request, the foundation or your draft."
        return check("figures", True, message, "—", actual=[], target=[])
    message = f"Nobody stated the figures {quoted(untraced)} in the request, the foundation or a draft of yours."
    fix = "Remove these figures, or replace each with one the company stated."
    return check("figures", False, message, fix, actual=untraced, target=[])


def cta_check(text: str, *, blocking: bool = True) -> dict[str, Any]:
    """At least one call to action (the shared detector)."""
    found = [c.text for c in find_calls_to_action(text)]
    if found:
        return check("call_to_action", True, f"Calls to action: {quoted(found)}.", "—", blocking=blocking,
                     actual=found)  # fmt: skip
    last = ending(text)
    message = f"No call to action, and the text ends with '{last}'." if last else "No call to action."
    fix = "End with one clear next step the reader can take (an imperative such as 'Book a visit')."
    return check("call_to_action", False, message, fix, blocking=blocking, actual=[])


def ending(text: str, limit: int = 80) -> str:
    """The text's last sentence, cut at a word to ``limit`` characters (quoted by messages about the ending)."""
    return cut_at_word(re.split(r"(?<=[.!?])\s+", " ".join(text.split()))[-1], limit)


def avoid_check(text: str, avoid: list[str]) -> dict[str, Any] | None:
    """None of the brand's never-use words (None when the brand lists none)."""
    phrases = [p for p in avoid if p.strip()]
    if not phrases:
        return None
    found = list(find_phrases(text, phrases))
    if not found:
        return check("brand_voice.avoid", True, f"None of the {len(phrases)} words the brand avoids.", "—",
                     actual=[], target=[])  # fmt: skip
    message = f"The brand never uses {quoted(found)}."
    return check("brand_voice.avoid", False, message, "Rephrase without them.", actual=found, target=[])


def readability_check(content: str, fmt: str, target: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """Flesch reading ease at or above ``target``; returns the check and ``content.readability``'s result."""
    measured = readability({"content": content, "format": fmt, "target_reading_ease": target})
    ease = measured["flesch_reading_ease"]
    if ease is None:
        return check("readability", False, "There is no text to measure.", "Write the text.", target=target), measured
    passed = ease >= target
    message = f"Flesch reading ease {ease:g} ({measured['band']}) against a target of {target:g} or more."
    fix = "—" if passed else "Use shorter sentences and everyday words."
    return check("readability", passed, message, fix, actual=ease, target=target), measured


def length_check(count: int, target: int, tolerance: float) -> dict[str, Any]:
    """The word count within ± ``tolerance`` × target of the target."""
    low, high = round(target * (1 - tolerance)), round(target * (1 + tolerance))
    passed = low <= count <= high
    message = f"{count} words against a target of {target} (between {low} and {high})."
    if passed:
        fix = "—"
    else:
        fix = f"Cut about {count - target} words." if count > high else f"Add about {target - count} words."
    return check("length.words", passed, message, fix, actual=count, target=[low, high])


def keywords_check(plain: str, keywords: list[str]) -> dict[str, Any] | None:
    """Every keyword at least once, as whole words (None without keywords)."""
    wanted = list(dict.fromkeys(" ".join(k.split()) for k in keywords if k.strip()))
    if not wanted:
        return None
    counts = {k: count_phrase(plain, k) for k in wanted}
    missing = [k for k, n in counts.items() if n == 0]
    message = ", ".join(f"'{k}' {n}×" for k, n in counts.items())
    if not missing:
        return check("keywords.used", True, f"Keywords used {message}.", "—", actual=counts)
    fix = f"Use {quoted(missing)} where it reads naturally."
    return check("keywords.used", False, f"The text never uses {quoted(missing)} ({message}).", fix, actual=counts)


def word_count(plain: str) -> int:
    return len(words(plain))
