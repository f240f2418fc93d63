"""The quality checker's model judgement: what it is asked, the schema it answers in, and what is left offline.

The model judges what code cannot measure — the text against the brand voice guidelines, whether its tone engages
its reader, and whether each claim the shared detector found is backed by the text — in one structured answer
(``JUDGE_SCHEMA``). Code checks it in the area skills (``quality.brand_voice``, ``quality.engagement``,
``quality.claims``) and keeps all the arithmetic.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from agents.registry import AgentContext, ModelUnavailable
from skills.library.content_text import parse_document
from skills.library.quality import TYPE_NAMES, VOICE_JUDGEMENT, checked_voice, quoted, sentences
from skills.library.quality_claims import CLAIM_VERDICT, checked_verdicts
from skills.library.quality_measures import TONE_JUDGEMENT

MAX_RULES = 50  # the brand voice skill's limits
MAX_RULE_CHARS = 200
MAX_PROMPT_TEXT = 20000  # characters of the piece shown to the model; the rest is measured by code only

JUDGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["voice", "tone", "claims"],
    "properties": {
        "voice": VOICE_JUDGEMENT,
        "tone": TONE_JUDGEMENT,
        "claims": {"type": "array", "maxItems": 200, "items": CLAIM_VERDICT},
    },
}
SYSTEM = (
    "You judge marketing copy for a quality check. Code has already measured length, readability, SEO, links, "
    "mechanics and which sentences make claims; you judge only what it cannot: the brand voice, the tone, and "
    "whether each listed claim is backed by the text itself. Quote the text verbatim; never invent problems."
)


@dataclass(frozen=True)
class Voice:
    """The brand voice a text is checked against: literal rules (code) and guidelines in words (a model)."""

    do: list[str]
    dont: list[str]
    guidelines: list[str]


def voice_of(foundation: dict[str, Any], data: dict[str, Any]) -> Voice:
    """Input rules are words to use or avoid; the foundation's "don't" words are avoided literally too (as the
    writing agents avoid them), and its tone and advice are guidelines a model judges."""
    given = data.get("brand_voice") or {}
    company = foundation.get("brand_voice") or {}
    dont = [*given.get("dont", []), *company.get("dont", [])]
    guidelines = [company.get("tone", ""), *company.get("do", []), *(f"avoid {w}" for w in company.get("dont", []))]
    return Voice(_capped(given.get("do", [])), _capped(dont), _capped(guidelines))


def _capped(phrases: list[str]) -> list[str]:
    kept = [" ".join(p.split())[:MAX_RULE_CHARS] for p in phrases if p.strip()]
    return list(dict.fromkeys(kept))[:MAX_RULES]


def judge(
    ctx: AgentContext, data: dict[str, Any], gates: dict[str, Any], voice: Voice
) -> tuple[dict[str, Any] | None, list[str], bool]:
    """The model's judgement, checked and sent back once with its problems; offline None and what needs a model.

    Returns (judgement, needs_model, revised)."""
    asked = prompt(ctx.foundation, data, gates, voice)
    try:
        answer = ctx.llm_json(asked, schema=JUDGE_SCHEMA, name="quality_judgement", system=SYSTEM,
                              purpose="quality.judge")  # fmt: skip
    except ModelUnavailable:
        return None, needs_model(data, gates, voice), False
    found = problems(answer, data, gates, voice)
    if not found:
        return answer, [], False
    # Without a second answer the first stands: the area skills drop what code cannot confirm, and say so.
    with contextlib.suppress(ModelUnavailable):
        answer = ctx.llm_json(revise_prompt(asked, answer, found), schema=JUDGE_SCHEMA, name="quality_judgement",
                              system=SYSTEM, purpose="quality.revise")  # fmt: skip
    return answer, [], True


def problems(answer: dict[str, Any], data: dict[str, Any], gates: dict[str, Any], voice: Voice) -> list[str]:
    """What code cannot confirm in the model's judgement: the same checks the area skills apply, plus gaps."""
    plain = parse_document(data["content"], data.get("format", "markdown")).plain
    found = []
    if voice.guidelines and answer["voice"] is None:
        found.append("voice is null, but brand voice guidelines were given: judge the text against them.")
    found += checked_voice(plain, voice.guidelines, answer["voice"])[1]
    found += checked_verdicts(data["content"], gates["claims"], answer["claims"])[1]
    judged = {verdict["claim"] for verdict in answer["claims"]}
    found += [
        f"Claim {c['index']} ('{c['text']}') has no verdict." for c in gates["claims"] if c["index"] not in judged
    ]
    return found


def revise_prompt(asked: str, answer: dict[str, Any], found: list[str]) -> str:
    listed = "\n".join(f"- {problem}" for problem in found)
    return (
        f"Code could not confirm parts of your judgement:\n{listed}\n\nAnswer again, in full, fixing these: quote "
        "the text verbatim, name only the guidelines given, and judge every claim by its number.\n\n"
        f"Your answer was: {json.dumps(answer)}\n\nThe request was:\n\n{asked}"
    )


def prompt(foundation: dict[str, Any], data: dict[str, Any], gates: dict[str, Any], voice: Voice) -> str:
    company = foundation.get("company") or "the company"
    lines = [
        f"A {TYPE_NAMES[data['type']]} by {company} for {foundation.get('audience') or 'its readers'}.",
        f"Brand voice guidelines (copy one verbatim in each breach): {json.dumps(voice.guidelines)}"
        if voice.guidelines
        else "There are no brand voice guidelines: answer voice as null.",
        f"The tone asked for: {data['tone']}." if data.get("tone") else "No tone was asked for.",
        "Claims the detector found (judge each by its claim number; quote the supporting words for "
        f"supported_in_text): {json.dumps(gates['claims'])}",
        "The text:",
        data["content"][:MAX_PROMPT_TEXT],
    ]
    return "\n\n".join(lines)


def first_sentence(data: dict[str, Any]) -> str:
    """The piece's first sentence (its title when it has one), without markup."""
    split = sentences(parse_document(data["content"], data.get("format", "markdown")).plain)
    return split[0] if split else ""


def needs_model(data: dict[str, Any], gates: dict[str, Any], voice: Voice) -> list[str]:
    """What only a model can judge, in this text's and this company's words."""
    first = first_sentence(data)
    needs = []
    if voice.guidelines:
        needs.append(
            "Brand voice: whether the text follows " + "; ".join(quoted(g) for g in voice.guidelines[:5]) + "."
        )
    tone = f", and whether it reads as '{data['tone']}'" if data.get("tone") else ""
    needs.append(f"Engagement: whether the tone of {quoted(first)} and what follows engages its reader{tone}.")
    claims = gates["claims"]
    if claims:
        listed = ", ".join(f"'{c['text']}'" for c in claims[:5]) + (" …" if len(claims) > 5 else "")
        needs.append(f"Claims: whether the text itself backs {_each(len(claims))} ({listed}).")
    return needs


def _each(count: int) -> str:
    return "its claim" if count == 1 else f"each of its {count} claims"
