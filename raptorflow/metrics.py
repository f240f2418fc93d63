"""Prometheus metrics: what they are, where they are counted, and the protected /metrics view.

Labels are kept low-cardinality on purpose: the route is the URL pattern's
name (``api:run-detail``), never the raw path; agents, providers, models and
error codes are things staff configure, not things clients choose.

Counted as they happen (in whichever process does the work):
- HTTP requests and their latency (MetricsMiddleware, outermost, so it times everything);
- runs started and finished, run duration and runs in progress (by the run runtime and lifecycle, which
  pass the agent's slug: this module knows no app's models);
- LLM calls, tokens, cost, cache hits, provider errors (each attempt of the fallback chain).

Read at scrape time (ScrapeTimeCollector), because they are shared state that
no single process owns: queue depths from the broker, circuit breaker states
from the shared cache, the age of the latest worker heartbeat, how far the audit
sealer lags behind the trail; and whatever a domain app adds with
register_scrape_source (the agents app: the oldest queued run, budgets used).

Several processes: with PROMETHEUS_MULTIPROC_DIR set (before Python starts —
prometheus_client reads it at import), every process writes its samples to
files there and /metrics merges them (MultiProcessCollector). Gunicorn workers
and Celery workers on one host share the directory, so the web's /metrics
shows both; a worker on another host serves its own with METRICS_WORKER_PORT.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from celery import signals
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from raptorflow.client_ip import client_ip

if TYPE_CHECKING:
    from raptorflow.llm.client import Attempt

logger = logging.getLogger(__name__)

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
RUN_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
LLM_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120)

HTTP_REQUESTS = Counter(
    "raptorflow_http_requests",
    "HTTP requests answered, by route name, method and status class.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "raptorflow_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name and method.",
    ["route", "method"],
)
RUNS_STARTED = Counter("raptorflow_runs_started", "Runs claimed by a worker (each attempt counts).", ["agent"])
RUNS_FINISHED = Counter(
    "raptorflow_runs_finished", "Run executions ended by a worker, by the state they ended in.", ["agent", "status"]
)
RUN_DURATION = Histogram(
    "raptorflow_run_duration_seconds",
    "Worker time of one run execution, claim to final state.",
    ["agent", "status"],
    buckets=RUN_BUCKETS,
)
RUN_WAIT = Histogram(
    "raptorflow_run_wait_seconds",
    "Time a run waited for a person, by what it waited for (awaiting_approval, awaiting_input); not run time.",
    ["agent", "state"],
    buckets=(1, 10, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 72 * 3600),
)
RUNS_IN_PROGRESS = Gauge(
    "raptorflow_runs_in_progress", "Runs executing right now.", ["agent"], multiprocess_mode="livesum"
)
LLM_CALLS = Counter(
    "raptorflow_llm_calls",
    "LLM calls (one per provider tried, retries included), by outcome.",
    ["provider", "model", "outcome"],
)
LLM_LATENCY = Histogram(
    "raptorflow_llm_call_duration_seconds", "LLM call latency, retries included.", ["provider"], buckets=LLM_BUCKETS
)
LLM_TOKENS = Counter(
    "raptorflow_llm_tokens", "Tokens processed by providers (cache hits excluded).", ["provider", "model", "direction"]
)
LLM_COST = Counter("raptorflow_llm_cost_usd", "Spend on LLM calls in US dollars.", ["provider", "model"])
LLM_CACHE_HITS = Counter("raptorflow_llm_cache_hits", "LLM answers served from the response cache.", ["provider"])
LLM_ERRORS = Counter(
    "raptorflow_llm_provider_errors", "LLM calls that ended in an error, by code.", ["provider", "code"]
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


# --- HTTP -----------------------------------------------------------------------------------------


class MetricsMiddleware:
    """Counts and times every response. First in MIDDLEWARE, so redirects and refusals count too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route, method = _route(request), request.method if request.method in HTTP_METHODS else "other"
        HTTP_LATENCY.labels(route, method).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(route, method, f"{response.status_code // 100}xx").inc()
        return response


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    # Static files are answered by WhiteNoise before URL resolution.
    return "static" if request.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}") else "unmatched"


