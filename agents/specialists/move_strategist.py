"""Move strategist: a marketing move (campaign, content, product, market or partnership) planned in dated phases.

**The model plans** (``llm_json``, ``PLAN_SCHEMA``), for this company's objective, from the foundation and the
input: the phases (name, planned days with a low–high range, cost in USD as a low–high range, activities, an exit
criterion), the odds of success (what counts as success, a low–high probability and its basis), KPIs with targets
and their basis, risks with severity and mitigation, and the next steps. Every duration, cost and probability it
gives is a labelled estimate (``source: model_estimate``), never a constant.

**Code schedules and checks** (skills/library/moves.py): phases back to back from the start date, the totals of
days and cost, and checks: each phase's planned days within its range and its cost range ordered, phase names
distinct, the plan within the deadline (``fails`` when the planned days are over, ``at_risk`` when only the slow
case is) and the cost within the budget (``fails`` when the low end is over, ``at_risk`` when the high end is).
When a check fails, the model is shown the failures and revises its plan once; what still fails is reported, not
hidden. Success odds must be an ordered range; guarantees and superlatives in the model's text are reported
(skills/library/claims.py). What to measure on each named channel comes from channels.kpis.

**Offline** (no model: ``ModelUnavailable``): the user's own phases (``phases`` in the input) are scheduled and
checked the same way; the constraints become risks in the company's words; the first next step is the first
phase's start. Everything only a model can give (phases when none were given, odds, cost estimates, KPI targets,
risk assessment, next steps, the judgement) is listed in ``needs_model``.

The agent asks when nothing says what the company sells, when the objective is blank, or when the deadline falls
before the start date.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, ModelUnavailable, register
from skills import registry as skills
from skills.library.claims import find_claims
from skills.library.moves import MAX_PHASES, MOVE_TYPES, PHASE_IN, distinct_constraints
from skills.library.plan_words import Company, company_from, listed, offer_question, plural, usd
from skills.library.planning import DATE_SCHEMA, parse_date

_SCHEDULE_OUT = skills.get("moves.schedule").output_schema["properties"]
_TEXT = {"type": "string"}
_LINE = {"type": "string", "minLength": 1, "maxLength": 400}
_CLAIM_KINDS = ("guarantee", "superlative", "absolute")
RISK_APPETITES = ("conservative", "moderate", "aggressive")

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["move_type", "objective", "start_date"],
    "additionalProperties": False,
    "properties": {
        "move_type": {"enum": list(MOVE_TYPES), "description": "What kind of move: " + ", ".join(MOVE_TYPES)},
        "objective": {"type": "string", "maxLength": 500, "description": "What the move should achieve."},
        "start_date": {**DATE_SCHEMA, "description": "First day of the move, YYYY-MM-DD."},
        "deadline": {**DATE_SCHEMA, "description": "Last day the move may take, YYYY-MM-DD."},
        "budget": {"type": "number", "minimum": 0, "maximum": 1e12, "description": "Total budget for the move, USD."},
        "risk_appetite": {"enum": list(RISK_APPETITES), "description": "How much risk to take for speed."},
        "channels": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 200},
                     "description": "Channels in your own words: 'LinkedIn ads', 'newsletter'."},
        "constraints": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 500},
                        "description": "Limits the plan must respect."},
        "phases": {"type": "array", "maxItems": MAX_PHASES, "items": PHASE_IN,
                   "description": "Your own phases, in order (days, optional day range and cost range in USD): "
                                  "scheduled as given when no model is configured; a model sees them and plans."},
        "offer": {"type": "string", "maxLength": 500,
                  "description": "What the company sells (else the foundation's product, description or industry)."},
    },
}  # fmt: skip

_PHASE = {
    "type": "object", "additionalProperties": False,
    "required": ["name", "days", "days_low", "days_high", "cost_low", "cost_high", "activities", "exit_criterion"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        **{k: {"type": "integer", "minimum": 1, "maximum": 3650} for k in ("days", "days_low", "days_high")},
        **{k: {"type": "number", "minimum": 0, "maximum": 1e12} for k in ("cost_low", "cost_high")},
        "activities": {"type": "array", "minItems": 1, "maxItems": 5, "items": _LINE},
        "exit_criterion": _LINE,
    },
}  # fmt: skip
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["phases", "success", "kpis", "risks", "next_steps", "judgement"],
    "properties": {
        "phases": {"type": "array", "minItems": 1, "maxItems": MAX_PHASES, "items": _PHASE},
        "success": {"type": "object", "additionalProperties": False, "required": ["definition", "low", "high",
                    "basis"], "properties": {"definition": _LINE, "low": {"type": "number", "minimum": 0,
                    "maximum": 1}, "high": {"type": "number", "minimum": 0, "maximum": 1}, "basis": _LINE}},
        "kpis": {"type": "array", "minItems": 1, "maxItems": 8, "items": {"type": "object",
                 "additionalProperties": False, "required": ["metric", "target", "basis"],
                 "properties": {"metric": _LINE, "target": _LINE, "basis": _LINE}}},
        "risks": {"type": "array", "minItems": 1, "maxItems": 8, "items": {"type": "object",
                  "additionalProperties": False, "required": ["risk", "severity", "mitigation"],
                  "properties": {"risk": _LINE, "severity": {"enum": ["low", "medium", "high"]},
                                 "mitigation": _LINE}}},
        "next_steps": {"type": "array", "minItems": 1, "maxItems": 6, "items": _LINE},
        "judgement": {"type": "string", "minLength": 1, "maxLength": 1000},
    },
}  # fmt: skip

OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["company", "move_type", "objective", "start_date", "end_date", "latest_end_date", "deadline",
                 "duration_days", "phases", "phases_source", "cost_range", "budget", "success_probability", "kpis",
                 "risks", "next_steps", "checks", "revised", "summary", "judgement", "needs_model", "notes"],
    "properties": {
        "company": {"type": "object", "required": ["name", "offer"]},
        "move_type": {"enum": list(MOVE_TYPES)},
        "objective": _TEXT,
        "start_date": _TEXT,
        "end_date": {"type": ["string", "null"]},
        "latest_end_date": {"type": ["string", "null"], "description": "End date if every phase takes its high."},
        "deadline": {"type": ["string", "null"]},
        "duration_days": _SCHEDULE_OUT["total_days"],
        "phases": {"type": "array", "items": {"type": "object", "required": ["name", "days", "start_date",
                                                                           "end_date"]}},
        "phases_source": {"enum": ["model_estimate", "input", "none"]},
        "cost_range": {"type": ["object", "null"], "required": ["low", "high", "source"],
                       "description": "Total cost, USD: the phases' costs added up."},
        "budget": {"type": ["number", "null"]},
        "success_probability": {"type": ["object", "null"], "required": ["low", "high", "definition", "basis",
                                                                         "source"]},
        "kpis": {"type": "array", "items": {"type": "object", "required": ["metric", "source"]}},
        "risks": {"type": "array", "items": {"type": "object", "required": ["risk", "severity", "source"]}},
        "next_steps": {"type": "array", "items": _TEXT},
        "checks": {"type": "array", "items": {"type": "object", "required": ["check", "status", "detail"]}},
        "revised": {"type": "boolean", "description": "Whether the model revised its plan after failed checks."},
        "summary": _TEXT,
        "judgement": {"type": ["string", "null"]},
        "needs_model": {"type": "array", "items": _TEXT},
        "notes": {"type": "array", "items": _TEXT},
    },
}  # fmt: skip

_PHASE_KEYS = ("name", "days", "days_low", "days_high", "cost_low", "cost_high")  # what moves.schedule takes


def _prepare(ctx: AgentContext, data: dict[str, Any]) -> tuple[Company, dict[str, Any]]:
    """The company and the input, after asking for what the plan cannot do without (in one set of questions)."""
    company = company_from(ctx.foundation, data.get("offer", ""))
    who = company.name or "the company"
    questions: list[dict[str, Any]] = [] if company.known else [offer_question(company)]
    if not data["objective"].strip():
        questions.append({"key": "objective", "prompt": f"What should {who}'s {data['move_type']} move achieve?",
                          "schema": {"type": "string", "minLength": 3, "maxLength": 500}})  # fmt: skip
    if "deadline" in data and parse_date(data["deadline"])[0] < parse_date(data["start_date"])[0]:
        questions.append({"key": "deadline", "required": False, "schema": DATE_SCHEMA,
                          "prompt": f"{who}'s deadline {data['deadline']} falls before the start {data['start_date']}"
                                    ": what is the last day the move may take? Leave it empty for none."})  # fmt: skip
    if not questions:
        return company, data
    answers = ctx.ask(questions)
    data = {**data, "objective": answers.get("objective", data["objective"])}
    if any(q["key"] == "deadline" for q in questions):
        data.pop("deadline")
        data |= {"deadline": answers["deadline"]} if answers.get("deadline") else {}
    return company_from(ctx.foundation, answers.get("offer") or data.get("offer", "")), data


def _prompt(company: Company, data: dict[str, Any]) -> str:
    phases = data.get("phases")
    return "\n".join([
        f"Company: {company.label}. It sells: {company.offer}. Audience: {company.audience or 'see the foundation'}.",
        f"Move: {data['move_type']}. Objective: {data['objective']}. Starts {data['start_date']}; deadline "
        f"{data.get('deadline', 'none')}; budget {usd(data['budget']) if 'budget' in data else 'not stated'}; risk "
        f"appetite {data.get('risk_appetite', 'not stated')}.",
        f"Channels: {', '.join(data.get('channels', [])) or 'not chosen'}. Constraints: "
        f"{'; '.join(data.get('constraints', [])) or 'none'}.",
        f"The user's own phases: {phases}." if phases else "The user gave no phases.",
        "Plan this move for this company in phases: planned days with a low–high range, cost in USD as a low–high "
        "range, activities and an exit criterion each; fit the deadline and the budget when given. Define success "
        "for the objective and estimate its probability as a range with its basis. Give KPIs with targets and "
        "their basis, risks with severity and mitigation, and the next steps. Make no promises of results.",
    ])  # fmt: skip


def _plan(ctx: AgentContext, prompt: str, purpose: str) -> dict[str, Any] | None:
    try:
        return ctx.llm_json(prompt, schema=PLAN_SCHEMA, name="move_plan", purpose=purpose)
    except ModelUnavailable:
        return None


def _schedule(ctx: AgentContext, data: dict[str, Any], phases: list[dict[str, Any]]) -> dict[str, Any]:
    request: dict[str, Any] = {k: data[k] for k in ("start_date", "deadline", "budget") if k in data}
    phases = [{k: p[k] for k in _PHASE_KEYS if k in p} for p in phases]
    return ctx.skill("moves.schedule", {**request, "phases": phases})


def _detail(company: Company, check: dict[str, Any]) -> str:
    """The check in a sentence about this company and the figures compared."""
    who, f, name = company.label, check["figures"], check["check"]
    if name == "phase_days":
        return f"{who}'s phase “{check['phase']}” plans {f['days']} days, outside its own {f['low']}–{f['high']}."
    if name == "phase_cost":
        return f"{who}'s phase “{check['phase']}” costs from {usd(f['cost_low'])} down to {usd(f['cost_high'])}."
    if name == "phase_names":
        return f"{who}'s plan repeats the phase names {listed(f['repeated'])}."
    if name == "deadline":
        return f"{who}'s deadline {f['deadline']} falls before its start {f['start_date']}."
    return _limit_detail(who, name, check["status"], f)


def _limit_detail(who: str, name: str, status: str, f: dict[str, Any]) -> str:
    """The deadline or budget check in a sentence: within it, over only in the slow or dear case, or over."""
    show = usd if name == "budget" else (lambda v: plural(v, "day"))
    need, high = show(f["expected"]), show(f["high"])
    limit = (
        f"{who}'s budget of {show(f['limit'])}" if name == "budget" else f"the {show(f['limit'])} to {who}'s deadline"
    )
    verb = "cost" if name == "budget" else "take"
    if status == "ok":
        return f"The phases {verb} {need} (at most {high}), within {limit}."
    if status == "at_risk":
        return f"The phases {verb} {need}, but up to {high}, more than {limit}."
    return f"The phases {verb} {need}, more than {limit}."


def _failures(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in checks if c["status"] == "fails"]


def _revise(ctx: AgentContext, company: Company, data: dict[str, Any], plan: dict, schedule: dict) -> tuple:
    """One revision when the model's plan fails a check: the model sees the failures and plans again."""
    failed = [_detail(company, c) for c in _failures(schedule["checks"])]
    if not failed:
        return plan, schedule, False
    prompt = _prompt(company, data) + "\nYour previous plan failed these checks:\n- " + "\n- ".join(failed) + \
        "\nRevise the plan so that it passes them, or explain in the judgement why it cannot."  # fmt: skip
    revised = _plan(ctx, prompt, "move_plan:revise")
    if revised is None:
        return plan, schedule, False
    return revised, _schedule(ctx, data, revised["phases"]), True


