"""Export everything of one workspace as JSON on standard output: `export_workspace demo > demo.json`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from raptorflow.accounts.models import Workspace
from raptorflow.accounts.rights import workspace_export_stream
from raptorflow.audit.actors import Actor


class Command(BaseCommand):
    help = "Write one workspace's data (members, keys without secrets, runs, audit trail) as JSON to stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the workspace's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["slug"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['slug']!r}.")
        # Streamed piece by piece, so a big workspace never sits whole in memory; audited like the API export.
        for piece in workspace_export_stream(workspace=workspace, actor=Actor.system("export_workspace")):
            self.stdout.write(piece, ending="")
