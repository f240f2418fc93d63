"""Content creator: drafts a blog post, social post, email, ad or newsletter, measures it, and revises it until it
passes its checks.

**The model judges** (``ctx.llm_json``, schema ``PLAN``): the angle for this audience, the key message, the title
and sections (blog, newsletter), the company facts the piece will use (quoted from the company's words), the one
call to action and the hashtags. **The model writes** (``ctx.llm``, streamed into the run's events when the
version streams): the draft in Markdown from the checked plan, then each revision, given the checks that failed.

**Code computes and checks** (``content.check_draft``, one step per round; ``skills/library/content_check.py``):
the word target or the platform's character limit (X 280 characters and 2 hashtags, LinkedIn 1,300 and 3,
Instagram 2,200 and 30), every keyword used (and its density, for blog and newsletter), Flesch reading ease
against the target (textstat), claims and calls to action (the shared detectors, ``skills/library/claims.py``),
every figure traced to the company's or the request's words, the brand's never-use words, headings and markup;
and the plan: facts not found in the company's words are dropped, hashtags over the platform's limit are cut.
Failing checks go back to the model until they pass, ``max_rounds`` is reached or the budget refuses the next
call (``writing_rounds.py``: the best draft so far is returned, with the reason).

**Offline** (``ModelUnavailable``): nothing is drafted, and the output says so (``needs_model``). A ``draft``
the user supplies is measured by every check all the same, and its failing checks are listed with their fixes.
With a model, that draft is what the rounds revise. **Asks** (``ctx.ask``) before drafting when the company's
name, what it sells or the audience is unknown, instead of writing generic copy.

Defaults where the input leaves a choice: the platform is "email" for an email and "generic" otherwise; the
format is HTML for email (DOMAIN.md: email as HTML), plain text for X, LinkedIn and Instagram (they show
Markdown's markers as typed, and the characters counted are the ones posted) and Markdown otherwise.
"""

from __future__ import annotations

import json
from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from agents.specialists import writing_rounds as rounds
from agents.specialists.content_plan import PLAN, check_plan, draft_prompt, revise_prompt
from skills import registry as skills
from skills.library.content import CONTENT_TYPES, LENGTHS, PLATFORMS, TARGET_READING_EASE
from skills.library.content_seo import TARGET_DENSITY
from skills.library.content_text import FINDINGS_FIELD, FORMATS, KEYWORDS_FIELD, cut_at_word
from skills.library.writing import CHECKS_FIELD, DEFAULT_TOLERANCE, TOLERANCE_FIELD, stated_text

SKILLS = ("content.check_draft",)
SOCIAL_PLATFORMS = ("x", "linkedin", "instagram")
_SHORT = {"type": "string", "maxLength": 500}
_NULLABLE_OBJECT = {"type": ["object", "null"]}

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "topic"],
    "properties": {
        "type": {"enum": list(CONTENT_TYPES), "description": "What to write."},
        "topic": {"type": "string", "minLength": 1, "maxLength": 500, "description": "What the piece is about."},
        "tone": {**_SHORT, "default": "professional", "description": "The voice to write in, in a few words."},
        "audience": {**_SHORT, "description": "Who it is for; default: the foundation's audience."},
        "keywords": {**KEYWORDS_FIELD, "description": "Words the piece must use (each at least once)."},
        "platform": {"enum": list(PLATFORMS), "description": "Default: email for emails, otherwise generic."},
        "length": {"enum": list(LENGTHS), "default": "medium", "description": "Sets the word target (DOMAIN.md)."},
        "target_words": {"type": "integer", "minimum": 1, "maximum": 10000,
                         "description": "Words; overrides the target the type and length give."},
        "word_tolerance": TOLERANCE_FIELD,
        "format": {"enum": list(FORMATS), "description": "Default: html for email; plain for X, LinkedIn and "
                   "Instagram; markdown otherwise."},
        "target_reading_ease": {"type": "number", "minimum": 1, "maximum": 100, "default": TARGET_READING_EASE,
                                "description": "Flesch reading ease the text must reach (60: plain English)."},
        "target_density": {"type": "number", "minimum": 0, "maximum": 100, "default": TARGET_DENSITY,
                           "description": "Keyword occurrences per 100 words (blog and newsletter)."},
        "max_rounds": rounds.MAX_ROUNDS_FIELD,
        "draft": {"type": "string", "minLength": 1, "maxLength": 50000,
                  "description": "Your own draft (Markdown or plain text): every check runs on it; with a model, "
                  "the rounds revise it."},
        "foundation": rounds.FOUNDATION_INPUT,
    },
}  # fmt: skip


