"""Email specialist: writes a marketing email with an A/B pair of subjects, checks it for spam risk and best
practice, and revises it until it passes.

**The model judges and writes** (``ctx.llm_json``, schema ``EMAIL``, one call per round): two subjects written to
differ on one stated dimension (``benefit_vs_curiosity``, ``length`` or ``personalisation``; the input's
``ab_dimension`` when given, else its choice) with what each side does on it, the preheader and the body in
Markdown with ``{{field}}`` merge tags. Each revision gets the failing checks and the previous email.

**Code computes and checks** (``email.check_draft``, one step per round; ``skills/library/email_check.py``): the
spam score of the email sent with each subject (DOMAIN.md's rules, every rule that fired reported; both subjects
must stay in the low band with no subject rule fired), subject and preheader lengths, a call to action (the
shared detector), the body's word target and Flesch reading ease, claims and untraced figures over every line,
the brand's never-use words, that the two subjects really differ in their words (not by a label), and, where
code can see it, that they differ on the stated dimension (one fits a phone's 40-character preview and one does
not; exactly one is personalised). Failing checks go back to the model until they pass, ``max_rounds`` is reached
or the budget refuses the next call (``writing_rounds.py``: the best email so far is returned, with the reason).

**Offline** (``ModelUnavailable``): nothing is written, and the output says so (``needs_model``). An email the
user supplies (``draft``: subject, optionally a second subject and its dimension, preheader, body) is measured
by every check all the same. **Asks** (``ctx.ask``) before writing when the company's name, what it sells or the
audience is unknown.
"""

from __future__ import annotations

import json
from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from agents.specialists import writing_rounds as rounds
from skills import registry as skills
from skills.library.content import LENGTHS, TARGET_READING_EASE, target_words
from skills.library.content_text import FINDINGS_FIELD, cut_at_word
from skills.library.email_check import AB_DIMENSIONS, MOBILE_PREVIEW_CHARS
from skills.library.figures import find_figures
from skills.library.writing import CHECKS_FIELD, DEFAULT_TOLERANCE, TOLERANCE_FIELD, stated_text

SKILLS = ("email.check_draft",)
_SHORT = {"type": "string", "maxLength": 500}
_FIELD_NAMES = {"type": "array", "maxItems": 10,
                "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,39}$"}}  # fmt: skip
_SUBJECT = {"type": "string", "minLength": 1, "maxLength": 150}
_SIDE = {"type": "string", "minLength": 1, "maxLength": 200}
_NULLABLE_OBJECT = {"type": ["object", "null"]}

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["goal"],
    "properties": {
        "goal": {"type": "string", "minLength": 1, "maxLength": 500, "description": "What the email should achieve."},
        "audience": {**_SHORT, "description": "Who receives it; default: the foundation's audience."},
        "offer": {**_SHORT, "description": "What the email offers, in your words (its figures may be used)."},
        "tone": {**_SHORT, "default": "friendly", "description": "The voice to write in, in a few words."},
        "personalisation_fields": {**_FIELD_NAMES, "description": "Merge fields you hold for each recipient, "
                                   "e.g. first_name, company."},
        "ab_dimension": {"enum": list(AB_DIMENSIONS), "description": "What the two subjects should differ on; "
                         "default: the model chooses and says which."},
        "length": {"enum": list(LENGTHS), "default": "short",
                   "description": "The body's word target: short 100, medium 200, long 400 words (DOMAIN.md)."},
        "target_words": {"type": "integer", "minimum": 1, "maximum": 5000, "description": "Words in the body; "
                         "overrides the length's target."},
        "word_tolerance": TOLERANCE_FIELD,
        "target_reading_ease": {"type": "number", "minimum": 1, "maximum": 100, "default": TARGET_READING_EASE,
                                "description": "Flesch reading ease the body must reach (60: plain English)."},
        "max_rounds": rounds.MAX_ROUNDS_FIELD,
        "draft": {
            "type": "object",
            "additionalProperties": False,
            "required": ["subject", "body"],
            "description": "Your own email: every check runs on it; with a model, the rounds revise it.",
            "properties": {
                "subject": {"type": "string", "minLength": 1, "maxLength": 500},
                "subject_b": {"type": "string", "minLength": 1, "maxLength": 500,
                              "description": "The other subject of your A/B test."},
                "dimension": {"enum": list(AB_DIMENSIONS), "description": "What your two subjects differ on."},
                "preheader": _SHORT,
                "body": {"type": "string", "minLength": 1, "maxLength": 50000, "description": "Markdown."},
            },
        },
        "foundation": rounds.FOUNDATION_INPUT,
    },
}  # fmt: skip
EMAIL: dict[str, Any] = rounds.closed_object(
    {
        "subject_a": {**_SUBJECT, "description": "Subject A: the one sent when nobody runs the test."},
        "subject_b": {**_SUBJECT, "description": "Subject B: differs from A on the dimension, and only on it."},
        "dimension": {"enum": list(AB_DIMENSIONS), "description": "What the two subjects differ on."},
        "side_a": {**_SIDE, "description": "What subject A does on that dimension (e.g. 'names the saving')."},
        "side_b": {**_SIDE, "description": "What subject B does on that dimension (e.g. 'asks a question')."},
        "preheader": {"type": "string", "minLength": 1, "maxLength": 200},
        "body": {"type": "string", "minLength": 1, "maxLength": 20000,
                 "description": "The body in Markdown, with {{field}} merge tags."},
    }
)  # fmt: skip


