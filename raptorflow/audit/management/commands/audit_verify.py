"""Verify the audit hash chain; exit 1 at the first broken link."""

from django.core.management.base import BaseCommand

from raptorflow.audit.services import audit_seal, audit_verify


class Command(BaseCommand):
    help = "Seal pending audit events, then verify the whole hash chain and report the first broken link."

    def handle(self, *args, **options) -> None:
        audit_seal()
        checked, broken, reason = audit_verify()
        if broken is not None:
            self.stderr.write(
                f"Audit chain BROKEN at seq {broken.seq} (id {broken.pk}, {broken.action}, "
                f"{broken.created_at:%Y-%m-%d %H:%M:%S}): {reason}. {checked} events before it verified."
            )
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
