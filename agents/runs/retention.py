"""How long run details are kept, and what runs contribute to a workspace's export and deletion.

- ``run_purge_old_details``: the retention rule (RAPTORFLOW_RUN_DETAIL_RETENTION_DAYS).
  Steps and events of long-finished runs go; the runs stay, with status,
  output, tokens and cost, so usage and billing figures never change.
- ``register_data_rights``: called by the agents app's ``ready()``, adds runs
  (each with its steps, events and approvals) to the export document, and their
  counts to a workspace deletion's audit record (raptorflow/accounts/rights.py);
  and the runs a person started to that person's export.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from agents.choices import FINAL_STATES
from agents.models import Approval, Run, RunEvent, RunStep
from agents.selectors import run_body_forget
from raptorflow.accounts.models import User, Workspace
from raptorflow.accounts.rights import (
    cascade_register,
    export_row,
    export_section_register,
    export_username,
    person_section_register,
)
from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log

# Runs are exported this many at a time, each chunk with its steps, events and approvals.
EXPORT_RUN_CHUNK = 200
# Rows deleted per statement (and per transaction) by the purge: short write locks, bounded undo.
PURGE_BATCH = 5000
# Runs whose details are purged together (the run ids of one IN list).
PURGE_RUN_PAGE = 500

RUN_FIELDS = (
    "id", "status", "input", "output", "error_code", "error_message", "routing", "flags", "idempotency_key",
    "request_id", "tokens_in", "tokens_out", "cached_tokens_in", "cache_write_tokens", "cost", "attempt",
    "created_at", "started_at", "finished_at",
)  # fmt: skip
STEP_FIELDS = (
    "sequence", "kind", "name", "input", "output", "status", "error", "provider", "model", "tokens_in",
    "tokens_out", "cached_tokens_in", "cache_write_tokens", "cost", "latency_ms", "cache_hit", "started_at",
    "finished_at",
)  # fmt: skip
EVENT_FIELDS = ("sequence", "type", "data", "created_at")
APPROVAL_FIELDS = ("reason", "status", "requested_at", "expires_at", "decided_at", "comment")


# --- purge ------------------------------------------------------------------------------------


def run_purge_old_details(*, older_than_days: int, now: datetime | None = None) -> dict[str, Any]:
    """Delete the steps and events of runs that finished more than ``older_than_days`` ago.

    Only finished runs (a final status and a finished_at before the cutoff) lose
    details; a run still active keeps everything whatever its age. Deletes at
    most PURGE_BATCH rows per transaction, so a first purge of years of history
    never holds one huge lock; running it again deletes nothing more
    (idempotent). Audited once per purge, as the system.
    """
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1 (0 means keep forever: do not purge at all).")
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    counts = {"run_steps": 0, "run_events": 0}
    for run_ids in _finished_run_pages(cutoff):
        run_body_forget(run_ids)  # their cached bodies show the steps (and again once they are gone)
        counts["run_steps"] += _delete_in_batches(RunStep, run_ids)
        counts["run_events"] += _delete_in_batches(RunEvent, run_ids)
        run_body_forget(run_ids)
    audit_log(
        "run.purge_details",
        actor=Actor.system("retention"),
        changes={"older_than_days": [None, older_than_days], "cutoff": [None, cutoff]}
        | {name: [None, count] for name, count in counts.items()},
    )
    return {**counts, "older_than_days": older_than_days, "cutoff": cutoff.isoformat()}


def _finished_run_pages(cutoff: datetime) -> Iterator[list[UUID]]:
    """Ids of runs finished before the cutoff, PURGE_RUN_PAGE at a time, by keyset on the primary key:
    each page is one short indexed query, and nothing stays open while the deletes commit."""
    finished = Run.objects.filter(status__in=FINAL_STATES, finished_at__lt=cutoff).order_by("pk")
    last: UUID | None = None
    while True:
        page = finished.filter(pk__gt=last) if last is not None else finished
        ids = list(page.values_list("pk", flat=True)[:PURGE_RUN_PAGE])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _delete_in_batches(model: type[RunStep] | type[RunEvent], run_ids: list[UUID]) -> int:
    """Delete the model's rows of these runs, PURGE_BATCH ids per statement and transaction."""
    rows = model.objects.filter(run_id__in=run_ids)
    deleted = 0
    while ids := list(rows.values_list("pk", flat=True)[:PURGE_BATCH]):
        with transaction.atomic():
            deleted += model.objects.filter(pk__in=ids).delete()[0]
    return deleted


# --- export and deletion ------------------------------------------------------------------------


def _with_details(runs: QuerySet[Run]) -> QuerySet[Run]:
    """Runs oldest first. Each chunk of runs brings its own children in three queries (Django
    prefetches per chunk when iterating), so memory is bounded by one chunk, not the workspace."""
    return (
        runs.select_related("agent_version__agent", "requested_by", "api_key")
        .prefetch_related(
            Prefetch("steps", queryset=RunStep.objects.order_by("sequence")),
            Prefetch("events", queryset=RunEvent.objects.order_by("sequence")),
            Prefetch("approvals", queryset=Approval.objects.select_related("decided_by").order_by("requested_at")),
        )
        .order_by("created_at", "id")
    )


def _runs(workspace: Workspace) -> Iterator[dict[str, Any]]:
    for run in _with_details(Run.objects.filter(workspace=workspace)).iterator(chunk_size=EXPORT_RUN_CHUNK):
        yield _run_row(run)


def _runs_started_by(user: User) -> Iterator[dict[str, Any]]:
    """A person's export: the runs they started, in whichever workspace, with their details."""
    runs = _with_details(Run.objects.filter(requested_by=user).select_related("workspace"))
    for run in runs.iterator(chunk_size=EXPORT_RUN_CHUNK):
        yield {"workspace": run.workspace.slug, **_run_row(run)}


def _run_row(run: Run) -> dict[str, Any]:
    return {
        **export_row(run, RUN_FIELDS),
        "agent": run.agent_version.agent.slug,
        "agent_version": run.agent_version.number,
        "requested_by": export_username(run.requested_by),
        "api_key": run.api_key.prefix if run.api_key else None,
        "steps": [export_row(step, STEP_FIELDS) for step in run.steps.all()],
        "events": [export_row(event, EVENT_FIELDS) for event in run.events.all()],
        "approvals": [
            {**export_row(approval, APPROVAL_FIELDS), "decided_by": export_username(approval.decided_by)}
            for approval in run.approvals.all()
        ],
    }


def register_data_rights() -> None:
    export_section_register("runs", _runs, order=30)
    person_section_register("runs", _runs_started_by, order=30)
    cascade_register("runs", Run, "workspace", order=10)
    cascade_register("run_steps", RunStep, "run__workspace", order=20)
    cascade_register("run_events", RunEvent, "run__workspace", order=30)
    cascade_register("approvals", Approval, "run__workspace", order=40)
