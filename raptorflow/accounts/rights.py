"""Data rights: export a workspace whole, delete it whole, and purge old run details.

Three services behind "give me my data", "forget my workspace" and "don't keep
run details forever". Each is audited. The export and the purge walk tables
in bounded pieces, so a workspace with millions of steps neither fills the
memory of the process nor holds one huge transaction.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone

from agents.choices import FINAL_STATES
from agents.models import Approval, Run, RunEvent, RunStep
from analytics.models import DailyRollup
from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent
from raptorflow.audit.services import audit_log

from .models import APIKey, Membership, Workspace

EXPORT_FORMAT = "raptorflow.workspace-export"
# Bump when a field is renamed or removed (adding one is compatible); readers check it.
EXPORT_VERSION = 1
# Runs are read this many at a time, each chunk with its steps, events and approvals.
EXPORT_RUN_CHUNK = 200
EXPORT_ROW_CHUNK = 2000
# Rows deleted per statement (and per transaction) by the purge: short write locks, bounded undo.
PURGE_BATCH = 5000
# Runs whose details are purged together (the run ids of one IN list).
PURGE_RUN_PAGE = 500
# The streamed export is handed out in pieces of about this many characters.
STREAM_PIECE = 64 * 1024

WORKSPACE_FIELDS = ("name", "slug", "monthly_budget", "foundation", "created_at", "updated_at")
APIKEY_FIELDS = ("name", "prefix", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at")  # never the hash
RUN_FIELDS = (
    "id", "status", "input", "output", "error_code", "error_message", "routing", "flags", "idempotency_key",
    "request_id", "tokens_in", "tokens_out", "cost", "attempt", "created_at", "started_at", "finished_at",
)  # fmt: skip
STEP_FIELDS = (
    "sequence", "kind", "name", "input", "output", "status", "error", "provider", "model", "tokens_in",
    "tokens_out", "cost", "latency_ms", "cache_hit", "started_at", "finished_at",
)  # fmt: skip
EVENT_FIELDS = ("sequence", "type", "data", "created_at")
APPROVAL_FIELDS = ("reason", "status", "requested_at", "expires_at", "decided_at", "comment")
AUDIT_FIELDS = (
    "id", "seq", "created_at", "actor_type", "actor_label", "action", "target_type", "target_id", "target_repr",
    "changes", "ip", "user_agent", "request_id", "outcome", "hash",
)  # fmt: skip
ROLLUP_FIELDS = (
    "day", "runs_total", "runs_by_status", "success_rate", "duration_p50_ms", "duration_p95_ms", "duration_p99_ms",
    "queue_wait_p50_ms", "queue_wait_p95_ms", "tokens_in", "tokens_out", "cost", "llm_calls", "cache_hits",
    "cache_hit_rate", "provider_errors", "fallbacks",
)  # fmt: skip

# What a workspace deletion takes with it, in the words the audit event and the admin use.
CASCADE = (
    ("runs", Run, "workspace"),
    ("run_steps", RunStep, "run__workspace"),
    ("run_events", RunEvent, "run__workspace"),
    ("approvals", Approval, "run__workspace"),
    ("memberships", Membership, "workspace"),
    ("api_keys", APIKey, "workspace"),
    ("daily_rollups", DailyRollup, "workspace"),
)


# --- export -----------------------------------------------------------------------------------


def workspace_export(*, workspace: Workspace, actor: Actor) -> dict[str, Any]:
    """Everything of one workspace as one JSON-safe dict. Audited as ``workspace.export``.

    Holds the whole document in memory: right for tests, the admin and small
    workspaces. The API and the command use ``workspace_export_stream``.
    """
    _audit_export(workspace, actor)
    return {name: list(value) if isinstance(value, Iterator) else value for name, value in _sections(workspace)}


def workspace_export_stream(*, workspace: Workspace, actor: Actor) -> Iterator[str]:
    """The same document as JSON text in pieces, for a streamed download of any size.

    The export is audited here, before the first byte: the record of who took
    the data must not depend on the client reading the download to its end.
    """
    _audit_export(workspace, actor)
    return _pieces(_json_text(_sections(workspace)))


def export_filename(workspace: Workspace) -> str:
    """The download's name: whose data, and from which day (UTC)."""
    return f"{workspace.slug}-export-{timezone.now():%Y-%m-%d}.json"


def _audit_export(workspace: Workspace, actor: Actor) -> None:
    changes = {"format_version": [None, EXPORT_VERSION]}
    audit_log("workspace.export", actor=actor, workspace=workspace, target=workspace, changes=changes)


def _sections(workspace: Workspace) -> Iterator[tuple[str, Any]]:
    """(name, value) in document order; lists are lazy iterators of rows, so nothing is read before it is needed."""
    yield "format", EXPORT_FORMAT
    yield "format_version", EXPORT_VERSION
    yield "exported_at", timezone.now().isoformat()
    yield "workspace", _row(workspace, WORKSPACE_FIELDS)
    yield "memberships", _memberships(workspace)
    yield "api_keys", _api_keys(workspace)
    yield "runs", _runs(workspace)
    yield "daily_rollups", _rollups(workspace)
    yield "audit_events", _audit_events(workspace)


def _memberships(workspace: Workspace) -> Iterator[dict[str, Any]]:
    rows = Membership.objects.filter(workspace=workspace).select_related("user").order_by("created_at", "pk")
    for membership in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        user = membership.user
        yield {
            "username": user.get_username(),
            "email": user.email,
            "role": membership.role,
            "created_at": _plain(membership.created_at),
        }