def _output_schema() -> dict[str, Any]:
    spam = skills.get("email.spam_score").output_schema
    variant = {
        "type": "object",
        "required": ["label", "subject", "side", "characters", "spam_score", "spam_risk"],
        "properties": {
            "label": {"enum": ["A", "B"]},
            "subject": {"type": "string"},
            "side": {"type": ["string", "null"], "description": "What it does on the A/B dimension."},
            "characters": {"type": "integer", "minimum": 0},
            "spam_score": {"type": "number", "minimum": 0, "maximum": 1},
            "spam_risk": spam["properties"]["risk"],
        },
    }
    return {
        "type": "object",
        "required": [
            *("subject", "preheader", "body", "body_html", "variants", "ab_test", "spam", "best_practice"),
            *("readability", "checks", "suggestions", "rounds", "final_round", "stopped", "stopped_reason"),
            *("written_by", "needs_model", "summary"),
        ],
        "properties": {
            **{key: {"type": ["string", "null"]} for key in ("subject", "preheader", "body", "body_html")},
            "variants": {"type": "array", "maxItems": 2, "items": variant},
            "ab_test": {
                "type": ["object", "null"],
                "required": ["dimension", "checks"],
                "properties": {"dimension": {"enum": [*AB_DIMENSIONS, None]}, "checks": CHECKS_FIELD},
            },
            **{key: _NULLABLE_OBJECT for key in ("spam", "best_practice", "readability")},
            "checks": {**CHECKS_FIELD, "description": "Every check of the shown email."},
            "suggestions": {**FINDINGS_FIELD, "description": "Fixes for the failing checks, blocking ones first."},
            **rounds.OUTCOME_PROPERTIES,
        },
    }  # fmt: skip


def settings_of(data: dict[str, Any]) -> dict[str, Any]:
    return {"tone": "friendly", "length": "short", "word_tolerance": DEFAULT_TOLERANCE, **data}


