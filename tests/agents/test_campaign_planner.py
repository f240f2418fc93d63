"""Campaign planner: exact figures, review points, three companies offline and on the scripted provider (with one
repair and one awaiting_input round trip through the API), and a property test over every input field.

The three companies are in industries no code table names (a language school, a veterinary clinic group, marine
salvage); every figure comes from their input, their answers or a labelled model estimate.
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from rest_framework.test import APIClient

from agents.models import Agent, InputRequest
from agents.runs.runtime import run_execute
from agents.runs.services import run_answer, run_create
from agents.specialists import campaign_planner as agent
from raptorflow.accounts.services import apikey_create
from skills.library.planning import review_days
from tests.agents.conftest import call_skill
from tests.agents.planning_helpers import (
    Asked,
    PlanContext,
    changed_fields,
    dates_written,
    leaves,
    run_plan,
    scripted,
    sentences,
    unexpected,
    untraced,
    valid_output_or_questions,
)

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it): offline, the
# model call is attempted (and answers model_unavailable) before the figures are computed.
TRACE = [
    ("llm", "campaign_plan"),
    ("skill", "planning.allocate_budget"),
    ("skill", "planning.review_schedule"),
    ("skill", "planning.campaign_forecast"),
    ("skill", "channels.kpis"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    (
        "unknown objective",
        {"objective": "world_domination", "start_date": "2025-01-01", "total_budget": 100},
        "^objective: 'world_domination' is not one of \\[.*'lead_generation'",
    ),
    ("no start date", {"objective": "launch", "total_budget": 1}, "'start_date' is a required property"),
    (
        "a weight for a channel that does not exist",
        {"objective": "launch", "total_budget": 1, "start_date": "2025-01-01", "weights": {"billboards": 1}},
        "^weights: Additional properties are not allowed \\('billboards'",
    ),
]
SPEC = agent.SPEC

LANGUAGES = {
    "company": "Cadenza Language School",
    "industry": "Language school",
    "product": "Evening Portuguese courses for expats in Lisbon, twelve students a class.",
    "audience": "English-speaking expats who moved to Lisbon in the last two years.",
}
VETS = {
    "company": "Larkspur Veterinary Group",
    "industry": "Veterinary clinics",
    "product": "Three small-animal clinics with evening appointments in Bristol.",
    "audience": "Cat and dog owners in north Bristol who work office hours.",
}
SALVAGE = {
    "company": "Ferrowell Salvage",
    "industry": "Marine salvage",
    "product": "Wreck removal and cargo recovery for port authorities and hull insurers.",
    "audience": "Harbour masters and marine claims adjusters around the North Sea.",
}
# $1,070 at $1.07 a lead: 1,000 leads, not the 999 of float division.
LANGUAGES_IN = {
    "objective": "lead_generation",
    "total_budget": 1070,
    "start_date": "2025-09-01",
    "duration_days": 14,
    "channels": ["social", "communities"],
    "cost_per_lead": 1.07,
    "audience_size": 5000,
}
VETS_IN = {
    "objective": "retention",
    "total_budget": 2400,
    "start_date": "2025-10-06",
    "duration_days": 60,
    "channels": ["email", "social"],
    "weights": {"email": 3, "social": 1},
    "cost_per_lead": 8,
    "audience_size": 250,
    "audience": "clients who skipped their pet's annual check-up",
}
SALVAGE_IN = {
    "objective": "awareness",
    "total_budget": 18000,
    "start_date": "2026-02-02",
    "duration_days": 45,
    "channels": ["events", "pr", "content"],
    "weights": {"events": 5, "pr": 3, "content": 2},
    "cost_per_lead": 450,
    "audience_size": 1200,
}
COMPANIES = [(LANGUAGES, LANGUAGES_IN, {}), (VETS, VETS_IN, {}), (SALVAGE, SALVAGE_IN, {})]


def offline(foundation, data, answers=None):
    return run_plan(SPEC, data, PlanContext(foundation, answers=answers))


# --- the arithmetic --------------------------------------------------------------------------------------------


def forecast(**data):
    base = {
        "total_budget": 1000,
        "duration_days": 10,
        "cost_per_lead": {"low": 50, "high": 50},
        "audience_size": {"low": 10**6, "high": 10**6},
    }
    return call_skill("planning.campaign_forecast", {**base, **data})


def test_leads_are_exact_decimal_floors():
    assert 1070 / 1.07 < 1000  # the float division that gave 999
    assert forecast(total_budget=1070, cost_per_lead={"low": 1.07, "high": 1.07})["expected_leads"] == {
        "low": 1000,
        "high": 1000,
    }
    assert forecast(total_budget=1049, cost_per_lead={"low": 50, "high": 50})["expected_leads"]["low"] == 20


def test_a_cost_range_gives_a_leads_range_and_the_audience_caps_both_ends():
    out = forecast(total_budget=3000, cost_per_lead={"low": 10, "high": 25}, audience_size={"low": 200, "high": 250})
    assert out["bought_leads"] == {"low": 120, "high": 300}  # 3,000 ÷ 25, 3,000 ÷ 10
    assert out["expected_leads"] == {"low": 120, "high": 250}
    assert out["capped_by_audience"] is True
    assert out["audience_share"] == {"low": 0.48, "high": 1.0}  # 120 of 250 at least; all 250 at most


def test_the_daily_cap_is_floored_so_it_never_overspends():
    out = forecast(total_budget=1049, duration_days=7)
    assert out["daily_cap"] == 149.85  # 1,049 ÷ 7 = 149.857…; 149.86 × 7 would be 1,049.02
    assert forecast(total_budget=100, duration_days=3)["daily_cap"] == 33.33


def test_checkpoints_pace_spend_and_leads_linearly():
    out = forecast(total_budget=2100, duration_days=21, checkpoints=[7, 11, 14, 40])
    assert out["checkpoints"] == [
        {"day": 7, "spend": 700, "leads_low": 14, "leads_high": 14},  # 7/21 of $2,100 and of 42 leads
        {"day": 11, "spend": 1100, "leads_low": 22, "leads_high": 22},
        {"day": 14, "spend": 1400, "leads_low": 28, "leads_high": 28},
    ]  # day 40 is past the end


def test_budget_split_is_exact_to_the_cent():
    split = call_skill("planning.allocate_budget", {"total": 100, "weights": [{"name": n, "weight": 1} for n in "abc"]})
    assert [(a["share"], a["amount"]) for a in split["allocations"]] == [
        (0.3334, 33.34),
        (0.3333, 33.33),
        (0.3333, 33.33),
    ]


@pytest.mark.parametrize(
    ("days", "reviews"),
    [(21, [7, 11, 14]), (30, [7, 15, 23]), (60, [7, 30, 53]), (14, [7]), (7, [4, 7]), (3, [2]), (1, [1])],
)
def test_review_points_are_day_seven_the_midpoint_and_a_week_before_the_end(days, reviews):
    assert review_days(days) == reviews


def test_a_day_past_the_month_end_becomes_the_last_day_with_a_note():
    schedule = call_skill("planning.review_schedule", {"start_date": "2025-02-30", "duration_days": 7})
    assert schedule["start_date"] == "2025-02-28"
    assert "2025-02-30 is not a calendar date" in schedule["notes"][0]


# --- three companies, offline -----------------------------------------------------------------------------


def test_a_language_school_buys_exactly_one_thousand_leads_and_skipped_weights_split_equally():
    ctx = PlanContext(LANGUAGES, answers={})
    out = run_plan(SPEC, LANGUAGES_IN, ctx)
    assert [[(q["key"], q["required"]) for q in asked] for asked in ctx.asked] == [[("weights", False)]]  # left empty
    assert out["expected_leads"] == {"low": 1000, "high": 1000}
    assert (out["split_source"], [b["budget"] for b in out["budget_split"]]) == ("equal_split", [535, 535])
    assert out["daily_cap"] == 76.42  # 1,070 ÷ 14 = 76.428…, floored
    assert out["review_points"] == [{"date": "2025-09-07", "day": 7, "spend": 535, "leads_low": 500, "leads_high": 500}]
    assert out["cost_per_lead"] == {"low": 1.07, "high": 1.07, "source": "input"}


def test_a_clinic_group_is_capped_by_its_audience_and_says_so():
    out = offline(VETS, VETS_IN)
    assert out["bought_leads"]["low"] == 300 and out["expected_leads"] == {"low": 250, "high": 250}
    assert any("caps its leads below the 300 that $2,400 buys" in t for t in out["measurement_plan"]["targets"])
    assert [(b["channel"], b["budget"]) for b in out["budget_split"]] == [("email", 1800), ("social", 600)]
    assert [p["day"] for p in out["review_points"]] == [7, 30, 53]
    assert [p["leads_low"] for p in out["review_points"]] == [29, 125, 220]  # 250 × 7/60, × 30/60, × 53/60
    assert out["daily_cap"] == 40


def test_a_salvage_firm_splits_by_its_weights_and_every_channel_has_its_own_kpis():
    out = offline(SALVAGE, SALVAGE_IN)
    assert [b["budget"] for b in out["budget_split"]] == [9000, 5400, 3600]
    assert out["expected_leads"]["low"] == 40  # 18,000 ÷ 450
    assert out["end_date"] == "2026-03-18"  # day 45 from 2 February
    kpis = {m["channel"]: m["kpis"] for m in out["measurement_plan"]["channels"]}
    assert kpis["events"][0] == "registrations" and not any(k.startswith("leads attributed") for k in kpis["pr"])


def test_offline_a_missing_figure_is_asked_for_not_invented():
    data = {k: v for k, v in LANGUAGES_IN.items() if k not in ("cost_per_lead", "audience_size")}
    with pytest.raises(Asked) as asked:
        offline(LANGUAGES, data)
    assert [q["key"] for q in asked.value.questions] == ["cost_per_lead", "audience_size", "weights"]
    assert all("Cadenza Language School" in q["prompt"] for q in asked.value.questions)
    out = offline(LANGUAGES, data, answers={"cost_per_lead": 2.14, "audience_size": 300, "weights": {"social": 1}})
    assert out["cost_per_lead"]["source"] == "answer" and out["audience_size"]["source"] == "answer"
    assert out["expected_leads"] == {"low": 300, "high": 300}  # 500 bought, 300 reachable
    assert [b["budget"] for b in out["budget_split"]] == [1070, 0]  # the answer weighted social only
    assert out["split_source"] == "answer"


def test_three_companies_never_share_a_sentence_and_every_figure_is_traced():
    outputs = [offline(f, d, a) for f, d, a in COMPANIES]
    for (foundation, data, _), out in zip(COMPANIES, outputs, strict=True):
        assert not untraced(data, out, foundation), foundation["company"]
        assert dates_written(out) <= {v for v in leaves(out).values() if isinstance(v, str)}
        assert all(foundation["company"] in s for s in sentences(out))
        assert out["needs_model"] == ["judgement", "review_questions"]
    for i, first in enumerate(outputs):
        for second in outputs[i + 1 :]:
            assert not sentences(first) & sentences(second)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=from_schema(SPEC.input_schema), foundation=st.sampled_from([{}, VETS]))
def test_any_schema_valid_input_gives_a_valid_output_or_asks_well_formed_questions(data, foundation):
    json.dumps(valid_output_or_questions(SPEC, data, foundation), allow_nan=False)


# --- the property: each input field changes what depends on it, and nothing else ----------------------------

LEADS = {
    "expected_leads.low",
    "expected_leads.high",
    "bought_leads.low",
    "bought_leads.high",
    "capped_by_audience",
    "audience_share.low",
    "audience_share.high",
    "review_points.*.leads_low",
    "review_points.*.leads_high",
    "timeline.*.label",
    "measurement_plan.targets",
    "measurement_plan.review_questions",
    "summary",
}
DAYS = {
    "duration_days",
    "duration.days",
    "duration.chosen",
    "end_date",
    "daily_cap",
    "timeline.*.day",
    "timeline.*.date",
    "timeline.*.kind",
    "timeline.*.label",
    "review_points.*.day",
    "review_points.*.date",
    "review_points.*.spend",
    "review_points.*.leads_low",
    "review_points.*.leads_high",
    "measurement_plan.targets",
    "measurement_plan.review_questions",
    "summary",
}
DEPENDS = {
    "objective": {"objective", "timeline.*.label", "summary"},
    "total_budget": LEADS | {"total_budget", "daily_cap", "budget_split.*.budget", "review_points.*.spend"},
    "start_date": {
        "start_date",
        "end_date",
        "timeline.*.date",
        "timeline.*.label",
        "review_points.*.date",
        "measurement_plan.review_questions",
        "summary",
    },
    "duration_days": DAYS,
    "channels": {
        "budget_split.*.channel",
        "budget_split.*.weight",
        "budget_split.*.share",
        "budget_split.*.budget",
        "measurement_plan.channels.*.channel",
        "measurement_plan.channels.*.kpis",
        "measurement_plan.targets",
    },
    "weights": {"budget_split.*.weight", "budget_split.*.share", "budget_split.*.budget"},
    "cost_per_lead": LEADS | {"cost_per_lead.low", "cost_per_lead.high"},
    "audience_size": LEADS | {"audience_size.low", "audience_size.high"},
    "audience": set(),  # only read by the model and by the question for an audience size
    "offer": {"company.offer"},
}
MUTATIONS = {
    "objective": st.sampled_from(["awareness", "conversion", "launch", "promotion"]),
    "total_budget": st.integers(0, 50_000),
    "start_date": st.dates().map(lambda d: d.replace(year=2030).isoformat()),
    "duration_days": st.integers(1, 365),
    "channels": st.sampled_from([["email"], ["social", "email"], ["email", "social", "pr"]]),
    "weights": st.fixed_dictionaries({"email": st.integers(0, 9), "social": st.integers(1, 9)}),
    "cost_per_lead": st.decimals("0.5", "90", places=2).map(float),
    "audience_size": st.integers(1, 100_000),
    "audience": st.sampled_from(["lapsed rabbit owners", "new kitten owners"]),
    "offer": st.sampled_from(["Dental care for rabbits", "Out-of-hours pet surgery"]),
}


@pytest.mark.parametrize("field", list(MUTATIONS))
def test_changing_an_input_field_changes_only_the_outputs_that_depend_on_it(field):
    base = offline(VETS, VETS_IN)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(value=MUTATIONS[field])
    def check(value):
        changed = changed_fields(base, offline(VETS, {**copy.deepcopy(VETS_IN), field: value}))
        assert not unexpected(changed, DEPENDS[field]), unexpected(changed, DEPENDS[field])
        if value != VETS_IN.get(field) and DEPENDS[field]:
            assert changed, f"changing {field} to {value!r} changed nothing"

    check()


# --- the scripted provider, end to end ----------------------------------------------------------------------


def estimates(**figures):
    ranges = {
        "cost_per_lead": lambda low, high, why: {"low": low, "high": high, "basis": why},
        "audience_size": lambda low, high, why: {"low": low, "high": high, "basis": why},
        "duration_days": lambda low, high, why: {"low": low, "high": high, "chosen": high, "basis": why},
    }
    return {name: ranges[name](*args) for name, args in figures.items()}


def plan_reply(company_words: str, estimated: dict, split=None) -> dict:
    return {
        "estimates": estimated,
        "split": split,
        "review_questions": [f"Are {company_words} replying to the reminders?"],
        "judgement": f"A reminder campaign suits {company_words}.",
    }


def test_an_estimate_whose_range_is_out_of_order_is_not_used_but_asked_for():
    estimated = estimates(cost_per_lead=(9, 4, "Bristol reminder emails"), audience_size=(900, 1400, "Lapsed clients"))
    data = {k: v for k, v in VETS_IN.items() if k not in ("cost_per_lead", "audience_size")}
    ctx = PlanContext(VETS, answers={"cost_per_lead": 7}, replies=[plan_reply("Bristol pet owners", estimated)])
    out = run_plan(SPEC, data, ctx)
    assert [q["key"] for q in ctx.asked[0]] == ["cost_per_lead"]
    assert out["cost_per_lead"]["source"] == "answer" and out["audience_size"]["source"] == "model_estimate"
    assert [c["check"] for c in out["checks"]] == ["estimate_range"]


def _run(workspace, actor, data):
    run, _ = run_create(workspace=workspace, agent=Agent.objects.get(slug="campaign_planner"), input=data, actor=actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def test_the_model_estimates_only_the_missing_figures_and_they_are_labelled(registry_synced, workspace, system_actor):
    workspace.foundation = VETS
    workspace.save()
    estimated = estimates(
        cost_per_lead=(6, 10, "Bristol clinic reminder emails convert lapsed clients cheaply"),
        audience_size=(900, 1400, "Three clinics' lapsed clients"),
        duration_days=(45, 50, "Two reminder cycles"),
    )
    scripted("campaign_planner", "cp-vets", [{"json": plan_reply("Bristol pet owners", estimated)}], system_actor)
    data = {k: v for k, v in VETS_IN.items() if k not in ("cost_per_lead", "audience_size", "duration_days")}
    run = _run(workspace, system_actor, data)
    assert run.status == "succeeded", run.error_message
    out = run.output
    assert out["cost_per_lead"]["source"] == "model_estimate" and out["cost_per_lead"]["basis"].startswith("Bristol")
    assert out["duration"] == {
        "days": 50,
        "low": 45,
        "high": 50,
        "chosen": 50,
        "basis": "Two reminder cycles",
        "source": "model_estimate",
    }
    assert out["expected_leads"] == {"low": 240, "high": 400}  # 2,400 ÷ 10 and ÷ 6
    assert out["split_source"] == "input"  # the input's weights win over any model split
    assert out["needs_model"] == [] and out["measurement_plan"]["review_questions"][0].startswith("Are Bristol")


def test_a_split_outside_the_schema_is_repaired_once(registry_synced, workspace, system_actor):
    workspace.foundation = SALVAGE
    workspace.save()
    words = "harbour masters"
    bad = plan_reply(words, {}, [{"channel": "events", "weight": 140, "reason": "Port conferences"}])
    good = plan_reply(
        words,
        {},
        [
            {"channel": "events", "weight": 70, "reason": "Port conferences"},
            {"channel": "pr", "weight": 30, "reason": "Maritime trade press"},
        ],
    )
    scripted("campaign_planner", "cp-salvage", [{"json": bad}, {"json": good}], system_actor)
    data = {k: v for k, v in SALVAGE_IN.items() if k not in ("channels", "weights")}
    run = _run(workspace, system_actor, data)
    assert run.status == "succeeded", run.error_message
    assert [s.name for s in run.steps.filter(kind="llm").order_by("sequence")] == [
        "campaign_plan",
        "campaign_plan:repair",
    ]
    out = run.output
    assert out["split_source"] == "model_estimate"
    assert [(b["channel"], b["budget"]) for b in out["budget_split"]] == [("events", 12600), ("pr", 5400)]


def test_a_figure_the_model_cannot_estimate_is_asked_through_the_api(registry_synced, workspace, system_actor):
    workspace.foundation = LANGUAGES
    workspace.save()
    estimated = estimates(cost_per_lead=(0.9, 1.5, "Lisbon expat groups on Facebook"))
    scripted("campaign_planner", "cp-languages", [{"json": plan_reply("Lisbon expats", estimated)}], system_actor)
    data = {k: v for k, v in LANGUAGES_IN.items() if k not in ("cost_per_lead", "audience_size")}
    run = _run(workspace, system_actor, {**data, "weights": {"social": 2, "communities": 1}})
    assert run.status == "awaiting_input"
    _, key = apikey_create(workspace=workspace, name="w", scopes=["runs:read", "runs:write"], actor=system_actor)
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}")
    questions = client.get(f"/api/v1/runs/{run.pk}").json()["input_request"]["questions"]
    assert [q["key"] for q in questions] == ["audience_size"]  # the cost per lead was estimated
    response = client.post(f"/api/v1/runs/{run.pk}/input", {"answers": {"audience_size": 800}}, format="json")
    assert response.status_code == 200, response.content
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message
    out = run.output
    assert out["audience_size"] == {"low": 800, "high": 800, "source": "answer"}
    assert out["expected_leads"] == {"low": 713, "high": 800}  # 1,070 ÷ 1.50 = 713.3; ÷ 0.90 = 1,188, capped
    assert InputRequest.objects.get(run=run).status == "answered"
    kinds = [(s.kind, s.name) for s in run.steps.order_by("sequence")]
    assert kinds[:2] == [("llm", "campaign_plan"), ("input", "ask")]  # the model's answer replayed, not re-asked


def test_offline_questions_answered_let_the_run_finish(registry_synced, workspace, system_actor):
    workspace.foundation = LANGUAGES
    workspace.save()
    data = {k: v for k, v in LANGUAGES_IN.items() if k != "audience_size"}
    run = _run(workspace, system_actor, {**data, "weights": {"social": 1, "communities": 1}})
    assert run.status == "awaiting_input"
    run_answer(run=run, actor=system_actor, answers={"audience_size": 800})
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert run.status == "succeeded", (run.status, [(s.sequence, s.kind, s.name) for s in run.steps.all()])
