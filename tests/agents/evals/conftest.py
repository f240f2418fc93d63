"""Fixtures for evaluations: the real unit_economics agent (computed, no model) with a gating dataset of five
hand-worked cases. CAC = spend / (leads × conversion rate), worked out by hand for each case below."""

from __future__ import annotations

import json

import pytest

from agents.choices import VersionStatus
from agents.evals.datasets import dataset_create, dataset_import
from agents.models import Agent, AgentVersion, EvalDataset

CASES = [
    # name, spend, leads, conversion rate, expected customers, expected CAC
    ("baseline", 10_000, 400, 0.05, 20, 500),
    ("small-spend", 2_000, 100, 0.10, 10, 200),
    ("mid-spend", 15_000, 500, 0.06, 30, 500),
    ("big-spend", 50_000, 1_000, 0.05, 50, 1_000),
    ("huge-spend", 90_000, 3_000, 0.03, 90, 1_000),
]


def case_lines() -> str:
    lines = []
    for name, spend, leads, rate, customers, cac in CASES:
        row = {
            "name": name,
            "input": {"spend": spend, "leads": leads, "conversion_rate": rate, "arpu": 80, "churn": 0.03},
            "graders": [
                {"kind": "equals", "path": "customers", "value": customers, "tolerance": 0.001},
                {"kind": "equals", "path": "cac", "value": cac, "tolerance": 0.01, "name": "cac"},
                {"kind": "regex", "path": "verdict", "pattern": "^(healthy|unhealthy)$"},
            ],
        }
        lines.append(json.dumps(row))
    return "\n".join(lines) + "\n"


@pytest.fixture
def gated_agent(unit_agent: Agent, system_actor) -> Agent:
    """unit_economics, gated by the dataset ``gate`` of the five cases."""
    dataset = dataset_create(agent=unit_agent, name="gate", actor=system_actor)
    dataset_import(dataset=dataset, actor=system_actor, text=case_lines())
    unit_agent.gating_dataset = dataset
    unit_agent.save()
    return unit_agent


@pytest.fixture
def gate_dataset(gated_agent: Agent) -> EvalDataset:
    assert gated_agent.gating_dataset is not None
    return gated_agent.gating_dataset


@pytest.fixture
def live_version(gated_agent: Agent) -> AgentVersion:
    return gated_agent.versions.get(status=VersionStatus.PUBLISHED)
