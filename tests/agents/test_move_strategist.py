"""Move strategist: dates and checks, three companies offline and on the scripted provider (with one repair, one
revision after a failed check and one awaiting_input round trip through the API), and a property test over every
input field.

The three companies are in industries no code table names (marine salvage, a veterinary clinic group, a language
school); durations, costs and odds come from their own phases or from labelled model estimates.
"""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from rest_framework.test import APIClient

from agents.models import Agent, InputRequest
from agents.runs.runtime import run_execute
from agents.runs.services import run_create
from agents.specialists import move_strategist as agent
from raptorflow.accounts.services import apikey_create
from tests.agents.conftest import call_skill
from tests.agents.planning_helpers import (
    Asked,
    PlanContext,
    changed_fields,
    run_plan,
    scripted,
    sentences,
    unexpected,
    untraced,
    valid_output_or_questions,
)

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it): offline, the
# model call is attempted (and answers model_unavailable), then the user's own phases are scheduled.
TRACE = [
    ("llm", "move_plan"),
    ("skill", "moves.schedule"),
    ("skill", "channels.kpis"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("no start date", {"move_type": "product", "objective": "x"}, "'start_date' is a required property"),
    (
        "unknown move type",
        {"move_type": "rebrand", "objective": "x", "start_date": "2025-01-01"},
        "^move_type: 'rebrand' is not one of",
    ),
    (
        "start date not a date",
        {"move_type": "product", "objective": "x", "start_date": "tomorrow"},
        "^start_date: 'tomorrow' does not match",
    ),
    (
        "a phase without days",
        {"move_type": "content", "objective": "x", "start_date": "2025-01-01", "phases": [{"name": "Write"}]},
        "^phases/0: 'days' is a required property",
    ),
]
SPEC = agent.SPEC

SALVAGE = {
    "company": "Ferrowell Salvage",
    "industry": "Marine salvage",
    "product": "Wreck removal and cargo recovery for port authorities and hull insurers.",
    "audience": "Harbour masters and marine claims adjusters around the North Sea.",
}
VETS = {
    "company": "Larkspur Veterinary Group",
    "industry": "Veterinary clinics",
    "product": "Three small-animal clinics with evening appointments in Bristol.",
    "audience": "Cat and dog owners in north Bristol who work office hours.",
}
LANGUAGES = {
    "company": "Cadenza Language School",
    "industry": "Language school",
    "product": "Evening Portuguese courses for expats in Lisbon, twelve students a class.",
    "audience": "English-speaking expats who moved to Lisbon in the last two years.",
}
SALVAGE_IN = {
    "move_type": "market",
    "objective": "Open a Rotterdam office and win two port-authority contracts",
    "start_date": "2026-01-05",
    "deadline": "2026-06-30",
    "budget": 60000,
    "channels": ["trade shows", "cold outreach"],
    "constraints": ["no new hires before March"],
    "phases": [
        {
            "name": "Port authority interviews",
            "days": 30,
            "days_low": 20,
            "days_high": 40,
            "cost_low": 4000,
            "cost_high": 6000,
        },
        {
            "name": "Rotterdam office set-up",
            "days": 45,
            "days_low": 40,
            "days_high": 60,
            "cost_low": 20000,
            "cost_high": 30000,
        },
        {
            "name": "Tender submissions",
            "days": 60,
            "days_low": 45,
            "days_high": 90,
            "cost_low": 8000,
            "cost_high": 15000,
        },
    ],
}
VETS_IN = {
    "move_type": "content",
    "objective": "Publish a monthly pet-health column in the Bristol Post",
    "start_date": "2025-11-03",
    "budget": 3000,
    "channels": ["newsletter", "local press"],
}
LANGUAGES_IN = {
    "move_type": "partnership",
    "objective": "Partner with two Lisbon co-working spaces to offer trial lessons",
    "start_date": "2025-09-15",
    "deadline": "2025-10-31",
    "budget": 1500,
    "phases": [
        {"name": "Shortlist co-working spaces", "days": 10},
        {"name": "Pitch and agree terms", "days": 21},
        {"name": "Trial lessons", "days": 20},
    ],
}
COMPANIES = [(SALVAGE, SALVAGE_IN), (VETS, VETS_IN), (LANGUAGES, LANGUAGES_IN)]


def offline(foundation, data, answers=None):
    return run_plan(SPEC, data, PlanContext(foundation, answers=answers))


def checks(output):
    return {c["check"]: c["status"] for c in output["checks"]}


# --- dates and checks --------------------------------------------------------------------------------------


def test_phases_are_dated_back_to_back_from_the_start():
    schedule = call_skill(
        "moves.schedule",
        {
            "start_date": "2025-01-01",
            "phases": [{"name": "Discovery", "days": 22}, {"name": "Beta", "days": 36}, {"name": "Launch", "days": 21}],
        },
    )
    assert [(p["name"], p["start_date"], p["end_date"]) for p in schedule["phases"]] == [
        ("Discovery", "2025-01-01", "2025-01-22"),
        ("Beta", "2025-01-23", "2025-02-27"),
        ("Launch", "2025-02-28", "2025-03-20"),
    ]
    assert schedule["end_date"] == "2025-03-20" and schedule["total_days"]["planned"] == 79


@pytest.mark.parametrize(
    ("deadline", "status"),
    [("2025-03-31", "ok"), ("2025-03-25", "at_risk"), ("2025-03-19", "fails")],
)
def test_the_deadline_check_fails_over_the_planned_days_and_warns_over_the_slow_case(deadline, status):
    phases = [{"name": "Only", "days": 79, "days_low": 60, "days_high": 85}]  # 85 days ends 2025-03-26
    schedule = call_skill("moves.schedule", {"start_date": "2025-01-01", "deadline": deadline, "phases": phases})
    assert [(c["check"], c["status"]) for c in schedule["checks"]] == [("timeline", status)]


def test_costs_add_up_in_cents_and_are_checked_against_the_budget():
    phases = [
        {"name": "a", "days": 1, "cost_low": 0.1, "cost_high": 0.3},
        {"name": "b", "days": 1, "cost_low": 0.2, "cost_high": 0.3},
    ]
    schedule = call_skill("moves.schedule", {"start_date": "2025-01-01", "budget": 0.5, "phases": phases})
    assert schedule["cost"] == {"low": 0.3, "high": 0.6}  # not 0.30000000000000004
    assert schedule["checks"] == [
        {"check": "budget", "status": "at_risk", "figures": {"expected": 0.3, "high": 0.6, "limit": 0.5}}
    ]


def test_a_phase_outside_its_own_range_and_repeated_names_fail():
    phases = [
        {"name": "Pilot", "days": 50, "days_low": 10, "days_high": 20},
        {"name": " pilot ", "days": 5, "cost_low": 9, "cost_high": 3},
    ]
    found = call_skill("moves.schedule", {"start_date": "2025-01-01", "phases": phases})["checks"]
    assert [(c["check"], c["status"]) for c in found] == [
        ("phase_days", "fails"),
        ("phase_cost", "fails"),
        ("phase_names", "fails"),
    ]


# --- three companies, offline -----------------------------------------------------------------------------


def test_a_salvage_firms_own_phases_fit_its_deadline_only_if_nothing_runs_long():
    out = offline(SALVAGE, SALVAGE_IN)
    assert (out["end_date"], out["latest_end_date"]) == ("2026-05-19", "2026-07-13")  # day 135 and day 190
    assert out["duration_days"] == {"planned": 135, "low": 105, "high": 190}
    assert checks(out) == {"timeline": "at_risk", "budget": "ok"}  # 177 days to 30 June; $32,000–$51,000
    assert out["cost_range"] == {"low": 32000, "high": 51000, "source": "input"}
    assert out["success_probability"] is None and "success_probability" in out["needs_model"]
    assert [r["source"] for r in out["risks"]] == ["constraint", "check"]
    assert out["next_steps"][0].startswith("Start “Port authority interviews” on 2026-01-05")
    assert {k["source"] for k in out["kpis"]} == {"trade shows", "cold outreach"}


def test_a_clinic_group_without_phases_gets_no_invented_plan():
    out = offline(VETS, VETS_IN)
    assert (out["phases"], out["phases_source"], out["cost_range"], out["end_date"]) == ([], "none", None, None)
    assert out["needs_model"] == [
        "phases",
        "next_steps",
        "cost_range",
        "success_probability",
        "kpis.targets",
        "risks.assessment",
        "judgement",
    ]
    assert "phases need a model or Larkspur Veterinary Group's own list" in out["summary"]


def test_a_language_schools_phases_over_its_deadline_fail_the_check_and_become_a_risk():
    out = offline(LANGUAGES, LANGUAGES_IN)
    assert checks(out) == {"timeline": "fails"}  # 51 days planned, 47 from 15 September to 31 October
    assert out["risks"] == [
        {
            "risk": "The phases take 51 days, more than the 47 days to Cadenza Language School's deadline.",
            "severity": "high",
            "source": "check",
        }
    ]
    assert out["cost_range"] is None and "cost_range" in out["needs_model"]


def test_it_asks_for_a_blank_objective_and_a_deadline_before_the_start():
    with pytest.raises(Asked) as asked:
        offline(LANGUAGES, {**LANGUAGES_IN, "objective": "  ", "deadline": "2025-09-01"})
    assert [(q["key"], q.get("required", True)) for q in asked.value.questions] == [
        ("objective", True),
        ("deadline", False),
    ]
    out = offline(
        LANGUAGES,
        {**LANGUAGES_IN, "objective": "  ", "deadline": "2025-09-01"},
        answers={"objective": "Fill two trial classes a month"},
    )  # deadline left empty: none
    assert (out["objective"], out["deadline"], out["checks"]) == ("Fill two trial classes a month", None, [])


def test_three_companies_never_share_a_sentence_and_every_figure_is_traced():
    outputs = [offline(f, d) for f, d in COMPANIES]
    for (foundation, data), out in zip(COMPANIES, outputs, strict=True):
        assert not untraced(data, out, foundation), foundation["company"]
        assert all(foundation["company"] in s or data["objective"] in s for s in sentences(out)), foundation
    for i, first in enumerate(outputs):
        for second in outputs[i + 1 :]:
            assert not sentences(first) & sentences(second)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=from_schema(SPEC.input_schema), foundation=st.sampled_from([{}, SALVAGE]))
