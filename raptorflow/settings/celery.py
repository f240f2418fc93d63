"""Celery: Redis (or any kombu URL) in production, an embedded broker under var/ by default.

The embedded broker is kombu's filesystem transport: messages are files in
var/broker/, so web, worker and beat on one machine share a queue with no
server. It has no redelivery of unacknowledged messages, which is why the
database, not the broker, is the source of truth: the run sweeper re-enqueues
what a lost message would strand.
"""

from __future__ import annotations

from typing import Any

from raptorflow.queues import QueueName

from .base import IS_PRODUCTION, VAR_DIR
from .env import EnvError, env_float, env_int, env_str

CELERY_BROKER_URL: str = env_str("CELERY_BROKER_URL", None) or ""  # empty: the embedded broker below
# Seconds a broker may take to accept a connection or answer a command before the caller gives up.
BROKER_TIMEOUT_SECONDS = env_float("CELERY_BROKER_TIMEOUT", 2.0, minimum=0.1)
if IS_PRODUCTION and not CELERY_BROKER_URL:
    raise EnvError("CELERY_BROKER_URL is required in production (for example redis://redis:6379/1).")

if not CELERY_BROKER_URL:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # exchange tables; default is ./control
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message not acknowledged within this window is redelivered (Redis).
        # Longer than the longest run so a slow run is not executed twice.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60),
        # A broker that accepts connections but never answers (stalled, partitioned, SIGSTOPped) must not hang
        # a publish: without these a web request waits forever inside the enqueue. The worker's own BRPOP is
        # not affected (kombu checks it with health_check_interval), and a publish that gives up leaves the run
        # queued for the sweeper.
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }

# Results live in the database (Run rows); Celery's result backend is not used.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"

# Reliability: acknowledge after the task ran, give the message back when the
# worker process dies, and take one message at a time so a crash strands one.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 660, minimum=2)
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

CELERY_TASK_DEFAULT_QUEUE = QueueName.RUNS.value
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Publishing a message must not hang a web request when the broker is down or frozen: the run is already in
# the database and the sweeper enqueues it later. No retries: each would cost the frozen broker's timeout again
# (measured with a SIGSTOPped Redis: 8 s with 2 retries, 2 s with none), while a pooled connection left stale by
# a broker restart is reconnected by redis-py itself (the first publish after a restart succeeds).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS  # connecting, for every transport

# How often beat asks for due schedules (agents/schedules, decision 0030): a fire time starts its run at most this
# late (plus the maintenance queue's wait).
SCHEDULE_TICK_SECONDS = env_float("RAPTORFLOW_SCHEDULE_TICK_SECONDS", 10.0, minimum=0.5)
AUDIT_SEAL_SECONDS = env_float("RAPTORFLOW_AUDIT_SEAL_SECONDS", 2.0, minimum=0.5)

# Periodic tasks expire rather than pile up when beat runs ahead of the workers.
CELERY_BEAT_SCHEDULE = {
    "sweep-runs": {
        "task": "agents.sweep_runs",
        "schedule": env_int("RAPTORFLOW_SWEEP_INTERVAL_SECONDS", 30, minimum=1),
        "options": {"queue": QueueName.MAINTENANCE.value, "expires": 25},
    },
    "sweep-pipelines": {
        "task": "agents.sweep_pipelines",
        "schedule": env_int("RAPTORFLOW_SWEEP_INTERVAL_SECONDS", 30, minimum=1),
        "options": {"queue": QueueName.MAINTENANCE.value, "expires": 25},
    },
    # Due schedules start their runs; two beats, or a restarted one, cannot fire a fire time twice (decision 0030).
    "tick-schedules": {
        "task": "agents.tick_schedules",
        "schedule": SCHEDULE_TICK_SECONDS,
        "options": {"queue": QueueName.MAINTENANCE.value, "expires": SCHEDULE_TICK_SECONDS * 0.9},
    },
    # Audit events join the hash chain here, off the request path (docs/decisions/0002).
    "seal-audit": {
        "task": "audit.seal",
        "schedule": AUDIT_SEAL_SECONDS,
        "options": {"queue": QueueName.MAINTENANCE.value, "expires": AUDIT_SEAL_SECONDS * 0.75},
    },
    # Client addresses and user agents older than RAPTORFLOW_AUDIT_IP_RETENTION_DAYS are pseudonymised (decision 0021).
    "pseudonymise-audit": {
        "task": "audit.pseudonymise",
        "schedule": 24 * 3600.0,
        "options": {"queue": QueueName.MAINTENANCE.value, "expires": 3600},
    },
    "purge-run-details": {
        "task": "agents.purge_run_details",
        "schedule": 24 * 3600.0,
        "options": {"queue": QueueName.MAINTENANCE.value, "expires": 3600},
    },
    # Webhook deliveries that are due and were not sent (lost task, dead worker, a wait too long for a countdown).
    "sweep-webhooks": {
        "task": "webhooks.sweep",
        "schedule": env_int("RAPTORFLOW_WEBHOOKS_SWEEP_SECONDS", 15, minimum=1),
        "options": {"queue": QueueName.MAINTENANCE.value, "expires": 10},
    },
    # Today and yesterday (UTC) every 10 minutes: idempotent, and late-finishing runs are caught.
    "rollup-analytics": {
        "task": "analytics.rollup_recent",
        "schedule": 600.0,
        "options": {"queue": QueueName.ANALYTICS.value, "expires": 540},
    },
}

# Every task has a named queue, so workers can be scaled per kind of work.
CELERY_TASK_ROUTES = {
    "agents.execute_run": {"queue": QueueName.RUNS.value},
    "agents.*": {"queue": QueueName.MAINTENANCE.value},
    "audit.*": {"queue": QueueName.MAINTENANCE.value},
    "analytics.*": {"queue": QueueName.ANALYTICS.value},
    "webhooks.deliver": {"queue": QueueName.WEBHOOKS.value},
    "webhooks.*": {"queue": QueueName.MAINTENANCE.value},
}

# Celery's Django fix-up closes every database connection before and after each task unless this is set, so
# each run would open a new PostgreSQL connection (a server process fork). Reuse it instead; our task_prerun
# hook (raptorflow/celery.py) drops a connection that errored or outlived DB_CONN_MAX_AGE, as Django does
# between web requests.
CELERY_DB_REUSE_MAX = 1000
