"""Reading a run's event stream: the one query that the API's long-poll, the SSE stream and the admin's live
run page all use, so all three agree on what "final" means."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from agents.choices import FINAL_STATES
from agents.models import Run, RunEvent

from .lifecycle import RunId


class EventRow(TypedDict):
    sequence: int
    type: str
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EventPage:
    """Events after a sequence number, oldest first, and the run's status when they were read."""

    status: str
    events: list[EventRow]
    final: bool  # the run is final and these are its last events: stop following
    next_after: int  # pass as ``after`` to read on


def run_events_after(run_id: RunId, *, after: int, limit: int, status: str | None = None) -> EventPage:
    """Up to ``limit`` events of the run after ``after``.

    The status is read first (or given, read by the caller just before): a final status commits together with
    its event, so reading it before the events guarantees that a final page never misses the last event.
    """
    if status is None:
        status = str(Run.objects.filter(pk=run_id).values_list("status", flat=True).get())
    rows = RunEvent.objects.filter(run_id=run_id, sequence__gt=after).order_by("sequence")
    events: list[EventRow] = list(rows.values("sequence", "type", "data", "created_at")[:limit])
    return EventPage(
        status=status,
        events=events,
        final=status in FINAL_STATES and len(events) < limit,
        next_after=events[-1]["sequence"] if events else after,
    )