def _output_schema() -> dict[str, Any]:
    check = skills.get("content.check_draft").output_schema["properties"]
    stats = skills.get("content.text_stats").output_schema["properties"]

    def nullable(schema: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [schema, {"type": "null"}]}

    return {
        "type": "object",
        "required": [
            *("content", "format", "type", "platform", "target_words", "word_count", "read_time", "readability"),
            *("seo", "technical", "engagement", "platform_checks", "checks", "suggestions", "plan", "rounds"),
            *("final_round", "stopped", "stopped_reason", "written_by", "needs_model", "summary"),
        ],
        "properties": {
            "content": {"type": ["string", "null"], "description": "The best draft, as delivered (null: none)."},
            "format": {"enum": list(FORMATS)},
            "type": {"enum": list(CONTENT_TYPES)},
            "platform": {"enum": list(PLATFORMS)},
            "target_words": check["target_words"],
            "word_count": nullable(stats["word_count"]),
            "character_count": nullable(stats["character_count"]),
            "sentence_count": nullable(stats["sentence_count"]),
            "paragraph_count": nullable(stats["paragraph_count"]),
            "read_time": nullable(stats["read_time"]),
            **{key: _NULLABLE_OBJECT for key in ("readability", "seo", "technical", "engagement", "platform_checks")},
            "checks": {**CHECKS_FIELD, "description": "Every check of the shown draft."},
            "suggestions": {**FINDINGS_FIELD, "description": "The fixes for the shown draft's failing checks, "
                            "blocking ones (errors) first."},
            "plan": {**_NULLABLE_OBJECT, "description": "The model's plan, as code checked it."},
            **rounds.OUTCOME_PROPERTIES,
        },
    }  # fmt: skip


def settings_of(data: dict[str, Any]) -> dict[str, Any]:
    """The input with the platform, format, tone, length and tolerance defaults filled in (module docstring)."""
    platform = data.get("platform") or ("email" if data["type"] == "email" else "generic")
    default_format = "html" if platform == "email" else "plain" if platform in SOCIAL_PLATFORMS else "markdown"
    base = {"length": "medium", "tone": "professional", "word_tolerance": DEFAULT_TOLERANCE}
    return {**base, **data, "platform": platform, "format": data.get("format") or default_format}


def check_input(data: dict[str, Any], company: dict[str, Any], text: str) -> dict[str, Any]:
    """The input of ``content.check_draft`` for one draft."""
    keys = ("type", "platform", "format", "length", "target_words", "word_tolerance", "keywords", "tone",
            "target_reading_ease", "target_density")  # fmt: skip
    checked = {key: data[key] for key in keys if key in data}
    brief = {k: data.get(k) for k in ("topic", "audience", "keywords")}
    stated = stated_text(rounds.company_brief(company), brief)[:60000]
    own = {"own_words": data["draft"][:60000]} if "draft" in data else {}
    return {**checked, "text": text[:50000], "stated": stated, **own, "avoid": rounds.avoided(company)}


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    data = settings_of(data)
    company = rounds.company_of(ctx, data)
    if "draft" not in data:
        company, data = rounds.ask_essentials(ctx, company, data)
    writer = _Writer(ctx, data, company)
    user_draft = {"text": data["draft"]} if "draft" in data else None
    outcome = rounds.write_and_revise(
        ctx, writer.write, writer.measure, max_rounds=int(data.get("max_rounds", rounds.DEFAULT_ROUNDS)),
        user_draft=user_draft,
    )  # fmt: skip
    return _output(data, company, outcome, writer.plan)


