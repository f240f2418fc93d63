"""Health: is the process up (/health/live), can it serve (/health/ready), and the admin's system status page.

Liveness touches nothing, so a slow database never gets a healthy process
restarted. Readiness runs every check below at once, each in its own thread
with a deadline (RAPTORFLOW_HEALTH_CHECK_TIMEOUT_SECONDS), so one hung
dependency costs the probe at most that long and never a 500: every failure
is reported by name with its latency and error, with status 503.

The worker check reads a heartbeat that Celery workers write to the shared
cache when they start and then with their event-loop heartbeats. Without a
shared cache (the embedded default is per-process local memory) it goes to a
file cache under VAR_DIR instead, which web and worker on one machine share.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from contextvars import copy_context
from dataclasses import asdict, dataclass
from typing import Any, Literal

from celery import signals
from django.conf import settings
from django.core.cache import BaseCache, cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

logger = logging.getLogger(__name__)

Status = Literal["ok", "fail", "warn"]
HEARTBEAT_KEY = "health:worker-heartbeat"
HEARTBEAT_KEEP_SECONDS = 7 * 24 * 3600  # long enough for the status page to say when a worker was last seen


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    latency_ms: float
    error: str = ""
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- The checks: each returns a short detail or raises --------------------------------


def check_database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return connections[DEFAULT_DB_ALIAS].vendor


def check_cache() -> str:
    key = f"health:probe:{uuid.uuid4().hex}"
    cache.set(key, "1", 30)
    value = cache.get(key)
    cache.delete(key)
    if value != "1":
        raise RuntimeError("a value written to the cache could not be read back")
    return type(caches["default"]).__name__


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if url.startswith("filesystem://"):
        return _check_folder_writable(options["data_folder_in"])
    timeout = _timeout()
    # The redis transport reads its socket timeouts from the transport options; AMQP uses connect_timeout.
    options = {**options, "socket_connect_timeout": timeout, "socket_timeout": timeout}
    with Connection(url, connect_timeout=timeout, transport_options=options) as conn:
        conn.ensure_connection(max_retries=0)
    return url.split("://", 1)[0]


def _check_folder_writable(folder: str) -> str:
    # The filesystem broker has no server: it is up when its queue folder takes a new file.
    # kombu only reads files named "*.<queue>.msg", so this probe is never mistaken for a message.
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".health-", suffix=".probe"):
        pass
    return "filesystem broker (no server): queue folder writable"


_migrations_applied = False  # once true in a process it stays true: its code cannot gain migrations


def check_migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        return "all applied"
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        first = plan[0][0]
        raise RuntimeError(f"{len(plan)} migration(s) not applied, starting with {first.app_label}.{first.name}")
    _migrations_applied = True
    return "all applied"


def check_worker() -> str:
    beat = worker_heartbeat_read()
    if beat is None:
        raise RuntimeError("no Celery worker has sent a heartbeat")
    age = time.time() - beat["at"]
    if age > settings.RAPTORFLOW_WORKER_SEEN_SECONDS:
        raise RuntimeError(f"the last worker heartbeat ({beat['hostname']}) is {age:.0f} s old")
    return f"{beat['hostname']}, {age:.0f} s ago"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "migrations": check_migrations,
    "worker": check_worker,
}


# --- Running them -------------------------------------------------------------------------


def _timeout() -> float:
    return settings.RAPTORFLOW_HEALTH_CHECK_TIMEOUT_SECONDS


def _failure_status(name: str) -> Status:
    # A missing worker does not stop the API from taking runs (they wait queued), so it can be a warning.
    return "warn" if name == "worker" and not settings.RAPTORFLOW_READY_REQUIRES_WORKER else "fail"


def _run_one(name: str, check: Callable[[], str]) -> CheckResult:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # every failure becomes a result: the probe itself must never fail
        latency = (time.perf_counter() - started) * 1000
        logger.warning("health check %s failed: %s", name, exc)
        return CheckResult(name, _failure_status(name), round(latency, 1), error=f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connections.close_all()  # this thread's own connections; the thread is about to end
    return CheckResult(name, "ok", round((time.perf_counter() - started) * 1000, 1), detail=detail)


def run_checks(checks: dict[str, Callable[[], str]] | None = None) -> list[CheckResult]:
    """Run the checks concurrently; a check still running at the deadline is reported as timed out.

    A timed-out thread is left to finish on its own (Python cannot stop a thread); the
    lower-level timeouts (socket timeouts of Redis and the broker) bound how long that is.
    """
    checks = checks or CHECKS
    timeout = _timeout()
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="health")
    # Each thread runs in a copy of this context, so its log lines carry the probe's request id.
    futures = {name: pool.submit(copy_context().run, _run_one, name, check) for name, check in checks.items()}
    wait(futures.values(), timeout=timeout)
    pool.shutdown(wait=False, cancel_futures=True)
    return [
        future.result()
        if future.done()
        else CheckResult(name, _failure_status(name), round(timeout * 1000, 1), error=f"timed out after {timeout} s")
        for name, future in futures.items()
    ]


# --- Worker heartbeat -----------------------------------------------------------------------


def _heartbeat_cache() -> BaseCache:
    """The default cache when all processes share it; a file cache under VAR_DIR when it is per-process memory."""
    default = caches["default"]
    if isinstance(default, LocMemCache):
        return FileBasedCache(str(settings.VAR_DIR / "health"), {})
    return default


def worker_heartbeat_write(hostname: str) -> None:
    beat = {"hostname": hostname, "at": time.time(), "pid": os.getpid()}
    _heartbeat_cache().set(HEARTBEAT_KEY, beat, HEARTBEAT_KEEP_SECONDS)


def worker_heartbeat_read() -> dict[str, Any] | None:
    """The latest heartbeat of any worker: {"hostname", "at" (epoch seconds), "pid"}, or None."""
    return _heartbeat_cache().get(HEARTBEAT_KEY)


def worker_heartbeat_clear() -> None:
    _heartbeat_cache().delete(HEARTBEAT_KEY)


@dataclass
class _WorkerState:
    """This worker process's node name (known from worker_ready on) and when it last wrote its heartbeat."""

    hostname: str = "worker"
    written: float = 0.0


