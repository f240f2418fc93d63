"""Unit economics: hand-worked figures in exact decimals, LTV on gross margin, the sensitivity table, the verdict's
stated thresholds, asking for missing figures, the model's judgement checked against the figures, three companies
offline and on the scripted provider (one repair, one awaiting_input round trip through the API), and a property
test (an input field changes the outputs that depend on it and no others).

The runtime's own hand-worked case (tests/agents/runs/test_runtime.py) uses the same formulas."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from agents import registry as agents
from agents.specialists import unit_economics
from skills.library import finance
from tests.agents.conftest import call_skill, run_agent
from tests.agents.judged_runs import (
    COMPANIES,
    KESTREL,
    QUILLWORKS,
    STILLWATER,
    AnsweringContext,
    Asked,
    OfflineContext,
    ScriptedContext,
    answer_through_api,
    api_writer,
    execute,
    numbers,
    publish_scripted,
    sentences,
    steps,
    untraced_figures,
)

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [("skill", "finance.unit_economics")]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("negative spend", {"spend": -1}, "^spend: -1 is less than the minimum of 0"),
    ("churn over 1", {"churn": 1.5}, "^churn: 1.5 is greater than the maximum of 1"),
    ("unknown field", {"budget": 5}, "Additional properties are not allowed \\('budget' was unexpected\\)"),
]

FIGURES = {
    # 32 customers given; CAC 4,800 ÷ 32 = 150; margin 1 − 0.35 = 0.65; LTV 45 × 0.65 ÷ 0.02 = 1,462.50;
    # LTV/CAC 9.75; payback 150 ÷ 29.25 = 5.128… → 5.13.
    "quillworks": {"spend": 4800, "customers": 32, "arpu": 45, "churn": 0.02, "cogs_share": 0.35},
    # 150 × 0.08 = 12 customers; CAC 18,000 ÷ 12 = 1,500; LTV 1,250 × 0.45 ÷ 0.015 = 37,500; LTV/CAC 25;
    # payback 1,500 ÷ 562.5 = 2.67.
    "kestrel": {"spend": 18000, "leads": 150, "conversion_rate": 0.08, "arpu": 1250, "churn": 0.015,
                "cogs_share": 0.55},
    # 900 × 0.03 = 27 customers; CAC 2,500 ÷ 27 = 92.59; no cost of goods: revenue LTV 29 ÷ 0.12 = 241.67;
    # LTV/CAC (29 ÷ 0.12) ÷ (2,500 ÷ 27) = 2.61 (not above 3); payback 92.59 ÷ 29 = 3.19 (under 12): mixed.
    "stillwater": {"spend": 2500, "leads": 900, "conversion_rate": 0.03, "arpu": 29, "churn": 0.12},
}  # fmt: skip
EXPECTED = {
    "quillworks": (32, 150.0, 1462.5, 9.75, 5.13, 0.65, "healthy"),
    "kestrel": (12, 1500.0, 37500.0, 25.0, 2.67, 0.45, "healthy"),
    "stillwater": (27, 92.59, 241.67, 2.61, 3.19, None, "mixed"),
}
WRITTEN = ("notes", "summary", "why", "needs_model", "prompt")  # what the agent writes about a company


def offline(foundation: dict, data: dict, **kwargs) -> dict:
    output = unit_economics.run(OfflineContext(foundation, **kwargs), data)
    Draft202012Validator(unit_economics.OUTPUT).validate(output)
    return output


# --- the figures -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIGURES)
def test_each_company_gets_its_hand_worked_figures(name):
    out = offline(COMPANIES[name], FIGURES[name])
    got = (out["customers"], out["cac"], out["ltv"], out["ltv_to_cac"], out["payback_months"], out["gross_margin"])
    assert (*got, out["verdict"]) == EXPECTED[name]


def test_ltv_is_on_gross_margin_when_cost_of_goods_is_given_and_the_formula_says_so():
    out = call_skill("finance.unit_economics", FIGURES["quillworks"])
    assert out["ltv_basis"] == "gross margin"
    assert out["formulas"]["ltv"] == "ARPU × gross margin ÷ monthly churn = 45 × 0.65 ÷ 0.02"
    assert out["formulas"]["gross_margin"] == "1 − cost of goods share = 1 − 0.35"
    assert out["formulas"]["cac"] == "spend ÷ customers won = 4800 ÷ 32"


def test_without_cost_of_goods_ltv_is_revenue_ltv_labelled_and_no_margin_is_invented():
    out = call_skill("finance.unit_economics", FIGURES["stillwater"])
    assert (out["ltv_basis"], out["gross_margin"]) == ("revenue", None)
    assert "revenue LTV" in out["formulas"]["ltv"]
    assert any(note.startswith("No cost of goods given") for note in out["notes"])


def test_money_is_rounded_half_up_on_exact_decimals():
    # CAC = 201 ÷ 200 = 1.005 exactly: half-up gives 1.01 (a float's round(1.005, 2) gives 1.0).
    out = call_skill("finance.unit_economics", {"spend": 201, "customers": 200, "arpu": 10, "churn": 0.1})
    assert out["cac"] == 1.01
    # 3 leads × 0.1 is exactly 0.3 customers (0.30000000000000004 in floats), so CAC is exactly 1.
    out = call_skill(
        "finance.unit_economics", {"spend": 0.3, "leads": 3, "conversion_rate": 0.1, "arpu": 1, "churn": 1}
    )
    assert (out["customers"], out["cac"]) == (0.3, 1.0)


def test_the_sensitivity_table_moves_churn_arpu_and_cac_by_twenty_percent():
    out = call_skill("finance.unit_economics", FIGURES["quillworks"])
    rows = {(r["variable"], r["change"]): r for r in out["sensitivity"]}
    # churn −20 %: 0.016 → LTV 29.25 ÷ 0.016 = 1,828.125 → 1,828.13; LTV/CAC 12.19; payback unchanged (5.13).
    assert (rows["churn", -0.2]["value"], rows["churn", -0.2]["ltv"]) == (0.016, 1828.13)
    assert (rows["churn", -0.2]["ltv_to_cac"], rows["churn", -0.2]["payback_months"]) == (12.19, 5.13)
    # ARPU +20 %: 54 → LTV 54 × 0.65 ÷ 0.02 = 1,755; LTV/CAC 11.7; payback 150 ÷ 35.1 = 4.27.
    assert (rows["arpu", 0.2]["ltv"], rows["arpu", 0.2]["ltv_to_cac"], rows["arpu", 0.2]["payback_months"]) == (
        1755.0,
        11.7,
        4.27,
    )
    # CAC +20 %: 180 → LTV/CAC 1,462.5 ÷ 180 = 8.13; payback 180 ÷ 29.25 = 6.15.
    assert (rows["cac", 0.2]["value"], rows["cac", 0.2]["ltv_to_cac"], rows["cac", 0.2]["payback_months"]) == (
        180.0,
        8.13,
        6.15,
    )
    assert len(rows) == 6


def test_the_verdict_uses_the_rule_of_thumb_with_its_source_or_the_companys_own_targets():
    out = call_skill("finance.unit_economics", FIGURES["stillwater"])
    assert out["thresholds"]["ltv_to_cac"]["source"].startswith("rule of thumb")
    assert "Skok" in out["thresholds"]["payback_months"]["source"]
    assert (out["thresholds"]["ltv_to_cac"]["met"], out["thresholds"]["payback_months"]["met"]) == (False, True)
    own = call_skill("finance.unit_economics", {**FIGURES["stillwater"], "target_ltv_to_cac": 2.5})
    assert (own["verdict"], own["thresholds"]["ltv_to_cac"]["source"]) == ("healthy", "your own target")


@pytest.mark.parametrize(
    ("arpu", "verdict"),
    [(45, "unhealthy"), (60, "mixed")],
)
def test_ltv_to_cac_of_exactly_three_is_not_above_three(arpu, verdict):
    # customers 10, CAC 150; churn 0.1; margin 1 − 0 → LTV 450 / 600, LTV/CAC 3.0 (not above 3) / 4.0;
    # payback 150 ÷ 45 = 3.33 / 150 ÷ 60 = 2.5, neither under the company's own target of 2 months.
    data = {"spend": 1500, "customers": 10, "arpu": arpu, "churn": 0.1, "cogs_share": 0, "target_payback_months": 2}
    out = call_skill("finance.unit_economics", data)
    assert out["verdict"] == verdict


def test_an_unbounded_ltv_or_no_customers_is_insufficient_data_with_a_note_stating_the_figures():
    out = call_skill("finance.unit_economics", {"spend": 900, "customers": 0, "arpu": 40, "churn": 0.05})
    assert (out["cac"], out["verdict"]) == (None, "insufficient_data")
    assert "No customers were won from a spend of 900, so CAC is undefined." in out["notes"]


# --- asking -------------------------------------------------------------------------------------------------------


def test_missing_figures_are_asked_for_with_the_company_name_never_defaulted():
    with pytest.raises(Asked) as asked:
        offline(KESTREL, {"spend": 18000, "leads": 150})
    keys = [q["key"] for q in asked.value.questions]
    assert keys == ["arpu", "conversion_rate", "churn"]
    assert all("Kestrel Hawking" in q["prompt"] for q in asked.value.questions)
    with pytest.raises(Asked) as asked:
        offline({}, {})
    assert [q["key"] for q in asked.value.questions] == ["spend", "customers", "arpu", "churn"]


def test_the_answers_complete_the_figures():
    out = offline(STILLWATER, {"spend": 2500, "arpu": 29, "churn": 0.12}, answers=[{"customers": 27}])
    assert (out["customers"], out["cac"]) == (27, 92.59)


# --- the model's judgement, checked by code -------------------------------------------------------------------------


def test_code_refuses_a_judgement_whose_verdict_or_numbers_are_not_the_figures():
    result = call_skill("finance.unit_economics", FIGURES["kestrel"])
    answer = {
        "verdict": "unhealthy",
        "summary": "Kestrel Hawking recovers its 1,500 CAC in 2.67 months. Its LTV/CAC is 40. "
        "Contracts are guaranteed to renew.",
        "levers": [
            {"variable": "churn", "why": "At 1.5% a month churn is the lever: 20% less lifts LTV/CAC to 31.25."}
        ],
    }
    checked = unit_economics.check_judgement(answer, FIGURES["kestrel"], result)
    assert checked["verdict"] == "healthy"
    assert checked["summary"] == "Kestrel Hawking recovers its 1,500 CAC in 2.67 months."
    reasons = [c["reason"] for c in checked["corrections"]]
    assert reasons[0] == "the figures give healthy; the computed verdict stands"
    assert "states 40, which is none of the figures" in reasons  # LTV/CAC is 25
    assert any(r.startswith("makes a guarantee claim") for r in reasons)
    # churn −20 % gives LTV 562.5 ÷ 0.012 = 46,875 and LTV/CAC 31.25: that figure is in the table, so it stays.
    assert checked["levers"][0]["sensitivity"][0]["ltv_to_cac"] == 31.25
    assert checked["levers"][0]["why"].endswith("31.25.")


def test_a_requested_judgement_offline_is_listed_as_needing_a_model():
    out = offline(QUILLWORKS, {**FIGURES["quillworks"], "judgement": True})
    assert out["judgement"] is None
    assert out["needs_model"] == [
        "judgement: which of churn, ARPU and CAC matters most for Quillworks Bindery, and why"
    ]


def test_the_judgement_prompt_carries_the_computed_figures():
    reply = {"verdict": "healthy", "summary": "Quillworks Bindery earns 9.75 times its CAC.", "levers": []}
    ctx = ScriptedContext(QUILLWORKS, replies=[reply])
    out = unit_economics.run(ctx, {**FIGURES["quillworks"], "judgement": True})
    assert '"ltv": 1462.5' in ctx.prompts[0] and "Quillworks Bindery" in ctx.prompts[0]
    assert out["judgement"]["summary"] == "Quillworks Bindery earns 9.75 times its CAC."


# --- three companies, offline ---------------------------------------------------------------------------------------


def test_offline_no_two_companies_share_a_sentence_and_every_figure_is_traced():
    written = {}
    for name, foundation in COMPANIES.items():
        out = offline(foundation, {**FIGURES[name], "judgement": True})
        with pytest.raises(Asked) as asked:
            offline(foundation, {})
        written[name] = sentences(out, WRITTEN) | sentences(asked.value.questions, WRITTEN)
        texts = [*out["notes"], *out["formulas"].values()]
        assert untraced_figures(texts, numbers(out) + numbers(FIGURES[name])) == [], name
    for a, b in [("quillworks", "kestrel"), ("quillworks", "stillwater"), ("kestrel", "stillwater")]:
        assert not written[a] & written[b], (a, b, written[a] & written[b])


# --- the runtime: offline, and the scripted provider ----------------------------------------------------------------


def test_a_plain_calculation_is_one_step_and_a_judgement_offline_adds_the_refused_model_call(
    registry_synced, workspace, system_actor
):
    run = run_agent(workspace, system_actor, "unit_economics", {**FIGURES["kestrel"], "judgement": True})
    assert run.status == "succeeded", run.error_message
    assert steps(run) == [
        ("skill", "finance.unit_economics", "succeeded"),
        ("llm", "unit_economics:judgement", "failed"),  # the offline provider gives no structured output
    ]
    assert run.output["needs_model"] and run.output["judgement"] is None


def _reply(name: str, verdict: str) -> dict:
    figures = {"quillworks": "9.75", "kestrel": "25", "stillwater": "2.61"}[name]
    company = COMPANIES[name]["company"]
    return {
        "verdict": verdict,
        "summary": f"{company} earns {figures} times what a customer costs to win.",
        "levers": [{"variable": "churn", "why": f"{company} keeps customers longest when churn falls."}],
    }


@pytest.mark.parametrize("name", COMPANIES)
def test_on_the_scripted_provider_the_judgement_is_repaired_once_and_checked(
    name, registry_synced, workspace, system_actor
):
    workspace.foundation = COMPANIES[name]
    workspace.save()
    verdict = EXPECTED[name][-1]
    replies = [{"json": {**_reply(name, verdict), "verdict": "excellent"}}, {"json": _reply(name, verdict)}]
    agent = publish_scripted("unit_economics", f"ue-{name}", replies, system_actor)
    run = execute(agent, workspace, system_actor, {**FIGURES[name], "judgement": True})
    assert run.status == "succeeded", run.error_message
    assert steps(run) == [
        ("skill", "finance.unit_economics", "succeeded"),
        ("llm", "unit_economics:judgement", "succeeded"),
        ("llm", "unit_economics:judgement:repair", "succeeded"),  # "excellent" is not a verdict: repaired once
    ]
    judgement = run.output["judgement"]
    assert judgement["verdict"] == verdict and judgement["corrections"] == []
    assert judgement["summary"] == _reply(name, verdict)["summary"]
    assert [row["variable"] for row in judgement["levers"][0]["sensitivity"]] == ["churn", "churn"]


def test_a_missing_figure_is_asked_through_the_api_and_the_run_continues_with_the_model(
    registry_synced, workspace, system_actor
):
    workspace.foundation = STILLWATER
    workspace.save()
    replies = [{"json": {**_reply("stillwater", "unhealthy"), "summary": "Stillwater Paddle Co recovers CAC in 9 "
                         "months."}}]  # fmt: skip
    agent = publish_scripted("unit_economics", "ue-stillwater-ask", replies, system_actor)
    data = {k: v for k, v in FIGURES["stillwater"].items() if k != "churn"} | {"judgement": True}
    run = execute(agent, workspace, system_actor, data)
    assert run.status == "awaiting_input"
    writer = api_writer(workspace, system_actor)
    questions = writer.get(f"/api/v1/runs/{run.pk}").json()["input_request"]["questions"]
    assert [q["key"] for q in questions] == ["churn"] and "Stillwater Paddle Co" in questions[0]["prompt"]
    run = answer_through_api(writer, run, {"churn": 0.12})
    assert run.status == "succeeded", run.error_message
    assert [s[:2] for s in steps(run)] == [
        ("input", "ask"),
        ("skill", "finance.unit_economics"),
        ("llm", "unit_economics:judgement"),
    ]
    assert (run.output["ltv"], run.output["verdict"]) == (241.67, "mixed")
    judgement = run.output["judgement"]
    # The model said unhealthy and "9 months" (payback is 3.19): code keeps the verdict and drops the sentence.
    assert judgement["verdict"] == "mixed" and judgement["summary"] == ""
    assert [c["reason"] for c in judgement["corrections"]] == [
        "the figures give mixed; the computed verdict stands",
        "states 9, which is none of the figures",
    ]


# --- property: an input field changes what depends on it, and nothing else ------------------------------------------

BASE = {"spend": 4800, "leads": 400, "conversion_rate": 0.08, "arpu": 45, "churn": 0.02, "cogs_share": 0.35}
_MONEY = ("ltv_to_cac", "payback_months", "verdict", "thresholds", "sensitivity", "notes")
# What each input field may change; every other output must stay exactly as it was.
DEPENDS = {
    "spend": {"cac", "formulas.cac", *_MONEY},
    "leads": {"customers", "cac", "formulas.customers", "formulas.cac", *_MONEY},
    "conversion_rate": {"customers", "cac", "formulas.customers", "formulas.cac", *_MONEY},
    "arpu": {"ltv", "formulas.ltv", "formulas.payback_months", *_MONEY},
    "churn": {"ltv", "formulas.ltv", *_MONEY} - {"payback_months"},
    "cogs_share": {"gross_margin", "ltv", "formulas.ltv", "formulas.payback_months", "formulas.gross_margin", *_MONEY},
    "target_ltv_to_cac": {"verdict", "thresholds", "sensitivity"},
    "target_payback_months": {"verdict", "thresholds", "sensitivity"},
}
# The output each field must move (by any factor other than 1).
MOVES = {
    "spend": "cac", "leads": "customers", "conversion_rate": "customers", "arpu": "ltv", "churn": "ltv",
    "cogs_share": "gross_margin", "target_ltv_to_cac": "thresholds", "target_payback_months": "thresholds",
}  # fmt: skip


def _flat(out: dict) -> dict:
    flat = {k: v for k, v in out.items() if k != "formulas"}
    return flat | {f"formulas.{k}": v for k, v in out["formulas"].items()}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(field=st.sampled_from(sorted(DEPENDS)), factor=st.sampled_from([0.5, 0.8, 1.25, 1.5, 2.0]))
def test_changing_one_input_changes_only_the_outputs_that_depend_on_it(field, factor):
    base = {**BASE, "target_ltv_to_cac": 3, "target_payback_months": 12}
    changed = copy.deepcopy(base)
    changed[field] = float(Decimal(repr(base[field])) * Decimal(repr(factor)))
    before, after = _flat(finance.unit_economics(base)), _flat(finance.unit_economics(changed))
    moved = {k for k in before if before[k] != after[k]}
    assert moved <= DEPENDS[field], (field, moved - DEPENDS[field])
    assert MOVES[field] in moved
    if field == "churn":  # churn never enters payback, not even in the sensitivity rows
        assert [r["payback_months"] for r in before["sensitivity"]] == [
            r["payback_months"] for r in after["sensitivity"]
        ]


def test_the_example_run_is_the_readme_case(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "unit_economics", agents.get("unit_economics").example_input)
    assert run.status == "succeeded", run.error_message
    # 600 × 0.04 = 24 customers; CAC 12,000 ÷ 24 = 500; LTV 99 × 0.75 ÷ 0.025 = 2,970; LTV/CAC 5.94;
    # payback 500 ÷ 74.25 = 6.73.
    out = run.output
    assert (out["cac"], out["ltv"], out["ltv_to_cac"], out["payback_months"]) == (500.0, 2970.0, 5.94, 6.73)


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=from_schema(unit_economics.INPUT_SCHEMA))
def test_any_schema_valid_input_ends_in_a_valid_output_after_valid_questions(data):
    """What the catalogue checks, with questions answered (the smallest valid answers) instead of failing."""
    output = unit_economics.run(AnsweringContext(), data)
    Draft202012Validator(unit_economics.OUTPUT).validate(output)
    json.dumps(output, allow_nan=False)  # stored as JSON: no NaN or infinity
