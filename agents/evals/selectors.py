"""Reads for evaluations: datasets and experiments as callers may see them, the gate's experiments, progress."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from agents.models import AgentVersion

from .choices import ExperimentStatus, Outcome, ResultStatus
from .models import EvalCase, EvalDataset, Experiment, ExperimentResult, canonical_digest

# What a version is, for an experiment: every field that changes how it runs (not its number, status, notes or
# who made it), and its skills. An experiment of a draft that has changed since does not count for the gate.
_NOT_BEHAVIOUR = {"id", "agent", "number", "status", "notes", "code_digest", "created_by", "created_at",
                  "published_by", "published_at"}  # fmt: skip


def version_digest(version: AgentVersion) -> str:
    fields = {f.name: f.value_from_object(version) for f in AgentVersion._meta.concrete_fields}
    behaviour = {name: value for name, value in fields.items() if name not in _NOT_BEHAVIOUR}
    behaviour["skills"] = sorted(version.skills.values_list("slug", flat=True)) if version.pk else []
    return canonical_digest(behaviour)


def dataset_list(*, workspace: Any) -> QuerySet[EvalDataset]:
    """A workspace's own datasets (``workspace=None``: the platform's), with their case counts."""
    datasets = EvalDataset.objects.select_related("agent").annotate(case_count=Count("cases"))
    return datasets.filter(workspace=workspace) if workspace is not None else datasets.filter(workspace__isnull=True)


def case_list(*, workspace: Any) -> QuerySet[EvalCase]:
    return EvalCase.objects.filter(dataset__workspace=workspace).select_related("dataset")


def experiment_list(*, workspace: Any) -> QuerySet[Experiment]:
    experiments = Experiment.objects.select_related("dataset", "version__agent")
    if workspace is None:
        return experiments.filter(dataset__workspace__isnull=True)
    return experiments.filter(dataset__workspace=workspace)


def experiment_latest_finished(version: AgentVersion, dataset: EvalDataset) -> Experiment | None:
    """The version's newest finished experiment on the dataset: what the gate reads."""
    finished = Experiment.objects.filter(version=version, dataset=dataset, status=ExperimentStatus.FINISHED)
    return finished.order_by("-finished_at", "-id").first()


def experiment_progress(experiment: Experiment) -> dict[str, Any]:
    """Live figures of an experiment: cases by state and outcome so far, spend."""
    counts = experiment.results.aggregate(
        total=Count("id"),
        pending=Count("id", filter=Q(status=ResultStatus.PENDING)),
        running=Count("id", filter=Q(status=ResultStatus.RUNNING)),
        graded=Count("id", filter=Q(status=ResultStatus.GRADED)),
        cancelled=Count("id", filter=Q(status=ResultStatus.CANCELLED)),
        passed=Count("id", filter=Q(outcome=Outcome.PASSED)),
        failed=Count("id", filter=Q(outcome=Outcome.FAILED)),
        not_graded=Count("id", filter=Q(outcome=Outcome.NOT_GRADED)),
    )
    done = counts["graded"] + counts["cancelled"]
    return {
        "status": experiment.status,
        **counts,
        "done": done,
        "percent": round(100 * done / counts["total"]) if counts["total"] else 100,
        "spent": experiment.spent,
        "budget": experiment.budget,
        "pass_rate": experiment.pass_rate,
        "final": not experiment.is_active,
    }


def result_list(experiment: Experiment) -> QuerySet[ExperimentResult]:
    return experiment.results.select_related("run", "human_by").order_by("id")
