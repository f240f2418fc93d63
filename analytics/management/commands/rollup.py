"""Re-roll analytics for a range of days on demand: a backfill, or after correcting runs by hand."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from analytics.services import rollup_range
from raptorflow.accounts.models import Workspace


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Recompute the daily analytics rollups for every UTC day from --from to --to (inclusive; both default to "
        "today, --from to yesterday when neither is given). Idempotent: re-rolling a day gives the same rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", type=_date, help="first day, YYYY-MM-DD (UTC)")
        parser.add_argument("--to", dest="end", type=_date, help="last day, YYYY-MM-DD (UTC)")
        parser.add_argument("--workspace", help="only this workspace (slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.now().astimezone(UTC).date()
        end = options["end"] or today
        start = options["start"] or (end - timedelta(days=1) if options["end"] is None else end)
        if start > end:
            raise CommandError(f"--from {start} is after --to {end}.")
        workspace = self._workspace(options["workspace"])
        rows = rollup_range(start, end, workspace=workspace)
        days = (end - start).days + 1
        self.stdout.write(f"Rolled up {days} day(s) from {start} to {end}: {rows} row(s).")

    def _workspace(self, slug: str | None) -> Workspace | None:
        if not slug:
            return None
        try:
            return Workspace.objects.get(slug=slug)
        except Workspace.DoesNotExist:
            raise CommandError(f"No workspace with slug {slug!r}.") from None
