"""Raptorflow's own knobs: run limits, sweeper timings, LLM cache."""

from __future__ import annotations

import ipaddress

from .base import IS_PRODUCTION
from .env import EnvError, env_bool, env_float, env_int, env_list, env_path, env_str

# A running run whose heartbeat is older than this is treated as orphaned by the sweeper.
RAPTORFLOW_HEARTBEAT_STALE_SECONDS = env_int("RAPTORFLOW_HEARTBEAT_STALE_SECONDS", 120, minimum=1)
# A queued run older than this without being claimed is re-enqueued by the sweeper.
RAPTORFLOW_QUEUED_STALE_SECONDS = env_int("RAPTORFLOW_QUEUED_STALE_SECONDS", 300, minimum=1)
# How many times a run whose worker died is retried before it fails with worker_lost.
RAPTORFLOW_MAX_RUN_ATTEMPTS = env_int("RAPTORFLOW_MAX_RUN_ATTEMPTS", 3, minimum=1)
RAPTORFLOW_LLM_CACHE_TTL = env_int("RAPTORFLOW_LLM_CACHE_TTL", 7 * 24 * 3600, minimum=0)
# Admin changelists of tables that grow without bound stop paginating here.
RAPTORFLOW_ADMIN_MAX_PAGES = env_int("RAPTORFLOW_ADMIN_MAX_PAGES", 200, minimum=1)
# How long a gated run waits for a person before the sweeper cancels it.
RAPTORFLOW_APPROVAL_TTL_HOURS = env_int("RAPTORFLOW_APPROVAL_TTL_HOURS", 72, minimum=1)
# How long a run that asked questions waits for answers before the sweeper cancels it.
RAPTORFLOW_INPUT_TTL_HOURS = env_int("RAPTORFLOW_INPUT_TTL_HOURS", 72, minimum=1)
# Schedules (agents/schedules, decision 0030): a fire time is on time while the tick comes within this many seconds
# of it; later, it is missed and the schedule's missed-fire policy decides (skip, or run once).
RAPTORFLOW_SCHEDULE_GRACE_SECONDS = env_int("RAPTORFLOW_SCHEDULE_GRACE_SECONDS", 120, minimum=1)
RAPTORFLOW_MAX_SCHEDULES_PER_WORKSPACE = env_int("RAPTORFLOW_MAX_SCHEDULES_PER_WORKSPACE", 100, minimum=1)
# Circuit breaker per provider (state shared through the cache).
RAPTORFLOW_BREAKER_FAILURES = env_int("RAPTORFLOW_BREAKER_FAILURES", 5, minimum=1)
RAPTORFLOW_BREAKER_COOLOFF_SECONDS = env_int("RAPTORFLOW_BREAKER_COOLOFF_SECONDS", 30, minimum=1)
# Extra Python modules that register agents (AgentSpec) or skills, beside the built-in ones:
# how an operator installs their own agents without forking Raptorflow.
RAPTORFLOW_AGENT_MODULES = env_list("RAPTORFLOW_AGENT_MODULES", [])
# The http.fetch tool refuses private, loopback and link-local addresses (SSRF guard)
# unless the host or address is listed here (host names or CIDR ranges).
RAPTORFLOW_FETCH_ALLOWLIST = env_list("RAPTORFLOW_FETCH_ALLOWLIST", [])
RAPTORFLOW_FETCH_MAX_BYTES = env_int("RAPTORFLOW_FETCH_MAX_BYTES", 1_000_000, minimum=1024)
RAPTORFLOW_FETCH_TIMEOUT_SECONDS = env_int("RAPTORFLOW_FETCH_TIMEOUT_SECONDS", 10, minimum=1)
# A model provider's base URL is never link-local or a cloud metadata service (raptorflow/llm/provider_urls.py);
# private and loopback addresses (Ollama or vLLM on this machine or the LAN) only while this is on. Off by default
# in production, where a staff account that can edit providers must not reach the internal network; turn it on
# explicitly there to use a model server on a private network.
RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = env_bool("RAPTORFLOW_PROVIDER_ALLOW_PRIVATE", not IS_PRODUCTION)
# Webhooks (raptorflow/webhooks, decision 0029). Seconds to wait after each failed attempt, in order: one attempt
# more than there are waits. The default spreads 10 attempts over about 23.6 hours (5 s, 1 min, 5 min, 30 min, 1 h,
# 2 h, 4 h, 8 h, 8 h); an endpoint whose every attempt failed over a whole schedule is disabled.
_WEBHOOK_WAITS = ["5", "60", "300", "1800", "3600", "7200", "14400", "28800", "28800"]
try:
    RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE = [
        float(wait) for wait in env_list("RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE", _WEBHOOK_WAITS)
    ]
except ValueError:
    RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE = [-1.0]
if any(wait < 0 for wait in RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE):
    raise EnvError("RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE: comma-separated seconds, each 0 or more (e.g. 5,60,300).")
RAPTORFLOW_WEBHOOKS_TIMEOUT_SECONDS = env_float("RAPTORFLOW_WEBHOOKS_TIMEOUT_SECONDS", 10.0, minimum=1)
# After a secret rotation the previous secret signs beside the new one for this long.
RAPTORFLOW_WEBHOOKS_SECRET_GRACE_HOURS = env_int("RAPTORFLOW_WEBHOOKS_SECRET_GRACE_HOURS", 24, minimum=0)
# A pending delivery this overdue, and not sent again for as long, is sent again by the sweep.
RAPTORFLOW_WEBHOOKS_LOST_AFTER_SECONDS = env_int("RAPTORFLOW_WEBHOOKS_LOST_AFTER_SECONDS", 60, minimum=1)
# Webhooks go to public addresses only; this also allows loopback (never private, link-local or metadata), for
# tests and local development. Refused in production.
RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK = env_bool("RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK", False)
if RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK and IS_PRODUCTION:
    raise EnvError("RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK is for tests and development; it is refused in production.")
