"""Quality checker: grades a finished piece on what could be measured, and says which fixes would raise it most.

**Code computes and checks** (skills ``quality.*``; rules in ``skills/library/quality*.py``):

- two **gates** (``quality.substance``): the type's minimum length (the short word target less the writing
  agents' 20 % tolerance; ``min_words`` overrides it) and substance (at least one plain statement, and no more
  claim sentences than statements). A failed gate is an F whatever the scores: an empty, one-word or all-claims
  text is not a piece of its type;
- seven **areas**, each measured only where it can be, else reported **not measured** and left out of the score
  and its weights (never counted as perfect): grammar and mechanics; readability (Flesch, from 100 words);
  SEO (blog posts and newsletters; keyword parts only with target keywords); brand voice (literal rules: the
  input's words to use and avoid and the foundation's words to avoid); engagement (length fit, a call to action
  and a question, by the shared detector); technical (links in HTML and Markdown alike, headings, images, markup,
  each where present); claims (the shared detector: guarantees, superlatives, absolutes, unsourced figures);
- the **grade** (``quality.grade``): equal weights renormalised over the measured areas (shown; ``weights``
  overrides them), the school letter scale, and the three fixes that raise the grade most, each estimated by
  adding the fix's area gain and recomputing the weighted score.

**The model judges** (``ctx.llm_json``, ``quality_judgement.JUDGE_SCHEMA``), in one structured answer: the text
against the company's brand voice guidelines (its foundation's tone and advice) with verbatim quotes, whether its
tone engages its reader, and whether each detected claim is backed by the text. **Code checks it**: quotes not in
the text and guidelines not given are dropped; a guarantee is never cleared; a claim is not backed by its own
sentence; every claim needs a verdict. What code cannot confirm goes back to the model once (``quality.revise``,
the problems listed); what still fails after that is dropped and reported in ``corrections``. Judgements are
labelled (``basis``, ``source: model``) and only enter the parts they judge.

**Offline** (``ModelUnavailable``): everything above that code measures, and ``needs_model`` lists the brand voice
guidelines, the tone and the claims' backing in this text's own words. **Asks** (``ctx.ask``) for the target
keywords of a blog post or newsletter that gives none (an empty answer means none); never for a text that fails a
gate, which is an F anyway — nor is the model called for one.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills.library.content import CONTENT_TYPES, LENGTHS, LONG_FORM_TYPES, TARGET_READING_EASE
from skills.library.content_seo import TARGET_DENSITY
from skills.library.content_text import FORMATS, KEYWORDS_FIELD, by_severity
from skills.library.quality import AREAS, BASES, ISSUE_SCHEMA, SCORE_OR_NULL, SHARE, TYPE_NAMES, quoted
from skills.library.quality_grade import GATE, GRADES

from . import quality_judgement as judgement
from .quality_judgement import Voice

SKILLS = (
    "quality.substance",
    "quality.mechanics",
    "quality.readability",
    "quality.seo",
    "quality.brand_voice",
    "quality.engagement",
    "quality.technical",
    "quality.claims",
    "quality.grade",
)
_RULES = {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 200}}
_TEXT = {"type": "string"}

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["content", "type"],
    "properties": {
        "content": {"type": "string", "maxLength": 50000, "description": "The piece as it will go out (an empty "
                    "text is graded F)."},
        "type": {"enum": list(CONTENT_TYPES), "description": "What the piece is: its minimum length and which "
                 "areas apply follow from it."},
        "format": {"enum": list(FORMATS), "default": "markdown", "description": "How the content is marked up."},
        "keywords": {**KEYWORDS_FIELD, "description": "Target search keywords (blog posts and newsletters). Left "
                     "out, the checker asks; [] means none, and SEO is graded without its keyword parts."},
        "brand_voice": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"do": _RULES, "dont": _RULES},
            "description": "Words or phrases the brand uses (do) and never uses (dont), checked literally, on top "
            "of the foundation's brand voice.",
        },
        "tone": {"type": "string", "maxLength": 500, "description": "The tone the piece should have (a model "
                 "judges the text against it)."},
        "length": {"enum": list(LENGTHS), "description": "The length asked for; without it, any length from the "
                   "type's short to its long word target fits."},
        "min_words": {"type": "integer", "minimum": 1, "maximum": 10000, "description": "The fewest words the "
                      "piece may have (words); default: the type's short target less 20 %."},
        "target_reading_ease": {"type": "number", "minimum": 1, "maximum": 100, "default": TARGET_READING_EASE,
                                "description": "Flesch reading ease (0–100) counted as full marks."},
        "target_density": {"type": "number", "minimum": 0, "maximum": 100, "default": TARGET_DENSITY,
                           "description": "Keyword occurrences per 100 words counted as full marks."},
        "weights": {
            "type": "object",
            "properties": dict.fromkeys(AREAS, SHARE),
            "additionalProperties": False,
            "description": "Relative weight per area, 0–1 (default: equal); renormalised over the measured areas.",
        },
    },
}  # fmt: skip
_AREA_VIEW = {
    "type": "object",
    "required": ["measured", "score", "weight", "basis", "reason"],
    "properties": {
        "measured": {"type": "boolean"},
        "score": SCORE_OR_NULL,
        "weight": {**SHARE, "description": "Its share of the grade (0 when not measured)."},
        "basis": {"enum": list(BASES)},
        "reason": _TEXT,
    },
}
_AREA_MAP = {"type": "object", "properties": dict.fromkeys(AREAS, SHARE), "additionalProperties": False}


def _output_schema() -> dict[str, Any]:
    from skills import registry as skills

    grade = skills.get("quality.grade").output_schema["properties"]
    gate = skills.get("quality.substance").output_schema["properties"]["gates"]
    claims = skills.get("quality.claims").output_schema["properties"]["claims"]
    issue = {**ISSUE_SCHEMA, "required": [*ISSUE_SCHEMA["required"], "area"]}
    issue["properties"] = {**ISSUE_SCHEMA["properties"], "area": {"enum": [*AREAS, GATE]}}
    return {
        "type": "object",
        "required": ["grade", "score", "grade_reason", "gates", "areas", "weights", "contributions", "not_measured",
                     "issues", "top_fixes", "claims", "calls_to_action", "judged_by", "revised", "corrections",
                     "needs_model", "details"],
        "properties": {
            "grade": {"enum": list(GRADES)},
            "score": {**SCORE_OR_NULL, "description": "Σ weight × score over the measured areas (0–1)."},
            "grade_reason": _TEXT,
            "gates": gate,
            "areas": {"type": "object", "required": list(AREAS), "properties": dict.fromkeys(AREAS, _AREA_VIEW)},
            "weights": {**_AREA_MAP, "description": "The measured areas' weights; they sum to 1."},
            "contributions": _AREA_MAP,
            "not_measured": {"type": "array", "items": {"type": "object", "required": ["area", "reason"],
                             "properties": {"area": {"enum": list(AREAS)}, "reason": _TEXT}}},
            "issues": {"type": "array", "items": issue},
            "top_fixes": grade["top_fixes"],
            "claims": claims,
            "calls_to_action": {"type": "array", "items": _TEXT},
            "judged_by": {"enum": ["code and model", "code"], "description": "Whether a model judged anything."},
            "revised": {"type": "boolean", "description": "The model's judgement went back once with what code "
                        "could not confirm in it."},
            "corrections": {"type": "array", "items": _TEXT, "description": "What code refused in the model's "
                            "judgement, and why."},
            "needs_model": {"type": "array", "items": _TEXT, "description": "What only a model can judge, left "
                            "unjudged here."},
            "details": {"type": "object", "required": list(AREAS), "properties": {a: {"type": "object"}
                        for a in AREAS}},
        },
    }  # fmt: skip


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    text = {"content": data["content"], "format": data.get("format", "markdown")}
    ctx.progress("Checking that the text is long enough and says something")
    gates = ctx.skill("quality.substance", {**text, "type": data["type"], **_pick(data, "min_words")})
    passed = all(gate["passed"] for gate in gates["gates"])
    keywords = data.get("keywords")
    if keywords is None and passed and data["type"] in LONG_FORM_TYPES:
        keywords = ctx.ask([_keywords_question(ctx.foundation, data)])["keywords"]
    voice = judgement.voice_of(ctx.foundation, data)
    judged, needs, revised = judgement.judge(ctx, data, gates, voice) if passed else (None, [], False)
    ctx.progress("Measuring mechanics, readability, SEO, brand voice, engagement, links and claims")
    areas = _measure(ctx, data, text, keywords or [], voice, judged)
    graded = ctx.skill("quality.grade", _grade_input(data, gates, areas))
    return {**_output(gates, areas, graded, judged, needs), "revised": revised}


def _pick(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: data[key] for key in keys if key in data}


def _keywords_question(foundation: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    kind = TYPE_NAMES[data["type"]]
    first = judgement.first_sentence(data)
    company = foundation.get("company") or "your company"
    return {
        "key": "keywords",
        "prompt": f"Which search phrases should {company}'s {kind} {quoted(first)} rank for? Give up to 20; an "
        "empty list means none, and SEO is then graded without its keyword checks.",
        "schema": {**KEYWORDS_FIELD, "items": {"type": "string", "minLength": 1, "maxLength": 100}},
        "required": True,
    }


def _measure(
    ctx: AgentContext,
    data: dict[str, Any],
    text: dict[str, Any],
    keywords: list[str],
    voice: Voice,
    judged: dict[str, Any] | None,
) -> dict[str, dict[str, Any]]:
    kind = {"type": data["type"]}
    voice_input = {"do": voice.do, "dont": voice.dont, "guidelines": voice.guidelines}
    return {
        "grammar": ctx.skill("quality.mechanics", text),
        "readability": ctx.skill("quality.readability", {**text, **_pick(data, "target_reading_ease")}),
        "seo": ctx.skill("quality.seo", {**text, **kind, "keywords": keywords, **_pick(data, "target_density")}),
        "brand_voice": ctx.skill(
            "quality.brand_voice", {**text, **voice_input, "judgement": judged["voice"] if judged else None}
        ),
        "engagement": ctx.skill(
            "quality.engagement",
            {**text, **kind, **_pick(data, "length"), **({"tone": judged["tone"]} if judged else {})},
        ),
        "technical": ctx.skill("quality.technical", text),
        "claims": ctx.skill("quality.claims", {**text, **({"verdicts": judged["claims"]} if judged else {})}),
    }


def _grade_input(data: dict[str, Any], gates: dict[str, Any], areas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    fixes = [
        {"area": name, **{k: f[k] for k in ("check", "severity", "message", "fix", "gain")}}
        for name, result in areas.items()
        for f in result["findings"]
        if f["gain"] > 0
    ]
    fixes += [_gate_issue(g) for g in gates["gates"] if not g["passed"]]
    return {
        "scores": {name: result["score"] for name, result in areas.items()},
        "gates": [{"gate": g["gate"], "passed": g["passed"]} for g in gates["gates"]],
        "fixes": fixes,
        **_pick(data, "weights"),
    }


def _gate_issue(gate: dict[str, Any]) -> dict[str, Any]:
    return {"check": f"gate.{gate['gate']}", "area": GATE, "gate": gate["gate"], "severity": "error",
            "message": gate["message"], "fix": gate["fix"], "gain": 0.0}  # fmt: skip


def _output(
    gates: dict[str, Any],
    areas: dict[str, dict[str, Any]],
    graded: dict[str, Any],
    judged: dict[str, Any] | None,
    needs: list[str],
) -> dict[str, Any]:
    issues = [{**f, "area": name} for name, result in areas.items() for f in result["findings"]]
    issues += [{**_gate_issue(g), "source": "code"} for g in gates["gates"] if not g["passed"]]
    shared = ("measured", "score", "basis", "reason", "findings", "corrections")
    return {
        "grade": graded["grade"],
        "score": graded["score"],
        "grade_reason": graded["grade_reason"],
        "gates": gates["gates"],
        "areas": {name: _area_view(result, graded["weights"].get(name, 0.0)) for name, result in areas.items()},
        "weights": graded["weights"],
        "contributions": graded["contributions"],
        "not_measured": [{"area": name, "reason": r["reason"]} for name, r in areas.items() if not r["measured"]],
        "issues": by_severity(issues),
        "top_fixes": graded["top_fixes"],
        "claims": areas["claims"]["claims"],
        "calls_to_action": gates["calls_to_action"],
        "judged_by": "code and model" if judged else "code",
        "corrections": [c for result in areas.values() for c in result.get("corrections", [])],
        "needs_model": needs,
        "details": {name: {k: v for k, v in r.items() if k not in shared} for name, r in areas.items()},
    }


def _area_view(result: dict[str, Any], weight: float) -> dict[str, Any]:
    view = {k: result[k] for k in ("measured", "score", "basis", "reason")}
    return {**view, "weight": weight}


EXAMPLE_POST = """# How onboarding emails cut churn in the first month