# --- Runs (called by the run runtime and lifecycle) ------------------------------------------------------


def run_started(agent: str) -> float:
    """A worker claimed a run of ``agent``. Returns the start time to hand back to run_finished."""
    RUNS_STARTED.labels(agent).inc()
    RUNS_IN_PROGRESS.labels(agent).inc()
    return time.monotonic()


def run_finished(agent: str, status: str | None, started: float) -> None:
    """A worker's execution ended in ``status``; None means another attempt took the run over, and it counts there.

    Runs *finished* are counted by run_final, at the transition itself, so that runs ended by the web
    (cancel, approve, reject) or the sweeper (worker lost) count too.
    """
    RUNS_IN_PROGRESS.labels(agent).dec()
    if status is not None:
        RUN_DURATION.labels(agent, status).observe(time.monotonic() - started)


def run_waited(agent: str, state: str, seconds: float) -> None:
    """A run stopped waiting for a person after ``seconds`` in ``state`` (called by the run lifecycle)."""
    if seconds >= 0:
        RUN_WAIT.labels(agent, state).observe(seconds)


def run_final(agent: str, status: str) -> None:
    """A run reached a final state, whoever moved it there (called after the transition commits)."""
    RUNS_FINISHED.labels(agent, status).inc()


def llm_attempt(attempt: Attempt, cost: Decimal) -> None:
    """One entry of the fallback chain was tried: count it, its tokens, its cost and its error."""
    provider, model, completion = attempt.provider.name, attempt.model, attempt.completion
    LLM_CALLS.labels(provider, model, "success" if completion else "error").inc()
    LLM_LATENCY.labels(provider).observe(attempt.latency_ms / 1000)
    if attempt.error is not None:
        LLM_ERRORS.labels(provider, attempt.error.code).inc()
    if completion is None:
        return
    if completion.cache_hit:
        LLM_CACHE_HITS.labels(provider).inc()
        return
    LLM_TOKENS.labels(provider, model, "input").inc(completion.usage.input_tokens)
    LLM_TOKENS.labels(provider, model, "output").inc(completion.usage.output_tokens)
    if cost:
        LLM_COST.labels(provider, model).inc(float(cost))


# --- Read at scrape time ----------------------------------------------------------------------------


class ScrapeTimeCollector(Collector):
    """Queue depths, breaker states and worker heartbeat age, read when Prometheus asks.

    Each source is read on its own: an unreachable broker leaves the breakers in the
    scrape, and ``raptorflow_scrape_source_up`` says which source could not be read.
    """

    def describe(self) -> list[Metric]:
        return []  # registering must not read the broker or the database

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("raptorflow_scrape_source_up", "Could a scrape-time source be read?", labels=["source"])
        for source, read in _SOURCES.items():
            try:
                families = list(read())
            except Exception:
                logger.warning("metrics: could not read %s", source, exc_info=True)
                up.add_metric([source], 0)
                continue
            up.add_metric([source], 1)
            yield from families
        yield up


def _queue_families() -> Iterator[Metric]:
    from raptorflow.queues import queue_depths

    family = GaugeMetricFamily("raptorflow_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"])
    for queue, depth in queue_depths().items():
        family.add_metric([queue], depth)
    yield family


def _breaker_families() -> Iterator[Metric]:
    from raptorflow.health import breaker_summaries

    state = GaugeMetricFamily(
        "raptorflow_llm_breaker_state", "1 for the state of each provider's breaker.", labels=["provider", "state"]
    )
    failures = GaugeMetricFamily(
        "raptorflow_llm_breaker_failures", "Consecutive failures counted by a provider's breaker.", labels=["provider"]
    )
    for breaker in breaker_summaries():
        for name in ("closed", "half_open", "open"):
            state.add_metric([breaker.provider, name], 1 if breaker.state == name else 0)
        failures.add_metric([breaker.provider], breaker.failures)
    yield from (state, failures)


def _worker_families() -> Iterator[Metric]:
    from raptorflow.health import worker_heartbeat_read

    beat = worker_heartbeat_read()
    if beat is not None:
        yield GaugeMetricFamily(
            "raptorflow_worker_heartbeat_age_seconds",
            "Seconds since the latest Celery worker heartbeat.",
            value=max(0.0, time.time() - beat["at"]),
        )