_worker = _WorkerState()


@signals.worker_ready.connect
def _heartbeat_on_ready(sender: Any = None, **kwargs: Any) -> None:
    _worker.hostname = getattr(sender, "hostname", "") or "worker"
    _write_heartbeat_safely()


@signals.heartbeat_sent.connect
def _heartbeat_on_event_heartbeat(**kwargs: Any) -> None:
    """Celery sends event heartbeats every 2 s from the consumer's loop; refresh ours a few times per window."""
    interval = max(1.0, settings.RAPTORFLOW_WORKER_SEEN_SECONDS / 4)
    if time.monotonic() - _worker.written >= interval:
        _write_heartbeat_safely()


def _write_heartbeat_safely() -> None:
    _worker.written = time.monotonic()
    try:
        worker_heartbeat_write(_worker.hostname)
    except Exception:  # a cache outage must not stop the worker's event loop; readiness will notice
        logger.warning("could not write the worker heartbeat", exc_info=True)


# --- LLM circuit breakers, for the status page and /metrics ------------------------------------


@dataclass(frozen=True)
class BreakerSummary:
    provider: str
    kind: str
    state: str
    failures: int


def breaker_summaries() -> list[BreakerSummary]:
    """The breaker of every enabled provider, read from the shared cache as the workers see it."""
    from raptorflow.llm.breaker import breaker_failures, breaker_state
    from raptorflow.llm.models import Provider

    rows = Provider.objects.filter(enabled=True).order_by("name").values_list("name", "kind")
    return [BreakerSummary(name, kind, breaker_state(name), breaker_failures(name)) for name, kind in rows]


# --- Views ------------------------------------------------------------------------------------------


@require_safe
@never_cache
def live_view(request: HttpRequest) -> HttpResponse:
    """The process answers. Nothing else is looked at, so a dependency outage never restarts healthy processes."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def ready_view(request: HttpRequest) -> HttpResponse:
    """200 when every dependency answers, else 503 naming each check with its status, latency and error."""
    results = run_checks()
    failed = any(result.status == "fail" for result in results)
    body = {"status": "fail" if failed else "ok", "checks": {r.name: r.as_dict() for r in results}}
    return JsonResponse(body, status=503 if failed else 200)


@never_cache
def status_view(request: HttpRequest) -> HttpResponse:
    """The admin's system status page (staff only: wrapped in admin.site.admin_view in raptorflow/urls.py)."""
    from django.contrib import admin

    from raptorflow.queues import queue_depths

    context: dict[str, Any] = {**admin.site.each_context(request), "title": "System status"}
    context["checks"] = run_checks()
    context["queues"], context["queues_error"] = _attempt(lambda: sorted(queue_depths().items()))
    context["breakers"], context["breakers_error"] = _attempt(breaker_summaries)
    heartbeat, context["heartbeat_error"] = _attempt(worker_heartbeat_read)
    if heartbeat:
        context["heartbeat"] = {**heartbeat, "age_seconds": round(time.time() - heartbeat["at"])}
    return TemplateResponse(request, "admin/status.html", context)


def _attempt(read: Callable[[], Any]) -> tuple[Any, str]:
    """(value, "") or (None, error): one unreachable source must not take the whole page down."""
    try:
        return read(), ""
    except Exception as exc:
        logger.warning("status page: %s", exc, exc_info=True)
        return None, f"{type(exc).__name__}: {exc}"[:500]
