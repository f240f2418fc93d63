"""The Celery application. Configuration lives in raptorflow/settings/celery.py (CELERY_*)."""

from __future__ import annotations

import logging.config
import os
from contextlib import ExitStack
from typing import Any

from celery import Celery, signals
from kombu import Exchange, Queue

from raptorflow import context, tracing
from raptorflow.queues import QUEUES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raptorflow.settings")

app = Celery("raptorflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
# One direct exchange per queue, routing key = queue name: a message sent to a queue lands in that queue only.
app.conf.task_queues = [Queue(name, Exchange(name, type="direct"), routing_key=name) for name in QUEUES]
app.autodiscover_tasks()


# --- Logs and the request id in workers ------------------------------------------------------------
# Celery replaces the root logger's handlers with its own plain format unless a receiver handles
# setup_logging. Ours applies Django's LOGGING instead, so worker lines are JSON in production and
# carry the request id like the web's (the worker's --loglevel is then ignored: LOG_LEVEL decides).
@signals.setup_logging.connect
def _use_django_logging(**kwargs: Any) -> None:
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.before_task_publish.connect
def _send_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """A task sent while handling a request (or another task) carries that request id in its message headers."""
    request_id = context.current().request_id
    if headers is not None and request_id:
        headers.setdefault("request_id", request_id)


_task_contexts: dict[str, ExitStack] = {}


@signals.task_prerun.connect
def _bind_request_id(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    """Celery's own lines about a task ("received" aside, logged before it runs) and the task's lines carry the
    id of the request that sent it, else the task id. The runtime then binds the run's stored request id."""
    from django.db import close_old_connections

    if task is not None and not getattr(task.request, "is_eager", False):  # eager: the caller's connection
        close_old_connections()  # a connection that errored (the database restarted) or is too old: reconnect
    sent = str(getattr(task.request, "request_id", "") or "")[:64] if task is not None else ""
    stack = ExitStack()
    stack.enter_context(context.bind(request_id=sent or task_id))
    _task_contexts[task_id] = stack


@signals.task_postrun.connect
def _unbind_request_id(task_id: str = "", **kwargs: Any) -> None:
    stack = _task_contexts.pop(task_id, None)
    if stack is not None:
        stack.close()


@signals.worker_init.connect
def _connect_worker_hooks(**kwargs: Any) -> None:
    """Import the modules whose signal receivers serve workers: the heartbeat /health/ready looks for, and
    metrics (pool processes' live gauges, the worker's own metrics port)."""
    import raptorflow.health
    import raptorflow.metrics  # noqa: F401

    # In the main process, before the pool forks: the batch span processor restarts its thread in each child.
    tracing.configure("worker")


@signals.beat_init.connect
def _trace_beat(**kwargs: Any) -> None:
    """Beat's sends of the periodic tasks (the sweeper's among them) start traces, when OTEL_* ask for them."""
    tracing.configure("beat")
