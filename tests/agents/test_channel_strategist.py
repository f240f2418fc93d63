"""Channel strategist: the budget and team rules, three companies offline and on the scripted provider (with one
repair and one awaiting_input round trip through the API), and a property test over every input field.

The three companies are in industries no code table names (marine salvage, a veterinary clinic group, a language
school): whatever the agent says about them comes from their own words and figures.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from rest_framework.test import APIClient

from agents.models import InputRequest
from agents.runs.runtime import run_execute
from agents.runs.services import run_create
from agents.specialists import channel_strategist as agent
from raptorflow.accounts.services import apikey_create
from skills.library.channels import CHANNELS, conversions_per_month, match_channel, minimum_spend
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
# model call is attempted (and answers model_unavailable) before the plan is computed.
TRACE = [
    ("skill", "channels.rules"),
    ("llm", "channel_fit"),
    ("skill", "channels.plan"),
    ("skill", "channels.kpis"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("negative budget", {"budget": -1, "team_size": 1}, "^budget: -1 is less than the minimum of 0"),
    ("no team size", {"budget": 100}, "'team_size' is a required property"),
    (
        "unknown channel in the shortlist",
        {"budget": 100, "team_size": 1, "shortlist": ["billboards"]},
        "^shortlist/0: 'billboards' is not one of",
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
# $800 a month and one person, six channels wanted, SEO among them: paid search costs $95 a lead.
SALVAGE_IN = {
    "budget": 800,
    "team_size": 1,
    "cost_per_lead": {"paid_search": 95},
    "shortlist": ["paid_search", "seo", "events", "partnerships", "pr", "email"],
}
VETS_IN = {
    "budget": 4500,
    "team_size": 3,
    "horizon_months": 3,
    "cost_per_lead": {"paid_social": 6.5, "paid_search": 14},
    "shortlist": ["paid_social", "referrals", "paid_search", "email"],
}
LANGUAGES_IN = {"budget": 0, "team_size": 2, "shortlist": ["paid_social", "communities", "organic_social"]}
COMPANIES = [(SALVAGE, SALVAGE_IN, {}), (VETS, VETS_IN, {}), (LANGUAGES, LANGUAGES_IN, {})]


def offline(foundation, data, answers=None):
    return run_plan(SPEC, data, PlanContext(foundation, answers=answers))


def by_channel(output):
    return {row["channel"]: row for row in output["channels"]}


# --- the rules -----------------------------------------------------------------------------------------------


def test_paid_channels_need_their_learning_conversions_a_month():
    # Meta: 50 events in 7 days → 50 × 30.4375 ÷ 7 = 217.4 → 218; Google: 15–50 in 30 days → 15.2–50.7 → 16–51
    assert conversions_per_month("paid_social") == {"low": 218, "high": 218}
    assert conversions_per_month("paid_search") == {"low": 16, "high": 51}


def test_minimum_spend_is_conversions_times_cost_per_lead_exactly_in_cents():
    assert minimum_spend("paid_search", {"low": 95, "high": 95}) == {"low": 152000, "high": 484500}
    # 218 × 6.5 = 1,417 exactly; 218 × 1.07 = 233.26 (a float product would be 233.26000000000002)
    assert minimum_spend("paid_social", {"low": 1.07, "high": 6.5}) == {"low": 23326, "high": 141700}


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("LinkedIn ads", "paid_social"),  # longer than "linkedin"
        ("cold email", "outbound_sales"),  # longer than "email"
        ("our weekly newsletter", "email"),
        ("Paid Search", "paid_search"),
        ("salesforce integration", None),  # "salesforce" is not the word "sales"
        ("", None),
    ],
)
def test_channels_in_free_text_match_whole_words_longest_first(text, channel):
    assert match_channel(text) == channel


# --- three companies, offline -----------------------------------------------------------------------------


def test_an_800_dollar_one_person_team_runs_one_channel_and_funds_nothing_it_cannot_afford():
    out = offline(SALVAGE, SALVAGE_IN)
    rows = by_channel(out)
    assert out["capacity"]["active_channels"] == 1  # one owner per channel
    # paid search first: 16 × $95 = $1,520 at the least, more than $800 → refused, with why
    assert rows["paid_search"]["status"] == "over_budget"
    assert rows["paid_search"]["minimum_monthly_spend"] == {"low": 1520, "high": 4845}
    assert "$1,520–$4,845 a month" in rows["paid_search"]["status_reason"]
    assert "$800 of Ferrowell Salvage's $800" in rows["paid_search"]["status_reason"]
    # SEO runs on time, not money: primary, unfunded; the other four wait for capacity
    assert (out["primary"], out["secondary"]) == (["seo"], [])
    assert [rows[c]["status"] for c in ("events", "partnerships", "pr", "email")] == ["over_capacity"] * 4
    assert sum(row["budget_amount"] for row in out["channels"]) == 0
    assert out["unallocated"] == {"amount": 800, "share": 1.0}


def test_a_clinic_group_funds_each_paid_channel_its_minimum_and_shares_the_rest():
    out = offline(VETS, VETS_IN)
    rows = by_channel(out)
    assert (out["primary"], out["secondary"]) == (["paid_social"], ["referrals", "paid_search"])
    assert rows["email"]["status"] == "over_capacity"  # three people, three channels
    # paid social reserves 218 × $6.50 = $1,417, paid search 16 × $14 = $224; the $2,859 left is split equally
    # (no fit offline): $1,429.50 each
    assert rows["paid_social"]["budget_amount"] == 2846.5
    assert rows["paid_search"]["budget_amount"] == 1653.5
    assert rows["paid_search"]["budget_left_when_picked"] == 3083  # 4,500 − 1,417
    assert out["split_basis"] == "equal"
    assert sum(row["budget_share"] for row in out["channels"]) + out["unallocated"]["share"] == pytest.approx(1)
    assert rows["paid_social"]["kpis"] == ["cost per thousand impressions", "click-through rate", "cost per lead"]


def test_no_paid_channel_is_primary_on_a_zero_budget():
    out = offline(LANGUAGES, LANGUAGES_IN, answers={})  # asked for paid social's cost per lead, left it empty
    rows = by_channel(out)
    assert rows["paid_social"]["status"] == "cost_unknown"
    assert (out["primary"], out["secondary"]) == (["communities"], ["organic_social"])
    with_cost = offline(LANGUAGES, {**LANGUAGES_IN, "cost_per_lead": {"paid_social": 3}})
    assert by_channel(with_cost)["paid_social"]["status"] == "over_budget"  # 218 × $3 = $654 > $0
    assert with_cost["primary"] == ["communities"]


def test_offline_a_shortlisted_paid_channel_without_a_cost_is_asked_for_and_the_answer_is_labelled():
    ctx = PlanContext(LANGUAGES, answers=None)
    with pytest.raises(Asked) as asked:
        run_plan(SPEC, {**LANGUAGES_IN, "budget": 900}, ctx)
    (question,) = asked.value.questions
    assert question["key"] == "cost_per_lead_paid_social" and question["required"] is False
    assert "Cadenza Language School" in question["prompt"]
    out = offline(LANGUAGES, {**LANGUAGES_IN, "budget": 900}, answers={"cost_per_lead_paid_social": 4})
    row = by_channel(out)["paid_social"]
    assert row["cost_per_lead"] == {"low": 4, "high": 4, "source": "answer"}
    assert (row["status"], row["role"], row["budget_amount"]) == ("active", "primary", 900)  # 218 × 4 = 872


def test_offline_says_what_needs_a_model_and_judges_nothing():
    out = offline(VETS, VETS_IN)
    assert out["needs_model"] == ["fit", "reasons", "judgement"]
    assert all(row["fit"] is None and row["reasons"] == [] for row in out["channels"])
    bare = offline(VETS, {"budget": 4500, "team_size": 3})
    assert bare["needs_model"] == [
        "fit",
        "reasons",
        "judgement",
        "picks",
        "cost_per_lead.paid_search",
        "cost_per_lead.paid_social",
    ]
    assert bare["picks_source"] == "none" and {row["role"] for row in bare["channels"]} == {None}
    assert "needs a model or a shortlist" in bare["summary"]


def test_when_nothing_says_what_the_company_sells_it_asks_first():
    ctx = PlanContext({"company": "Ferrowell Salvage"}, answers=None)
    with pytest.raises(Asked) as asked:
        run_plan(SPEC, SALVAGE_IN, ctx)
    assert [q["key"] for q in asked.value.questions] == ["offer"]
    assert ctx.prompts == []  # nothing judged before the answer


def test_three_companies_never_share_a_sentence_and_every_figure_is_traced():
    outputs = [offline(f, d, a) for f, d, a in COMPANIES]
    for (foundation, data, _), out in zip(COMPANIES, outputs, strict=True):
        assert sentences(out), foundation["company"]
        assert not untraced(data, out, foundation), foundation["company"]
        assert all(foundation["company"] in s for s in sentences(out))
    for i, first in enumerate(outputs):
        for second in outputs[i + 1 :]:
            assert not sentences(first) & sentences(second)


def test_no_code_table_names_the_test_companies_industries():
    """The channel, campaign and move agents and their skills: nothing in them knows these industries."""
    root = Path(agent.__file__).parents[2]
    sources = [
        root / "agents/specialists" / f"{name}.py"
        for name in ("channel_strategist", "campaign_planner", "move_strategist")
    ]
    sources += [
        root / "skills/library" / f"{name}.py" for name in ("channels", "planning", "moves", "money", "plan_words")
    ]
    code = " ".join(path.read_text().lower() for path in sources)
    assert not [word for word in ("salvage", "veterinar", "language school", "wreck", "lisbon") if word in code]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=from_schema(SPEC.input_schema), foundation=st.sampled_from([{}, VETS]))
def test_any_schema_valid_input_gives_a_valid_output_or_asks_well_formed_questions(data, foundation):
    json.dumps(valid_output_or_questions(SPEC, data, foundation), allow_nan=False)


# --- the property: each input field changes what depends on it, and nothing else ----------------------------

BUDGET_DEPENDENT = {
    "budget",
    "channels.*.status",
    "channels.*.role",
    "channels.*.budget_amount",
    "channels.*.budget_share",
    "channels.*.budget_left_when_picked",
    "channels.*.status_reason",
    "channels.*.kpis",
    "primary",
    "secondary",
    "future",
    "unallocated.amount",
    "unallocated.share",
    "split_basis",
    "summary",
}
DEPENDS = {
    "budget": BUDGET_DEPENDENT,
    "team_size": BUDGET_DEPENDENT | {"team_size", "capacity.active_channels"},
    "max_active_channels": BUDGET_DEPENDENT
    | {"capacity.active_channels", "capacity.source", "capacity.rule", "capacity.cited", "capacity.year"},
    "horizon_months": {"horizon_months"},
    "cost_per_lead": BUDGET_DEPENDENT
    | {
        "channels.*.cost_per_lead.low",
        "channels.*.cost_per_lead.high",
        "channels.*.minimum_monthly_spend.low",
        "channels.*.minimum_monthly_spend.high",
        "rules.*.minimum_monthly_spend.low",
        "rules.*.minimum_monthly_spend.high",
    },
    "shortlist": BUDGET_DEPENDENT | {"channels.*.priority"},
    "offer": {"company.offer"},
}
MUTATIONS = {
    "budget": st.integers(0, 20_000),
    "team_size": st.integers(0, 6),
    "max_active_channels": st.integers(0, 12),
    "horizon_months": st.integers(1, 60),
    "cost_per_lead": st.fixed_dictionaries({"paid_social": st.integers(1, 40), "paid_search": st.integers(1, 90)}),
    "shortlist": st.permutations(VETS_IN["shortlist"]),
    "offer": st.sampled_from(["Dental care for rabbits and guinea pigs", "Out-of-hours pet surgery"]),
}


@pytest.mark.parametrize("field", list(MUTATIONS))
def test_changing_an_input_field_changes_only_the_outputs_that_depend_on_it(field):
    base = offline(VETS, VETS_IN)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(value=MUTATIONS[field])
    def check(value):
        changed = changed_fields(base, offline(VETS, {**copy.deepcopy(VETS_IN), field: value}))
        assert not unexpected(changed, DEPENDS[field]), unexpected(changed, DEPENDS[field])
        if value != VETS_IN.get(field):
            assert changed, f"changing {field} to {value!r} changed nothing"

    check()


# --- the scripted provider, end to end ----------------------------------------------------------------------


def judgement(fits: dict[str, float], why: str, picks: list[str], **extra) -> dict:
    """A structured reply: every channel judged (the ones not named at 0.2, with a reason in the company's
    terms), the picks and a judgement."""
    channels = {c: {"fit": fits.get(c, 0.2), "reasons": [f"{why} ({c.replace('_', ' ')})."]} for c in CHANNELS}
    return {"channels": channels, "picks": picks, "judgement": f"{why}.", **extra}


def test_code_reports_the_models_promises_and_an_upside_down_cost_range():
    reply = judgement(
        {"referrals": 0.9},
        "Referrals are guaranteed to fill the evening slots",
        ["referrals"],
        cost_per_lead={"paid_social": {"low": 9, "high": 3, "basis": "Bristol pet owners"}},
    )
    out = run_plan(SPEC, {"budget": 4500, "team_size": 3}, PlanContext(VETS, replies=[reply]))
    kinds = [(c["check"], c.get("channel")) for c in out["checks"]]
    assert ("estimate_range", "paid_social") in kinds and ("claim", "referrals") in kinds and ("claim", None) in kinds
    assert by_channel(out)["paid_social"]["cost_per_lead"] is None  # the unordered estimate was not used


def _run(workspace, actor, data):
    run, _ = run_create(workspace=workspace, agent=_agent(), input=data, actor=actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def _agent():
    from agents.models import Agent

    return Agent.objects.get(slug="channel_strategist")


def test_the_model_judges_fit_and_code_refuses_the_picks_the_rules_do_not_allow(
    registry_synced, workspace, system_actor
):
    workspace.foundation = VETS
    workspace.save()
    reply = judgement(
        {"referrals": 0.9, "paid_social": 0.8, "email": 0.7, "pr": 0.6},
        "Bristol pet owners pick clinics their neighbours recommend",
        ["referrals", "paid_social", "email", "pr"],
    )
    scripted("channel_strategist", "cs-vets", [{"json": reply}], system_actor)
    run = _run(workspace, system_actor, VETS_IN)
    assert run.status == "succeeded", run.error_message
    out = run.output
    assert (out["picks_source"], out["primary"], out["secondary"]) == ("model", ["referrals"], ["paid_social", "email"])
    rows = by_channel(out)
    assert rows["referrals"]["fit"] == 0.9 and "neighbours recommend" in rows["referrals"]["reasons"][0]
    assert rows["pr"]["status"] == "over_capacity"
    assert {"check": "rules", "channel": "pr", "detail": rows["pr"]["status_reason"]} in out["checks"]
    assert rows["paid_social"]["budget_amount"] == 4500  # the only funded paid channel takes what is left
    assert out["needs_model"] == [] and out["judgement"].startswith("Bristol pet owners")
    steps = [(s.kind, s.name, s.status) for s in run.steps.order_by("sequence")]
    assert steps == [
        ("skill", "channels.rules", "succeeded"),
        ("llm", "channel_fit", "succeeded"),
        ("skill", "channels.plan", "succeeded"),
        ("skill", "channels.kpis", "succeeded"),
    ]


def test_an_answer_outside_the_schema_is_repaired_once_and_estimates_are_labelled(
    registry_synced, workspace, system_actor
):
    workspace.foundation = SALVAGE
    workspace.save()
    why = "Harbour masters hear of salvage firms at port conferences"
    broken = judgement({"events": 1.4}, why, ["events"])  # a fit over 1: sent back with the schema's errors
    fixed = judgement(
        {"events": 0.85, "partnerships": 0.7},
        why,
        ["paid_social", "events"],
        cost_per_lead={
            "paid_social": {"low": 120, "high": 60, "basis": "Claims adjusters are a narrow LinkedIn audience"}
        },
    )
    scripted("channel_strategist", "cs-salvage", [{"json": broken}, {"json": fixed}], system_actor)
    run = _run(workspace, system_actor, {**SALVAGE_IN, "shortlist": []})
    assert run.status == "succeeded", run.error_message
    names = [s.name for s in run.steps.filter(kind="llm").order_by("sequence")]
    assert names == ["channel_fit", "channel_fit:repair"]
    out = run.output
    # the estimate's range is upside down: not used, reported; so paid social's cost stays unknown
    assert [c["check"] for c in out["checks"]][:1] == ["estimate_range"]
    assert by_channel(out)["paid_social"]["status"] == "cost_unknown"
    assert out["primary"] == ["events"]


def test_a_company_without_words_is_asked_through_the_api_and_the_run_continues(
    registry_synced, workspace, system_actor
):
    workspace.foundation = {"company": "Cadenza Language School"}
    workspace.save()
    reply = judgement(
        {"communities": 0.9, "organic_social": 0.75},
        "Expats in Lisbon meet in Facebook groups",
        ["communities", "paid_social", "organic_social"],
        cost_per_lead={"paid_social": {"low": 2.5, "high": 6, "basis": "Lisbon expat audiences"}},
    )
    scripted("channel_strategist", "cs-languages", [{"json": reply}], system_actor)
    run = _run(workspace, system_actor, LANGUAGES_IN)
    assert run.status == "awaiting_input"
    _, key = apikey_create(workspace=workspace, name="w", scopes=["runs:read", "runs:write"], actor=system_actor)
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}")
    questions = client.get(f"/api/v1/runs/{run.pk}").json()["input_request"]["questions"]
    assert [q["key"] for q in questions] == ["offer"] and "Cadenza Language School" in questions[0]["prompt"]
    offer = "Evening Portuguese courses for expats in Lisbon."
    answered = client.post(f"/api/v1/runs/{run.pk}/input", {"answers": {"offer": offer}}, format="json")
    assert answered.status_code == 200, answered.content
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message
    out = run.output
    assert out["company"]["offer"] == "Evening Portuguese courses for expats in Lisbon"
    assert (out["primary"], out["secondary"]) == (["communities"], ["organic_social"])
    # $0: paid social's estimate ($2.50–$6 a lead, labelled) still needs $545 at the least → refused
    row = by_channel(out)["paid_social"]
    assert row["cost_per_lead"]["source"] == "model_estimate" and row["status"] == "over_budget"
    assert InputRequest.objects.get(run=run).status == "answered"
    assert [s.kind for s in run.steps.order_by("sequence")][:2] == ["input", "skill"]