def _text_checks(company: Company, plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The model's odds range in order, and no guarantees or superlatives in what it wrote."""
    checks = []
    success = plan["success"]
    if success["low"] > success["high"]:
        checks.append({"check": "success_range", "status": "fails",
                       "detail": f"The model's odds for {company.label} run from {success['low']} down to "
                                 f"{success['high']}; they were not used."})  # fmt: skip
    texts = [plan["judgement"], *plan["next_steps"], *(r["risk"] for r in plan["risks"])]
    for found in (f for text in texts for f in find_claims(text) if f.kind in _CLAIM_KINDS):
        detail = f"The model wrote “{found.text}” ({found.kind}) in {company.label}'s plan."
        checks.append({"check": "claim", "status": "fails", "detail": detail})
    return checks


def _kpis(ctx: AgentContext, plan: dict[str, Any] | None, channels: list[str]) -> list[dict[str, Any]]:
    rows = [{**k, "source": "model_estimate"} for k in plan["kpis"]] if plan else []
    for row in ctx.skill("channels.kpis", {"channels": channels})["channels"]:
        rows += [{"metric": metric, "source": row["name"].strip()} for metric in row["kpis"]]
    first: dict[str, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["metric"].lower(), row)
    return list(first.values())


def _risks(company: Company, data: dict, plan: dict | None, checks: list[dict]) -> list[dict[str, Any]]:
    if plan is not None:
        risks = [{**r, "source": "model_estimate"} for r in plan["risks"]]
    else:
        risks = [{"risk": f"{company.label} must work within this limit: “{c[:300]}”.", "severity": None,
                  "source": "constraint"} for c in distinct_constraints(data.get("constraints", []))]  # fmt: skip
    return risks + [{"risk": c["detail"], "severity": "high" if c["status"] == "fails" else "medium",
                     "source": "check"} for c in checks if c["status"] != "ok"]  # fmt: skip


def _phases(schedule: dict[str, Any], given: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    """The dated phases, with what the model said about each (activities, exit criterion)."""
    extra = ("activities", "exit_criterion")
    return [{**dated, **{k: p[k] for k in extra if k in p}, "source": source}
            for dated, p in zip(schedule["phases"], given, strict=True)]  # fmt: skip


def _summary(company: Company, data: dict[str, Any], schedule: dict[str, Any]) -> str:
    head = f"{company.label}'s {data['move_type']} move, “{data['objective'].strip()}”,"
    if not schedule["phases"]:
        by = f" with a deadline of {data['deadline']}" if "deadline" in data else ""
        return f"{head} starts {schedule['start_date']}{by}; its phases need a model or {company.label}'s own list."
    return (f"{head} runs in {plural(len(schedule['phases']), 'phase')} from {schedule['start_date']} to "
            f"{schedule['end_date']} (at the latest {schedule['latest_end_date']}).")  # fmt: skip


def _offline_steps(company: Company, data: dict[str, Any], phases: list[dict[str, Any]]) -> list[str]:
    if not phases:
        return []
    first = phases[0]
    return [f"Start “{first['name']}” on {first['start_date']}: the first of {company.label}'s "
            f"{plural(len(phases), 'phase')} for “{data['objective'].strip()}”."]  # fmt: skip


def _needs_model(data: dict[str, Any], phases: list[dict[str, Any]], cost: dict[str, Any] | None) -> list[str]:
    needs = [] if phases else ["phases", "next_steps"]
    needs += [] if cost else ["cost_range"]
    return [*needs, "success_probability", "kpis.targets", "risks.assessment", "judgement"]


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """Ask what is missing → the model's phased plan (or the user's phases) → dates and checks (one revision
    when a check fails) → KPIs per channel → risks and next steps."""
    company, data = _prepare(ctx, data)
    plan = _plan(ctx, _prompt(company, data), "move_plan")
    given = plan["phases"] if plan else data.get("phases", [])
    source = "model_estimate" if plan else "input" if given else "none"
    schedule = _schedule(ctx, data, given)
    revised = False
    if plan is not None:
        plan, schedule, revised = _revise(ctx, company, data, plan, schedule)
        given = plan["phases"]
    checks = [{**c, "detail": _detail(company, c)} for c in schedule["checks"]]
    checks += _text_checks(company, plan) if plan else []
    channels = [c for c in data.get("channels", []) if c.strip()]
    success = plan["success"] if plan and plan["success"]["low"] <= plan["success"]["high"] else None
    phases = _phases(schedule, given, source)
    cost = schedule["cost"]
    return {
        "company": {"name": company.name, "offer": company.offer},
        "move_type": data["move_type"], "objective": data["objective"].strip(),
        "start_date": schedule["start_date"], "end_date": schedule["end_date"],
        "latest_end_date": schedule["latest_end_date"], "deadline": data.get("deadline"),
        "duration_days": schedule["total_days"], "phases": phases, "phases_source": source,
        "cost_range": {**cost, "source": source} if cost else None, "budget": data.get("budget"),
        "success_probability": {**success, "source": "model_estimate"} if success else None,
        "kpis": _kpis(ctx, plan, channels), "risks": _risks(company, data, plan, checks),
        "next_steps": plan["next_steps"] if plan else _offline_steps(company, data, phases),
        "checks": checks, "revised": revised, "summary": _summary(company, data, schedule),
        "judgement": plan["judgement"] if plan else None,
        "needs_model": [] if plan else _needs_model(data, phases, cost),
        "notes": [f"{company.label}: {note}" for note in schedule["notes"]],
    }  # fmt: skip


SPEC = register(
    AgentSpec(
        slug="move_strategist",
        name="Move strategist",
        category="strategy",
        description="Plans a marketing move — a campaign, content push, product launch, market entry or "
        "partnership — in dated phases, with a cost range, odds of success, KPIs, risks and next steps, checked "
        "against your deadline and budget.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        skills=("moves.schedule", "channels.kpis"),
        routing_examples=(
            "plan our next marketing move",
            "we want to enter the German market next quarter, what are the phases?",
            "break our product launch into phases with dates",
            "how long would a partnership with a larger platform take and what would it cost",
            "what are the odds this content push works if we only have two people",
            "map out an aggressive 6-month go-to-market for a new segment",
            "give me a phased plan for a co-marketing deal with Shopify",
            "what's this week's move to get more demo requests",
            "risks and KPIs for launching our new pricing tier",
            "roadmap for a content marketing initiative with a low budget",
            "plan a conservative expansion into Asia starting in September",
            "what should we do first to execute this campaign idea?",
            "estimate cost and timeline for a product-led growth experiment",
        ),
        system_prompt="You plan marketing moves in phases for one company, from its foundation. Every duration, "
        "cost and probability you give is an estimate with its range and basis; never promise results.",
        run=run,
        example_input={
            "move_type": "product",
            "objective": "Launch the reporting add-on to existing customers and convert 5% to the paid tier",
            "start_date": "2025-04-07",
            "deadline": "2025-08-29",
            "budget": 18000,
            "risk_appetite": "aggressive",
            "channels": ["newsletter", "LinkedIn ads", "webinars"],
            "constraints": ["no engineering time after June", "EU customers need GDPR review"],
            "phases": [
                {
                    "name": "Beta with ten customers",
                    "days": 30,
                    "days_low": 21,
                    "days_high": 40,
                    "cost_low": 2000,
                    "cost_high": 3500,
                },
                {
                    "name": "Launch to all customers",
                    "days": 45,
                    "days_low": 30,
                    "days_high": 60,
                    "cost_low": 6000,
                    "cost_high": 9000,
                },
                {
                    "name": "Convert and review",
                    "days": 45,
                    "days_low": 40,
                    "days_high": 60,
                    "cost_low": 3000,
                    "cost_high": 5000,
                },
            ],
        },
    )
)
