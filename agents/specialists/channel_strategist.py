"""Channel strategist: which of the twelve marketing channels this company should run now, within its budget and team.

**The model judges** (``llm_json``, ``JUDGEMENT_SCHEMA``), from the foundation and the input: how well each of the
twelve channels fits this company (0–1) with one to three reasons grounded in what it sells and to whom; a cost
per lead for each paid channel whose cost the input did not give (USD, a low–high range with its basis: a
labelled estimate); the channels to run now, best first; a short judgement.

**Code computes and checks** (skills/library/channels.py): how many channels the team can run at once (the input's
figure, else one owner per channel and at most three: the Bullseye framework); each paid channel's minimum
effective monthly spend = the conversions its bidding needs to learn (a platform's published rule with its
source, or a labelled estimate with range and basis) × the cost per lead; which picks can be active (capacity,
then budget: a paid pick only when what is left covers its minimum, so a $0 budget never makes a paid channel
primary); roles, priorities and the budget to the cent (each active paid channel's minimum, the rest by fit). It
checks the model: every channel judged exactly once (the schema), cost ranges ordered, reasons free of
guarantees and superlatives (skills/library/claims.py), and every pick the rules refuse is reported with why.

**Offline** (no model: ``ModelUnavailable``): the same rules on the stated inputs. The picks are the user's
``shortlist`` (in their order); a shortlisted paid channel without a cost per lead is asked for (the answer is
optional: unanswered, its minimum spend stays unknown and it is not funded). Fit, reasons and the judgement are
listed in ``needs_model``; the summary is written from the company's own words and the computed figures.

When nothing (foundation or input) says what the company sells, the agent asks before judging anything.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, ModelUnavailable, register
from skills import registry as skills
from skills.library.channels import CHANNEL_LABELS, CHANNELS, PAID
from skills.library.claims import find_claims
from skills.library.plan_words import Company, company_from, listed, offer_question, plural, usd

_RULES_IN = skills.get("channels.rules").input_schema["properties"]
_PLAN_ROW = skills.get("channels.plan").output_schema["properties"]["channels"]["items"]["properties"]
_TEXT = {"type": "string"}
_CLAIM_KINDS = ("guarantee", "superlative", "absolute")

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["budget", "team_size"],
    "additionalProperties": False,
    "properties": {
        "budget": {**_RULES_IN["budget"], "description": "Monthly marketing budget, USD."},
        "team_size": {**_RULES_IN["team_size"], "description": "People who can work on marketing."},
        "offer": {
            "type": "string",
            "maxLength": 500,
            "description": "What the company sells, and to whom, in your words (else the foundation's product, "
            "description or industry).",
        },
        "horizon_months": {
            "type": "integer",
            "minimum": 1,
            "maximum": 60,
            "description": "How soon results are needed, in months (the model weighs slow channels against it).",
        },
        "max_active_channels": {
            **_RULES_IN["max_active_channels"],
            "description": "How many channels the team can run at once, if you know (else one per person, at "
            "most three).",
        },
        "cost_per_lead": {
            **_RULES_IN["cost_per_lead"],
            "description": "What a lead costs you on each paid channel, USD (paid_search, paid_social).",
        },
        "shortlist": {
            "type": "array",
            "maxItems": len(CHANNELS),
            "uniqueItems": True,
            "items": {"enum": list(CHANNELS)},
            "description": "Channels you want to run, best first: the picks when no model is configured; a model "
            "sees them and makes its own picks.",
        },
    },
}

_REASONS = {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "string", "minLength": 1,
            "maxLength": 300}}  # fmt: skip
_ESTIMATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["low", "high", "basis"],
    "properties": {
        "low": {"type": "number", "minimum": 0.01, "maximum": 1e6},
        "high": {"type": "number", "minimum": 0.01, "maximum": 1e6},
        "basis": {"type": "string", "minLength": 1, "maxLength": 500},
    },
}
JUDGEMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["channels", "picks", "judgement"],
    "properties": {
        "channels": {
            "type": "object",
            "additionalProperties": False,
            "required": list(CHANNELS),
            "properties": {
                c: {"type": "object", "additionalProperties": False, "required": ["fit", "reasons"],
                    "properties": {"fit": {"type": "number", "minimum": 0, "maximum": 1}, "reasons": _REASONS}}
                for c in CHANNELS
            },
        },
        "cost_per_lead": {"type": "object", "additionalProperties": False, "properties": {c: _ESTIMATE for c in PAID}},
        "picks": {"type": "array", "maxItems": len(CHANNELS), "uniqueItems": True, "items": {"enum": list(CHANNELS)}},
        "judgement": {"type": "string", "minLength": 1, "maxLength": 1000},
    },
}  # fmt: skip

_COST = {
    "type": ["object", "null"],
    "required": ["low", "high", "source"],
    "properties": {
        "low": {"type": "number"},
        "high": {"type": "number"},
        "source": {"enum": ["input", "answer", "model_estimate"]},
        "basis": _TEXT,
    },
    "description": "Cost per lead, USD: from the input, an answer, or a labelled model estimate with its basis.",
}
_CHANNEL_ROW = {
    "type": "object",
    "required": ["channel", "label", "kind", "fit", "reasons", "priority", "role", "status", "status_reason",
                 "cost_per_lead", "minimum_monthly_spend", "budget_amount", "budget_share"],
    "properties": {
        **_PLAN_ROW,
        "label": _TEXT,
        "fit": {"type": ["number", "null"], "minimum": 0, "maximum": 1,
                "description": "How well the channel fits the company, 0–1: the model's judgement (null offline)."},
        "reasons": {"type": "array", "items": _TEXT},
        "status_reason": {"type": ["string", "null"]},
        "cost_per_lead": _COST,
        "budget_amount": {**_PLAN_ROW["budget_amount"], "description": "USD a month."},
        "budget_share": {**_PLAN_ROW["budget_share"], "description": "Share of the whole monthly budget."},
        "kpis": {"type": "array", "items": _TEXT},
    },
}  # fmt: skip
OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["company", "budget", "team_size", "capacity", "picks_source", "channels", "primary", "secondary",
                 "future", "unallocated", "split_basis", "summary", "judgement", "checks", "rules", "needs_model"],
    "properties": {
        "company": {"type": "object", "required": ["name", "offer"],
                    "properties": {"name": _TEXT, "offer": _TEXT}},
        "budget": {"type": "number", "minimum": 0},
        "team_size": {"type": "integer", "minimum": 0},
        "horizon_months": {"type": ["integer", "null"]},
        "capacity": {"type": "object", "required": ["active_channels", "source"]},
        "picks_source": {"enum": ["model", "input", "none"]},
        "channels": {"type": "array", "minItems": len(CHANNELS), "maxItems": len(CHANNELS), "items": _CHANNEL_ROW},
        "primary": {"type": "array", "items": {"enum": list(CHANNELS)}},
        "secondary": {"type": "array", "items": {"enum": list(CHANNELS)}},
        "future": {"type": "array", "items": {"enum": list(CHANNELS)}},
        "unallocated": {"type": "object", "required": ["amount", "share"]},
        "split_basis": {"enum": ["fit", "equal", "none"]},
        "summary": _TEXT,
        "judgement": {"type": ["string", "null"]},
        "checks": {"type": "array", "items": {"type": "object", "required": ["check", "detail"]}},
        "rules": {"type": "array", "items": {"type": "object"}},
        "needs_model": {"type": "array", "items": _TEXT},
    },
}  # fmt: skip


def _company(ctx: AgentContext, data: dict[str, Any]) -> Company:
    """What the company sells, from the input or the foundation; asked for when neither says."""
    company = company_from(ctx.foundation, data.get("offer", ""))
    if company.known:
        return company
    return company_from(ctx.foundation, ctx.ask([offer_question(company)])["offer"])


def _prompt(company: Company, data: dict[str, Any], rules: dict[str, Any]) -> str:
    paid = {row["channel"]: row for row in rules["paid"]}
    lines = [
        f"Company: {company.label}. It sells: {company.offer}. Audience: {company.audience or 'see the foundation'}.",
        f"Monthly budget: {usd(data['budget'])}. People for marketing: {data['team_size']}. Results wanted within: "
        f"{data.get('horizon_months', 'not stated')} months. Channels the team can run at once: "
        f"{rules['capacity']['active_channels']}.",
        f"The user's shortlist, best first: {', '.join(data.get('shortlist', [])) or 'none'}.",
    ]
    for channel in PAID:
        need = paid[channel]["conversions_per_month"]
        spend = paid[channel]["minimum_monthly_spend"]
        known = (
            f"minimum effective spend {usd(spend['low'])}–{usd(spend['high'])}" if spend else "cost per lead unknown"
        )
        lines.append(f"{channel}: needs {need['low']}–{need['high']} conversions a month to learn; {known}.")
    lines.append(
        "Judge each of the twelve channels for this company (fit 0–1, one to three reasons from its foundation). "
        "For each paid channel whose cost per lead is unknown, estimate it in USD as a low–high range with its "
        "basis. Pick the channels to run now, best first, no more than the team can run, and a paid channel "
        "only if the budget covers its minimum effective spend. Make no promises of results."
    )
    return "\n".join(lines)


def _judge(ctx: AgentContext, company: Company, data: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return ctx.llm_json(
            _prompt(company, data, rules), schema=JUDGEMENT_SCHEMA, name="channel_fit", purpose="channel_fit"
        )
    except ModelUnavailable:
        return None


def _costs(company: Company, data: dict[str, Any], judged: dict[str, Any] | None, checks: list[Any]) -> dict:
    """Cost per lead per paid channel: the input's, else the model's estimate when its range is ordered."""
    costs: dict[str, dict[str, Any]] = {
        c: {"low": v, "high": v, "source": "input"} for c, v in data.get("cost_per_lead", {}).items()
    }
    for channel, estimate in ((judged or {}).get("cost_per_lead") or {}).items():
        if channel in costs:
            continue
        if estimate["low"] > estimate["high"]:
            detail = (f"The model's cost per lead for {company.label} on {CHANNEL_LABELS[channel]} runs from "
                      f"{usd(estimate['low'])} down to {usd(estimate['high'])}; it was not used.")  # fmt: skip
            checks.append({"check": "estimate_range", "channel": channel, "detail": detail})
            continue
        costs[channel] = {**estimate, "source": "model_estimate"}
    return costs


def _ask_costs(ctx: AgentContext, company: Company, picks: list[str], costs: dict[str, Any]) -> dict[str, Any]:
    """Offline: ask for the cost per lead of each shortlisted paid channel without one (answers optional)."""
    missing = [c for c in picks if c in PAID and c not in costs]
    if not missing:
        return costs
    questions = [
        {"key": f"cost_per_lead_{c}", "required": False, "schema": {"type": "number", "minimum": 0.01, "maximum": 1e6},
         "prompt": f"What does a lead from {CHANNEL_LABELS[c].lower()} cost {company.label}, in USD? Leave it "
                   "empty if you do not know: the channel then gets no budget."}
        for c in missing
    ]  # fmt: skip
    answers = ctx.ask(questions)
    found = {c: answers[f"cost_per_lead_{c}"] for c in missing if answers.get(f"cost_per_lead_{c}") is not None}
    return costs | {c: {"low": v, "high": v, "source": "answer"} for c, v in found.items()}


def _claims(company: Company, judged: dict[str, Any]) -> list[dict[str, Any]]:
    """Guarantees, superlatives and absolutes in the model's reasons and judgement, each reported."""
    texts = [(c, r) for c, row in judged["channels"].items() for r in row["reasons"]] + [(None, judged["judgement"])]
    checks = []
    for channel, text in texts:
        for found in find_claims(text):
            if found.kind in _CLAIM_KINDS:
                where = f"about {CHANNEL_LABELS[channel]}" if channel else "in its judgement"
                detail = f"The model wrote “{found.text}” ({found.kind}) {where} for {company.label}."
                checks.append({"check": "claim", "channel": channel, "detail": detail})
    return checks