def check_input(data: dict[str, Any], company: dict[str, Any], email: dict[str, Any]) -> dict[str, Any]:
    """The input of ``email.check_draft`` for one email (the model's or the user's)."""
    keys = ("personalisation_fields", "length", "target_words", "word_tolerance", "target_reading_ease")
    checked: dict[str, Any] = {key: data[key] for key in keys if key in data}
    checked |= {"subject": email["subject"][:500], "body": email["body"][:50000]}
    checked |= {k: email[k][:500] for k in ("subject_b", "preheader") if email.get(k)}
    checked |= {"dimension": email["dimension"]} if email.get("dimension") else {}
    checked |= {"requested_dimension": data["ab_dimension"]} if data.get("ab_dimension") else {}
    brief = {k: data.get(k) for k in ("goal", "audience", "offer")}
    checked["stated"] = stated_text(rounds.company_brief(company), brief)[:60000]
    if "draft" in data:
        checked["own_words"] = stated_text(data["draft"])[:60000]
    return {**checked, "avoid": rounds.avoided(company)}


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    data = settings_of(data)
    company = rounds.company_of(ctx, data)
    if "draft" not in data:
        company, data = rounds.ask_essentials(ctx, company, data)
    user_draft = dict(data["draft"]) if "draft" in data else None

    def write(previous: rounds.Round | None) -> tuple[dict[str, Any], str]:
        purpose = "email.draft" if previous is None else "email.revise"
        if previous is None:
            ctx.progress("Writing the email and its two subjects")
        answer = ctx.llm_json(_prompt(data, company, previous), schema=EMAIL, name="email", purpose=purpose)
        return _as_email(answer), purpose

    def measure(email: dict[str, Any]) -> dict[str, Any]:
        return ctx.skill("email.check_draft", check_input(data, company, email))

    outcome = rounds.write_and_revise(
        ctx, write, measure, max_rounds=int(data.get("max_rounds", rounds.DEFAULT_ROUNDS)), user_draft=user_draft
    )
    return _output(data, company, outcome)


def _as_email(answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "subject": answer["subject_a"],
        "subject_b": answer["subject_b"],
        "dimension": answer["dimension"],
        "sides": {"A": answer["side_a"], "B": answer["side_b"]},
        "preheader": answer["preheader"],
        "body": answer["body"],
    }


def _rules(data: dict[str, Any], company: dict[str, Any]) -> str:
    target = data.get("target_words") or target_words("email", data.get("length", "short"))
    tolerance = float(data.get("word_tolerance", DEFAULT_TOLERANCE))
    words = stated_text(rounds.company_brief(company), {k: data.get(k) for k in ("goal", "audience", "offer")})
    figures = sorted({f.text.strip() for f in find_figures(words)})
    fields = data.get("personalisation_fields", [])
    lines = [
        f"Body: about {target} words (between {round(target * (1 - tolerance))} and "
        f"{round(target * (1 + tolerance))}), Flesch reading ease "
        f"{data.get('target_reading_ease', TARGET_READING_EASE):g} or more, one clear call to action.",
        "Subjects: at most 60 characters each; no spam trigger words (free, offer, deal, discount, act now, "
        "urgent, limited time, guarantee…), no capitals-only subject, at most one exclamation mark.",
        "Preheader: 40 to 130 characters, adding a detail neither subject gives.",
        "No guarantee, superlative or absolute; no figure except these stated ones: "
        + (", ".join(figures) or "none") + ".",
        _dimension_rule(data.get("ab_dimension"), fields),
    ]  # fmt: skip
    if fields:
        lines.append("Merge tags you may use: " + ", ".join("{{" + f + "}}" for f in fields) + ".")
    if rounds.avoided(company):
        lines.append(f"Never use: {', '.join(rounds.avoided(company))}.")
    return "\n".join(f"- {line}" for line in lines)


def _dimension_rule(requested: str | None, fields: list[str]) -> str:
    rules = {
        "benefit_vs_curiosity": "one subject states the benefit, the other raises a question it leaves open",
        "length": f"one subject fits in {MOBILE_PREVIEW_CHARS} characters (a phone's preview), the other is longer",
        "personalisation": "exactly one subject uses a merge tag",
    }
    if requested:
        return f"The two subjects differ on {requested}: {rules[requested]}; in nothing else."
    usable = [d for d in rules if d != "personalisation" or fields]
    listed = "; ".join(f"{d} ({rules[d]})" for d in usable)
    return f"The two subjects differ on one dimension you choose and name: {listed}."


