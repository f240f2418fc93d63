"""Analytics' part of a workspace export and deletion (raptorflow/accounts/rights.py): its daily rollups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from raptorflow.accounts.models import Workspace
from raptorflow.accounts.rights import EXPORT_ROW_CHUNK, cascade_register, export_row, export_section_register

from .models import DailyRollup

ROLLUP_FIELDS = (
    "day", "runs_total", "runs_by_status", "success_rate", "duration_p50_ms", "duration_p95_ms", "duration_p99_ms",
    "queue_wait_p50_ms", "queue_wait_p95_ms", "tokens_in", "tokens_out", "cached_tokens_in", "cache_write_tokens",
    "cost", "llm_calls", "cache_hits", "cache_hit_rate", "provider_errors", "fallbacks",
)  # fmt: skip


def _rollups(workspace: Workspace) -> Iterator[dict[str, Any]]:
    rows = DailyRollup.objects.filter(workspace=workspace).select_related("agent").order_by("day", "agent__slug")
    for rollup in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        yield {**export_row(rollup, ROLLUP_FIELDS), "agent": rollup.agent.slug}


def register_data_rights() -> None:
    export_section_register("daily_rollups", _rollups, order=40)
    cascade_register("daily_rollups", DailyRollup, "workspace", order=70)