def _refusal(company: Company, row: dict[str, Any], active: list[str], data: dict[str, Any]) -> str | None:
    """Why a pick is not active, in a sentence about this company and its figures."""
    label, status = CHANNEL_LABELS[row["channel"]], row["status"]
    if status == "over_capacity":
        if not active:
            return f"{company.label} can run no channel at once, so {label} waits."
        return f"{company.label} can run {plural(len(active), 'channel')} at once, and {label} comes after " \
               f"{listed([CHANNEL_LABELS[c] for c in active])}."  # fmt: skip
    if status == "over_budget":
        spend = row["minimum_monthly_spend"]
        left = usd(row["budget_left_when_picked"])
        return (f"{label} needs at least {usd(spend['low'])}–{usd(spend['high'])} a month to learn, and {left} of "
                f"{company.label}'s {usd(data['budget'])} was left.")  # fmt: skip
    if status == "cost_unknown":
        return f"Nobody has said what a {label.lower()} lead costs {company.label}, so its minimum spend is unknown."
    return None


def _summary(company: Company, data: dict[str, Any], capacity: int, active: list[str], source: str) -> str:
    people = plural(data["team_size"], "person", "people")
    head = (f"{company.label} has {usd(data['budget'])} a month and {people} for marketing, so it can run "
            f"{plural(capacity, 'channel')} at once.")  # fmt: skip
    if source == "none":
        return f"{head} Which channels fit what {company.label} sells (“{company.offer}”) needs a model or a shortlist."
    whose = "the model's" if source == "model" else "its own"
    if not active:
        return f"{head} None of {whose} picks can run for {company.label} within these limits."
    return f"{head} From {whose} picks, {company.label} runs {listed([CHANNEL_LABELS[c] for c in active])} now."