def _api_keys(workspace: Workspace) -> Iterator[dict[str, Any]]:
    rows = APIKey.objects.filter(workspace=workspace).select_related("created_by").order_by("created_at", "pk")
    for key in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        yield {**_row(key, APIKEY_FIELDS), "created_by": _username(key.created_by)}


def _runs(workspace: Workspace) -> Iterator[dict[str, Any]]:
    """Runs oldest first. Each chunk of runs brings its own children in three queries (Django
    prefetches per chunk when iterating), so memory is bounded by one chunk, not the workspace."""
    runs = (
        Run.objects.filter(workspace=workspace)
        .select_related("agent_version__agent", "requested_by", "api_key")
        .prefetch_related(
            Prefetch("steps", queryset=RunStep.objects.order_by("sequence")),
            Prefetch("events", queryset=RunEvent.objects.order_by("sequence")),
            Prefetch("approvals", queryset=Approval.objects.select_related("decided_by").order_by("requested_at")),
        )
        .order_by("created_at", "id")
    )
    for run in runs.iterator(chunk_size=EXPORT_RUN_CHUNK):
        yield _run_row(run)


def _run_row(run: Run) -> dict[str, Any]:
    return {
        **_row(run, RUN_FIELDS),
        "agent": run.agent_version.agent.slug,
        "agent_version": run.agent_version.number,
        "requested_by": _username(run.requested_by),
        "api_key": run.api_key.prefix if run.api_key else None,
        "steps": [_row(step, STEP_FIELDS) for step in run.steps.all()],
        "events": [_row(event, EVENT_FIELDS) for event in run.events.all()],
        "approvals": [
            {**_row(approval, APPROVAL_FIELDS), "decided_by": _username(approval.decided_by)}
            for approval in run.approvals.all()
        ],
    }


def _rollups(workspace: Workspace) -> Iterator[dict[str, Any]]:
    rows = DailyRollup.objects.filter(workspace=workspace).select_related("agent").order_by("day", "agent__slug")
    for rollup in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        yield {**_row(rollup, ROLLUP_FIELDS), "agent": rollup.agent.slug}


def _audit_events(workspace: Workspace) -> Iterator[dict[str, Any]]:
    rows = AuditEvent.objects.filter(workspace_id=workspace.pk).order_by("id")
    for event in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        yield _row(event, AUDIT_FIELDS)


def _row(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _plain(value: Any) -> Any:
    """Dates, decimals and UUIDs as strings; JSON fields are JSON already."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _json_text(sections: Iterator[tuple[str, Any]]) -> Iterator[str]:
    """Write the document as it is read: an object whose list members are written row by row."""
    yield "{"
    for index, (name, value) in enumerate(sections):
        yield ("," if index else "") + _dumps(name) + ":"
        if isinstance(value, Iterator):
            yield "["
            for position, row in enumerate(value):
                yield ("," if position else "") + _dumps(row)
            yield "]"
        else:
            yield _dumps(value)
    yield "}\n"


def _dumps(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _pieces(texts: Iterator[str]) -> Iterator[str]:
    """Join many small strings into pieces of about STREAM_PIECE: one socket write per piece, not per row."""
    buffer: list[str] = []
    size = 0
    for text in texts:
        buffer.append(text)
        size += len(text)
        if size >= STREAM_PIECE:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


# --- delete -----------------------------------------------------------------------------------


def workspace_contents(workspace: Workspace) -> dict[str, int]:
    """How many rows of each kind a deletion of the workspace takes with it (for the audit and the admin)."""
    return {name: model.objects.filter(**{lookup: workspace}).count() for name, model, lookup in CASCADE}


@transaction.atomic
def workspace_delete(*, workspace: Workspace, actor: Actor) -> dict[str, int]:
    """Delete a workspace with its runs, steps, events, approvals, members, keys and rollups, in one transaction.

    Audited as ``workspace.delete`` with the count of each kind. Audit events
    about the workspace stay: their foreign keys carry no database constraint
    and never cascade, so the trail (and its hash chain) outlives the data.
    Returns the counts.
    """
    # The row lock makes a second deletion wait, then find nothing (and audit nothing); on PostgreSQL it also
    # holds back new runs, whose foreign key needs a share lock on this row, so the counts are exact.
    if not Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list("pk", flat=True):
        return {name: 0 for name, _model, _lookup in CASCADE}
    counts = workspace_contents(workspace)
    target = copy.copy(workspace)  # delete() clears the pk of the instance it is given; the audit needs it
    audit_log(
        "workspace.delete",
        actor=actor,
        workspace=workspace.pk,
        target=target,
        changes={"name": [workspace.name, None], "slug": [workspace.slug, None]}
        | {name: [count, 0] for name, count in counts.items()},
    )
    workspace.delete()
    return counts


# --- purge ------------------------------------------------------------------------------------


def run_purge_old_details(*, older_than_days: int, now: datetime | None = None) -> dict[str, Any]:
    """Delete the steps and events of runs that finished more than ``older_than_days`` ago.

    Only finished runs (a final status and a finished_at before the cutoff) lose
    details; a run still active keeps everything whatever its age. The Run rows
    stay, with status, output, tokens and cost, so usage and billing figures
    are unchanged. Deletes at most PURGE_BATCH rows per transaction, so a first
    purge of years of history never holds one huge lock; running it again
    deletes nothing more (idempotent). Audited once per purge, as the system.
    """
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1 (0 means keep forever: do not purge at all).")
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    counts = {"run_steps": 0, "run_events": 0}
    for run_ids in _finished_run_pages(cutoff):
        counts["run_steps"] += _delete_in_batches(RunStep, run_ids)
        counts["run_events"] += _delete_in_batches(RunEvent, run_ids)
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
