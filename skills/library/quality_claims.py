"""Quality skills that read a text sentence by sentence: the gates (``quality.substance``) and claims
(``quality.claims``). Claims and calls to action come from the shared detectors (``skills/library/claims.py``).

**Gates** (a failed gate is an F, whatever the other scores; ``quality.grade``):

- ``length``: at least the type's minimum number of words. The minimum is the *short* word target of the type
  (DOMAIN.md's content targets, ``content.WORD_TARGETS``: blog 300, social 50, email 100, ad copy 25, newsletter
  300) less the writing agents' tolerance (``LENGTH_TOLERANCE``, 20 %): the shortest piece the content
  creator and email specialist would deliver for that type — blog 240, social 40, email 80, ad copy 20,
  newsletter 240 words. ``min_words`` overrides it (a one-line post on X is fine when the user says so).
- ``substance``: at least one plain *statement* — a sentence of three words or more (the fewest that carry a
  subject, a verb and what is said of it) with no claim and no call to action — and no more sentences making
  unproven claims than statements: a reader must find at least as much stated fact as promise. An empty text,
  "Buy now." or a text of guarantees and "Click here now!!!" fails it.

**Claims** (area ``claims``): each sentence in which the shared detector finds a guarantee, superlative, absolute
or unsourced result figure is a claim sentence; score = sentences without an unproven claim ÷ sentences. Severity:
a guarantee is an *error* (a promise of an outcome: advertising codes such as the FTC's substantiation policy and
the UK CAP Code hold sellers to proof for objective claims, and a guarantee is the strongest); superlatives,
absolutes and unsourced figures are *warnings* (they need a source or a qualifier). Each sentence is one issue,
with a fix per claim; its gain is 1 ÷ sentences (the sentence becomes clean).

**The model** (``CLAIM_VERDICT``) may judge each detected claim: ``supported_in_text`` (the piece itself backs it),
``needs_proof`` or ``misleading``. Code checks it: the claim index must exist; a guarantee is never cleared (no
sentence of the piece proves a promise); ``supported_in_text`` needs a quote found in the text outside the claim's
own sentence (a claim does not support itself); ``misleading`` raises the sentence's severity to error. Refusals
are reported in ``corrections``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .claims import Found, find_calls_to_action, find_claims
from .content import CONTENT_TYPES, WORD_TARGETS
from .content_text import FORMAT_FIELD, LONG_TEXT, parse_document, words
from .quality import TYPE_NAMES, area, area_output, article, contains, issue, not_measured, plural, quoted, sentences

MIN_STATEMENT_WORDS = 3
# The share of a type's short word target a piece may fall short by and still be a piece of that type: the writing
# agents' default length tolerance (20 %, issue 17), so the checker passes the shortest draft they deliver.
LENGTH_TOLERANCE = 0.2
KINDS = ("guarantee", "superlative", "absolute", "unverified_figure")
SEVERITY = {"guarantee": "error", "superlative": "warning", "absolute": "warning", "unverified_figure": "warning"}
VERDICTS = ("supported_in_text", "needs_proof", "misleading")
_FIX = {
    "guarantee": "remove '{w}', or state exactly what is guaranteed, to whom and on what terms",
    "superlative": "replace '{w}' with the fact behind it (a test, a ranking, a count) and its source",
    "absolute": "qualify '{w}': for whom, and how often, it holds",
    "unverified_figure": "name the source of '{w}' in the same sentence, or cut it",
}
_TEXT_INPUT = {"content": LONG_TEXT, "format": FORMAT_FIELD}
_COUNT = {"type": "integer", "minimum": 0}
CLAIM_ITEM: dict[str, Any] = {
    "type": "object",
    "required": ["index", "kind", "text", "sentence"],
    "properties": {
        "index": {**_COUNT, "description": "The claim's number, in order of appearance (the model refers to it)."},
        "kind": {"enum": list(KINDS)},
        "text": {"type": "string", "description": "The words that make the claim."},
        "sentence": {"type": "string"},
    },
}
CLAIM_VERDICT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["claim", "verdict", "reason", "quote"],
    "properties": {
        "claim": {**_COUNT, "description": "The claim's index."},
        "verdict": {"enum": list(VERDICTS)},
        "reason": {"type": "string", "maxLength": 400},
        "quote": {
            "type": "string",
            "maxLength": 500,
            "description": "For supported_in_text: the words of the text that back the claim, verbatim; else ''.",
        },
    },
}


@dataclass(frozen=True)
class Sentence:
    """One sentence, what the shared detectors found in it, and its role for the substance gate."""

    text: str
    claims: tuple[Found, ...]
    calls: tuple[Found, ...]

    @property
    def role(self) -> str:
        if self.claims:
            return "claim"
        if self.calls:
            return "call_to_action"
        return "statement" if len(words(self.text)) >= MIN_STATEMENT_WORDS else "fragment"


def read_sentences(content: str, fmt: str) -> list[Sentence]:
    plain = parse_document(content, fmt).plain
    return [Sentence(s, tuple(find_claims(s)), tuple(find_calls_to_action(s))) for s in sentences(plain) if words(s)]


def claim_list(split: list[Sentence]) -> list[dict[str, Any]]:
    """Every claim with its index (the order the model and the claims skill both use)."""
    found = [(c, s.text) for s in split for c in s.claims]
    return [{"index": i, "kind": c.kind, "text": c.text, "sentence": s} for i, (c, s) in enumerate(found)]


def minimum_words(content_type: str, given: int | None) -> tuple[int, str]:
    if given:
        return given, "the minimum you gave"
    short = WORD_TARGETS[content_type][0]
    minimum = round(short * (1 - LENGTH_TOLERANCE))
    return minimum, f"the short {TYPE_NAMES[content_type]} target of {short} words less {LENGTH_TOLERANCE:.0%}"


# --- gates ---------------------------------------------------------------------------------------------------------

_GATE = {
    "type": "object",
    "required": ["gate", "passed", "actual", "required", "message", "fix"],
    "properties": {
        "gate": {"enum": ["length", "substance"]},
        "passed": {"type": "boolean"},
        "actual": _COUNT,
        "required": _COUNT,
        "message": {"type": "string"},
        "fix": {"type": "string"},
    },
}


@skill(
    "quality.substance",
    name="Length and substance gates",
    category=SkillCategory.CONTENT,
    input_schema={
        "type": "object",
        "required": ["content", "type"],
        "properties": {
            **_TEXT_INPUT,
            "type": {"enum": list(CONTENT_TYPES)},
            "min_words": {"type": "integer", "minimum": 1, "maximum": 10000, "description": "Words; overrides the "
                          "type's minimum."},
        },
    },
    output_schema={
        "type": "object",
        "required": ["word_count", "minimum_words", "minimum_basis", "sentences", "claims", "calls_to_action",
                     "gates"],
        "properties": {
            "word_count": _COUNT,
            "minimum_words": _COUNT,
            "minimum_basis": {"type": "string"},
            "sentences": {"type": "object", "required": ["total", "claim", "call_to_action", "statement", "fragment"],
                          "additionalProperties": _COUNT},
            "claims": {"type": "array", "items": CLAIM_ITEM},
            "calls_to_action": {"type": "array", "items": {"type": "string"}},
            "gates": {"type": "array", "items": _GATE},
        },
    },
)  # fmt: skip
def substance(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Is this a piece of its type at all? At least the type's minimum words, and more statements than claims."""
    fmt = data.get("format", "markdown")
    split = read_sentences(data["content"], fmt)
    count = len(words(parse_document(data["content"], fmt).plain))
    minimum, basis = minimum_words(data["type"], data.get("min_words"))
    roles = {role: sum(1 for s in split if s.role == role) for role in ("claim", "call_to_action", "statement")}
    roles["fragment"] = len(split) - sum(roles.values())
    return {
        "word_count": count,
        "minimum_words": minimum,
        "minimum_basis": basis,
        "sentences": {"total": len(split), **roles},
        "claims": claim_list(split),
        "calls_to_action": list(dict.fromkeys(c.text for s in split for c in s.calls)),
        "gates": [_length_gate(split, count, minimum, data["type"], basis), _substance_gate(split, roles)],
    }


