"""Start a run from the command line, through the same service as the API; optionally wait for it."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from agents.choices import FINAL_STATES, RunStatus
from agents.models import Agent, Run
from agents.runs.errors import RunError
from agents.runs.services import run_create
from raptorflow.accounts.models import Workspace
from raptorflow.api.parsers import loads_strict
from raptorflow.audit.actors import Actor


class Command(BaseCommand):
    help = "Start a run of an agent for a workspace, e.g. run_agent unit_economics --input '{...}' --wait"

    def add_arguments(self, parser) -> None:
        parser.add_argument("agent", help="agent slug")
        parser.add_argument("--workspace", default="demo", help="workspace slug (default: demo)")
        parser.add_argument("--input", default="{}", help="the run's input as a JSON object")
        parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the run to finish")

    def handle(self, *args, **options) -> None:
        agent = Agent.objects.filter(slug=options["agent"]).first()
        if agent is None:
            raise CommandError(f"No agent named {options['agent']!r}; GET /api/v1/agents lists them.")
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace named {options['workspace']!r}.")
        try:
            data = loads_strict(options["input"])
        except ValueError as exc:  # not JSON, NaN/Infinity, or a number too large for a float
            raise CommandError(f"--input is not valid JSON: {exc}") from None
        try:
            run, _ = run_create(workspace=workspace, agent=agent, input=data, actor=Actor.system("run_agent"))
        except RunError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {' '.join(exc.errors)}".strip()) from None
        self.stdout.write(f"Run {run.pk} queued.")
        if options["wait"]:
            self._wait(run, options["wait"])

    def _wait(self, run: Run, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status in FINAL_STATES or run.status == RunStatus.AWAITING_APPROVAL:
                tokens = f"tokens {run.tokens_in}/{run.tokens_out}"
                cache = f"cached in {run.cached_tokens_in}, cache writes {run.cache_write_tokens}"
                self.stdout.write(f"Run {run.pk}: {run.status} ({tokens}, {cache}, ${run.cost})")
                payload = run.output if run.status != RunStatus.FAILED else run.error_message
                self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
                return
            time.sleep(0.5)
        raise CommandError(f"Run {run.pk} is still {run.status} after {seconds:g} s.")