class _Writer:
    """The content creator's side of the rounds: plan and draft, revise, measure."""

    def __init__(self, ctx: AgentContext, data: dict[str, Any], company: dict[str, Any]):
        self.ctx, self.data, self.company = ctx, data, company
        self.plan: dict[str, Any] | None = None

    def write(self, previous: rounds.Round | None) -> tuple[dict[str, Any], str]:
        if self.plan is None:
            self.ctx.progress("Planning the piece", type=self.data["type"], platform=self.data["platform"])
            prompt = _plan_prompt(self.data, self.company, previous)
            answer = self.ctx.llm_json(prompt, schema=PLAN, name="content_plan", purpose="content.plan")
            self.plan = check_plan(answer, self.data, self.company)
        if previous is None:
            text = self.ctx.llm(draft_prompt(self.data, self.company, self.plan), purpose="content.draft")
            return {"text": text.strip()}, "content.draft"
        prompt = revise_prompt(self.data, self.company, self.plan, previous)
        return {"text": self.ctx.llm(prompt, purpose="content.revise").strip()}, "content.revise"

    def measure(self, draft: dict[str, Any]) -> dict[str, Any]:
        return self.ctx.skill("content.check_draft", check_input(self.data, self.company, draft["text"]))


def _plan_prompt(data: dict[str, Any], company: dict[str, Any], previous: rounds.Round | None) -> str:
    request = {k: data[k] for k in ("type", "topic", "tone", "audience", "keywords", "platform", "length") if k in data}
    lines = [
        f"Plan a {data['type'].replace('_', ' ')} for {rounds.name_of(company)}.",
        f"The request (JSON): {json.dumps(request, ensure_ascii=False, sort_keys=True)}",
        f"The company, in its own words:\n{rounds.company_brief(company)}",
        "Quote every company fact word for word from these words or the request; plan no other fact, figure, "
        "customer or quote.",
    ]
    if previous is not None:
        lines.append(f"The user's draft, to be revised (keep what it says that is true):\n{previous.draft['text']}")
    return "\n\n".join(lines)


def _output(data: dict[str, Any], company: dict[str, Any], outcome: rounds.Outcome, plan: dict | None) -> dict:
    best = outcome.best
    measured = best.measured if best else None
    stopped = outcome.stopped if not (best and best.by == "user" and best.measured["passed"]) else "measured"
    result: dict[str, Any] = {
        "content": measured["content"] if measured else None,
        "format": data["format"],
        "type": data["type"],
        "platform": data["platform"],
        "target_words": measured["target_words"] if measured else None,
        **_stats(measured),
        "checks": measured["checks"] if measured else [],
        "suggestions": _suggestions(measured),
        "plan": plan,
        "rounds": rounds.round_records(outcome),
        "final_round": best.number if best else None,
        "stopped": stopped,
        "stopped_reason": outcome.reason,
        "written_by": best.by if best else None,
        "needs_model": _needs_model(outcome),
    }
    result["summary"] = _summary(data, company, outcome, stopped)
    return result


def _stats(measured: dict[str, Any] | None) -> dict[str, Any]:
    keys = ("word_count", "character_count", "sentence_count", "paragraph_count", "read_time")
    parts = ("readability", "seo", "technical", "engagement", "platform_checks")
    if measured is None:
        return dict.fromkeys((*keys, *parts))
    return {**{k: measured["stats"][k] for k in keys}, **{k: measured["measures"][k] for k in parts}}


def _suggestions(measured: dict[str, Any] | None) -> list[dict[str, str]]:
    if measured is None:
        return []
    failing = [c for c in measured["checks"] if not c["passed"]]
    ordered = [c for c in failing if c["blocking"]] + [c for c in failing if not c["blocking"]]
    return [{"check": c["id"], "severity": "error" if c["blocking"] else "info", "message": c["message"],
             "fix": c["fix"]} for c in ordered]  # fmt: skip


