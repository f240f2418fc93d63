"""Purge the steps and events of long-finished runs now, instead of waiting for the daily task."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from agents.runs.retention import run_purge_old_details


class Command(BaseCommand):
    help = (
        "Delete steps and events of runs finished more than --days ago (default: "
        "RAPTORFLOW_RUN_DETAIL_RETENTION_DAYS). The runs themselves stay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="retention in days (at least 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.RAPTORFLOW_RUN_DETAIL_RETENTION_DAYS
        if days < 1:
            # 0 is the setting's "keep forever"; purging everything must never be one typo away.
            raise CommandError("--days must be at least 1 (a retention of 0 means keep run details forever).")
        result = run_purge_old_details(older_than_days=days)
        self.stdout.write(
            f"Deleted {result['run_steps']} step(s) and {result['run_events']} event(s) "
            f"of runs finished before {result['cutoff']}."
        )
