"""Run an experiment of an agent version on a dataset (its gating dataset by default) and print its pass rates."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from agents.evals.experiments import experiment_create, experiment_keep_moving, experiment_run_inline
from agents.evals.gate import eval_refusal
from agents.models import AgentVersion, EvalDataset, Experiment
from raptorflow.audit.actors import Actor
from raptorflow.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Run an experiment, e.g. eval_run unit_economics --number 3 --wait 120 (or --inline, no worker needed). "
        "Exits non-zero when the experiment of a gating dataset does not let the version be published."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("agent", help="agent slug")
        # "--version" is Django's own (the framework's version), so the version number is --number.
        parser.add_argument("--number", type=int, required=True, help="the agent version's number")
        parser.add_argument("--dataset", default="", help="a platform dataset's name (default: the gating one)")
        parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the workers")
        parser.add_argument("--inline", action="store_true", help="execute every case in this process")

    def handle(self, *args, **options) -> None:
        version = AgentVersion.objects.select_related("agent").filter(
            agent__slug=options["agent"], number=options["number"]
        )
        found = version.first()
        if found is None:
            raise CommandError(f"No version {options['version']} of {options['agent']!r}.")
        dataset = self._dataset(found, options["dataset"])
        try:
            experiment = experiment_create(dataset=dataset, version=found, actor=Actor.system("eval_run"))
        except ServiceError as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message}") from None
        self.stdout.write(f"Experiment #{experiment.pk}: {found} on {dataset.name}, {experiment.cases_total} cases.")
        if options["inline"]:
            experiment = experiment_run_inline(experiment)
        elif options["wait"]:
            experiment = self._wait(experiment, options["wait"])
        self._report(experiment, found, dataset)

    def _dataset(self, version: AgentVersion, name: str) -> EvalDataset:
        if not name:
            if version.agent.gating_dataset is None:
                raise CommandError(f"{version.agent.slug} has no gating dataset; name one with --dataset.")
            return version.agent.gating_dataset
        dataset = EvalDataset.objects.filter(agent=version.agent, workspace__isnull=True, name=name).first()
        if dataset is None:
            raise CommandError(f"{version.agent.slug} has no platform dataset named {name!r}.")
        return dataset

    def _wait(self, experiment: Experiment, seconds: float) -> Experiment:
        deadline = time.monotonic() + seconds
        while experiment.is_active and time.monotonic() < deadline:
            experiment_keep_moving(experiment)
            time.sleep(1)
            experiment.refresh_from_db()
        return experiment

    def _report(self, experiment: Experiment, version: AgentVersion, dataset: EvalDataset) -> None:
        if experiment.is_active:
            self.stdout.write(f"Still {experiment.status}; follow it on its admin page.")
            return
        for grader, figures in sorted(experiment.graders.items()):
            rate = "—" if figures.get("rate") is None else f"{100 * figures['rate']:.0f} %"
            self.stdout.write(f"  {grader}: {figures['passed']} passed, {figures['failed']} failed, "
                              f"{figures['not_graded']} not graded ({rate})")  # fmt: skip
        overall = "—" if experiment.pass_rate is None else f"{100 * experiment.pass_rate:.0f} %"
        self.stdout.write(
            f"{experiment.status}: {experiment.passed} of {experiment.cases_total} passed ({overall}); "
            f"cost ${experiment.spent}, latency p50 {experiment.latency_p50_ms} ms, p95 {experiment.latency_p95_ms} ms"
        )
        if version.agent.gating_dataset_id == dataset.pk and not version.is_published:
            refusal = eval_refusal(version)
            if refusal is not None:
                raise CommandError(f"{refusal.code}: {refusal.message}")