def _needs_model(outcome: rounds.Outcome) -> list[str]:
    if outcome.stopped != "no_model":
        return []
    if not outcome.rounds:
        return ["plan", "content", "rounds"]
    return ["plan", "revisions"] if outcome.rounds[-1].failed else []


def _summary(data: dict[str, Any], company: dict[str, Any], outcome: rounds.Outcome, stopped: str) -> str:
    piece = f"{rounds.name_of(company)}'s {data['type'].replace('_', ' ')} on '{cut_at_word(data['topic'], 80)}'"
    best = outcome.best
    if best is None:
        return f"Nothing was drafted for {piece}: writing needs a model, and none is configured that can write. " \
               "Send your own text as draft and every check runs on it."  # fmt: skip
    total = sum(1 for c in best.measured["checks"] if c["blocking"])
    failing = best.failed
    verdict = f"passes all {total} checks" if not failing else f"fails {len(failing)} of {total} checks " \
              f"({', '.join(failing)})"  # fmt: skip
    which = "your draft" if best.by == "user" else f"the draft of round {best.number}"
    text = f"For {piece}, {which} {verdict}."
    if stopped == "no_model" and failing:
        text += f" Revising {rounds.name_of(company)}'s draft needs a model, and none is configured that can write."
    elif stopped in ("round_limit", "budget_exceeded"):
        text += f" The rounds stopped ({stopped.replace('_', ' ')}): {outcome.reason}"
    return text


SPEC = register(
    AgentSpec(
        slug="content_creator",
        name="Content creator",
        category="content",
        description="Writes a blog post, social post, email, ad or newsletter on your topic, checks it (length, "
        "platform limits, keywords, readability, claims, call to action) and revises it until it passes; or "
        "checks and improves a draft you send.",
        input_schema=INPUT_SCHEMA,
        output_schema=_output_schema(),
        skills=SKILLS,
        routing_examples=(
            "write a LinkedIn post about our product launch",
            "draft a blog post on how small teams can cut customer churn",
            "I need a tweet announcing our new pricing",
            "can you write ad copy for our spring sale",
            "create a newsletter for this month's product updates",
            "write an 800-word article on onboarding best practices, SEO keywords: onboarding, activation",
            "give me three short social captions about remote work",
            "blog post please — topic: why founders should do sales themselves, friendly tone",
            "write something for X about our Series A",
            "draft a long-form piece for our blog about pricing experiments with the keyword 'SaaS pricing'",
            "compose a short promo text for Instagram about the summer webinar",
            "we need copy for a Google ad promoting our free plan",
            "turn our case study with Acme into a post for our company page",
            "write a thought-leadership piece for CTOs on AI code review",
        ),
        system_prompt="You are Raptorflow's content writer for founders and small teams. Write clear, specific, "
        "honest marketing copy for the audience and platform given, from the company's own words; never invent "
        "facts, figures, customers or quotes, and keep to every limit you are given.",
        run=run,
        example_input={
            "type": "social",
            "platform": "linkedin",
            "topic": "Why re-planning delivery routes during the day saves couriers fuel",
            "tone": "conversational",
            "audience": "Operations managers at regional courier companies",
            "keywords": ["route planning"],
            "length": "short",
            "foundation": {
                "company": "Routewise",
                "industry": "Logistics software",
                "description": "Routewise plans delivery routes for regional couriers and re-plans them when an "
                "order changes during the day.",
                "product": "A route planner that re-plans the day's stops when an order changes.",
                "audience": "Operations managers at regional courier companies with 10 to 200 vans.",
                "brand_voice": {"tone": "plain and practical", "dont": ["revolutionary", "game-changer"]},
            },
            "draft": "Most courier teams plan their routes once, at 6 in the morning. Then a customer moves a "
            "delivery, a van breaks down, a new order lands at 10. The plan from 6 is now wrong, and drivers "
            "make up the difference in miles.\n\nRoutewise re-plans the day's stops when an order changes, so "
            "the route your driver follows is the one that fits the orders you have now. Our revolutionary "
            "route planning cuts fuel costs by 30%.\n\nHow often does your plan change after the vans leave?",
        },
        max_tokens=4096,
    )
)