def _audit_families() -> Iterator[Metric]:
    """Events written but not yet linked into the chain, and how old the oldest is (0 when none wait)."""
    from django.db.models import Count, Min

    from raptorflow.audit.models import AuditEvent

    row = AuditEvent.objects.filter(seq__isnull=True).aggregate(count=Count("id"), oldest=Min("created_at"))
    yield GaugeMetricFamily(
        "raptorflow_audit_unsealed_events", "Audit events committed but not yet sealed into the chain.",
        value=row["count"],
    )  # fmt: skip
    oldest = row["oldest"]
    yield GaugeMetricFamily(
        "raptorflow_audit_unsealed_oldest_age_seconds",
        "Age of the oldest audit event not yet sealed into the chain (0: none waits).",
        value=max(0.0, time.time() - oldest.timestamp()) if oldest is not None else 0.0,
    )


_SOURCES: dict[str, Callable[[], Iterator[Metric]]] = {
    "queues": _queue_families,
    "breakers": _breaker_families,
    "worker": _worker_families,
    "audit": _audit_families,
}


def register_scrape_source(name: str, read: Callable[[], Iterator[Metric]]) -> None:
    """Add a scrape-time source: ``read`` yields metric families, and its failure only marks ``name`` down.

    For what only a domain app can read (this module imports none): the agents app registers its run and
    budget gauges from its AppConfig.ready. Registering a name again replaces its reader.
    """
    _SOURCES[name] = read


SCRAPE_TIME = ScrapeTimeCollector()
if multiprocess_dir() is None:
    REGISTRY.register(SCRAPE_TIME)


def scrape_registry(path: str | None = None, *, scrape_time: bool = True) -> CollectorRegistry:
    """What /metrics exposes: this process's registry, or every process's files merged in multiprocess mode."""
    path = path or multiprocess_dir()
    if path is None:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=path)
    if scrape_time:
        registry.register(SCRAPE_TIME)
    return registry


# --- /metrics ------------------------------------------------------------------------------------------


@require_safe
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a bearer of METRICS_TOKEN or a client in METRICS_ALLOWED_NETWORKS."""
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    token = settings.METRICS_TOKEN
    if token and hmac.compare_digest(_bearer(request).encode(), token.encode()):
        return None
    if _in_allowed_network(client_ip(request)):
        return None
    if token:  # a token would let the client in: say how to authenticate
        response = HttpResponse("401 Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse("403 Forbidden: not in METRICS_ALLOWED_NETWORKS\n", status=403)


def _bearer(request: HttpRequest) -> str:
    """The bearer token sent, or "" (which never matches: an empty METRICS_TOKEN means tokens are off)."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


def _in_allowed_network(ip: str | None) -> bool:
    if not ip:
        return False
    address = ipaddress.ip_address(ip)
    return any(address in network for network in _networks(tuple(settings.METRICS_ALLOWED_NETWORKS)))


@functools.cache
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


# --- Celery workers -----------------------------------------------------------------------------------------


@signals.worker_process_shutdown.connect
def _pool_process_exit(pid: int | None = None, **kwargs: Any) -> None:
    """A pool process ends: drop its live gauges (runs in progress), as gunicorn's child_exit does for web workers."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid or os.getpid())


@signals.worker_ready.connect
def _serve_worker_metrics(**kwargs: Any) -> None:
    """On a host without a web process, the worker serves its own merged metrics on METRICS_WORKER_PORT."""
    port = settings.METRICS_WORKER_PORT
    if not port:
        return
    if not multiprocess_dir():
        logger.warning(
            "METRICS_WORKER_PORT is set but PROMETHEUS_MULTIPROC_DIR is not: pool processes' metrics "
            "would be invisible, so no metrics server was started."
        )
        return
    start_http_server(port, addr=settings.METRICS_WORKER_ADDRESS, registry=scrape_registry(scrape_time=False))
    logger.info("worker metrics on http://%s:%s/metrics", settings.METRICS_WORKER_ADDRESS, port)
