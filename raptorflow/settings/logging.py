"""Logging: readable console lines in development, one JSON object per line in production."""

from __future__ import annotations

from .base import IS_PRODUCTION
from .env import env_choice, env_str

LOG_LEVEL = env_choice("LOG_LEVEL", ["DEBUG", "INFO", "WARNING", "ERROR"], "INFO")
LOG_FORMAT = env_choice("LOG_FORMAT", ["console", "json"], "json" if IS_PRODUCTION else "console")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "raptorflow.logging.RequestContextFilter"},
        "routine_tasks": {"()": "raptorflow.logging.RoutineTaskFilter"},
    },
    "formatters": {
        "console": {"format": "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "raptorflow.logging.JSONFormatter"},
    },
    "handlers": {
        "default": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context", "routine_tasks"],
        },
    },
    "root": {"handlers": ["default"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": env_str("DB_LOG_LEVEL", "INFO")},
        "celery": {"level": LOG_LEVEL},
        # axes logs every successful sign-in at INFO; lockouts and failures (WARNING) still show.
        "axes": {"level": "WARNING"},
    },
}
