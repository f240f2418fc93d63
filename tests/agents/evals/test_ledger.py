"""An evaluation run's paid model calls are held against its experiment's budget as well as the evaluation
workspace's month, and charged to both; past the experiment's budget the run stops budget_exceeded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from agents.evals.datasets import case_create, dataset_create
from agents.evals.experiments import experiment_create, experiment_run_inline
from agents.evals.ledger import EVAL_WORKSPACE_SLUG
from agents.models import Run, WorkspaceSpend
from raptorflow.llm import adapters
from raptorflow.llm.models import ModelPrice, Provider
from raptorflow.llm.types import Completion, CompletionRequest, Usage

PAID = "test-eval-paid"
USAGE = Usage(input_tokens=2_000, output_tokens=500)
CALL_COST = Decimal("0.013500")  # 2,000 × $3 + 500 × $15, per million tokens


def _answer(provider: Provider, request: CompletionRequest) -> Completion:
    return Completion("A tagline for the case.", USAGE, request.model, PAID, 5)


def _tagline(ctx, data):
    return {"tagline": ctx.llm(f"Write a tagline for {data.get('company', 'us')}.", purpose="tagline")}


@pytest.fixture
def paid_agent(make_agent, monkeypatch, db):
    monkeypatch.setitem(adapters.ADAPTERS, PAID, _answer)
    provider = Provider.objects.create(name=PAID, kind=PAID)
    ModelPrice.objects.create(
        provider=provider, model="paid-1", input_per_million=Decimal("3"), output_per_million=Decimal("15"),
        effective_from=timezone.now() - timezone.timedelta(days=1),
    )  # fmt: skip
    return make_agent("test-eval-paid", _tagline, chain=[{"provider": PAID, "model": "paid-1"}], cache_responses=False)


def _experiment(agent, actor, budget: Decimal):
    dataset = dataset_create(agent=agent, name="taglines", actor=actor)
    for name in ("acme", "globex"):
        graders = [{"kind": "contains", "path": "tagline", "value": "tagline"}]
        case_create(dataset=dataset, actor=actor, name=name, input={"company": name}, graders=graders)
    version = agent.versions.get(status="published")
    return experiment_run_inline(experiment_create(dataset=dataset, version=version, actor=actor, budget=budget))


def test_an_evaluation_runs_calls_are_charged_to_its_experiment_and_the_evaluation_workspace(
    paid_agent, system_actor, workspace
):
    experiment = _experiment(paid_agent, system_actor, Decimal("1.00"))
    assert (experiment.status, experiment.passed) == ("finished", 2)
    assert (experiment.spent, experiment.runs_cost, experiment.reserved) == (2 * CALL_COST, 2 * CALL_COST, 0)
    assert experiment.tokens_in == 4_000 and experiment.tokens_out == 1_000
    month = WorkspaceSpend.objects.get(workspace__slug=EVAL_WORKSPACE_SLUG)
    assert (month.amount, month.reserved) == (2 * CALL_COST, 0)
    assert not WorkspaceSpend.objects.filter(workspace=workspace).exists()


def test_a_call_past_the_experiments_budget_stops_the_run_budget_exceeded(paid_agent, system_actor):
    experiment = _experiment(paid_agent, system_actor, Decimal("0.001"))
    assert (experiment.passed, experiment.failed, experiment.spent) == (0, 2, 0)
    assert set(experiment.results.values_list("error_code", flat=True)) == {"budget_exceeded"}
    run = Run.objects.filter(evaluation=True).first()
    assert run.status == "budget_exceeded" and "its experiment's budget" in run.error_message
    # the workspace's hold was undone with the experiment's refusal: nothing is left held
    assert not WorkspaceSpend.objects.filter(workspace__slug=EVAL_WORKSPACE_SLUG, reserved__gt=0).exists()