def test_any_schema_valid_input_gives_a_valid_output_or_asks_well_formed_questions(data, foundation):
    json.dumps(valid_output_or_questions(SPEC, data, foundation), allow_nan=False)


# --- the property: each input field changes what depends on it, and nothing else ----------------------------

DATES = {
    "start_date",
    "end_date",
    "latest_end_date",
    "phases.*.start_date",
    "phases.*.end_date",
    "next_steps",
    "summary",
    "checks*",
    "risks*",
}
DEPENDS = {
    "move_type": {"move_type", "summary"},
    "objective": {"objective", "summary", "next_steps"},
    "start_date": DATES,
    "deadline": {"deadline", "checks*", "risks*"},
    "budget": {"budget", "checks*", "risks*"},
    "risk_appetite": set(),  # only the model reads it
    "channels": {"kpis*"},
    "constraints": {"risks*"},
    "phases": DATES | {"phases*", "duration_days*", "cost_range*", "needs_model"},
    "offer": {"company.offer"},
}
_PHASE = st.fixed_dictionaries({"name": st.sampled_from(["Survey", "Bid", "Mobilise"]), "days": st.integers(1, 90)})
MUTATIONS = {
    "move_type": st.sampled_from(["campaign", "content", "product", "partnership"]),
    "objective": st.sampled_from(["Win the Antwerp dredging contract", "Recover two cargo wrecks a quarter"]),
    "start_date": st.dates(date(2025, 6, 1), date(2026, 6, 1)).map(date.isoformat),  # before the deadline
    "deadline": st.dates(date(2026, 1, 5), date(2027, 12, 31)).map(date.isoformat),  # after the start
    "budget": st.integers(0, 200_000),
    "risk_appetite": st.sampled_from(["conservative", "aggressive"]),
    "channels": st.sampled_from([["newsletter"], ["trade shows"], []]),
    "constraints": st.sampled_from([["no weekend dives"], [], ["no new hires before March", "insurer approval"]]),
    "phases": st.lists(_PHASE, min_size=1, max_size=4),
    "offer": st.sampled_from(["Cargo recovery in the Baltic", "Harbour dredging"]),
}


