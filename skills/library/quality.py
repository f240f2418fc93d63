"""Quality skills: the shape every graded area shares, grammar and mechanics, and the brand voice.

The quality checker grades seven **areas** (``AREAS``). Each area skill answers in one shape (``area_output``):
``measured`` (can this area be measured for this text and type at all?), ``score`` (0–1, or null when not
measured: never a default), ``basis`` (measured by code, judged by a model, or both), ``reason`` (how the score
was reached, or why the area was not measured) and ``findings``, each with the ``gain`` its fix would add to the
area's score (``quality.grade`` turns that into the weighted gain that ranks the fixes).

Rules of this module:

- **Mechanics** (area ``grammar``) is scored like the messaging rules: 1 − 0.1 per error − 0.05 per warning,
  never below 0. Errors: a doubled word ("the the"; "had had" and "that that" are grammatical and allowed),
  unbalanced brackets. Warnings: a sentence starting in lower case (not after "e.g.", "i.e.", "etc.", "vs." or
  an ellipsis, and not for words like "iPhone"), unbalanced double quotes, a sentence over 40 words, repeated
  punctuation ("!!", "??", ",,", ".." — an ellipsis is fine). A text with no words is not measured. The gain of
  fixing one rule is exact: the score recomputed without that rule's penalties.
- **Brand voice** has two parts. *Rules* (measured): each "do" phrase must appear and each "don't" phrase must
  not (whole words, case-insensitive); part score = rules obeyed ÷ rules. *Guidelines* (the foundation's tone and
  "do" advice, which are instructions such as "write short sentences", not words to find): only a model can
  judge them (``VOICE_JUDGEMENT``); code keeps the breaches whose quote is in the text and whose guideline was
  given, and drops the rest with the reason. The area score is the mean of the parts that have a score; with no
  rules and no judged guidelines the area is **not measured** (it used to score 1.0: nothing to break). Gain of a
  broken rule: 1 ÷ rules of its part; of a model breach: the model's shortfall (1 − its score) shared equally
  among the breaches it named — an estimate, labelled as the model's.
"""

from __future__ import annotations

import re
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .content_text import (
    FINDING_SCHEMA,
    FORMAT_FIELD,
    LONG_TEXT,
    WORD_RE,
    find_phrases,
    normalise_phrase,
    parse_document,
    words,
)

AREAS = ("grammar", "readability", "seo", "brand_voice", "engagement", "technical", "claims")
MEASURED, JUDGED, BOTH, NOT_MEASURED = "measured", "model judgement", "measured and model judgement", "not measured"
BASES = (MEASURED, JUDGED, BOTH, NOT_MEASURED)
SOURCES = ("code", "model")

ERROR_PENALTY, WARNING_PENALTY = 0.1, 0.05
LONG_SENTENCE_WORDS = 40
ALLOWED_DOUBLES = frozenset({"had", "that"})
# After these a lower-case word does not start a new sentence.
CONTINUATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "incl.", "no.", "...", "…")
BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"))
REPEATED_PUNCTUATION_RE = re.compile(r"[!?]{2,}|[,;:]{2,}|(?<!\.)\.\.(?!\.)")
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
MECHANICS_RULES = {
    "doubled_word": "error",
    "unbalanced_brackets": "error",
    "lowercase_sentence_start": "warning",
    "unbalanced_quotes": "warning",
    "long_sentence": "warning",
    "repeated_punctuation": "warning",
}
QUOTE_CHARS = 60
TYPE_NAMES = {
    "blog": "blog post",
    "social": "social post",
    "email": "email",
    "ad_copy": "ad",
    "newsletter": "newsletter",
}

SHARE: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 1}
SCORE_OR_NULL: dict[str, Any] = {
    "type": ["number", "null"],
    "minimum": 0,
    "maximum": 1,
    "description": "0–1; null when the area is not measured (it is then left out of the grade).",
}
ISSUE_SCHEMA: dict[str, Any] = {
    **FINDING_SCHEMA,
    "required": [*FINDING_SCHEMA["required"], "gain", "source"],
    "properties": {
        **FINDING_SCHEMA["properties"],
        "gain": {**SHARE, "description": "What fixing this adds to its area's 0–1 score (an estimate; see reason)."},
        "source": {"enum": list(SOURCES), "description": "code: a measured check; model: a model's judgement."},
    },
}
ISSUES_FIELD: dict[str, Any] = {"type": "array", "items": ISSUE_SCHEMA}
_PHRASES = {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 200}}
_TEXT_INPUT = {"content": LONG_TEXT, "format": FORMAT_FIELD}