# Where the scripted provider finds JSON scripts (<name>.json; raptorflow/llm/scripted.py). Tests and demos only:
# the scripted provider refuses to run in production.
RAPTORFLOW_SCRIPTS_DIR = env_path("RAPTORFLOW_SCRIPTS_DIR", None)
# The dispatcher answers "needs clarification" below this confidence instead of guessing.
RAPTORFLOW_ROUTER_THRESHOLD = env_float("RAPTORFLOW_ROUTER_THRESHOLD", 0.35, minimum=0)
# Steps and events of runs finished longer ago than this are purged daily (the Run rows stay, with
# status, output, tokens and cost). 0 keeps them forever: the purge task then does nothing.
RAPTORFLOW_RUN_DETAIL_RETENTION_DAYS = env_int("RAPTORFLOW_RUN_DETAIL_RETENTION_DAYS", 90, minimum=0)

# --- Observability: /metrics, /health/ready, the worker heartbeat (raptorflow/metrics.py, raptorflow/health.py) ---
# /metrics answers a request bearing `Authorization: Bearer <METRICS_TOKEN>` (tokens are off while it is empty)
# or coming from one of these networks (the address as raptorflow.client_ip sees it, so proxy-aware).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise EnvError(f"METRICS_ALLOWED_NETWORKS: {_network!r} is not a network (e.g. 10.0.0.0/8).") from None
# --- Tracing (raptorflow/tracing.py, decision 0028): exported only when the standard OTEL_* variables ask ---
# Model spans carry prompts and completions (gen_ai.input.messages, gen_ai.output.messages) only while this is
# on, with credentials redacted. The OpenTelemetry variable of the same meaning is honoured as its default.
# (OpenTelemetry's GenAI instrumentations take true/false or a mode: SPAN_ONLY and SPAN_AND_EVENT mean on here.)
_OTEL_CAPTURE = env_str("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "false").lower()
RAPTORFLOW_TRACE_CONTENT = env_bool(
    "RAPTORFLOW_TRACE_CONTENT", _OTEL_CAPTURE in {"1", "true", "yes", "on", "span_only", "span_and_event"}
)
# The admin's run page links the run's trace here ({trace_id} is replaced), e.g.
# http://jaeger.internal:16686/trace/{trace_id} or a Grafana Tempo explore URL; unset, the id is plain text.
RAPTORFLOW_TRACE_URL_TEMPLATE = env_str("RAPTORFLOW_TRACE_URL_TEMPLATE", "")
if RAPTORFLOW_TRACE_URL_TEMPLATE and (
    "{trace_id}" not in RAPTORFLOW_TRACE_URL_TEMPLATE
    or not RAPTORFLOW_TRACE_URL_TEMPLATE.startswith(("https://", "http://"))
):
    raise EnvError("RAPTORFLOW_TRACE_URL_TEMPLATE must be an http(s) URL containing {trace_id}.")

# A Celery worker on a host without a web process serves its own metrics on this port (0: off).
# The server has no authentication: bind it to an address only Prometheus can reach.
METRICS_WORKER_PORT = env_int("METRICS_WORKER_PORT", 0, minimum=0, maximum=65535)
METRICS_WORKER_ADDRESS = env_str("METRICS_WORKER_ADDRESS", "127.0.0.1")
# Each readiness check gives up after this long, so a hung dependency cannot hang the probe.
RAPTORFLOW_HEALTH_CHECK_TIMEOUT_SECONDS = env_float("RAPTORFLOW_HEALTH_CHECK_TIMEOUT_SECONDS", 3.0, minimum=0.1)
# A worker counts as "seen recently" when its latest heartbeat is younger than this.
RAPTORFLOW_WORKER_SEEN_SECONDS = env_int("RAPTORFLOW_WORKER_SEEN_SECONDS", 60, minimum=5)
# Off: no recent worker is reported as a warning and /health/ready stays 200 (runs wait queued meanwhile),
# so that a worker outage does not take every web process out of the load balancer.
RAPTORFLOW_READY_REQUIRES_WORKER = env_bool("RAPTORFLOW_READY_REQUIRES_WORKER", True)
# Probes and Prometheus talk plain HTTP to the app server directly, without the TLS proxy's X-Forwarded-Proto;
# redirecting them to https would fail every probe (these paths serve no cookies or forms).
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics/?$"]


def _router_chain(entries: list[str]) -> list[dict[str, str]]:
    chain = []
    for entry in entries:
        provider, _, model = entry.partition(":")
        if not provider.strip() or not model.strip():
            raise EnvError(f"RAPTORFLOW_ROUTER_MODEL_CHAIN: {entry!r} is not provider:model.")
        chain.append({"provider": provider.strip(), "model": model.strip()})
    return chain


# The model the dispatcher asks to route a free-text request (docs/decisions/0020): "provider:model" entries,
# comma-separated, tried in order (providers as named in the admin); empty: the lexical router alone. Each
# classification may cost at most RAPTORFLOW_ROUTER_MODEL_BUDGET USD and wait this many seconds.
RAPTORFLOW_ROUTER_MODEL_CHAIN = _router_chain(env_list("RAPTORFLOW_ROUTER_MODEL_CHAIN", []))
RAPTORFLOW_ROUTER_MODEL_BUDGET = env_float("RAPTORFLOW_ROUTER_MODEL_BUDGET", 0.05, minimum=0)
RAPTORFLOW_ROUTER_MODEL_TIMEOUT_SECONDS = env_float("RAPTORFLOW_ROUTER_MODEL_TIMEOUT_SECONDS", 10.0, minimum=1)