@pytest.mark.parametrize("field", list(MUTATIONS))
def test_changing_an_input_field_changes_only_the_outputs_that_depend_on_it(field):
    base = offline(SALVAGE, SALVAGE_IN)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(value=MUTATIONS[field])
    def check(value):
        changed = changed_fields(base, offline(SALVAGE, {**copy.deepcopy(SALVAGE_IN), field: value}))
        assert not unexpected(changed, DEPENDS[field]), unexpected(changed, DEPENDS[field])
        if value != SALVAGE_IN.get(field) and DEPENDS[field]:
            assert changed, f"changing {field} to {value!r} changed nothing"

    check()


# --- the scripted provider, end to end ----------------------------------------------------------------------


def phase(name, days, low, high, cost_low, cost_high, doing):
    return {
        "name": name,
        "days": days,
        "days_low": low,
        "days_high": high,
        "cost_low": cost_low,
        "cost_high": cost_high,
        "activities": [doing],
        "exit_criterion": f"{name} signed off",
    }


def plan(phases, words, low=0.35, high=0.55):
    return {
        "phases": phases,
        "success": {
            "definition": f"{words} by the deadline",
            "low": low,
            "high": high,
            "basis": f"How often {words} happens for firms this size",
        },
        "kpis": [{"metric": "signed agreements", "target": "2", "basis": f"The objective: {words}"}],
        "risks": [{"risk": f"Delays in {words}", "severity": "medium", "mitigation": "Start two talks at once"}],
        "next_steps": [f"Book the first meeting about {words}"],
        "judgement": f"A focused plan for {words}.",
    }