def area_output(properties: dict[str, Any] | None = None, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The output schema of an area skill: the shared fields plus the area's own."""
    return {
        "type": "object",
        "required": ["measured", "score", "basis", "reason", "findings", *required],
        "properties": {
            "measured": {"type": "boolean"},
            "score": SCORE_OR_NULL,
            "basis": {"enum": list(BASES)},
            "reason": {"type": "string", "description": "How the score was computed, or why it was not measured."},
            "findings": ISSUES_FIELD,
            "corrections": {
                "type": "array",
                "items": {"type": "string"},
                "description": "What code refused or changed in a model's judgement, and why.",
            },
            **(properties or {}),
        },
    }


def area(score: float, reason: str, findings: list[dict[str, Any]], basis: str = MEASURED, **detail: Any) -> dict:
    """A measured area's result (the score rounded to 4 decimals)."""
    result = {"measured": True, "score": round(min(1.0, max(0.0, score)), 4), "basis": basis, "reason": reason}
    return {**result, "findings": findings, **detail}


def not_measured(reason: str, **detail: Any) -> dict[str, Any]:
    """An area that cannot be measured here: no score, and why."""
    return {"measured": False, "score": None, "basis": NOT_MEASURED, "reason": reason, "findings": [], **detail}


def issue(check: str, severity: str, message: str, fix: str, gain: float, source: str = "code") -> dict[str, Any]:
    """One finding with the area score its fix would add."""
    gain = round(min(1.0, max(0.0, gain)), 4)
    return {"check": check, "severity": severity, "message": message, "fix": fix, "gain": gain, "source": source}


def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    """A short excerpt of ``text`` in curly quotes, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        cut = flat[: limit - 1]
        flat = (cut[: cut.rfind(" ")] if " " in cut else cut).rstrip(" ,;:-") + "…"
    return f"“{flat}”"


def plural(count: int, noun: str) -> str:
    """ "1 word", "2 words"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def article(noun: str) -> str:
    """ "a blog", "an email", "an ad copy"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def sentences(plain: str) -> list[str]:
    """The sentences of a text without markup, block by block."""
    return [s.strip() for block in plain.split("\n\n") for s in SENTENCE_SPLIT_RE.split(block.strip()) if s.strip()]


def contains(text: str, quote: str) -> bool:
    """Whether ``quote`` occurs in ``text``, ignoring case and runs of whitespace."""
    needle = normalise_phrase(quote)
    return bool(needle) and needle in normalise_phrase(text)


# --- grammar and mechanics ------------------------------------------------------------------------------------


@skill(
    "quality.mechanics",
    name="Grammar and mechanics check",
    category=SkillCategory.CONTENT,
    input_schema={"type": "object", "required": ["content"], "properties": _TEXT_INPUT},
    output_schema=area_output(
        {"counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}}, ("counts",)
    ),
)
def mechanics(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Doubled words, lower-case sentence starts, unbalanced brackets and quotes, long sentences, "!!"."""
    plain = parse_document(data["content"], data.get("format", "markdown")).plain
    examples = _mechanics_examples(plain)
    counts = {rule: len(found) for rule, found in examples.items()}
    if not words(plain):
        return not_measured("There are no words to check.", counts=counts)
    score = _mechanics_score(counts)
    findings = [_mechanics_finding(rule, found, counts, score) for rule, found in examples.items() if found]
    reason = f"1 − {ERROR_PENALTY} per error − {WARNING_PENALTY} per warning, never below 0."
    return area(score, reason, findings, counts=counts)


def _mechanics_examples(plain: str) -> dict[str, list[str]]:
    split = sentences(plain)
    return {
        "doubled_word": _doubled_words(plain),
        "unbalanced_brackets": _unbalanced_brackets(plain),
        "lowercase_sentence_start": _lowercase_starts(split),
        "unbalanced_quotes": _unbalanced_quotes(plain),
        "long_sentence": [_excerpt(s) for s in split if len(words(s)) > LONG_SENTENCE_WORDS],
        "repeated_punctuation": REPEATED_PUNCTUATION_RE.findall(plain),
    }


def _mechanics_score(counts: dict[str, int]) -> float:
    errors = sum(n for rule, n in counts.items() if MECHANICS_RULES[rule] == "error")
    warnings = sum(counts.values()) - errors
    return max(0.0, 1 - ERROR_PENALTY * errors - WARNING_PENALTY * warnings)


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


def _lowercase_starts(split: list[str]) -> list[str]:
    found = []
    for previous, sentence in zip(["", *split], split, strict=False):
        first = WORD_RE.match(sentence.lstrip("\"'“‘([-–— "))
        if not first or previous.casefold().endswith(CONTINUATIONS):
            continue
        word = first.group()
        if word[0].islower() and not any(ch.isupper() or ch.isdigit() for ch in word):
            found.append(_excerpt(sentence))
    return found


def _excerpt(sentence: str) -> str:
    flat = " ".join(sentence.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 3] + "..."


_MECHANICS_TEXT = {
    "doubled_word": ("Doubled words", "Delete the second {first}."),
    "unbalanced_brackets": ("Unbalanced brackets", "Close the bracket left open ({first})."),
    "lowercase_sentence_start": ("Sentences starting in lower case", "Capitalise the first word of {first}."),
    "unbalanced_quotes": ("Unbalanced quotation marks", "Close the quotation ({first})."),
    "long_sentence": (f"Sentences over {LONG_SENTENCE_WORDS} words", "Split {first} in two."),
    "repeated_punctuation": ("Repeated punctuation", "Replace {first} with one mark."),
}


def _mechanics_finding(rule: str, found: list[str], counts: dict[str, int], score: float) -> dict[str, Any]:
    label, fix = _MECHANICS_TEXT[rule]
    shown = "; ".join(f"“{example}”" for example in found[:3])
    shown += f" (+{len(found) - 3} more)" if len(found) > 3 else ""
    gain = _mechanics_score({**counts, rule: 0}) - score
    fix = fix.format(first=f"“{found[0]}”") + (f" Then the other {len(found) - 1}." if len(found) > 1 else "")
    return issue(f"grammar.{rule}", MECHANICS_RULES[rule], f"{label} ({len(found)}): {shown}.", fix, gain)


# --- brand voice -------------------------------------------------------------------------------------------------

VOICE_JUDGEMENT: dict[str, Any] = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "required": ["score", "reasons", "breaches"],
    "description": "A model's judgement of the text against the brand voice guidelines (null: none given).",
    "properties": {
        "score": {**SHARE, "description": "How closely the text follows the guidelines: 1 fully, 0 not at all."},
        "reasons": {"type": "array", "minItems": 1, "maxItems": 5, "items": {"type": "string", "maxLength": 400}},
        "breaches": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["guideline", "quote", "fix"],
                "properties": {
                    "guideline": {"type": "string", "maxLength": 500, "description": "One guideline, as given."},
                    "quote": {"type": "string", "maxLength": 500, "description": "The words that break it, verbatim."},
                    "fix": {"type": "string", "maxLength": 400},
                },
            },
        },
    },
}