def _prompt(data: dict[str, Any], company: dict[str, Any], previous: rounds.Round | None) -> str:
    request = {k: data[k] for k in ("goal", "audience", "offer", "tone") if k in data}
    head = (
        f"{'Write' if previous is None else 'Revise'} a marketing email for {rounds.name_of(company)}.\n"
        f"The request (JSON): {json.dumps(request, ensure_ascii=False, sort_keys=True)}\n\n"
        f"The company, in its own words (use these facts and invent no other):\n{rounds.company_brief(company)}\n\n"
        f"The email is measured against these rules:\n{_rules(data, company)}"
    )
    if previous is None:
        return head
    email = {k: v for k, v in previous.draft.items() if k != "sides"}
    return (
        f"{head}\n\nIt fails these checks:\n{rounds.failures_prompt(previous.measured)}\n"
        f"Keep these passing: {rounds.passing_prompt(previous.measured)}.\n\n"
        f"The email (JSON):\n{json.dumps(email, ensure_ascii=False, indent=1)}\n\nAnswer with the whole revised email."
    )


def _output(data: dict[str, Any], company: dict[str, Any], outcome: rounds.Outcome) -> dict[str, Any]:
    best = outcome.best
    stopped = "measured" if best and best.by == "user" and best.measured["passed"] else outcome.stopped
    email, measured = (best.draft, best.measured) if best else ({}, None)
    result: dict[str, Any] = {
        "subject": email.get("subject"),
        "preheader": email.get("preheader") if best else None,
        "body": email.get("body"),
        "body_html": measured["body_html"] if measured else None,
        "variants": _variants(email, measured),
        "ab_test": _ab_test(email, measured),
        "spam": measured["spam"]["a"] if measured else None,
        "best_practice": measured["best_practice"] if measured else None,
        "readability": measured["readability"] if measured else None,
        "checks": measured["checks"] if measured else [],
        "suggestions": _suggestions(measured),
        "rounds": rounds.round_records(outcome),
        "final_round": best.number if best else None,
        "stopped": stopped,
        "stopped_reason": outcome.reason,
        "written_by": best.by if best else None,
        "needs_model": _needs_model(outcome, email),
    }
    result["summary"] = _summary(data, company, outcome, stopped)
    return result


def _variants(email: dict[str, Any], measured: dict[str, Any] | None) -> list[dict[str, Any]]:
    if measured is None:
        return []
    sides = email.get("sides") or {}
    out = []
    for label, key in (("A", "subject"), ("B", "subject_b")):
        if email.get(key):
            spam = measured["spam"][label.lower()]
            out.append({"label": label, "subject": email[key], "side": sides.get(label), "characters":
                        len(email[key]), "spam_score": spam["score"], "spam_risk": spam["risk"]})  # fmt: skip
    return out


def _ab_test(email: dict[str, Any], measured: dict[str, Any] | None) -> dict[str, Any] | None:
    if measured is None or not email.get("subject_b"):
        return None
    return {"dimension": email.get("dimension"), "checks": [c for c in measured["checks"] if c["id"].startswith("ab.")]}


def _suggestions(measured: dict[str, Any] | None) -> list[dict[str, str]]:
    if measured is None:
        return []
    failing = [c for c in measured["checks"] if not c["passed"]]
    ordered = [c for c in failing if c["blocking"]] + [c for c in failing if not c["blocking"]]
    return [{"check": c["id"], "severity": "error" if c["blocking"] else "info", "message": c["message"],
             "fix": c["fix"]} for c in ordered]  # fmt: skip


def _needs_model(outcome: rounds.Outcome, email: dict[str, Any]) -> list[str]:
    if outcome.stopped != "no_model":
        return []
    if not outcome.rounds:
        return ["subject", "variants", "preheader", "body"]
    needs = [] if email.get("subject_b") else ["variants[1]"]
    return needs + (["revisions"] if outcome.rounds[-1].failed else [])


