"""Pseudonymise client addresses and user agents of audit events older than the retention."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from raptorflow.audit.redaction import audit_pseudonymise_clients


class Command(BaseCommand):
    help = (
        "Clear the client address and user agent of audit events older than --days (default: "
        "RAPTORFLOW_AUDIT_IP_RETENTION_DAYS), keeping their keyed digests so the chain still verifies."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Retention in days (at least 1).")

    def handle(self, *args, days: int | None = None, **options) -> None:
        if days is None:
            days = settings.RAPTORFLOW_AUDIT_IP_RETENTION_DAYS
            if days == 0:
                self.stdout.write("RAPTORFLOW_AUDIT_IP_RETENTION_DAYS is 0: client addresses are kept; nothing to do.")
                return
        try:
            count = audit_pseudonymise_clients(older_than_days=days)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Pseudonymised the client address and user agent of {count} event(s) older than {days} day(s)."
        )