@skill(
    "quality.brand_voice",
    name="Brand voice check",
    category=SkillCategory.CONTENT,
    input_schema={
        "type": "object",
        "required": ["content"],
        "properties": {
            **_TEXT_INPUT,
            "do": {**_PHRASES, "description": "Words or phrases the brand uses: each must appear."},
            "dont": {**_PHRASES, "description": "Words or phrases the brand never uses: none may appear."},
            "guidelines": {**_PHRASES, "description": "The brand voice in words (tone, advice); a model judges it."},
            "judgement": VOICE_JUDGEMENT,
        },
    },
    output_schema=area_output(
        {
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
            "parts": {"type": "object", "additionalProperties": SCORE_OR_NULL},
        },
        ("rules", "obeyed", "violated", "parts"),
    ),
)
def brand_voice(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Rules: each "do" phrase appears, no "don't" phrase does (whole words). Guidelines: a model's judgement."""
    plain = parse_document(data["content"], data.get("format", "markdown")).plain
    rules = _rules_part(plain, _distinct(data.get("do", [])), _distinct(data.get("dont", [])))
    guidelines = _distinct(data.get("guidelines", []))
    judged, corrections = checked_voice(plain, guidelines, data.get("judgement"))
    parts = {"rules": rules["score"], "guidelines": judged["score"] if judged else None}
    scored = [value for value in parts.values() if value is not None]
    detail = {k: rules[k] for k in ("rules", "obeyed", "violated")} | {"parts": parts, "corrections": corrections}
    if not scored:
        why = "There are no brand voice rules (words to use or avoid)"
        why += ", and the guidelines need a model." if guidelines else " and no guidelines."
        return not_measured(why, **detail)
    share = 1 / len(scored)
    findings = [{**f, "gain": round(f["gain"] * share, 4)} for f in rules["findings"] + _voice_findings(judged)]
    basis = BOTH if len(scored) == 2 else (JUDGED if judged else MEASURED)
    reason = "Mean of " + " and ".join(_PART_LABELS[name] for name, value in parts.items() if value is not None)
    return area(sum(scored) * share, reason + ".", findings, basis, **detail)


_PART_LABELS = {"rules": "rules obeyed ÷ rules", "guidelines": "the model's score against the guidelines"}


def _rules_part(plain: str, do: list[str], dont: list[str]) -> dict[str, Any]:
    found = {normalise_phrase(k): n for k, n in find_phrases(plain, do + dont).items()}
    obeyed: list[str] = []
    violated: list[dict[str, Any]] = []
    for kind, rules in (("do", do), ("dont", dont)):
        for rule in rules:
            count = found.get(normalise_phrase(rule), 0)
            if (kind == "do") == bool(count):
                obeyed.append(rule)
            else:
                violated.append({"rule": rule, "kind": kind, "occurrences": count})
    total = len(do) + len(dont)
    findings = [_rule_finding(plain, v, total) for v in violated]
    score = len(obeyed) / total if total else None
    return {"score": score, "rules": total, "obeyed": obeyed, "violated": violated, "findings": findings}


def _distinct(phrases: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for phrase in phrases:
        if phrase.strip():
            seen.setdefault(normalise_phrase(phrase), " ".join(phrase.split()))
    return list(seen.values())


def _rule_finding(plain: str, violation: dict[str, Any], total: int) -> dict[str, Any]:
    rule = violation["rule"]
    if violation["kind"] == "dont":
        where = next((s for s in sentences(plain) if find_phrases(s, [rule])), rule)
        message = (
            f"'{rule}' is a word the brand never uses; it appears {plural(violation['occurrences'], 'time')}, first in "
        )
        return issue("brand_voice.dont", "error", message + quoted(where) + ".", f"Rephrase {quoted(where)} "
                     f"without '{rule}'.", 1 / total)  # fmt: skip
    message = f"'{rule}' is a word the brand uses, and this text never does."
    first = sentences(plain)[0] if sentences(plain) else ""
    return issue("brand_voice.do", "warning", message, f"Work '{rule}' in where it fits, e.g. in {quoted(first)}.",
                 1 / total)  # fmt: skip


def checked_voice(
    plain: str, guidelines: list[str], judgement: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, list[str]]:
    """The model's judgement with only the breaches code can confirm (quote in the text, guideline given)."""
    if not judgement:
        return None, []
    if not guidelines:
        return None, ["The model judged a brand voice, but no guidelines were given: its judgement is not used."]
    given = {normalise_phrase(g) for g in guidelines}
    kept, corrections = [], []
    for breach in judgement["breaches"]:
        if not contains(plain, breach["quote"]):
            corrections.append(f"Dropped a breach: {quoted(breach['quote'])} is not in the text.")
        elif normalise_phrase(breach["guideline"]) not in given:
            corrections.append(f"Dropped a breach: '{breach['guideline']}' is not one of the guidelines given.")
        else:
            kept.append(breach)
    return {**judgement, "breaches": kept}, corrections


def _voice_findings(judged: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not judged or judged["score"] >= 1:
        return []
    shortfall = 1 - judged["score"]
    if not judged["breaches"]:
        reasons = " ".join(judged["reasons"])
        return [issue("brand_voice.guidelines", "warning", f"Model judgement: {reasons}", reasons, shortfall, "model")]
    share = shortfall / len(judged["breaches"])
    return [
        issue("brand_voice.guidelines", "warning", f"Model judgement: {quoted(b['quote'])} breaks '{b['guideline']}'.",
              b["fix"], share, "model")
        for b in judged["breaches"]
    ]  # fmt: skip
