"""Reads for pipelines: a run's steps with their cost, tokens and working time, and pages of its stream."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from agents.models import Run

from .choices import PIPELINE_FINAL_STATES
from .models import PipelineEvent, PipelineRun, PipelineStep


def step_rows(run: PipelineRun, *, outputs: bool) -> list[dict[str, Any]]:
    """Each step with its runs' cost, tokens and working time (every run of the step, revisions included)."""
    cache = getattr(run, "_step_rows", None)
    if cache is None:
        children = list(
            Run.objects.filter(pipeline_run=run).order_by("created_at").only(
                "id", "pipeline_step", "status", "cost", "tokens_in", "tokens_out", "started_at", "finished_at",
                "waited", "output", "created_at",
            )
        )  # fmt: skip
        by_step: dict[str, list[Run]] = defaultdict(list)
        for child in children:
            by_step[child.pipeline_step].append(child)
        agents = {step["key"]: step["agent"] for step in run.version.steps}
        cache = []
        for step in sorted(run.steps.all(), key=lambda s: s.position):
            runs = by_step.get(step.key, [])
            current = next((r for r in runs if r.pk == step.run_id), runs[-1] if runs else None)
            cache.append({"step": step, "agent": agents.get(step.key, ""), "runs": runs, "current": current})
        run._step_rows = cache  # type: ignore[attr-defined]
    return [_step_row(entry, outputs) for entry in cache]


def _step_row(entry: dict[str, Any], outputs: bool) -> dict[str, Any]:
    step: PipelineStep = entry["step"]
    runs: list[Run] = entry["runs"]
    current: Run | None = entry["current"]
    worked = [(r.finished_at - r.started_at - r.waited).total_seconds() for r in runs if r.started_at and r.finished_at]
    row = {
        "key": step.key, "agent": entry["agent"], "status": step.status, "on_failure": step.on_failure,
        "run": current.pk if current else None, "run_status": current.status if current else None,
        "runs": [r.pk for r in runs], "revisions": step.revisions,
        "error_code": step.error_code, "error_message": step.error_message,
        "cost": sum((r.cost for r in runs), Decimal("0")),
        "tokens_in": sum(r.tokens_in for r in runs), "tokens_out": sum(r.tokens_out for r in runs),
        "duration_seconds": round(sum(worked), 3) if worked else None,
        "started_at": step.started_at, "finished_at": step.finished_at,
    }  # fmt: skip
    if outputs:
        row["output"] = current.output if current else None
    return row


def pipeline_event_page(run_id: Any, status: str, *, after: int, limit: int, **_: Any) -> dict[str, Any]:
    """A page of the pipeline's stream; the status is read before the events, so a final page has the last one."""
    events = list(PipelineEvent.objects.filter(pipeline_run_id=run_id, sequence__gt=after).order_by("sequence")[:limit])
    return {
        "pipeline_run": run_id,
        "status": status,
        "final": status in PIPELINE_FINAL_STATES and len(events) < limit,
        "events": events,
        "next_after": events[-1].sequence if events else after,
    }
