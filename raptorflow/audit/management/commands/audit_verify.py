"""Verify the audit trail against its keys and its checkpoints; exit 1 when anything is wrong. Never seals."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from raptorflow.audit.verify import audit_verify


class Command(BaseCommand):
    help = (
        "Verify every sealed audit event's signature and link, and the chain against the signed checkpoints "
        "outside the database. Names the first bad event of each kind of tampering; exit status 1 if any. "
        "Reads only: events not sealed yet are counted, never sealed here."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--checkpoints",
            type=Path,
            help="Read the checkpoints from this file (a copy of the syslog host's log, or of the checkpoint file) "
            "instead of the configured sink.",
        )

    def handle(self, *args, checkpoints: Path | None = None, **options) -> None:
        if checkpoints is None:
            report = audit_verify()
        else:
            try:
                text = checkpoints.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                raise CommandError(f"Cannot read {checkpoints}: {exc.strerror}.") from None
            report = audit_verify(checkpoint_lines=text.splitlines(), source=f"file {checkpoints}")
        if report.intact:
            self.stdout.write(self.style.SUCCESS(report.summary()))
            return
        for finding in report.findings:
            self.stderr.write(f"Audit chain BROKEN at {finding.describe()}.")
        self.stderr.write(report.summary())
        raise SystemExit(1)