def _row(
    company: Company,
    plan_row: dict[str, Any],
    judged: dict[str, Any] | None,
    costs: dict[str, Any],
    kpis: dict[str, list[str]],
    active: list[str],
    data: dict[str, Any],
) -> dict[str, Any]:
    channel = plan_row["channel"]
    judgement = (judged or {}).get("channels", {}).get(channel, {})
    extra = {"kpis": kpis[channel]} if channel in kpis else {}
    return {
        **plan_row, "label": CHANNEL_LABELS[channel], "fit": judgement.get("fit"),
        "reasons": judgement.get("reasons", []), "status_reason": _refusal(company, plan_row, active, data),
        "cost_per_lead": costs.get(channel), **extra,
    }  # fmt: skip


def _needs_model(data: dict[str, Any], judged: dict[str, Any] | None, costs: dict[str, Any]) -> list[str]:
    if judged is not None:
        return []
    needs = ["fit", "reasons", "judgement"] + ([] if data.get("shortlist") else ["picks"])
    return needs + [f"cost_per_lead.{c}" for c in PAID if c not in costs]


def _by_priority(row: dict[str, Any]) -> tuple[int, int]:
    return (row["priority"] or len(CHANNELS) + 1, CHANNELS.index(row["channel"]))


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """Company → rules for its budget and team → the model's judgement (or the shortlist) → plan → KPIs."""
    company = _company(ctx, data)
    keys = ("budget", "team_size", "max_active_channels", "cost_per_lead")
    rules = ctx.skill("channels.rules", {k: data[k] for k in keys if k in data})
    judged = _judge(ctx, company, data, rules)
    checks: list[dict[str, Any]] = []
    costs = _costs(company, data, judged, checks)
    if judged is not None:
        picks, source, fit = judged["picks"], "model", {c: v["fit"] for c, v in judged["channels"].items()}
        checks += _claims(company, judged)
    else:
        picks, fit = data.get("shortlist", []), {}
        source = "input" if picks else "none"
        costs = _ask_costs(ctx, company, picks, costs)
    capacity = rules["capacity"]["active_channels"]
    plan = ctx.skill("channels.plan", {
        "budget": data["budget"], "active_channels": capacity, "picks": picks, "fit": fit,
        "cost_per_lead": {c: {"low": v["low"], "high": v["high"]} for c, v in costs.items()},
    })  # fmt: skip
    active = [r["channel"] for r in sorted(plan["channels"], key=_by_priority) if r["status"] == "active"]
    found = ctx.skill("channels.kpis", {"channels": active})["channels"]
    kpis = {channel: row["kpis"] for channel, row in zip(active, found, strict=True)}
    rows = [_row(company, r, judged, costs, kpis, active, data) for r in plan["channels"]]
    if source == "model":
        checks += [{"check": "rules", "channel": r["channel"], "detail": r["status_reason"]}
                   for r in rows if r["status_reason"]]  # fmt: skip
    ranked = sorted(rows, key=_by_priority)
    by_role = {role: [r["channel"] for r in ranked if r["role"] == role] for role in ("primary", "secondary", "future")}
    return {
        "company": {"name": company.name, "offer": company.offer},
        "budget": data["budget"], "team_size": data["team_size"], "horizon_months": data.get("horizon_months"),
        "capacity": rules["capacity"], "picks_source": source, "channels": rows, **by_role,
        "unallocated": plan["unallocated"], "split_basis": plan["split_basis"],
        "summary": _summary(company, data, capacity, active, source),
        "judgement": judged["judgement"] if judged else None, "checks": checks,
        "rules": rules["paid"], "needs_model": _needs_model(data, judged, costs),
    }  # fmt: skip


