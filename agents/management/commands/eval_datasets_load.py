"""Load the gating datasets shipped in agents/evals/datasets/ (idempotent; seed_demo does it too)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from agents.evals.seeded import seeded_datasets_load, seeded_experiments_record
from raptorflow.audit.actors import Actor


class Command(BaseCommand):
    help = (
        "Create or update each agent's shipped dataset 'golden' from agents/evals/datasets/<agent>.jsonl; a new one "
        "gates the agent unless staff chose a gating dataset. --experiments also runs each published version on its "
        "gating dataset here when it has no current experiment."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--experiments", action="store_true", help="record the published versions' experiments")

    def handle(self, *args, **options) -> None:
        actor = Actor.system("eval_datasets_load")
        counts = seeded_datasets_load(actor=actor)
        self.stdout.write(", ".join(f"{count} {outcome}" for outcome, count in counts.items()))
        if options["experiments"]:
            for experiment in seeded_experiments_record(actor=actor):
                version = experiment.version
                self.stdout.write(
                    f"{version.agent.slug} v{version.number}: {experiment.status}, "
                    f"{experiment.passed} of {experiment.cases_total} cases passed"
                )
