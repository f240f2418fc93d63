"""The gating datasets shipped with the code (agents/evals/datasets/): each imports cleanly with at least five cases,
each agent's published version passes its own offline, seed_demo makes the gate live, the loader never overrides
staff's choice, and a draft that breaks an agent is refused with eval_regression naming the cases."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from agents import registry
from agents.choices import VersionStatus
from agents.evals.datasets import case_create, parse_jsonl
from agents.evals.errors import GateError
from agents.evals.experiments import experiment_create, experiment_run_inline
from agents.evals.graders import GRADER_SCHEMAS
from agents.evals.seeded import (
    MIN_CASES,
    SEEDED_NAME,
    seeded_dataset_load,
    seeded_datasets_load,
    seeded_experiments_record,
    seeded_files,
)
from agents.evals.selectors import experiment_latest_finished
from agents.models import Agent, AgentVersion, EvalDataset, Experiment
from agents.services import agentversion_create_draft, agentversion_publish, agentversion_update
from raptorflow.audit.models import AuditEvent

AGENTS = sorted(spec.slug for spec in registry.all_specs() if spec.category != "test")
# A spend cap that refuses the unit_economics cases spending more than it: 4,800 (three cases) and 18,000.
SPEND_CAP = 3000
OVER_THE_CAP = [
    "bookbindery-ltv-on-gross-margin",
    "falconry-customers-from-leads-and-conversion",
    "judgement-offline-needs-a-model",
    "missing-figures-are-asked-with-the-company-name",
]


def _published(agent: Agent) -> AgentVersion:
    return agent.versions.get(status=VersionStatus.PUBLISHED)


def test_every_agent_ships_a_file_that_imports_cleanly_with_at_least_five_named_cases():
    files = seeded_files()
    assert sorted(files) == AGENTS
    for slug, path in files.items():
        rows, errors = parse_jsonl(path.read_text(encoding="utf-8"))
        assert errors == [], (slug, errors)
        assert len(rows) >= MIN_CASES, slug
        for row in rows:
            assert row["graders"], (slug, row["name"])  # a case with no graders would only check the schema
            assert all(grader["kind"] in GRADER_SCHEMAS for grader in row["graders"])


@pytest.mark.parametrize("slug", AGENTS)
def test_each_published_version_passes_its_own_dataset_offline(slug, registry_synced, system_actor):
    agent = Agent.objects.get(slug=slug)
    assert seeded_dataset_load(agent=agent, actor=system_actor, path=seeded_files()[slug]) == "created"
    dataset = EvalDataset.objects.get(agent=agent, name=SEEDED_NAME, workspace__isnull=True)
    experiment = experiment_run_inline(
        experiment_create(dataset=dataset, version=_published(agent), actor=system_actor)
    )
    failures = {
        result.case_name: [result.error_code] + [g["detail"] for g in result.grades if g["outcome"] != "passed"]
        for result in experiment.results.exclude(outcome="passed")
    }
    assert failures == {}
    assert (experiment.status, experiment.passed, experiment.pass_rate) == ("finished", dataset.cases.count(), 1.0)


def test_seed_demo_leaves_each_agent_gated_by_its_dataset_with_a_finished_experiment(db, var_dir):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert f"Gating datasets: {len(AGENTS)} created, 0 updated; {len(AGENTS)} first experiments recorded" in (
        out.getvalue()
    )
    for agent in Agent.objects.filter(slug__in=AGENTS).select_related("gating_dataset"):
        dataset = agent.gating_dataset
        assert dataset is not None and (dataset.name, dataset.seeded, dataset.workspace_id) == (SEEDED_NAME, True, None)
        experiment = experiment_latest_finished(_published(agent), dataset)
        assert experiment is not None, agent.slug
        assert (experiment.dataset_revision, experiment.pass_rate) == (dataset.revision, 1.0), agent.slug
    assert AuditEvent.objects.filter(action="agent.update", changes__gating_dataset=[None, SEEDED_NAME]).count() == len(
        AGENTS
    )


def test_loading_again_changes_nothing_and_a_changed_file_updates_the_cases(registry_synced, system_actor, tmp_path):
    assert seeded_datasets_load(actor=system_actor) == {"created": len(AGENTS), "updated": 0, "unchanged": 0}
    events = AuditEvent.objects.count()
    assert seeded_datasets_load(actor=system_actor) == {"created": 0, "updated": 0, "unchanged": len(AGENTS)}
    assert AuditEvent.objects.count() == events

    agent = Agent.objects.get(slug="unit_economics")
    dataset = agent.gating_dataset
    assert dataset is not None
    revision = dataset.revision
    lines = seeded_files()["unit_economics"].read_text(encoding="utf-8").splitlines()
    shorter = tmp_path / "unit_economics.jsonl"
    shorter.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    assert seeded_dataset_load(agent=agent, actor=system_actor, path=shorter) == "updated"
    dataset.refresh_from_db()
    assert dataset.cases.count() == len(lines) - 1 and dataset.revision > revision  # the file's cases, no more
    assert AuditEvent.objects.filter(action="evaldataset.import", target_id=str(dataset.pk)).count() == 2


def test_the_loader_never_overrides_the_gating_dataset_staff_chose(registry_synced, system_actor):
    from agents.evals.datasets import dataset_create

    chosen = Agent.objects.get(slug="market_sizer")
    own = dataset_create(agent=chosen, name="staff-choice", actor=system_actor)
    chosen.gating_dataset = own
    chosen.save()
    seeded_datasets_load(actor=system_actor)
    chosen.refresh_from_db()
    assert chosen.gating_dataset == own  # the shipped dataset is loaded, not made the gate
    assert EvalDataset.objects.filter(agent=chosen, name=SEEDED_NAME).exists()

    cleared = Agent.objects.get(slug="move_strategist")  # staff turned the gate off after the first load
    cleared.gating_dataset = None
    cleared.save()
    golden = EvalDataset.objects.get(agent=cleared, name=SEEDED_NAME)
    case_create(dataset=golden, actor=system_actor, name="staff-added", input={}, graders=[])
    assert seeded_datasets_load(actor=system_actor)["updated"] == 1  # the file wins over the edit…
    cleared.refresh_from_db()
    assert cleared.gating_dataset is None  # …but the gate stays off
    assert not golden.cases.filter(name="staff-added").exists()


def test_a_draft_that_breaks_an_agent_is_refused_with_eval_regression_naming_the_cases(registry_synced, system_actor):
    seeded_datasets_load(actor=system_actor)
    agent = Agent.objects.get(slug="unit_economics")
    live = _published(agent)
    (first,) = [e for e in seeded_experiments_record(actor=system_actor) if e.version == live]
    assert first.pass_rate == 1.0
    assert Experiment.objects.filter(version=live).count() == 1
    assert seeded_experiments_record(actor=system_actor) == []  # nothing changed: nothing is run again

    schema = {**live.input_schema, "properties": {**live.input_schema["properties"]}}
    schema["properties"]["spend"] = {**schema["properties"]["spend"], "maximum": SPEND_CAP}
    draft = agentversion_create_draft(agent=agent, actor=system_actor, input_schema=schema)
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert refused.value.code == "eval_missing"

    dataset = agent.gating_dataset
    broken = experiment_run_inline(experiment_create(dataset=dataset, version=draft, actor=system_actor))
    assert broken.failed == len(OVER_THE_CAP)
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert refused.value.code == "eval_regression"
    assert refused.value.errors == {"regressed_cases": OVER_THE_CAP}

    fixed = {**schema, "properties": {**schema["properties"], "spend": live.input_schema["properties"]["spend"]}}
    agentversion_update(version=draft, actor=system_actor, input_schema=fixed)
    assert experiment_run_inline(experiment_create(dataset=dataset, version=draft, actor=system_actor)).pass_rate == 1
    assert agentversion_publish(version=draft, actor=system_actor) is True


def test_a_published_version_on_a_paid_model_is_not_run_by_seeding(registry_synced, system_actor, paid_provider):
    agent = Agent.objects.get(slug="market_sizer")
    draft = agentversion_create_draft(
        agent=agent, actor=system_actor, model_chain=[{"provider": "paid", "model": "gpt-test"}]
    )
    assert agentversion_publish(version=draft, actor=system_actor) is True  # no gate yet
    seeded_datasets_load(actor=system_actor)
    ran = seeded_experiments_record(actor=system_actor)
    assert agent.slug not in {experiment.version.agent.slug for experiment in ran}
    assert len(ran) == len(AGENTS) - 1
    assert not Experiment.objects.filter(version=draft).exists()  # evaluated by staff, never by seeding (it costs)
