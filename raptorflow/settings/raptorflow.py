"""Raptorflow's own knobs: run limits, sweeper timings, LLM cache."""

from __future__ import annotations

from .env import env_float, env_int, env_list

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
# The dispatcher answers "needs clarification" below this confidence instead of guessing.
RAPTORFLOW_ROUTER_THRESHOLD = env_float("RAPTORFLOW_ROUTER_THRESHOLD", 0.35, minimum=0)
