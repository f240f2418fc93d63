"""Campaign planner: a dated campaign plan from an objective, a budget and a start date, with every figure sourced.

**The model judges** (``llm_json``, ``JUDGEMENT_SCHEMA``), from the foundation and the input: estimates of the
figures the input leaves out (cost per lead in USD and audience size, each a low–high range with its basis; the
duration in days, a range and the length it chooses, with its basis), the channels and their weights when the
input gives none, what to look at in each review, and a short judgement. Every estimate is labelled
``model_estimate`` in the output.

**Code computes and checks** (skills/library/planning.py, money.py): the budget split to the cent, the daily cap
(floored to the cent), the dated timeline with review points (day 7, the midpoint, a week before the end), the
expected leads (exact decimal floors: $1,070 at $1.07 is 1,000 leads; never more than the audience), and
linear-pace targets at each review. It checks the model: an estimate's range must be ordered (and the chosen
duration inside it), its split must name each channel once (the input's channels when given), and its text is
free of guarantees and superlatives (skills/library/claims.py); an estimate that fails is not used.

**Offline** (no model: ``ModelUnavailable``), and whenever a figure has neither an input value nor a usable
estimate: the agent asks for it (cost per lead, audience size, duration, channels; the weights are optional, and
left empty they give an equal split, said so). Then everything is computed as above; the judgement and the review
questions are in ``needs_model``; the summary and targets are written from the company's words and the figures.

Each figure says where it came from: ``input``, ``answer`` (asked for) or ``model_estimate``. The objective is
one of six names: anything else is refused when the run is created, naming the valid ones.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, ModelUnavailable, register
from skills import registry as skills
from skills.library.claims import find_claims
from skills.library.plan_words import Company, company_from, listed, offer_question, plural, usd
from skills.library.planning import CAMPAIGN_CHANNELS, DATE_SCHEMA, OBJECTIVES

_FORECAST = skills.get("planning.campaign_forecast")
_FORECAST_OUT = _FORECAST.output_schema["properties"]
_TEXT = {"type": "string"}
_CHANNEL = {"enum": list(CAMPAIGN_CHANNELS)}
_CLAIM_KINDS = ("guarantee", "superlative", "absolute")
FIGURES = ("duration_days", "cost_per_lead", "audience_size", "channels")
_WEIGHTS = {"type": "object", "additionalProperties": False,
            "properties": {c: {"type": "number", "minimum": 0, "maximum": 1e6} for c in CAMPAIGN_CHANNELS}}  # fmt: skip

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["objective", "total_budget", "start_date"],
    "additionalProperties": False,
    "properties": {
        "objective": {"enum": list(OBJECTIVES), "description": "What the campaign is for: " + ", ".join(OBJECTIVES)},
        "total_budget": {"type": "number", "minimum": 0, "maximum": 1e12, "description": "Total budget, USD."},
        "start_date": {**DATE_SCHEMA, "description": "First day of the campaign, YYYY-MM-DD."},
        "duration_days": {"type": "integer", "minimum": 1, "maximum": 365, "description": "Length in days."},
        "channels": {"type": "array", "maxItems": len(CAMPAIGN_CHANNELS), "uniqueItems": True, "items": _CHANNEL,
                     "description": "Channels the campaign uses."},
        "weights": {**_WEIGHTS, "description": "How to split the budget: a weight per channel (any scale)."},
        "cost_per_lead": {"type": "number", "minimum": 0.01, "maximum": 1e6,
                          "description": "What a lead costs you, USD (your own past campaigns)."},
        "audience_size": {"type": "integer", "minimum": 1, "maximum": 10**10,
                          "description": "How many people or accounts the campaign can reach."},
        "audience": {"type": "string", "maxLength": 500, "description": "Who the campaign is for, in words."},
        "offer": {"type": "string", "maxLength": 500,
                  "description": "What the company sells (else the foundation's product, description or industry)."},
    },
}  # fmt: skip

_RANGE = {"type": "object", "additionalProperties": False, "required": ["low", "high", "basis"]}
_BASIS = {"type": "string", "minLength": 1, "maxLength": 500}
JUDGEMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["estimates", "split", "review_questions", "judgement"],
    "properties": {
        "estimates": {"type": "object", "additionalProperties": False, "properties": {
            "cost_per_lead": {**_RANGE, "properties": {"low": {"type": "number", "minimum": 0.01, "maximum": 1e6},
                              "high": {"type": "number", "minimum": 0.01, "maximum": 1e6}, "basis": _BASIS}},
            "audience_size": {**_RANGE, "properties": {"low": {"type": "integer", "minimum": 1, "maximum": 10**10},
                              "high": {"type": "integer", "minimum": 1, "maximum": 10**10}, "basis": _BASIS}},
            "duration_days": {**_RANGE, "required": ["low", "high", "chosen", "basis"], "properties": {
                "low": {"type": "integer", "minimum": 1, "maximum": 365},
                "high": {"type": "integer", "minimum": 1, "maximum": 365},
                "chosen": {"type": "integer", "minimum": 1, "maximum": 365}, "basis": _BASIS}},
        }},
        "split": {"type": ["array", "null"], "maxItems": len(CAMPAIGN_CHANNELS), "items": {
            "type": "object", "additionalProperties": False, "required": ["channel", "weight", "reason"],
            "properties": {"channel": _CHANNEL, "weight": {"type": "number", "minimum": 0, "maximum": 100},
                           "reason": {"type": "string", "minLength": 1, "maxLength": 300}}}},
        "review_questions": {"type": "array", "minItems": 1, "maxItems": 5,
                             "items": {"type": "string", "minLength": 1, "maxLength": 300}},
        "judgement": {"type": "string", "minLength": 1, "maxLength": 1000},
    },
}  # fmt: skip

_SOURCE = {"enum": ["input", "answer", "model_estimate", "equal_split"]}
_FIGURE = {
    "type": "object",
    "required": ["low", "high", "source"],
    "properties": {"low": {"type": "number"}, "high": {"type": "number"}, "source": _SOURCE, "basis": _TEXT},
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["company", "objective", "start_date", "end_date", "duration_days", "duration", "total_budget",
                 "daily_cap", "budget_split", "split_source", "cost_per_lead", "audience_size", "expected_leads",
                 "bought_leads", "audience_share", "timeline", "review_points", "measurement_plan", "summary",
                 "judgement", "checks", "needs_model", "notes"],
    "properties": {
        "company": {"type": "object", "required": ["name", "offer"]},
        "objective": {"enum": list(OBJECTIVES)},
        "start_date": _TEXT, "end_date": _TEXT,
        "duration_days": {"type": "integer", "minimum": 1},
        "duration": {"type": "object", "required": ["days", "source"], "properties": {"source": _SOURCE}},
        "total_budget": {"type": "number", "minimum": 0, "description": "USD."},
        "daily_cap": {"type": "number", "minimum": 0, "description": "USD a day, floored to the cent."},
        "budget_split": {"type": "array", "items": {"type": "object", "required": ["channel", "weight", "share",
                                                                                  "budget"]}},
        "split_source": _SOURCE,
        "cost_per_lead": {**_FIGURE, "description": "USD a lead."},
        "audience_size": {**_FIGURE, "description": "People or accounts the campaign can reach."},
        "expected_leads": _FORECAST_OUT["expected_leads"],
        "bought_leads": _FORECAST_OUT["bought_leads"],
        "capped_by_audience": {"type": "boolean"},
        "audience_share": _FORECAST_OUT["audience_share"],
        "timeline": {"type": "array", "items": {"type": "object", "required": ["day", "date", "kind", "label"]}},
        "review_points": {"type": "array", "items": {"type": "object", "required": ["day", "date", "spend",
                                                                                   "leads_low", "leads_high"]}},
        "measurement_plan": {"type": "object", "required": ["targets", "channels", "review_questions"]},
        "summary": _TEXT,
        "judgement": {"type": ["string", "null"]},
        "checks": {"type": "array", "items": {"type": "object", "required": ["check", "detail"]}},
        "needs_model": {"type": "array", "items": _TEXT},
        "notes": {"type": "array", "items": _TEXT},
    },
}  # fmt: skip

WORDS = {o: o.replace("_", " ") for o in OBJECTIVES}


def _company(ctx: AgentContext, data: dict[str, Any]) -> Company:
    company = company_from(ctx.foundation, data.get("offer", ""))
    if company.known:
        return company
    return company_from(ctx.foundation, ctx.ask([offer_question(company)])["offer"])


def _prompt(company: Company, data: dict[str, Any]) -> str:
    given = {k: data[k] for k in (*FIGURES, "weights", "audience") if k in data}
    missing = [f for f in FIGURES if f not in data] + ([] if "weights" in data else ["weights"])
    return "\n".join([
        f"Company: {company.label}. It sells: {company.offer}. Audience: {company.audience or 'see the foundation'}.",
        f"Campaign objective: {WORDS[data['objective']]}. Total budget: {usd(data['total_budget'])}. "
        f"Starts {data['start_date']}.",
        f"Figures the user gave: {given or 'none'}. Figures to estimate: {', '.join(missing) or 'none'}.",
        "Estimate only the missing figures, for this company: cost per lead (USD) and audience size as low–high "
        "ranges, the duration as a range and the days you choose, each with its basis. When no weights are given, "
        f"give the split (channels from {', '.join(CAMPAIGN_CHANNELS)}; the user's channels when given), a weight "
        "and a reason each. Say what to look at in each review, and judge the plan in two sentences. Make no "
        "promises of results.",
    ])  # fmt: skip


def _judge(ctx: AgentContext, company: Company, data: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return ctx.llm_json(_prompt(company, data), schema=JUDGEMENT_SCHEMA, name="campaign_plan",
                            purpose="campaign_plan")  # fmt: skip
    except ModelUnavailable:
        return None


def _check(company: Company, name: str, detail: str) -> dict[str, str]:
    return {"check": name, "detail": f"{detail} ({company.label}); it was not used."}


def _estimates(company: Company, judged: dict[str, Any], checks: list[Any]) -> dict[str, Any]:
    """The model's estimates whose ranges hold together, labelled as estimates."""
    usable = {}
    for name, estimate in judged["estimates"].items():
        chosen = estimate.get("chosen", estimate["low"])
        if not estimate["low"] <= chosen <= estimate["high"]:
            checks.append(_check(company, "estimate_range", f"The model's {name.replace('_', ' ')} range is out of "
                                 f"order: {estimate['low']}, {estimate['high']}, chosen {chosen}"))  # fmt: skip
            continue
        usable[name] = {**estimate, "source": "model_estimate"}
    return usable


