"""Log configuration: routine periodic tasks do not flood the worker's and beat's output."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings

from raptorflow.logging import RoutineTaskFilter


def _record(logger: str, level: int, message: str, *args) -> logging.LogRecord:
    return logging.LogRecord(logger, level, __file__, 1, message, args, None)


@pytest.mark.parametrize(
    ("logger", "level", "message", "shown"),
    [
        ("celery.beat", logging.INFO, "Scheduler: Sending due task seal-audit (audit.seal)", False),
        ("celery.worker.strategy", logging.INFO, "Task audit.seal[abc] received", False),
        ("celery.app.trace", logging.INFO, "Task audit.seal[abc] succeeded in 0.01s: 3", False),
        ("celery.app.trace", logging.INFO, "Task agents.execute_run[abc] succeeded in 0.02s: None", True),
        ("celery.app.trace", logging.ERROR, "Task audit.seal[abc] raised unexpected: OperationalError()", True),
        ("raptorflow.audit", logging.INFO, "audit.seal sealed 3 events", True),
    ],
)
def test_routine_task_lines_are_dropped_and_everything_else_kept(logger, level, message, shown):
    assert RoutineTaskFilter().filter(_record(logger, level, message)) is shown


def test_the_filter_is_on_the_handler_every_process_logs_through():
    assert "routine_tasks" in settings.LOGGING["handlers"]["default"]["filters"]