Most of the customers who leave a subscription product leave in their first weeks. They sign up, look around, \
and never reach the first result that made them sign up. No discount brings them back, because they never saw \
what they were paying for. Onboarding emails fix that when each one moves the customer one step closer to value. \
In this post we share the sequence we use with our own customers and what it did to churn.

## Send the first email within an hour

The first onboarding email should arrive while the product is still open in another tab. Keep it to one task: \
connect your data source. Customers who finish that task in the first hour tend to stay, so the email links \
straight to the setup page and nothing else. We write it in plain words, from a person, and we sign it.

## Follow the customer, not the calendar

The next emails go out when the customer does something, or stops doing it. Someone who connected their data \
gets a short note on the first report worth reading. Someone who stalled gets a question: what got in the way? \
The replies tell us more about churn than any dashboard does, and they often show a step we can remove.

## Measure what the sequence changes

Compare customers who received the sequence with those who signed up before it existed. Look at how many \
reach their first result in week one, and how many are still paying after a month.

Want to see the full sequence? [Download the templates](https://example.com/onboarding-templates) and try them \
with your next group of customers.
"""


SPEC = register(
    AgentSpec(
        slug="quality_checker",
        name="Quality checker",
        category="content",
        description="Checks a piece of content before it goes out — length and substance for its type, grammar, "
        "readability, SEO, brand voice, engagement, links and claims — and grades what it could measure from A+ "
        "to F, with the three fixes that would raise the grade most.",
        input_schema=INPUT_SCHEMA,
        output_schema=_output_schema(),
        skills=SKILLS,
        routing_examples=(
            "check this blog post before we publish it",
            "grade my landing page copy",
            "is this LinkedIn post on brand?",
            "proofread this newsletter and tell me what to fix",
            "score the quality of our product announcement",
            "review my draft for readability and SEO",
            "does this ad copy follow our brand voice guidelines? we never say 'cheap' or 'synergy'",
            "QA this email copy before it goes to the whole list",
            "how good is this article, out of 100?",
            "find the problems in this text",
            "audit this post: keyword density, headings, broken links",
            "give this draft a grade and a list of issues",
            "can you sanity-check our About page wording",
        ),
        system_prompt="You check marketing content. Code measures length, substance, mechanics, readability, SEO, "
        "links and claims; you judge only the brand voice, the tone and whether each detected claim is backed by "
        "the text, quoting it verbatim. You never rewrite the content and never invent problems.",
        run=run,
        example_input={
            "type": "blog",
            "format": "markdown",
            "content": EXAMPLE_POST,
            "keywords": ["onboarding emails", "churn"],
            "brand_voice": {"do": ["customers"], "dont": ["synergy", "cheap", "revolutionary"]},
            "tone": "conversational",
            "length": "short",
        },
    )
)