def _length_gate(split: list[Sentence], count: int, minimum: int, content_type: str, basis: str) -> dict[str, Any]:
    kind = TYPE_NAMES[content_type]
    message = f"{plural(count, 'word')}; {article(kind)} needs at least {minimum} ({basis})."
    if not split:
        fix = f"Write the {kind}: there is no text, and it needs at least {minimum} words."
    else:
        fix = f"Add about {plural(minimum - count, 'word')} that develop {quoted(split[0].text)}."
    return {"gate": "length", "passed": count >= minimum, "actual": count, "required": minimum,
            "message": message, "fix": fix if count < minimum else "—"}  # fmt: skip


def _substance_gate(split: list[Sentence], roles: dict[str, int]) -> dict[str, Any]:
    statements, claims = roles["statement"], roles["claim"]
    passed = statements >= max(1, claims)
    message = (
        f"Sentences: {len(split)}; making unproven claims: {claims}; only asking the reader to act: "
        f"{roles['call_to_action']}; stating something plainly: {statements}."
    )
    first_claim = next((s.text for s in split if s.role == "claim"), "")
    if passed:
        fix = "—"
    elif first_claim:
        fix = f"Say what {quoted(first_claim)} rests on, in sentences that state facts a reader can check."
    elif split:
        fix = f"Add sentences that say what {quoted(split[0].text)} offers, to whom, and why it matters."
    else:
        fix = "Write sentences that say what is offered, to whom, and why it matters."
    required = max(1, claims)
    return {"gate": "substance", "passed": passed, "actual": statements, "required": required,
            "message": message, "fix": fix}  # fmt: skip


