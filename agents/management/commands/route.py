"""Route requests read from standard input, one per line, and print one tab-separated decision per line.

The lexical router only (no workspace, so no model is asked): the offline decision, as ``route_eval`` measures it.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from agents.dispatcher import route, route_request


class Command(BaseCommand):
    help = (
        "Read requests one per line from standard input; print per request: agent slug (or none), confidence, "
        "runner-up (or -), tab-separated; with --reason, the reason and, for none, the clarifying question."
    )
    stealth_options = ("stdin",)  # call_command(..., stdin=StringIO(...)) in tests

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-health", action="store_true", help="ignore demotions (no database): route on the text alone"
        )
        parser.add_argument("--reason", action="store_true", help="add a fourth column with the reason")

    def handle(self, *args, **options) -> None:
        router = route if options["no_health"] else route_request
        stdin = options.get("stdin") or sys.stdin
        for line in stdin:
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            decision = router(text)
            runner_up = decision.runner_ups[0][0] if decision.runner_ups else "-"
            columns = [decision.label, f"{decision.confidence:.3f}", runner_up]
            if options["reason"]:
                columns.append(" ".join(filter(None, (decision.reason, decision.clarifying_question))))
            self.stdout.write("\t".join(columns))