def _model_split(company: Company, data: dict[str, Any], judged: dict[str, Any], checks: list[Any]) -> list | None:
    split = judged["split"]
    if "weights" in data or not split:
        return None
    names = [row["channel"] for row in split]
    wanted = data.get("channels")
    if len(set(names)) != len(names) or (wanted is not None and set(names) != set(wanted)):
        checks.append(_check(company, "split", f"The model's split names {listed(names)}, not each of "
                                               f"{listed(wanted or names)} once"))  # fmt: skip
        return None
    return [{"channel": r["channel"], "weight": r["weight"], "reason": r["reason"]} for r in split]


def _from_input(data: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    if "duration_days" in data:
        figures["duration_days"] = {"chosen": data["duration_days"], "source": "input"}
    for name in ("cost_per_lead", "audience_size"):
        if name in data:
            figures[name] = {"low": data[name], "high": data[name], "source": "input"}
    if data.get("channels"):
        figures["channels"] = {"list": data["channels"], "source": "input"}
    return figures


def _questions(company: Company, missing: list[str], data: dict[str, Any], weights: bool) -> list[dict[str, Any]]:
    who, what = company.label, WORDS[data["objective"]]
    prompts = {
        "duration_days": (f"How many days should {who}'s {what} campaign run?",
                          {"type": "integer", "minimum": 1, "maximum": 365}),
        "cost_per_lead": (f"What does a lead cost {who}, in USD, from past campaigns?",
                          {"type": "number", "minimum": 0.01, "maximum": 1e6}),
        "audience_size": (f"How many people or accounts can {who}'s campaign reach"
                          f"{' (' + data['audience'] + ')' if data.get('audience') else ''}?",
                          {"type": "integer", "minimum": 1, "maximum": 10**10}),
        "channels": (f"Which channels will {who}'s campaign use? Any of: {', '.join(CAMPAIGN_CHANNELS)}.",
                     {"type": "array", "minItems": 1, "uniqueItems": True, "items": _CHANNEL}),
    }  # fmt: skip
    questions: list[dict[str, Any]] = [{"key": k, "prompt": prompts[k][0], "schema": prompts[k][1]} for k in missing]
    if weights:
        questions.append({"key": "weights", "required": False, "schema": _WEIGHTS,
                          "prompt": f"How should {who} weight the budget across its channels (a number per "
                                    "channel)? Leave it empty for an equal split."})  # fmt: skip
    return questions


def _ask(
    ctx: AgentContext, company: Company, data: dict[str, Any], figures: dict[str, Any], split: list | None
) -> dict[str, Any]:
    """Ask for every figure nothing gave, and for the weights when nothing gave them either (optional: left empty,
    the split is equal and says so); answers are labelled as answers."""
    missing = [f for f in FIGURES if f not in figures]
    channels = figures.get("channels", {}).get("list")
    weights = "weights" not in data and split is None and (channels is None or len(channels) > 1)
    if not missing and not weights:
        return figures
    answers = ctx.ask(_questions(company, missing, data, weights))
    given = dict(figures)
    for key in missing:
        value = answers[key]
        given[key] = {"list": value} if key == "channels" else {"chosen": value} if key == "duration_days" else \
            {"low": value, "high": value}  # fmt: skip
        given[key]["source"] = "answer"
    if answers.get("weights"):
        given["weights"] = {"values": answers["weights"], "source": "answer"}
    return given


def _weights(data: dict[str, Any], figures: dict[str, Any], split: list | None) -> tuple[list[dict], str]:
    """The weight of each channel, and where the weights came from."""
    channels = figures["channels"]["list"]
    if "weights" in data or "weights" in figures:
        values, source = (data["weights"], "input") if "weights" in data else (figures["weights"]["values"], "answer")
        return [{"channel": c, "weight": values.get(c, 0)} for c in channels], source
    if split is not None:
        return [{"channel": r["channel"], "weight": r["weight"], "reason": r["reason"]} for r in split], \
            "model_estimate"  # fmt: skip
    return [{"channel": c, "weight": 1} for c in channels], "equal_split"


def _claims(company: Company, judged: dict[str, Any]) -> list[dict[str, str]]:
    texts = [judged["judgement"], *judged["review_questions"], *(r["reason"] for r in judged["split"] or [])]
    return [
        {"check": "claim", "detail": f"The model wrote “{found.text}” ({found.kind}) about {company.label}'s plan."}
        for text in texts
        for found in find_claims(text)
        if found.kind in _CLAIM_KINDS
    ]


def _figures(
    ctx: AgentContext, company: Company, data: dict[str, Any], judged: dict[str, Any] | None
) -> tuple[dict[str, Any], list[dict[str, Any]] | None, list[dict[str, Any]]]:
    """Each figure from the input, else a usable model estimate, else an answer; the model's split; checks."""
    figures, split = _from_input(data), None
    checks: list[dict[str, Any]] = []
    if judged is not None:
        missing = {k: v for k, v in judged["estimates"].items() if k not in figures}
        figures |= _estimates(company, {"estimates": missing}, checks)
        split = _model_split(company, data, judged, checks)
        if split and "channels" not in figures:
            figures["channels"] = {"list": [r["channel"] for r in split], "source": "model_estimate"}
        checks += _claims(company, judged)
    return _ask(ctx, company, data, figures, split), split, checks


def _span(low: float, high: float, money: bool = False) -> str:
    show = usd if money else (lambda v: f"{v:,}")
    return show(low) if low == high else f"{show(low)}–{show(high)}"


SAID_BY = {"input": "its own figure", "answer": "its answer", "model_estimate": "a model estimate"}


def _labels(company: Company, what: str, timeline: list[dict], points: dict[int, dict]) -> list[dict[str, Any]]:
    labelled = []
    for event in timeline:
        if event["kind"] == "review":
            p = points[event["day"]]
            label = (f"{event['label']} of {company.label}'s {what} campaign: {_span(p['leads_low'], p['leads_high'])}"
                     f" leads and {usd(p['spend'])} spent by {event['date']}.")  # fmt: skip
        else:
            label = f"{company.label}'s {what} campaign {'starts' if event['kind'] == 'start' else 'ends'}."
        labelled.append({**event, "label": label})
    return labelled


def _targets(company: Company, budget: float, forecast: dict[str, Any], cpl: dict, aud: dict, n: int) -> list[str]:
    leads = forecast["expected_leads"]
    targets = [
        f"{company.label} aims for {_span(leads['low'], leads['high'])} leads at no more than {usd(cpl['high'])} a "
        "lead.",
        f"{company.label} spends at most {usd(forecast['daily_cap'])} a day across {plural(n, 'channel')}.",
    ]
    if forecast["capped_by_audience"]:
        bought = forecast["bought_leads"]
        targets.append(f"{company.label}'s audience of {_span(aud['low'], aud['high'])} caps its leads below the "
                       f"{_span(bought['low'], bought['high'])} that {usd(budget)} buys.")  # fmt: skip
    return targets


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """Company → the model's estimates (or questions) → budget split → dated reviews → forecast → KPIs."""
    company = _company(ctx, data)
    judged = _judge(ctx, company, data)
    figures, split, checks = _figures(ctx, company, data, judged)
    weights, split_source = _weights(data, figures, split)
    budget, what = data["total_budget"], WORDS[data["objective"]]
    allocation = ctx.skill("planning.allocate_budget", {
        "total": budget, "weights": [{"name": w["channel"], "weight": w["weight"]} for w in weights]})  # fmt: skip
    days = figures["duration_days"]["chosen"]
    schedule = ctx.skill("planning.review_schedule", {"start_date": data["start_date"], "duration_days": days})
    cpl, aud = figures["cost_per_lead"], figures["audience_size"]
    forecast = ctx.skill("planning.campaign_forecast", {
        "total_budget": budget, "duration_days": days, "cost_per_lead": {"low": cpl["low"], "high": cpl["high"]},
        "audience_size": {"low": aud["low"], "high": aud["high"]}, "checkpoints": schedule["review_days"]})  # fmt: skip
    channels = [w["channel"] for w in weights]
    measured = ctx.skill("channels.kpis", {"channels": channels})["channels"]
    points = {p["day"]: p for p in forecast["checkpoints"]}
    leads = forecast["expected_leads"]
    questions = judged["review_questions"] if judged else [
        f"Is {company.label}'s cost per lead within {_span(cpl['low'], cpl['high'], True)}, and are its leads on "
        f"pace for {_span(leads['low'], leads['high'])} by {schedule['end_date']}?"]  # fmt: skip
    return {
        "company": {"name": company.name, "offer": company.offer},
        "objective": data["objective"], "start_date": schedule["start_date"], "end_date": schedule["end_date"],
        "duration_days": days, "duration": {"days": days, **figures["duration_days"]},
        "total_budget": allocation["total"], "daily_cap": forecast["daily_cap"],
        "budget_split": [{**w, "share": a["share"], "budget": a["amount"]}
                         for w, a in zip(weights, allocation["allocations"], strict=True)],
        "split_source": split_source, "cost_per_lead": cpl, "audience_size": aud,
        "expected_leads": leads, "bought_leads": forecast["bought_leads"],
        "capped_by_audience": forecast["capped_by_audience"], "audience_share": forecast["audience_share"],
        "timeline": _labels(company, what, schedule["timeline"], points),
        "review_points": [{"date": e["date"], **points[e["day"]]} for e in schedule["timeline"]
                          if e["kind"] == "review"],
        "measurement_plan": {
            "targets": _targets(company, budget, forecast, cpl, aud, len(channels)),
            "channels": [{"channel": row["name"], "kpis": row["kpis"]} for row in measured],
            "review_questions": questions,
        },
        "summary": f"{company.label} plans a {days}-day {what} campaign from {schedule['start_date']} to "
                   f"{schedule['end_date']} with {usd(budget)}: {_span(leads['low'], leads['high'])} leads at "
                   f"{_span(cpl['low'], cpl['high'], True)} a lead ({SAID_BY[cpl['source']]}).",
        "judgement": judged["judgement"] if judged else None, "checks": checks,
        "needs_model": [] if judged else ["judgement", "review_questions"],
        "notes": [f"{company.label}: {note}" for note in schedule["notes"]],
    }  # fmt: skip


SPEC = register(
    AgentSpec(
        slug="campaign_planner",
        name="Campaign planner",
        category="strategy",
        description="Plans a campaign from your objective, budget and start date: duration, budget per channel, "
        "daily spend cap, dated timeline with review points, audience size, expected leads and what to measure, "
        "each figure from your input or a labelled estimate.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=("planning.allocate_budget", "planning.review_schedule", "planning.campaign_forecast", "channels.kpis"),
        routing_examples=(
            "plan a lead generation campaign with a $10,000 budget starting March 3",
            "build me a campaign plan for our product launch",
            "how should I split $5k across channels for a two-week promo?",
            "we want more signups next month, help me plan the campaign",
            "campaign timeline and budget for a B2B awareness push",
            "how many leads will $20,000 get us?",
            "set up a retention campaign for existing customers over the next 60 days",
            "what's our daily ad spend cap if we run a 21-day campaign on 8k",
            "plan a Black Friday promotion",
            "create a conversion campaign targeting SMBs with email and retargeting",
            "when should we review results during the launch campaign",
            "give me a measurement plan and KPIs for our next campaign",
            "draft a 30 day brand awareness plan for enterprise buyers",
        ),
        system_prompt="You plan marketing campaigns for one company, from its foundation. Estimate only the figures "
        "the user did not give, each as a range with its basis; never promise results.",
        run=run,
        example_input={
            "objective": "lead_generation",
            "total_budget": 10000,
            "start_date": "2025-03-03",
            "duration_days": 21,
            "channels": ["paid_search", "email", "landing_pages"],
            "weights": {"paid_search": 60, "email": 25, "landing_pages": 15},
            "cost_per_lead": 48.5,
            "audience_size": 40000,
            "audience": "practice managers at independent physiotherapy clinics",
        },
    )
)