# --- claims --------------------------------------------------------------------------------------------------------


@skill(
    "quality.claims",
    name="Claims that need proof",
    category=SkillCategory.CONTENT,
    input_schema={
        "type": "object",
        "required": ["content"],
        "properties": {
            **_TEXT_INPUT,
            "verdicts": {"type": "array", "maxItems": 200, "items": CLAIM_VERDICT,
                         "description": "A model's verdicts on the detected claims (optional)."},
        },
    },
    output_schema=area_output(
        {
            "sentences": _COUNT,
            "claim_sentences": _COUNT,
            "claims": {"type": "array", "items": {**CLAIM_ITEM, "required": [*CLAIM_ITEM["required"], "severity",
                       "fix", "verdict"], "properties": {**CLAIM_ITEM["properties"],
                       "severity": {"enum": ["error", "warning"]}, "fix": {"type": "string"},
                       "verdict": {"enum": [*VERDICTS, "not_judged"]}, "reason": {"type": "string"}}}},
        },
        ("sentences", "claim_sentences", "claims"),
    ),
)  # fmt: skip
def claims(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Guarantees, superlatives, absolutes and unsourced figures, per sentence, with a fix; model verdicts checked."""
    split = read_sentences(data["content"], data.get("format", "markdown"))
    listed = claim_list(split)
    verdicts, corrections = checked_verdicts(data["content"], listed, data.get("verdicts", []))
    rows = [_claim_row(c, verdicts.get(c["index"])) for c in listed]
    detail = {"sentences": len(split), "claims": rows, "corrections": corrections}
    if not split:
        return not_measured("There are no sentences to read.", claim_sentences=0, **detail)
    open_rows = [r for r in rows if r["verdict"] != "supported_in_text"]
    by_sentence: dict[str, list[dict[str, Any]]] = {}
    for row in open_rows:
        by_sentence.setdefault(row["sentence"], []).append(row)
    findings = [_claim_finding(sentence, found, len(split)) for sentence, found in by_sentence.items()]
    score = 1 - len(by_sentence) / len(split)
    reason = "Sentences without an unproven claim ÷ sentences."
    basis = "measured and model judgement" if verdicts else "measured"
    return area(score, reason, findings, basis, claim_sentences=len(by_sentence), **detail)


def checked_verdicts(
    content: str, listed: list[dict[str, Any]], verdicts: list[dict[str, Any]]
) -> tuple[dict[int, dict[str, Any]], list[str]]:
    kept: dict[int, dict[str, Any]] = {}
    corrections = []
    for verdict in verdicts:
        index = verdict["claim"]
        problem = _verdict_problem(content, listed, verdict)
        if problem:
            corrections.append(problem)
            if index < len(listed):
                kept[index] = {**verdict, "verdict": "needs_proof"}
        else:
            kept[index] = verdict
    return kept, corrections


def _verdict_problem(content: str, listed: list[dict[str, Any]], verdict: dict[str, Any]) -> str:
    index = verdict["claim"]
    if index >= len(listed):
        return f"Ignored a verdict on claim {index}: there are {plural(len(listed), 'claim')}."
    if verdict["verdict"] != "supported_in_text":
        return ""
    claim = listed[index]
    if claim["kind"] == "guarantee":
        return f"Kept '{claim['text']}' as needing proof: a guarantee is a promise, and no sentence proves it."
    quote = verdict["quote"]
    if not contains(content, quote):
        return f"Kept '{claim['text']}' as needing proof: the supporting quote {quoted(quote)} is not in the text."
    if contains(claim["sentence"], quote):
        return f"Kept '{claim['text']}' as needing proof: its support is quoted from its own sentence."
    return ""


def _claim_row(claim: dict[str, Any], verdict: dict[str, Any] | None) -> dict[str, Any]:
    severity = "error" if verdict and verdict["verdict"] == "misleading" else SEVERITY[claim["kind"]]
    fix = _FIX[claim["kind"]].format(w=claim["text"])
    row = {**claim, "severity": severity, "fix": fix[0].upper() + fix[1:] + ".", "verdict": "not_judged"}
    if verdict:
        row |= {"verdict": verdict["verdict"], "reason": verdict["reason"]}
    return row


def _claim_finding(sentence: str, rows: list[dict[str, Any]], total: int) -> dict[str, Any]:
    listed = ", ".join(f"'{r['text']}' ({r['kind'].replace('_', ' ')})" for r in rows)
    message = f"{quoted(sentence)} claims {listed} without proof in the text."
    reasons = [r["reason"] for r in rows if r.get("reason") and r["verdict"] == "misleading"]
    if reasons:
        message += " Model judgement: " + " ".join(reasons)
    fix = "; ".join(_FIX[r["kind"]].format(w=r["text"]) for r in rows)
    severity = "error" if any(r["severity"] == "error" for r in rows) else "warning"
    return issue("claims.unproven", severity, message, fix[0].upper() + fix[1:] + ".", 1 / total)