def _summary(data: dict[str, Any], company: dict[str, Any], outcome: rounds.Outcome, stopped: str) -> str:
    piece = f"{rounds.name_of(company)}'s email to '{cut_at_word(data['goal'], 80)}'"
    best = outcome.best
    if best is None:
        return f"Nothing was written for {piece}: writing needs a model, and none is configured that can write. " \
               "Send your own email as draft and every check runs on it."  # fmt: skip
    total = sum(1 for c in best.measured["checks"] if c["blocking"])
    failing = best.failed
    verdict = f"passes all {total} checks" if not failing else f"fails {len(failing)} of {total} checks " \
              f"({', '.join(failing)})"  # fmt: skip
    which = "your email" if best.by == "user" else f"the email of round {best.number}"
    text = f"For {piece}, {which} {verdict}."
    if stopped == "no_model" and failing:
        text += f" Revising {rounds.name_of(company)}'s email needs a model, and none is configured that can write."
    elif stopped in ("round_limit", "budget_exceeded"):
        text += f" The rounds stopped ({stopped.replace('_', ' ')}): {outcome.reason}"
    return text


SPEC = register(
    AgentSpec(
        slug="email_specialist",
        name="Email specialist",
        category="communication",
        description="Writes a marketing email — subject line, preview text and body, with two A/B subjects that "
        "differ on one stated dimension — checks its spam risk, claims and best practice, and revises it until "
        "it passes; or checks and improves an email you send.",
        input_schema=INPUT_SCHEMA,
        output_schema=_output_schema(),
        skills=SKILLS,
        routing_examples=(
            "write an email to trial users asking them to upgrade",
            "draft a cold outreach email to heads of marketing at fintech startups",
            "I need subject lines to A/B test for our webinar invite",
            "will this email land in spam?",
            "create a re-engagement email for customers who haven't logged in for 30 days",
            "write the welcome email new signups get",
            "email campaign announcing our 20% annual discount",
            "give me a subject line and preview text for the product update mail",
            "compose a follow-up after the demo call, personalised with first name and company",
            "write an announcement to our mailing list that version 2 is live",
            "help me write a nurture email for leads who downloaded the ebook",
            "draft a friendly reminder that the early-bird price ends Friday",
            "what should we send to churned customers to win them back",
        ),
        system_prompt="You are Raptorflow's email marketer. Write short, specific, honest emails from the "
        "company's own words that respect the reader: no spam trigger words, no all-caps, at most one exclamation "
        "mark, one clear call to action, and no fact or figure the company did not state.",
        run=run,
        example_input={
            "goal": "Get trial users to upgrade to the Pro plan before their trial ends",
            "audience": "Operations managers at logistics companies on a 14-day trial",
            "offer": "20% off the first year of Pro",
            "tone": "friendly",
            "personalisation_fields": ["first_name", "company"],
            "ab_dimension": "personalisation",
            "foundation": {
                "company": "Routewise",
                "industry": "Logistics software",
                "description": "Routewise plans delivery routes for regional couriers and re-plans them when an "
                "order changes during the day.",
                "product": "A route planner that re-plans the day's stops when an order changes.",
                "audience": "Operations managers at regional courier companies with 10 to 200 vans.",
            },
            "draft": {
                "subject": "Your Routewise trial ends soon",
                "subject_b": "{{first_name}}, your Routewise trial ends soon",
                "dimension": "personalisation",
                "preheader": "Keep the routes you planned this fortnight: 20% off the first year of Pro.",
                "body": "Hi {{first_name}},\n\nYour 14-day Routewise trial ends on Friday. Upgrade now for the "
                "best route planner on the market!\n\nUpgrade to Pro: https://routewise.example/upgrade",
            },
        },
        max_tokens=2048,
    )
)
