"""The datasets that ship with the code: each agent's hand-worked golden cases, and their first experiments.

``agents/evals/datasets/<agent slug>.jsonl`` holds one agent's cases in the JSONL that ``dataset_import`` takes
(the figures are worked out by hand in the agent's tests, tests/agents/test_<agent>.py). ``seeded_datasets_load``
mirrors each file into the agent's platform dataset ``golden`` (flagged ``seeded``): created the first time,
updated by case name (cases the file no longer has are removed) when the file changed, untouched otherwise. A
dataset it creates becomes the agent's gating dataset when the agent has none; once staff have chosen (another
dataset, or none after this one was set) it never changes their choice. ``seeded_experiments_record`` runs each
gated agent's active version (on the offline model only) on its gating dataset in this process when it has no
finished experiment of the dataset and version as they are now, so the gate compares new versions with something
on a fresh install (``seed_demo`` calls both; so does ``eval_datasets_load --experiments``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from agents.models import Agent, AgentVersion
from agents.selectors import agentversion_active
from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log
from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.models import Provider

from .datasets import _DEFAULTS, dataset_create, dataset_import, parse_jsonl
from .errors import EvalError
from .models import CASE_FIELDS, EvalDataset, Experiment
from .selectors import experiment_latest_finished, version_digest

SEEDED_DIR = Path(__file__).resolve().parent / "datasets"
SEEDED_NAME = "golden"
MIN_CASES = 5


def seeded_files() -> dict[str, Path]:
    """The shipped dataset files, by agent slug."""
    return {path.stem: path for path in sorted(SEEDED_DIR.glob("*.jsonl"))}


def seeded_rows(path: Path) -> list[dict[str, Any]]:
    """A shipped file's cases; a bad file is a bug of the code that ships it, so it raises."""
    rows, errors = parse_jsonl(path.read_text(encoding="utf-8"))
    if errors:
        raise EvalError("invalid_jsonl", f"{path.name} has errors.", {"jsonl": errors[:100]})
    return rows


def _unchanged(dataset: EvalDataset, rows: list[dict[str, Any]]) -> bool:
    cases = {case.name: case.snapshot() for case in dataset.cases.all()}
    wanted = {row["name"]: {name: row.get(name, _DEFAULTS[name]) for name in CASE_FIELDS} for row in rows}
    return cases == wanted


@transaction.atomic
def seeded_dataset_load(*, agent: Agent, actor: Actor, path: Path) -> str:
    """Mirror one file into ``agent``'s seeded dataset: "created", "updated" or "unchanged"."""
    rows = seeded_rows(path)
    dataset = EvalDataset.objects.filter(agent=agent, workspace__isnull=True, name=SEEDED_NAME).first()
    created = dataset is None
    if dataset is None:
        dataset = dataset_create(
            agent=agent, name=SEEDED_NAME, actor=actor,
            description=f"The hand-worked golden cases of {agent.slug}, shipped with the code ({path.name}).",
        )  # fmt: skip
        EvalDataset.objects.filter(pk=dataset.pk).update(seeded=True)
        dataset.seeded = True
    elif _unchanged(dataset, rows):
        return "unchanged"
    dataset_import(dataset=dataset, actor=actor, text=path.read_text(encoding="utf-8"), replace=True)
    if created and agent.gating_dataset_id is None:
        agent.gating_dataset = dataset
        agent.save(update_fields=["gating_dataset"])
        audit_log("agent.update", actor=actor, target=agent, changes={"gating_dataset": [None, dataset.name]})
    return "created" if created else "updated"


def seeded_datasets_load(*, actor: Actor) -> dict[str, int]:
    """Every shipped file into its agent's dataset (agents not in the database are skipped). Counts by outcome."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    agents = {agent.slug: agent for agent in Agent.objects.filter(slug__in=seeded_files())}
    for slug, path in seeded_files().items():
        if slug in agents:
            counts[seeded_dataset_load(agent=agents[slug], actor=actor, path=path)] += 1
    return counts


def _offline_chain(version: AgentVersion) -> bool:
    """Whether every model the version may call is the built-in offline one (an experiment here then costs nothing)."""
    chain = version.model_chain if isinstance(version.model_chain, list) else []
    names = {entry.get("provider") for entry in chain if isinstance(entry, dict)}
    kinds = dict(Provider.objects.filter(name__in=names).values_list("name", "kind"))
    return set(kinds) == names and all(kind == ProviderKind.OFFLINE for kind in kinds.values())


def seeded_experiments_record(*, actor: Actor) -> list[Experiment]:
    """The experiment of each gated agent's active version (the published one new runs use) on its gating dataset,
    run here when it has none of the dataset and version as they are now. Only versions on the offline model are
    run: a version with a paid model is evaluated by staff (``eval_run``), never as a side effect of seeding (it
    costs). The experiments it ran."""
    from .experiments import experiment_create, experiment_run_inline  # experiments imports the runtime

    ran: list[Experiment] = []
    for agent in Agent.objects.filter(gating_dataset__isnull=False).select_related("gating_dataset").order_by("slug"):
        version, dataset = agentversion_active(agent), agent.gating_dataset
        if version is None or dataset is None:
            continue
        latest = experiment_latest_finished(version, dataset)
        if latest and latest.dataset_revision == dataset.revision and latest.version_digest == version_digest(version):
            continue
        if not _offline_chain(version):
            continue
        ran.append(experiment_run_inline(experiment_create(dataset=dataset, version=version, actor=actor)))
    return ran
