"""Log record helpers: the request id on every line, and a JSON formatter for production."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from . import context

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id or "-"
        return True


# Periodic tasks that run every few seconds: their routine INFO lines (beat sending, the worker receiving
# and finishing them) would drown everything else. Warnings and errors about them still show.
ROUTINE_TASKS = ("audit.seal",)


class RoutineTaskFilter(logging.Filter):
    """Drops INFO-and-below lines from Celery's beat and worker that are about a routine periodic task."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO or not record.name.startswith("celery"):
            return True
        message = record.getMessage()
        return not any(task in message for task in ROUTINE_TASKS)


class JSONFormatter(logging.Formatter):
    """One JSON object per line; extra= fields are kept as keys."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)