SPEC = register(
    AgentSpec(
        slug="channel_strategist",
        name="Channel strategist",
        category="strategy",
        description="Judges how well each of twelve marketing channels fits your business, then picks your "
        "primary and secondary channels within what your budget and team can run, and splits the budget "
        "between them.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=("channels.rules", "channels.plan", "channels.kpis"),
        routing_examples=(
            "which marketing channels should we focus on?",
            "we're a B2B SaaS with $5k a month and two marketers, where do we spend it",
            "should we do SEO or paid ads first",
            "pick the best channels for our e-commerce store",
            "how do I split my marketing budget across channels",
            "is outbound sales worth it for an enterprise product?",
            "rank acquisition channels for a consumer app with no budget",
            "channel mix for a fintech startup that needs results within a month",
            "where should a two-person team spend $3,000 a month to get customers",
            "do events and partnerships make sense for us?",
            "which growth channels fit a marketplace business",
            "we have 20k per month, what's the ideal go-to-market channel strategy",
            "what should be our primary and secondary acquisition channels",
        ),
        system_prompt="You judge which marketing channels fit one company, from its foundation. Ground every reason "
        "in what the company sells and to whom; label every cost estimate with its basis; never promise results.",
        run=run,
        example_input={
            "offer": "Booking and reminder software for independent physiotherapy clinics",
            "budget": 3000,
            "team_size": 2,
            "horizon_months": 6,
            "cost_per_lead": {"paid_search": 42},
            "shortlist": ["paid_search", "content", "partnerships"],
        },
    )
)