def test_code_drops_upside_down_odds_and_reports_promises():
    reply = plan(
        [phase("Pitch the editor", 14, 7, 21, 0, 200, "Send sample columns")],
        "a column in the Bristol Post",
        low=0.6,
        high=0.4,
    )
    reply["next_steps"] = ["Tell the editor readership growth is guaranteed"]
    out = run_plan(SPEC, VETS_IN, PlanContext(VETS, replies=[reply]))
    assert out["success_probability"] is None
    assert [(c["check"], c["status"]) for c in out["checks"]] == [
        ("budget", "ok"),
        ("success_range", "fails"),
        ("claim", "fails"),
    ]


def _run(workspace, actor, data):
    run, _ = run_create(workspace=workspace, agent=Agent.objects.get(slug="move_strategist"), input=data, actor=actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def test_the_model_plans_the_phases_and_every_estimate_is_labelled(registry_synced, workspace, system_actor):
    workspace.foundation = VETS
    workspace.save()
    reply = plan(
        [
            phase("Pitch the Bristol Post editor", 14, 7, 21, 0, 200, "Send three sample columns"),
            phase("Write and publish", 90, 90, 90, 600, 1500, "One column a month by a vet"),
        ],
        "a monthly column in the Bristol Post",
    )
    scripted("move_strategist", "ms-vets", [{"json": reply}], system_actor)
    run = _run(workspace, system_actor, VETS_IN)
    assert run.status == "succeeded", run.error_message
    out = run.output
    assert out["phases_source"] == "model_estimate" and out["phases"][1]["start_date"] == "2025-11-17"
    assert out["cost_range"] == {"low": 600, "high": 1700, "source": "model_estimate"}
    assert out["success_probability"]["source"] == "model_estimate" and out["success_probability"]["low"] == 0.35
    assert checks(out) == {"budget": "ok"} and out["revised"] is False and out["needs_model"] == []
    assert [k["source"] for k in out["kpis"]][:1] == ["model_estimate"]


def test_an_answer_outside_the_schema_is_repaired_once(registry_synced, workspace, system_actor):
    workspace.foundation = SALVAGE
    workspace.save()
    phases = [
        phase("Port authority interviews", 30, 20, 40, 4000, 6000, "Interview six harbour masters"),
        phase("Tender submissions", 60, 45, 90, 8000, 15000, "Bid on two tenders"),
    ]
    words = "two Rotterdam port contracts"
    scripted(
        "move_strategist",
        "ms-salvage",
        [{"json": plan(phases, words, high=1.3)}, {"json": plan(phases, words)}],
        system_actor,
    )
    run = _run(workspace, system_actor, {k: v for k, v in SALVAGE_IN.items() if k != "phases"})
    assert run.status == "succeeded", run.error_message
    assert [s.name for s in run.steps.filter(kind="llm").order_by("sequence")] == ["move_plan", "move_plan:repair"]
    assert run.output["success_probability"]["high"] == 0.55
    assert checks(run.output) == {"timeline": "ok", "budget": "ok"}  # 90 days, up to 130, of 177


def test_a_blank_objective_is_asked_through_the_api_and_a_plan_over_the_deadline_is_revised(
    registry_synced, workspace, system_actor
):
    workspace.foundation = LANGUAGES
    workspace.save()
    words = "trial lessons at two Lisbon co-working spaces"
    too_long = plan(
        [
            phase("Pitch co-working spaces", 30, 20, 40, 0, 100, "Visit five spaces"),
            phase("Run trial lessons", 30, 30, 30, 300, 600, "Two trial evenings a week"),
        ],
        words,
    )
    fitting = plan(
        [
            phase("Pitch co-working spaces", 14, 10, 20, 0, 100, "Visit five spaces"),
            phase("Run trial lessons", 28, 21, 28, 300, 600, "Two trial evenings a week"),
        ],
        words,
    )
    scripted("move_strategist", "ms-languages", [{"json": too_long}, {"json": fitting}], system_actor)
    run = _run(workspace, system_actor, {**LANGUAGES_IN, "objective": " ", "phases": []})
    assert run.status == "awaiting_input"
    _, key = apikey_create(workspace=workspace, name="w", scopes=["runs:read", "runs:write"], actor=system_actor)
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}")
    questions = client.get(f"/api/v1/runs/{run.pk}").json()["input_request"]["questions"]
    assert [q["key"] for q in questions] == ["objective"]
    answer = {"objective": "Fill two trial classes at Lisbon co-working spaces"}
    assert client.post(f"/api/v1/runs/{run.pk}/input", {"answers": answer}, format="json").status_code == 200
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message
    out = run.output
    assert out["objective"] == answer["objective"] and out["revised"] is True
    assert checks(out) == {"timeline": "at_risk", "budget": "ok"}  # 42 days planned, up to 48, of 47
    steps = [(s.kind, s.name) for s in run.steps.order_by("sequence")]
    assert steps == [
        ("input", "ask"),
        ("llm", "move_plan"),
        ("skill", "moves.schedule"),
        ("llm", "move_plan:revise"),
        ("skill", "moves.schedule"),
        ("skill", "channels.kpis"),
    ]
    assert InputRequest.objects.get(run=run).status == "answered"
    assert "51 days" not in str(out)  # the first plan's failure was revised away, not reported
