"""LLM-as-judge on the scripted provider: its verdict and reasons are stored, its cost is recorded under the
experiment (and the evaluation workspace), never a customer's; offline, a judged case is "not graded".

Scripted answers are free by design (raptorflow/llm/pricing.py), so the cost tests put a priced provider in front
of the same script: an in-process adapter that replays the scripted provider's replies as a paid model's."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.utils import timezone

from agents.evals.datasets import case_create, dataset_create
from agents.evals.experiments import experiment_create, experiment_run_inline
from agents.evals.ledger import EVAL_WORKSPACE_SLUG
from agents.models import WorkspaceSpend
from raptorflow.llm import adapters
from raptorflow.llm.models import ModelPrice, Provider
from raptorflow.llm.scripted import register_script, unregister_script
from tests.agents.conftest import UNIT_INPUT

SCRIPT = "eval-judge"
RUBRIC = "The CAC is stated and the verdict follows from LTV/CAC against 3."
USAGE = {"input_tokens": 1000, "output_tokens": 100}
CALL_COST = Decimal("0.0045")  # 1,000 × $3 + 100 × $15, per million tokens


PAID = "test-paid-judge"


@pytest.fixture
def scripted_judge(db):
    Provider.objects.get_or_create(name="scripted", defaults={"kind": "scripted"})
    yield [{"provider": "scripted", "model": SCRIPT}]
    unregister_script(SCRIPT)


@pytest.fixture
def paid_judge(db, monkeypatch):
    """A priced provider answering with the script's replies (not labelled scripted, so they are charged)."""
    scripted = adapters.ADAPTERS["scripted"]
    monkeypatch.setitem(adapters.ADAPTERS, PAID, lambda p, r: dataclasses.replace(scripted(p, r), scripted=False))
    provider = Provider.objects.create(name=PAID, kind=PAID)
    ModelPrice.objects.create(
        provider=provider,
        model=SCRIPT,
        input_per_million=Decimal("3"),
        output_per_million=Decimal("15"),
        effective_from=timezone.now() - timezone.timedelta(days=1),
    )
    yield [{"provider": PAID, "model": SCRIPT}]
    unregister_script(SCRIPT)


def _judged_dataset(agent, actor, chain):
    dataset = dataset_create(agent=agent, name="judged", actor=actor, judge_model_chain=chain)
    graders = [{"kind": "equals", "path": "cac", "value": 500}, {"kind": "judge", "name": "rubric"}]
    case_create(dataset=dataset, actor=actor, name="baseline", input=UNIT_INPUT, graders=graders, rubric=RUBRIC)
    return dataset


def _run(agent, dataset, actor):
    version = agent.versions.get(status="published")
    return experiment_run_inline(experiment_create(dataset=dataset, version=version, actor=actor))


def test_a_judged_case_uses_the_judge_model_with_one_repair_and_stores_its_reasons(
    unit_agent, scripted_judge, system_actor
):
    off_schema = {"json": {"passed": "yes"}}  # sent back once with the errors
    verdict = {"json": {"passed": True, "score": 0.9, "reasons": ["States CAC 500; 5.33 is above 3."]}}
    register_script(SCRIPT, [off_schema, verdict])
    dataset = _judged_dataset(unit_agent, system_actor, scripted_judge)

    experiment = _run(unit_agent, dataset, system_actor)

    result = experiment.results.get()
    judge = next(grade for grade in result.grades if grade["kind"] == "judge")
    assert (result.outcome, judge["outcome"], judge["detail"]) == ("passed", "passed", "score 0.90")
    assert judge["reasons"] == ["States CAC 500; 5.33 is above 3."]
    assert (judge["call"]["provider"], judge["call"]["model"], judge["call"]["attempts"]) == ("scripted", SCRIPT, 2)
    assert experiment.judge_tokens_in > 0 and experiment.spent == 0  # scripted replies are never charged


def test_a_judges_cost_goes_to_the_experiment_and_the_evaluation_workspace_only(
    unit_agent, paid_judge, system_actor, workspace
):
    verdict = {"json": {"passed": True, "score": 0.8, "reasons": ["Verdict explained."]}, "usage": USAGE}
    register_script(SCRIPT, [{"json": {"passed": "yes"}, "usage": USAGE}, verdict])
    dataset = _judged_dataset(unit_agent, system_actor, paid_judge)

    experiment = _run(unit_agent, dataset, system_actor)

    result = experiment.results.get()
    assert result.outcome == "passed"
    assert (experiment.judge_cost, experiment.spent, result.judge_cost) == (2 * CALL_COST,) * 3
    assert (experiment.judge_tokens_in, experiment.judge_tokens_out, experiment.reserved) == (2000, 200, 0)
    spend = WorkspaceSpend.objects.get(workspace__slug=EVAL_WORKSPACE_SLUG)
    assert spend.amount == 2 * CALL_COST
    assert not WorkspaceSpend.objects.filter(workspace=workspace).exists()


def test_a_judge_that_says_fail_fails_the_case_with_its_reasons(unit_agent, scripted_judge, system_actor):
    register_script(SCRIPT, [{"json": {"passed": False, "score": 0.2, "reasons": ["No verdict is explained."]}}])
    dataset = _judged_dataset(unit_agent, system_actor, scripted_judge)
    experiment = _run(unit_agent, dataset, system_actor)
    assert (experiment.passed, experiment.failed, experiment.pass_rate) == (0, 1, 0.0)
    assert experiment.graders["rubric"]["failed"] == 1 and experiment.graders["equals cac"]["passed"] == 1


@pytest.mark.parametrize("chain", [[], [{"provider": "offline", "model": "offline-1"}]], ids=["no-judge", "offline"])
def test_offline_or_without_a_judge_a_judged_case_is_not_graded_never_passed(unit_agent, system_actor, chain):
    dataset = _judged_dataset(unit_agent, system_actor, chain)
    experiment = _run(unit_agent, dataset, system_actor)
    result = experiment.results.get()
    judge = next(grade for grade in result.grades if grade["kind"] == "judge")
    assert (result.outcome, judge["outcome"]) == ("not_graded", "not_graded")
    assert (experiment.passed, experiment.not_graded, experiment.pass_rate, experiment.spent) == (0, 1, 0.0, 0)
    assert judge["detail"].startswith("offline" if chain else "no judge model")


def test_a_judgment_past_the_experiment_budget_is_not_graded(unit_agent, paid_judge, system_actor):
    register_script(SCRIPT, [{"json": {"passed": True, "score": 1, "reasons": ["ok"]}, "usage": USAGE}])
    dataset = _judged_dataset(unit_agent, system_actor, paid_judge)
    version = unit_agent.versions.get(status="published")
    experiment = experiment_create(dataset=dataset, version=version, actor=system_actor, budget=Decimal("0.000001"))
    experiment = experiment_run_inline(experiment)
    judge = next(grade for grade in experiment.results.get().grades if grade["kind"] == "judge")
    assert judge["outcome"] == "not_graded" and "budget" in judge["detail"]
    assert experiment.spent == 0
